/* sqla.h - what the end-to-end tests that share a database with
 * SQLAlchemy 1.4 share (tests/e2e/microblog, forum, tasks): the database (a
 * file in a temporary directory, or with ASSOC_TEST_PG set a schema of the
 * test's own on that PostgreSQL server, named in a URI that both sides
 * open), and running tests/interop/SCRIPT on it.
 *
 * Each test writes the database with the generated C API and has the script
 * check it through SQLAlchemy's ORM, and the reverse: the script writes it
 * (SQLAlchemy's own DDL), C reads and changes it, the script checks the
 * result.  The scripts print nothing when all is well and exit 1 listing
 * every mismatch otherwise.  On PostgreSQL SQLAlchemy connects with
 * psycopg2 and its DDL is its own for that dialect (a native ENUM type for
 * an Enum, JSON for JSON, SERIAL keys).
 *
 * Needs /usr/bin/python3 with python3-sqlalchemy (and python3-psycopg2 for
 * PostgreSQL): without it the tests fail and say to run `make deps`. */
#ifndef ASSOCGEN_SQLA_H
#define ASSOCGEN_SQLA_H

#include "e2e.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SQLA_PYTHON "/usr/bin/python3"
#define SQLA_DIR SRCDIR "/tests/interop"

typedef struct sqla_fixture {
    char dir[1024];
    char path[1400];       /* the file, or the PostgreSQL URI naming schema */
    char schema[64];       /* PostgreSQL: the test's schema; "" for SQLite */
    assoc_db *db;
} sqla_fixture;

static int sqla_setup(void **st)
{
    const char *tmp = getenv("TMPDIR");
    sqla_fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    snprintf(f->dir, sizeof f->dir, "%s/assoc_sec9_XXXXXX", tmp);
    if (mkdtemp(f->dir) == NULL) {
        print_error("mkdtemp %s failed\n", f->dir);
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    if (e2e_pg_uri() != NULL)
        e2e_pg_schema("sqla", f->schema, sizeof f->schema, f->path, sizeof f->path);
    *st = f;
    return 0;
}

/* Close what a failed test left open; remove the file and its side files,
 * or drop the schema. */
static int sqla_teardown(void **st)
{
    static const char *const side[] = { "", "-wal", "-shm", "-journal" };
    sqla_fixture *f = *st;
    int rc = 0;
    assoc_close(f->db);
    if (f->schema[0]) {
        e2e_pg_drop_schema(f->schema);
    } else {
        for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
            char p[sizeof f->path + 16];
            snprintf(p, sizeof p, "%s%s", f->path, side[i]);
            unlink(p);
        }
    }
    if (rmdir(f->dir) != 0) {
        print_error("could not remove %s (an unexpected file in it?)\n", f->dir);
        rc = -1;
    }
    free(f);
    return rc;
}

/* Append s to buf, quoted for sh. */
static void sqla_quote(char *buf, size_t size, const char *s)
{
    size_t n = strlen(buf);
    if (n + 1 < size)
        buf[n++] = '\'';
    for (; *s && n + 5 < size; s++) {
        if (*s == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *s;
        }
    }
    if (*s != '\0')
        fail_msg("command too long");
    buf[n++] = '\'';
    buf[n] = '\0';
}

static int sqla_system(const char *cmd)
{
    fflush(stdout);
    fflush(stderr);
    int status = system(cmd);
    if (status == -1)
        fail_msg("system(%s) could not run it", cmd);
    if (!WIFEXITED(status))
        fail_msg("%s was killed by signal %d", cmd, WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    return WEXITSTATUS(status);
}

/* python3 tests/interop/SCRIPT DB MODE, which must succeed (DB: the file,
 * or the URI).  The connection is closed first, so that the script sees
 * every commit. */
static void sqla_run(sqla_fixture *f, const char *script, const char *mode)
{
    static int importable = -1;
    if (importable < 0)
        importable = sqla_system(e2e_pg_uri() ? SQLA_PYTHON " -B -c 'import sqlalchemy.orm, psycopg2' >/dev/null 2>&1"
                                              : SQLA_PYTHON " -B -c 'import sqlalchemy.orm' >/dev/null 2>&1") == 0;
    if (!importable)
        fail_msg("SQLAlchemy (or psycopg2, for PostgreSQL) is not importable by " SQLA_PYTHON ": run `make deps`, "
                 "which installs Debian's python3-sqlalchemy (1.4) and python3-psycopg2, then run this test again");
    assoc_close(f->db);
    f->db = NULL;
    char cmd[4096] = SQLA_PYTHON " -B ", path[1100];
    snprintf(path, sizeof path, "%s/%s", SQLA_DIR, script);
    sqla_quote(cmd, sizeof cmd, path);
    strcat(cmd, " ");
    sqla_quote(cmd, sizeof cmd, f->path);
    strcat(cmd, " ");
    sqla_quote(cmd, sizeof cmd, mode);
    int status = sqla_system(cmd);
    if (status != 0)
        fail_msg("%s %s failed (exit status %d): see its messages above", script, mode, status);
}

static assoc_db *sqla_open(sqla_fixture *f)
{
    if (f->db == NULL) {
        int rc = assoc_open(f->path, &f->db);
        if (rc != ASSOC_OK)
            fail_msg("assoc_open(%s) returned %d", f->path, rc);
    }
    return f->db;
}

/* Strings, NULL included. */
#define STR_EQ(what, got, want)                                                          \
    do {                                                                                 \
        const char *g_ = (got), *w_ = (want);                                            \
        if ((g_ == NULL) != (w_ == NULL) || (g_ && strcmp(g_, w_) != 0))                 \
            fail_msg("%s: expected %s%s%s, got %s%s%s", (what), w_ ? "\"" : "", w_ ? w_ : "NULL", \
                     w_ ? "\"" : "", g_ ? "\"" : "", g_ ? g_ : "NULL", g_ ? "\"" : "");  \
    } while (0)

/* The stored form of a datetime: the text SQLite holds (SQLAlchemy's
 * 'YYYY-MM-DD HH:MM:SS.ffffff', which both sides write), or on PostgreSQL
 * the TIMESTAMP's value in that form, every microsecond shown: column of
 * the one row FROM from_where names. */
static inline void sqla_stored_time(assoc_db *db, const char *column, const char *from_where, const char *want)
{
    char sql[512], got[64];
    if (e2e_is_pg(db))
        snprintf(sql, sizeof sql, "SELECT to_char(%s, 'YYYY-MM-DD HH24:MI:SS.US') FROM %s", column, from_where);
    else
        snprintf(sql, sizeof sql, "SELECT %s FROM %s", column, from_where);
    sql_text(db, sql, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s: expected '%s', got '%s'", sql, want, got);
}

/* A default(now) or onupdate(now) value: the clock of this test's run,
 * within a generous window (slow sanitizer runs). */
static inline void sqla_recent(const char *what, bool has, assoc_time t, assoc_time since)
{
    assoc_time now = assoc_now();
    if (!has)
        fail_msg("%s: NULL, expected a time", what);
    if (t < since - INT64_C(900000000) || t > now + INT64_C(5000000))
        fail_msg("%s: %lld is not the time of this run (%lld .. %lld): a time zone or clock error?", what,
                 (long long)t, (long long)since, (long long)now);
}

#endif
