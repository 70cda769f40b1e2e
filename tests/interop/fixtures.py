"""The data the interop tests write and expect, on the Python side.

tests/e2e/models/test_interop.c holds the same constants on the C side (its
tables `users`, `products`, `orders` and the round-trip tables): keep the two
in step.  Datetimes are naive and UTC, as SQLAlchemy's datetime.utcnow and
SQLite's CURRENT_TIMESTAMP give them; the C side has each as microseconds
since 1970-01-01 UTC (assoc_time), noted next to each value here.

Ids are those SQLite assigns when the rows are inserted in the order listed
(INTEGER PRIMARY KEY: max(rowid) + 1); both writers insert in that order.
"""
from datetime import datetime


def dt(text):
    """A datetime from 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f")


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


# A value the writer leaves to a default, so not known in advance:
NOW = _Marker("NOW")                # the client default(now) / datetime.utcnow: microseconds
SERVER_NOW = _Marker("SERVER_NOW")  # server_default CURRENT_TIMESTAMP: whole seconds

LONG_EMAIL = "\u00e9" * 250 + "@x.io"   # 255 characters, 505 bytes of UTF-8: string(255) counts characters

# (id, email, create_dttm).  create_dttm None: NULL, set by an update after
# the insert (on insert, an unset create_dttm takes the server default).
USERS = [
    (1, "ada@example.com", dt("2023-11-14 22:13:20.123456")),                  # 1700000000123456
    (2, "zo\u00eb.\u00fcn\u00efc\u00f8d\u00e9@ex\u00e4mple.org \u2615 \u65e5\u672c\u8a9e \U0001d11e",
     dt("1969-12-31 23:59:59.000001")),                                        # -999999
    (3, "Robert'); DROP TABLE users;-- \"quoted\" \\ %s ?1 :name",
     dt("2000-01-01 00:00:00.000000")),                                        # 946684800000000, 0 us
    (4, None, SERVER_NOW),
    (5, LONG_EMAIL, dt("2024-02-29 23:59:59.999999")),                         # 1709251199999999
    (6, "", None),
]

# (id, title, create_dttm).  create_dttm None: NULL, set by an update after
# the insert (on insert, an unset create_dttm takes default(now)).
PRODUCTS = [
    (1, "keyboard", dt("0001-01-01 00:00:00.000001")),                         # -62135596799999999
    (2, "monitor 27\" \u2014 \u2018curly\u2019\nline two\ttab", NOW),
    (3, "lamp", NOW),
    (4, "unsold", dt("9999-12-31 23:59:59.999999")),                           # 253402300799999999
    (5, None, None),
]

# (id, user_id, product_id, dttm).  NOW rows are made through the
# many-to-many (user.products / product.users append, the C _add), which
# fills dttm from its default(now); the others are Order objects.
ORDERS = [
    (1, 1, 1, dt("2023-11-15 08:00:00.000001")),                               # 1700035200000001
    (2, 1, 1, dt("2023-11-15 08:00:00.500000")),                               # 1700035200500000: the same product again
    (3, 1, 2, NOW),                                                            # user 1's products.append
    (4, 2, 2, dt("1970-01-01 00:00:00.000000")),                               # 0
    (5, 3, 3, dt("2038-01-19 03:14:08.654321")),                               # 2147483648654321
    (6, 5, 3, NOW),                                                            # product 3's users.append
]

# After the round trip: SQLAlchemy wrote the data above, then C
#   - updated user 1 (email, create_dttm) and product 3 (title, create_dttm NULL),
#   - deleted user 2 (its order 4 goes with it: cascade "all, delete-orphan"),
#   - removed product 1 from user 1, who bought it twice (orders 1 and 2 go),
#   - inserted product 6, linked it to user 3 (order 7, default(now)),
#   - added order 8 to user 4 with an explicit dttm,
#   - inserted user 7, its create_dttm by the server default of SQLAlchemy's DDL.
RT_USERS = [
    (1, "ada.lovelace@example.com \u2713", dt("1999-12-31 23:59:59.999999")),  # 946684799999999
    USERS[2],
    USERS[3],
    USERS[4],
    USERS[5],
    (7, "c.wrote@example.com", SERVER_NOW),
]

RT_PRODUCTS = [
    PRODUCTS[0],
    PRODUCTS[1],
    (3, "lamp 'deluxe' \"XL\"", None),
    PRODUCTS[3],
    PRODUCTS[4],
    (6, "mouse \u2713", dt("2025-01-02 03:04:05.060708")),                      # 1735787045060708
]

RT_ORDERS = [
    ORDERS[2],
    ORDERS[4],
    ORDERS[5],
    (7, 3, 6, NOW),
    (8, 4, 4, dt("2030-06-15 12:00:00.000123")),                               # 1907755200000123
]

STATES = {
    "written": (USERS, PRODUCTS, ORDERS),
    "round-trip": (RT_USERS, RT_PRODUCTS, RT_ORDERS),
}


def engine_for(path):
    """A SQLite file, or a PostgreSQL URI as libpq reads it (psycopg2)."""
    from sqlalchemy import create_engine
    if path.startswith(("postgresql://", "postgres://")):
        import psycopg2
        return create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(path), future=True)
    return create_engine("sqlite:///" + path, future=True)
