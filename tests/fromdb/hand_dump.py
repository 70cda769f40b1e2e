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
    for r in db.execute('SELECT "id", "select", "group", "int", "int_", "default", "table", "model", "import", '
                        '"index", "unique", "x", "has_x", "first name", "struct" FROM "order" ORDER BY "id"'):
        print("order %d%s" % (r[0], kv(select=text(r[1]), group=num(r[2]), int_=num(r[3]), int_2=num(r[4]),
                                        default_=text(r[5]), table=text(r[6]), model=num(r[7]), import_=blob(r[8]),
                                        index=num(r[9]), unique=num(r[10]), x=num(r[11]), has_x_2=num(r[12]),
                                        first_name=text(r[13]), struct_=real(r[14]))))
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


def columns9(db):
    for r in db.execute('SELECT id, "Author Code", "Full Name", note_text, "Note Text", "int", "int_", x, has_x, '
                        '"2nd line", "%", "e-mail" FROM authors ORDER BY id'):
        print("author %d%s" % (r[0], kv(author_code=text(r[1]), full_name=text(r[2]), note_text=text(r[3]),
                                         note_text_2=text(r[4]), int_=num(r[5]), int_2=num(r[6]), x=num(r[7]),
                                         has_x_2=num(r[8]), col_2nd_line=text(r[9]), col=real(r[10]),
                                         e_mail=text(r[11]))))
        print("  author_code_documents:" + ids(col(db, 'SELECT id FROM documents WHERE "Author Code" = ? '
                                                       "ORDER BY id", r[1])))
        print("  editor_documents:" + ids(col(db, 'SELECT id FROM documents WHERE "Editor Id" = ? ORDER BY id',
                                              r[0])))
    for r in db.execute('SELECT id, "Doc Title", "Author Code", "Editor Id", body, meta, extra, tags, notjson, '
                        'indexed, state, "Kind", priority, mood, level, flag, list FROM documents ORDER BY id'):
        print("document %d%s" % (r[0], kv(doc_title=text(r[1]), author_code=text(r[2]), editor_id=num(r[3]),
                                           body=text(r[4]), meta=text(r[5]), extra=text(r[6]), tags=text(r[7]),
                                           notjson=text(r[8]), indexed=text(r[9]), state=text(r[10]),
                                           Kind=text(r[11]), priority=text(r[12]), mood=text(r[13]),
                                           level=num(r[14]), flag=text(r[15]), list=text(r[16]))))
        author = col(db, 'SELECT id FROM authors WHERE "Author Code" = ?', r[2])
        print("  author: %s editor: %s" % (num(author[0]) if author else "none",
                                            num(r[3]) if r[3] is not None else "none"))


def cycles(db):
    def one(v):
        return "none" if v is None else str(v)

    for r in db.execute('SELECT id, label, parent_id, twin_id, "Code", alias_of FROM nodes ORDER BY id'):
        print("node %d%s" % (r[0], kv(label=text(r[1]), parent_id=num(r[2]), twin_id=num(r[3]), Code=text(r[4]),
                                       alias_of=text(r[5]))))
        twin_of = col(db, "SELECT id FROM nodes WHERE twin_id = ?", r[0])
        alias = col(db, 'SELECT id FROM nodes WHERE "Code" = ?', r[5])
        print("  parent: %s twin: %s node: %s twin_node: %s" % (one(r[2]), one(r[3]), one(alias[0] if alias else None),
                                                               one(twin_of[0] if twin_of else None)))
        print("  parent_nodes:" + ids(col(db, "SELECT id FROM nodes WHERE parent_id = ? ORDER BY id", r[0])))
        print("  alias_of_nodes:" + ids(col(db, "SELECT id FROM nodes WHERE alias_of = ? ORDER BY id", r[4])))
    for cid, name, parent in db.execute("SELECT id, name, parent_id FROM categories ORDER BY id"):
        print("category %d%s" % (cid, kv(name=text(name), parent_id=num(parent))))
        print("  parent: %s" % one(parent))
        print("  categories:" + ids(col(db, "SELECT id FROM categories WHERE parent_id = ? ORDER BY id", cid)))
    for fid, title in db.execute("SELECT id, title FROM forums ORDER BY id"):
        print("forum %d%s" % (fid, kv(title=text(title))))
        print("  topics:" + ids(col(db, "SELECT id FROM topics WHERE forum_id = ? ORDER BY id", fid)))
    for tid, fid, title, first, last in db.execute("SELECT id, forum_id, title, first_post_id, last_post_id "
                                                   "FROM topics ORDER BY id"):
        print("topic %d%s" % (tid, kv(forum_id=num(fid), title=text(title), first_post_id=num(first),
                                       last_post_id=num(last))))
        print("  first_post: %s last_post: %s" % (one(first), one(last)))
        print("  posts:" + ids(col(db, "SELECT id FROM posts WHERE topic_id = ? ORDER BY id", tid)))
    for pid, tid, body in db.execute("SELECT id, topic_id, body FROM posts ORDER BY id"):
        print("post %d%s" % (pid, kv(topic_id=num(tid), body=text(body))))
        print("  first_post_topics:" + ids(col(db, "SELECT id FROM topics WHERE first_post_id = ? ORDER BY id", pid)))
        print("  last_post_topics:" + ids(col(db, "SELECT id FROM topics WHERE last_post_id = ? ORDER BY id", pid)))
    for bid, name in db.execute("SELECT id, name FROM boards ORDER BY id"):
        print("board %d%s" % (bid, kv(name=text(name))))
        print("  widgets:" + ids(col(db, "SELECT id FROM widgets WHERE board_id = ? ORDER BY id", bid)))
        print("  entries:" + ids(col(db, "SELECT id FROM entries WHERE board_id = ? ORDER BY id", bid)))
    for wid, bid, name, fav in db.execute("SELECT id, board_id, name, favorite_entry_id FROM widgets ORDER BY id"):
        print("widget %d%s" % (wid, kv(board_id=num(bid), name=text(name), favorite_entry_id=num(fav))))
        print("  favorite_entry: %s" % one(fav))
        print("  entries:" + ids(col(db, "SELECT id FROM entries WHERE widget_id = ? ORDER BY id", wid)))
    for eid, bid, wid, t in db.execute("SELECT id, board_id, widget_id, text FROM entries ORDER BY id"):
        print("entry %d%s" % (eid, kv(board_id=num(bid), widget_id=num(wid), text=text(t))))
        print("  widget: %s" % one(wid))
    for aid, name, owner in db.execute("SELECT id, name, owner_contact_id FROM accounts ORDER BY id"):
        print("account %d%s" % (aid, kv(name=text(name), owner_contact_id=num(owner))))
        print("  contacts:" + ids(col(db, "SELECT id FROM contacts WHERE account_id = ? ORDER BY id", aid)))
    for cid, aid, name in db.execute("SELECT id, account_id, name FROM contacts ORDER BY id"):
        print("contact %d%s" % (cid, kv(account_id=num(aid), name=text(name))))
        print("  accounts:" + ids(col(db, "SELECT id FROM accounts WHERE owner_contact_id = ? ORDER BY id", cid)))
    for tid, name, captain in db.execute("SELECT id, name, captain_id FROM teams ORDER BY id"):
        print("team %d%s" % (tid, kv(name=text(name), captain_id=num(captain))))
        print("  players:" + ids(col(db, "SELECT id FROM players WHERE team_id = ? ORDER BY id", tid)))
    for pid, name, team in db.execute("SELECT id, name, team_id FROM players ORDER BY id"):
        print("player %d%s" % (pid, kv(name=text(name), team_id=num(team))))
        print("  teams:" + ids(col(db, "SELECT id FROM teams WHERE captain_id = ? ORDER BY id", pid)))

    # The deletes the reader makes in its copy.  Forum 1 and board 1, as
    # the database's own ON DELETE actions take them (which is what the
    # generated delete must do too, given post_update), in an in-memory
    # copy with foreign keys enforced; category 2, whose child keeps its
    # row with the key cleared (SQLAlchemy's rule for a backref without a
    # delete cascade); account 1, refused as a cycle that no post_update
    # breaks (both keys NOT NULL), nothing deleted.
    mem = sqlite3.connect(":memory:")
    db.backup(mem)
    mem.execute("PRAGMA foreign_keys = ON")
    for what, sql in (("forum 1", ["DELETE FROM forums WHERE id = 1"]),
                      ("board 1", ["DELETE FROM boards WHERE id = 1"]),
                      ("category 2", ["UPDATE categories SET parent_id = NULL WHERE parent_id = 2",
                                      "DELETE FROM categories WHERE id = 2"])):
        for stmt in sql:
            mem.execute(stmt)
        print("after deleting %s:" % what)
        for table in ("forums", "topics", "posts", "boards", "widgets", "entries", "categories"):
            print("  %s:%s" % (table, ids(col(mem, "SELECT id FROM %s ORDER BY id" % table))))
    print("  category 3 parent_id=%s" % num(col(mem, "SELECT parent_id FROM categories WHERE id = 3")[0]))
    print("deleting account 1: refused")
    print("  accounts:%s contacts:%s" % (ids(col(mem, "SELECT id FROM accounts ORDER BY id")),
                                         ids(col(mem, "SELECT id FROM contacts ORDER BY id"))))


def main(argv):
    dumps = {"keys": keys, "names": names, "types": types, "columns9": columns9, "cycles": cycles}
    if len(argv) != 3 or argv[1] not in dumps:
        print(__doc__, file=sys.stderr)
        return 2
    db = sqlite3.connect("file:%s?mode=ro" % argv[2], uri=True)
    dumps[argv[1]](db)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
