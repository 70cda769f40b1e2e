#!/bin/sh
# make_db.sh NAME DBFILE - make one of the suite's databases (run.sh,
# refresh.sh): sa_<schema> by SQLAlchemy 1.4 (sa_schemas.py make <schema>),
# anything else from sql/NAME.sql by the sqlite3 shell.  DBFILE is replaced.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name=$1
db=$2
rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
case $name in
sa_*) /usr/bin/python3 "$here/sa_schemas.py" make "${name#sa_}" "$db" ;;
*) sqlite3 -bail "$db" < "$here/sql/$name.sql" ;;
esac
