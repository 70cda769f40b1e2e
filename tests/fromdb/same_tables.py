#!/usr/bin/python3
"""same_tables.py ORIGINAL.db NEW.sql [LEFT_OUT [LEFT_OUT_INDEXES]] - the tables that the model made by
`assocgen --from-db ORIGINAL.db` declares, created from the DDL generated
from it (NEW.sql) in a fresh in-memory database, are the original's:

- every table of NEW is in ORIGINAL, and every table of ORIGINAL that is not
  in NEW is named in LEFT_OUT (the argument after NEW.sql, comma-separated)
- every column of NEW is in ORIGINAL, in the same order, with the same
  primary key, NOT NULL (outside the key), and a type of the same affinity
  (or one of the mappings --from-db documents: a NUMERIC-affinity type read
  as float (REAL), DATE, TIME, JSONB or UUID read as text, JSON as json,
  whose DDL is TEXT)
- the same server defaults (their values, evaluated by SQLite)
- foreign keys of the original, with their ON DELETE action (the ones
  --from-db leaves out, with a comment, are not in NEW)
- the same unique constraints on the columns NEW has, and every index of
  ORIGINAL on columns NEW has (NEW may add indexes of its own on foreign
  keys), but those named in LEFT_OUT_INDEXES (comma-separated: the model
  says why, e.g. an index of a JSON column, which json cannot have)
Prints each difference and exits 1 if there is one.
"""
import datetime as dt
import sqlite3
import sys


def affinity(decl):
    t = (decl or "").upper()
    if "INT" in t:
        return "INTEGER"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "TEXT"
    if "BLOB" in t or t == "":
        return "BLOB"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "REAL"
    return "NUMERIC"


def text_by_design(decl):
    base = (decl or "").upper().split("(")[0].strip()
    return base in ("DATE", "TIME", "JSON", "JSONB", "UUID", "GUID") or base.startswith("TIME ")


def columns(db, table):
    return [dict(name=r[1], type=r[2], notnull=r[3], dflt=r[4], pk=r[5])
            for r in db.execute("SELECT * FROM pragma_table_info(?) ORDER BY cid", (table,))]


def pk_of(db, table):
    cols = [c["name"] for c in columns(db, table) if c["pk"]]
    return cols[0] if len(cols) == 1 else None


def fks(db, table):
    out = set()
    for r in db.execute('SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)', (table,)):
        to = r[2] if r[2] is not None else pk_of(db, r[0])
        out.add((r[1].lower(), r[0].lower(), (to or "").lower(), r[3].upper()))
    return out


def indexes(db, table, unique, skip=()):
    out = set()
    for name, uniq, origin, partial in db.execute(
            'SELECT name, "unique", origin, partial FROM pragma_index_list(?)', (table,)):
        if origin == "pk" or partial or bool(uniq) != unique or name in skip:
            continue
        cols = [r[0] for r in db.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", (name,))]
        if None not in cols:
            out.add(tuple(c.lower() for c in cols))
    return out


def value(db, expr):
    v = db.execute("SELECT %s" % expr).fetchone()[0]
    if "CURRENT_TIMESTAMP" in expr.upper():
        return "CURRENT_TIMESTAMP"
    try:
        return float(v)
    except (TypeError, ValueError):
        pass
    try:   # '2024-01-02 03:04:05' and '2024-01-02 03:04:05.000000' are one time
        return dt.datetime.fromisoformat(v)
    except (TypeError, ValueError):
        return v


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    orig = sqlite3.connect("file:%s?mode=ro" % argv[1], uri=True)
    new = sqlite3.connect(":memory:")
    with open(argv[2]) as f:
        new.executescript(f.read())
    left_out = set(t.lower() for t in (argv[3].split(",") if len(argv) > 3 and argv[3] else []))
    left_out_indexes = set(argv[4].split(",") if len(argv) > 4 and argv[4] else [])
    bad = []
    otables = {r[0].lower(): r[0] for r in orig.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")}
    ntables = [r[0] for r in new.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for t in otables:
        if t not in [n.lower() for n in ntables] and t not in left_out:
            bad.append("table %s is missing and not said to be left out" % t)
    for t in ntables:
        o = otables.get(t.lower())
        if o is None:
            bad.append("table %s is not in the original" % t)
            continue
        ocols = {c["name"].lower(): c for c in columns(orig, o)}
        order = [c["name"].lower() for c in columns(orig, o)]
        ncols = columns(new, t)
        kept = [c["name"].lower() for c in ncols]
        if kept != [n for n in order if n in kept]:
            bad.append("%s: columns in another order: %s" % (t, kept))
        for c in ncols:
            oc = ocols.get(c["name"].lower())
            if oc is None:
                bad.append("%s.%s is not in the original" % (t, c["name"]))
                continue
            where = "%s.%s" % (t, c["name"])
            if bool(c["pk"]) != bool(oc["pk"]):
                bad.append("%s: primary key %s, the original's %s" % (where, c["pk"], oc["pk"]))
            if not c["pk"] and c["notnull"] != oc["notnull"]:
                bad.append("%s: NOT NULL %s, the original's %s" % (where, c["notnull"], oc["notnull"]))
            na, oa = affinity(c["type"]), affinity(oc["type"])
            if na != oa and not (oa == "NUMERIC" and na == "REAL") and \
                    not (na == "TEXT" and text_by_design(oc["type"])):
                bad.append("%s: %s (%s), the original's %s (%s)" % (where, c["type"], na, oc["type"], oa))
            if c["dflt"] is not None and value(new, c["dflt"]) != value(orig, oc["dflt"] or "NULL"):
                bad.append("%s: DEFAULT %s, the original's %s" % (where, c["dflt"], oc["dflt"]))
        if not fks(new, t) <= fks(orig, o):
            bad.append("%s: foreign keys %s, the original's %s" % (t, sorted(fks(new, t)), sorted(fks(orig, o))))
        have = set(kept)
        ounique = set(ix for ix in indexes(orig, o, True) if set(ix) <= have)
        if indexes(new, t, True) != ounique:
            bad.append("%s: unique %s, the original's %s" % (t, sorted(indexes(new, t, True)), sorted(ounique)))
        # An index that starts with the same columns serves as well (the
        # DDL makes none for a column that leads another index or the key).
        serving = indexes(new, t, False) | indexes(new, t, True)
        serving.add(tuple(c["name"].lower() for c in sorted(ncols, key=lambda c: c["pk"]) if c["pk"]))
        missing = [ix for ix in indexes(orig, o, False, left_out_indexes)
                   if set(ix) <= have and not any(s[:len(ix)] == ix for s in serving)]
        if missing:
            bad.append("%s: indexes %s are not made" % (t, missing))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
