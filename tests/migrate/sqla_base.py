#!/usr/bin/python3
"""sqla_base.py DATABASE - base.def's models in SQLAlchemy 1.4, and the rows
of expect.h written through its ORM.  DATABASE is a SQLite file or a
PostgreSQL URI as libpq reads it (psycopg2; the tables go to its
search_path's first schema).

Makes the tables with SQLAlchemy's own create_all (its DDL, not assocgen's)
in DATABASE, which must not hold them yet, then writes the same rows as
fill.c: objects, relationship appends, defaults left to SQLAlchemy
(default=1 and 0 on the client, server_default=CURRENT_TIMESTAMP).  Keep the
formulas in step with expect.h.  Exit status 0, else 1 with the reason.
"""
import sys
from datetime import datetime, timedelta

from sqlalchemy import (Boolean, Column, DateTime, Float, ForeignKey, Integer,
                        LargeBinary, String, Table, Text, create_engine, func,
                        inspect)
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

memberships = Table(
    "memberships", Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True),
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), index=True))

post_tags = Table(
    "post_tags", Base.metadata,
    Column("post_id", Integer, ForeignKey("posts.id"), index=True),
    Column("tag_code", String(20), ForeignKey("tags.code"), index=True))


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True)
    name = Column(String(50))
    nick = Column(Text)
    age = Column(Integer)
    score = Column(Float)
    active = Column(Boolean)
    born = Column(DateTime)
    avatar = Column(LargeBinary)
    bio = Column(Text)
    city = Column(String(40), index=True)
    level = Column(Integer, nullable=False, default=1)
    created = Column(DateTime, server_default=func.current_timestamp())
    referrer_id = Column(Integer, ForeignKey("users.id"))

    posts = relationship("Post", backref="author")
    groups = relationship("Group", secondary=memberships)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    title = Column(String(200), nullable=False)
    body = Column(Text)
    views = Column(Integer, nullable=False, default=0)
    rating = Column(Float)
    published = Column(DateTime)

    tags = relationship("Tag", secondary=post_tags)
    comments = relationship("Comment", backref="post", cascade="all, delete-orphan")


class Group(Base):
    __tablename__ = "groups"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), nullable=False, unique=True)


class Tag(Base):
    __tablename__ = "tags"
    code = Column(String(20), primary_key=True)
    label = Column(Text)


class Comment(Base):
    __tablename__ = "comments"
    post_id = Column(Integer, ForeignKey("posts.id"), primary_key=True)
    seq = Column(Integer, primary_key=True)
    body = Column(Text, nullable=False)
    votes = Column(Integer)


NUSERS = 30
GROUPS = ["admins", "staff", "guests"]
CODES = ["c", "py", "sql", "rust", "go"]
CITIES = ["Paris", "Oslo", None, "Lima"]
T2000 = datetime(2000, 1, 1)


def user_row(i):
    return dict(
        email="user%d@example.com" % i,
        name="Name %d" % i if i % 7 else None,
        nick="nick'%d\"\\\u00e9" % i if i % 3 else None,
        age=20 + i if i % 5 else None,
        score=i * 1.25 if i % 4 else None,
        active=(i % 2 == 1) if i % 9 else None,
        born=T2000 + timedelta(days=i, microseconds=i) if i % 6 else None,
        avatar=bytes([i, 0, 255, i % 7]) if i % 8 else None,
        bio="bio of user %d, line one\nline two" % i if i % 2 == 0 else None,
        city=CITIES[i % 4],
        level=(i % 4) or None,              # None: the default 1
        referrer_id=i // 2 if i > 1 else None,
    )


def post_row(user, k, post):
    return dict(
        title="Post %d.%d" % (user, k),
        body="body of post %d" % post if post % 4 != 1 else None,
        views=(post % 6) or None,           # None: the default 0
        rating=post * 0.5 if post % 5 else None,
        published=T2000 + timedelta(microseconds=post * 86400000000 // 2) if post % 3 else None,
    )


def main(argv):
    if len(argv) != 2:
        print("usage: sqla_base.py DATABASE", file=sys.stderr)
        return 2
    engine = engine_for(argv[1])
    try:
        return fill(engine, argv[1])
    finally:
        engine.dispose()


def engine_for(path):
    """A SQLite file, or a PostgreSQL URI as libpq reads it (psycopg2)."""
    if path.startswith(("postgresql://", "postgres://")):
        import psycopg2
        return create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(path), future=True)
    return create_engine("sqlite:///" + path, future=True)


def fill(engine, where):
    if inspect(engine).get_table_names():
        print("sqla_base.py: %s already has tables" % where, file=sys.stderr)
        return 1
    Base.metadata.create_all(engine)
    with Session(engine, future=True) as s:
        groups = [Group(name=g) for g in GROUPS]
        tags = [Tag(code=c, label=None if t % 2 else "a label") for t, c in enumerate(CODES)]
        s.add_all(groups + tags)
        s.flush()
        post = 0
        for i in range(1, NUSERS + 1):
            row = {k: v for k, v in user_row(i).items() if v is not None}
            u = User(**row)
            s.add(u)
            u.groups.append(groups[i % 3])
            if i % 5 == 0 and i % 3 != 0:
                u.groups.append(groups[0])
            s.flush()                      # ids in order, as the C side assigns them
            for k in (1, 2) if i % 3 else ():
                post += 1
                p = Post(**{k2: v for k2, v in post_row(i, k, post).items() if v is not None})
                u.posts.append(p)
                s.flush()
                p.tags.append(tags[post % 5])
                p.tags.append(tags[(post + 2) % 5])
                for seq in range(1, post % 3 + 1):
                    p.comments.append(Comment(seq=seq, body="comment %d/%d" % (post, seq),
                                              votes=seq if seq != 2 else None))
                s.flush()
        s.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
