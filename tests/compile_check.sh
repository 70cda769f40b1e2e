#!/bin/sh
# compile_check.sh ASSOCGEN SCHEMA.def... - generate each schema and compile
# the output as our users will: the source as C11 under gcc and clang with
# -Wall -Wextra -Wpedantic -Werror, the header as C++ under g++ and clang++.
# Each compile is one check; results go to $B/compile-results.txt in
# run.sh's "name passed failed" form.
: "${B:=build}"
gen=$1
shift
mkdir -p "$B"
results="$B/compile-results.txt"
: > "$results"
status=0
cflags="-std=c11 -Wall -Wextra -Wpedantic -Werror -Iruntime"
cxxflags="-std=c++11 -Wall -Wextra -Wpedantic -Werror -Iruntime -fsyntax-only"

check() {   # name command...
    name=$1
    shift
    if log=$("$@" 2>&1); then
        echo "ok   compile $name"
        echo "compile_$name 1 0" >> "$results"
    else
        echo "FAIL compile $name: $*"
        printf '%s\n' "$log" | sed 's/^/    /' | head -40
        echo "compile_$name 0 1" >> "$results"
        status=1
    fi
}

for def in "$@"; do
    s=$(basename "$def" .def)
    dir="$B/compile/$s"
    rm -rf "$dir"
    mkdir -p "$dir"
    if ! "$gen" -o "$dir" "$def" > "$dir/assocgen.log" 2>&1; then
        # A schema meant to be imported may not stand alone; that is no failure
        # here when its importer compiles, so only report it.
        echo "skip compile $s: assocgen failed (see $dir/assocgen.log)"
        grep -q "error" "$dir/assocgen.log" && { echo "compile_${s}_generate 0 1" >> "$results"; status=1; }
        continue
    fi
    printf '#include "%s.h"\nint main(void) { return 0; }\n' "$s" > "$dir/use_header.cc"
    check "${s}_gcc" gcc $cflags -I"$dir" -c -o "$dir/$s.gcc.o" "$dir/$s.c"
    check "${s}_clang" clang $cflags -I"$dir" -c -o "$dir/$s.clang.o" "$dir/$s.c"
    check "${s}_g++" g++ $cxxflags -I"$dir" "$dir/use_header.cc"
    check "${s}_clang++" clang++ $cxxflags -I"$dir" "$dir/use_header.cc"
done
exit $status
