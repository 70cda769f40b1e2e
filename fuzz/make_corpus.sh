#!/bin/sh
# make_corpus.sh OUTDIR - the seed corpus for the front-end fuzzer: every
# schema/*.def, tests/good/*.def and tests/bad/*.def as a bundle (see
# fuzz/fuzz_oracle.h), with the files it imports appended under "#@ NAME"
# markers; every directory case under tests/bad/ (main.def and its
# neighbours) as one bundle; and the saved regression inputs.  Run from the
# repository root.  OUTDIR is emptied of seeds (seed-*) first; libFuzzer's
# own finds in it are kept.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
mkdir -p "$out"
rm -f "$out"/seed-*

# bundle MAIN [DIR]: MAIN, then every other .def of DIR under a marker,
# named by its path relative to DIR.
bundle() {
    main=$1 dir=$2
    cat "$main"
    [ -n "$dir" ] || return 0
    find "$dir" -name '*.def' | sort | while read -r f; do
        [ "$f" = "$main" ] && continue
        printf '\n#@ %s\n' "${f#"$dir"/}"
        cat "$f"
    done
}

n=0
for f in schema/*.def; do
    # A schema's imports are its neighbours in schema/.
    if grep -q '^import' "$f"; then
        bundle "$f" schema > "$out/seed-schema-$(basename "$f")"
    else
        cp "$f" "$out/seed-schema-$(basename "$f")"
    fi
    n=$((n + 1))
done
for f in tests/good/*.def tests/bad/*.def tests/e2e/*/*.def; do
    [ -f "$f" ] || continue
    d=$(basename "$(dirname "$f")")
    cp "$f" "$out/seed-$d-$(basename "$f")"
    n=$((n + 1))
done
for d in tests/bad/*/; do
    d=${d%/}
    [ -f "$d/main.def" ] || continue
    bundle "$d/main.def" "$d" > "$out/seed-dir-$(basename "$d")"
    n=$((n + 1))
done
for f in tests/reliability/fuzz-regress/* tests/bad/fuzz/*; do
    [ -f "$f" ] || continue
    cp "$f" "$out/seed-regress-$(basename "$f")"
    n=$((n + 1))
done
echo "make_corpus: $n seed inputs in $out"
