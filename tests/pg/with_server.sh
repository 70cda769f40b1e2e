#!/bin/sh
# with_server.sh DIR CMD... - run CMD against a private PostgreSQL server.
#
# Starts the server of DIR (tests/pg/server.sh start DIR), runs CMD with
# ASSOC_PG_URI (the libpq URI of database "assoc"), ASSOC_PG_DIR (DIR) and
# PGHOST/PGPORT/PGDATABASE exported, and stops the server afterwards, also
# when CMD fails or this script is interrupted (INT, TERM, HUP: CMD and its
# children get TERM, then the server stops).  Exits with CMD's status; 1 when the server
# did not start (CMD is not run then).  CMD keeps this script's stdin.
set -u
[ $# -ge 2 ] || { echo "usage: sh tests/pg/with_server.sh DIR CMD..." >&2; exit 2; }
here=$(dirname "$0")
dir=$1
shift

child=
# kill_tree PID: TERM to PID and everything below it (CMD may be a shell
# running a test program: the program must not outlive the server).
kill_tree() {
    below=$(ps -o pid= --ppid "$1" 2>/dev/null)
    kill -TERM "$1" 2>/dev/null
    for k in $below; do kill_tree "$k"; done
}
stop_server() { sh "$here/server.sh" stop "$dir" >/dev/null 2>&1 || sh "$here/server.sh" stop "$dir"; }
on_signal() {
    if [ -n "$child" ]; then
        kill_tree "$child"
        wait "$child" 2>/dev/null
    fi
    exit "$1"
}
trap 'stop_server' EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

out=$(sh "$here/server.sh" start "$dir") || { echo "with_server.sh: the server did not start" >&2; exit 1; }
uri=$(printf '%s\n' "$out" | sed -n '1{/^postgres/p}')
[ -n "$uri" ] || { echo "with_server.sh: server.sh printed no URI" >&2; exit 1; }
ASSOC_PG_URI=$uri
ASSOC_PG_DIR=$(realpath -m -- "$dir")
PGHOST=$(printf '%s\n' "$out" | sed -n 's/^PGHOST=//p')
PGPORT=$(printf '%s\n' "$out" | sed -n 's/^PGPORT=//p')
PGDATABASE=assoc
export ASSOC_PG_URI ASSOC_PG_DIR PGHOST PGPORT PGDATABASE

# CMD runs in the background so that a signal reaches the trap at once (a
# shell waiting for a foreground child runs traps only after it ends); a
# background job's stdin would be /dev/null, so ours is passed through fd 3.
exec 3<&0
"$@" 0<&3 3<&- &
child=$!
wait "$child"
rc=$?
child=
exit $rc
