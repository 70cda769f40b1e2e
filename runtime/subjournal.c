/* subjournal.c - the VFS every libassoc connection opens with: the one it
 * would have used, except that a savepoint's sub-journal is a buffer in
 * memory that keeps its allocation when SQLite truncates it.
 *
 * Why.  Every generated function that issues more than one statement runs
 * in a savepoint, and inside a savepoint SQLite copies each page it is
 * about to change into a sub-journal, so that ROLLBACK TO can put it back.
 * Where that journal lives is the cost:
 *   - temp_store=MEMORY: a memory journal of 1 KiB chunks, allocated as it
 *     grows and all freed when the savepoint is released.  A cascade delete
 *     of a user with ten orders touches about 13 pages: some 52 allocations
 *     and frees, more than half of what the savepoint costs (bench/README.md).
 *   - temp_store=FILE: one 64 KiB chunk, which past 64 KiB spills to a
 *     temporary file that stays a file, written with a system call per
 *     page, until the transaction ends (the delete ran 1.4x slower).
 * With this VFS and temp_store=FILE, a savepoint's first 64 KiB go to the
 * one chunk as before, and past that the "temporary file" is this buffer:
 * once it has grown to the largest savepoint of the transaction, a
 * savepoint costs its page copies and nothing else.  SQLite closes the
 * sub-journal when the transaction ends, which frees the buffer.
 *
 * Everything else -- the database, its WAL and journal, temporary
 * databases -- goes to the wrapped VFS unchanged, so a VFS the application
 * installed as the default (a fault-injecting one in our tests) still sees
 * all of its files.
 */
#include "subjournal.h"

#include <stdio.h>
#include <string.h>

/* A sub-journal: bytes [0, size) of data, cap of them allocated. */
typedef struct subj_file {
    sqlite3_file base;
    unsigned char *data;
    sqlite3_int64 size;
    sqlite3_int64 cap;
} subj_file;

/* The first growth: one savepoint of a few dozen pages fits. */
enum { SUBJ_FIRST_CAP = 256 * 1024 };

struct assoc__vfs {
    sqlite3_vfs base; /* first, so that the sqlite3_vfs * SQLite passes back is the struct */
    sqlite3_vfs *real;
    char name[48];
};

/* ---- the sub-journal file ---- */

static int subj_close(sqlite3_file *f)
{
    subj_file *s = (subj_file *)f;

    sqlite3_free(s->data);
    s->data = NULL;
    s->size = s->cap = 0;
    return SQLITE_OK;
}

/* A read past the end fills the rest with zeros and says so, as a file's
 * would. */
static int subj_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    subj_file *s = (subj_file *)f;
    sqlite3_int64 have = off < s->size ? s->size - off : 0;

    if (have >= n) {
        memcpy(buf, s->data + off, (size_t)n);
        return SQLITE_OK;
    }
    if (have > 0)
        memcpy(buf, s->data + off, (size_t)have);
    memset((unsigned char *)buf + have, 0, (size_t)(n - have));
    return SQLITE_IOERR_SHORT_READ;
}

/* Grows by doubling; a write past the end fills the gap with zeros. */
static int subj_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    subj_file *s = (subj_file *)f;
    sqlite3_int64 end = off + n;

    if (off < 0 || n < 0)
        return SQLITE_IOERR_WRITE;
    if (end > s->cap) {
        sqlite3_int64 cap = s->cap > 0 ? s->cap : SUBJ_FIRST_CAP;
        unsigned char *p;
        while (cap < end)
            cap *= 2;
        p = sqlite3_realloc64(s->data, (sqlite3_uint64)cap);
        if (p == NULL)
            return SQLITE_IOERR_NOMEM;
        s->data = p;
        s->cap = cap;
    }
    if (off > s->size)
        memset(s->data + s->size, 0, (size_t)(off - s->size));
    memcpy(s->data + off, buf, (size_t)n);
    if (end > s->size)
        s->size = end;
    return SQLITE_OK;
}

/* The point of the file: the allocation stays for the next savepoint. */
static int subj_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    subj_file *s = (subj_file *)f;

    if (size < s->size)
        s->size = size < 0 ? 0 : size;
    return SQLITE_OK;
}

static int subj_sync(sqlite3_file *f, int flags)
{
    (void)f;
    (void)flags;
    return SQLITE_OK;
}

static int subj_size(sqlite3_file *f, sqlite3_int64 *size)
{
    *size = ((subj_file *)f)->size;
    return SQLITE_OK;
}

static int subj_lock(sqlite3_file *f, int level)
{
    (void)f;
    (void)level;
    return SQLITE_OK;
}

static int subj_check_reserved(sqlite3_file *f, int *out)
{
    (void)f;
    *out = 0;
    return SQLITE_OK;
}

static int subj_control(sqlite3_file *f, int op, void *arg)
{
    (void)f;
    (void)op;
    (void)arg;
    return SQLITE_NOTFOUND;
}

static int subj_sector_size(sqlite3_file *f)
{
    (void)f;
    return 0; /* SQLite's default */
}

static int subj_device(sqlite3_file *f)
{
    (void)f;
    return 0;
}

static const sqlite3_io_methods subj_methods = {
    .iVersion = 1,
    .xClose = subj_close,
    .xRead = subj_read,
    .xWrite = subj_write,
    .xTruncate = subj_truncate,
    .xSync = subj_sync,
    .xFileSize = subj_size,
    .xLock = subj_lock,
    .xUnlock = subj_lock,
    .xCheckReservedLock = subj_check_reserved,
    .xFileControl = subj_control,
    .xSectorSize = subj_sector_size,
    .xDeviceCharacteristics = subj_device,
};

/* ---- the VFS: sub-journals here, everything else to the wrapped one ---- */

static sqlite3_vfs *real_of(sqlite3_vfs *v)
{
    return ((assoc__vfs *)v)->real;
}

static int vfs_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    if ((flags & SQLITE_OPEN_SUBJOURNAL) != 0) {
        subj_file *s = (subj_file *)f;
        memset(s, 0, sizeof *s);
        s->base.pMethods = &subj_methods;
        if (out_flags != NULL)
            *out_flags = flags;
        return SQLITE_OK;
    }
    return real_of(v)->xOpen(real_of(v), name, f, flags, out_flags);
}

static int vfs_delete(sqlite3_vfs *v, const char *name, int sync)
{
    return real_of(v)->xDelete(real_of(v), name, sync);
}

static int vfs_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    return real_of(v)->xAccess(real_of(v), name, flags, out);
}

static int vfs_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    return real_of(v)->xFullPathname(real_of(v), name, n, out);
}

static void *vfs_dlopen(sqlite3_vfs *v, const char *path)
{
    return real_of(v)->xDlOpen(real_of(v), path);
}

static void vfs_dlerror(sqlite3_vfs *v, int n, char *msg)
{
    real_of(v)->xDlError(real_of(v), n, msg);
}

static void (*vfs_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    return real_of(v)->xDlSym(real_of(v), h, sym);
}

static void vfs_dlclose(sqlite3_vfs *v, void *h)
{
    real_of(v)->xDlClose(real_of(v), h);
}

static int vfs_randomness(sqlite3_vfs *v, int n, char *out)
{
    return real_of(v)->xRandomness(real_of(v), n, out);
}

static int vfs_sleep(sqlite3_vfs *v, int us)
{
    return real_of(v)->xSleep(real_of(v), us);
}

static int vfs_current_time(sqlite3_vfs *v, double *out)
{
    return real_of(v)->xCurrentTime(real_of(v), out);
}

static int vfs_last_error(sqlite3_vfs *v, int n, char *msg)
{
    return real_of(v)->xGetLastError(real_of(v), n, msg);
}

static int vfs_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    return real_of(v)->xCurrentTimeInt64(real_of(v), out);
}

/* A method the wrapped VFS lacks stays NULL here too, so SQLite sees the
 * same capabilities through the wrapper. */
int assoc__vfs_create(assoc__vfs **out)
{
    sqlite3_vfs *real;
    assoc__vfs *v;
    int rc;

    *out = NULL;
    rc = sqlite3_initialize();
    if (rc != SQLITE_OK)
        return rc;
    real = sqlite3_vfs_find(NULL);
    if (real == NULL)
        return SQLITE_ERROR;
    v = sqlite3_malloc(sizeof *v);
    if (v == NULL)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->real = real;
    snprintf(v->name, sizeof v->name, "assoc-%p", (void *)v);

    v->base.iVersion = real->iVersion >= 2 ? 2 : 1;
    v->base.szOsFile = real->szOsFile > (int)sizeof(subj_file) ? real->szOsFile : (int)sizeof(subj_file);
    v->base.mxPathname = real->mxPathname;
    v->base.zName = v->name;
    v->base.xOpen = vfs_open;
    v->base.xDelete = real->xDelete != NULL ? vfs_delete : NULL;
    v->base.xAccess = real->xAccess != NULL ? vfs_access : NULL;
    v->base.xFullPathname = real->xFullPathname != NULL ? vfs_full_pathname : NULL;
    v->base.xDlOpen = real->xDlOpen != NULL ? vfs_dlopen : NULL;
    v->base.xDlError = real->xDlError != NULL ? vfs_dlerror : NULL;
    v->base.xDlSym = real->xDlSym != NULL ? vfs_dlsym : NULL;
    v->base.xDlClose = real->xDlClose != NULL ? vfs_dlclose : NULL;
    v->base.xRandomness = real->xRandomness != NULL ? vfs_randomness : NULL;
    v->base.xSleep = real->xSleep != NULL ? vfs_sleep : NULL;
    v->base.xCurrentTime = real->xCurrentTime != NULL ? vfs_current_time : NULL;
    v->base.xGetLastError = real->xGetLastError != NULL ? vfs_last_error : NULL;
    if (v->base.iVersion >= 2)
        v->base.xCurrentTimeInt64 = real->xCurrentTimeInt64 != NULL ? vfs_current_time64 : NULL;

    rc = sqlite3_vfs_register(&v->base, 0);
    if (rc != SQLITE_OK) {
        sqlite3_free(v);
        return rc;
    }
    *out = v;
    return SQLITE_OK;
}

const char *assoc__vfs_name(const assoc__vfs *v)
{
    return v->name;
}

const sqlite3_vfs *assoc__vfs_base(const assoc__vfs *v)
{
    return &v->base;
}

void assoc__vfs_destroy(assoc__vfs *v)
{
    if (v == NULL)
        return;
    sqlite3_vfs_unregister(&v->base);
    sqlite3_free(v);
}
