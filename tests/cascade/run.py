#!/usr/bin/python3
"""run.py ASSOCGEN LIBASSOC RESULTS [SEED...] - deletes through the generated C
against SQLAlchemy 1.4's on random models (issue 11, item 3).

For each seed (default 1..CASCADE_CASES, 48 of them), cases.py draws a model
file combining ORM cascades, ondelete actions, self-reference, backrefs with
cascades on both sides, many-to-many tables and cycles, with rows and four
rows to delete.  Then:

  - assocgen writes its code and DDL, and a driver over it is compiled
    (-std=c11 -Wall -Wextra -Wpedantic -Werror): DB MODEL ID -> <model>_get,
    <model>_delete, the return code;
  - one database is made with the generated DDL and the rows (foreign keys
    off while filling: rows may refer to each other);
  - for each row to delete, two copies of it: SQLAlchemy's ORM deletes it on
    one (session.get, session.delete, session.flush, commit; foreign keys
    on), the driver on the other;
  - the two databases must hold the same rows, table by table.  Where
    SQLAlchemy raises (IntegrityError, CircularDependencyError, ...) the C
    call must return an error and leave every row as it was.

Two outcomes are told apart rather than counted as disagreements:
  - SQLAlchemy fails with "FOREIGN KEY constraint failed", C succeeds, and
    SQLAlchemy's same delete with the keys checked at commit (PRAGMA
    defer_foreign_keys) succeeds leaving what C left: SQLAlchemy's order of
    statements broke a key that no relationship declares (it deletes a
    table's rows in the order of their ids), C's order keeps it.  Counted as
    agreeing, and the count is printed.
  - KNOWN: C returns ASSOC_CONSTRAINT "circular dependency" with nothing
    changed, where SQLAlchemy deletes the rows, and those rows refer to each
    other in a cycle only through keys no relationship declares (a row that
    is its own parent by such a key; or a cycle closed by one with ON DELETE
    CASCADE).  SQLAlchemy does not order rows by such keys and SQLite
    accepts the deletes; libassoc's set-based engine orders by every key.
    Printed in full, counted neither way (CASCADE_STRICT=1: failures).

Each disagreement is printed with the model file, the rows, the row deleted,
both outcomes and the tables that differ, and its case is kept in the work
directory (the directory of RESULTS, cascade/c<SEED>/: the .def, rows.sql,
driver.c, start.db and the two databases) to replay it; reduce.py shrinks
one.  RESULTS gets one line per seed, "cascade:SEED passed failed" (a
delete that agrees passes; a case that fails to generate or build counts
one failure).  Cases run in CASCADE_JOBS processes (default 2).  Exit
status 1 on any failure.

To run the cases against an older commit's assocgen and libassoc:
CASCADE_RUNTIME=<its runtime/> (the headers the driver compiles against)
and CASCADE_NO_REMOTE_SIDE=1 (before remote_side, SPEC 9).
"""
import concurrent.futures
import os
import shutil
import sqlite3
import subprocess
import sys
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import cases  # noqa: E402

# libassoc's headers: those of this tree, unless LIBASSOC is another's
# What a program linking libassoc needs besides it (the Makefile's ASSOC_LIBS).
ASSOC_LIBS = os.environ.get("ASSOC_LIBS", "-lsqlite3 -lpq").split()
RUNTIME = os.environ.get("CASCADE_RUNTIME", os.path.join(ROOT, "runtime"))
STRICT = os.environ.get("CASCADE_STRICT", "") not in ("", "0")
CFLAGS = ["-std=c11", "-O0", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-D_POSIX_C_SOURCE=200809L"]


def undeclared_cycle(case, sa_rows):
    """Do the rows SQLAlchemy deleted refer to each other in a cycle, every
    one of which goes through a key that no relationship declares?  (With
    the declared keys alone they are in no cycle: else SQLAlchemy would have
    raised CircularDependencyError.)"""
    gone = set()
    for m in case.models:
        kept = {r[0] for r in sa_rows.get(m.table, [])}
        gone |= {(m.name, r["id"]) for r in case.rows[m.name] if r["id"] not in kept}
    declared = {rel.link.j for rel in case.rels if rel.link is not None}
    edges, decl = {}, {}
    for link in case.links:
        for r in case.rows[link.child.name]:
            a, b = (link.child.name, r["id"]), (link.parent.name, r[link.col])
            if a in gone and b in gone:
                edges.setdefault(a, set()).add(b)
                if link.j in declared:
                    decl.setdefault(a, set()).add(b)
    return has_cycle(edges) and not has_cycle(decl)


def has_cycle(edges):
    state = {}
    for start in edges:
        if start in state:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return True
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(edges.get(nxt, ()))))
    return False


def dump(path):
    """Every table's rows, sorted: {table: [row, ...]}."""
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: sorted(db.execute('SELECT * FROM "%s"' % n).fetchall(), key=repr) for n in names}
    finally:
        db.close()


def sqla_delete(classes, path, model, key, deferred=False):
    """SQLAlchemy's ORM deletes the row: 'ok', or 'error: ...'.  deferred:
    with SQLite's foreign keys checked at commit, not after each
    statement."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    # pysqlite left to itself begins transactions late; SQLAlchemy's recipe
    # begins them here, where the deferred check can be turned on (SQLite
    # turns it off at every commit and rollback).
    engine = create_engine("sqlite:///" + path, connect_args={"isolation_level": None})

    @event.listens_for(engine, "connect")
    def _fk(dbapi, _rec):
        dbapi.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")
        if deferred:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")

    notes = []
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            with Session(engine) as s:
                obj = s.get(classes[model], key)
                if obj is None:
                    return "error: test bug: no row %s %d" % (model, key), notes
                try:
                    s.delete(obj)
                    s.flush()
                    s.commit()
                    outcome = "ok"
                except Exception as e:   # the ORM's refusal is an outcome
                    s.rollback()
                    outcome = "error: %s: %s" % (type(e).__name__, str(e).splitlines()[0][:300])
            notes = ["%s: %s" % (w.category.__name__, str(w.message)[:300]) for w in seen]
    finally:
        engine.dispose()
    return outcome, notes


def c_delete(driver, path, model, key):
    p = subprocess.run([driver, path, model, str(key)], capture_output=True, text=True, timeout=60)
    if p.returncode != 0 or not p.stdout.strip():
        return "crash: exit %d %s %s" % (p.returncode, p.stdout.strip(), p.stderr.strip()[-2000:])
    code, _, msg = p.stdout.strip().partition(" ")
    return "ok" if code == "0" else "error %s: %s" % (code, msg)


def diff_tables(a, b, names):
    out = []
    for t in sorted(set(a) | set(b)):
        ra, rb = a.get(t, []), b.get(t, [])
        if ra != rb:
            out.append("  table %s:\n    %s: %s\n    %s: %s" % (t, names[0], ra, names[1], rb))
    return "\n".join(out)


def run_case(args):
    seed, assocgen, libassoc, work = args
    case = cases.Case(seed)
    passed, failed, report, _, order_only = check_case(case, os.path.join(work, "c%d" % seed), assocgen, libassoc)
    return seed, passed, failed, report, order_only


def check_case(case, d, assocgen, libassoc):
    """Generate, build and run every delete of one case in directory d:
    (passed, failed, reports, kinds), kinds a short word per failure."""
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    base = os.path.basename(d)
    deftext = case.def_text()
    with open(os.path.join(d, base + ".def"), "w") as f:
        f.write(deftext)
    with open(os.path.join(d, "rows.sql"), "w") as f:
        f.write(case.rows_sql() + "\n")
    with open(os.path.join(d, "driver.c"), "w") as f:
        f.write(case.driver_c(base + ".h"))
    report = []
    header = "---- seed %d: %s\n%s\n---- rows:\n%s\n" % (case.seed, os.path.join(d, base + ".def"), deftext,
                                                        case.rows_sql())

    def setup_failure(what, text):
        return 0, 1, [header + "---- %s\n%s" % (what, text)], [what], (0, 0)

    try:
        sa_base, sa_classes = case.sqla_models()
        sa_base.registry.configure()
    except Exception:
        return setup_failure("SQLAlchemy refuses the models", traceback.format_exc())
    p = subprocess.run([assocgen, "-o", d, os.path.join(d, base + ".def")], capture_output=True, text=True)
    if p.returncode != 0:
        return setup_failure("assocgen refuses the models SQLAlchemy accepts", p.stderr)
    driver = os.path.join(d, "driver")
    p = subprocess.run(["cc"] + CFLAGS + ["-I", d, "-I", RUNTIME, "-o", driver,
                        os.path.join(d, "driver.c"), os.path.join(d, base + ".c"), libassoc] + ASSOC_LIBS,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return setup_failure("the generated code does not compile", p.stderr)
    start = os.path.join(d, "start.db")
    db = sqlite3.connect(start)
    with open(os.path.join(d, base + ".sql")) as f:
        db.executescript(f.read())
    db.execute("PRAGMA foreign_keys = OFF")
    db.executescript(case.rows_sql())
    db.commit()
    bad = db.execute("PRAGMA foreign_key_check").fetchall()
    db.close()
    if bad:
        return setup_failure("test bug: rows break a foreign key", repr(bad))
    before = dump(start)

    passed = failed = order_only = known = 0
    kinds = []
    for k, (model, key) in enumerate(case.deletes):
        sa_path, c_path = os.path.join(d, "sa%d.db" % k), os.path.join(d, "c%d.db" % k)
        shutil.copy(start, sa_path)
        shutil.copy(start, c_path)
        sa, notes = sqla_delete(sa_classes, sa_path, model.name, key)
        c = c_delete(driver, c_path, model.name, key)
        sa_rows, c_rows = dump(sa_path), dump(c_path)
        problem = None
        if sa.startswith("error: IntegrityError") and "FOREIGN KEY constraint failed" in sa and c == "ok":
            # SQLAlchemy deletes the rows of one table in the order of their
            # keys, one statement each, and knows no order among rows that a
            # key no relationship declares links: its failure may be that
            # order's, where C orders them.  The same delete with the keys
            # checked at commit says which rows SQLAlchemy meant to delete.
            shutil.copy(start, sa_path)
            deferred, _ = sqla_delete(sa_classes, sa_path, model.name, key, deferred=True)
            if deferred == "ok":
                order_only += 1
                sa, sa_rows = deferred, dump(sa_path)
        if c.startswith("crash"):
            problem, kind = "the driver crashed: " + c, "crash"
        elif sa == "ok" and c != "ok":
            problem, kind = "SQLAlchemy deletes it, C returns %s" % c, "c-refuses " + c.split(":")[0]
        elif sa == "ok" and sa_rows != c_rows:
            problem = "both succeed, the rows differ:\n" + diff_tables(sa_rows, c_rows, ("SQLAlchemy", "C"))
            kind = "rows-differ"
        elif sa != "ok" and c == "ok":
            problem, kind = "SQLAlchemy raises (%s), C returns ASSOC_OK" % sa, "c-accepts"
            if c_rows != before:
                problem += " and changes:\n" + diff_tables(before, c_rows, ("before", "C"))
        elif sa != "ok" and c_rows != before:
            problem = "SQLAlchemy raises (%s); C returns %s but changes:\n%s" % (
                sa, c, diff_tables(before, c_rows, ("before", "C")))
            kind = "c-error-changes"
        if problem is not None and kind.startswith("c-refuses") and "circular dependency" in c and \
                c_rows == before and undeclared_cycle(case, sa_rows):
            known += 1
            report.append(header + "---- delete %s id %d: KNOWN disagreement (the C side orders the rows by "
                          "keys no relationship declares, which SQLAlchemy and SQLite do not): %s" % (
                              model.name, key, problem))
            if not STRICT:
                continue        # neither agrees nor counts as a failure
        if problem is None:
            passed += 1
            os.unlink(sa_path)
            os.unlink(c_path)
        else:
            failed += 1
            kinds.append(kind)
            report.append(header + "---- delete %s id %d (%s, %s): %s%s" % (
                model.name, key, os.path.basename(sa_path), os.path.basename(c_path), problem,
                "\n  SQLAlchemy warned: " + "; ".join(notes) if notes else ""))
    return passed, failed, report, kinds, (order_only, known)


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    assocgen, libassoc, results = (os.path.abspath(a) for a in argv[1:4])
    seeds = [int(a) for a in argv[4:]] or list(range(1, int(os.environ.get("CASCADE_CASES", "48")) + 1))
    work = os.path.join(os.path.dirname(results), "cascade")
    os.makedirs(work, exist_ok=True)
    jobs = int(os.environ.get("CASCADE_JOBS", "2"))
    total_p = total_f = total_o = total_k = 0
    lines = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as ex:
        for seed, p, f, report, o in ex.map(run_case, [(s, assocgen, libassoc, work) for s in seeds]):
            total_p += p
            total_f += f
            total_o += o[0]
            total_k += o[1]
            lines.append("cascade:%d %d %d\n" % (seed, p, f))
            print("%s cascade:%d: %d deletes agree, %d disagree" % ("ok  " if f == 0 else "FAIL", seed, p, f))
            for r in report:
                print(r)
    with open(results, "w") as out:
        out.writelines(lines)
    print("cascade: %d deletes agree with SQLAlchemy, %d disagree, over %d cases" % (total_p, total_f, len(seeds)))
    print("  of those that agree: %d where SQLAlchemy's statement order broke a foreign key that C's order keeps "
          "(with the keys checked at commit SQLAlchemy deletes the rows C deletes)" % total_o)
    print("  %d KNOWN disagreements%s: C refuses as circular a delete whose rows refer to each other only "
          "through keys no relationship declares (CASCADE_STRICT=1 counts them as failures)"
          % (total_k, " (counted as failures)" if STRICT else " (neither agreeing nor failures)"))
    return 1 if total_f else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
