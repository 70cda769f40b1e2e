"""The seed's models (seed/000_83af56ec7a6cfe9a.txt), in SQLAlchemy 1.4.

This is the article's code with Flask-SQLAlchemy's ``db.`` prefix replaced by
the plain SQLAlchemy names it stands for (``db.Column`` is ``Column``,
``db.func`` is ``func``, ``BaseModel`` a declarative base).  Nothing else is
changed: no ``overlaps=``, ``viewonly=`` or ``back_populates``, so that what
is tested is the mapping the article's readers would have.  The same models
in assocgen's language are ``schema/models.def``.
"""
import sys
import warnings
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, func
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import backref, declarative_base, relationship

# The article's models have overlapping relationships: User.products and
# Product.users (secondary="orders") write the same orders.user_id and
# orders.product_id columns as Order.user and Order.product.  SQLAlchemy 1.4
# warns about that once per pair when the mappers are configured ("relationship
# 'X' will copy column ... which conflicts with relationship(s): ...").  The
# warning is expected for the seed's models, so exactly that message is
# silenced (run python3 with -W to see it); any other SQLAlchemy warning is
# an error in these scripts, so that nothing unexpected passes quietly.
if not sys.warnoptions:
    warnings.filterwarnings("error", category=sa_exc.SAWarning)
    warnings.filterwarnings(
        "ignore",
        message=r"relationship '\S+' will copy column \S+ to column \S+, "
        r"which conflicts with relationship\(s\)",
        category=sa_exc.SAWarning,
    )

BaseModel = declarative_base()


class User(BaseModel):
    __tablename__ = 'users'

    id = Column(Integer, primary_key=True)
    email = Column(String(255))

    # ... any other fields

    create_dttm = Column(DateTime, server_default=func.current_timestamp())

    products = relationship("Product", secondary="orders")


class Product(BaseModel):
    __tablename__ = 'products'

    id = Column(Integer, primary_key=True)
    title = Column(String(255))

    # ... any other fields

    create_dttm = Column(DateTime, default=datetime.utcnow)

    users = relationship("User", secondary="orders")


class Order(BaseModel):
    __tablename__ = 'orders'
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey('users.id'))
    product_id = Column(Integer, ForeignKey('products.id'))

    # ... any other fields

    dttm = Column(DateTime, default=datetime.utcnow)

    user = relationship(User, backref=backref("orders", cascade="all, delete-orphan"))
    product = relationship(Product, backref=backref("orders", cascade="all, delete-orphan"))
