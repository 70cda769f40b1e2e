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
"""
import datetime as dt
import os
import sys

sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey,  # noqa: E402
                        Integer, String, Table, Text, UniqueConstraint,
                        create_engine)
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
}


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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
