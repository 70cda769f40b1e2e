#!/usr/bin/python3
"""sqla_check.py DBFILE [written|round-trip] - check a database with SQLAlchemy.

Opens DBFILE (written through assocgen's generated C API) with the seed's
models and checks, through the ORM, that it holds exactly fixtures.STATES[mode]
(default "written"): every row's columns (strings exact, datetimes exact to the
microsecond), and the seed's relationships user.products, user.orders,
user.orders[0].product, order.user, product.users and product.orders.  It
also checks the stored form of every datetime: SQLAlchemy's
'YYYY-MM-DD HH:MM:SS.ffffff', or 'YYYY-MM-DD HH:MM:SS' where SQLite's
CURRENT_TIMESTAMP wrote it.

Values left to a default (fixtures.NOW, SERVER_NOW) must lie within the last
WINDOW of the clock, in UTC.  Prints nothing when all is well; otherwise
lists every mismatch on stderr and exits 1 (2 for bad usage).
"""
import os
import re
import sys
import traceback
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree

from fixtures import NOW, SERVER_NOW, STATES, engine_for  # noqa: E402

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from seed_models import Order, Product, User  # noqa: E402

WINDOW = timedelta(minutes=15)   # generous, for slow sanitizer runs
FULL_FORM = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\Z")
SECONDS_FORM = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\Z")

errors = []
WHOLE_SECONDS = [True]    # SQLite's CURRENT_TIMESTAMP; PostgreSQL's keeps microseconds


def error(msg):
    errors.append(msg)


def check_value(what, got, want, now):
    """Compare one column value with its expectation, NOW / SERVER_NOW included."""
    if want is NOW or want is SERVER_NOW:
        if not isinstance(got, datetime):
            error("%s: expected a default datetime (%r), got %r" % (what, want, got))
        elif not now - WINDOW <= got <= now + timedelta(seconds=5):
            error("%s: %s is not within %s before now (%s UTC): a time zone or clock error?"
                  % (what, got, WINDOW, now))
        elif want is SERVER_NOW and got.microsecond != 0 and WHOLE_SECONDS[0]:
            error("%s: CURRENT_TIMESTAMP has whole seconds, got %s" % (what, got))
    elif type(got) is not type(want) or got != want:
        error("%s: expected %r, got %r" % (what, want, got))


def check_stored_datetimes(conn, table, column, expected):
    """The text SQLite holds: the form SQLAlchemy writes (or CURRENT_TIMESTAMP's).
    PostgreSQL holds a TIMESTAMP, whose value check_value compares."""
    if conn.dialect.name != "sqlite":
        return
    rows = conn.execute(text('SELECT id, typeof("%s"), "%s" FROM "%s" ORDER BY id'
                             % (column, column, table))).all()
    for rid, typ, raw in rows:
        want = expected.get(rid)
        what = "%s.%s of id %d" % (table, column, rid)
        if raw is None:
            if want is not None:
                error("%s: stored NULL, expected %r" % (what, want))
            continue
        if typ != "text":
            error("%s: stored as %s %r, expected text" % (what, typ, raw))
            continue
        form = SECONDS_FORM if want is SERVER_NOW else FULL_FORM
        if not form.match(raw):
            error("%s: stored as %r, expected the form %s"
                  % (what, raw, "YYYY-MM-DD HH:MM:SS" if want is SERVER_NOW
                     else "YYYY-MM-DD HH:MM:SS.ffffff"))


def ids(objs):
    return [o.id for o in objs]


def check(path, mode):
    users_want, products_want, orders_want = STATES[mode]
    engine = engine_for(path)
    WHOLE_SECONDS[0] = engine.dialect.name == "sqlite"
    now = datetime.utcnow()

    with engine.connect() as conn:
        check_stored_datetimes(conn, "users", "create_dttm", {u[0]: u[2] for u in users_want})
        check_stored_datetimes(conn, "products", "create_dttm", {p[0]: p[2] for p in products_want})
        check_stored_datetimes(conn, "orders", "dttm", {o[0]: o[3] for o in orders_want})

    # What the relationships must hold, from the orders.
    products_of = {u[0]: set() for u in users_want}
    users_of = {p[0]: set() for p in products_want}
    orders_of_user = {u[0]: [] for u in users_want}
    orders_of_product = {p[0]: [] for p in products_want}
    for oid, uid, pid, _ in orders_want:
        products_of[uid].add(pid)
        users_of[pid].add(uid)
        orders_of_user[uid].append(oid)
        orders_of_product[pid].append(oid)

    with Session(engine, future=True) as s:
        users = s.query(User).order_by(User.id).all()
        products = s.query(Product).order_by(Product.id).all()
        orders = s.query(Order).order_by(Order.id).all()
        for name, got, want in (("users", users, users_want), ("products", products, products_want),
                                ("orders", orders, orders_want)):
            if ids(got) != [w[0] for w in want]:
                error("%s: ids %r, expected %r" % (name, ids(got), [w[0] for w in want]))
        by_id = {p.id: p for p in products}

        for uid, email, create_dttm in users_want:
            u = s.get(User, uid)
            if u is None:
                continue   # reported above
            check_value("user %d email" % uid, u.email, email, now)
            check_value("user %d create_dttm" % uid, u.create_dttm, create_dttm, now)
            # user.products: each product once, however many orders link it.
            got = ids(u.products)
            if sorted(got) != sorted(products_of[uid]):
                error("user %d .products: %r, expected %r" % (uid, got, sorted(products_of[uid])))
            got = ids(u.orders)
            if sorted(got) != orders_of_user[uid]:
                error("user %d .orders: %r, expected %r" % (uid, got, orders_of_user[uid]))
            for o in u.orders:
                if o.user is not u:
                    error("order %d .user is %r, expected user %d" % (o.id, o.user, uid))
            if u.orders:
                # The seed's usage: user.orders[0].product
                first = u.orders[0]
                p = first.product
                if p is None or p is not by_id.get(first.product_id):
                    error("user %d .orders[0].product: %r, expected product %r"
                          % (uid, p, first.product_id))
                elif p not in u.products:
                    error("user %d .orders[0].product %d is not in user.products" % (uid, p.id))

        for pid, title, create_dttm in products_want:
            p = s.get(Product, pid)
            if p is None:
                continue
            check_value("product %d title" % pid, p.title, title, now)
            check_value("product %d create_dttm" % pid, p.create_dttm, create_dttm, now)
            got = ids(p.users)
            if sorted(got) != sorted(users_of[pid]):
                error("product %d .users: %r, expected %r" % (pid, got, sorted(users_of[pid])))
            got = ids(p.orders)
            if sorted(got) != orders_of_product[pid]:
                error("product %d .orders: %r, expected %r" % (pid, got, orders_of_product[pid]))

        for oid, uid, pid, dttm in orders_want:
            o = s.get(Order, oid)
            if o is None:
                continue
            if (o.user_id, o.product_id) != (uid, pid):
                error("order %d: user_id %r, product_id %r, expected %r, %r"
                      % (oid, o.user_id, o.product_id, uid, pid))
            if o.user is None or o.user.id != uid:
                error("order %d .user: %r, expected user %d" % (oid, o.user, uid))
            if o.product is None or o.product.id != pid:
                error("order %d .product: %r, expected product %d" % (oid, o.product, pid))
            check_value("order %d dttm" % oid, o.dttm, dttm, now)
    engine.dispose()


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] not in STATES):
        print("usage: sqla_check.py DBFILE [%s]" % "|".join(STATES), file=sys.stderr)
        return 2
    path, mode = argv[1], argv[2] if len(argv) == 3 else "written"
    if "://" not in path and not os.path.isfile(path):
        print("sqla_check.py: %s: no such file" % path, file=sys.stderr)
        return 1
    try:
        check(path, mode)
    except Exception as e:   # a value SQLAlchemy cannot read is a finding, not a crash
        traceback.print_exc()
        error("SQLAlchemy failed: %s: %s" % (type(e).__name__, e))
    if errors:
        print("sqla_check.py %s (%s): %d mismatch(es):" % (path, mode, len(errors)), file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
