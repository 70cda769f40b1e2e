#!/usr/bin/python3
"""sqla_ddl.py [URI] - what SQLAlchemy 1.4 + psycopg2 do with the seed's models
on PostgreSQL, so that libassoc's PostgreSQL DDL and values can match them.

Prints:
  1. the DDL SQLAlchemy emits for the seed's models (tests/interop/
     seed_models.py) on the postgresql dialect (create_mock_engine: the text,
     without a server), then for section 9's (tests/interop/forum.py,
     microblog.py, tasks.py: its defaults there, a native ENUM type for an
     Enum, JSON for JSON, SERIAL keys);
  2. with a server (URI, or $ASSOC_PG_URI; a libpq URI as tests/pg/server.sh
     prints): the same create_all run for real in a scratch schema, the
     column types and defaults PostgreSQL then reports, one ORM insert, how
     psycopg2 sends a datetime parameter, and how it returns TIMESTAMP
     WITHOUT TIME ZONE values (type and repr), next to PostgreSQL's own text
     for them.  The scratch schema is dropped at the end.
Run it with Debian's python3 (python3-sqlalchemy, python3-psycopg2), e.g.
  sh tests/pg/with_server.sh build/pg sh -c '/usr/bin/python3 tests/pg/sqla_ddl.py'
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree

import psycopg2  # noqa: E402
from sqlalchemy import create_engine, create_mock_engine, event, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from seed_models import BaseModel, Product, User  # noqa: E402

SCHEMA = "sqla_ddl_scratch"


def mock_ddl(metadata=BaseModel.metadata):
    out = []

    def dump(sql, *multiparams, **params):
        out.append(str(sql.compile(dialect=engine.dialect)).strip() + ";")

    engine = create_mock_engine("postgresql+psycopg2://", dump)
    metadata.create_all(engine, checkfirst=False)
    return out


def live(uri):
    engine = create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(uri), future=True)

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA)
        cur.execute("SET search_path TO " + SCHEMA)
        dbapi_conn.commit()
        cur.close()

    emitted = []

    @event.listens_for(engine, "before_cursor_execute")
    def _log(conn, cursor, statement, parameters, context, executemany):
        emitted.append((statement.strip(), parameters))

    try:
        BaseModel.metadata.create_all(engine)
        print("-- 2. create_all on the server emitted:")
        for sql, _ in emitted:
            if sql.startswith("CREATE"):
                print(sql + ";\n")
        with engine.connect() as c:
            print("-- PostgreSQL's view of the columns (table, column, type, nullable, default, identity):")
            rows = c.execute(text(
                "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable,"
                " column_default, is_identity FROM information_schema.columns"
                " WHERE table_schema = :s ORDER BY table_name, ordinal_position"), {"s": SCHEMA})
            for r in rows:
                print("   ", tuple(r))
            print("-- server settings: TimeZone=%s DateStyle=%s server_version=%s" % (
                c.execute(text("SHOW TimeZone")).scalar(), c.execute(text("SHOW DateStyle")).scalar(),
                c.execute(text("SHOW server_version")).scalar()))

        emitted.clear()
        with Session(engine, future=True) as s:
            u = User(email="a@example.com")
            p = Product(title="widget", create_dttm=datetime.datetime(2001, 2, 3, 4, 5, 6, 789000))
            u.products.append(p)
            s.add(u)
            s.commit()
            uid = u.id
        print("\n-- 3. an ORM insert (user with server_default, product with a datetime, order):")
        for sql, params in emitted:
            print("   ", sql.replace("\n", " "), "|", params)

        raw = psycopg2.connect(uri)
        cur = raw.cursor()
        cur.execute("SET search_path TO " + SCHEMA)
        print("\n-- 4. psycopg2 sends a datetime parameter as:",
              cur.mogrify("SELECT %s", (datetime.datetime(2001, 2, 3, 4, 5, 6, 789000),)).decode())
        print("   and an aware one as:",
              cur.mogrify("SELECT %s", (datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc),)).decode())
        cur.execute("SELECT create_dttm, create_dttm::text, pg_typeof(create_dttm)::text FROM users WHERE id = %s",
                    (uid,))
        v, t, ty = cur.fetchone()
        print("-- 5. users.create_dttm (server_default current_timestamp): psycopg2 gives %r (%s), PostgreSQL's text %r,"
              " type %s" % (v, type(v).__name__, t, ty))
        samples = ["0001-01-01 00:00:00", "0999-12-31 23:59:59.5", "1970-01-01 00:00:00.000001",
                   "2001-02-03 04:05:06.789", "9999-12-31 23:59:59.999999"]
        for s_ in samples:
            cur.execute("SELECT %s::timestamp, %s::timestamp::text", (s_, s_))
            v, t = cur.fetchone()
            print("   %-28s -> psycopg2 %r, text %r" % (s_, v, t))
        cur.execute("SELECT '0001-01-01 00:00:00 BC'::timestamp::text")
        print("   a BC timestamp's text:", repr(cur.fetchone()[0]))
        try:
            cur.execute("SELECT '0001-01-01 00:00:00 BC'::timestamp")
            print("   psycopg2 on a BC timestamp:", repr(cur.fetchone()[0]))
        except Exception as e:  # psycopg2 cannot make a datetime of it
            print("   psycopg2 on a BC timestamp raises %s: %s" % (type(e).__name__, str(e).strip()))
            raw.rollback()
        raw.close()
    finally:
        with engine.connect() as c:
            c.execute(text("DROP SCHEMA IF EXISTS %s CASCADE" % SCHEMA))
            c.commit()
        engine.dispose()


def main(argv):
    print("-- 1. SQLAlchemy %s, postgresql dialect, create_all of the seed's models:" %
          __import__("sqlalchemy").__version__)
    for stmt in mock_ddl():
        print(stmt + "\n")
    for name in ("forum", "microblog", "tasks"):
        print("-- 1. and of tests/interop/%s.py's models (schema/%s.def):" % (name, name))
        for stmt in mock_ddl(__import__(name).Base.metadata):
            print(stmt + "\n")
    uri = argv[1] if len(argv) > 1 else os.environ.get("ASSOC_PG_URI")
    if not uri:
        print("-- (no URI and no $ASSOC_PG_URI: nothing run on a server)")
        return 0
    live(uri)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
