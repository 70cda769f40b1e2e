"""sqla.py - the benchmark's workload in SQLAlchemy 1.4's ORM.

    /usr/bin/python3 bench/sqla.py --variant typical|tuned -n N --db PATH --schema FILE.sql

The models are the seed article's (schema/models.def), mapped onto tables
made by the generator's own DDL (--schema), so every implementation has the
same tables, constraints and indexes.  The connection gets the pragmas
libassoc's assoc_open() sets: foreign_keys=ON, busy_timeout=5000 and, for a
file, journal_mode=WAL with synchronous=NORMAL; and temp_store=MEMORY, which
assoc_open() set before it had a VFS of its own for savepoint sub-journals
(SQLAlchemy's workload runs no savepoints; its large sorts stay in memory).  Each phase is one Session
and one transaction (SQLAlchemy's documented recipe for pysqlite, so that the
driver's own BEGIN handling does not leave reads outside the transaction).

typical: what an application usually looks like: objects added to the
  session and committed; collections read through lazy loading
  (user.products, product.users, user.orders, order.product); deletes with
  session.delete() and the relationship cascade.
tuned: the same with SQLAlchemy's own performance advice: bulk inserts
  (executemany through Session.bulk_insert_mappings) and eager loading
  instead of one lazy load per row, with the loader measured fastest for
  each read on this workload: subqueryload for the many-to-many collections
  (user.products, product.users), joinedload for user.orders and each
  order's product (selectinload, with or without yield_per, was 30-50%
  slower for all three at N = 100,000), and selectinload of what the delete
  cascade needs (user.orders, user.products) before deleting.

Both print the report of bench.h: PHASE name rows checksum ms peak_kB, PEAK kB.
Checksums are defined in bench.h and must equal the C programs'.
"""

import argparse
import datetime
import sys
import time
import warnings

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, create_engine, event, exc, func, select, text
from sqlalchemy.orm import Session, backref, declarative_base, joinedload, relationship, selectinload, subqueryload

# The seed's models make User.products/Product.users (secondary=orders) and
# Order.user/Order.product write the same rows; SQLAlchemy warns about the
# overlap at mapping time, and when a user is deleted it deletes the orders
# both through the secondary and through the cascade, warning that the
# second DELETE matched 0 rows.  Both are the seed's own behaviour, harmless
# here (no user buys a product twice), and silenced so the report is clean.
warnings.filterwarnings("ignore", category=exc.SAWarning)
# Order(user=u) cascading u's session into the order is 1.4 behaviour that 2.0 drops.
warnings.filterwarnings("ignore", category=exc.SADeprecationWarning)

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


# ---- checksums (bench.h) ----
M = (1 << 61) - 1
K = 2654435761


def h2(a, b):
    t = (a * K + b) & M
    return (t * t) & M


def h3(a, b, c):
    return h2(h2(a, b), c)


def h4(a, b, c, d):
    return h2(h3(a, b, c), d)


# ---- peak memory per phase (bench.h) ----
def rss_reset():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def status_kb(key):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def rss_hwm_kb():
    return status_kb("VmHWM:")


class Phase:
    peak = 0

    def __init__(self, name):
        self.name = name
        self.paused = 0.0
        self.cpaused = 0.0

    def __enter__(self):
        Phase.peak = max(Phase.peak, rss_hwm_kb())
        self.start_kb = status_kb("VmRSS:")
        rss_reset()
        self.c0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def pause(self):
        """Stop the clock (work for the checksum only); resume() restarts it."""
        self.tp = time.perf_counter()
        self.cp = time.process_time()

    def resume(self):
        self.paused += time.perf_counter() - self.tp
        self.cpaused += time.process_time() - self.cp

    def stop(self):
        self.ms = (time.perf_counter() - self.t0 - self.paused) * 1e3
        self.cpu_ms = (time.process_time() - self.c0 - self.cpaused) * 1e3
        self.kb = rss_hwm_kb()
        Phase.peak = max(Phase.peak, self.kb)

    def __exit__(self, *exc_info):
        return False

    def report(self, rows, checksum):
        print(f"PHASE {self.name} {rows} {checksum & M} {self.ms:.3f} {self.kb} {self.start_kb} {self.cpu_ms:.3f}",
              flush=True)


def make_engine(path):
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA busy_timeout=5000")
        if path != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


def count(engine, table):
    with engine.connect() as c:
        return c.execute(text(f"SELECT count(*) FROM {table}")).scalar()


# ---- typical ----

def insert_typical(engine, n, p):
    with Phase("insert") as ph:
        s = Session(engine)
        users = [User(email=f"user{i}@example.com") for i in range(1, n + 1)]
        s.add_all(users)
        products = [Product(title=f"product {j}") for j in range(1, p + 1)]
        s.add_all(products)
        orders = []
        for i, u in enumerate(users, 1):
            for k in range(10):
                orders.append(Order(user=u, product=products[(7 * i + k) % p]))
        s.add_all(orders)
        s.flush()
        ph.pause()
        cs = sum(h2(0, u.id) for u in users) + sum(h2(1, x.id) for x in products)
        cs += sum(h3(o.id, o.user_id, o.product_id) for o in orders)
        ph.resume()
        s.commit()
        s.close()
        ph.stop()
    ph.report(n + p + 10 * n, cs)


def user_products_typical(engine):
    with Phase("user_products") as ph:
        s = Session(engine)
        cs = rows = 0
        for u in s.query(User).order_by(User.id):
            for x in u.products:
                cs += h3(u.id, x.id, len(x.title)) + (x.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def product_users_typical(engine):
    with Phase("product_users") as ph:
        s = Session(engine)
        cs = rows = 0
        for x in s.query(Product).order_by(Product.id):
            for u in x.users:
                cs += h3(x.id, u.id, len(u.email)) + (u.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def user_orders_product_typical(engine):
    with Phase("user_orders_product") as ph:
        s = Session(engine)
        cs = rows = 0
        for u in s.query(User).order_by(User.id):
            for o in u.orders:
                x = o.product
                cs += h4(u.id, o.id, x.id, len(x.title)) + (o.dttm is not None) + (x.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def delete_typical(engine):
    users0, orders0 = count(engine, "users"), count(engine, "orders")
    with Phase("delete") as ph:
        s = Session(engine)
        cs = 0
        for u in s.query(User).filter(User.id % 10 == 0).order_by(User.id):
            cs += h2(0, u.id)
            s.delete(u)
        s.commit()
        s.close()
        ph.stop()
    users1, orders1 = count(engine, "users"), count(engine, "orders")
    ph.report((users0 - users1) + (orders0 - orders1), cs + h2(users1, orders1))


# ---- tuned ----

def insert_tuned(engine, n, p):
    with Phase("insert") as ph:
        s = Session(engine)
        s.bulk_insert_mappings(User, [{"email": f"user{i}@example.com"} for i in range(1, n + 1)])
        uids = s.execute(select(User.id).order_by(User.id)).scalars().all()
        s.bulk_insert_mappings(Product, [{"title": f"product {j}"} for j in range(1, p + 1)])
        pids = s.execute(select(Product.id).order_by(Product.id)).scalars().all()
        s.bulk_insert_mappings(
            Order,
            [{"user_id": uid, "product_id": pids[(7 * i + k) % p]} for i, uid in enumerate(uids, 1) for k in range(10)],
        )
        ph.pause()
        # The orders' ids are read back for the checksum only: not timed.
        cs = sum(h2(0, u) for u in uids) + sum(h2(1, x) for x in pids)
        cs += sum(h3(*r) for r in s.execute(select(Order.id, Order.user_id, Order.product_id)))
        ph.resume()
        s.commit()
        s.close()
        ph.stop()
    ph.report(n + p + 10 * n, cs)


def user_products_tuned(engine):
    with Phase("user_products") as ph:
        s = Session(engine)
        cs = rows = 0
        for u in s.query(User).options(subqueryload(User.products)).order_by(User.id):
            for x in u.products:
                cs += h3(u.id, x.id, len(x.title)) + (x.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def product_users_tuned(engine):
    with Phase("product_users") as ph:
        s = Session(engine)
        cs = rows = 0
        for x in s.query(Product).options(subqueryload(Product.users)).order_by(Product.id):
            for u in x.users:
                cs += h3(x.id, u.id, len(u.email)) + (u.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def user_orders_product_tuned(engine):
    with Phase("user_orders_product") as ph:
        s = Session(engine)
        cs = rows = 0
        for u in s.query(User).options(joinedload(User.orders).joinedload(Order.product)).order_by(User.id):
            for o in u.orders:
                x = o.product
                cs += h4(u.id, o.id, x.id, len(x.title)) + (o.dttm is not None) + (x.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def delete_tuned(engine):
    users0, orders0 = count(engine, "users"), count(engine, "orders")
    with Phase("delete") as ph:
        s = Session(engine)
        cs = 0
        q = (
            s.query(User)
            .filter(User.id % 10 == 0)
            .options(selectinload(User.orders), selectinload(User.products))
            .order_by(User.id)
        )
        for u in q.all():
            cs += h2(0, u.id)
            s.delete(u)
        s.commit()
        s.close()
        ph.stop()
    users1, orders1 = count(engine, "users"), count(engine, "orders")
    ph.report((users0 - users1) + (orders0 - orders1), cs + h2(users1, orders1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--db", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--variant", choices=("typical", "tuned"), default="typical")
    a = ap.parse_args()
    if a.n < 100 or a.n % 10:
        sys.exit("sqla.py: N must be a multiple of 10, at least 100")
    n, p = a.n, a.n // 10

    engine = make_engine(a.db)
    with open(a.schema) as f:
        ddl = f.read()
    raw = engine.raw_connection()
    raw.executescript(ddl)
    raw.close()

    if a.variant == "typical":
        insert_typical(engine, n, p)
        user_products_typical(engine)
        product_users_typical(engine)
        user_orders_product_typical(engine)
        delete_typical(engine)
    else:
        insert_tuned(engine, n, p)
        user_products_tuned(engine)
        product_users_tuned(engine)
        user_orders_product_tuned(engine)
        delete_tuned(engine)
    engine.dispose()
    Phase.peak = max(Phase.peak, rss_hwm_kb())
    print(f"PEAK {Phase.peak}", flush=True)


if __name__ == "__main__":
    main()
