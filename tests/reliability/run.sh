#!/bin/sh
# run.sh RESULTS TEST... - tests/run.sh's counting, into the file RESULTS:
# run each cmocka program from the repository root, keep going after a
# failure, and record "name passed failed" per program.  A program that
# dies before cmocka's summary (a sanitizer stopped it, a crash, valgrind's
# error exit) counts as one failure.  Each program is killed after
# REL_TIMEOUT seconds (default 300), which counts as a failure too.
#   REL_RUNNER  a command to run each program under (e.g. valgrind ...)
#   REL_PREFIX  prepended to each name in RESULTS and in the log's name
: "${B:=build}"
results=$1
shift
: > "$results"
status=0
for t in "$@"; do
    name=${REL_PREFIX:-}$(basename "$t")
    mkdir -p "$B/reliability"
    log="$B/reliability/$name.log"
    start=$(date +%s)
    (cd "$(dirname "$0")/../.." && timeout -s KILL "${REL_TIMEOUT:-300}" ${REL_RUNNER:-} "$t") > "$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    passed=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    failed=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    : "${passed:=0}" "${failed:=0}"
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
    fi
    if [ "$failed" -ne 0 ]; then
        status=1
        echo "FAIL $name ($B, ${secs}s, exit $rc): $passed passed, $failed failed; log follows"
        grep -v '^\[ \(RUN\|      OK\) ' "$log" | sed 's/^/    /' | tail -n 60
    else
        echo "ok   $name ($B, ${secs}s): $passed passed"
    fi
    echo "$name $passed $failed" >> "$results"
done
exit $status
