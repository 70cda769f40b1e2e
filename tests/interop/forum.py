#!/usr/bin/python3
"""forum.py DBFILE MODE - schema/forum.def's models in SQLAlchemy 1.4, as a
flaskbb-style forum writes them, and the steps of tests/e2e/forum/test_forum.c.

Modes:
  write      create the tables (SQLAlchemy's DDL) and write DATA
  check      the database holds DATA, whoever wrote it (C or this script)
  check-rt   the database holds DATA after the changes test_forum.c makes:
             topic 1 retitled (updated_at moves), topic 2 locked, topic 3
             deleted with its post 4 (they refer to each other), forum 1
             deleted with its topic 1 and posts 1, 2 (post_update keys in the
             way), a topic added to forum 2 with a post as its first and last
             (ids 3 and 4 again on SQLite, which gives the highest + 1; 4 and
             5 on PostgreSQL, whose sequences never give an id twice)

The writers leave the ids to the database, as applications do (on
PostgreSQL an explicit id would leave the key's sequence behind), inserting
in the order listed; write() checks it got the ids listed.  The C side holds
the same data (test_forum.c): keep the two in step.
"""
import enum
import os
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, String, Text, text  # noqa: E402
from sqlalchemy.orm import Session, declarative_base, relationship  # noqa: E402

import sec9  # noqa: E402

Base = declarative_base()


class TopicState(enum.Enum):
    open = 1
    locked = 2
    archived = 3


class Timestamped:
    """flaskbb-style: every table has these."""
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    updated_at = Column(DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)


class User(Timestamped, Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(200), nullable=False, unique=True)
    email = Column(String(200), nullable=False, unique=True)


class Category(Base):
    __tablename__ = "categories"
    id = Column(Integer, primary_key=True)
    title = Column(String(255), nullable=False)
    position = Column(Integer, nullable=False, default=1)
    forums = relationship("Forum", back_populates="category", cascade="all, delete-orphan",
                          order_by="Forum.position.desc()")


class Forum(Timestamped, Base):
    __tablename__ = "forums"
    id = Column(Integer, primary_key=True)
    category_id = Column(Integer, ForeignKey("categories.id"), nullable=False)
    title = Column(String(255), nullable=False)
    position = Column(Integer, nullable=False, default=1)
    category = relationship("Category", back_populates="forums")
    topics = relationship("Topic", back_populates="forum", cascade="all, delete-orphan",
                          order_by="desc(Topic.created_at)")


class Topic(Timestamped, Base):
    __tablename__ = "topics"
    id = Column(Integer, primary_key=True)
    forum_id = Column(Integer, ForeignKey("forums.id"), nullable=False)
    title = Column(String(255), nullable=False)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    state = Column(Enum(TopicState, create_constraint=True), nullable=False, default=TopicState.open)
    first_post_id = Column(Integer, ForeignKey("posts.id", ondelete="SET NULL", use_alter=True,
                                               name="fk_topics_first_post_id"))
    last_post_id = Column(Integer, ForeignKey("posts.id", ondelete="SET NULL", use_alter=True,
                                              name="fk_topics_last_post_id"))
    forum = relationship("Forum", back_populates="topics")
    user = relationship("User")
    first_post = relationship("Post", foreign_keys=[first_post_id], post_update=True)
    last_post = relationship("Post", foreign_keys=[last_post_id], post_update=True)
    posts = relationship("Post", foreign_keys="Post.topic_id", back_populates="topic",
                         cascade="all, delete-orphan", post_update=True, order_by="Post.id")


class Post(Timestamped, Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    topic_id = Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"))
    user_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    content = Column(Text, nullable=False)
    topic = relationship("Topic", foreign_keys=[topic_id], back_populates="posts")
    user = relationship("User", backref="posts")


# The data, with ids as the writers assign them (in this order).
USERS = [(1, "ada", "ada@example.com"), (2, "bob", "bob@example.com")]
CATEGORIES = [(1, "General", 1)]
# (id, category, title, position)
FORUMS = [(1, 1, "Announcements", 1), (2, 1, "Help", 5)]
# (id, forum, title, user, state, first post, last post, posts)
TOPICS = [
    (1, 1, "Welcome", 1, TopicState.locked, 1, 2, [1, 2]),
    (2, 2, "Question", 2, TopicState.open, 3, 3, [3]),
    (3, 2, "Both ways", None, TopicState.archived, 4, 4, [4]),
]
# (id, topic, user, content)
POSTS = [
    (1, 1, 1, "Hello, forum \u2603"),
    (2, 1, 2, "Hi! 'quoted' \"twice\""),
    (3, 2, 2, "How?"),
    (4, 3, None, "The first post of a topic that refers back to it"),
]

RT_FORUMS = [FORUMS[1]]


def rt_data(pg):
    """The topics and posts after test_forum.c's changes.  The new topic's
    and post's ids: SQLite's highest + 1 after the deletes, or the next of
    PostgreSQL's sequences (3 topics and 4 posts were made before)."""
    topic, post = (4, 5) if pg else (3, 4)
    topics = [
        (2, 2, "Question", 2, TopicState.locked, 3, 3, [3]),
        (topic, 2, "Added by C", 1, TopicState.open, post, post, [post]),
    ]
    return topics, [POSTS[2], (post, topic, 1, "Posted from C")]


def got_id(c, what, obj, want):
    if obj.id != want:
        c.error("%s was written with id %r, expected %d" % (what, obj.id, want))


def write(path, c):
    eng = sec9.engine(path)
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        users = [User(username=n, email=e) for _, n, e in USERS]
        cat = Category(title="General")
        s.add_all(users + [cat])
        s.flush()
        forums = []
        for fid, _, title, pos in FORUMS:
            forums.append(Forum(title=title, position=pos))
            s.add(forums[-1])
            forums[-1].category = cat       # (in the session first: no backref cascade)
            s.flush()
            got_id(c, "forum " + title, forums[-1], fid)
        for (uid, name, _), u in zip(USERS, users):
            got_id(c, "user " + name, u, uid)
        got_id(c, "category", cat, CATEGORIES[0][0])
        for tid, fid, title, uid, state, first, last, pids in TOPICS:
            # As an application writes it: the topic, its posts, and the
            # first and last post in one flush (post_update breaks the cycle).
            t = Topic(forum_id=fid, title=title, user_id=uid, state=state)
            for pid, _, puid, content in POSTS:
                if pid in pids:
                    t.posts.append(Post(user_id=puid, content=content))
            t.first_post = t.posts[pids.index(first)]
            t.last_post = t.posts[pids.index(last)]
            s.add(t)
            s.flush()
            got_id(c, "topic " + title, t, tid)
            for pid, p in zip(pids, t.posts):
                got_id(c, "post of topic " + title, p, pid)
        s.commit()


def check_state(path, c, forums, topics, posts):
    eng = sec9.engine(path)
    with Session(eng) as s:
        c.eq("users", [(u.id, u.username, u.email) for u in s.query(User).order_by(User.id)], USERS)
        for u in s.query(User):
            c.recent("users.created_at of %d" % u.id, u.created_at)
        cat = s.get(Category, 1)
        c.eq("category 1", (cat.id, cat.title, cat.position), CATEGORIES[0])
        c.eq("category 1 forums (position desc)", [f.id for f in cat.forums],
             [f[0] for f in sorted(forums, key=lambda f: -f[3])])
        got = [(f.id, f.category_id, f.title, f.position) for f in s.query(Forum).order_by(Forum.id)]
        c.eq("forums", got, forums)
        for tid, fid, title, uid, state, first, last, pids in topics:
            t = s.get(Topic, tid)
            if t is None:
                c.error("topic %d is missing" % tid)
                continue
            what = "topic %d" % tid
            c.eq(what + " forum", t.forum.id, fid)
            c.eq(what + " title", t.title, title)
            c.eq(what + " user", t.user.id if t.user else None, uid)
            c.eq(what + " state", t.state, state)
            c.eq(what + " first_post", t.first_post.id if t.first_post else None, first)
            c.eq(what + " last_post", t.last_post.id if t.last_post else None, last)
            c.eq(what + " posts", [p.id for p in t.posts], pids)
            c.recent(what + " created_at", t.created_at)
            c.recent(what + " updated_at", t.updated_at)
            for p in t.posts:
                c.eq("post %d topic" % p.id, p.topic.id, tid)
        c.eq("topic ids", [t.id for t in s.query(Topic).order_by(Topic.id)], [t[0] for t in topics])
        for f in s.query(Forum):
            c.eq("forum %d topics (created_at desc)" % f.id, [t.id for t in f.topics],
                 [t.id for t in sorted(f.topics, key=lambda t: (t.created_at, -t.id), reverse=True)])
        got = [(p.id, p.topic_id, p.user_id, p.content) for p in s.query(Post).order_by(Post.id)]
        c.eq("posts", got, posts)
        # The enum is stored as the member's name, as SQLAlchemy's Enum does.
        raw = s.execute(text("SELECT id, state FROM topics ORDER BY id")).all()
        c.eq("stored states", [tuple(r) for r in raw], [(t[0], t[4].name) for t in topics])


def check(path, c):
    check_state(path, c, FORUMS, TOPICS, POSTS)


def check_rt(path, c):
    check_state(path, c, RT_FORUMS, *rt_data(sec9.is_uri(path)))
    eng = sec9.engine(path)
    with Session(eng) as s:
        t = s.get(Topic, 2)
        # onupdate: C's update of topic 2 moved updated_at past created_at.
        if t.updated_at <= t.created_at:
            c.error("topic 2: updated_at %s is not after created_at %s (onupdate)" % (t.updated_at, t.created_at))


if __name__ == "__main__":
    sec9.main({"write": write, "check": check, "check-rt": check_rt})
