#!/bin/sh
# refresh.sh ASSOCGEN - rewrite the golden files tests/golden/NAME.{h,c,sql,dot}
# from the current emitters, for every schema/NAME.def; golden files whose
# schema is gone are removed.  Run it (make golden-refresh) only when a change
# to the output is intended, then review `git diff tests/golden`.
#
# The outputs begin with a banner naming the source as given, so this runs
# from the repository root with `schema/NAME.def`, exactly as
# tests/unit/test_golden.c loads it.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 ASSOCGEN" >&2; exit 2; }
gen=$1
case $gen in
/*) ;;
*) gen=$(pwd)/$gen ;;
esac
[ -x "$gen" ] || { echo "refresh: '$1' is not an executable" >&2; exit 2; }
cd "$(dirname "$0")/../.."

emit=header,source,sql,dot
status=0
for def in schema/*.def; do
    [ -e "$def" ] || continue
    if ! "$gen" -Werror -o tests/golden --emit "$emit" "$def"; then
        echo "refresh: $def failed; its golden files are left as they were" >&2
        status=1
        continue
    fi
    echo "refreshed tests/golden/$(basename "$def" .def).{h,c,sql,dot}"
done
for f in tests/golden/*.h tests/golden/*.c tests/golden/*.sql tests/golden/*.dot; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    name=${name%.*}
    if [ ! -e "schema/$name.def" ]; then
        echo "removed $f (no schema/$name.def)"
        rm -f "$f"
    fi
done
exit $status
