#!/usr/bin/python3
"""library_move.py DBFILE MODE - schema/library.def's books and copies in
SQLAlchemy 1.4 (a copy's key is its book and its number: the foreign key is
part of the primary key), and the move tests/e2e/library/test_copy_move.c
makes through book_copies_add (issue 11, item 3b).

The database holds books 1 and 2 and copies (1, 1, shelf A1), (1, 2, A2)
(and, for "clash", (2, 1, C1)), written by the C side.

Modes:
  move         book 2's copies.append(copy (1, 1)), its shelf set to B, commit:
               SQLAlchemy moves the one row (UPDATE ... SET book_id = 2)
  check-moved  the copies are (1, 2, A2) and (2, 1, B): nothing else
  clash        the same append where book 2 has a copy 1 already: the flush
               raises IntegrityError, and after the rollback every row is as
               it was
Prints nothing when all is well; otherwise the mismatch, exit 1.
"""
import sys

from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class Book(Base):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)
    isbn = Column(String(13), nullable=False, unique=True)
    title = Column(String(300), nullable=False)
    copies = relationship("Copy", backref="book", cascade="all, delete-orphan", order_by="Copy.copy_no")


class Copy(Base):
    __tablename__ = "copies"
    book_id = Column(Integer, ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    copy_no = Column(Integer, primary_key=True)
    shelf = Column(String(12))


def rows(s):
    return s.execute(text("SELECT book_id, copy_no, shelf FROM copies ORDER BY book_id, copy_no")).all()


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    engine = create_engine("sqlite:///" + argv[1])

    @event.listens_for(engine, "connect")
    def _fk(dbapi, _rec):
        dbapi.execute("PRAGMA foreign_keys = ON")

    mode = argv[2]
    with Session(engine) as s:
        if mode == "move":
            c, b2 = s.get(Copy, (1, 1)), s.get(Book, 2)
            b2.copies.append(c)
            c.shelf = "B"
            s.commit()
        elif mode == "check-moved":
            got = [tuple(r) for r in rows(s)]
            if got != [(1, 2, "A2"), (2, 1, "B")]:
                print("library_move.py check-moved: copies are %r" % got, file=sys.stderr)
                return 1
        elif mode == "clash":
            before = rows(s)
            c, b2 = s.get(Copy, (1, 1)), s.get(Book, 2)
            b2.copies.append(c)
            try:
                s.commit()
                print("library_move.py clash: the move onto a taken key was committed", file=sys.stderr)
                return 1
            except IntegrityError:
                s.rollback()
            if rows(s) != before:
                print("library_move.py clash: rows changed: %r" % rows(s), file=sys.stderr)
                return 1
        else:
            print("library_move.py: unknown mode %r" % mode, file=sys.stderr)
            return 2
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
