#!/usr/bin/python3
"""sqla_write.py DBFILE - write the fixtures' data with SQLAlchemy's ORM.

Creates the tables with the seed's models' own create_all (SQLAlchemy's DDL,
not assocgen's) in DBFILE, which must not hold them yet, and writes
fixtures.USERS, PRODUCTS and ORDERS the way an application of the article
would: Order objects, user.products / product.users appends, defaults left to
default=datetime.utcnow and server_default=func.current_timestamp().
Prints nothing on success; on failure says why on stderr and exits 1.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree

from fixtures import NOW, ORDERS, PRODUCTS, SERVER_NOW, USERS, engine_for  # noqa: E402

from sqlalchemy import inspect  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from seed_models import BaseModel, Order, Product, User  # noqa: E402


def fail(msg):
    print("sqla_write.py: " + msg, file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) != 2:
        print("usage: sqla_write.py DBFILE", file=sys.stderr)
        return 2
    path = argv[1]
    engine = engine_for(path)
    if inspect(engine).get_table_names():
        fail("%s already has tables" % path)
    BaseModel.metadata.create_all(engine)

    with Session(engine, future=True) as s:
        users, products = {}, {}
        for uid, email, create_dttm in USERS:
            u = User(email=email)
            if create_dttm not in (SERVER_NOW, None):
                u.create_dttm = create_dttm
            s.add(u)
            s.flush()
            if u.id != uid:
                fail("user %r got id %d, expected %d" % (email, u.id, uid))
            if create_dttm is None:      # NULL: an update after the insert
                u.create_dttm = None
                s.flush()
            users[uid] = u

        for pid, title, create_dttm in PRODUCTS:
            p = Product(title=title)
            if create_dttm not in (NOW, None):
                p.create_dttm = create_dttm
            s.add(p)
            s.flush()
            if p.id != pid:
                fail("product %r got id %d, expected %d" % (title, p.id, pid))
            if create_dttm is None:
                p.create_dttm = None
                s.flush()
            products[pid] = p

        appended_by_user = True
        for oid, uid, pid, dttm in ORDERS:
            if dttm is NOW:
                # Through the many-to-many: the association row's dttm comes
                # from its default=datetime.utcnow.  Both sides are used.
                if appended_by_user:
                    users[uid].products.append(products[pid])
                else:
                    products[pid].users.append(users[uid])
                appended_by_user = not appended_by_user
            else:
                s.add(Order(user=users[uid], product=products[pid], dttm=dttm))
            s.flush()
            got = s.execute(Order.__table__.select().order_by(Order.id.desc()).limit(1)).one()
            if (got.id, got.user_id, got.product_id) != (oid, uid, pid):
                fail("order %d was written as %r" % (oid, tuple(got)))
        s.commit()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
