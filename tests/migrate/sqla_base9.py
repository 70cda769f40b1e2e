#!/usr/bin/python3
"""sqla_base9.py DATABASE - base9.def's models in SQLAlchemy 1.4, and the
rows of expect9.h written through its ORM.  DATABASE is a SQLite file or a
PostgreSQL URI as libpq reads it (psycopg2; the tables go to its
search_path's first schema).

Makes the tables with SQLAlchemy's own create_all (its DDL: JSON for json,
VARCHAR with a named CHECK for Enum(create_constraint=True,
native_enum=False: PostgreSQL's own enum type is none assocgen makes), the SQL names
of Column("Name", ...)) in DATABASE, which must not hold them yet, then
writes the same rows as fill9.c, defaults left to SQLAlchemy (the enum's
todo, settings' {}, a uuid4 token, utcnow stamps).  Keep the formulas in
step with expect9.h.  Exit status 0, else 1 with the reason.
"""
import enum
import sys
import uuid
from datetime import datetime

from sqlalchemy import (JSON, Column, DateTime, Enum, ForeignKey, Integer, String, Text,
                        UniqueConstraint, create_engine, inspect)
from sqlalchemy.orm import Session, declarative_base, declared_attr, relationship

Base = declarative_base()


class Status(enum.Enum):
    todo = 1
    doing = 2
    done = 3
    wontfix = 4


class Stamps:
    @declared_attr
    def created_at(cls):
        return Column(DateTime, nullable=False, default=datetime.utcnow)

    @declared_attr
    def updated_at(cls):
        return Column(DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)


class Project(Stamps, Base):
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    name = Column("ProjectName", String(100), nullable=False, unique=True)
    settings = Column(JSON, nullable=False, default=dict)
    token = Column(String(36), default=lambda: str(uuid.uuid4()))

    tasks = relationship("Task", back_populates="project", cascade="all, delete-orphan")


class Task(Stamps, Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("ProjectRef", "Task Title"),)
    id = Column(Integer, primary_key=True)
    project_id = Column("ProjectRef", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    title = Column("Task Title", String(200), nullable=False)
    status = Column("State", Enum(Status, create_constraint=True, native_enum=False), nullable=False, default=Status.todo,
                    index=True)
    kind = Column(String(10))
    labels = Column(JSON(none_as_null=True))
    meta = Column(Text)
    notes = Column(Text)
    estimate = Column("EstimateHours", Integer)
    parent_id = Column(Integer, ForeignKey("tasks.id"), index=True)

    project = relationship("Project", back_populates="tasks")
    parent = relationship("Task", remote_side=[id], backref="children")


NPROJECTS = 4
NTASKS = 40
STATUS = [None, Status.todo, Status.doing, Status.done]    # by status_set(); None: the default


def project_row(p):
    return dict(name="Project %d" % p,
                settings={"color": "c%d" % p, "public": True} if p % 2 == 1 else None)


def task_row(t):
    return dict(
        title="Task %d's \u00e9" % t,
        status=STATUS[0 if t % 4 == 0 else t % 3 + 1],
        kind=None if t % 5 == 0 else "bug" if t % 2 else "feature",
        labels=["l%d" % t, "x"] if t % 3 != 0 else None,
        meta='{"k": %d, "s": "m%d"}' % (t, t) if t % 4 != 1 else None,
        notes="note %d: plain text" % t if t % 2 == 1 else None,
        estimate=t * 2 if t % 3 != 1 else None,
        parent_id=t // 2 if t > 4 else None,
    )


def main(argv):
    if len(argv) != 2:
        print("usage: sqla_base9.py DATABASE", file=sys.stderr)
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
        print("sqla_base9.py: %s already has tables" % where, file=sys.stderr)
        return 1
    Base.metadata.create_all(engine)
    with Session(engine, future=True) as s:
        projects = []
        for p in range(1, NPROJECTS + 1):
            projects.append(Project(**{k: v for k, v in project_row(p).items() if v is not None}))
        s.add_all(projects)
        s.flush()
        for t in range(1, NTASKS + 1):
            task = Task(**{k: v for k, v in task_row(t).items() if v is not None})
            projects[t % 4].tasks.append(task)
            s.flush()                       # ids in order, as the C side assigns them
            if task.id != t:
                print("sqla_base9.py: task %d got the id %d" % (t, task.id), file=sys.stderr)
                return 1
        s.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
