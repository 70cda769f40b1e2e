#!/bin/sh
# server.sh start|stop|status DIR - a private PostgreSQL 15 server for tests.
#
#   sh tests/pg/server.sh start DIR   initialise DIR (first time) and start
#                                     Debian's PostgreSQL 15 there; prints
#                                     the libpq URI of database "assoc" on
#                                     the first line of stdout, then
#                                     PGHOST=, PGPORT=, PGDATABASE= lines
#   sh tests/pg/server.sh stop DIR    fast shutdown; works whatever start
#                                     left behind (also when it never ran)
#   sh tests/pg/server.sh status DIR  exit 0 when the server of DIR runs
#
# The server runs as an unprivileged user: as root, Debian's "postgres"
# system user (through runuser or setpriv); otherwise the calling user.  It
# listens on a Unix socket in DIR/sock only (listen_addresses = ''), or also
# on 127.0.0.1:$PG_TCP_PORT when PG_TCP_PORT is set.  A role named after the
# calling user is made superuser, so the printed URI works without a user
# name.  Authentication is "trust" and fsync is off: a test server, for data
# that may be lost.
#
# Layout: DIR/data (the cluster), DIR/sock (the socket), DIR/server.log,
# DIR/server.env (where start put things, for stop).  When the socket's path
# would pass the ~107 bytes a Unix socket name may have, or DIR cannot be
# reached by the server's user, a directory under /tmp owned by that user is
# used instead, and a line on stderr says so.
#   PGBIN        where initdb, pg_ctl, postgres, psql are
#                (default /usr/lib/postgresql/15/bin)
#   PG_TCP_PORT  also listen on 127.0.0.1 at this port (benchmarks)
set -u
me="server.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
say() { echo "$me: $*" >&2; }
die() { say "$*"; exit 1; }

[ $# -eq 2 ] || die "usage: sh tests/pg/server.sh start|stop|status DIR"
cmd=$1
dir=$(realpath -m -- "$2") || die "bad directory: $2"
# Our own commands must not pick up a caller's libpq settings.
unset PGOPTIONS PGSERVICE PGSERVICEFILE PGSSLMODE PGPASSFILE PGUSER PGDATABASE PGHOST PGHOSTADDR PGPORT PGDATA \
      2>/dev/null || true

invoker=$(id -un)
if [ "$(id -u)" = 0 ]; then
    runas=postgres
else
    runas=$invoker
fi

# as_user CMD...: run CMD as the server's user, from /, so that a working
# directory it cannot enter does not matter, and without fd 9 (the lock of
# DIR: a postmaster that inherited it would hold it for its whole life).
as_user() {
    if [ "$(id -u)" != 0 ]; then
        (cd / && "$@" 9>&-)
    elif command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u "$runas" -- "$@" 9>&-)
    else
        (cd / && setpriv --reuid="$runas" --regid="$runas" --init-groups -- "$@" 9>&-)
    fi
}

# Is the pid in DATA/postmaster.pid a live postmaster of DATA?  A pid file
# left by a killed run may name a pid that is free, or reused by another
# process: only a process whose working directory is DATA counts.
postmaster_pid() {
    [ -f "$1/postmaster.pid" ] || return 1
    p=$(head -n 1 "$1/postmaster.pid" 2>/dev/null)
    case $p in ''|*[!0-9]*) return 1 ;; esac
    kill -0 "$p" 2>/dev/null || return 1
    [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$1" ] || return 1
    echo "$p"
}

# Where start put things, or where it would have.
load_env() {
    DATA=$dir/data SOCK=$dir/sock LOG=$dir/server.log PORT=5432 RUNAS=$runas FALLBACK=
    if [ -f "$dir/server.env" ]; then
        # shellcheck disable=SC1091
        . "$dir/server.env"
    fi
}

do_stop() {
    [ -d "$dir" ] || { say "$dir: no server here"; return 0; }
    load_env
    if pid=$(postmaster_pid "$DATA"); then
        owner=$(stat -c %U "$DATA")
        if [ "$(id -u)" = 0 ] || [ "$owner" = "$invoker" ]; then
            runas=$owner
            as_user "$PGBIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s >/dev/null 2>&1
        fi
        # pg_ctl could not do it (a damaged pid file, a hung shutdown):
        # signal the postmaster ourselves, fast (INT), then immediate (QUIT).
        for sig in INT QUIT KILL; do
            postmaster_pid "$DATA" >/dev/null || break
            kill -s "$sig" "$pid" 2>/dev/null
            n=0
            while [ $n -lt 100 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
        done
        if postmaster_pid "$DATA" >/dev/null; then
            die "could not stop the server of $DATA (pid $pid)"
        fi
        say "stopped the server of $dir"
    else
        say "no server running in $dir"
    fi
    if [ -n "$FALLBACK" ]; then
        case $FALLBACK in
            /tmp/assoc-pg*) rm -rf -- "$FALLBACK" ;;
        esac
    fi
    return 0
}

do_start() {
    mkdir -p -- "$dir" || die "cannot create $dir"
    if [ "$(id -u)" = 0 ]; then
        id "$runas" >/dev/null 2>&1 ||
            die "no '$runas' system user: install Debian's postgresql package (make deps)"
        chown "$runas:" "$dir" || die "cannot give $dir to $runas"
    fi
    [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] && [ -x "$PGBIN/postgres" ] ||
        die "PostgreSQL 15 is not in $PGBIN: install Debian's postgresql package (make deps)"

    port=${PG_TCP_PORT:-5432}
    case $port in ''|*[!0-9]*) die "PG_TCP_PORT must be a port number, not '$port'" ;; esac
    if [ -n "${PG_TCP_PORT:-}" ]; then listen=127.0.0.1; else listen=; fi

    # Where the cluster lives: DIR, unless the server's user cannot reach it
    # (a parent directory it may not enter).
    base=$dir
    hash=$(printf '%s' "$dir" | cksum | cut -d ' ' -f 1)
    short=/tmp/assoc-pg-$hash
    fallback=
    if ! as_user test -w "$dir" -a -x "$dir"; then
        say "$runas cannot reach $dir: using $short for the data and the socket"
        base=$short
        fallback=$short
    fi
    # The socket: <sock>/.s.PGSQL.<port> must fit in a sockaddr_un, and be
    # plain enough to go in a URI unquoted.
    sock=$base/sock
    sockfile=$sock/.s.PGSQL.$port
    case $sock in
        *[!A-Za-z0-9/._-]*) plain=no ;;
        *) plain=yes ;;
    esac
    if [ ${#sockfile} -gt 100 ] || [ $plain = no ]; then
        say "socket path $sockfile is too long or not plain: using $short/sock"
        sock=$short/sock
        fallback=$short
    fi
    data=$base/data
    log=$dir/server.log
    [ "$base" != "$dir" ] && log=$base/server.log

    # A running server of this directory: the same settings are reused,
    # others mean a restart.
    load_env
    conf="listen_addresses = '$listen'
port = $port
unix_socket_directories = '$sock'"
    if pid=$(postmaster_pid "$DATA"); then
        if [ "$DATA" = "$data" ] && [ "$(cat "$DATA/assoc_server.conf" 2>/dev/null)" = "$conf" ]; then
            say "already running (pid $pid)"
            started=no
        else
            say "running with other settings: restarting"
            do_stop || exit 1
            started=yes
        fi
    else
        started=yes
    fi
    # Now that no server of ours uses them (a restart stopped it), the
    # directories.
    if [ -n "$fallback" ]; then
        if [ -e "$fallback" ] && [ ! -O "$fallback" ] && [ "$(stat -c %U "$fallback" 2>/dev/null)" != "$runas" ]; then
            # Someone else's: never use it.
            fallback=$(mktemp -d /tmp/assoc-pg.XXXXXX) || die "mktemp failed"
            [ "$base" = "$short" ] && base=$fallback
            [ "$sock" = "$short/sock" ] && sock=$fallback/sock
            say "$short belongs to someone else: using $fallback"
        fi
        mkdir -p -- "$fallback" || die "cannot create $fallback"
        [ "$(id -u)" = 0 ] && chown "$runas:" "$fallback"
        chmod 755 "$fallback"
    fi
    mkdir -p -- "$sock" || die "cannot create $sock"
    [ "$(id -u)" = 0 ] && chown "$runas:" "$sock"
    data=$base/data
    [ "$base" != "$dir" ] && log=$base/server.log
    conf="listen_addresses = '$listen'
port = $port
unix_socket_directories = '$sock'"
    {
        echo "DATA='$data'"
        echo "SOCK='$sock'"
        echo "LOG='$log'"
        echo "PORT='$port'"
        echo "RUNAS='$runas'"
        echo "FALLBACK='$fallback'"
    } > "$dir/server.env"

    if [ $started = yes ]; then
        # The cluster, the first time (or again, when a previous initdb died
        # half-way: no PG_VERSION).
        if [ ! -f "$data/PG_VERSION" ]; then
            rm -rf -- "$data"
            mkdir -p -- "$data" && chmod 700 "$data" || die "cannot create $data"
            [ "$(id -u)" = 0 ] && chown "$runas:" "$data"
            if ! as_user "$PGBIN/initdb" -D "$data" --no-locale -E UTF8 --auth=trust --no-sync \
                    > "$dir/initdb.log" 2>&1; then
                tail -n 20 "$dir/initdb.log" >&2
                rm -rf -- "$data"
                die "initdb failed (log: $dir/initdb.log)"
            fi
            as_user sh -c "cat >> '$data/postgresql.conf'" <<CONF
# --- settings of tests/pg/server.sh: a disposable test server ---
fsync = off
synchronous_commit = off
full_page_writes = off
TimeZone = 'UTC'
log_timezone = 'UTC'
max_connections = 100
include_if_exists = 'assoc_server.conf'
CONF
        elif [ "$(id -u)" = 0 ] && [ "$(stat -c %U "$data")" != "$runas" ]; then
            chown -R "$runas:" "$data"
        fi
        [ -O "$data" ] || [ "$(stat -c %U "$data")" = "$runas" ] ||
            die "$data belongs to $(stat -c %U "$data"), not $runas: remove it or run as that user"

        # A pid file left by a killed server: the postmaster would mostly
        # see through it, but not when its pid has been reused since.
        if [ -f "$data/postmaster.pid" ]; then
            say "removing a stale postmaster.pid (pid $(head -n 1 "$data/postmaster.pid"))"
            rm -f -- "$data/postmaster.pid" "$sock/.s.PGSQL.$port" "$sock/.s.PGSQL.$port.lock"
        fi
        printf '%s\n' "$conf" | as_user sh -c "cat > '$data/assoc_server.conf'"
        tries=0
        : > "$log" && { [ "$(id -u)" != 0 ] || chown "$runas:" "$log"; }
        until as_user "$PGBIN/pg_ctl" start -D "$data" -l "$log" -w -t 60 -s >/dev/null 2>&1; do
            tries=$((tries + 1))
            # Backends orphaned by a killed postmaster keep its shared memory
            # for a moment; a second try after they are gone.
            if [ $tries -ge 3 ] || ! grep -q 'shared memory block\|lock file' "$log"; then
                tail -n 20 "$log" >&2
                die "the server did not start (log: $log)"
            fi
            sleep 2
        done
    fi

    # The database, and a role for the calling user.
    psql_as() {
        as_user "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U "$runas" -d postgres "$@"
    }
    setup="SELECT 'CREATE ROLE \"$invoker\" SUPERUSER LOGIN'
  WHERE '$invoker' <> current_user AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$invoker') \\gexec
SELECT 'CREATE DATABASE assoc OWNER \"$invoker\"'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'assoc') \\gexec"
    if ! printf '%s\n' "$setup" | psql_as > "$dir/setup.log" 2>&1; then
        cat "$dir/setup.log" >&2
        die "could not create the database 'assoc'"
    fi

    if [ "$port" = 5432 ]; then
        echo "postgresql:///assoc?host=$sock"
    else
        echo "postgresql:///assoc?host=$sock&port=$port"
    fi
    echo "PGHOST=$sock"
    echo "PGPORT=$port"
    echo "PGDATABASE=assoc"
    if [ -n "$listen" ]; then
        echo "ASSOC_PG_TCP_URI=postgresql://127.0.0.1:$port/assoc"
    fi
}

case $cmd in
    start|stop)
        # One start or stop at a time per directory.
        if [ "$cmd" = stop ] && [ ! -d "$dir" ]; then
            say "$dir: no server here"
            exit 0
        fi
        mkdir -p -- "$dir" || die "cannot create $dir"
        exec 9>>"$dir/.lock"
        flock -w 180 9 || die "another start or stop holds $dir/.lock"
        if [ "$cmd" = start ]; then do_start; else do_stop; fi
        ;;
    status)
        load_env
        if pid=$(postmaster_pid "$DATA"); then echo "running (pid $pid)"; exit 0; fi
        echo "not running"
        exit 1
        ;;
    *)
        die "usage: sh tests/pg/server.sh start|stop|status DIR"
        ;;
esac
