/* rel.h - shared by the reliability tests (tests/reliability/test_*.c):
 * a counting, failing allocator for SQLite (and so for libassoc, which
 * allocates through SQLite), a fault-injecting VFS, database dumps, the
 * seed fixture, and serializers for the seed's records.
 *
 * Everything here is static: each test program includes it once. */
#ifndef ASSOCGEN_REL_H
#define ASSOCGEN_REL_H

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "assoc.h"

/* OK(), RC(), sql_int() and db_fingerprint(): the end-to-end tests' helpers. */
#include "e2e.h"

/* ------------------------------------------------------------------
 * Growing text buffer (libc memory: never counted by the allocator)
 * ---------------------------------------------------------------- */

typedef struct rbuf {
    char *s;
    size_t len, cap;
} rbuf;

static void rbuf_add(rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void rbuf_add(rbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (p == NULL)
            abort();
        b->s = p;
        b->cap = cap;
        b->s[b->len] = '\0';
    }
}

static inline void rbuf_free(rbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

static inline const char *rbuf_str(const rbuf *b)
{
    return b->s ? b->s : "";
}

/* ------------------------------------------------------------------
 * The allocator: counts live blocks, fails the nth allocation
 * ---------------------------------------------------------------- */

typedef struct rel_mem_state {
    sqlite3_mem_methods orig;
    long long live;         /* blocks handed out and not freed */
    long long calls;        /* xMalloc + xRealloc calls since rel_mem_arm */
    long long fail_at;      /* 1-based; 0: never */
    bool persistent;        /* fail every allocation from fail_at on */
    bool armed;
    long long failures;     /* allocations refused since rel_mem_arm */
} rel_mem_state;

static rel_mem_state rel_mem;

static inline bool rel_mem_refuse(void)
{
    if (!rel_mem.armed)
        return false;
    rel_mem.calls++;
    if (rel_mem.fail_at > 0 &&
        (rel_mem.calls == rel_mem.fail_at || (rel_mem.persistent && rel_mem.calls > rel_mem.fail_at))) {
        rel_mem.failures++;
        return true;
    }
    return false;
}

static inline void *rel_xmalloc(int n)
{
    if (rel_mem_refuse())
        return NULL;
    void *p = rel_mem.orig.xMalloc(n);
    if (p)
        rel_mem.live++;
    return p;
}

static inline void rel_xfree(void *p)
{
    if (p)
        rel_mem.live--;
    rel_mem.orig.xFree(p);
}

static inline void *rel_xrealloc(void *p, int n)
{
    if (rel_mem_refuse())
        return NULL;
    return rel_mem.orig.xRealloc(p, n);
}

/* Call first thing in main(), before anything initializes SQLite.  Lookaside
 * is turned off so that every allocation reaches the counting allocator. */
static inline int rel_mem_install(void)
{
    sqlite3_mem_methods m;
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &rel_mem.orig) != SQLITE_OK)
        return -1;
    m = rel_mem.orig;
    m.xMalloc = rel_xmalloc;
    m.xFree = rel_xfree;
    m.xRealloc = rel_xrealloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK)
        return -1;
    if (sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK)
        return -1;
    return sqlite3_initialize() == SQLITE_OK ? 0 : -1;
}

static inline void rel_mem_arm(long long fail_at, bool persistent)
{
    rel_mem.calls = 0;
    rel_mem.failures = 0;
    rel_mem.fail_at = fail_at;
    rel_mem.persistent = persistent;
    rel_mem.armed = true;
}

static inline void rel_mem_disarm(void)
{
    rel_mem.armed = false;
    rel_mem.fail_at = 0;
}

/* ------------------------------------------------------------------
 * The fault VFS: wraps the default VFS; fails the nth read, write or sync
 * ---------------------------------------------------------------- */

enum rel_io_kind { REL_IO_READ, REL_IO_WRITE, REL_IO_SYNC, REL_IO_FULL, REL_IO_KINDS };
static const char *const rel_io_name[REL_IO_KINDS] = { "read", "write", "sync", "disk-full" };

typedef struct rel_io_state {
    sqlite3_vfs vfs;
    sqlite3_vfs *real;
    bool armed;
    enum rel_io_kind kind;
    long long calls[REL_IO_KINDS];  /* since rel_io_arm */
    long long fail_at;
    bool persistent;
    long long failures;
} rel_io_state;

static rel_io_state rel_io;

typedef struct rel_file {
    sqlite3_file base;
    sqlite3_file *real;     /* follows this struct */
} rel_file;

/* Does an operation of kind k fail now? (REL_IO_FULL counts writes.) */
static inline bool rel_io_refuse(enum rel_io_kind k)
{
    if (!rel_io.armed)
        return false;
    enum rel_io_kind counted = rel_io.kind == REL_IO_FULL ? REL_IO_WRITE : rel_io.kind;
    if (k != counted)
        return false;
    long long n = ++rel_io.calls[k];
    if (n == rel_io.fail_at || (rel_io.persistent && n > rel_io.fail_at)) {
        rel_io.failures++;
        return true;
    }
    return false;
}

#define RF(f) (((rel_file *)(f))->real)

static inline int rel_close(sqlite3_file *f)
{
    int rc = RF(f)->pMethods ? RF(f)->pMethods->xClose(RF(f)) : SQLITE_OK;
    return rc;
}
static inline int rel_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    if (rel_io_refuse(REL_IO_READ))
        return SQLITE_IOERR_READ;
    return RF(f)->pMethods->xRead(RF(f), buf, n, off);
}
static inline int rel_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (rel_io_refuse(REL_IO_WRITE))
        return rel_io.kind == REL_IO_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return RF(f)->pMethods->xWrite(RF(f), buf, n, off);
}
static inline int rel_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return RF(f)->pMethods->xTruncate(RF(f), size);
}
static inline int rel_sync(sqlite3_file *f, int flags)
{
    if (rel_io_refuse(REL_IO_SYNC))
        return SQLITE_IOERR_FSYNC;
    return RF(f)->pMethods->xSync(RF(f), flags);
}
static int rel_size(sqlite3_file *f, sqlite3_int64 *size) { return RF(f)->pMethods->xFileSize(RF(f), size); }
static int rel_lock(sqlite3_file *f, int l) { return RF(f)->pMethods->xLock(RF(f), l); }
static int rel_unlock(sqlite3_file *f, int l) { return RF(f)->pMethods->xUnlock(RF(f), l); }
static int rel_check(sqlite3_file *f, int *out) { return RF(f)->pMethods->xCheckReservedLock(RF(f), out); }
static inline int rel_fcntl(sqlite3_file *f, int op, void *arg)
{
    return RF(f)->pMethods->xFileControl(RF(f), op, arg);
}
static int rel_sector(sqlite3_file *f) { return RF(f)->pMethods->xSectorSize(RF(f)); }
static int rel_devchar(sqlite3_file *f) { return RF(f)->pMethods->xDeviceCharacteristics(RF(f)); }
static inline int rel_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
    return RF(f)->pMethods->xShmMap(RF(f), pg, sz, ext, pp);
}
static inline int rel_shmlock(sqlite3_file *f, int off, int n, int flags)
{
    return RF(f)->pMethods->xShmLock(RF(f), off, n, flags);
}
static void rel_shmbarrier(sqlite3_file *f) { RF(f)->pMethods->xShmBarrier(RF(f)); }
static int rel_shmunmap(sqlite3_file *f, int del) { return RF(f)->pMethods->xShmUnmap(RF(f), del); }
/* No memory mapping: every page read goes through xRead. */
static inline int rel_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    (void)f, (void)off, (void)n;
    *pp = NULL;
    return SQLITE_OK;
}
static inline int rel_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    (void)f, (void)off, (void)p;
    return SQLITE_OK;
}

static const sqlite3_io_methods rel_io_methods = {
    3, rel_close, rel_read, rel_write, rel_truncate, rel_sync, rel_size, rel_lock, rel_unlock, rel_check,
    rel_fcntl, rel_sector, rel_devchar, rel_shmmap, rel_shmlock, rel_shmbarrier, rel_shmunmap, rel_fetch,
    rel_unfetch,
};

static inline int rel_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    rel_file *rf = (rel_file *)f;
    (void)vfs;
    rf->real = (sqlite3_file *)(rf + 1);
    memset(rf->real, 0, (size_t)rel_io.real->szOsFile);
    int rc = rel_io.real->xOpen(rel_io.real, name, rf->real, flags, out_flags);
    rf->base.pMethods = rf->real->pMethods ? &rel_io_methods : NULL;
    return rc;
}
static inline int rel_delete(sqlite3_vfs *v, const char *name, int sync)
{
    (void)v;
    return rel_io.real->xDelete(rel_io.real, name, sync);
}
static inline int rel_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return rel_io.real->xAccess(rel_io.real, name, flags, out);
}
static inline int rel_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return rel_io.real->xFullPathname(rel_io.real, name, n, out);
}
static void *rel_dlopen(sqlite3_vfs *v, const char *p) { (void)v; return rel_io.real->xDlOpen(rel_io.real, p); }
static void rel_dlerror(sqlite3_vfs *v, int n, char *m) { (void)v; rel_io.real->xDlError(rel_io.real, n, m); }
static inline void (*rel_dlsym(sqlite3_vfs *v, void *h, const char *s))(void)
{
    (void)v;
    return rel_io.real->xDlSym(rel_io.real, h, s);
}
static void rel_dlclose(sqlite3_vfs *v, void *h) { (void)v; rel_io.real->xDlClose(rel_io.real, h); }
static int rel_random(sqlite3_vfs *v, int n, char *out) { (void)v; return rel_io.real->xRandomness(rel_io.real, n, out); }
static int rel_sleep(sqlite3_vfs *v, int us) { (void)v; return rel_io.real->xSleep(rel_io.real, us); }
static int rel_time(sqlite3_vfs *v, double *t) { (void)v; return rel_io.real->xCurrentTime(rel_io.real, t); }
static int rel_lasterr(sqlite3_vfs *v, int n, char *m) { (void)v; return rel_io.real->xGetLastError(rel_io.real, n, m); }
static inline int rel_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
    (void)v;
    return rel_io.real->xCurrentTimeInt64(rel_io.real, t);
}

/* Register the fault VFS as the default, so that assoc_open() uses it. */
static inline int rel_io_install(void)
{
    rel_io.real = sqlite3_vfs_find(NULL);
    if (rel_io.real == NULL || rel_io.real->iVersion < 2)
        return -1;
    sqlite3_vfs *v = &rel_io.vfs;
    v->iVersion = 2;
    v->szOsFile = (int)sizeof(rel_file) + rel_io.real->szOsFile;
    v->mxPathname = rel_io.real->mxPathname;
    v->zName = "relfault";
    v->xOpen = rel_open;
    v->xDelete = rel_delete;
    v->xAccess = rel_access;
    v->xFullPathname = rel_fullpath;
    v->xDlOpen = rel_dlopen;
    v->xDlError = rel_dlerror;
    v->xDlSym = rel_dlsym;
    v->xDlClose = rel_dlclose;
    v->xRandomness = rel_random;
    v->xSleep = rel_sleep;
    v->xCurrentTime = rel_time;
    v->xGetLastError = rel_lasterr;
    v->xCurrentTimeInt64 = rel_time64;
    return sqlite3_vfs_register(v, 1) == SQLITE_OK ? 0 : -1;
}

static inline void rel_io_arm(enum rel_io_kind kind, long long fail_at, bool persistent)
{
    memset(rel_io.calls, 0, sizeof rel_io.calls);
    rel_io.failures = 0;
    rel_io.kind = kind;
    rel_io.fail_at = fail_at;
    rel_io.persistent = persistent;
    rel_io.armed = true;
}

static inline void rel_io_disarm(void)
{
    rel_io.armed = false;
}

/* ------------------------------------------------------------------
 * Dumps
 * ---------------------------------------------------------------- */

/* Is text a datetime within two days of now (a default written by now or
 * CURRENT_TIMESTAMP, which differs from run to run)? */
static inline bool rel_is_recent_time(const char *text, size_t len)
{
    assoc_time t;
    if (assoc_time_parse(text, len, &t) != ASSOC_OK)
        return false;
    assoc_time now = assoc_now(), day = INT64_C(86400000000);
    return t > now - 2 * day && t < now + 2 * day;
}

/* Every row of every table (in storage order) and the schema, as text.
 * normalize: recent datetimes print as <now>.  Returns a malloc'd string;
 * NULL when the database could not be read (the message in *err). */
static inline char *rel_dump(sqlite3 *h, bool normalize)
{
    rbuf b = { 0 };
    sqlite3_stmt *tables = NULL;
    bool saved = rel_mem.armed;

    rel_mem.armed = false;
    if (sqlite3_prepare_v2(h,
                           "SELECT type, name, tbl_name, ifnull(sql, '') FROM sqlite_master ORDER BY type, name",
                           -1, &tables, NULL) != SQLITE_OK) {
        rel_mem.armed = saved;
        return NULL;
    }
    rbuf names = { 0 };
    size_t ntables = 0;
    while (sqlite3_step(tables) == SQLITE_ROW) {
        rbuf_add(&b, "schema %s %s %s: %s\n", sqlite3_column_text(tables, 0), sqlite3_column_text(tables, 1),
                 sqlite3_column_text(tables, 2), sqlite3_column_text(tables, 3));
        if (strcmp((const char *)sqlite3_column_text(tables, 0), "table") == 0) {
            rbuf_add(&names, "%s%c", sqlite3_column_text(tables, 1), '\0');
            ntables++;
        }
    }
    sqlite3_finalize(tables);
    const char *name = names.s;
    for (size_t t = 0; t < ntables; t++, name += strlen(name) + 1) {
        char sql[300];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
            rbuf_add(&b, "table %s: unreadable: %s\n", name, sqlite3_errmsg(h));
            continue;
        }
        rbuf_add(&b, "table %s\n", name);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            rbuf_add(&b, " ");
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                switch (sqlite3_column_type(st, c)) {
                case SQLITE_NULL:
                    rbuf_add(&b, " NULL");
                    break;
                case SQLITE_INTEGER:
                    rbuf_add(&b, " %lld", (long long)sqlite3_column_int64(st, c));
                    break;
                case SQLITE_FLOAT:
                    rbuf_add(&b, " %.17g", sqlite3_column_double(st, c));
                    break;
                case SQLITE_BLOB: {
                    const unsigned char *p = sqlite3_column_blob(st, c);
                    int n = sqlite3_column_bytes(st, c);
                    rbuf_add(&b, " x'");
                    for (int i = 0; i < n; i++)
                        rbuf_add(&b, "%02x", p[i]);
                    rbuf_add(&b, "'");
                    break;
                }
                default: {
                    const char *s = (const char *)sqlite3_column_text(st, c);
                    int n = sqlite3_column_bytes(st, c);
                    if (normalize && rel_is_recent_time(s, (size_t)n))
                        rbuf_add(&b, " <now>");
                    else
                        rbuf_add(&b, " '%.*s'", n, s);
                }
                }
            }
            rbuf_add(&b, "\n");
        }
        if (rc != SQLITE_DONE)
            rbuf_add(&b, "table %s: read failed: %s\n", name, sqlite3_errmsg(h));
        sqlite3_finalize(st);
    }
    rbuf_free(&names);
    rel_mem.armed = saved;
    return b.s ? b.s : strdup("");
}

/* One row of text from a query (e.g. PRAGMA integrity_check), joined. */
static inline char *rel_query_text(sqlite3 *h, const char *sql)
{
    rbuf b = { 0 };
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
        rbuf_add(&b, "prepare failed: %s", sqlite3_errmsg(h));
        return b.s;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++)
            rbuf_add(&b, "%s%s", c ? "|" : (b.len ? ";" : ""),
                     sqlite3_column_text(st, c) ? (const char *)sqlite3_column_text(st, c) : "NULL");
    }
    if (rc != SQLITE_DONE)
        rbuf_add(&b, "step failed: %s", sqlite3_errmsg(h));
    sqlite3_finalize(st);
    return b.s ? b.s : strdup("");
}

/* integrity_check says "ok" and foreign_key_check says nothing. */
static inline void rel_assert_consistent(sqlite3 *h)
{
    char *ic = rel_query_text(h, "PRAGMA integrity_check");
    char *fk = rel_query_text(h, "PRAGMA foreign_key_check");
    if (strcmp(ic, "ok") != 0 || fk[0] != '\0')
        fail_msg("database inconsistent: integrity_check: %s; foreign_key_check: %s", ic, fk);
    free(ic);
    free(fk);
}

/* ------------------------------------------------------------------
 * Scratch directories and files
 * ---------------------------------------------------------------- */

static char rel_tmp[256];

/* A fresh directory for this program's files; removed by rel_tmp_cleanup. */
static inline const char *rel_tmpdir(void)
{
    if (rel_tmp[0] == '\0') {
        /* $TMPDIR, else /dev/shm (no disk syncs: the tests kill processes,
         * they do not cut the power), else /tmp. */
        const char *base = getenv("TMPDIR");
        if (base == NULL || *base == '\0')
            base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(rel_tmp, sizeof rel_tmp, "%s/assoc-rel-XXXXXX", base);
        if (mkdtemp(rel_tmp) == NULL) {
            fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
            abort();
        }
    }
    return rel_tmp;
}

static inline void rel_tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", rel_tmpdir(), name);
}

/* Remove path and its -wal, -shm and -journal companions. */
static inline void rel_remove_db(const char *path)
{
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
    char p[512];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static inline void rel_tmp_cleanup(void)
{
    if (rel_tmp[0] != '\0') {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", rel_tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", rel_tmp);
    }
}

static inline int rel_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

static inline void rel_sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static inline double rel_ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

#endif
