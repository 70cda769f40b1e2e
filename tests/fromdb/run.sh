#!/bin/sh
# run.sh ASSOCGEN LIBASSOC RESULTS - the `assocgen --from-db` suite (mk/fromdb.mk).
#
# For every database named in `databases` (made by make_db.sh: SQLAlchemy
# 1.4 for sa_*, the sqlite3 shell from sql/*.sql for the rest):
#   NAME:writes      --from-db exits 0 and writes DIR/NAME.def
#   NAME:read-only   the database file is byte for byte what it was, and no
#                    journal or WAL file appeared beside it
#   NAME:golden      the .def is golden/NAME.def (refresh.sh rewrites them)
#   NAME:check       assocgen --check -Werror accepts it
#   NAME:compile     the code generated from it compiles with
#                    cc -std=c11 -Wall -Wextra -Wpedantic -Werror
#   NAME:same-tables the tables its generated DDL makes are the original's:
#                    columns, keys, NOT NULL, affinity, defaults, foreign
#                    keys with ON DELETE, unique constraints, indexes
#                    (same_tables.py); tables and indexes left out are said
#                    to be
#   NAME:read        (where readers/read_NAME.c exists) that program, built
#                    on the generated code and libassoc, opens the ORIGINAL
#                    database, reads every row through the generated _all
#                    and relationship functions and prints them; the output
#                    equals what SQLAlchemy's ORM (sa_schemas.py dump) or
#                    plain SQL (hand_dump.py) reads from the same file; and
#                    <schema>_create_all accepts a copy of the original, and
#                    <schema>_verify (where the generated code has it yet)
#                    accepts the original
# then random schemas (random:*, FROMDB_RANDOM of them, default 40) and the
# command's errors and edges (errors:*, edges:*).
# One line per check goes to RESULTS ("fromdb:NAME passed failed"); the
# last line printed is "N passed, M failed".  Exit status 1 on any failure.
set -u
assocgen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
libassoc=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
results=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${CC:=cc}"
CFLAGS_STRICT="-std=c11 -Wall -Wextra -Wpedantic -Werror"
work=$(mkdir -p "${B:-build}" && cd "${B:-build}" && pwd)/fromdb
rm -rf "$work"
mkdir -p "$work/out" "$work/logs"
: > "$results"
passed=0
failed=0

pass() {
    echo "ok   fromdb:$1"
    echo "fromdb:$1 1 0" >> "$results"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL fromdb:$1: $2"
    [ -f "$work/logs/$1.log" ] && sed 's/^/    /' "$work/logs/$1.log" | tail -n 30
    echo "fromdb:$1 0 1" >> "$results"
    failed=$((failed + 1))
}
# run CHECK COMMAND...: a check that passes when the command exits 0.
run() {
    check=$1
    shift
    if "$@" > "$work/logs/$check.log" 2>&1; then pass "$check"; else fail "$check" "exit $?"; fi
}
sum() { cksum < "$1"; }

# ------------------------------------------------------------------ databases
for name in $(cat "$here/databases"); do
    db=$work/$name.db
    if ! sh "$here/make_db.sh" "$name" "$db" > "$work/logs/$name:make.log" 2>&1; then
        fail "$name:make" "could not make the database"
        continue
    fi
    before=$(sum "$db")
    if "$assocgen" --from-db "$db" -o "$work/out" > "$work/logs/$name:writes.log" 2>&1 &&
       [ -f "$work/out/$name.def" ]; then
        pass "$name:writes"
    else
        fail "$name:writes" "no $work/out/$name.def"
        continue
    fi
    if [ "$(sum "$db")" = "$before" ] && [ ! -e "$db-journal" ] && [ ! -e "$db-wal" ]; then
        pass "$name:read-only"
    else
        fail "$name:read-only" "the database changed"
    fi
    run "$name:golden" diff -u "$here/golden/$name.def" "$work/out/$name.def"
    run "$name:check" "$assocgen" --check -Werror "$work/out/$name.def"
    gen=$work/gen/$name
    run "$name:compile" sh -c "'$assocgen' -o '$gen' '$work/out/$name.def' &&
        $CC $CFLAGS_STRICT -I'$root/runtime' -c -o '$gen/$name.o' '$gen/$name.c'"
    left_out=$(sed -n 's/^# table \(.*\) left out:.*/\1/p' "$work/out/$name.def" | paste -sd, -)
    left_idx=$(sed -n 's/^ *# \(unique \)\{0,1\}index \(.*\) left out: .*/\2/p' "$work/out/$name.def" | paste -sd, -)
    run "$name:same-tables" /usr/bin/python3 "$here/same_tables.py" "$db" "$gen/$name.sql" "$left_out" "$left_idx"
    reader=$here/readers/read_$name.c
    [ -f "$reader" ] || continue
    case $name in
    sa_*) oracle="/usr/bin/python3 $here/sa_schemas.py dump ${name#sa_}" ;;
    *) oracle="/usr/bin/python3 $here/hand_dump.py $name" ;;
    esac
    cp "$db" "$work/$name.copy.db"
    verify=
    if grep -q "_verify(assoc_db" "$gen/$name.h"; then
        verify=-DFROMDB_VERIFY
    else
        echo "     ($name: the generated code has no <schema>_verify yet; not called)"
    fi
    run "$name:read" sh -c "$CC $CFLAGS_STRICT $verify -I'$gen' -I'$root/runtime' -I'$here/readers' -o '$gen/read' \
            '$reader' '$gen/$name.o' '$libassoc' -lsqlite3 -lpq &&
        $oracle '$db' > '$gen/expected.txt' &&
        '$gen/read' '$db' '$work/$name.copy.db' > '$gen/got.txt' &&
        test -s '$gen/expected.txt' &&
        diff -u '$gen/expected.txt' '$gen/got.txt'"
done

# ------------------------------------------------------------------ random schemas
# random:SEED  whatever the tables (random_schema.py), the model file passes
#              --check -Werror and its generated code compiles; a database
#              whose every table was refused gives no tables error (exit 2)
rnd=$work/random
mkdir -p "$rnd"
for seed in $(seq 1 "${FROMDB_RANDOM:-40}"); do
    run "random:$seed" sh -c "/usr/bin/python3 '$here/random_schema.py' $seed '$rnd/r$seed.db' &&
        { '$assocgen' --from-db '$rnd/r$seed.db' -o '$rnd/out' 2> '$rnd/r$seed.err'; rc=\$?;
          cat '$rnd/r$seed.err'; [ \$rc -eq 0 ] || { [ \$rc -eq 2 ] && grep -q 'has no tables' '$rnd/r$seed.err'; }; } &&
        if [ -f '$rnd/out/r$seed.def' ]; then
            '$assocgen' --check -Werror '$rnd/out/r$seed.def' &&
            '$assocgen' -o '$rnd/gen' '$rnd/out/r$seed.def' &&
            $CC $CFLAGS_STRICT -I'$root/runtime' -c -o '$rnd/gen/r$seed.o' '$rnd/gen/r$seed.c'
        fi"
done

# ------------------------------------------------------------------ errors
err=$work/errors
mkdir -p "$err"
# expect_error CHECK STATUS PATTERN COMMAND...: exits STATUS and prints
# nothing on stdout; on stderr, besides warnings about the database and
# the usage hint, one line, which matches PATTERN.
expect_error() {
    check=$1 want=$2 pattern=$3
    shift 3
    "$@" > "$err/$check.out" 2> "$err/$check.err"
    got=$?
    grep -v -e '^assocgen: warning: ' -e "^Try 'assocgen --help'" "$err/$check.err" > "$err/$check.msg"
    lines=$(wc -l < "$err/$check.msg")
    if [ "$got" -eq "$want" ] && [ "$lines" -eq 1 ] && [ ! -s "$err/$check.out" ] &&
       grep -q -- "$pattern" "$err/$check.msg"; then
        pass "errors:$check"
    else
        cp "$err/$check.err" "$work/logs/errors:$check.log"
        fail "errors:$check" "exit $got (want $want), $lines lines of message, want /$pattern/"
    fi
}
expect_error missing-file 2 "cannot open database '$err/nothing.db': No such file or directory" \
    "$assocgen" --from-db "$err/nothing.db" -o "$err/o1"
run errors:missing-file-writes-nothing test ! -e "$err/o1"
echo "not a database, just text" > "$err/text.db"
cp "$err/text.db" "$err/text.orig"
expect_error not-a-database 2 "file is not a database" "$assocgen" --from-db "$err/text.db" -o "$err/o2"
run errors:not-a-database-unchanged cmp "$err/text.db" "$err/text.orig"
: > "$err/empty.db"
expect_error empty-database 2 "has no tables: there is nothing to write" \
    "$assocgen" --from-db "$err/empty.db" -o "$err/o3"
run errors:empty-database-writes-nothing test ! -e "$err/o3"
sqlite3 "$err/views.db" "CREATE VIEW v AS SELECT 1 AS one;"
expect_error only-a-view 2 "has no tables" "$assocgen" --from-db "$err/views.db" -o "$err/o3"
mkdir -p "$err/dir.db"
expect_error directory 2 "Is a directory" "$assocgen" --from-db "$err/dir.db" -o "$err/o4"
echo file > "$err/afile"
expect_error unwritable-dir 2 "cannot create directory '$err/afile'" \
    "$assocgen" --from-db "$work/keys.db" -o "$err/afile/sub"
mkdir -p "$err/o5/keys.def"
expect_error output-is-a-directory 2 "cannot write '$err/o5/keys.def': not a regular file" \
    "$assocgen" --from-db "$work/keys.db" -o "$err/o5"
run errors:no-temporary-left sh -c "! ls '$err/o5' | grep -q tmp"
cp "$work/keys.db" "$err/2024.db"
expect_error name-not-a-schema 2 "must start with a letter" "$assocgen" --from-db "$err/2024.db" -o "$err/o6"
expect_error with-a-model-file 2 "takes -o DIR and --check" \
    "$assocgen" --from-db "$work/keys.db" "$root/schema/models.def"
expect_error with-prefix 2 "takes -o DIR and --check" "$assocgen" --from-db "$work/keys.db" --prefix p_
expect_error without-value 2 "needs a value" "$assocgen" --from-db

# ------------------------------------------------------------------ edges
# --check reads and checks, writes nothing.
run edges:check-writes-nothing sh -c "'$assocgen' --from-db '$work/keys.db' --check -o '$err/o7' && test ! -e '$err/o7'"
# The default directory is out/, made when missing, with its parents.
run edges:default-out-dir sh -c "mkdir -p '$err/cwd' && cd '$err/cwd' && '$assocgen' --from-db ../../keys.db &&
    cmp out/keys.def '$here/golden/keys.def'"
run edges:parents-made sh -c "'$assocgen' --from-db '$work/keys.db' --out-dir='$err/a/b/c' &&
    cmp '$err/a/b/c/keys.def' '$here/golden/keys.def'"
# An unchanged output is not rewritten: its mtime stays.
touch -d '2001-01-01 00:00:00' "$work/out/keys.def"
run edges:unchanged-not-rewritten sh -c "'$assocgen' --from-db '$work/keys.db' -o '$work/out' &&
    test \"\$(stat -c %Y '$work/out/keys.def')\" = \"\$(date -d '2001-01-01 00:00:00' +%s)\""
# A changed one is replaced whole.
echo "# stale" > "$err/o8.def" && mkdir -p "$err/o8" && mv "$err/o8.def" "$err/o8/keys.def"
run edges:replaced sh -c "'$assocgen' --from-db '$work/keys.db' -o '$err/o8' && cmp '$err/o8/keys.def' '$here/golden/keys.def'"
# URI characters in the path ('?', '#', '%') are the file's own, not options.
odd="$err/we?ird#%41 name.sqlite3"
cp "$work/keys.db" "$odd"
run edges:odd-path sh -c "'$assocgen' --from-db '$odd' -o '$err/o9' &&
    test -f '$err/o9/we?ird#%41 name.def' && '$assocgen' --check '$err/o9/we?ird#%41 name.def'"
# A database in WAL mode, its WAL holding the tables: read, not checkpointed.
rm -f "$err/wal.db"*
/usr/bin/python3 - "$err/wal.db" <<'EOF'
import shutil, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
db.commit()
for ext in ("", "-wal", "-shm"):
    shutil.copy(sys.argv[1] + ext, sys.argv[1] + ".keep" + ext)
db.close()   # checkpoints and removes the WAL: put the copy back
for ext in ("", "-wal", "-shm"):
    shutil.copy(sys.argv[1] + ".keep" + ext, sys.argv[1] + ext)
EOF
walsum=$(cat "$err/wal.db" "$err/wal.db-wal" | cksum)
run edges:wal-database sh -c "'$assocgen' --from-db '$err/wal.db' -o '$err/o10' && grep -q '^model T {' '$err/o10/wal.def' &&
    test \"\$(cat '$err/wal.db' '$err/wal.db-wal' | cksum)\" = '$walsum'"

# SPEC 7 both ways for tests/migrate/base9.def's tables (every SPEC 9
# construct), made by SQLAlchemy (sqla_base9.py): the model --from-db
# writes leaves nothing out and passes --check -Werror, its verify accepts
# the original database, and a database made from its DDL passes
# base9.def's own verify.
b9=$work/base9
mkdir -p "$b9"
cat > "$b9/verify.c" <<'EOF'
#include <stdio.h>
#include "base9.h"
int main(int argc, char **argv)
{
    assoc_db *db;
    if (argc != 2 || assoc_open(argv[1], &db) != ASSOC_OK)
        return 2;
    int rc = base9_verify(db);
    if (rc != ASSOC_OK)
        fprintf(stderr, "base9_verify: %s\n", assoc_errmsg(db));
    assoc_close(db);
    return rc != ASSOC_OK;
}
EOF
run edges:base9-verify sh -c "/usr/bin/python3 '$root/tests/migrate/sqla_base9.py' '$b9/base9.db' &&
    '$assocgen' --from-db '$b9/base9.db' -o '$b9/out' && '$assocgen' --check -Werror '$b9/out/base9.def' &&
    ! grep -q 'left out' '$b9/out/base9.def' &&
    '$assocgen' -o '$b9/written' '$b9/out/base9.def' && '$assocgen' -o '$b9/orig' '$root/tests/migrate/base9.def' &&
    $CC $CFLAGS_STRICT -I'$b9/written' -I'$root/runtime' -o '$b9/verify_written' '$b9/verify.c' '$b9/written/base9.c' \
        '$libassoc' -lsqlite3 -lpq &&
    $CC $CFLAGS_STRICT -I'$b9/orig' -I'$root/runtime' -o '$b9/verify_orig' '$b9/verify.c' '$b9/orig/base9.c' \
        '$libassoc' -lsqlite3 -lpq &&
    '$b9/verify_written' '$b9/base9.db' &&
    sqlite3 -bail '$b9/made.db' < '$b9/written/base9.sql' && '$b9/verify_orig' '$b9/made.db'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
