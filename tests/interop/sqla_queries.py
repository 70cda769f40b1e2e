#!/usr/bin/python3
"""sqla_queries.py DBFILE - the declared queries of tests/e2e/queries/queries.def
asked of SQLAlchemy 1.4's Query, on the database file the C test filled.

Prints one line per case, "case: id id id" (the rows' ids in the order the
query returns them), the same cases and format as test_queries.c's
cross-check; the C test compares the two outputs line by line.  Each query
is written as a SQLAlchemy user would: any(), ~any(), count() subqueries,
order_by with NULLs where SQLite puts them, limit/offset.
"""
import sys
import warnings
from datetime import datetime

sys.dont_write_bytecode = True

from sqlalchemy import (Column, DateTime, Float, ForeignKey, Integer, String, and_, create_engine, distinct,
                        func, not_, nullsfirst, nullslast, or_, select)
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, backref, declarative_base, relationship

warnings.filterwarnings("ignore", category=sa_exc.SAWarning)

Base = declarative_base()


class User(Base):
    __tablename__ = 'users'
    id = Column(Integer, primary_key=True)
    email = Column(String(255), index=True)
    create_dttm = Column(DateTime, server_default=func.current_timestamp())
    products = relationship("Product", secondary="orders", order_by="Product.title")


class Product(Base):
    __tablename__ = 'products'
    id = Column(Integer, primary_key=True)
    title = Column(String(255))
    price = Column(Float)
    create_dttm = Column(DateTime, default=datetime.utcnow)
    users = relationship("User", secondary="orders")


class Order(Base):
    __tablename__ = 'orders'
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey('users.id'))
    product_id = Column(Integer, ForeignKey('products.id'))
    dttm = Column(DateTime, nullable=False, default=datetime.utcnow)
    user = relationship(User, backref=backref("orders", cascade="all, delete-orphan"))
    product = relationship(Product, backref=backref("orders", cascade="all, delete-orphan"))


def ids(rows):
    return " ".join(str(r.id) for r in rows)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    engine = create_engine("sqlite:///" + sys.argv[1])
    s = Session(engine)
    out = []

    def case(name, rows):
        out.append(("%s: %s" % (name, ids(rows))).rstrip())

    def count_orders_of(product_id):
        return (select(func.count(Order.id)).where(Order.user_id == User.id, Order.product_id == product_id)
                .scalar_subquery())

    # User.bought_twice: orders.count(product_id = :product_id) >= 2
    for pid in (1, 2, 4):
        case("bought_twice %d" % pid, s.query(User).filter(count_orders_of(pid) >= 2).order_by(User.id))

    # User.buyers_without: orders.any() and products.none(title = :title)
    for title in ("bolt", "zzz"):
        case("buyers_without %s" % title,
             s.query(User).filter(User.orders.any(), ~User.products.any(Product.title == title)).order_by(User.id))

    # User.only_cheap: products.all(price < :max), order_by email desc
    for mx in (5.0, 100.0):
        case("only_cheap %g" % mx,
             s.query(User).filter(~User.products.any(not_(Product.price < mx)))
             .order_by(nullslast(User.email.desc()), User.id))

    # User.search: email = :email? and id >= :min_id? and email like :pattern?, limit :n?, offset :skip?
    def search(email=None, min_id=None, pattern=None, n=None, skip=None):
        q = s.query(User)
        if email is not None:
            q = q.filter(User.email == email)
        if min_id is not None:
            q = q.filter(User.id >= min_id)
        if pattern is not None:
            q = q.filter(User.email.like(pattern))
        q = q.order_by(nullsfirst(User.email.asc()), User.id)
        if n is not None:
            q = q.limit(n)
        if skip is not None:
            q = q.offset(skip)
        return q

    case("search all", search())
    case("search email", search(email="bob@example.com"))
    case("search min_id pattern", search(min_id=2, pattern="%@example.com"))
    case("search pattern n skip", search(pattern="%EXAMPLE%", n=2, skip=1))
    case("search skip", search(skip=2))

    # Product.never_ordered: orders.none(), order_by title
    case("never_ordered", s.query(Product).filter(~Product.orders.any())
         .order_by(nullsfirst(Product.title.asc()), Product.id))

    # Product.popular: users.count() >= :n (distinct users), order_by price desc, title
    for n in (1, 2):
        distinct_users = (select(func.count(distinct(User.id))).select_from(Order).join(User, User.id == Order.user_id)
                          .where(Order.product_id == Product.id).scalar_subquery())
        case("popular %d" % n, s.query(Product).filter(distinct_users >= n)
             .order_by(nullslast(Product.price.desc()), nullsfirst(Product.title.asc()), Product.id))

    # Order.recent_of_user: user_id = :user_id and dttm >= :since?, order_by dttm desc, limit :n?
    since = datetime(2024, 1, 2, 0, 0, 0)
    case("recent_of_user 1", s.query(Order).filter(Order.user_id == 1).order_by(Order.dttm.desc(), Order.id))
    case("recent_of_user 1 since n", s.query(Order).filter(Order.user_id == 1, Order.dttm >= since)
         .order_by(Order.dttm.desc(), Order.id).limit(1))

    # Order.by_buyer_email: user.email like :pattern or user_id is null,
    # order_by user.email, product.title desc
    buyer = User.__table__.alias("buyer")
    prod = Product.__table__.alias("prod")
    case("by_buyer_email", s.query(Order).outerjoin(buyer, buyer.c.id == Order.user_id)
         .outerjoin(prod, prod.c.id == Order.product_id)
         .filter(or_(buyer.c.email.like("%@example.com"), Order.user_id.is_(None)))
         .order_by(nullsfirst(buyer.c.email.asc()), nullslast(prod.c.title.desc()), Order.id))

    # Order.newest: product.price > :min_price?, order_by dttm desc (all pages)
    case("newest", s.query(Order).order_by(Order.dttm.desc(), Order.id))
    case("newest min_price", s.query(Order).outerjoin(prod, prod.c.id == Order.product_id)
         .filter(prod.c.price > 1.0).order_by(Order.dttm.desc(), Order.id))

    # Order.in_ids: id in (:a, :b, 3) and not (product_id is null)
    case("in_ids", s.query(Order).filter(Order.id.in_([1, 6, 3]), not_(Order.product_id.is_(None))).order_by(Order.id))

    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
