#!/bin/sh
# er-diagram.sh ASSOCGEN [SCHEMA.def [OUT.svg]] - render a schema's ER diagram
# (assocgen --emit dot, then Graphviz) to SVG.  The defaults render the seed's
# schema/models.def to docs/models.svg, the committed picture:
#
#     sh scripts/er-diagram.sh build/assocgen
#
# Runs from the repository root, so the diagram names its source as
# schema/NAME.def whatever the caller's directory.  Needs `dot` (Debian
# package graphviz).
set -eu
[ $# -ge 1 ] && [ $# -le 3 ] || { echo "usage: $0 ASSOCGEN [SCHEMA.def [OUT.svg]]" >&2; exit 2; }
gen=$1
def=${2:-schema/models.def}
svg=${3:-docs/models.svg}
here=$(pwd)
case $gen in /*) ;; *) gen=$here/$gen ;; esac
case $svg in /*) ;; *) svg=$here/$svg ;; esac
cd "$(dirname "$0")/.."
command -v dot >/dev/null 2>&1 || { echo "er-diagram: 'dot' not found; install graphviz" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" -o "$tmp" --emit dot "$def"
mkdir -p "$(dirname "$svg")"
# dot writes to a temporary file first, so a failure leaves the old picture.
dot -Tsvg "$tmp/$(basename "$def" .def).dot" -o "$tmp/out.svg"
mv "$tmp/out.svg" "$svg"
echo "wrote $svg"
