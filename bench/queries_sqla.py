"""queries_sqla.py - the queries benchmark in SQLAlchemy 1.4.

    /usr/bin/python3 bench/queries_sqla.py --variant typical|tuned -n N --db PATH
        [--pattern LIKE] [--page ROWS] [--phases query_pages,user_products_load]

The phases, their data and checksums are queries.h's (README.md in this
directory, "Queries and batched loads"); the database is the one
queries_raw --build wrote, only read here.  The models are the seed's,
mapped as bench/sqla.py maps them, and the connection has the pragmas it
sets (foreign_keys=ON, temp_store=MEMORY, busy_timeout=5000, WAL,
synchronous=NORMAL).

query_pages, orders whose buyer's email is LIKE the pattern, newest first,
a page at a time by keyset (the last id seen), each page a request of its
own:
  typical  a Session per page and the ORM's Query: Order objects
           (query(Order).join(Order.user).filter(User.email.like(p),
           Order.id < last).order_by(Order.id.desc()).limit(n))
  tuned    a Connection per page and a Core select() of the four columns,
           built once with bound parameters (SQLAlchemy caches its
           compiled form), rows as tuples: no objects, no identity map

user_products_load, user.products for every user, in one Session:
  typical  query(User).options(selectinload(User.products)), every user:
           SQLAlchemy's selectinload (one SELECT ... IN per 500 users)
  tuned    the same with subqueryload (one query for all collections),
           which bench/README.md measured fastest for this collection
"""

import argparse
import datetime
import time
import warnings

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, bindparam, create_engine, event, exc, func, select
from sqlalchemy.orm import Session, backref, declarative_base, relationship, selectinload, subqueryload

# The seed's models overlap (User.products/Order.user write the same rows):
# SQLAlchemy warns at mapping time; harmless for reads, silenced as in sqla.py.
warnings.filterwarnings("ignore", category=exc.SAWarning)

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255))
    create_dttm = Column(DateTime, server_default=func.current_timestamp())
    products = relationship("Product", secondary="orders")


class Product(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)
    title = Column(String(255))
    create_dttm = Column(DateTime, default=datetime.datetime.utcnow)
    users = relationship("User", secondary="orders")


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True)
    product_id = Column(Integer, ForeignKey("products.id"), index=True)
    dttm = Column(DateTime, default=datetime.datetime.utcnow)
    user = relationship(User, backref=backref("orders", cascade="all, delete-orphan"))
    product = relationship(Product, backref=backref("orders", cascade="all, delete-orphan"))


# ---- checksums (bench.h, queries.h) ----
M = (1 << 61) - 1
K = 2654435761


def h2(a, b):
    t = (a * K + b) & M
    return (t * t) & M


def h4(a, b, c, d):
    return h2(h2(h2(a, b), c), d)


def page_term(page, oid, user_id, product_id, dttm):
    return h4(page, oid, user_id or 0, product_id or 0) + (dttm is not None)


def load_term(user, product, title, dttm):
    return h2(h2(user, product), len(title) if title is not None else 0) + (dttm is not None)


# ---- timing and memory (bench.h's report) ----
def status_kb(key):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


class Phase:
    peak = 0

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        Phase.peak = max(Phase.peak, status_kb("VmHWM:"))
        self.start_kb = status_kb("VmRSS:")
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
        self.c0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        return False

    def report(self, rows, checksum):
        ms = (time.perf_counter() - self.t0) * 1e3
        cpu_ms = (time.process_time() - self.c0) * 1e3
        kb = status_kb("VmHWM:")
        Phase.peak = max(Phase.peak, kb)
        print(f"PHASE {self.name} {rows} {checksum & M} {ms:.3f} {kb} {self.start_kb} {cpu_ms:.3f}", flush=True)


def make_engine(path):
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins
        cur = dbapi_connection.cursor()
        for pragma in ("foreign_keys=ON", "temp_store=MEMORY", "busy_timeout=5000", "journal_mode=WAL",
                       "synchronous=NORMAL"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


# ---- query_pages ----
def pages_typical(engine, pattern, size):
    cs = rows = page = 0
    last = None
    with Phase("query_pages") as ph:
        while True:
            with Session(engine) as s:
                q = s.query(Order).join(Order.user).filter(User.email.like(pattern))
                if last is not None:
                    q = q.filter(Order.id < last)
                got = q.order_by(Order.id.desc()).limit(size).all()
                for o in got:
                    cs += page_term(page, o.id, o.user_id, o.product_id, o.dttm)
            if not got:
                break
            last = got[-1].id
            rows += len(got)
            page += 1
        ph.report(rows, cs)


def pages_tuned(engine, pattern, size):
    stmt = (select(Order.id, Order.user_id, Order.product_id, Order.dttm)
            .join(User, User.id == Order.user_id)
            .where(User.email.like(bindparam("pattern")), Order.id < bindparam("after"))
            .order_by(Order.id.desc())
            .limit(bindparam("size")))
    cs = rows = page = 0
    last = (1 << 63) - 1
    with Phase("query_pages") as ph:
        while True:
            with engine.connect() as c:
                got = c.execute(stmt, {"pattern": pattern, "after": last, "size": size}).all()
            if not got:
                break
            for oid, user_id, product_id, dttm in got:
                cs += page_term(page, oid, user_id, product_id, dttm)
            last = got[-1][0]
            rows += len(got)
            page += 1
        ph.report(rows, cs)


# ---- user_products_load ----
def load_all(engine, loader):
    cs = rows = 0
    with Phase("user_products_load") as ph:
        with Session(engine) as s, s.begin():
            for u in s.query(User).options(loader(User.products)).order_by(User.id):
                for p in u.products:
                    cs += load_term(u.id, p.id, p.title, p.create_dttm)
                    rows += 1
        ph.report(rows, cs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variant", choices=("typical", "tuned"), default="typical")
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--db", required=True)
    ap.add_argument("--pattern", default="%7@example.com")
    ap.add_argument("--page", type=int, default=20)
    ap.add_argument("--phases", default="query_pages,user_products_load")
    a = ap.parse_args()
    phases = a.phases.split(",")
    engine = make_engine(a.db)
    if "query_pages" in phases:
        (pages_typical if a.variant == "typical" else pages_tuned)(engine, a.pattern, a.page)
    if "user_products_load" in phases:
        load_all(engine, selectinload if a.variant == "typical" else subqueryload)
    engine.dispose()
    print(f"PEAK {max(Phase.peak, status_kb('VmHWM:'))}", flush=True)


if __name__ == "__main__":
    main()
