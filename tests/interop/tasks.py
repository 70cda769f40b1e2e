#!/usr/bin/python3
"""tasks.py DBFILE MODE - schema/tasks.def's models in SQLAlchemy 1.4, as an
application keyed by uuid4 writes them, and the steps of
tests/e2e/tasks/test_tasks.c.

Modes:
  write      create the tables (SQLAlchemy's DDL) and write DATA
  check      the database holds DATA, whoever wrote it
  check-rt   the database holds DATA after test_tasks.c's changes: Ship done
             with new labels (updated_at moves), project Backend deleted with
             its task (and that task's tags), a task Docs added to Website with
             its slug from the program and a new tag ops

Keys are made at insert (uuid4), so rows are found by name, title or slug;
every key must be a version-4 UUID's text.  The C side holds the same data
(test_tasks.c): keep the two in step.
"""
import enum
import json
import os
import re
import sys
import uuid
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from sqlalchemy import (JSON, Column, DateTime, Enum, ForeignKey, Integer, String,  # noqa: E402
                        Table, Text, text)
from sqlalchemy.orm import Session, declarative_base, relationship  # noqa: E402

import sec9  # noqa: E402

Base = declarative_base()
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def new_id():
    return str(uuid.uuid4())


class Slugs:
    """The program's slug maker (C: task_slug): task-1, task-2, ..."""
    next = 1

    @classmethod
    def make(cls):
        cls.next += 1
        return "task-%d" % (cls.next - 1)


class Status(enum.Enum):
    todo = 1
    in_progress = 2
    done = 3


task_tags = Table(
    "task_tags", Base.metadata,
    Column("task_id", String(36), ForeignKey("tasks.id"), primary_key=True),
    Column("tag_id", String(36), ForeignKey("tags.id"), primary_key=True),
)


class Project(Base):
    __tablename__ = "projects"
    id = Column(String(36), primary_key=True, default=new_id)
    name = Column(String(100), nullable=False, unique=True)
    settings = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    updated_at = Column(DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)
    tasks = relationship("Task", back_populates="project", cascade="all, delete-orphan",
                         order_by="Task.position")


class Task(Base):
    __tablename__ = "tasks"
    id = Column(String(36), primary_key=True, default=new_id)
    project_id = Column(String(36), ForeignKey("projects.id"), nullable=False)
    title = Column(String(200), nullable=False)
    description = Column("body", Text)
    status = Column(Enum(Status, create_constraint=True), nullable=False, default=Status.todo, index=True)
    position = Column(Integer, nullable=False, default=0)
    labels = Column(JSON(none_as_null=True))
    due = Column("due_date", DateTime)
    slug = Column(String(80), nullable=False, unique=True, default=Slugs.make)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    updated_at = Column(DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)
    project = relationship("Project", back_populates="tasks")
    tags = relationship("Tag", secondary=task_tags, back_populates="tasks", order_by="Tag.name")


class Tag(Base):
    __tablename__ = "tags"
    id = Column(String(36), primary_key=True, default=new_id)
    name = Column(String(50), nullable=False, unique=True)
    tasks = relationship("Task", secondary=task_tags, back_populates="tags")


def dt(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f")


# (name, settings)
PROJECTS = [("Website", {"color": "blue", "public": True}), ("Backend", {})]
# (project, title, description, status, position, labels, due, slug, tags);
# a status or position of None is left to its default.
TASKS = [
    ("Website", "Design", "Sketch the pages \u270f", Status.done, 1, ["ui", "design"],
     dt("2024-05-01 09:00:00.000000"), "task-1", ["ux"]),
    ("Website", "Build", None, Status.in_progress, 2, {"estimate": 3, "owner": None},
     None, "task-2", ["ux", "web"]),
    ("Website", "Ship", "Release it", None, 3, None, dt("2024-06-01 00:00:00.000001"), "task-3", []),
    ("Backend", "API", None, None, None, [], None, "task-4", ["web"]),
]
TAGS = ["ux", "web"]

RT_PROJECTS = PROJECTS[:1]
RT_TASKS = [
    TASKS[0],
    TASKS[1],
    ("Website", "Ship", "Release it", Status.done, 3, {"shipped": True}, dt("2024-06-01 00:00:00.000001"),
     "task-3", []),
    ("Website", "Docs", None, None, 4, ["docs"], None, "task-5", ["ops"]),
]
RT_TAGS = ["ops", "ux", "web"]


def write(path, c):
    eng = sec9.engine(path)
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        # An empty settings is left to its default, {}.
        projects = {n: Project(name=n, **({"settings": st} if st else {})) for n, st in PROJECTS}
        tags = {n: Tag(name=n) for n in TAGS}
        s.add_all(list(projects.values()) + list(tags.values()))
        s.flush()
        for pname, title, desc, status, pos, labels, due, _slug, tnames in TASKS:
            t = Task(project_id=projects[pname].id, title=title, description=desc, labels=labels, due=due)
            if status is not None:
                t.status = status
            if pos is not None:
                t.position = pos
            s.add(t)
            t.tags = [tags[n] for n in tnames]
            s.flush()                   # one slug each, in order
        s.commit()


def check_state(path, c, projects, tasks, tagnames):
    eng = sec9.engine(path)
    with Session(eng) as s:
        got = {p.name: p for p in s.query(Project)}
        c.eq("projects", sorted(got), sorted(n for n, _ in projects))
        for name, settings in projects:
            p = got.get(name)
            if p is None:
                continue
            c.eq("project %s settings" % name, p.settings, settings)
            if not UUID4.match(p.id):
                c.error("project %s: key %r is no version-4 UUID" % (name, p.id))
            c.recent("project %s created_at" % name, p.created_at)
            want = [t for t in tasks if t[0] == name]
            want.sort(key=lambda t: t[4] or 0)
            c.eq("project %s tasks (position)" % name, [t.title for t in p.tasks], [t[1] for t in want])
        by_title = {t.title: t for t in s.query(Task)}
        c.eq("tasks", sorted(by_title), sorted(t[1] for t in tasks))
        for pname, title, desc, status, pos, labels, due, slug, tnames in tasks:
            t = by_title.get(title)
            if t is None:
                continue
            what = "task " + title
            c.eq(what + " project", t.project.name, pname)
            c.eq(what + " description", t.description, desc)
            c.eq(what + " status", t.status, status or Status.todo)
            c.eq(what + " position", t.position, pos or 0)
            c.eq(what + " labels", t.labels, labels)
            c.eq(what + " due", t.due, due)
            c.eq(what + " slug", t.slug, slug)
            c.eq(what + " tags (name)", [g.name for g in t.tags], sorted(tnames))
            if not UUID4.match(t.id):
                c.error("%s: key %r is no version-4 UUID" % (what, t.id))
            c.recent(what + " created_at", t.created_at)
            c.recent(what + " updated_at", t.updated_at)
        c.eq("tags", sorted(g.name for g in s.query(Tag)), tagnames)
        for g in s.query(Tag):
            c.eq("tag %s tasks" % g.name, sorted(t.title for t in g.tasks),
                 sorted(t[1] for t in tasks if g.name in t[8]))
        # What is stored, under the SQL names column("...") gives: the
        # enum's names (in a VARCHAR, or PostgreSQL's ENUM type that
        # SQLAlchemy makes), JSON text as json.dumps writes it (or NULL),
        # which SQLite's TEXT and PostgreSQL's json keep byte for byte, and
        # the datetime to the microsecond (SQLite: SQLAlchemy's text form).
        pg = s.bind.dialect.name == "postgresql"
        rows = s.execute(text("SELECT title, CAST(status AS TEXT), CAST(labels AS TEXT), body, due_date"
                              " FROM tasks ORDER BY title")).all()
        for title, status, raw, body, due in rows:
            want = next(t for t in tasks if t[1] == title)
            c.eq("stored status of " + title, status, (want[3] or Status.todo).name)
            c.eq("stored labels of " + title, raw, None if want[5] is None else json.dumps(want[5]))
            c.eq("stored body of " + title, body, want[2])
            if want[6] is None:
                c.eq("stored due_date of " + title, due, None)
            elif pg:
                c.eq("stored due_date of " + title, due, want[6])
            else:
                c.eq("stored due_date of " + title, due, want[6].strftime("%Y-%m-%d %H:%M:%S.%f"))
        rows = s.execute(text("SELECT name, CAST(settings AS TEXT) FROM projects ORDER BY name")).all()
        c.eq("stored settings", [tuple(r) for r in rows], sorted((n, json.dumps(st)) for n, st in projects))


def check(path, c):
    check_state(path, c, PROJECTS, TASKS, TAGS)


def check_rt(path, c):
    check_state(path, c, RT_PROJECTS, RT_TASKS, RT_TAGS)
    eng = sec9.engine(path)
    with Session(eng) as s:
        t = s.query(Task).filter_by(title="Ship").one()
        if t.updated_at <= t.created_at:
            c.error("task Ship: updated_at %s is not after created_at %s (onupdate)" % (t.updated_at, t.created_at))


if __name__ == "__main__":
    sec9.main({"write": write, "check": check, "check-rt": check_rt})
