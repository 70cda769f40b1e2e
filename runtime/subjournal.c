/* subjournal.c - the VFS libassoc connections open with: the one they
 * would have used, except that a savepoint's sub-journal is kept in memory,
 * in chunks that stay allocated until the transaction ends.
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
 *     temporary file written with a system call per page (the benchmark's
 *     delete phase ran 1.4x slower).
 * With this VFS and temp_store=FILE, a savepoint's first 64 KiB go to
 * SQLite's one chunk as before, and past that the "temporary file" is the
 * subj_file below.  SQLite then never truncates it: each savepoint writes
 * its records from the start again, over what the last one left, so once
 * the file has grown to the largest savepoint of the transaction a
 * savepoint costs its page copies and nothing else.  SQLite closes the
 * sub-journal when the transaction ends, which frees it.
 *
 * Everything else -- the database, its WAL and journal, temporary tables
 * and sorts -- goes to the wrapped VFS unchanged, so a VFS the application
 * installed as the default (a fault-injecting one in our tests) still sees
 * those files; only a spilled sub-journal never reaches it.
 *
 * One wrapper per wrapped VFS, for the life of the process, registered
 * with SQLite under a name made from the wrapped VFS's address: connections
 * share a cache only if they use the same VFS (SQLite compares the
 * pointers), and a shared cache can outlive the connection that opened it,
 * so the wrapper is never unregistered.  The wrappers are libassoc's only
 * state outside an assoc_db (see wrappers[] below).
 */
#include "subjournal.h"

#include <stdio.h>
#include <string.h>

/* A sub-journal: bytes [0, size), in chunks of SUBJ_CHUNK bytes (an array
 * of nchunks pointers, cap slots).  Chunks, not one buffer: a savepoint can
 * change more pages than one allocation may hold (sqlite3_realloc64 stops
 * short of 2 GiB), and growing never copies what is there. */
typedef struct subj_file {
    sqlite3_file base;
    unsigned char **chunks;
    size_t nchunks;
    size_t cap;
    sqlite3_int64 size;
} subj_file;

enum { SUBJ_CHUNK = 256 * 1024 };

static int subj_close(sqlite3_file *f)
{
    subj_file *s = (subj_file *)f;

    for (size_t i = 0; i < s->nchunks; i++)
        sqlite3_free(s->chunks[i]);
    sqlite3_free(s->chunks);
    s->chunks = NULL;
    s->nchunks = s->cap = 0;
    s->size = 0;
    return SQLITE_OK;
}

/* Make room for bytes [0, end).  New chunks are zeroed, so a write past
 * the end leaves zeros in the gap, as a file would. */
static int subj_reserve(subj_file *s, sqlite3_int64 end)
{
    size_t need = (size_t)((end + SUBJ_CHUNK - 1) / SUBJ_CHUNK);

    if (need > s->cap) {
        size_t cap = s->cap > 0 ? s->cap * 2 : 16;
        unsigned char **p;
        while (cap < need)
            cap *= 2;
        p = sqlite3_realloc64(s->chunks, (sqlite3_uint64)cap * sizeof *p);
        if (p == NULL)
            return SQLITE_IOERR_NOMEM;
        s->chunks = p;
        s->cap = cap;
    }
    while (s->nchunks < need) {
        unsigned char *c = sqlite3_malloc(SUBJ_CHUNK);
        if (c == NULL)
            return SQLITE_IOERR_NOMEM;
        memset(c, 0, SUBJ_CHUNK);
        s->chunks[s->nchunks++] = c;
    }
    return SQLITE_OK;
}

/* Copy n bytes between buf and the file at off (to the file when `in`). */
static void subj_copy(subj_file *s, unsigned char *buf, int n, sqlite3_int64 off, int in)
{
    while (n > 0) {
        size_t at = (size_t)(off % SUBJ_CHUNK);
        size_t len = SUBJ_CHUNK - at < (size_t)n ? SUBJ_CHUNK - at : (size_t)n;
        unsigned char *c = s->chunks[off / SUBJ_CHUNK] + at;
        if (in)
            memcpy(c, buf, len);
        else
            memcpy(buf, c, len);
        buf += len;
        off += (sqlite3_int64)len;
        n -= (int)len;
    }
}

/* A read past the end fills the rest with zeros and says so, as a file's
 * would. */
static int subj_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    subj_file *s = (subj_file *)f;
    sqlite3_int64 have = off < s->size ? s->size - off : 0;

    if (off < 0 || n < 0)
        return SQLITE_IOERR_READ;
    if (have >= n) {
        subj_copy(s, buf, n, off, 0);
        return SQLITE_OK;
    }
    if (have > 0)
        subj_copy(s, buf, (int)have, off, 0);
    memset((unsigned char *)buf + have, 0, (size_t)(n - have));
    return SQLITE_IOERR_SHORT_READ;
}

static int subj_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    subj_file *s = (subj_file *)f;
    sqlite3_int64 end = off + n;
    int rc;

    if (off < 0 || n < 0)
        return SQLITE_IOERR_WRITE;
    rc = subj_reserve(s, end);
    if (rc != SQLITE_OK)
        return rc;
    subj_copy(s, (unsigned char *)buf, n, off, 1);
    if (end > s->size)
        s->size = end;
    return SQLITE_OK;
}

/* SQLite truncates only its own in-memory journals, but a file must
 * answer: the size shrinks, the chunks stay, zeroed past the new end so
 * that a later write beyond a gap still reads zeros there. */
static int subj_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    subj_file *s = (subj_file *)f;

    if (size < 0)
        size = 0;
    for (sqlite3_int64 off = size; off < s->size;) {
        size_t at = (size_t)(off % SUBJ_CHUNK);
        size_t len = SUBJ_CHUNK - at;
        if ((sqlite3_int64)len > s->size - off)
            len = (size_t)(s->size - off);
        memset(s->chunks[off / SUBJ_CHUNK] + at, 0, len);
        off += (sqlite3_int64)len;
    }
    if (size < s->size)
        s->size = size;
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

/* A wrapper VFS. */
typedef struct wrapper {
    sqlite3_vfs base; /* first, so that the sqlite3_vfs * SQLite passes back is the struct */
    sqlite3_vfs *real;
    char name[48];
} wrapper;

/* ---- the VFS: sub-journals here, everything else to the wrapped one ---- */

static sqlite3_vfs *real_of(sqlite3_vfs *v)
{
    return ((wrapper *)v)->real;
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

/* The wrappers, one per VFS that was the default when a connection
 * opened.  Static storage, not the heap: a wrapper is registered with
 * SQLite for the life of the process (a shared cache can outlive the
 * connection that opened it), so it is process-wide by nature, and this
 * way it is never an allocation left behind.  Guarded by the static mutex
 * SQLite reserves for an application's VFS. */
enum { MAX_WRAPPERS = 8 };
static wrapper wrappers[MAX_WRAPPERS];
static size_t nwrappers;

/* Fill w to wrap `real` and register it (not as the default).  A method
 * the wrapped VFS lacks stays NULL here too, so SQLite sees the same
 * capabilities through the wrapper. */
static int wrap(wrapper *w, sqlite3_vfs *real)
{
    memset(w, 0, sizeof *w);
    w->real = real;
    snprintf(w->name, sizeof w->name, "assoc-%p", (void *)real);
    w->base.iVersion = real->iVersion >= 2 ? 2 : 1;
    w->base.szOsFile = real->szOsFile > (int)sizeof(subj_file) ? real->szOsFile : (int)sizeof(subj_file);
    w->base.mxPathname = real->mxPathname;
    w->base.zName = w->name;
    w->base.xOpen = vfs_open;
    w->base.xDelete = real->xDelete != NULL ? vfs_delete : NULL;
    w->base.xAccess = real->xAccess != NULL ? vfs_access : NULL;
    w->base.xFullPathname = real->xFullPathname != NULL ? vfs_full_pathname : NULL;
    w->base.xDlOpen = real->xDlOpen != NULL ? vfs_dlopen : NULL;
    w->base.xDlError = real->xDlError != NULL ? vfs_dlerror : NULL;
    w->base.xDlSym = real->xDlSym != NULL ? vfs_dlsym : NULL;
    w->base.xDlClose = real->xDlClose != NULL ? vfs_dlclose : NULL;
    w->base.xRandomness = real->xRandomness != NULL ? vfs_randomness : NULL;
    w->base.xSleep = real->xSleep != NULL ? vfs_sleep : NULL;
    w->base.xCurrentTime = real->xCurrentTime != NULL ? vfs_current_time : NULL;
    w->base.xGetLastError = real->xGetLastError != NULL ? vfs_last_error : NULL;
    if (w->base.iVersion >= 2)
        w->base.xCurrentTimeInt64 = real->xCurrentTimeInt64 != NULL ? vfs_current_time64 : NULL;
    return sqlite3_vfs_register(&w->base, 0);
}

/* With every slot taken (eight different default VFSes in one process),
 * the default itself: such connections keep their sub-journals as SQLite
 * would (assoc_open then sets temp_store=MEMORY). */
int assoc__vfs_get(sqlite3_vfs **out)
{
    sqlite3_vfs *real;
    sqlite3_mutex *mutex;
    int rc;

    *out = NULL;
    rc = sqlite3_initialize();
    if (rc != SQLITE_OK)
        return rc;
    real = sqlite3_vfs_find(NULL);
    if (real == NULL)
        return SQLITE_ERROR;
    if (real->xOpen == vfs_open) { /* the application made a wrapper the default */
        *out = real;
        return SQLITE_OK;
    }
    mutex = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_VFS3);
    sqlite3_mutex_enter(mutex);
    for (size_t i = 0; i < nwrappers && *out == NULL; i++)
        if (wrappers[i].real == real)
            *out = &wrappers[i].base;
    if (*out == NULL && nwrappers < MAX_WRAPPERS) {
        rc = wrap(&wrappers[nwrappers], real);
        if (rc == SQLITE_OK)
            *out = &wrappers[nwrappers++].base;
    }
    if (*out == NULL && rc == SQLITE_OK)
        *out = real;
    sqlite3_mutex_leave(mutex);
    return rc;
}

bool assoc__vfs_is_ours(const sqlite3_vfs *v)
{
    return v != NULL && v->xOpen == vfs_open;
}
