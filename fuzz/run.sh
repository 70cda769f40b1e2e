#!/bin/sh
# run.sh FUZZER CORPUS SECONDS WORKDIR [DICT] - run the libFuzzer binary for
# SECONDS on CORPUS, single process, and fail on any crash, leak, timeout (10 s
# per input) or failed check.  DICT defaults to fuzz/assocgen.dict ("-" for
# none).  The last status lines go to WORKDIR/fuzz-stats.txt, named by the
# harness.
set -u
[ $# -eq 4 ] || [ $# -eq 5 ] || { echo "usage: $0 FUZZER CORPUS SECONDS WORKDIR [DICT]" >&2; exit 2; }
bin=$1 corpus=$2 secs=$3 work=$4 dict=${5:-fuzz/assocgen.dict}
name=$(basename "$bin")
mkdir -p "$work/artifacts"
log="$work/$name-$(date +%Y%m%d-%H%M%S).log"
echo "fuzz: $bin for ${secs}s on $corpus (log: $log)"
dictopt=
[ "$dict" = "-" ] || dictopt="-dict=$dict"
"$bin" "$corpus" $dictopt \
    -max_total_time="$secs" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -max_len=16384 \
    -detect_leaks=1 \
    -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$name-" > "$log" 2>&1
rc=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -n 2
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log"
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
printf '%s %s secs=%s rc=%s %s\n' "$(date -u +%FT%TZ)" "$name" "$secs" "$rc" "$done_line" >> "$work/fuzz-stats.txt"
if [ "$rc" -ne 0 ]; then
    echo "fuzz: FAILED (exit $rc); the end of the log:"
    tail -n 60 "$log"
    ls -l "$work/artifacts/"
    exit 1
fi
echo "fuzz: ok"
