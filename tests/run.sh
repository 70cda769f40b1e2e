#!/bin/sh
# run.sh TEST... - run cmocka test programs, keep going after a failure, and
# record "name passed failed" per program in $B/results.txt.  A program that
# dies before cmocka's summary counts as one failure.
: "${B:=build}"
results="$B/results.txt"
: > "$results"
status=0
for t in "$@"; do
    name=$(basename "$t")
    log="$B/tests/$name.log"
    (cd "$(dirname "$0")/.." && "$t") > "$log" 2>&1
    rc=$?
    passed=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    failed=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    : "${passed:=0}" "${failed:=0}"
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1      # crashed, or a sanitizer stopped it
    fi
    if [ "$failed" -ne 0 ]; then
        status=1
        echo "FAIL $name ($B): $passed passed, $failed failed; log follows"
        sed 's/^/    /' "$log" | tail -n 60
    else
        echo "ok   $name ($B): $passed passed"
    fi
    echo "$name $passed $failed" >> "$results"
done
exit $status
