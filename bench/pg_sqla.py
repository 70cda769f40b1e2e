"""pg_sqla.py - the benchmark's workload in SQLAlchemy 1.4's ORM on PostgreSQL (psycopg2).

    /usr/bin/python3 bench/pg_sqla.py --variant typical|tuned -n N --db postgresql://HOST:PORT/DB

The same program as bench/sqla.py (its models, checksums, phase reports
and the typical variant's phase functions are imported from it, so the two
databases run the same Python), on Debian's python3-psycopg2.  The database
must hold the seed's tables, empty, as models_create_all() makes them
(bench/pg_run.py copies each run's database from a template made by
bench/pg_ddl.c), so every implementation has the same tables and indexes.
The session gets what libassoc's assoc_open() sets that matters here:
TimeZone UTC (a user's create_dttm is the column's DEFAULT, CURRENT_TIMESTAMP).
Each phase is one Session and one transaction (psycopg2 opens it with the
first statement and SQLAlchemy commits it).

typical: sqla.py's typical functions unchanged: objects added and committed
  (1.4's psycopg2 dialect inserts them one INSERT ... RETURNING id at a time,
  since it needs each key), collections lazy-loaded one query per parent
  (user.products, product.users, user.orders, order.product),
  session.delete() with the relationship cascade.
tuned: SQLAlchemy's own performance advice, each choice measured on
  PostgreSQL at N = 20,000 (README.md, "PostgreSQL"): bulk_insert_mappings,
  which psycopg2's execute_values sends as multi-row INSERTs (the dialect's
  default executemany_mode 'values_only', page size 1,000); eager loading
  with the loader fastest here for each read, joinedload for all three
  (user.products, product.users, user.orders with each order's product:
  one query with LEFT OUTER JOINs; subqueryload was 1.2-1.6x and
  selectinload 1.5-2.0x its time, where sqla.py's SQLite measure chose
  subqueryload for the two many-to-many collections); selectinload of what
  the delete cascade needs before deleting (sqla.py's delete).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqla  # noqa: E402  (the models, checksums, Phase and the typical phases)
from sqla import Order, Phase, Product, User, h2, h3, h4  # noqa: E402

from sqlalchemy import create_engine, event  # noqa: E402
from sqlalchemy.orm import Session, joinedload, selectinload, subqueryload  # noqa: E402

LOADERS = {"selectin": selectinload, "subquery": subqueryload, "joined": joinedload}


def make_engine(uri):
    import psycopg2

    engine = create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(uri))

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        cur = dbapi_connection.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        cur.close()
        dbapi_connection.commit()

    return engine


# ---- tuned, with the loader chosen per phase (--loaders to try others) ----

def user_products_tuned(engine, loader):
    with Phase("user_products") as ph:
        s = Session(engine)
        cs = rows = 0
        for u in s.query(User).options(loader(User.products)).order_by(User.id):
            for x in u.products:
                cs += h3(u.id, x.id, len(x.title)) + (x.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def product_users_tuned(engine, loader):
    with Phase("product_users") as ph:
        s = Session(engine)
        cs = rows = 0
        for x in s.query(Product).options(loader(Product.users)).order_by(Product.id):
            for u in x.users:
                cs += h3(x.id, u.id, len(u.email)) + (u.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def user_orders_product_tuned(engine, loader):
    with Phase("user_orders_product") as ph:
        s = Session(engine)
        cs = rows = 0
        for u in s.query(User).options(loader(User.orders).joinedload(Order.product)
                                       if loader is not selectinload else
                                       selectinload(User.orders).selectinload(Order.product)).order_by(User.id):
            for o in u.orders:
                x = o.product
                cs += h4(u.id, o.id, x.id, len(x.title)) + (o.dttm is not None) + (x.create_dttm is not None)
                rows += 1
        s.commit()
        s.close()
        ph.stop()
    ph.report(rows, cs)


def analyze(engine):
    """The planner's statistics of what was inserted, untimed, as every
    implementation gathers them (bench/pg_run.py runs the server without
    autovacuum, so that none starts in the middle of a timed phase)."""
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--db", required=True, help="a libpq URI")
    ap.add_argument("--variant", choices=("typical", "tuned"), default="typical")
    ap.add_argument("--loaders", default="joined,joined,joined",
                    help="tuned: the loader for user_products, product_users, user_orders_product "
                         "(selectin, subquery or joined; user_orders_product's product is joined unless selectin)")
    a = ap.parse_args()
    if a.n < 100 or a.n % 10:
        sys.exit("pg_sqla.py: N must be a multiple of 10, at least 100")
    n, p = a.n, a.n // 10

    engine = make_engine(a.db)
    if a.variant == "typical":
        sqla.insert_typical(engine, n, p)
        analyze(engine)
        sqla.user_products_typical(engine)
        sqla.product_users_typical(engine)
        sqla.user_orders_product_typical(engine)
        sqla.delete_typical(engine)
    else:
        up, pu, uo = (LOADERS[w] for w in a.loaders.split(","))
        sqla.insert_tuned(engine, n, p)
        analyze(engine)
        user_products_tuned(engine, up)
        product_users_tuned(engine, pu)
        user_orders_product_tuned(engine, uo)
        sqla.delete_tuned(engine)
    engine.dispose()
    Phase.peak = max(Phase.peak, sqla.rss_hwm_kb())
    print(f"PEAK {Phase.peak}", flush=True)


if __name__ == "__main__":
    main()
