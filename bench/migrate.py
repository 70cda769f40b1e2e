#!/usr/bin/python3
"""migrate.py - the migration benchmark: a table of N rows (1,000,000 by
default) migrated by rebuild, with the script assocgen writes, against the
same rebuild written by hand in the sqlite3 shell (migrate_hand.sql).

    migrate.py --assocgen A [--rows N] [--repeat R] [--tmpdir DIR] [--csv FILE]

The change (migrate_old.def to migrate_new.def) is one SQLite's ALTER TABLE
cannot make: events.kind becomes not_null with a default and
events.user_id's foreign key gets ON DELETE CASCADE, so the table is
rebuilt.  A database at migrate_old.def with N events (10,000 users) is made
once with the sqlite3 shell; each run copies it and times
`sqlite3 -bail COPY < SCRIPT` to the end (wall clock, and the CPU time of
the sqlite3 process, which a loaded machine disturbs less), the two scripts
alternating (the generated one first in odd rounds, second in even ones) so
that neither always finds the page cache warmer.  Both results are checked to be the same
rows.  Prints each script's median time and the ratio (target: the
generated script within 1.5x of the hand-written one); exit status 1 when
the results differ.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(cmd, stdin=None):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        p = subprocess.run(cmd, stdin=f, capture_output=True)
    if p.returncode != 0:
        sys.exit("migrate.py: %s failed: %s" % (" ".join(cmd), p.stderr.decode()))
    return p.stdout.decode()


def make_db(path, rows, assocgen, gen):
    sh([assocgen, "-o", gen, os.path.join(HERE, "migrate_old.def")])
    ddl = open(os.path.join(gen, "migrate_old.sql")).read()
    fill = """
PRAGMA journal_mode = DELETE;
BEGIN;
%s
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO users (id, name) SELECT i, 'user ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
INSERT INTO events (id, user_id, kind, payload, score, created)
SELECT i, i %% 10000 + 1, CASE WHEN i %% 7 = 0 THEN NULL ELSE 'kind ' || (i %% 13) END,
       'payload of event ' || i || ' ' || hex(randomblob(8)), i * 0.25,
       strftime('%%Y-%%m-%%d %%H:%%M:%%f', 946684800 + i, 'unixepoch') || '000'
FROM n;
COMMIT;
""" % (ddl, rows)
    p = subprocess.run(["sqlite3", "-bail", path], input=fill.encode(), capture_output=True)
    if p.returncode != 0:
        sys.exit("migrate.py: making the database failed: " + p.stderr.decode())


def timed(db, script):
    """Wall-clock seconds, and the CPU seconds of the sqlite3 process (user
    and system), which a loaded machine disturbs less."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    sh(["sqlite3", "-bail", db], stdin=script)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def fingerprint(db):
    return sh(["sqlite3", db, "SELECT count(*), total(length(kind)), total(score), sum(user_id) FROM events; "
                              "PRAGMA integrity_check; PRAGMA foreign_key_check;"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--assocgen", required=True)
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tmpdir", default=None)
    ap.add_argument("--csv", default=None)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="assocgen-migrate-bench-", dir=args.tmpdir)
    try:
        gen = os.path.join(work, "gen")
        sh([args.assocgen, "-o", gen, "--migrate-from", os.path.join(HERE, "migrate_old.def"),
            os.path.join(HERE, "migrate_new.def")])
        generated = os.path.join(gen, "migrate_new.migrate.sql")
        hand = os.path.join(HERE, "migrate_hand.sql")
        base = os.path.join(work, "base.db")
        t0 = time.perf_counter()
        make_db(base, args.rows, args.assocgen, gen)
        size = os.path.getsize(base)
        print("database: %d events, %.1f MB, made in %.1f s" % (args.rows, size / 1e6, time.perf_counter() - t0))

        wall = {"generated": [], "hand": []}
        cpu = {"generated": [], "hand": []}
        prints = {}
        for r in range(args.repeat):
            order = ["generated", "hand"] if r % 2 == 0 else ["hand", "generated"]
            for which in order:
                db = os.path.join(work, which + ".db")
                shutil.copyfile(base, db)
                w, c = timed(db, generated if which == "generated" else hand)
                wall[which].append(w)
                cpu[which].append(c)
                prints[which] = fingerprint(db)
                os.unlink(db)
            print("round %d: generated %.3f s (cpu %.3f s), by hand %.3f s (cpu %.3f s)"
                  % (r + 1, wall["generated"][-1], cpu["generated"][-1], wall["hand"][-1], cpu["hand"][-1]))
        if prints["generated"] != prints["hand"]:
            print("the two migrations give different tables:\n%s\n%s" % (prints["generated"], prints["hand"]))
            return 1
        rows = []
        for name, t in (("wall", wall), ("cpu", cpu)):
            g, h = statistics.median(t["generated"]), statistics.median(t["hand"])
            paired = statistics.median(a / b for a, b in zip(t["generated"], t["hand"]))
            print("%s, median of %d: generated script %.3f s, by hand %.3f s: %.3fx (paired median %.3fx; "
                  "target 1.5x)" % (name, args.repeat, g, h, g / h, paired))
            rows.append("%s,%d,%d,%.4f,%.4f,%.4f,%.4f" % (name, args.rows, args.repeat, g, h, g / h, paired))
        if args.csv:
            with open(args.csv, "w") as f:
                f.write("measure,rows,repeat,generated_s,hand_s,ratio,paired_ratio\n" + "\n".join(rows) + "\n")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
