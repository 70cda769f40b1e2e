#!/bin/sh
# summary.sh RESULTS... - add up run.sh's results; the last line is the count.
# A missing results file means that build or run never finished: one failure.
missing=0
for f in "$@"; do
    [ -f "$f" ] || { echo "summary: $f missing (the build or run failed above)"; missing=$((missing + 1)); }
done
cat "$@" 2>/dev/null | awk -v m="$missing" '{ p += $2; f += $3 } END { f += m; printf "total: %d passed, %d failed\n", p, f; exit (f > 0) }'
