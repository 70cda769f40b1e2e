#!/bin/sh
# smoke.sh - the benchmark's quick checks, for `make test` (bench-smoke in
# bench.mk): "name passed failed" lines in $B/bench-smoke.results, as
# tests/run.sh writes them.  Environment: B PYTHON ASSOCGEN CC CFLAGS.
#   bench_checksums   the workload at N = 1,000 through the hand-written C,
#                     the generated API (also with owned loads of
#                     order.product) and both SQLAlchemy variants: every
#                     phase's rows and checksum agree
#   bench_synth       a 100-model synthetic schema (every construct of the
#                     model language) generates, and its C compiles with CFLAGS
: "${B:=build}" "${PYTHON:=/usr/bin/python3}" "${ASSOCGEN:=$B/assocgen}" "${CC:=cc}"
: "${CFLAGS:=-std=c11 -Wall -Wextra -Wpedantic -Werror -O0}"
results="$B/bench-smoke.results"
: > "$results"
status=0

check() {   # name command...
    name=$1
    shift
    log="$B/bench/$name.log"
    if "$@" > "$log" 2>&1; then
        echo "ok   $name"
        echo "$name 1 0" >> "$results"
    else
        echo "FAIL $name: $*"
        sed 's/^/    /' "$log" | tail -n 40
        echo "$name 0 1" >> "$results"
        status=1
    fi
}

mkdir -p "$B/bench"
check bench_checksums "$PYTHON" bench/run.py workload --n 1000 --repeat 1 --impls raw,api,api-owned,typical,tuned \
    --bindir "$B/bench" --schema "$B/bench/gen/models.sql" --python "$PYTHON" \
    --csv "$B/bench/smoke.csv" --chart ''
check bench_synth "$PYTHON" bench/run.py generator --sizes 100 --repeat 1 --assocgen "$ASSOCGEN" \
    --python "$PYTHON" --cc "$CC" --cflags "$CFLAGS" --csv "$B/bench/smoke-generator.csv"
exit $status
