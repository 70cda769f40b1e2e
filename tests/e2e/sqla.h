/* sqla.h - what the end-to-end tests that share a database file with
 * SQLAlchemy 1.4 share (tests/e2e/microblog, forum, tasks): a temporary
 * directory holding the file, and running tests/interop/SCRIPT on it.
 *
 * Each test writes the database with the generated C API and has the script
 * check it through SQLAlchemy's ORM, and the reverse: the script writes it
 * (SQLAlchemy's own DDL), C reads and changes it, the script checks the
 * result.  The scripts print nothing when all is well and exit 1 listing
 * every mismatch otherwise.
 *
 * Needs /usr/bin/python3 with python3-sqlalchemy: without it the tests fail
 * and say to run `make deps`. */
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
    char path[1100];
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
    *st = f;
    return 0;
}

/* Close what a failed test left open; remove the file and its side files. */
static int sqla_teardown(void **st)
{
    static const char *const side[] = { "", "-wal", "-shm", "-journal" };
    sqla_fixture *f = *st;
    int rc = 0;
    assoc_close(f->db);
    for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
        char p[1200];
        snprintf(p, sizeof p, "%s%s", f->path, side[i]);
        unlink(p);
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

/* python3 tests/interop/SCRIPT DBFILE MODE, which must succeed.  The
 * connection is closed first, so that the script sees every commit. */
static void sqla_run(sqla_fixture *f, const char *script, const char *mode)
{
    static int importable = -1;
    if (importable < 0)
        importable = sqla_system(SQLA_PYTHON " -B -c 'import sqlalchemy, sqlalchemy.orm' >/dev/null 2>&1") == 0;
    if (!importable)
        fail_msg("SQLAlchemy is not importable by " SQLA_PYTHON ": run `make deps`, which installs Debian's "
                 "python3-sqlalchemy (1.4), then run this test again");
    assoc_close(f->db);
    f->db = NULL;
    char cmd[4096] = SQLA_PYTHON " -B ", path[1024];
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
