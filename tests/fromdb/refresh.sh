#!/bin/sh
# refresh.sh [ASSOCGEN] - rewrite golden/*.def from the current --from-db, on
# purpose (after a change to gen/fromdb.c whose effect on the output is
# intended); `git diff tests/fromdb/golden` then shows what changed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
assocgen=${1:-$here/../../build/assocgen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in $(cat "$here/databases"); do
    sh "$here/make_db.sh" "$name" "$tmp/$name.db"
    "$assocgen" --from-db "$tmp/$name.db" -o "$tmp/out" 2>/dev/null
    cp "$tmp/out/$name.def" "$here/golden/$name.def"
    echo "golden/$name.def"
done
