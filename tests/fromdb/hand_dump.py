#!/usr/bin/python3
"""hand_dump.py SCHEMA DBFILE - the rows of a hand-made database (sql/SCHEMA.sql)
and its relationships, read with plain SQL through Python's sqlite3 module,
printed in the form its C reader (readers/read_SCHEMA.c) prints them through
the code generated from `assocgen --from-db`.  An oracle independent of
assocgen: every relationship is a join written out here by hand.
"""
import datetime as dt
import sqlite3
import sys

sys.dont_write_bytecode = True


def text(v):
    return "NULL" if v is None else str(v)


def num(v):
    return "NULL" if v is None else "%d" % v


def real(v):
    return "NULL" if v is None else "%.6f" % v


def flag(v):
    return "NULL" if v is None else ("true" if v else "false")


def when(v):
    if v is None:
        return "NULL"
    return dt.datetime.fromisoformat(v).strftime("%Y-%m-%d %H:%M:%S.%f")


def blob(v):
    if v is None:
        return "NULL"
    if isinstance(v, str):
        v = v.encode()
    return "x'" + v.hex() + "'"


def kv(**fields):
    return "".join(" %s=%s" % (k.rstrip("_"), v) for k, v in fields.items())


def col(db, sql, *args):
    return [r[0] for r in db.execute(sql, args)]


def ids(values):
    return "".join(" %s" % v for v in values)


def keys(db):
    for pid, name, manager in db.execute("SELECT id, name, manager_id FROM people ORDER BY id"):
        print("person %d%s" % (pid, kv(name=text(name), manager_id=num(manager))))
        print("  people:" + ids(col(db, "SELECT id FROM people WHERE manager_id = ? ORDER BY id", pid)))
        print("  manager: " + (num(manager) if manager is not None else "none"))
        print("  courses:" + ids(col(db, "SELECT DISTINCT c.code FROM courses c JOIN people_courses_liked l "
                                         "ON l.course_id = c.code WHERE l.person_id = ? ORDER BY c.code", pid)))
        print("  followed_people:" + ids(col(db, "SELECT DISTINCT followed_id FROM follows WHERE follower_id = ? "
                                                 "ORDER BY followed_id", pid)))
        print("  follower_people:" + ids(col(db, "SELECT DISTINCT follower_id FROM follows WHERE followed_id = ? "
                                                 "ORDER BY follower_id", pid)))
        prof = col(db, "SELECT person_id FROM profiles WHERE person_id = ?", pid)
        print("  profile: " + (num(prof[0]) if prof else "none"))
        print("  sender_messages:" + ids(col(db, "SELECT id FROM messages WHERE sender_id = ? ORDER BY id", pid)))
        print("  recipient_messages:" + ids(col(db, "SELECT id FROM messages WHERE recipient_id = ? ORDER BY id",
                                                pid)))
        print("  enrollments:" + ids(col(db, "SELECT person_id || ',' || course_code || ',' || term FROM enrollments "
                                             "WHERE person_id = ? ORDER BY person_id, course_code, term", pid)))
        print("  notes:" + ids(col(db, "SELECT id FROM notes WHERE person_id = ? ORDER BY id", pid)))
    for pid, bio in db.execute("SELECT person_id, bio FROM profiles ORDER BY person_id"):
        print("profile %d%s" % (pid, kv(bio=text(bio))))
        print("  person: %d" % pid)
    for mid, s, r, body in db.execute("SELECT id, sender_id, recipient_id, body FROM messages ORDER BY id"):
        print("message %d%s" % (mid, kv(sender_id=num(s), recipient_id=num(r), body=text(body))))
        print("  sender: %s recipient: %s" % (num(s), num(r) if r is not None else "none"))
    for cid, title, parent in db.execute("SELECT id, title, parent_id FROM categories ORDER BY id"):
        print("category %d%s" % (cid, kv(title=text(title), parent_id=num(parent))))
        print("  categories:" + ids(col(db, "SELECT id FROM categories WHERE parent_id = ? ORDER BY id", cid)))
        print("  parent: " + (num(parent) if parent is not None else "none"))
        print("  courses:" + ids(col(db, "SELECT DISTINCT course_code FROM course_categories WHERE category_id = ? "
                                         "ORDER BY course_code", cid)))
    for code, title in db.execute("SELECT code, title FROM courses ORDER BY code"):
        print("course %s%s" % (code, kv(title=text(title))))
        print("  categories:" + ids(col(db, "SELECT DISTINCT category_id FROM course_categories WHERE course_code = ? "
                                            "ORDER BY category_id", code)))
        print("  people:" + ids(col(db, "SELECT DISTINCT person_id FROM people_courses_liked WHERE course_id = ? "
                                        "ORDER BY person_id", code)))
        print("  enrollments:" + ids(col(db, "SELECT person_id || ',' || course_code || ',' || term FROM enrollments "
                                             "WHERE course_code = ? ORDER BY person_id, course_code, term", code)))
    for p, c, term, grade in db.execute("SELECT person_id, course_code, term, grade FROM enrollments "
                                        "ORDER BY person_id, course_code, term"):
        print("enrollment %d,%s,%d%s" % (p, c, term, kv(grade=real(grade))))
        print("  person: %d course: %s" % (p, c))
    for row in db.execute("SELECT id, person_id, course_code, term, reason FROM grade_appeals ORDER BY id"):
        print("grade_appeal %d%s" % (row[0], kv(person_id=num(row[1]), course_code=text(row[2]), term=num(row[3]),
                                                 reason=text(row[4]))))
    for nid, missing, ref, person in db.execute("SELECT id, missing_id, name_ref, person_id FROM notes ORDER BY id"):
        print("note %d%s" % (nid, kv(missing_id=num(missing), name_ref=text(ref), person_id=num(person))))
        print("  person: " + (num(person) if person is not None else "none"))


def names(db):
    for r in db.execute('SELECT "id", "select", "group", "int", "default", "table", "model", "import", "index", '
                        '"unique", "x", "struct" FROM "order" ORDER BY "id"'):
        print("order %d%s" % (r[0], kv(select=text(r[1]), group=num(r[2]), int_=num(r[3]), default_=text(r[4]),
                                        table=text(r[5]), model=num(r[6]), import_=blob(r[7]), index=num(r[8]),
                                        unique=num(r[9]), x=num(r[10]), struct_=real(r[11]))))
        print("  order_tables:" + ids(col(db, 'SELECT id FROM "table" WHERE order_id = ? ORDER BY id', r[0])))
        print("  all_tables:" + ids(col(db, 'SELECT id FROM "table" WHERE all_id = ? ORDER BY id', r[0])))
    for tid, order_id, all_id, imp in db.execute('SELECT id, order_id, all_id, "import" FROM "table" ORDER BY id'):
        print("table %d%s" % (tid, kv(order_id=num(order_id), all_id=num(all_id), import_=text(imp))))
        print("  order: %s all_2: %s" % (num(order_id) if order_id is not None else "none",
                                         num(all_id) if all_id is not None else "none"))
    for pid, name in db.execute("SELECT id, name FROM person ORDER BY id"):
        print("person %d%s" % (pid, kv(name=text(name))))
        print("  people:" + ids(col(db, "SELECT id FROM people WHERE person_id = ? ORDER BY id", pid)))
    for pid, name, person in db.execute("SELECT id, name, person_id FROM people ORDER BY id"):
        print("people %d%s" % (pid, kv(name=text(name), person_id=num(person))))
    for uid, email in db.execute("SELECT ID, EMAIL FROM USERS ORDER BY ID"):
        print("user %d%s" % (uid, kv(EMAIL=text(email))))
        print("  users:" + ids(col(db, "SELECT id FROM user WHERE users_id = ? ORDER BY id", uid)))
    for uid, users_id in db.execute("SELECT id, users_id FROM user ORDER BY id"):
        print("user2 %d%s" % (uid, kv(users_id=num(users_id))))
        print("  files:" + ids(col(db, "SELECT id FROM files WHERE user_id = ? ORDER BY id", uid)))
    for fid, user_id in db.execute("SELECT id, user_id FROM files ORDER BY id"):
        print("file %d%s" % (fid, kv(user_id=num(user_id))))


def types(db):
    for r in db.execute("SELECT id, small, hexed, name, code, bare, notes, price, weight, ratio, cost, active, "
                        "deleted, created, changed, born, opens, meta, ident, raw, untyped, stamp, multi, shape "
                        "FROM items ORDER BY id"):
        print("item %d%s" % (r[0], kv(small=num(r[1]), hexed=num(r[2]), name=text(r[3]), code=text(r[4]),
                                       bare=text(r[5]), notes=text(r[6]), price=real(r[7]), weight=real(r[8]),
                                       ratio=real(r[9]), cost=real(r[10]), active=flag(r[11]), deleted=flag(r[12]),
                                       created=when(r[13]), changed=when(r[14]), born=text(r[15]),
                                       opens=text(r[16]), meta=text(r[17]), ident=text(r[18]), raw=blob(r[19]),
                                       untyped=blob(r[20]), stamp=when(r[21]), multi=text(r[22]),
                                       shape=num(r[23]))))


def main(argv):
    dumps = {"keys": keys, "names": names, "types": types}
    if len(argv) != 3 or argv[1] not in dumps:
        print(__doc__, file=sys.stderr)
        return 2
    db = sqlite3.connect("file:%s?mode=ro" % argv[2], uri=True)
    dumps[argv[1]](db)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
