#!/usr/bin/python3
"""run.py - the migration tests (SPEC 7), run by `make migrate-tests`.

    run.py --assocgen A --libassoc L --cc CC --cflags FLAGS --out DIR
           --results FILE [CASE...]

Every case is a directory tests/migrate/cases/NAME holding new.def, the
schema its base (base.def, or base9.def) becomes, and what to expect:

    new.def      required: the base changed
    base         the base's name when it is not base.def: base9 (section 9's
                 constructs: SQL names of their own, enum, json, made
                 defaults, a mixin; filled by fill9.c and sqla_base9.py)
    flags        options for assocgen besides --migrate-from (--allow-data-loss)
    refuse       without the flags assocgen must refuse the migration (exit 1,
                 no script written) with a message holding this text
    prepare.sql  SQL run on the filled database before the migration
    fail         the script must stop with a message holding this text and
                 leave the database as it was (a .dump before and after)
    keep         how values carry over where names change:
                   table OLD NEW           a table renamed
                   column TABLE OLD NEW    a column renamed (TABLE: the new name;
                                           a SQL name with a blank in "quotes")
                   before TABLE COLUMN SQL the value to expect, as SQL over the
                                           old table (a conversion, a default)
                   skip TABLE COLUMN       not compared
    not-at-old   the script must refuse a database made by new.def's create_all
    empty        the two files make the same tables: the script does nothing
    check.c      int case_check(assoc_db *db): reads through the new API

Each case runs on two databases holding the rows of expect.h (base9:
expect9.h): one filled through the base's generated API (fill.c, fill9.c),
one made and filled by SQLAlchemy 1.4 (sqla_base.py, sqla_base9.py).  A migration that must succeed is applied
with `sqlite3 -bail DB < new.migrate.sql`; then PRAGMA integrity_check is ok,
PRAGMA foreign_key_check finds nothing, every value of every column that
both databases have (after the keep file's renames) is the same before and
after, by rowid, and a program built on new.def's generated code verifies
the database (new_verify), reads every row of every model (_all, _count)
and runs check.c (not on the database create_all made).  A second run must stop ("applied already") and change
nothing; on a database new.def's create_all made, the script must either
stop ("is not at") and change nothing, or leave a database that verifies.

With --pg URI (make migrate-pg-tests, against the private server of
tests/pg/with_server.sh) every case runs on PostgreSQL instead, in schemas
of its own (options=-csearch_path=SCHEMA appended to the URI): one made by
the base's generated create_all and filled through its API, one made and
filled by SQLAlchemy 1.4 with psycopg2 (SERIAL keys, INTEGER columns), and
new.migrate.pg.sql applied with `psql -v ON_ERROR_STOP=1 -f`.  Then every
kept value is compared (by the old key, else as a multiset of rows),
new_verify returns ASSOC_OK and the new API reads every row and runs
check.c, a second run stops ("applied already") with nothing changed (the
catalogs and every row: snapshot()), a database new.def's create_all made is
refused or verifies, and cases that must fail leave everything as it was.
Where PostgreSQL differs, a case says so:

    fail.pg          the script must stop there with this text (empty: it
                     must not stop: PostgreSQL alters in place, where SQLite's
                     rebuild would lose a column nobody declared)
    prepare.pg.sql   PostgreSQL's prepare.sql

Results go to the file as "migrate-pg:NAME passed failed".

Writes "migrate:NAME passed failed" per case to the results file; exits 1
when anything failed.
"""
import argparse
import concurrent.futures
import importlib
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"

# The bases a case's new.def changes: the model file, the program that
# fills a database through its generated API, SQLAlchemy's.
BASES = {
    "base": ("base.def", "fill.c", "sqla_base.py"),
    "base9": ("base9.def", "fill9.c", "sqla_base9.py"),
}


class Case:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(HERE, "cases", name)
        self.passed = 0
        self.failed = 0
        self.base = "base"
        if os.path.isdir(self.dir):
            self.base = self.file("base") or "base"

    def file(self, name):
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return f.read().strip()

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s: %s" % (self.name, what), file=sys.stderr)
        return cond


def run(cmd, stdin=None, cwd=None):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        p = subprocess.run(cmd, stdin=f, cwd=cwd, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def sql_shell(db, sql):
    p = subprocess.run(["sqlite3", "-bail", db], input=sql.encode(), capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def dump(db):
    rc, out, err = run(["sqlite3", db, ".dump"])
    return out if rc == 0 else "dump failed: " + err


# ---- the values of a database ------------------------------------------

def tables(db):
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "AND name NOT LIKE 'assoc%' ORDER BY name")]
        return {t: [r[1] for r in con.execute("SELECT * FROM pragma_table_info(?)", (t,))] for t in names}
    finally:
        con.close()


def column_values(db, table, expr):
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute('SELECT quote(%s) FROM "%s" ORDER BY rowid' % (expr, table))]
    finally:
        con.close()


def read_keep(case):
    keep = {"table": {}, "column": {}, "before": {}, "skip": set()}
    for line in (case.file("keep") or "").splitlines():
        words = line.split(None, 3)
        if not words or words[0].startswith("#"):
            continue
        if words[0] != "before":
            words = shlex.split(line)
        if words[0] == "table":
            keep["table"][words[1]] = words[2]
        elif words[0] == "column":
            keep["column"][(words[1], words[2])] = words[3]
        elif words[0] == "before":
            keep["before"][(words[1], words[2])] = words[3]
        elif words[0] == "skip":
            keep["skip"].add((words[1], words[2]))
        else:
            raise ValueError("%s/keep: unknown line %r" % (case.name, line))
    return keep


def compare_values(case, before_db, after_db, label):
    """Every value of every column both databases have, by rowid."""
    keep = read_keep(case)
    before, after = tables(before_db), tables(after_db)
    compared = 0
    for t, cols in before.items():
        t2 = keep["table"].get(t, t)
        if t2 not in after:
            continue
        n1 = column_values(before_db, t, "1")
        n2 = column_values(after_db, t2, "1")
        if not case.ok(len(n1) == len(n2), "%s: %s has %d rows, %s %d after" % (label, t, len(n1), t2, len(n2))):
            continue
        for c in cols:
            c2 = keep["column"].get((t2, c), c)
            if c2 not in after[t2] or (t2, c2) in keep["skip"]:
                continue
            expr = keep["before"].get((t2, c2), '"%s"' % c)
            v1 = column_values(before_db, t, expr)
            v2 = column_values(after_db, t2, '"%s"' % c2)
            diff = [i for i in range(len(v1)) if v1[i] != v2[i]]
            case.ok(not diff, "%s: %s.%s -> %s.%s differs at row %s: %s before, %s after"
                    % (label, t, c, t2, c2, diff[:1], diff and v1[diff[0]], diff and v2[diff[0]]))
            compared += 1
    case.ok(compared > 0, "%s: no column compared" % label)


# ---- programs ------------------------------------------------------------

READER = """/* Generated by tests/migrate/run.py: verify a database with %(base)s's
 * generated code and read every row of every model through it. */
#include <stdio.h>
#include <string.h>

#include "%(base)s.h"

int case_check(assoc_db *db);

int main(int argc, char **argv)
{
    assoc_db *db = NULL;
    int rc, failed = 0;
    if (argc < 2 || assoc_open(argv[1], &db) != ASSOC_OK) {
        fprintf(stderr, "cannot open the database\\n");
        return 2;
    }
    if (argc > 2 && strcmp(argv[2], "create") == 0) {
        rc = %(base)s_create_all(db);
        if (rc != ASSOC_OK)
            fprintf(stderr, "%(base)s_create_all: %%s\\n", assoc_errmsg(db));
        assoc_close(db);
        return rc != ASSOC_OK;
    }
    rc = %(base)s_verify(db);
    if (rc != ASSOC_OK) {
        fprintf(stderr, "%(base)s_verify: %%s\\n", assoc_errmsg(db));
        assoc_close(db);
        return 1;
    }
%(reads)s
    if (!failed && !(argc > 2 && strcmp(argv[2], "plain") == 0))
        failed = case_check(db);
    assoc_close(db);
    return failed != 0;
}
"""

READ_ONE = """    {
        %(M)sList l = { NULL, 0 };
        int64_t n = -1;
        rc = %(m)s_all(db, &l);
        if (rc == ASSOC_OK)
            rc = %(m)s_count(db, &n);
        if (rc != ASSOC_OK || n != (int64_t)l.len) {
            fprintf(stderr, "%(m)s_all: %%d %%s\\n", rc, assoc_errmsg(db));
            failed = 1;
        }
        printf("%(m)s %%zu\\n", l.len);
        %(m)s_list_free(&l);
    }"""


def build_reader(case, out_dir, base, cc, cflags, libassoc):
    header = open(os.path.join(out_dir, base + ".h"), encoding="utf-8").read()
    models = re.findall(r"^int (\w+)_all\(assoc_db \*db, (\w+)List \*out\);", header, re.M)
    reads = "\n".join(READ_ONE % {"m": m, "M": M} for m, M in models)
    src = os.path.join(out_dir, "reader.c")
    with open(src, "w", encoding="utf-8") as f:
        f.write(READER % {"base": base, "reads": reads})
    check = os.path.join(case.dir, "check.c") if case else None
    if check is None or not os.path.exists(check):
        check = os.path.join(out_dir, "no_check.c")
        with open(check, "w", encoding="utf-8") as f:
            f.write('#include "assoc.h"\nint case_check(assoc_db *db);\n'
                    "int case_check(assoc_db *db)\n{\n    (void)db;\n    return 0;\n}\n")
    exe = os.path.join(out_dir, "reader")
    cmd = [cc] + cflags.split() + ["-I" + out_dir, "-I" + HERE, "-o", exe, src, check,
                                   os.path.join(out_dir, base + ".c"), libassoc, "-lsqlite3", "-lpq"]
    rc, _, err = run(cmd)
    return (exe if rc == 0 else None), err


# ---- a case ----------------------------------------------------------------

def run_case(case, args, templates):
    out = os.path.join(args.out, case.name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    new_def = os.path.join(case.dir, "new.def")
    base_def = os.path.join(HERE, BASES[case.base][0])
    flags = (case.file("flags") or "").split()

    refuse = case.file("refuse")
    if refuse:
        tmp = os.path.join(out, "refused")
        rc, _, err = run([args.assocgen, "-o", tmp, "--migrate-from", base_def, new_def])
        case.ok(rc == 1, "without %s assocgen exited %d, not 1: %s" % (flags, rc, err))
        case.ok(refuse in err, "the refusal does not say %r: %s" % (refuse, err))
        case.ok(not os.path.exists(os.path.join(tmp, "new.migrate.sql")), "a refused migration wrote its script")

    gen = os.path.join(out, "gen")
    rc, _, err = run([args.assocgen, "-o", gen] + flags + ["--migrate-from", base_def, new_def])
    if not case.ok(rc == 0, "assocgen %s exited %d: %s" % (" ".join(flags), rc, err)):
        return
    script = os.path.join(gen, "new.migrate.sql")
    reader, err = build_reader(case, gen, "new", args.cc, args.cflags, args.libassoc)
    if not case.ok(reader is not None, "the reader does not compile: %s" % err):
        return
    script_text = open(script, encoding="utf-8").read()
    empty = case.file("empty") is not None
    case.ok(empty == ("Nothing to do" in script_text), "the script is%s empty" % ("" if not empty else " not"))

    fail = case.file("fail")
    prepare = case.file("prepare.sql")
    for label, template in templates:
        db = os.path.join(out, label + ".db")
        shutil.copyfile(template, db)
        if prepare:
            rc, _, err = sql_shell(db, prepare)
            if not case.ok(rc == 0, "%s: prepare.sql failed: %s" % (label, err)):
                continue
        before = os.path.join(out, label + "-before.db")
        shutil.copyfile(db, before)
        dump0 = dump(db)
        rc, _, err = run(["sqlite3", "-bail", db], stdin=script)
        if fail:
            case.ok(rc != 0, "%s: the script did not stop" % label)
            case.ok(fail in err, "%s: the script's error does not say %r: %s" % (label, fail, err))
            case.ok(dump(db) == dump0, "%s: the stopped script changed the database" % label)
            continue
        if not case.ok(rc == 0, "%s: the script failed: %s" % (label, err)):
            continue
        _, integrity, _ = run(["sqlite3", db, "PRAGMA integrity_check"])
        case.ok(integrity.strip() == "ok", "%s: integrity_check: %s" % (label, integrity))
        _, fkc, _ = run(["sqlite3", db, "PRAGMA foreign_key_check"])
        case.ok(fkc.strip() == "", "%s: foreign_key_check: %s" % (label, fkc))
        compare_values(case, before, db, label)
        rc, _, err = run([reader, db])
        case.ok(rc == 0, "%s: reading through the new API: %s" % (label, err))
        # A second run stops and changes nothing (a script with nothing to
        # do does nothing again).
        dump1 = dump(db)
        rc, _, err = run(["sqlite3", "-bail", db], stdin=script)
        if empty:
            case.ok(rc == 0, "%s: a second run of an empty script: %d %s" % (label, rc, err))
        else:
            case.ok(rc != 0 and "applied already" in err, "%s: a second run: %d %s" % (label, rc, err))
        case.ok(dump(db) == dump1, "%s: a second run changed the database" % label)

    if fail or empty:
        return
    # A database new.def's create_all made is not at base.def: the script
    # stops, or (where the two differ only in what verify does not compare)
    # leaves it as it was meant to be.
    db = os.path.join(out, "fresh.db")
    rc, _, err = run([reader, db, "create"])
    if case.ok(rc == 0, "create_all of new.def: %s" % err):
        dump0 = dump(db)
        rc, _, err = run(["sqlite3", "-bail", db], stdin=script)
        if rc != 0 or case.file("not-at-old") is not None:
            case.ok(rc != 0 and "is not at" in err, "on new.def's database: %d %s" % (rc, err))
            case.ok(dump(db) == dump0, "the script changed new.def's database")
        else:
            rc, _, err = run([reader, db, "plain"])
            case.ok(rc == 0, "new.def's database after the script: %s" % err)


# ---- PostgreSQL ---------------------------------------------------------------

def pg_uri(base, schema):
    return base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + schema


def schema_name(case_name, label):
    name = re.sub(r"[^a-z0-9_]", "_", ("m_%s_%s" % (case_name, label)).lower())
    return name[:63]


def pg_connect(uri):
    import psycopg2
    con = psycopg2.connect(uri)
    con.autocommit = True
    return con


def pg_make_schema(admin_uri, schema):
    con = pg_connect(admin_uri)
    try:
        cur = con.cursor()
        cur.execute('DROP SCHEMA IF EXISTS "%s" CASCADE' % schema)
        cur.execute('CREATE SCHEMA "%s"' % schema)
    finally:
        con.close()


def psql(uri, script=None, sql=None):
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    cmd += ["-f", script] if script else ["-c", sql]
    p = subprocess.run(cmd + [uri], stdin=subprocess.DEVNULL, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def qi(name):
    return '"%s"' % name.replace('"', '""')


TABLES_SQL = """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'assoc_migrations' ORDER BY 1"""
COLUMNS_SQL = """SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""
KEY_SQL = """SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE n.nspname = current_schema() AND c.relname = %s AND i.indisprimary ORDER BY k.ord"""


def snapshot(uri):
    """Everything of the schema that a migration could change: its
    relations, columns (type, NOT NULL, default, identity), constraints,
    indexes, views, and every row of every table (as text, sorted)."""
    con = pg_connect(uri)
    try:
        cur = con.cursor()
        snap = []
        for sql in (
                """SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = current_schema() ORDER BY 1""",
                """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                          pg_get_expr(d.adbin, d.adrelid)
                   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                   WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2""",
                """SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con
                   JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = current_schema() ORDER BY 1, 2, 3""",
                """SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1""",
                """SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema() ORDER BY 1"""):
            cur.execute(sql)
            snap.append(cur.fetchall())
        cur.execute(TABLES_SQL.replace(" AND c.relname <> 'assoc_migrations'", ""))
        for (t,) in cur.fetchall():
            cur.execute("SELECT CAST(x AS text) FROM %s AS x" % qi(t))
            snap.append((t, sorted(r[0] for r in cur.fetchall())))
        return snap
    finally:
        con.close()


def pg_values_before(uri, keep):
    """Per table of the old schema: its new name, its key, the columns to
    compare (old, new name) and the rows: the key's text, then each value's
    (the keep file's `before` expression where it gives one)."""
    con = pg_connect(uri)
    try:
        cur = con.cursor()
        cur.execute(TABLES_SQL)
        out = {}
        for (t,) in cur.fetchall():
            cur.execute(COLUMNS_SQL, (t,))
            cols = [r[0] for r in cur.fetchall()]
            cur.execute(KEY_SQL, (t,))
            key = [r[0] for r in cur.fetchall()]
            t2 = keep["table"].get(t, t)
            pairs = [(c, keep["column"].get((t2, c), c)) for c in cols]
            exprs = ["CAST(%s AS text)" % qi(k) for k in key]
            exprs += ["CAST((%s) AS text)" % keep["before"].get((t2, c2), qi(c)) for c, c2 in pairs]
            cur.execute("SELECT %s FROM %s" % (", ".join(exprs), qi(t)))
            out[t] = (t2, key, pairs, cur.fetchall())
        return out
    finally:
        con.close()


def pg_compare_values(case, before, uri, label):
    keep = read_keep(case)
    con = pg_connect(uri)
    compared = 0
    try:
        cur = con.cursor()
        cur.execute(TABLES_SQL)
        after_tables = [r[0] for r in cur.fetchall()]
        for t, (t2, key, pairs, rows) in sorted(before.items()):
            if t2 not in after_tables:
                continue
            cur.execute(COLUMNS_SQL, (t2,))
            after_cols = [r[0] for r in cur.fetchall()]
            idx = [i for i, (c, c2) in enumerate(pairs) if c2 in after_cols and (t2, c2) not in keep["skip"]]
            key2 = [keep["column"].get((t2, k), k) for k in key]
            by_key = bool(key) and all(k in after_cols for k in key2)
            exprs = ["CAST(%s AS text)" % qi(k) for k in key2] if by_key else []
            exprs += ["CAST(%s AS text)" % qi(pairs[i][1]) for i in idx] or ["1"]
            cur.execute("SELECT %s FROM %s" % (", ".join(exprs), qi(t2)))
            rows2 = cur.fetchall()
            if not case.ok(len(rows) == len(rows2), "%s: %s has %d rows, %s %d after" % (label, t, len(rows), t2,
                                                                                           len(rows2))):
                continue
            nk = len(key)
            if by_key:
                old = {r[:nk]: r[nk:] for r in rows}
                new = {r[:nk]: r[nk:] for r in rows2}
                case.ok(set(old) == set(new), "%s: %s's keys differ after" % (label, t))
                for j, i in enumerate(idx):
                    diff = [k for k in old if k in new and old[k][i] != new[k][j]]
                    case.ok(not diff, "%s: %s.%s -> %s.%s differs at key %s: %r before, %r after"
                            % (label, t, pairs[i][0], t2, pairs[i][1], diff[:1], diff and old[diff[0]][i],
                               diff and new[diff[0]][j]))
                    compared += 1
            else:
                old = sorted(tuple(r[nk + i] for i in idx) for r in rows)
                new = sorted(tuple(r) for r in rows2) if idx else old
                case.ok(old == new, "%s: the rows of %s -> %s differ after" % (label, t, t2))
                compared += len(idx)
    finally:
        con.close()
    case.ok(compared > 0, "%s: no column compared" % label)


SQLA_LOCK = threading.Lock()


def sqla_fill(sqla_py, uri):
    """SQLAlchemy's fill, in this process (one import of SQLAlchemy for
    every case)."""
    with SQLA_LOCK:
        if HERE not in sys.path:
            sys.path.insert(0, HERE)
        mod = importlib.import_module(sqla_py[:-3])
        import io
        import contextlib
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err):
                rc = mod.main([sqla_py, uri])
        except Exception as e:           # psycopg2's, SQLAlchemy's: the fill failed
            return 1, "%r" % e
        return rc, err.getvalue()


def pg_fill(base_out, name, label, uri):
    def_file, fill_c, sqla_py = BASES[name]
    if label == "api":
        rc, _, err = run([os.path.join(base_out, "fill"), uri])
        return rc, err
    return sqla_fill(sqla_py, uri)


def run_case_pg(case, args, bases):
    out = os.path.join(args.out, case.name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    new_def = os.path.join(case.dir, "new.def")
    base_def = os.path.join(HERE, BASES[case.base][0])
    flags = (case.file("flags") or "").split()
    if case.file("refuse"):
        tmp = os.path.join(out, "refused")
        rc, _, err = run([args.assocgen, "-o", tmp, "--migrate-from", base_def, new_def])
        case.ok(rc == 1, "without %s assocgen exited %d, not 1: %s" % (flags, rc, err))
        case.ok(not os.path.exists(os.path.join(tmp, "new.migrate.pg.sql")), "a refused migration wrote its script")
    gen = os.path.join(out, "gen")
    rc, _, err = run([args.assocgen, "-o", gen] + flags + ["--migrate-from", base_def, new_def])
    if not case.ok(rc == 0, "assocgen %s exited %d: %s" % (" ".join(flags), rc, err)):
        return
    script = os.path.join(gen, "new.migrate.pg.sql")
    reader, err = build_reader(case, gen, "new", args.cc, args.cflags, args.libassoc)
    if not case.ok(reader is not None, "the reader does not compile: %s" % err):
        return
    empty = case.file("empty") is not None
    script_text = open(script, encoding="utf-8").read()
    case.ok(empty == ("Nothing to do" in script_text), "the script is%s empty" % ("" if not empty else " not"))
    fail = case.file("fail")
    if case.file("fail.pg") is not None:
        fail = case.file("fail.pg") or None
    prepare = case.file("prepare.pg.sql") or case.file("prepare.sql")
    for label in ("api", "sqla"):
        schema = schema_name(case.name, label)
        uri = pg_uri(args.pg, schema)
        pg_make_schema(args.pg, schema)
        rc, err = pg_fill(bases[case.base], case.base, label, uri)
        if not case.ok(rc == 0, "%s: filling %s: %s" % (label, schema, err)):
            continue
        if prepare:
            rc, _, err = psql(uri, sql=prepare)
            if not case.ok(rc == 0, "%s: prepare.sql failed: %s" % (label, err)):
                continue
        snap0 = snapshot(uri)
        before = pg_values_before(uri, read_keep(case))
        rc, _, err = psql(uri, script=script)
        if fail:
            case.ok(rc != 0, "%s: the script did not stop" % label)
            case.ok(fail in err, "%s: the script's error does not say %r: %s" % (label, fail, err))
            case.ok(snapshot(uri) == snap0, "%s: the stopped script changed the database" % label)
            continue
        if not case.ok(rc == 0, "%s: the script failed: %s" % (label, err)):
            continue
        pg_compare_values(case, before, uri, label)
        rc, _, err = run([reader, uri])
        case.ok(rc == 0, "%s: reading through the new API: %s" % (label, err))
        snap1 = snapshot(uri)
        rc, _, err = psql(uri, script=script)
        if empty:
            case.ok(rc == 0, "%s: a second run of an empty script: %d %s" % (label, rc, err))
        else:
            case.ok(rc != 0 and "applied already" in err, "%s: a second run: %d %s" % (label, rc, err))
        case.ok(snapshot(uri) == snap1, "%s: a second run changed the database" % label)
    if fail or empty:
        return
    schema = schema_name(case.name, "fresh")
    uri = pg_uri(args.pg, schema)
    pg_make_schema(args.pg, schema)
    rc, _, err = run([reader, uri, "create"])
    if case.ok(rc == 0, "create_all of new.def: %s" % err):
        snap0 = snapshot(uri)
        rc, _, err = psql(uri, script=script)
        if rc != 0 or case.file("not-at-old") is not None:
            case.ok(rc != 0 and "is not at" in err, "on new.def's database: %d %s" % (rc, err))
            case.ok(snapshot(uri) == snap0, "the script changed new.def's database")
        else:
            rc, _, err = run([reader, uri, "plain"])
            case.ok(rc == 0, "new.def's database after the script: %s" % err)


def set_up_pg(setup, args, name):
    """A base's code and filler; both fills in schemas of their own verify
    as the base and read through its API.  Returns the base's directory."""
    def_file, fill_c, sqla_py = BASES[name]
    base = os.path.join(args.out, name)
    shutil.rmtree(base, ignore_errors=True)
    rc, _, err = run([args.assocgen, "-o", base, os.path.join(HERE, def_file)])
    setup.ok(rc == 0, "assocgen %s: %s" % (def_file, err))
    rc, _, err = run([args.cc] + args.cflags.split() + ["-I" + base, "-I" + HERE, "-o", os.path.join(base, "fill"),
                     os.path.join(HERE, fill_c), os.path.join(base, name + ".c"), args.libassoc, "-lsqlite3", "-lpq"])
    setup.ok(rc == 0, "%s: %s" % (fill_c, err))
    reader, err = build_reader(None, base, name, args.cc, args.cflags, args.libassoc)
    setup.ok(reader is not None, "%s's reader: %s" % (name, err))
    for label in ("api", "sqla"):
        schema = schema_name(setup.name, label)
        uri = pg_uri(args.pg, schema)
        pg_make_schema(args.pg, schema)
        rc, err = pg_fill(base, name, label, uri)
        if setup.ok(rc == 0, "%s: filling %s: %s" % (label, schema, err)) and reader:
            rc, _, err = run([reader, uri])
            setup.ok(rc == 0, "%s as %s: %s" % (label, def_file, err))
    return base


def main_pg(args, cases):
    results = []
    bases = {}
    for name in BASES:
        if not any(c.base == name for c in cases):
            continue
        setup = Case("setup" if name == "base" else "setup-" + name)
        bases[name] = set_up_pg(setup, args, name)
        results.append(setup)
        if setup.failed:
            write_results(args.results, results, "migrate-pg")
            return 1

    def one(case):
        try:
            if case.base not in bases:
                raise ValueError("%s/base: no base %r" % (case.name, case.base))
            run_case_pg(case, args, bases)
        except Exception as e:          # a broken case is a failed case, not a stopped run
            case.ok(False, "raised %r" % e)
        return case

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for case in pool.map(one, cases):
            print("%s %s: %d passed, %d failed" % ("ok  " if not case.failed else "FAIL", case.name, case.passed,
                                                    case.failed))
            results.append(case)
    write_results(args.results, results, "migrate-pg")
    return 1 if any(c.failed for c in results) else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--assocgen", required=True)
    ap.add_argument("--libassoc", required=True)
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--cflags", default="-std=c11 -Wall -Wextra -Wpedantic -Werror -O0")
    ap.add_argument("--out", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--pg", help="run on PostgreSQL: the server's libpq URI")
    ap.add_argument("--jobs", type=int, default=2, help="cases at once (--pg)")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    args.cflags += " -I" + os.path.join(os.path.dirname(os.path.dirname(HERE)), "runtime")
    os.makedirs(args.out, exist_ok=True)
    results = []
    names = args.cases or sorted(os.listdir(os.path.join(HERE, "cases")))
    cases = [Case(name) for name in names]
    if args.pg:
        return main_pg(args, cases)
    templates = {}
    for name in BASES:
        if not any(c.base == name for c in cases):
            continue
        setup = Case("setup" if name == "base" else "setup-" + name)
        templates[name] = set_up(setup, args, name)
        results.append(setup)
        if setup.failed:
            write_results(args.results, results)
            return 1

    for case in cases:
        try:
            if case.base not in templates:
                raise ValueError("%s/base: no base %r" % (case.name, case.base))
            run_case(case, args, templates[case.base])
        except Exception as e:          # a broken case is a failed case, not a stopped run
            case.ok(False, "raised %r" % e)
        print("%s %s: %d passed, %d failed" % ("ok  " if not case.failed else "FAIL", case.name, case.passed, case.failed))
        results.append(case)
    write_results(args.results, results)
    return 1 if any(c.failed for c in results) else 0


def set_up(setup, args, name):
    """A base's code, its filler, and the two databases it fills: the
    templates of its cases, [(label, path)]."""
    def_file, fill_c, sqla_py = BASES[name]
    base = os.path.join(args.out, name)
    shutil.rmtree(base, ignore_errors=True)
    rc, _, err = run([args.assocgen, "-o", base, os.path.join(HERE, def_file)])
    setup.ok(rc == 0, "assocgen %s: %s" % (def_file, err))
    fill = os.path.join(base, "fill")
    rc, _, err = run([args.cc] + args.cflags.split() + ["-I" + base, "-I" + HERE, "-o", fill,
                     os.path.join(HERE, fill_c), os.path.join(base, name + ".c"), args.libassoc, "-lsqlite3", "-lpq"])
    setup.ok(rc == 0, "%s: %s" % (fill_c, err))
    api_db, sqla_db = os.path.join(base, "api.db"), os.path.join(base, "sqla.db")
    for db in (api_db, sqla_db):
        if os.path.exists(db):
            os.unlink(db)
    rc, _, err = run([fill, api_db])
    setup.ok(rc == 0, "fill: %s" % err)
    rc, _, err = run([PYTHON, "-B", os.path.join(HERE, sqla_py), sqla_db])
    setup.ok(rc == 0, "%s (SQLAlchemy 1.4 under %s): %s" % (sqla_py, PYTHON, err))
    # Both verify as the base, and read through its API.
    reader, err = build_reader(None, base, name, args.cc, args.cflags, args.libassoc)
    if setup.ok(reader is not None, "%s's reader: %s" % (name, err)):
        for db in (api_db, sqla_db):
            rc, _, err = run([reader, db])
            setup.ok(rc == 0, "%s as %s: %s" % (os.path.basename(db), def_file, err))
    return [("api", api_db), ("sqla", sqla_db)]


def write_results(path, results, prefix="migrate"):
    with open(path, "w", encoding="utf-8") as f:
        for c in results:
            f.write("%s:%s %d %d\n" % (prefix, c.name, c.passed, c.failed))


if __name__ == "__main__":
    sys.exit(main())
