#!/bin/sh
# run.sh - integration tests of an installed assocgen (issue 4): install and
# uninstall, pkg-config, the soname, the examples/ projects built against the
# install, the command's file handling (depfile, unchanged outputs, atomic
# writes, --prefix), its answers to bad input, --help and --version.
#
# Run from the top Makefile (`make integration-tests`, mk/install.mk) with
# B (the build directory), MAKE and CC in the environment.  Each check prints
# "ok NAME" or "FAIL NAME" with its log, and adds "NAME passed failed" to
# $RESULTS ($B/integration-tests.results).  Logs stay in $B/integration/.
#
# Everything is installed into a temporary directory, removed at the end:
#   $STAGE$SP   `make install DESTDIR=$STAGE PREFIX=$SP` (packaging checks)
#   $INST       `make install PREFIX=$INST` (the examples build against it)
# shellcheck disable=SC2317  # the t_ functions are called through check()
: "${B:=build}" "${MAKE:=make}" "${CC:=cc}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
# The calling make's flags and variables (B=..., CFLAGS=...) are not for the
# makes these tests run.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL GNUMAKEFLAGS

: "${RESULTS:=$B/integration-tests.results}"
LOGS="$B/integration"
mkdir -p "$LOGS" || exit 1
: > "$RESULTS"
T=$(mktemp -d "${TMPDIR:-/tmp}/assocgen-it.XXXXXX") || exit 1
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

SP=/opt/assoc                   # the staged install's PREFIX
STAGE=$T/stage
SROOT=$STAGE$SP
INST=$T/inst
A=$SROOT/bin/assocgen           # the command under test: the installed one
SCHEMA=$TOP/schema/models.def
# libassoc's version, as runtime/assoc.h states it and mk/install.mk reads
# it: libassoc.so.$VER with the soname libassoc.so.$SOMAJOR.
VER=$(sed -n 's/^.define ASSOC_VERSION_STRING "\(.*\)"/\1/p' "$TOP/runtime/assoc.h")
SOMAJOR=${VER%%.*}
INSTALL_MAKE="$MAKE --no-print-directory -f Makefile -f mk/install.mk B=$B"
status=0

# check NAME FUNCTION: run FUNCTION in a subshell under `set -e`.  With
# ONLY set (a blank-separated list of names), the other checks are skipped:
# ONLY="install_destdir depfile_make_names" runs the command's checks against a
# fresh staged install without the slower ones.
check() {
    if [ -n "${ONLY:-}" ]; then
        case " $ONLY " in *" $1 "*) ;; *) return 0 ;; esac
    fi
    log="$LOGS/$1.log"
    ( set -e; "$2" ) > "$log" 2>&1
    if [ $? -eq 0 ]; then
        echo "ok   $1"
        echo "$1 1 0" >> "$RESULTS"
    else
        status=1
        echo "FAIL $1; log ($log) follows"
        tail -n 40 "$log" | sed 's/^/    /'
        echo "$1 0 1" >> "$RESULTS"
    fi
}

die() { echo "FAILED: $*"; exit 1; }

# run WANT CMD...: run CMD, its stdout in $T/stdout and stderr in $T/stderr;
# fail unless it exits WANT.
run() {
    want=$1
    shift
    rc=0
    "$@" > "$T/stdout" 2> "$T/stderr" || rc=$?
    echo "\$ $* -> exit $rc"
    sed 's/^/  stderr: /' "$T/stderr"
    [ "$rc" -eq "$want" ] || die "exit status $rc, expected $want"
}

# one_line PATH REASON: stderr is a single line naming PATH and REASON.
one_line() {
    [ "$(wc -l < "$T/stderr")" -eq 1 ] || die "stderr is not one line"
    grep -qF -- "$1" "$T/stderr" || die "stderr does not name '$1'"
    grep -qF -- "$2" "$T/stderr" || die "stderr does not say '$2'"
    [ ! -s "$T/stdout" ] || die "something on stdout"
}

# snap DIR: every file's name, size, mtime (ns) and inode; a directory's name.
snap() {
    find "$1" -type d -printf '%p/\n' -o -printf '%p %s %T@ %i\n' | LC_ALL=C sort
}

# mtime FILE: in nanoseconds, for "was it rewritten" questions.
mtime() { stat -c %.9Y "$1" 2>/dev/null || stat -c %Y "$1"; }

# What a consumer of the staged install uses.
staged_pkg() {
    PKG_CONFIG_PATH=$SROOT/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$STAGE pkg-config "$@"
}
# ... and of the plain install into $INST.
inst_env() {
    env PATH="$INST/bin:$PATH" PKG_CONFIG_PATH="$INST/lib/pkgconfig" \
        LD_LIBRARY_PATH="$INST/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"
}

INSTALLED="bin/assocgen lib/libassoc.a lib/libassoc.so.$VER lib/libassoc.so.$SOMAJOR lib/libassoc.so
include/assoc.h lib/pkgconfig/assoc.pc share/man/man1/assocgen.1"

# --- packaging ------------------------------------------------------------------

t_install_destdir() {
    $INSTALL_MAKE install DESTDIR="$STAGE" PREFIX="$SP"
    for f in $INSTALLED; do
        [ -e "$SROOT/$f" ] || die "$SP/$f not installed"
    done
    [ -x "$SROOT/bin/assocgen" ] || die "assocgen not executable"
    [ -n "$VER" ] && [ "$SOMAJOR" -ge 2 ] || die "no version 2 or later in runtime/assoc.h: '$VER'"
    [ "$(readlink "$SROOT/lib/libassoc.so.$SOMAJOR")" = "libassoc.so.$VER" ] || die "libassoc.so.$SOMAJOR link"
    [ "$(readlink "$SROOT/lib/libassoc.so")" = "libassoc.so.$SOMAJOR" ] || die "libassoc.so link"
    # Nothing outside PREFIX, and DESTDIR recorded nowhere.
    outside=$(find "$STAGE" ! -type d ! -path "$SROOT/*")
    [ -z "$outside" ] || die "installed outside PREFIX: $outside"
    grep -qx "prefix=$SP" "$SROOT/lib/pkgconfig/assoc.pc" || die "assoc.pc prefix"
    ! grep -rqF "$STAGE" "$SROOT/lib/pkgconfig/assoc.pc" || die "assoc.pc names DESTDIR"
    cmp "$TOP/runtime/assoc.h" "$SROOT/include/assoc.h"
    "$A" --version
    # Installing again is harmless.
    $INSTALL_MAKE install DESTDIR="$STAGE" PREFIX="$SP"
}

t_soname() {
    readelf -d "$SROOT/lib/libassoc.so.$VER" | tee "$T/dyn"
    grep -q "SONAME.*\\[libassoc\\.so\\.$SOMAJOR\\]" "$T/dyn" || die "no soname libassoc.so.$SOMAJOR"
    grep -q 'NEEDED.*\[libsqlite3\.so' "$T/dyn" || die "not linked with sqlite3"
    # The shared library exports the runtime's API and nothing else.
    nm -D --defined-only "$SROOT/lib/libassoc.so.$VER" | awk 'NF == 3 { print $3 }' > "$T/syms"
    [ -s "$T/syms" ] || die "no symbols exported"
    ! grep -v '^assoc_' "$T/syms" || die "exports names outside assoc_"
    grep -qx assoc_open "$T/syms"
}

t_man_page() {
    man1=$SROOT/share/man/man1/assocgen.1
    groff -man -Tutf8 -ww -z "$man1" 2> "$T/groff"
    [ ! -s "$T/groff" ] || { cat "$T/groff"; die "groff warns"; }
    groff -man -Tutf8 -P -c "$man1" 2>/dev/null | sed 's/.\x08//g' > "$T/man.txt"
    for s in NAME SYNOPSIS OPTIONS 'EXIT STATUS' 'THE MODEL LANGUAGE' Grammar Relationships \
             'GENERATED CODE' 'SCHEMA CHANGES' EXAMPLES; do
        grep -q "^ *$s" "$T/man.txt" || die "man page lacks section '$s'"
    done
    # Every option of --help is documented.
    for o in --out-dir --emit --prefix --depfile --check -Werror --migrate-from --allow-data-loss \
             --version --help primary_key foreign_key renamed_from secondary backref back_populates \
             cascade order_by foreign_keys uselist viewonly import _verify ASSOC_SCHEMA; do
        grep -qF -- "$o" "$T/man.txt" || die "man page does not mention $o"
    done
}

# A consumer of the staged install compiles and links with exactly what
# pkg-config says (PKG_CONFIG_SYSROOT_DIR maps the staged prefix).
pkg_build() {   # pkg_build DIR: generate the seed's code into DIR/gen
    mkdir -p "$1"
    "$A" -o "$1/gen" "$SCHEMA"
    cflags=$(staged_pkg --cflags assoc)
    libs=$(staged_pkg --libs assoc)
    echo "cflags: $cflags"
    echo "libs:   $libs"
    echo " $cflags " | grep -qF -- " -I$SROOT/include " || die "--cflags lacks the include directory"
    echo " $libs " | grep -qF -- " -L$SROOT/lib " || die "--libs lacks -L"
    echo " $libs " | grep -qF -- " -lassoc " || die "--libs lacks -lassoc"
    echo " $libs " | grep -qF -- " -lsqlite3 " || die "--libs lacks sqlite3"
    [ "$(staged_pkg --modversion assoc)" = "$VER" ]
}

t_pkgconfig_static() {
    d=$T/pkg-static
    pkg_build "$d"
    # Static: pkg-config --static adds what libassoc.a needs besides
    # (Requires.private: libpq), and libassoc is taken from libassoc.a.
    libs=$(staged_pkg --static --libs assoc)
    echo " $libs " | grep -qF -- " -lpq " || die "--static --libs lacks libpq"
    slibs=
    for w in $libs; do
        [ "$w" = -lassoc ] && w="-Wl,-Bstatic -lassoc -Wl,-Bdynamic"
        slibs="$slibs $w"
    done
    # shellcheck disable=SC2086
    $CC -std=c11 -Wall -Wextra -Werror -I"$d/gen" $cflags -o "$d/prog" \
        "$TOP/tests/integration/seed_consumer.c" "$d/gen/models.c" $slibs
    ! readelf -d "$d/prog" | grep -q 'NEEDED.*libassoc' || die "linked the shared library"
    env -u LD_LIBRARY_PATH "$d/prog" | tee "$T/prog.out"
    grep -q '^ada@example.com bought 1: keyboard' "$T/prog.out"
}

t_pkgconfig_shared() {
    d=$T/pkg-shared
    pkg_build "$d"
    # shellcheck disable=SC2086
    $CC -std=c11 -Wall -Wextra -Werror -I"$d/gen" $cflags -o "$d/prog" \
        "$TOP/tests/integration/seed_consumer.c" "$d/gen/models.c" $libs
    readelf -d "$d/prog" | grep -q "NEEDED.*\\[libassoc\\.so\\.$SOMAJOR\\]" || die "not linked with libassoc.so.$SOMAJOR"
    # It needs the library from the stage: without the path it cannot start.
    ! env -u LD_LIBRARY_PATH "$d/prog" > /dev/null 2>&1 || die "ran without libassoc.so.$SOMAJOR"
    LD_LIBRARY_PATH=$SROOT/lib "$d/prog" | tee "$T/prog.out"
    grep -q '^ada@example.com bought 1: keyboard' "$T/prog.out"
}

# A plain install (no DESTDIR) works as pkg-config finds it, no sysroot.
t_install_prefix() {
    $INSTALL_MAKE install PREFIX="$INST"
    [ "$(PKG_CONFIG_PATH=$INST/lib/pkgconfig pkg-config --variable=assocgen assoc)" = "$INST/bin/assocgen" ] \
        || die "assoc.pc's assocgen variable"
    d=$T/pkg-prefix
    mkdir -p "$d"
    inst_env assocgen -o "$d/gen" "$SCHEMA"
    # shellcheck disable=SC2046
    $CC -std=c11 -I"$d/gen" $(PKG_CONFIG_PATH=$INST/lib/pkgconfig pkg-config --cflags assoc) \
        -o "$d/prog" "$TOP/tests/integration/seed_consumer.c" "$d/gen/models.c" \
        $(PKG_CONFIG_PATH=$INST/lib/pkgconfig pkg-config --libs assoc)
    inst_env "$d/prog"
}

# --- examples/make-consumer -------------------------------------------------------
MC=$T/make-consumer

t_make_consumer_build() {
    cp -R "$TOP/examples/make-consumer" "$MC"
    rm -rf "$MC/gen" "$MC/shop" "$MC"/*.o
    [ "$(inst_env sh -c 'command -v assocgen')" = "$INST/bin/assocgen" ] || die "assocgen on PATH"
    inst_env make -C "$MC"
    inst_env "$MC/shop" | tee "$T/shop.out"
    grep -qx 'Ada bought keyboard monitor' "$T/shop.out"
    grep -qx 'after deleting Ada: 0 purchases' "$T/shop.out"
    grep -q 'common.def' "$MC/gen/shop.d" || die "the depfile does not name the import"
}

t_make_consumer_noop() {
    before=$(snap "$MC")
    inst_env make -q -C "$MC" || die "make -q: not up to date"
    inst_env make -C "$MC" | tee "$T/make.out"
    grep -q "Nothing to be done" "$T/make.out" || die "the second build did something"
    [ "$before" = "$(snap "$MC")" ] || die "files changed"
}

t_make_consumer_touch_import() {
    sleep 1
    c=$(mtime "$MC/gen/shop.c"); o=$(mtime "$MC/gen/shop.o"); p=$(mtime "$MC/shop")
    touch "$MC/common.def"
    inst_env make -C "$MC" | tee "$T/make.out"
    grep -q 'assocgen -o gen' "$T/make.out" || die "touching common.def did not rerun assocgen"
    # The code did not change: not rewritten, so nothing is recompiled.
    [ "$c" = "$(mtime "$MC/gen/shop.c")" ] || die "gen/shop.c rewritten"
    ! grep -q -- ' -c ' "$T/make.out" || die "recompiled"
    [ "$o" = "$(mtime "$MC/gen/shop.o")" ] && [ "$p" = "$(mtime "$MC/shop")" ] || die "rebuilt"
}

t_make_consumer_edit_import() {
    sleep 1
    printf '\nmodel Note table notes {\n    id integer primary_key\n    body string(80)\n}\n' \
        >> "$MC/common.def"
    o=$(mtime "$MC/main.o")
    inst_env make -C "$MC" | tee "$T/make.out"
    grep -q 'assocgen -o gen' "$T/make.out" || die "assocgen did not rerun"
    grep -q 'note_insert' "$MC/gen/shop.h" || die "the import's change is not in gen/shop.h"
    [ "$o" != "$(mtime "$MC/main.o")" ] || die "main.o not rebuilt"
    inst_env "$MC/shop"
    inst_env make -q -C "$MC" || die "not up to date after the rebuild"
}

# --- examples/cmake-consumer ------------------------------------------------------
# cmake_build DIR [GENERATOR]: configure (once) and build.
cmake_build() {
    if [ ! -d "$1/build" ]; then
        inst_env cmake -S "$1" -B "$1/build" ${2:+-G "$2"}
    fi
    inst_env cmake --build "$1/build" | tee "$T/cmake.out"
}

cmake_consumer_build() {   # DIR [GENERATOR]
    cp -R "$TOP/examples/cmake-consumer" "$1"
    rm -rf "$1/build"
    cmake_build "$1" "$2"
    grep -q "ASSOCGEN:FILEPATH=$INST/bin/assocgen" "$1/build/CMakeCache.txt" || die "found another assocgen"
    inst_env "$1/build/library" | tee "$T/library.out"
    grep -q ': Alan Grace$' "$T/library.out"
}

cmake_consumer_noop() {
    before=$(snap "$1/build/gen"; mtime "$1/build/library")
    cmake_build "$1"
    ! grep -q 'Building C object' "$T/cmake.out" || die "compiled again"
    ! grep -q 'assocgen library.def' "$T/cmake.out" || die "ran assocgen again"
    ! grep -q 'Linking' "$T/cmake.out" || die "linked again"
    [ "$before" = "$(snap "$1/build/gen"; mtime "$1/build/library")" ] || die "files changed"
}

cmake_consumer_touch_import() {
    sleep 1
    touch "$1/people.def"
    cmake_build "$1"
    grep -q 'assocgen library.def' "$T/cmake.out" || die "touching people.def did not rerun assocgen"
    inst_env "$1/build/library"
}

CM=$T/cmake-consumer
CN=$T/cmake-consumer-ninja
t_cmake_consumer_build() { cmake_consumer_build "$CM"; }
t_cmake_consumer_noop() { cmake_consumer_noop "$CM"; }
t_cmake_consumer_touch_import() { cmake_consumer_touch_import "$CM"; }
t_cmake_ninja_build() { cmake_consumer_build "$CN" Ninja; }
t_cmake_ninja_noop() {
    cmake_consumer_noop "$CN"
    grep -q 'no work to do' "$T/cmake.out"
}
# Ninja restats the outputs: assocgen reruns, leaves them alone, and nothing
# is compiled, then or on the next build.
t_cmake_ninja_touch_import() {
    cmake_consumer_touch_import "$CN"
    ! grep -q 'Building C object' "$T/cmake.out" || die "recompiled unchanged code"
    cmake_build "$CN"
    grep -q 'no work to do' "$T/cmake.out" || die "the build after is not empty"
}

# --- the command's outputs ----------------------------------------------------------

t_depfile_imports() {
    d="$T/dep dir"              # a space, escaped in the depfile
    mkdir -p "$d/sub"
    printf 'import "sub/b.def"\nmodel A { id integer primary_key }\n' > "$d/a.def"
    printf 'import "c.def"\nmodel Bm { id integer primary_key }\n' > "$d/sub/b.def"
    printf 'model Cm { id integer primary_key }\n' > "$d/sub/c.def"
    (cd "$d" && "$A" -o out -M out/a.d --emit header,source,sql,dot a.def)
    cat "$d/out/a.d"
    # Every output is a target; the file and every import, nested too, a prerequisite.
    head -n 1 "$d/out/a.d" | grep -q '^out/a\.h out/a\.c out/a\.sql out/a\.dot: *\\$' \
        || die "the outputs are not the targets"
    for f in a.def sub/b.def sub/c.def; do
        grep -q "^  $f\( \\\\\)\{0,1\}$" "$d/out/a.d" || die "$f is not a prerequisite"
    done
    # Each import gets an empty rule (as gcc -MP), so deleting one does not
    # break the build.
    for f in sub/b.def sub/c.def; do
        grep -qx "$f:" "$d/out/a.d" || die "$f has no empty rule"
    done
    # make reads it: up to date now, out of date when the deepest import changes.
    printf 'include out/a.d\nall: out/a.h out/a.c out/a.sql out/a.dot\n%s\n\t@echo regenerate\n' \
        'out/a.h out/a.c out/a.sql out/a.dot:' > "$d/Makefile"
    make -q -C "$d" all || die "make does not read it as up to date"
    sleep 1
    touch "$d/sub/c.def"
    ! make -q -C "$d" all || die "make does not see sub/c.def"
    # Absolute paths, and a path with a space.
    "$A" -o "$d/abs" -M "$d/abs/a.d" "$d/a.def"
    grep -qF 'dep\ dir/sub/c.def' "$d/abs/a.d" || die "a space is not escaped"
    h=$(echo "$d/abs/a.h" | sed 's/ /\\ /g')
    printf 'include abs/a.d\nall: %s\n%s:\n\t@echo regenerate\n' "$h" "$h" > "$d/Makefile"
    make -q -C "$d" all || die "make cannot read the escaped depfile"
    sleep 1
    touch "$d/sub/b.def"
    ! make -q -C "$d" all || die "make does not see sub/b.def through the escaped path"
}

t_unchanged_kept() {
    d=$T/kept
    "$A" -o "$d/out" -M "$d/out/models.d" --emit header,source,sql,dot "$SCHEMA"
    before=$(snap "$d")
    sleep 1
    "$A" -o "$d/out" -M "$d/out/models.d" --emit header,source,sql,dot "$SCHEMA"
    [ "$before" = "$(snap "$d")" ] || die "an unchanged output was rewritten"
    # A change rewrites what changed (a new inode: written aside and renamed).
    cp "$SCHEMA" "$d/models.def"
    printf '\nmodel Extra { id integer primary_key }\n' >> "$d/models.def"
    i=$(stat -c %i "$d/out/models.h")
    "$A" -o "$d/out" -M "$d/out/models.d" --emit header,source,sql,dot "$d/models.def"
    grep -q extra_insert "$d/out/models.h"
    [ "$i" != "$(stat -c %i "$d/out/models.h")" ] || die "models.h rewritten in place"
    [ "$(ls "$d/out" | tr '\n' ' ')" = "models.c models.d models.dot models.h models.sql " ] \
        || die "stray files: $(ls "$d/out")"
}

t_failed_run_keeps_outputs() {
    d=$T/failed
    mkdir -p "$d"
    cp "$SCHEMA" "$d/models.def"
    "$A" -o "$d/out" -M "$d/out/models.d" "$d/models.def"
    before=$(snap "$d/out")
    sleep 1
    printf '\nmodel Broken { id integr primary_key }\n' >> "$d/models.def"
    run 1 "$A" -o "$d/out" -M "$d/out/models.d" "$d/models.def"
    [ "$before" = "$(snap "$d/out")" ] || die "a failed run changed the outputs"
    # A failure while writing (the last output blocked by a directory) too,
    # when the outputs before it would change.
    sed -i 's/^model Broken.*/model Fixed { id integer primary_key }/' "$d/models.def"
    rm "$d/out/models.sql"
    mkdir "$d/out/models.sql"
    before=$(snap "$d/out")
    run 2 "$A" -o "$d/out" -M "$d/out/models.d" "$d/models.def"
    one_line "$d/out/models.sql" "Is a directory"
    [ "$before" = "$(snap "$d/out")" ] || die "a failed write changed the outputs"
}

# Two schemas (the seed's, twice) with different prefixes link into one program.
t_prefix_link() {
    d=$T/prefix
    mkdir -p "$d"
    cflags=$(staged_pkg --cflags assoc)
    libs=$(staged_pkg --libs assoc)
    for p in a b; do
        "$A" -o "$d/$p" --prefix "${p}_" "$SCHEMA"
        # shellcheck disable=SC2086
        $CC -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags -c -o "$d/$p.o" "$d/$p/models.c"
        nm -g --defined-only "$d/$p.o" | awk 'NF == 3 { print $3 }' | LC_ALL=C sort > "$d/$p.syms"
        [ -s "$d/$p.syms" ] || die "$p.o defines nothing"
        ! grep -v "^${p}_" "$d/$p.syms" || die "$p.o defines names without the prefix ${p}_"
    done
    grep -qx a_models_create_all "$d/a.syms" && grep -qx b_user_insert "$d/b.syms"
    [ -z "$(LC_ALL=C comm -12 "$d/a.syms" "$d/b.syms")" ] || die "a name defined twice"
    # Both headers in one translation unit; both objects in one program.
    # shellcheck disable=SC2086
    $CC -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$d" $cflags -o "$d/prog" \
        "$TOP/tests/integration/two_schemas.c" "$d/a.o" "$d/b.o" $libs
    nm "$d/prog" | grep -q ' T a_user_insert$'
    nm "$d/prog" | grep -q ' T b_user_insert$'
    ! nm "$d/prog" | grep -q ' T user_insert$' || die "an unprefixed user_insert"
    LD_LIBRARY_PATH=$SROOT/lib "$d/prog" | tee "$T/prog.out"
    grep -qx 'a: 1 user, b: 1 order' "$T/prog.out"
}

# --- bad input: one line naming the path and the reason; nothing written -----------

t_bad_unwritable_out_dir() {
    d=$T/bad-out
    mkdir -p "$d"
    touch "$d/file"
    before=$(snap "$d")
    # Fails for root too: a directory under a regular file.
    run 2 "$A" -o "$d/file/out" "$SCHEMA"
    one_line "$d/file/out" "Not a directory"
    run 2 "$A" -o /etc/passwd/x "$SCHEMA"
    one_line /etc/passwd/x "Not a directory"
    # The output directory is a file.
    run 2 "$A" -o "$d/file" "$SCHEMA"
    one_line "$d/file" "Not a directory"
    # Deeper: parents that would be created are not left behind.
    run 2 "$A" -o "$d/new/deeper/file/x" -M "$d/file/x.d" "$SCHEMA"
    one_line "$d/file/x.d" "Not a directory"
    [ "$before" = "$(snap "$d")" ] || die "something was written"
    if [ "$(id -u)" -ne 0 ]; then    # permissions count only for others
        mkdir "$d/ro" && chmod 555 "$d/ro"
        run 2 "$A" -o "$d/ro/out" "$SCHEMA"
        one_line "$d/ro/out" "Permission denied"
        chmod 755 "$d/ro"
    fi
}

t_bad_missing_input() {
    d=$T/bad-input
    mkdir -p "$d"
    run 2 "$A" -o "$d/out" "$d/nope.def"
    one_line "$d/nope.def" "No such file or directory"
    run 2 "$A" -o "$d/out" -M "$d/out.d" "$d/nope.def"
    one_line "$d/nope.def" "No such file or directory"
    mkdir "$d/dir.def"
    run 2 "$A" -o "$d/out" "$d/dir.def"
    one_line "$d/dir.def" "Is a directory"
    [ "$(ls -A "$d")" = dir.def ] || die "something was written: $(ls -A "$d")"
}

# An import that cannot be read is an error in the schema (SPEC 2: exit 1),
# reported as FILE:LINE:COL: error: ... naming the import's path and the
# reason, then the source line and a caret, as every schema error is.
t_bad_unreadable_import() {
    d=$T/bad-import
    mkdir -p "$d/imp.def"
    printf 'import "missing.def"\nmodel A { id integer primary_key }\n' > "$d/a.def"
    printf 'import "imp.def"\nmodel A { id integer primary_key }\n' > "$d/b.def"
    for c in "a.def missing.def No such file or directory" "b.def imp.def Is a directory"; do
        set -- $c
        f=$1 imp=$2
        shift 2
        run 1 "$A" -o "$d/out" -M "$d/out.d" "$d/$f"
        [ "$(grep -c 'error:' "$T/stderr")" -eq 1 ] || die "not one error"
        head -n 1 "$T/stderr" | grep -q "^$d/$f:1:8: error: .*'$d/$imp': $*\$" \
            || die "the first line does not name '$d/$imp' and '$*'"
    done
    if [ "$(id -u)" -ne 0 ]; then
        printf 'model C { id integer primary_key }\n' > "$d/secret.def"
        chmod 000 "$d/secret.def"
        printf 'import "secret.def"\nmodel A { id integer primary_key }\n' > "$d/c.def"
        run 1 "$A" -o "$d/out" "$d/c.def"
        head -n 1 "$T/stderr" | grep -q "'$d/secret.def': Permission denied" || die "EACCES"
        rm -f "$d/secret.def" "$d/c.def"
    fi
    [ "$(ls -A "$d" | tr '\n' ' ')" = "a.def b.def imp.def " ] || die "something was written"
}

t_bad_depfile_dir() {
    d=$T/bad-dep
    mkdir -p "$d"
    run 2 "$A" -o "$d/out" -M "$d/nodir/models.d" "$SCHEMA"
    one_line "$d/nodir/models.d" "No such file or directory"
    [ -z "$(ls -A "$d")" ] || die "something was written: $(ls -A "$d")"
    # With earlier outputs: they stay as they were.
    "$A" -o "$d/out" "$SCHEMA"
    before=$(snap "$d")
    run 2 "$A" -o "$d/out" --emit header,source,sql,dot -M "$d/nodir/models.d" "$SCHEMA"
    one_line "$d/nodir/models.d" "No such file or directory"
    [ "$before" = "$(snap "$d")" ] || die "the outputs changed"
}

# --- the command line as getopt_long reads one --------------------------------------

t_option_forms() {
    d=$T/forms
    mkdir -p "$d"
    cp "$SCHEMA" "$d/models.def"
    cp "$SCHEMA" "$d/-dash.def"
    cp "$SCHEMA" "$d/my-models.def"
    # -oDIR and -MFILE attached; --emit with blanks after the commas.
    (cd "$d" && run 0 "$A" -oa -Ma/models.d --emit "header, sql" models.def)
    [ -f "$d/a/models.h" ] && [ -f "$d/a/models.sql" ] && [ -f "$d/a/models.d" ] || die "missing outputs: $(ls "$d/a")"
    [ ! -e "$d/a/models.c" ] || die "--emit 'header, sql' wrote the source"
    # --out-dir=DIR; "--" ends the options: a file name may start with '-'
    # (its base name is no C identifier start, so exit 2 -- but as a file).
    (cd "$d" && run 0 "$A" --out-dir=b --emit=source models.def)
    [ -f "$d/b/models.c" ] || die "--out-dir=b --emit=source"
    (cd "$d" && run 2 "$A" -o c -- -dash.def)
    grep -q "'-dash.def'" "$T/stderr" || die "-- did not take -dash.def as the file"
    (cd "$d" && run 2 "$A" -o c -dash.def)
    grep -q "unknown option '-dash.def'" "$T/stderr" || die "without --, -dash.def is an option"
    # A file name that is no C identifier: the C names take '_' for '-'.
    (cd "$d" && run 0 "$A" -o k my-models.def)
    [ -f "$d/k/my-models.h" ] || die "my-models.h"
    grep -q "int my_models_create_all(assoc_db \*db);" "$d/k/my-models.h" || die "my_models_create_all"
    cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$TOP/runtime" -I"$d/k" -c -o "$d/k/m.o" "$d/k/my-models.c" ||
        die "my-models.c does not compile"
}

# --- hostile names and files (issue 11) ----------------------------------------------

NL='
'
# cc_all DIR BASE: DIR/BASE.c compiles as C11 under gcc and clang and DIR/BASE.h
# as C++ under g++ and clang++, every warning an error (the compile checks' flags).
cc_all() {
    for c in gcc clang; do
        $c -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$TOP/runtime" -c -o "$1/x.o" "$1/$2.c"
    done
    for c in g++ clang++; do
        $c -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$TOP/runtime" -fsyntax-only -x c++ "$1/$2.h"
    done
}

# A base name lands in `#include "BASE.h"`, in the `#error` string of the
# header and in comments: one that cannot be there safely (a control byte,
# '"', '\', ''', a trigraph, a bidirectional control) is refused, and so is one
# that would shadow a header the generated code includes (<stdint.h> found as
# out/stdint.h under -Iout).  One line, the name shown without raw control
# bytes; nothing written.
t_hostile_base_names() {
    d=$T/hostile-base
    mkdir -p "$d"
    while IFS= read -r n; do
        [ -n "$n" ] || continue
        n=$(printf '%b' "$n")
        cp "$SCHEMA" "$d/$n.def"
        run 2 "$A" -o "$d/out" -M "$d/out.d" "$d/$n.def"
        [ "$(wc -l < "$T/stderr")" -eq 1 ] || die "not one line"
        ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/stderr" || die "a raw control byte on stderr"
        [ ! -s "$T/stdout" ] || die "something on stdout"
        [ "$(ls -A "$d")" = "$n.def" ] || die "something was written: $(ls -A "$d")"
        rm "$d/$n.def"
    done <<'NAMES'
a\n#error injected
a"b
a\\b
a'b
a??=b
a??)b
a???-b
a\tb
a\033[2Jb
a\342\200\256b
a\342\201\246b
stdint
stdbool
stddef
string
stdarg
sqlite3
assoc
NAMES
}

# The source's path is shown in every output's banner comment (and the dot
# label): however hostile its directories' names (a newline, '*/', '/*',
# trigraphs, a bidirectional control, invalid UTF-8, backslashes), the outputs
# compile with every warning an error, and sqlite3 and dot read theirs.  Base
# names that are odd but safe are kept as they are.
t_hostile_paths_compile() {
    d=$T/hostile-path
    p="$d/s*/t/*u/q??=/w??/n${NL}#error injected/$(printf 'b\342\200\256i')/$(printf '\351')/b\\s/c\\"
    mkdir -p "$p"
    for n in models 'a b' 'a$b' 'a??' 'x-y' "$(printf 'caf\303\251')" 'p%' 'a#b' 'a*b' 'a?b' 'a:b'; do
        cp "$SCHEMA" "$p/$n.def"
        rm -rf "$d/out"
        run 0 "$A" -o "$d/out" --emit header,source,sql,dot "$p/$n.def"
        [ "$(ls "$d/out" | wc -l)" -eq 4 ] || die "$n: $(ls "$d/out")"
        for s in h c sql dot; do
            head -n 1 "$d/out/$n.$s" | grep -q 'DO NOT EDIT' || die "$n.$s: the banner comment is cut"
        done
        ! grep -q '^#error injected' "$d/out/$n.h" "$d/out/$n.c" || die "$n: code injected"
        cc_all "$d/out" "$n"
        sqlite3 :memory: < "$d/out/$n.sql"
        dot -Tsvg -o "$d/out/x.svg" "$d/out/$n.dot" 2> "$T/dot.err"
        [ ! -s "$T/dot.err" ] || { cat "$T/dot.err"; die "$n: dot warns"; }
    done
}

# -M naming the input (however spelled: another path, a hard link, a symbolic
# link) or one of the outputs is refused, before anything is written.  So is
# an output that is one of the inputs.
t_depfile_clobber() {
    d=$T/clobber
    mkdir -p "$d/out"
    cp "$SCHEMA" "$d/models.def"
    "$A" -o "$d/out" "$d/models.def"
    ln "$d/models.def" "$d/hard.def"
    ln -s models.def "$d/sym.def"
    before=$(snap "$d")
    for m in "$d/models.def" "$d/out/../models.def" "$d/hard.def" "$d/sym.def" \
             "$d/out/models.h" "$d/out/./models.c" "$d//out/models.sql"; do
        run 2 "$A" -o "$d/out" -M "$m" "$d/models.def"
        one_line "$m" "refusing to overwrite"
        [ "$before" = "$(snap "$d")" ] || die "-M $m changed files"
    done
    (cd "$d" && run 2 "$A" -o out -M ./models.def models.def)
    one_line "./models.def" "refusing to overwrite"
    [ "$before" = "$(snap "$d")" ] || die "-M ./models.def changed files"
    # An output that does not exist yet, in a directory this run creates.
    run 2 "$A" -o "$d/new" -M "$d/new/../new/models.h" "$d/models.def"
    one_line "$d/new/../new/models.h" "refusing to overwrite"
    [ ! -e "$d/new" ] || die "the output directory was left behind"
    # An output that is the input, or one of its imports.
    mkdir -p "$d/in"
    cp "$SCHEMA" "$d/in/models.sql"
    b=$(snap "$d/in")
    run 2 "$A" -o "$d/in" "$d/in/models.sql"
    one_line "$d/in/models.sql" "refusing to overwrite"
    [ "$b" = "$(snap "$d/in")" ] || die "the input was overwritten"
    printf 'model Imp { id integer primary_key }\n' > "$d/in/shop.h"
    printf 'import "shop.h"\nmodel Shop { id integer primary_key }\n' > "$d/in/shop.def"
    b=$(snap "$d/in")
    run 2 "$A" -o "$d/in" "$d/in/shop.def"
    one_line "$d/in/shop.h" "refusing to overwrite"
    [ "$b" = "$(snap "$d/in")" ] || die "the import was overwritten"
    run 0 "$A" -o "$d/in2" "$d/in/shop.def"
}

# `..` in an import is resolved as the kernel resolves it: through a symbolic
# link to a directory, "link/../c.def" is the c.def beside the link's target.
# Diagnostics name the import as written; the depfile names the real file.
t_import_symlink_dotdot() {
    d=$T/symdot
    mkdir -p "$d/top" "$d/else/sub"
    ln -s ../else/sub "$d/top/link"
    printf 'model Wrong { id integer primary_key }\n' > "$d/top/c.def"
    printf 'model Right { id integer primary_key }\n' > "$d/else/c.def"
    printf 'import "link/../c.def"\nmodel M { id integer primary_key }\n' > "$d/top/m.def"
    printf 'import "../c.def"\nmodel B { id integer primary_key }\n' > "$d/else/sub/b.def"
    printf 'import "link/b.def"\nmodel N { id integer primary_key }\n' > "$d/top/n.def"
    for m in m n; do
        (cd "$d/top" && run 0 "$A" -o out -M "out/$m.d" "$m.def")
        cat "$d/top/out/$m.d"
        grep -q right_insert "$d/top/out/$m.h" || die "$m.def: not the c.def the kernel opens"
        ! grep -q wrong_insert "$d/top/out/$m.h" || die "$m.def: compiled top/c.def"
        grep -q "$d/else/c.def" "$d/top/out/$m.d" || die "$m.d does not name else/c.def"
        ! grep -q ' c\.def\|top/c\.def\|link/\.\./c\.def' "$d/top/out/$m.d" || die "$m.d names another c.def"
        # make reads it: out of date when else/c.def changes, not top/c.def.
        printf 'include out/%s.d\n%%.h:\n\t@echo regenerate\n' "$m" > "$d/top/Makefile"
        touch -d '2020-01-01' "$d/top/c.def" "$d/else/c.def" "$d/else/sub/b.def" "$d/top/$m.def"
        make -q -C "$d/top" "out/$m.h" || die "make: $m.h not up to date"
        touch "$d/top/c.def"
        make -q -C "$d/top" "out/$m.h" || die "make: top/c.def counts for $m.h"
        touch "$d/else/c.def"
        ! make -q -C "$d/top" "out/$m.h" || die "make: else/c.def does not count for $m.h"
    done
    # Diagnostics name the file as the import wrote it.
    printf 'model Right { id integr primary_key }\n' > "$d/else/c.def"
    (cd "$d/top" && run 1 "$A" -o out m.def)
    head -n 1 "$T/stderr" | grep -q "^link/\.\./c\.def:1:" || die "not named as imported"
    (cd "$d/top" && run 1 "$A" -o out n.def)
    head -n 1 "$T/stderr" | grep -q "^\.\./c\.def:1:" || die "not named as imported"
    # And a `..` after a directory that does not exist fails, as the kernel
    # fails it, rather than being tidied away.
    printf 'model Right { id integer primary_key }\n' > "$d/else/c.def"
    printf 'import "nodir/../c.def"\nmodel P { id integer primary_key }\n' > "$d/top/p.def"
    (cd "$d/top" && run 1 "$A" -o out p.def)
    grep -q "nodir/\.\./c\.def.*No such file or directory" "$T/stderr" || die "nodir/.. was tidied away"
}

# The depfile as GNU make reads it: each import (a space, '#', '$', ':',
# '%', wildcards, backslashes in its name, one ending in a backslash) is a
# prerequisite make sees change, and has an empty rule; the outputs (in a
# directory named with ' ', ':', '#', '%') are targets make finds.  Names
# make cannot read (a newline or tab, '=', ';', '|', an archive member's
# "a(b)", a leading '~') are refused with -M, and are fine without it.
t_depfile_make_names() {
    d=$T/depnames
    mkdir -p "$d/imp"
    : > "$d/m.def"
    i=0
    while IFS= read -r n; do
        i=$((i + 1))
        printf 'model M%d { id integer primary_key }\n' "$i" > "$d/imp/$n"
        # In the .def's string, a backslash is written '\\'.
        printf 'import "imp/%s"\n' "$(printf '%s' "$n" | sed 's/\\/\\\\/g')" >> "$d/m.def"
    done <<'NAMES'
sp ace.def
ha#sh.def
dol$lar.def
back\slash.def
back\ space.def
back\#hash.def
back\\\ three.def
co:lon.def
per%cent.def
st*ar.def
br[a]ck.def
q?mark.def
trail\
NAMES
    printf 'model Main { id integer primary_key }\n' >> "$d/m.def"
    o='o u:t#%'
    (cd "$d" && run 0 "$A" -o "$o" -M m.d m.def)
    cat "$d/m.d"
    printf 'include m.d\n%%.h:\n\t@echo regenerate\n' > "$d/Makefile"
    old() { find "$d/imp" "$d/m.def" -type f -exec touch -d '2020-01-01' {} +; }
    old
    make -q -C "$d" "$o/m.h" || die "make: not up to date"
    for f in "$d"/imp/*; do
        touch "$f"
        ! make -q -C "$d" "$o/m.h" 2> "$T/make.err" || die "make does not see a change to '$f'"
        [ ! -s "$T/make.err" ] || { cat "$T/make.err"; die "make complains"; }
        old
        make -q -C "$d" "$o/m.h" || die "make: not up to date after '$f'"
    done
    # Every import has an empty rule: deleting one is no error, just out of date.
    mv "$d/imp" "$d/imp.gone"
    ! make -q -C "$d" "$o/m.h" 2> "$T/make.err" || die "make: up to date without the imports"
    [ ! -s "$T/make.err" ] || { cat "$T/make.err"; die "make cannot do without an import"; }
    mv "$d/imp.gone" "$d/imp"

    # What make cannot read is refused with -M; nothing is written.
    mkdir -p "$d/bad"
    while IFS= read -r n; do
        printf 'model Bad { id integer primary_key }\n' > "$d/bad/$(printf '%b' "$n")"
        printf 'import "%s"\nmodel Main { id integer primary_key }\n' "$n" > "$d/bad/main.def"
        before=$(snap "$d/bad")
        run 2 "$A" -o "$d/bad/out" -M "$d/bad/m.d" "$d/bad/main.def"
        [ "$(wc -l < "$T/stderr")" -eq 1 ] || die "not one line"
        grep -q "make" "$T/stderr" || die "does not say why"
        [ "$before" = "$(snap "$d/bad")" ] || die "something was written"
        run 0 "$A" -o "$d/bad/out" "$d/bad/main.def"
        rm -rf "$d/bad"/*
    done <<'NAMES'
a\nb.def
a\tb.def
a=b.def
a;b.def
a|b.def
lib(member)
NAMES
    mkdir -p "$d/tilde"
    cp "$SCHEMA" "$d/tilde/models.def"
    (cd "$d/tilde" && run 2 "$A" -o '~root' -M m.d models.def)
    grep -q "make" "$T/stderr" || die "does not say why"
    [ "$(ls -A "$d/tilde")" = models.def ] || die "something was written"
}

# Outputs are created as any program creates files, under the umask; a
# rewritten output keeps the mode it had (as editors do).
t_output_modes() {
    d=$T/modes
    mkdir -p "$d"
    (umask 027 && "$A" -o "$d/a" -M "$d/a/models.d" "$SCHEMA")
    (umask 002 && "$A" -o "$d/b" -M "$d/b/models.d" "$SCHEMA")
    for f in models.h models.c models.sql models.d; do
        [ "$(stat -c %a "$d/a/$f")" = 640 ] || die "umask 027: $f is $(stat -c %a "$d/a/$f")"
        [ "$(stat -c %a "$d/b/$f")" = 664 ] || die "umask 002: $f is $(stat -c %a "$d/b/$f")"
    done
    chmod 600 "$d/b/models.h"
    chmod 444 "$d/b/models.c"
    cp "$SCHEMA" "$d/models.def"
    printf '\nmodel Extra { id integer primary_key }\n' >> "$d/models.def"
    (umask 022 && "$A" -o "$d/b" --emit header,source,sql,dot "$d/models.def")
    grep -q extra_insert "$d/b/models.h" && grep -q extra_insert "$d/b/models.c" || die "not rewritten"
    [ "$(stat -c %a "$d/b/models.h")" = 600 ] || die "models.h: $(stat -c %a "$d/b/models.h")"
    [ "$(stat -c %a "$d/b/models.c")" = 444 ] || die "models.c: $(stat -c %a "$d/b/models.c")"
    [ "$(stat -c %a "$d/b/models.sql")" = 664 ] || die "models.sql: $(stat -c %a "$d/b/models.sql")"
    [ "$(stat -c %a "$d/b/models.dot")" = 644 ] || die "models.dot (new): $(stat -c %a "$d/b/models.dot")"
}

# An output name as long as a file name may be (255 bytes) is written: the
# temporary and backup files beside it cannot add to its name.
t_long_base_name() {
    d=$T/long
    mkdir -p "$d"
    n=$(printf '%0251d' 0 | tr 0 a)
    cp "$SCHEMA" "$d/$n.def"
    run 0 "$A" -o "$d/out" --emit header,source,sql,dot "$d/$n.def"
    run 0 "$A" -o "$d/out" "$d/$n.def"
    printf '\nmodel Extra { id integer primary_key }\n' >> "$d/$n.def"
    run 0 "$A" -o "$d/out" -M "$d/out/m.d" "$d/$n.def"
    grep -q extra_insert "$d/out/$n.h" || die "not rewritten"
    [ "$(ls -A "$d/out" | wc -l)" -eq 5 ] || die "stray files: $(ls -A "$d/out")"
}

# Empty option values are usage errors, not files named "".
t_bad_empty_values() {
    d=$T/empty
    mkdir -p "$d"
    (cd "$d" && run 2 "$A" -o out -M '' "$SCHEMA")
    grep -q -- "--depfile needs a file" "$T/stderr" || die "-M ''"
    (cd "$d" && run 2 "$A" -o out --depfile= "$SCHEMA")
    (cd "$d" && run 2 "$A" -o out '')
    grep -q "empty" "$T/stderr" || die "an empty file name"
    grep -q "Try 'assocgen --help'" "$T/stderr" || die "not a usage error"
    [ -z "$(ls -A "$d")" ] || die "something was written: $(ls -A "$d")"
}

# An import is a regular file: a pipe would block the build until someone
# writes to it, a device could never end.  The file named on the command
# line may be a pipe (a shell's <(...)).
t_import_not_regular() {
    d=$T/nonreg
    mkdir -p "$d"
    mkfifo "$d/pipe.def"
    for imp in pipe.def /dev/zero /dev/null; do
        printf 'import "%s"\nmodel A { id integer primary_key }\n' "$imp" > "$d/a.def"
        run 1 timeout 20 "$A" -o "$d/out" "$d/a.def"
        grep -q "cannot read import '.*$imp': not a regular file" "$T/stderr" || die "$imp: $(cat "$T/stderr")"
    done
    # Not even to say where the import would have been found from the main file.
    mkdir -p "$d/sub"
    printf 'import "pipe.def"\nmodel B { id integer primary_key }\n' > "$d/sub/b.def"
    printf 'import "sub/b.def"\nmodel A { id integer primary_key }\n' > "$d/a.def"
    run 1 timeout 20 "$A" -o "$d/out" "$d/a.def"
    [ ! -e "$d/out" ] || die "something was written"
    cat "$SCHEMA" > "$d/pipe.def" &
    run 0 timeout 20 "$A" -o "$d/out" "$d/pipe.def"
    wait
    [ -f "$d/out/pipe.h" ] || die "a pipe named on the command line was not read"
}

# --- help and version -----------------------------------------------------------------

t_help() {
    run 0 "$A" --help
    cat "$T/stdout"
    [ ! -s "$T/stderr" ] || die "--help wrote to stderr"
    lines=$(wc -l < "$T/stdout")
    width=$(awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' "$T/stdout")
    echo "$lines lines, $width columns"
    [ "$lines" -le 24 ] && [ "$lines" -ge 5 ] || die "$lines lines"
    [ "$width" -le 80 ] || die "$width columns"
    for o in -o --out-dir --emit --prefix -M --depfile --check -Werror --version; do
        grep -qF -- "$o" "$T/stdout" || die "--help does not mention $o"
    done
    run 0 "$A" -h
}

# --help and --version that cannot be written (a full disk) fail, as any
# write failure does (SPEC 2: exit 2).
t_help_unwritable() {
    for o in --help --version; do
        rc=0
        "$A" "$o" > /dev/full 2> "$T/stderr" || rc=$?
        cat "$T/stderr"
        [ "$rc" -eq 2 ] || die "$o > /dev/full: exit $rc"
        grep -q "standard output" "$T/stderr" || die "$o: does not say what failed"
    done
}

t_version() {
    run 0 "$A" --version
    [ ! -s "$T/stderr" ] || die "--version wrote to stderr"
    grep -qx 'assocgen [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*' "$T/stdout" || die "$(cat "$T/stdout")"
}

# --- uninstall ----------------------------------------------------------------------

t_uninstall() {
    $INSTALL_MAKE uninstall DESTDIR="$STAGE" PREFIX="$SP"
    left=$(find "$STAGE" ! -type d)
    [ -z "$left" ] || die "left behind: $left"
    $INSTALL_MAKE uninstall PREFIX="$INST"
    left=$(find "$INST" ! -type d)
    [ -z "$left" ] || die "left behind: $left"
}

check install_destdir t_install_destdir
check soname t_soname
check man_page t_man_page
check pkgconfig_static t_pkgconfig_static
check pkgconfig_shared t_pkgconfig_shared
check install_prefix t_install_prefix
check make_consumer_build t_make_consumer_build
check make_consumer_noop t_make_consumer_noop
check make_consumer_touch_import t_make_consumer_touch_import
check make_consumer_edit_import t_make_consumer_edit_import
check cmake_consumer_build t_cmake_consumer_build
check cmake_consumer_noop t_cmake_consumer_noop
check cmake_consumer_touch_import t_cmake_consumer_touch_import
check cmake_ninja_build t_cmake_ninja_build
check cmake_ninja_noop t_cmake_ninja_noop
check cmake_ninja_touch_import t_cmake_ninja_touch_import
check depfile_imports t_depfile_imports
check unchanged_outputs_kept t_unchanged_kept
check failed_run_keeps_outputs t_failed_run_keeps_outputs
check prefix_two_schemas_link t_prefix_link
check bad_unwritable_out_dir t_bad_unwritable_out_dir
check bad_missing_input t_bad_missing_input
check bad_unreadable_import t_bad_unreadable_import
check bad_depfile_dir t_bad_depfile_dir
check option_forms t_option_forms
check hostile_base_names t_hostile_base_names
check hostile_paths_compile t_hostile_paths_compile
check depfile_clobber t_depfile_clobber
check import_symlink_dotdot t_import_symlink_dotdot
check depfile_make_names t_depfile_make_names
check output_modes t_output_modes
check bad_empty_values t_bad_empty_values
check long_base_name t_long_base_name
check import_not_regular t_import_not_regular
check help_one_screen t_help
check version t_version
check help_unwritable t_help_unwritable
check uninstall t_uninstall
exit $status
