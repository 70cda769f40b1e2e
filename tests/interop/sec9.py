"""What the section 9 interop scripts share (tests/interop/microblog.py,
forum.py, tasks.py): an engine that enforces foreign keys as libassoc does,
a check log, the time window of default(now) values, and the command line.

Every script is run as SCRIPT DB MODE by its test program
(tests/e2e/<schema>/test_<schema>.c) and prints nothing when all is well;
otherwise it lists every mismatch on stderr and exits 1 (2 for bad usage).
DB is a SQLite file, or a PostgreSQL URI as libpq reads it (opened with
psycopg2; the test names its schema in the URI's options=-csearch_path=).
"""
import sys
import traceback
import warnings
from datetime import datetime, timedelta

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc

# Any SQLAlchemy warning is an error here: nothing unexpected passes quietly.
if not sys.warnoptions:
    warnings.filterwarnings("error", category=sa_exc.SAWarning)

WINDOW = timedelta(minutes=15)   # generous, for slow sanitizer runs


def is_uri(path):
    return path.startswith(("postgresql://", "postgres://"))


def engine(path):
    """SQLite at path, with foreign keys enforced as libassoc's connections do;
    or PostgreSQL at the URI path, through psycopg2 (which enforces them)."""
    if is_uri(path):
        import psycopg2
        return create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(path), future=True)
    eng = create_engine("sqlite:///" + path, future=True)

    @event.listens_for(eng, "connect")
    def _fk(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    return eng


class Checker:
    """Collects mismatches, so that one run reports them all."""

    def __init__(self):
        self.errors = []
        self.now = datetime.utcnow()

    def error(self, msg):
        self.errors.append(msg)

    def eq(self, what, got, want):
        if type(got) is not type(want) or got != want:
            self.error("%s: expected %r, got %r" % (what, want, got))

    def recent(self, what, got):
        """A default(now) / onupdate(now) value: the writer's clock, in UTC."""
        if not isinstance(got, datetime):
            self.error("%s: expected a datetime, got %r" % (what, got))
        elif not self.now - WINDOW <= got <= self.now + timedelta(seconds=5):
            self.error("%s: %s is not within %s before now (%s UTC): a time zone or clock error?"
                       % (what, got, WINDOW, self.now))


def main(modes):
    """Run modes[argv[2]](path, checker); exit as described above."""
    if len(sys.argv) != 3 or sys.argv[2] not in modes:
        sys.stderr.write("usage: %s DBFILE %s\n" % (sys.argv[0], "|".join(sorted(modes))))
        sys.exit(2)
    c = Checker()
    try:
        modes[sys.argv[2]](sys.argv[1], c)
    except Exception:
        c.error("exception:\n" + traceback.format_exc())
    for e in c.errors:
        sys.stderr.write("%s %s: %s\n" % (sys.argv[0], sys.argv[2], e))
    sys.exit(1 if c.errors else 0)
