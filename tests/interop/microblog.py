#!/usr/bin/python3
"""microblog.py DBFILE MODE - schema/microblog.def's models in SQLAlchemy 1.4,
as the Flask Mega-Tutorial writes them, and the steps of
tests/e2e/microblog/test_microblog.c.

Modes:
  write      create the tables (SQLAlchemy's DDL) and write the data below
  check      the database holds the data, whoever wrote it
  check-rt   the database holds the data after test_microblog.c's changes:
             susan no longer follows miguel, david follows susan; comment 1
             deleted with its replies 2, 3 and 2's reply 4 (an adjacency list's
             cascade); a reply 6 by miguel to comment 5; post 1 deleted;
             miguel's about_me changed

The writers leave the ids to the database, as applications do (on
PostgreSQL an explicit id would leave the key's sequence behind), inserting
in the order listed; write() checks it got the ids listed.  The reply C adds
is 6 on both databases: SQLite's highest + 1, PostgreSQL's next.  The C side
holds the same data (test_microblog.c): keep the two in step.
"""
import os
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, text  # noqa: E402
from sqlalchemy.orm import Session, backref, declarative_base, relationship  # noqa: E402

import sec9  # noqa: E402

Base = declarative_base()

followers = Table(
    "followers", Base.metadata,
    Column("follower_id", Integer, ForeignKey("users.id")),
    Column("followed_id", Integer, ForeignKey("users.id")),
)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    email = Column(String(120), nullable=False, unique=True)
    password_hash = Column(String(256))
    about_me = Column(String(140))
    last_seen = Column(DateTime, default=datetime.utcnow)
    posts = relationship("Post", back_populates="author", order_by="desc(Post.timestamp)")
    followed = relationship(
        "User", secondary=followers,
        primaryjoin=(followers.c.follower_id == id),
        secondaryjoin=(followers.c.followed_id == id),
        backref="followers")


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    body = Column(String(140), nullable=False)
    timestamp = Column(DateTime, nullable=False, index=True, default=datetime.utcnow)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    language = Column(String(5))
    author = relationship("User", back_populates="posts")


class Comment(Base):
    """SQLAlchemy's adjacency list: parent is many-to-one by remote_side."""
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    body = Column(Text, nullable=False)
    timestamp = Column(DateTime, nullable=False, default=datetime.utcnow)
    post_id = Column(Integer, ForeignKey("posts.id"), nullable=False)
    author_id = Column(Integer, ForeignKey("users.id"))
    parent_id = Column(Integer, ForeignKey("comments.id"))
    post = relationship("Post", backref=backref("comments", cascade="all, delete-orphan",
                                                order_by="Comment.timestamp"))
    author = relationship("User")
    parent = relationship("Comment", remote_side=[id],
                          backref=backref("replies", cascade="all, delete-orphan",
                                          order_by="Comment.timestamp.asc()"))


def dt(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f")


# (id, username, email, about_me, last_seen: None is the default, now)
USERS = [
    (1, "miguel", "miguel@example.com", "I write tutorials", dt("2024-03-01 10:00:00.000001")),
    (2, "susan", "susan@example.com", None, None),
    (3, "david", "david@example.com", "caf\u00e9 \u2615", dt("2024-03-02 11:30:00.250000")),
]
# (follower, followed)
FOLLOWS = [(1, 2), (1, 3), (2, 1)]
# (id, user, body, timestamp, language)
POSTS = [
    (1, 2, "hi from susan", dt("2024-03-01 09:00:00.000000"), "en"),
    (2, 1, "hello, world!", dt("2024-03-01 12:00:00.000000"), "en"),
    (3, 1, "a second post", dt("2024-03-01 12:00:00.000001"), None),
]
# (id, post, author, parent, body, timestamp)
COMMENTS = [
    (1, 2, 2, None, "nice", dt("2024-03-01 13:00:00.000000")),
    (2, 2, 1, 1, "thanks", dt("2024-03-01 13:05:00.000000")),
    (3, 2, 3, 1, "+1", dt("2024-03-01 13:01:00.000000")),
    (4, 2, 2, 2, "you're welcome", dt("2024-03-01 13:10:00.000000")),
    (5, 2, 3, None, "a thread of its own", dt("2024-03-01 14:00:00.000000")),
]

RT_USERS = [(1, "miguel", "miguel@example.com", "tutorials and more", USERS[0][4]), USERS[1], USERS[2]]
RT_FOLLOWS = [(1, 2), (1, 3), (3, 2)]
RT_POSTS = POSTS[1:]
RT_COMMENTS = [COMMENTS[4], (6, 2, 1, 5, "a reply from C", None)]


def got_id(c, what, obj, want):
    if obj.id != want:
        c.error("%s was written with id %r, expected %d" % (what, obj.id, want))


def write(path, c):
    eng = sec9.engine(path)
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        users = {}
        for uid, name, email, about, seen in USERS:
            users[uid] = User(username=name, email=email, about_me=about, last_seen=seen)
            s.add(users[uid])
            s.flush()
            got_id(c, "user " + name, users[uid], uid)
        for a, b in FOLLOWS:
            users[a].followed.append(users[b])
        for pid, uid, body, ts, lang in POSTS:
            p = Post(user_id=uid, body=body, timestamp=ts, language=lang)
            s.add(p)
            s.flush()
            got_id(c, "post %r" % body, p, pid)
        comments = {}
        for cid, pid, uid, parent, body, ts in COMMENTS:
            comments[cid] = Comment(post_id=pid, author_id=uid, body=body, timestamp=ts)
            s.add(comments[cid])
            if parent:
                comments[parent].replies.append(comments[cid])
            s.flush()
            got_id(c, "comment %r" % body, comments[cid], cid)
        s.commit()


def check_state(path, c, users, follows, posts, comments):
    eng = sec9.engine(path)
    with Session(eng) as s:
        for uid, name, email, about, seen in users:
            u = s.get(User, uid)
            what = "user %d" % uid
            c.eq(what, (u.username, u.email, u.about_me), (name, email, about))
            if seen is None:
                c.recent(what + " last_seen", u.last_seen)
            else:
                c.eq(what + " last_seen", u.last_seen, seen)
            c.eq(what + " followed", sorted(x.id for x in u.followed), sorted(b for a, b in follows if a == uid))
            c.eq(what + " followers", sorted(x.id for x in u.followers), sorted(a for a, b in follows if b == uid))
            mine = sorted((p for p in posts if p[1] == uid), key=lambda p: p[3], reverse=True)
            c.eq(what + " posts (timestamp desc)", [p.id for p in u.posts], [p[0] for p in mine])
        c.eq("users", [u.id for u in s.query(User).order_by(User.id)], [u[0] for u in users])
        got = [(p.id, p.user_id, p.body, p.timestamp, p.language) for p in s.query(Post).order_by(Post.id)]
        c.eq("posts", got, posts)
        got = [(x.id, x.post_id, x.author_id, x.parent_id, x.body) for x in s.query(Comment).order_by(Comment.id)]
        c.eq("comments", got, [x[:5] for x in comments])
        for cid, pid, uid, parent, body, ts in comments:
            x = s.get(Comment, cid)
            if ts is None:
                c.recent("comment %d timestamp" % cid, x.timestamp)
            else:
                c.eq("comment %d timestamp" % cid, x.timestamp, ts)
            c.eq("comment %d parent" % cid, x.parent.id if x.parent else None, parent)
            kids = sorted((k for k in comments if k[3] == cid), key=lambda k: k[5] or datetime.max)
            c.eq("comment %d replies" % cid, [r.id for r in x.replies], [k[0] for k in kids])
        for p in s.query(Post):
            c.eq("post %d comments (timestamp)" % p.id, [x.id for x in p.comments],
                 [x.id for x in sorted(p.comments, key=lambda x: (x.timestamp, x.id))])
        raw = s.execute(text("SELECT count(*) FROM followers")).scalar()
        c.eq("rows of followers", raw, len(follows))


def check(path, c):
    check_state(path, c, USERS, FOLLOWS, POSTS, COMMENTS)


def check_rt(path, c):
    check_state(path, c, RT_USERS, RT_FOLLOWS, RT_POSTS, RT_COMMENTS)


if __name__ == "__main__":
    sec9.main({"write": write, "check": check, "check-rt": check_rt})
