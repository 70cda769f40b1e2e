#!/usr/bin/python3
"""random_schema.py SEED DBFILE - a random SQLite schema for run.sh's
property check: whatever the tables, `assocgen --from-db` writes a model
file that passes --check -Werror and whose generated code compiles.

Names are drawn from the ones that trip C, SQL, the model language and the
generated code (keywords, libassoc's prefix, the generated functions' own
words and locals, has_ fields, plural/singular pairs, case variants, names
that are no identifiers); types, keys, foreign keys (to keys of any type,
self-referential, to non-unique columns, added afterwards so that tables
refer to each other), defaults, indexes, association tables and the CHECKs
that make enum and json columns (values that are names or not, that clash
in C) at random.
The same SEED makes the same database.
"""
import random
import sqlite3
import sys

WORDS = ["user", "users", "order", "orders", "all", "get", "each", "count", "int", "default", "struct",
         "has_x", "x", "id", "db", "r", "t", "value", "assoc_x", "table", "model", "import", "select",
         "group", "index", "unique", "people", "person", "node", "nodes", "parent_id", "user_id",
         "order_id", "all_id", "each_id", "get_id", "count_id", "node_id", "x_id", "NULL", "FILE",
         "errno", "list", "user_list", "groups", "a", "b", "c", "has_a", "a_", "Users", "USER", "_",
         "__", "id_", "insert", "delete", "free", "list_free", "first", "view", "load", "remove", "add",
         "true", "false", "items", "item", "Task Title", "e-mail", "2nd", "%", "a b", "A B", "has x",
         "x y", "List", "Int", "init"]
TYPES = ["INTEGER", "TEXT", "VARCHAR(10)", "REAL", "BOOLEAN", "DATETIME", "DATE", "BLOB", "", "NUMERIC",
         "JSON", "CHAR(3)"]
DEFAULTS = ["0", "'a'", "1.5", "CURRENT_TIMESTAMP", "TRUE", "NULL", "(1+1)", "'2024-01-01'", "-7", "'{}'"]
ENUMS = [["a", "b"], ["todo", "done"], ["x y", "z"], ["A", "a"], ["init", "list"], ["groups_init"], ["1", "2"]]


def check(rnd, col):
    """A CHECK of the column: an enum's or json's, in one of their forms."""
    q = '"%s"' % col
    if rnd.random() < 0.6:
        values = ", ".join("'%s'" % v for v in rnd.choice(ENUMS))
        return rnd.choice(["%s IN (%s)", "%s IS NULL OR %s IN (%s)"]).replace("%s IN", q + " IN", 1) \
            .replace("%s IS", q + " IS").replace("(%s)", "(" + values + ")")
    return rnd.choice(["json_valid(%s)" % q, "%s IS NULL OR json_valid(%s)" % (q, q)])


def main(argv):
    rnd = random.Random(int(argv[1]))
    db = sqlite3.connect(argv[2])
    tables = []
    for i in range(rnd.randint(1, 7)):
        name = rnd.choice(WORDS) if rnd.random() < 0.8 else rnd.choice(WORDS) + "_" + rnd.choice(WORDS)
        if name.lower() in [t.lower() for t, _ in tables] or name.lower().startswith("sqlite_"):
            continue
        cols, defs, used = [], [], set()
        if rnd.random() < 0.85:
            key = rnd.choice(["id", "ID", "int", "x", "_id", "code"])
            used.add(key.lower())
            defs.append('"%s" %s PRIMARY KEY' % (key, rnd.choice(["INTEGER", "TEXT", "INTEGER"])))
            cols.append(key)
        for _ in range(rnd.randint(1, 6)):
            col = rnd.choice(WORDS)
            if col.lower() in used:
                continue
            used.add(col.lower())
            extra = ""
            if rnd.random() < 0.4 and tables + [(name, cols)]:
                target, tcols = rnd.choice(tables + [(name, cols)])
                if tcols:
                    extra = ' REFERENCES "%s"("%s")' % (target, tcols[0])
                    if rnd.random() < 0.3:
                        extra += rnd.choice([" ON DELETE CASCADE", " ON DELETE SET NULL"])
            if rnd.random() < 0.2:
                extra += " UNIQUE"
            if rnd.random() < 0.2:
                extra += " NOT NULL"
            if rnd.random() < 0.2:
                extra += " DEFAULT " + rnd.choice(DEFAULTS)
            if rnd.random() < 0.25:
                extra += " CHECK (%s)" % check(rnd, col)
            defs.append('"%s" %s%s' % (col, rnd.choice(TYPES), extra))
            cols.append(col)
        if cols and rnd.random() < 0.2:
            defs.append("CONSTRAINT ck CHECK (%s)" % check(rnd, rnd.choice(cols)))
        try:
            db.execute('CREATE TABLE "%s" (%s)' % (name, ", ".join(defs)))
        except sqlite3.Error:
            continue
        tables.append((name, cols))
        if rnd.random() < 0.3:
            db.execute('CREATE INDEX "ix%d" ON "%s" ("%s")' % (i, name, rnd.choice(cols)))
        if len(cols) > 1 and rnd.random() < 0.3:
            db.execute('CREATE UNIQUE INDEX "ux%d" ON "%s" ("%s", "%s")' % (i, name, cols[0], cols[1]))
    for i in range(rnd.randint(0, 2) if tables else 0):
        (a, acols), (b, bcols) = rnd.choice(tables), rnd.choice(tables)
        try:
            db.execute('CREATE TABLE "%s_%s_link" ("%s" INTEGER REFERENCES "%s"("%s"), "%s2" INTEGER REFERENCES "%s"("%s"))'
                       % (rnd.choice(WORDS), i, rnd.choice(WORDS), a, acols[0], rnd.choice(WORDS), b, bcols[0]))
        except sqlite3.Error:
            pass
    # keys added afterwards: tables may refer to each other
    for i in range(rnd.randint(0, 3) if tables else 0):
        (a, acols), (b, bcols) = rnd.choice(tables), rnd.choice(tables)
        if not bcols:
            continue
        try:
            db.execute('ALTER TABLE "%s" ADD COLUMN "%s_ref%d" INTEGER REFERENCES "%s"("%s")%s'
                       % (a, rnd.choice(WORDS), i, b, bcols[0],
                          rnd.choice(["", " ON DELETE CASCADE", " ON DELETE SET NULL"])))
        except sqlite3.Error:
            pass
    db.commit()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
