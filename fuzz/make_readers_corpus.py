#!/usr/bin/python3
"""make_readers_corpus.py OUTDIR MODELS_SQL EDGES_SQL - seed inputs for the
readers' fuzzer (fuzz/fuzz_readers.h says the format).

Rows-mode seeds for both schemas: well-formed rows (users who bought
products, things with every column set, tags linked to things, pairs,
digests, stamps), and the same with malformed values (a datetime stored as
'2020-01-01' before text columns, text in an integer column, 2 in a
boolean, a blob in a float).  File-mode seeds: the same databases as files
(512-byte pages, so that they stay small), made with the generated DDL.
OUTDIR is emptied of seeds (seed-*) first; libFuzzer's finds are kept.
"""
import os
import sqlite3
import struct
import sys
import tempfile

# Value tags (rd_bind_value).
NULL, INT8, INT64, DOUBLE, TEXT, BLOB = 0, 1, 2, 3, 4, 5


def v_null():
    return bytes([NULL])


def v_int(n):
    return bytes([INT64]) + struct.pack("<q", n)


def v_real(d):
    return bytes([DOUBLE]) + struct.pack("<d", d)


def v_text(s):
    b = s.encode() if isinstance(s, str) else s
    return bytes([TEXT, len(b)]) + b


def v_blob(b):
    return bytes([BLOB, len(b)]) + b


def row(table, *values):
    return bytes([table]) + b"".join(values)


T = "2024-01-02 03:04:05.123456"

MODELS_GOOD = [
    row(0, v_int(1), v_text("ada@example.com"), v_text("2024-01-02 03:04:05")),
    row(0, v_int(2), v_text("bob@example.com"), v_text(T)),
    row(1, v_int(1), v_text("keyboard"), v_text(T)),
    row(1, v_int(2), v_text("monitor"), v_null()),
    row(1, v_int(3), v_text("lamp"), v_text(T)),
    row(2, v_int(1), v_int(1), v_int(1), v_text(T)),
    row(2, v_int(2), v_int(1), v_int(2), v_text("2024-01-03 00:00:00.000000")),
    row(2, v_int(3), v_int(2), v_int(2), v_text("2024-01-04 00:00:00")),
    row(2, v_int(4), v_int(1), v_int(1), v_null()),
]
MODELS_BAD = MODELS_GOOD + [
    row(0, v_int(3), v_text("carol@example.com"), v_text("2020-01-01")),
    row(2, v_int(5), v_text("one"), v_int(3), v_text(T)),
    row(1, v_int(4), v_blob(b"\x00\xff"), v_blob(b"2024-01-02 03:04:05")),
]
EDGES_GOOD = [
    row(0, v_int(1), v_int(-7), v_int(0), v_real(1.5), v_int(1), v_text("short"), v_text("text"),
        v_text("u1"), v_text("x"), v_int(2 ** 40), v_text(T), v_blob(b"\x01\x02"), v_blob(b"")),
    row(0, v_int(2), v_null(), v_int(5), v_null(), v_int(0), v_null(), v_null(), v_text("u2"), v_text("x"),
        v_null(), v_null(), v_null(), v_blob(b"n")),
    row(1, v_text("red"), v_text("a tag")),
    row(1, v_text("blue"), v_null()),
    row(2, v_text("red"), v_int(1)),
    row(2, v_text("red"), v_int(2)),
    row(2, v_text("blue"), v_int(2)),
    row(3, v_int(1), v_int(2), v_blob(b"v")),
    row(4, v_blob(b"\x00sum"), v_blob(b"alt"), v_text("digest")),
    row(5, v_text("2024-01-02 03:04:05.000000"), v_text("stamp")),
]
EDGES_BAD = EDGES_GOOD + [
    row(0, v_int(3), v_text("seven"), v_int(0), v_blob(b"f"), v_int(2), v_null(), v_null(), v_null(), v_null(),
        v_real(0.5), v_text("2020-01-01"), v_null(), v_blob(b"")),
    row(3, v_text("a"), v_int(1), v_null()),
    row(5, v_text("9999-12-31 24:00:00"), v_null()),
]


def database(ddl_path, rows):
    """The rows as a database file made with the generated DDL, 512-byte pages."""
    with open(ddl_path) as f:
        ddl = f.read()
    fd, path = tempfile.mkstemp(suffix=".db")
    os.close(fd)
    os.unlink(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size = 512")
    db.executescript(ddl)
    db.execute("PRAGMA ignore_check_constraints = ON")
    for r in rows:
        table, values, i = r[0], [], 1
        while i < len(r):
            tag = r[i]
            if tag == NULL:
                values.append(None)
                i += 1
            elif tag == INT64:
                values.append(struct.unpack("<q", r[i + 1:i + 9])[0])
                i += 9
            elif tag == DOUBLE:
                values.append(struct.unpack("<d", r[i + 1:i + 9])[0])
                i += 9
            else:
                n = r[i + 1]
                b = r[i + 2:i + 2 + n]
                values.append(b.decode() if tag == TEXT else b)
                i += 2 + n
        name = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid "
                          "LIMIT 1 OFFSET ?", (table,)).fetchone()[0]
        db.execute('INSERT OR IGNORE INTO "%s" VALUES (%s)' % (name, ", ".join("?" * len(values))), values)
    db.commit()
    db.execute("VACUUM")
    db.close()
    with open(path, "rb") as f:
        image = f.read()
    os.unlink(path)
    return image


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    out, models_sql, edges_sql = argv[1:]
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.startswith("seed-"):
            os.unlink(os.path.join(out, f))
    seeds = {
        "models-rows": bytes([0]) + b"".join(MODELS_GOOD),
        "models-rows-bad": bytes([0]) + b"".join(MODELS_BAD),
        "edges-rows": bytes([1]) + b"".join(EDGES_GOOD),
        "edges-rows-bad": bytes([1]) + b"".join(EDGES_BAD),
        "models-file": bytes([2]) + database(models_sql, MODELS_GOOD),
        "models-file-bad": bytes([2]) + database(models_sql, MODELS_BAD),
        "edges-file": bytes([3]) + database(edges_sql, EDGES_GOOD),
        "edges-file-bad": bytes([3]) + database(edges_sql, EDGES_BAD),
        "empty": bytes([0]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)
    print("make_readers_corpus: %d seed inputs in %s" % (len(seeds), out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
