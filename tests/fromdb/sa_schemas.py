#!/usr/bin/python3
"""sa_schemas.py make|dump SCHEMA DBFILE - databases made by SQLAlchemy 1.4.

make: create SCHEMA's tables with SQLAlchemy's own create_all in DBFILE (which
      must not exist) and write its rows through the ORM.
dump: read DBFILE back through the same ORM models and print every row and
      every relationship in the form the C readers (read_*.c) print, so that
      the two outputs are compared line by line.

SCHEMA is one of:
  seed   the seed's models (tests/interop/seed_models.py): users buy
         products, each purchase an Order (an association object with a key
         of its own)
  tags   a plain association table, Table('tags', ...) with two foreign keys
         and nothing else (Flask-SQLAlchemy's many-to-many example)
  assoc  an association object with a composite key and extra data
         (SQLAlchemy's "Association Object" pattern)
  tasks9 SPEC 9's columns as SQLAlchemy writes them: JSON, Enum(...,
         create_constraint=True) from an enum class and from strings,
         Column("Task Title", ...) and other SQL names of their own, and an
         adjacency list (parent with remote_side=[id], backref children)
  forum9 topics and posts whose keys refer to each other (a topic's first
         and last post, a post's topic, ON DELETE CASCADE), with
         post_update=True on the topic's two, as SQLAlchemy's docs have it

dump, for tasks9 and forum9, then deletes rows through the same ORM in a
copy of DBFILE (foreign keys enforced) and prints what is left: the C
reader deletes the same rows in its copy through the code --from-db's
model makes, so the two agree on what a delete does (remote_side's and
post_update's semantics), not only on what is read.
"""
import datetime as dt
import enum
import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Enum, Float,  # noqa: E402
                        ForeignKey, Integer, String, Table, Text,
                        UniqueConstraint, create_engine, event)
from sqlalchemy.orm import Session, declarative_base, relationship  # noqa: E402

T0 = dt.datetime(2024, 3, 1, 12, 0, 0, 250000)


# ---------------------------------------------------------------- seed
def seed_make(s):
    from seed_models import Order, Product, User
    ann = User(email="ann@example.com")
    bob = User(email="bob@example.com", create_dttm=T0)
    cy = User(email=None)
    s.add_all([ann, bob, cy])
    s.flush()
    cy.create_dttm = None            # a NULL server default, after the insert
    pen = Product(title="pen", create_dttm=T0 + dt.timedelta(days=1))
    ink = Product(title="ink")
    pad = Product(title=None, create_dttm=T0)
    s.add_all([pen, ink, pad])
    s.flush()
    s.add_all([
        Order(user=ann, product=pen, dttm=T0),
        Order(user=ann, product=pen, dttm=T0 + dt.timedelta(hours=1)),   # bought twice
        Order(user=ann, product=ink),
        Order(user=bob, product=ink, dttm=T0 + dt.timedelta(seconds=1)),
        Order(user=None, product=pad, dttm=None),
        Order(user=bob, product=None, dttm=T0),
    ])


def seed_dump(s):
    from seed_models import Order, Product, User
    for u in s.query(User).order_by(User.id):
        out("user %d email=%s create_dttm=%s" % (u.id, text(u.email), when(u.create_dttm)))
        out("  orders:" + ids(u.orders))
    for p in s.query(Product).order_by(Product.id):
        out("product %d title=%s create_dttm=%s" % (p.id, text(p.title), when(p.create_dttm)))
        out("  orders:" + ids(p.orders))
    for o in s.query(Order).order_by(Order.id):
        out("order %d user_id=%s product_id=%s dttm=%s" % (o.id, num(o.user_id), num(o.product_id),
                                                          when(o.dttm)))
        out("  user: %s" % (o.user.id if o.user else "none"))
        out("  product: %s" % (o.product.id if o.product else "none"))


# ---------------------------------------------------------------- tags
TagsBase = declarative_base()
tags = Table(
    "tags", TagsBase.metadata,
    Column("tag_id", Integer, ForeignKey("tag.id"), primary_key=True),
    Column("page_id", Integer, ForeignKey("page.id"), primary_key=True),
)


class Page(TagsBase):
    __tablename__ = "page"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    body = Column(Text)
    published = Column(Boolean, nullable=False, default=False)
    published_on = Column(Date)
    rating = Column(Float)
    views = Column(Integer, index=True, server_default="0")
    created = Column(DateTime, default=dt.datetime.utcnow)
    tags = relationship("Tag", secondary=tags, backref="pages")


class Tag(TagsBase):
    __tablename__ = "tag"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), unique=True, nullable=False)


def tags_make(s):
    c, py, db, empty = Tag(name="c"), Tag(name="python"), Tag(name="databases"), Tag(name="unused")
    s.add_all([
        Page(title="Hello", body="first page", published=True, published_on=dt.date(2024, 2, 29),
             rating=4.5, views=10, created=T0, tags=[c, db]),
        Page(title="SQLAlchemy", body=None, published=False, rating=None, created=T0, tags=[py, db, c]),
        Page(title="Draft", published=False, created=None),
        empty,
    ])


def tags_dump(s):
    for p in s.query(Page).order_by(Page.id):
        out("page %d title=%s body=%s published=%s published_on=%s rating=%s views=%s created=%s"
            % (p.id, text(p.title), text(p.body), flag(p.published),
               text(p.published_on.isoformat() if p.published_on else None), real(p.rating),
               num(p.views), when(p.created)))
        out("  tags:" + ids(p.tags))
    for t in s.query(Tag).order_by(Tag.id):
        out("tag %d name=%s" % (t.id, text(t.name)))
        out("  pages:" + ids(t.pages))


# ---------------------------------------------------------------- assoc
AssocBase = declarative_base()


class Association(AssocBase):
    __tablename__ = "association_table"
    left_id = Column(ForeignKey("left_table.id", ondelete="CASCADE"), primary_key=True)
    right_id = Column(ForeignKey("right_table.id"), primary_key=True)
    extra_data = Column(String(50))
    child = relationship("Child", back_populates="parents")
    parent = relationship("Parent", back_populates="children")


class Parent(AssocBase):
    __tablename__ = "left_table"
    id = Column(Integer, primary_key=True)
    name = Column(String(30), index=True)
    children = relationship("Association", back_populates="parent")


class Child(AssocBase):
    __tablename__ = "right_table"
    __table_args__ = (UniqueConstraint("name", "born"),)
    id = Column(Integer, primary_key=True)
    name = Column(String(30), nullable=False)
    born = Column(DateTime)
    parents = relationship("Association", back_populates="child")


def assoc_make(s):
    p1, p2, p3 = Parent(name="p1"), Parent(name="p2"), Parent(name=None)
    c1, c2, c3 = Child(name="c1", born=T0), Child(name="c2"), Child(name="c3", born=T0)
    s.add_all([p1, p2, p3, c1, c2, c3])
    s.flush()
    for p, c, extra in [(p1, c1, "a"), (p1, c2, None), (p2, c1, "b"), (p2, c3, "c")]:
        s.add(Association(parent=p, child=c, extra_data=extra))


def assoc_dump(s):
    for p in s.query(Parent).order_by(Parent.id):
        out("parent %d name=%s" % (p.id, text(p.name)))
        out("  associations:" + pairs(p.children))
    for c in s.query(Child).order_by(Child.id):
        out("child %d name=%s born=%s" % (c.id, text(c.name), when(c.born)))
        out("  associations:" + pairs(c.parents))
    for a in s.query(Association).order_by(Association.left_id, Association.right_id):
        out("association %d,%d extra_data=%s" % (a.left_id, a.right_id, text(a.extra_data)))
        out("  parent: %d child: %d" % (a.parent.id, a.child.id))


# ---------------------------------------------------------------- tasks9
Tasks9Base = declarative_base()


class Status(enum.Enum):
    todo = 1
    doing = 2
    done = 3


class Project9(Tasks9Base):
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    name = Column("ProjectName", String(100), nullable=False, unique=True)
    settings = Column(JSON(none_as_null=True), nullable=False)
    tasks = relationship("Task9", back_populates="project", cascade="all, delete-orphan")


class Task9(Tasks9Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("ProjectRef", "Task Title"),)
    id = Column(Integer, primary_key=True)
    project_id = Column("ProjectRef", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    title = Column("Task Title", String(200), nullable=False)
    status = Column("State", Enum(Status, create_constraint=True), nullable=False, default=Status.todo,
                    index=True)
    priority = Column(Enum("low", "normal", "high", name="priority", create_constraint=True))
    labels = Column(JSON(none_as_null=True))
    estimate = Column("Estimate (h)", Integer)
    parent_id = Column(Integer, ForeignKey("tasks.id"), index=True)
    project = relationship("Project9", back_populates="tasks")
    parent = relationship("Task9", remote_side=[id], backref="children")


def tasks9_make(s):
    projects = [Project9(name="Project %d" % p, settings={"color": "c%d" % p, "public": p % 2 == 1})
                for p in (1, 2)]
    s.add_all(projects)
    s.flush()
    tasks = []
    for t in range(1, 9):
        task = Task9(title="Task %d's \u00e9" % t, project=projects[t % 2],
                     priority=[None, "low", "normal", "high"][t % 4],
                     labels=["l%d" % t, "x"] if t % 3 else None,
                     estimate=t * 2 if t % 3 != 1 else None,
                     parent=tasks[t // 2 - 1] if t > 2 else None)
        if t % 4:
            task.status = [Status.todo, Status.doing, Status.done][t % 3]
        tasks.append(task)
        s.add(task)
        s.flush()


def tasks9_print(s):
    for p in s.query(Project9).order_by(Project9.id):
        out("project %d name=%s settings=%s" % (p.id, text(p.name), json.dumps(p.settings)))
        out("  tasks:" + ids(p.tasks))
    for t in s.query(Task9).order_by(Task9.id):
        out("task %d project_id=%d title=%s state=%s priority=%s labels=%s estimate=%s parent_id=%s"
            % (t.id, t.project_id, text(t.title), t.status.name, text(t.priority),
               text(json.dumps(t.labels) if t.labels is not None else None), num(t.estimate), num(t.parent_id)))
        out("  parent: %s" % (t.parent.id if t.parent else "none"))
        out("  children:" + ids(t.children))


def tasks9_dump(s):
    tasks9_print(s)


def tasks9_delete(s):
    # A parent: its children keep their rows, their parent_id cleared (the
    # backref has no delete cascade).  Then a project: its tasks go with it
    # (cascade), and the children of those in the other project are cleared.
    for what, obj in (("task 3", lambda: s.get(Task9, 3)), ("project 1", lambda: s.get(Project9, 1))):
        s.delete(obj())
        s.flush()
        out("after deleting %s:" % what)
        for t in s.query(Task9).order_by(Task9.id):
            out("  task %d project_id=%d parent_id=%s" % (t.id, t.project_id, num(t.parent_id)))


# ---------------------------------------------------------------- forum9
Forum9Base = declarative_base()


class Forum9(Forum9Base):
    __tablename__ = "forums"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    topics = relationship("Topic9", back_populates="forum", cascade="all, delete-orphan")


class Topic9(Forum9Base):
    __tablename__ = "topics"
    id = Column(Integer, primary_key=True)
    forum_id = Column(Integer, ForeignKey("forums.id", ondelete="CASCADE"), nullable=False)
    title = Column(String(100), nullable=False)
    first_post_id = Column(Integer, ForeignKey("posts.id", ondelete="SET NULL", use_alter=True,
                                               name="fk_topics_first_post_id"))
    last_post_id = Column(Integer, ForeignKey("posts.id", ondelete="SET NULL", use_alter=True,
                                              name="fk_topics_last_post_id"))
    forum = relationship("Forum9", back_populates="topics")
    first_post = relationship("Post9", foreign_keys=[first_post_id], post_update=True)
    last_post = relationship("Post9", foreign_keys=[last_post_id], post_update=True)
    posts = relationship("Post9", foreign_keys="Post9.topic_id", back_populates="topic",
                         cascade="all, delete-orphan")


class Post9(Forum9Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    topic_id = Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False)
    body = Column(Text, nullable=False)
    topic = relationship("Topic9", foreign_keys=[topic_id], back_populates="posts")


def forum9_make(s):
    forums = [Forum9(title="Announcements"), Forum9(title="Help")]
    s.add_all(forums)
    s.flush()
    # (forum, title, posts): the first post is the topic's first, the last its last
    for f, title, n in ((0, "Welcome", 2), (1, "Question", 3), (1, "Both ways", 1), (0, "Empty", 0)):
        t = Topic9(forum=forums[f], title=title)
        for k in range(n):
            t.posts.append(Post9(body="%s, post %d" % (title, k + 1)))
        if n:
            t.first_post, t.last_post = t.posts[0], t.posts[-1]
        s.add(t)
        s.flush()   # SQLAlchemy orders the cycle: post_update writes the topic's keys last


def forum9_print(s):
    for f in s.query(Forum9).order_by(Forum9.id):
        out("forum %d title=%s" % (f.id, text(f.title)))
        out("  topics:" + ids(f.topics))
    for t in s.query(Topic9).order_by(Topic9.id):
        out("topic %d forum_id=%d title=%s first_post_id=%s last_post_id=%s"
            % (t.id, t.forum_id, text(t.title), num(t.first_post_id), num(t.last_post_id)))
        out("  first_post: %s last_post: %s" % (t.first_post.id if t.first_post else "none",
                                                 t.last_post.id if t.last_post else "none"))
        out("  posts:" + ids(t.posts))
    for p in s.query(Post9).order_by(Post9.id):
        out("post %d topic_id=%d body=%s" % (p.id, p.topic_id, text(p.body)))
        out("  topic: %d" % p.topic.id)


def forum9_dump(s):
    forum9_print(s)


def forum9_delete(s):
    # A topic with its posts, which it refers to (first, last), then a forum
    # with its topics and theirs: possible only with post_update.
    for what, obj in (("topic 1", lambda: s.get(Topic9, 1)), ("forum 2", lambda: s.get(Forum9, 2))):
        s.delete(obj())
        s.flush()
        out("after deleting %s:" % what)
        out("  forums:" + ids(s.query(Forum9)))
        out("  topics:" + ids(s.query(Topic9)))
        out("  posts:" + ids(s.query(Post9)))


def delete_in_copy(path, delete):
    """delete(session) in a copy of path, foreign keys enforced."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "copy.db")
        shutil.copy(path, copy)
        engine = create_engine("sqlite:///" + copy, future=True)

        @event.listens_for(engine, "connect")
        def _fk(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

        with Session(engine, future=True) as s:
            delete(s)
            s.commit()
        engine.dispose()


# ---------------------------------------------------------------- output
def out(line):
    print(line)


def text(v):
    return "NULL" if v is None else v


def num(v):
    return "NULL" if v is None else "%d" % v


def real(v):
    return "NULL" if v is None else "%.6f" % v


def flag(v):
    return "NULL" if v is None else ("true" if v else "false")


def when(v):
    return "NULL" if v is None else v.strftime("%Y-%m-%d %H:%M:%S.%f")


def ids(rows):
    return "".join(" %d" % r.id for r in sorted(rows, key=lambda r: r.id))


def pairs(rows):
    return "".join(" %d,%d" % (a.left_id, a.right_id)
                   for a in sorted(rows, key=lambda a: (a.left_id, a.right_id)))


SCHEMAS = {
    "seed": (lambda: __import__("seed_models").BaseModel, seed_make, seed_dump),
    "tags": (lambda: TagsBase, tags_make, tags_dump),
    "assoc": (lambda: AssocBase, assoc_make, assoc_dump),
    "tasks9": (lambda: Tasks9Base, tasks9_make, tasks9_dump),
    "forum9": (lambda: Forum9Base, forum9_make, forum9_dump),
}
# After the dump: deletes in a copy (delete_in_copy).
DELETES = {"tasks9": tasks9_delete, "forum9": forum9_delete}


def main(argv):
    if len(argv) != 4 or argv[1] not in ("make", "dump") or argv[2] not in SCHEMAS:
        print(__doc__, file=sys.stderr)
        return 2
    base, make, dump = SCHEMAS[argv[2]]
    path = argv[3]
    if argv[1] == "make" and os.path.exists(path):
        print("sa_schemas.py: %s exists" % path, file=sys.stderr)
        return 1
    engine = create_engine("sqlite:///" + path, future=True)
    if argv[1] == "make":
        base().metadata.create_all(engine)
        with Session(engine, future=True) as s:
            make(s)
            s.commit()
    else:
        with Session(engine, future=True) as s:
            dump(s)
    engine.dispose()
    if argv[1] == "dump" and argv[2] in DELETES:
        delete_in_copy(path, DELETES[argv[2]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
