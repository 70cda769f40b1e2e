/* assoc.c - libassoc, the runtime under assocgen's generated code.
 *
 * The contract of every function is in assoc.h; the comments here say how
 * and why.  Three rules hold throughout:
 *
 *   - Nothing prints and nothing aborts.  A failure returns an ASSOC_ code and
 *     leaves its reason in the connection's message buffer, a fixed array in
 *     struct assoc_db, so that recording an error never allocates and works
 *     under out-of-memory too.
 *   - There is no global mutable state: everything lives in an assoc_db, and
 *     an assoc_db is used by one thread at a time.  (The one exception is
 *     the VFS wrappers of subjournal.c, process-wide because SQLite's list
 *     of VFSes is, and guarded by a mutex of SQLite's.)
 *   - All memory comes from SQLite's allocator (sqlite3_malloc64 and
 *     friends), the assoc_db itself included, so one
 *     sqlite3_config(SQLITE_CONFIG_MALLOC) governs the whole program.
 *
 * Two databases.  A connection holds a SQLite handle or a PostgreSQL one
 * (pg.c); every function that runs SQL asks which.  The statement functions
 * generated code calls most (step, bind, read a number) are inline in
 * assoc.h and take SQLite's path there; the rest are here.
 *
 * The file is in six parts: the connection, errors and memory; transactions
 * and atomic sections; statements and their cache; binding and reading
 * values; rows; datetimes.
 */
/* clock_gettime and CLOCK_REALTIME are POSIX, not C11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "assoc.h"
#include "calendar.h"
#include "pg.h"
#include "subjournal.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Room for one error message.  Longer messages are truncated. */
enum { MSG_SIZE = 512 };

/* The statements the library itself issues.  They are prepared once, on
 * first use, and kept, because assoc_tx_enter/assoc_tx_leave run around
 * every multi-statement generated function and re-parsing "SAVEPOINT ..."
 * each time would cost more than the work inside many of them.
 *
 * Savepoint names: levels opened by assoc_begin() are all called assoc_sp
 * and atomic sections are all called assoc_tx.  Reusing one name per kind
 * is correct because levels nest strictly: RELEASE and ROLLBACK TO act on
 * the most recent savepoint of that name, which is always the innermost. */
enum sys_stmt {
    SYS_BEGIN,
    SYS_BEGIN_WRITE,
    SYS_COMMIT,
    SYS_ROLLBACK,
    SYS_SP,
    SYS_SP_RELEASE,
    SYS_SP_ROLLBACK,
    SYS_TX,
    SYS_TX_RELEASE,
    SYS_TX_ROLLBACK,
    SYS_COUNT
};

/* SQLite's text; PostgreSQL's differs only for BEGIN IMMEDIATE, which it
 * does not have (its writers lock rows, not the database). */
static const char *const sys_sql[SYS_COUNT] = {
    "BEGIN",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT assoc_sp",
    "RELEASE assoc_sp",
    "ROLLBACK TO assoc_sp",
    "SAVEPOINT assoc_tx",
    "RELEASE assoc_tx",
    "ROLLBACK TO assoc_tx",
};

/* One entry of the statement cache: the key (compared by address) and the
 * statement, allocated on its own so that growing the table moves no
 * statement a caller holds. */
typedef struct stmt_slot {
    const assoc_sql *sql;
    assoc_stmt *st;
} stmt_slot;

/* What assoc_rowids() knows of a table's row ids: the largest its last
 * call handed out (pending until the INSERT is done), valid while the
 * connection's write transaction, its data version and its count of
 * changes are those it was taken in. */
typedef struct rowid_slot {
    const assoc_sql *key;
    int64_t max, pending;
    sqlite3_int64 changes;     /* the connection's count of changes when taken */
    unsigned version;
    bool valid;
} rowid_slot;
enum { ROWID_SLOTS = 4 };

struct assoc_db {
    sqlite3 *handle;               /* SQLite, or NULL */
    assoc_pgconn *pg;              /* PostgreSQL, or NULL */

    /* The statement cache: an open-addressing table of cap slots (a power
     * of two, or 0 before the first statement) keyed by the address of the
     * assoc_sql.  Slots are never removed before assoc_close(), so the
     * table needs no tombstones.  A statement knows whether it is cached,
     * so releasing one needs no look-up. */
    stmt_slot *slots;
    size_t cap;
    size_t count;

    sqlite3_stmt *sys[SYS_COUNT];

    /* assoc_begin() levels.  depth is the number open; outer_savepoint is
     * true when level 1 is a savepoint rather than BEGIN, because a
     * transaction was already open when it began. */
    int depth;
    bool outer_savepoint;

    /* Atomic sections.  tx_depth is the number open; tx_owner is the depth
     * of the section that started the transaction (0: none), the one
     * section that must end it; tx_owner_began is true when it did so with
     * BEGIN IMMEDIATE rather than a savepoint, and so ends it with COMMIT. */
    int tx_depth;
    int tx_owner;
    bool tx_owner_began;

    /* Undoing failed work failed too (out of memory for good: a ROLLBACK
     * that must be prepared again after a schema change needs memory), so
     * the open transaction holds work that must never commit.  The next
     * call that could see or extend it -- settle(), at every entry that
     * runs SQL -- rolls the whole transaction back first; until then it is
     * visible through the raw handle only.  assoc_close() discards it. */
    bool doomed;

    /* The date part ("YYYY-MM-DD") of the last datetime text read_time()
     * converted, and its day number (see there). */
    char last_date[10];
    int64_t last_days;
    bool last_date_ok;

    /* Where an empty blob borrowed by assoc_column_blob_ref() points: the
     * API promises a non-NULL pointer, and SQLite gives NULL for those. */
    unsigned char empty;

    /* The memory assoc_rows_keep() gathers a collection in, kept between
     * calls (NULL while a call holds it, or before the first). */
    struct assoc_keep_buf *keep;

    /* The text of the second formatted last ("YYYY-MM-DD HH:MM:SS."):
     * rows written together share it, and only the microseconds change. */
    int64_t fmt_secs;
    char fmt_text[20];
    bool fmt_ok;

    /* The VFS the main database opened through: its clock is the one
     * SQLite's CURRENT_TIMESTAMP reads. */
    sqlite3_vfs *vfs;

    /* Row ids of the tables assoc_rowids() was last asked about. */
    rowid_slot rowids[ROWID_SLOTS];
    unsigned rowids_next;

    char msg[MSG_SIZE];
};

/* What assoc_errmsg() says when there is no db to hold a message. */
/* What assoc_errmsg(NULL) says: why this thread's last assoc_open failed
 * (there is no handle to hold it), or that there is no handle. */
static _Thread_local char open_msg[512];
static const char no_db_msg[] = "no database handle (NULL assoc_db)";

static void set_open_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void set_open_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(open_msg, sizeof open_msg, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------------
 * Errors and memory
 * ------------------------------------------------------------------- */

static void set_msgv(assoc_db *db, const char *fmt, va_list ap)
{
    if (fmt == NULL) {
        snprintf(db->msg, sizeof db->msg, "%s", "unknown error");
        return;
    }
    if (vsnprintf(db->msg, sizeof db->msg, fmt, ap) < 0)
        snprintf(db->msg, sizeof db->msg, "%s", "unknown error (bad message format)");
}

static void set_msg(assoc_db *db, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_msgv(db, fmt, ap);
    va_end(ap);
}

static void keep_buf_free(struct assoc_keep_buf *b);

/* Returns `code` unchanged, except that without a db there is nowhere to
 * record the message and the call itself is a misuse. */
int assoc_fail(assoc_db *db, int code, const char *fmt, ...)
{
    va_list ap;

    if (db == NULL)
        return ASSOC_MISUSE;
    va_start(ap, fmt);
    set_msgv(db, fmt, ap);
    va_end(ap);
    return code;
}

/* The ASSOC_ code for a primary SQLite result code. */
static int map_code(int primary)
{
    switch (primary) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return ASSOC_OK;
    case SQLITE_CONSTRAINT:
        return ASSOC_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ASSOC_BUSY;
    case SQLITE_NOMEM:
        return ASSOC_NOMEM;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        return ASSOC_MISUSE;
    default:
        return ASSOC_ERROR;
    }
}

/* The message is the connection's own (sqlite3_errmsg, e.g. "UNIQUE
 * constraint failed: users.email") when the connection's last error is the
 * one being reported; otherwise -- the code came from elsewhere, or the
 * message was already overwritten -- the generic text of the code. */
int assoc_status(assoc_db *db, int sqlite_rc)
{
    int primary = sqlite_rc & 0xff;
    const char *text = NULL;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (map_code(primary) == ASSOC_OK)
        return ASSOC_OK;
    if (db->handle != NULL && (sqlite3_errcode(db->handle) & 0xff) == primary)
        text = sqlite3_errmsg(db->handle);
    if (text == NULL)
        text = sqlite3_errstr(sqlite_rc);
    set_msg(db, "%s", text);
    return map_code(primary);
}

/* assoc_status() for the calls that succeed nearly always: no call then. */
static inline int lite_status(assoc_db *db, int sqlite_rc)
{
    return sqlite_rc == SQLITE_OK ? ASSOC_OK : assoc_status(db, sqlite_rc);
}

/* A PostgreSQL failure: the backend's code, its message copied here. */
static int pg_status(assoc_db *db, int rc)
{
    if (rc != ASSOC_OK && rc != ASSOC_ROW)
        set_msg(db, "%s", assoc_pg_errmsg(db->pg));
    return rc;
}

const char *assoc_errmsg(assoc_db *db)
{
    return db != NULL ? db->msg : open_msg[0] ? open_msg : no_db_msg;
}

sqlite3 *assoc_sqlite(assoc_db *db)
{
    return db != NULL ? db->handle : NULL;
}

PGconn *assoc_pg(assoc_db *db)
{
    return db != NULL && db->pg != NULL ? assoc_pg_conn(db->pg) : NULL;
}

/* Zero-byte requests get one byte, so that NULL always means "out of
 * memory" (SQLite's allocator returns NULL for 0). */
void *assoc_malloc(size_t n)
{
    return sqlite3_malloc64(n != 0 ? n : 1);
}

/* As realloc(), except that n == 0 keeps a one-byte block rather than
 * freeing p, for the same reason. */
void *assoc_realloc(void *p, size_t n)
{
    return sqlite3_realloc64(p, n != 0 ? n : 1);
}

void assoc_free(void *p)
{
    sqlite3_free(p);
}

/* ---------------------------------------------------------------------
 * The connection
 * ------------------------------------------------------------------- */

void assoc_options_init(assoc_options *o)
{
    static const assoc_options defaults = ASSOC_OPTIONS_INIT;

    if (o != NULL)
        *o = defaults;
}

/* Run a statement that returns one integer (a PRAGMA) into *value. */
static int query_int(assoc_db *db, const char *sql, int *value)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->handle, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *value = sqlite3_column_int(st, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            *value = 0;
            rc = SQLITE_OK;
        }
    }
    rc = assoc_status(db, rc);
    sqlite3_finalize(st);
    return rc;
}

/* Did the connection open through our VFS?  A "file:" path can name
 * another, and a shared cache opens without it (see assoc_open). */
static bool uses_own_vfs(assoc_db *db)
{
    sqlite3_vfs *used = NULL;

    if (sqlite3_file_control(db->handle, "main", SQLITE_FCNTL_VFS_POINTER, &used) != SQLITE_OK)
        return false;
    return assoc__vfs_is_ours(used);
}

/* A pragma's word, as a caller may have given it: letters only, so that
 * nothing else can reach the pragma's text. */
/* Is `w` one of `words` (any case)?  SQLite ignores a journal_mode or
 * synchronous it does not know and keeps the mode it had, so a typo would
 * open silently in another mode; only the words it knows pass here (and
 * only letters reach the PRAGMA text). */
static bool pragma_word_ok(const char *w, const char *const *words)
{
    if (w == NULL)
        return false;
    for (; *words != NULL; words++)
        if (sqlite3_stricmp(w, *words) == 0)
            return true;
    return false;
}

static const char *const journal_words[] = { "DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF", NULL };
static const char *const synchronous_words[] = { "OFF", "NORMAL", "FULL", "EXTRA", NULL };

static int pragma(assoc_db *db, const char *fmt, ...)
{
    char sql[96];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    int rc = assoc_status(db, sqlite3_exec(db->handle, sql, NULL, NULL, NULL));
    if (rc != ASSOC_OK) {
        char msg[sizeof db->msg];
        snprintf(msg, sizeof msg, "%s", db->msg);
        assoc_fail(db, rc, "%s: %s", sql, msg);
    }
    return rc;
}

/* The settings assoc.h promises.  The busy timeout comes first so that
 * switching the journal mode waits for other connections like everything
 * else.  Memory and temporary databases (sqlite3_db_filename() is "" for
 * them, whatever the spelling of the path or URI) have no WAL; a read-only
 * file cannot change its journal mode, so it keeps the one it has.  Where
 * WAL is impossible (a file system without shared memory) SQLite keeps the
 * old mode without an error, and so do we. */
static int configure(assoc_db *db, const assoc_options *o)
{
    sqlite3 *h = db->handle;
    const char *file;
    int on = 0;
    int rc;

    rc = assoc_status(db, sqlite3_busy_timeout(h, o->busy_timeout_ms));
    /* The query planner's stability guarantee: a statement's plan does not
     * depend on the values bound to it.  Without it, binding a LIKE
     * pattern again makes SQLite prepare the statement again on its next
     * step (to see whether the pattern allows the LIKE index optimization,
     * which needs a NOCASE index our tables never have): a keyset-paged
     * query with a pattern spent a quarter of its time re-preparing
     * (bench/README.md, "Queries and batched loads"). */
    if (rc == ASSOC_OK)
        rc = assoc_status(db, sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL));
    /* The page size of a database without pages yet (a new file): before
     * anything writes its first page, the switch to WAL included.  Asked
     * for only then, so that an existing file's next VACUUM keeps its own. */
    if (rc == ASSOC_OK && o->page_size != 0) {
        int pages = 0;
        rc = query_int(db, "PRAGMA page_count", &pages);
        if (rc == ASSOC_OK && pages == 0)
            rc = pragma(db, "PRAGMA page_size=%d", o->page_size);
    }
    if (rc == ASSOC_OK)
        rc = pragma(db, "PRAGMA foreign_keys=ON");
    /* Where the sub-journals of savepoints go (every multi-statement call
     * runs in one; subjournal.c says why this matters).  Through our VFS,
     * temp_store=FILE: a 64 KiB chunk, then memory that lasts the
     * transaction.  Through another (a path that names its own VFS, or a
     * shared cache), temp_store=MEMORY: 1 KiB chunks, but never a file
     * written page by page with a system call each. */
    if (rc == ASSOC_OK)
        rc = pragma(db, "PRAGMA temp_store=%s", uses_own_vfs(db) ? "FILE" : "MEMORY");
    if (rc == ASSOC_OK)
        rc = pragma(db, "PRAGMA secure_delete=%s", o->secure_delete ? "ON" : "OFF");
    if (rc == ASSOC_OK && o->cache_kib > 0)
        rc = pragma(db, "PRAGMA cache_size=-%lld", (long long)o->cache_kib);
    if (rc == ASSOC_OK && o->mmap_bytes > 0)
        rc = pragma(db, "PRAGMA mmap_size=%lld", (long long)o->mmap_bytes);
    if (rc != ASSOC_OK)
        return rc;
    /* A SQLite built without foreign keys ignores the pragma silently. */
    rc = query_int(db, "PRAGMA foreign_keys", &on);
    if (rc != ASSOC_OK)
        return rc;
    if (on != 1)
        return assoc_fail(db, ASSOC_ERROR, "this SQLite cannot enforce foreign keys");

    file = sqlite3_db_filename(h, "main");
    if (file == NULL || file[0] == '\0')
        return ASSOC_OK;
    if (sqlite3_db_readonly(h, "main") == 0) {
        /* Switching to WAL takes the file's exclusive lock without asking
         * the busy handler: connections opening one new file at once see
         * "database is locked" at once (tests/threads, test_open_at_once,
         * about one run in fifteen on a loaded machine).  Tried again,
         * waiting 1, 2, 4 ... 32 ms between tries, for as long as the busy
         * timeout, as any other statement waits. */
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int pause_ms = 1;; pause_ms = pause_ms < 32 ? 2 * pause_ms : pause_ms) {
            rc = pragma(db, "PRAGMA journal_mode=%s", o->journal);
            if (rc != ASSOC_BUSY)
                break;
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= o->busy_timeout_ms)
                break;
            sqlite3_sleep(pause_ms);
        }
        if (rc != ASSOC_OK)
            return rc;
    }
    return pragma(db, "PRAGMA synchronous=%s", o->synchronous);
}

static bool is_pg_uri(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* SQLITE_OPEN_URI lets callers name shared in-memory databases
 * ("file:x?mode=memory&cache=shared"); SQLITE_OPEN_NOMUTEX is safe because
 * a connection is used by one thread at a time.
 *
 * A failed open has no assoc_db to hold its message, so it reports by its
 * return code alone; assoc_errmsg(NULL) then says so. */
int assoc_open_with(const char *path, const assoc_options *opts, assoc_db **out)
{
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    assoc_options o = ASSOC_OPTIONS_INIT;
    sqlite3_vfs *vfs = NULL;
    assoc_db *db;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return ASSOC_MISUSE;
    if (opts != NULL)
        o = *opts;
    if (o.busy_timeout_ms < 0 || o.cache_kib < 0 || o.cache_kib > INT32_MAX || o.mmap_bytes < 0 ||
        !pragma_word_ok(o.journal, journal_words) || !pragma_word_ok(o.synchronous, synchronous_words) ||
        (o.page_size != 0 && (o.page_size < 512 || o.page_size > 65536 || (o.page_size & (o.page_size - 1)) != 0)))
        return ASSOC_MISUSE;

    db = assoc_malloc(sizeof *db);
    if (db == NULL)
        return ASSOC_NOMEM;
    memset(db, 0, sizeof *db);

    if (is_pg_uri(path)) {
        /* busy_timeout_ms: how long a statement waits for a lock before
         * ASSOC_BUSY (55P03), as SQLite's busy timeout. */
        rc = assoc_pg_connect(path, &db->pg);
        if (rc == ASSOC_OK) {
            char sql[64];
            snprintf(sql, sizeof sql, "SET lock_timeout = %d", o.busy_timeout_ms);
            rc = assoc_pg_exec(db->pg, sql);
        }
        if (rc != ASSOC_OK) {
            set_open_msg("cannot open %s: %s", "the PostgreSQL database",
                         db->pg ? assoc_pg_errmsg(db->pg) : "out of memory");
            assoc_pg_close(db->pg);
            assoc_free(db);
            return rc;
        }
        set_msg(db, "%s", "not an error");
        *out = db;
        return ASSOC_OK;
    }

    /* Through our VFS (subjournal.c), unless the path asks for a shared
     * cache: SQLite shares a cache only between connections with the same
     * VFS, and other programs' connections use the default one. */
    if (strstr(path, "cache=shared") == NULL) {
        rc = assoc__vfs_get(&vfs);
        if (rc != SQLITE_OK) {
            assoc_free(db);
            return rc == SQLITE_NOMEM ? ASSOC_NOMEM : ASSOC_ERROR;
        }
    }

    rc = sqlite3_open_v2(path, &db->handle, flags, vfs != NULL ? vfs->zName : NULL);
    if (db->handle == NULL)
        rc = SQLITE_NOMEM; /* SQLite could not even allocate the handle */
    rc = assoc_status(db, rc);
    if (rc == ASSOC_OK &&
        (sqlite3_file_control(db->handle, "main", SQLITE_FCNTL_VFS_POINTER, &db->vfs) != SQLITE_OK || db->vfs == NULL))
        db->vfs = vfs != NULL ? vfs : sqlite3_vfs_find(NULL);
    if (rc == ASSOC_OK)
        rc = configure(db, &o);
    if (rc != ASSOC_OK) {
        set_open_msg("cannot open %s: %s", path, db->msg[0] ? db->msg : "unknown error");
        sqlite3_close(db->handle);
        assoc_free(db);
        return rc;
    }
    set_msg(db, "%s", "not an error");
    *out = db;
    return ASSOC_OK;
}

int assoc_open(const char *path, assoc_db **out)
{
    return assoc_open_with(path, NULL, out);
}

static void stmt_finalize(assoc_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_finalize(st->lite);
    assoc_pg_finalize(st->pg);
    assoc_free(st);
}

/* Statements first, so that nothing is pending when the transaction is
 * rolled back.  sqlite3_close_v2 rather than sqlite3_close: if the caller
 * still holds a statement of its own (prepared on assoc_sqlite()), the
 * connection is closed when that statement is finalized instead of being
 * leaked with SQLITE_BUSY. */
void assoc_close(assoc_db *db)
{
    if (db == NULL)
        return;
    for (size_t i = 0; i < db->cap; i++)
        if (db->slots[i].sql != NULL)
            stmt_finalize(db->slots[i].st);
    for (int i = 0; i < SYS_COUNT; i++)
        sqlite3_finalize(db->sys[i]);
    assoc_free(db->slots);
    keep_buf_free(db->keep);
    if (db->handle != NULL && !sqlite3_get_autocommit(db->handle))
        sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(db->handle);
    assoc_pg_close(db->pg);
    assoc_free(db);
}

/* ---------------------------------------------------------------------
 * Transactions and atomic sections
 * ------------------------------------------------------------------- */

/* Prepare one of the library's own statements, once.  PostgreSQL's run as
 * simple statements and need no preparing. */
static int sys_prepare(assoc_db *db, enum sys_stmt which)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (db->pg != NULL || db->sys[which] != NULL)
        return ASSOC_OK;
    rc = sqlite3_prepare_v3(db->handle, sys_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK)
        return assoc_status(db, rc);
    db->sys[which] = st;
    return ASSOC_OK;
}

/* Prepare the statements that undo a level or a section before opening it:
 * undoing must not depend on memory that may have run out by the time it
 * is needed (a failed prepare of ROLLBACK would leave the failed work in an
 * open transaction).  Returns the first failure. */
static int sys_prepare_undo(assoc_db *db, enum sys_stmt rollback_to, enum sys_stmt release)
{
    int rc = sys_prepare(db, SYS_ROLLBACK);

    if (rc == ASSOC_OK)
        rc = sys_prepare(db, SYS_COMMIT);
    if (rc == ASSOC_OK)
        rc = sys_prepare(db, rollback_to);
    if (rc == ASSOC_OK)
        rc = sys_prepare(db, release);
    return rc;
}

/* Run one of the library's own statements to completion.  The message is
 * recorded before the reset, which would otherwise be free to replace it. */
static int sys_exec(assoc_db *db, enum sys_stmt which)
{
    sqlite3_stmt *st;
    int rc;

    if (db->pg != NULL)
        return pg_status(db, assoc_pg_exec(db->pg, which == SYS_BEGIN_WRITE ? "BEGIN" : sys_sql[which]));
    rc = sys_prepare(db, which);
    if (rc != ASSOC_OK)
        return rc;
    st = db->sys[which];
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return ASSOC_OK;
    }
    rc = assoc_status(db, rc);
    sqlite3_reset(st);
    return rc;
}

/* True when no transaction is open.  A connection can lose its transaction
 * behind our back: SQLite rolls back by itself after some errors (disk
 * full, I/O errors, some out-of-memory cases), and the caller can COMMIT
 * through the raw handle.  The functions below check for that rather than
 * issue RELEASE or ROLLBACK TO against savepoints that no longer exist. */
static bool no_transaction(const assoc_db *db)
{
    if (db->pg != NULL)
        return !assoc_pg_in_transaction(db->pg);
    return sqlite3_get_autocommit(db->handle) != 0;
}

/* PostgreSQL: whether the backend must protect each statement with a
 * savepoint of its own (a failed statement would otherwise abort the whole
 * transaction, where SQLite undoes only that statement): not inside an
 * atomic section, whose own savepoint undoes the statement's work. */
static void pg_protect(assoc_db *db)
{
    if (db->pg != NULL)
        assoc_pg_set_protect(db->pg, db->tx_depth == 0);
}

/* Finish a doomed transaction (see struct assoc_db) before anything else
 * runs on the connection.  Returns ASSOC_OK, or the failure to roll back,
 * which the caller returns: nothing may run inside that transaction. */
static int settle(assoc_db *db)
{
    int rc;

    if (!db->doomed)
        return ASSOC_OK;
    if (!no_transaction(db)) {
        rc = sys_exec(db, SYS_ROLLBACK);
        if (rc != ASSOC_OK && !no_transaction(db))
            return rc;
    }
    db->doomed = false;
    return ASSOC_OK;
}

/* The outermost level is a real BEGIN (deferred, like Python's sqlite3 and
 * SQLAlchemy), unless a transaction is already open -- the caller issued
 * BEGIN through the raw handle, or this is a callback inside an atomic
 * section -- in which case it is a savepoint inside that transaction. */
int assoc_begin(assoc_db *db)
{
    bool none;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    rc = settle(db);
    if (rc != ASSOC_OK)
        return rc;
    none = no_transaction(db);
    if (db->depth > 0 && none)
        return assoc_fail(db, ASSOC_ERROR,
                          "assoc_begin: the transaction ended outside assoc_commit()/assoc_rollback(); "
                          "call assoc_rollback() for each of its %d open level(s)",
                          db->depth);
    if (db->depth == INT_MAX)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_begin: too many nested levels");
    rc = sys_prepare_undo(db, SYS_SP_ROLLBACK, SYS_SP_RELEASE);
    if (rc == ASSOC_OK)
        rc = sys_exec(db, db->depth == 0 && none ? SYS_BEGIN : SYS_SP);
    if (rc != ASSOC_OK)
        return rc;
    if (db->depth == 0)
        db->outer_savepoint = !none;
    db->depth++;
    return ASSOC_OK;
}

static bool level_is_begin(const assoc_db *db)
{
    return db->depth == 1 && !db->outer_savepoint;
}

/* A COMMIT that fails with ASSOC_BUSY (another connection holds a lock past
 * the busy timeout) leaves the transaction open, as in SQLite: the caller may
 * retry assoc_commit() or call assoc_rollback().  The level is gone only if
 * the database itself ended the transaction. */
int assoc_commit(assoc_db *db)
{
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (db->depth == 0)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_commit: no open transaction");
    rc = settle(db);
    if (rc != ASSOC_OK)
        return rc;
    if (no_transaction(db)) {
        db->depth--;
        return assoc_fail(db, ASSOC_ERROR,
                          "assoc_commit: the transaction had already ended (rolled back by the database after an "
                          "error, or ended through the raw handle)");
    }
    rc = sys_exec(db, level_is_begin(db) ? SYS_COMMIT : SYS_SP_RELEASE);
    if (rc == ASSOC_OK || no_transaction(db))
        db->depth--;
    return rc;
}

/* A level whose transaction has already ended has nothing left to undo, so
 * rolling it back succeeds.  So does the outermost level when the ROLLBACK
 * itself fails for memory: the transaction is doomed (see struct assoc_db)
 * and the next call rolls it back before it can be seen or extended. */
int assoc_rollback(assoc_db *db)
{
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (db->depth == 0)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_rollback: no open transaction");
    (void)settle(db);
    if (no_transaction(db)) {
        db->depth--;
        return ASSOC_OK;
    }
    if (level_is_begin(db)) {
        rc = sys_exec(db, SYS_ROLLBACK);
        if (rc == ASSOC_NOMEM && !no_transaction(db)) {
            db->doomed = true;
            rc = ASSOC_OK;
        }
    } else {
        rc = sys_exec(db, SYS_SP_ROLLBACK);
        if (rc == ASSOC_OK)
            rc = sys_exec(db, SYS_SP_RELEASE);
    }
    if (rc == ASSOC_OK || no_transaction(db))
        db->depth--;
    return rc;
}

/* Outside a transaction, a writing section begins one with the write lock
 * (BEGIN IMMEDIATE, which waits the busy timeout for other writers) and
 * owns it; a reading one sets a savepoint, which starts a deferred
 * transaction, and owns that.  Inside a transaction, a savepoint. */
int assoc_tx_enter(assoc_db *db, bool write)
{
    bool starts;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (db->tx_depth == INT_MAX)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_tx_enter: too many nested sections");
    rc = settle(db);
    if (rc != ASSOC_OK)
        return rc;
    starts = no_transaction(db);
    /* A section that starts the transaction: BEGIN IMMEDIATE when it will
     * write (SQLite); a reading one a SAVEPOINT, which SQLite lets open a
     * deferred transaction.  PostgreSQL has no savepoint outside a
     * transaction block: there every starting section is a BEGIN. */
    bool begin = starts && (write || db->pg != NULL);
    rc = sys_prepare_undo(db, SYS_TX_ROLLBACK, SYS_TX_RELEASE);
    if (rc == ASSOC_OK && begin)
        rc = sys_prepare(db, SYS_BEGIN_WRITE);
    if (rc == ASSOC_OK)
        rc = sys_exec(db, begin ? SYS_BEGIN_WRITE : SYS_TX);
    if (rc != ASSOC_OK)
        return rc;
    db->tx_depth++;
    if (starts) {
        db->tx_owner = db->tx_depth;
        db->tx_owner_began = begin;
    }
    pg_protect(db);
    return ASSOC_OK;
}

int assoc_tx_enter_for(assoc_db *db, bool several, bool *entered)
{
    int rc;

    if (entered != NULL)
        *entered = false;
    if (db == NULL)
        return ASSOC_MISUSE;
    if (entered == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_tx_enter_for: NULL argument");
    if (!several && !no_transaction(db))
        return ASSOC_OK;
    rc = assoc_tx_enter(db, true);
    *entered = rc == ASSOC_OK;
    return rc;
}

/* Undo the section being left, keeping the message of the failure that
 * caused it; if undoing fails as well, the message says both.  The owner
 * rolls back the whole transaction, which it started, in one statement
 * that cannot fail for a lock; an inner section rolls back to its savepoint
 * and releases it, leaving the enclosing transaction as it was.
 *
 * Undoing can fail for memory (a statement expired by a schema change must
 * be prepared again), so it is tried twice; if the transaction is still
 * open after that, it is doomed (see struct assoc_db): never committed,
 * rolled back whole by the next call. */
static void undo_section(assoc_db *db, bool owner)
{
    char cause[MSG_SIZE];
    int rc = ASSOC_OK;

    if (no_transaction(db))
        return; /* already undone, by the database */
    memcpy(cause, db->msg, sizeof cause);
    for (int attempt = 0; attempt < 2 && !no_transaction(db); attempt++) {
        if (owner) {
            rc = sys_exec(db, SYS_ROLLBACK);
        } else {
            rc = sys_exec(db, SYS_TX_ROLLBACK);
            if (rc == ASSOC_OK)
                rc = sys_exec(db, SYS_TX_RELEASE);
        }
        if (rc == ASSOC_OK)
            break;
    }
    if (rc == ASSOC_OK || no_transaction(db)) {
        memcpy(db->msg, cause, sizeof cause);
    } else {
        char failure[MSG_SIZE];

        db->doomed = true;
        memcpy(failure, db->msg, sizeof failure);
        set_msg(db, "%.200s (and undoing it failed: %.200s; the transaction is rolled back by the next call)",
                cause, failure);
    }
}

/* The section is closed whatever happens, so the depth bookkeeping comes
 * first.  When the release fails (for the owner, RELEASE or COMMIT is the
 * commit, and can fail with ASSOC_BUSY), the section is undone so that
 * nothing it did remains and no transaction is left open, and the failure
 * is returned. */
int assoc_tx_leave(assoc_db *db, int rc)
{
    bool owner, began;
    int release;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (db->tx_depth == 0)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_tx_leave: no open atomic section");
    owner = db->tx_owner == db->tx_depth;
    began = owner && db->tx_owner_began;
    if (db->tx_owner >= db->tx_depth) {
        db->tx_owner = 0;
        db->tx_owner_began = false;
    }
    db->tx_depth--;
    pg_protect(db);

    if (no_transaction(db)) {
        if (rc != ASSOC_OK)
            return rc; /* the database rolled back: nothing remains, as promised */
        return assoc_fail(db, ASSOC_ERROR, "the transaction ended inside an atomic section");
    }
    if (rc != ASSOC_OK) {
        undo_section(db, owner);
        return rc;
    }
    release = sys_exec(db, began ? SYS_COMMIT : SYS_TX_RELEASE);
    if (release != ASSOC_OK)
        undo_section(db, owner);
    return release;
}

/* ---------------------------------------------------------------------
 * Statements and their cache
 * ------------------------------------------------------------------- */

/* A 64-bit finalizer (from MurmurHash3): addresses are aligned and close
 * together, so their low bits alone would cluster. */
static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;

    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return (size_t)x;
}

/* The slot holding sql, or the empty slot where it would go.  cap > 0,
 * and the table is never full (load factor at most 1/2). */
static size_t find_sql(const assoc_db *db, const assoc_sql *sql)
{
    size_t mask = db->cap - 1;
    size_t i = ptr_hash(sql) & mask;

    while (db->slots[i].sql != NULL && db->slots[i].sql != sql)
        i = (i + 1) & mask;
    return i;
}

/* Double the table (16 slots at first) and re-insert every entry.  On
 * failure the old table stays as it was. */
static int cache_grow(assoc_db *db)
{
    size_t ncap = db->cap != 0 ? db->cap * 2 : 16;
    stmt_slot *old = db->slots;
    size_t ocap = db->cap;
    stmt_slot *slots;

    if (ncap < db->cap || ncap > SIZE_MAX / sizeof *slots)
        return ASSOC_NOMEM;
    slots = assoc_malloc(ncap * sizeof *slots);
    if (slots == NULL)
        return ASSOC_NOMEM;
    memset(slots, 0, ncap * sizeof *slots);
    db->slots = slots;
    db->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].sql != NULL)
            db->slots[find_sql(db, old[i].sql)] = old[i];
    assoc_free(old);
    return ASSOC_OK;
}

/* Prepare sql on the connection's database.  SQLite's persistent flag tells it the statement will be
 * reused many times. */
static int prepare(assoc_db *db, const assoc_sql *sql, bool cached, assoc_stmt **out)
{
    assoc_stmt *st = assoc_malloc(sizeof *st);
    int rc;

    *out = NULL;
    if (st == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory preparing a statement");
    memset(st, 0, sizeof *st);
    st->sql = sql;
    st->cached = cached;
    st->in_use = true;
    if (db->pg != NULL) {
        rc = pg_status(db, assoc_pg_prepare(db->pg, sql->pg != NULL ? sql->pg : sql->text, &st->pg));
    } else {
        rc = assoc_status(db, sqlite3_prepare_v3(db->handle, sql->text, -1,
                                                 cached ? SQLITE_PREPARE_PERSISTENT : 0, &st->lite, NULL));
        if (rc == ASSOC_OK && st->lite == NULL) /* only white space or comments */
            rc = assoc_fail(db, ASSOC_MISUSE, "no SQL statement in \"%.60s\"", sql->text);
    }
    if (rc != ASSOC_OK) {
        stmt_finalize(st);
        return rc;
    }
    *out = st;
    return ASSOC_OK;
}


/* Only the first statement of sql is prepared.  A statement that could be
 * prepared but not cached (no memory to grow the table) is handed out
 * anyway, as a private statement; the next acquire tries to cache again. */
int assoc_stmt_acquire(assoc_db *db, const assoc_sql *sql, assoc_stmt **out)
{
    stmt_slot *s = NULL;
    assoc_stmt *st = NULL;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (db == NULL)
        return ASSOC_MISUSE;
    if (sql == NULL || sql->text == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_stmt_acquire: NULL argument");
    rc = settle(db);
    if (rc != ASSOC_OK)
        return rc;

    if (db->cap != 0) {
        size_t i = find_sql(db, sql);
        if (db->slots[i].sql != NULL)
            s = &db->slots[i];
    }
    if (s != NULL && !s->st->in_use) {
        s->st->in_use = true;
        *out = s->st;
        return ASSOC_OK;
    }
    if (s != NULL) /* reentered while the cached statement is stepping */
        return prepare(db, sql, false, out);

    rc = prepare(db, sql, true, &st);
    if (rc != ASSOC_OK)
        return rc;
    if ((db->count + 1) * 2 <= db->cap || cache_grow(db) == ASSOC_OK) {
        size_t i = find_sql(db, sql);
        db->slots[i].sql = sql;
        db->slots[i].st = st;
        db->count++;
    } else {
        st->cached = false;
    }
    *out = st;
    return ASSOC_OK;
}

size_t assoc_rows_fit(assoc_db *db, int params, size_t want)
{
    size_t most;

    if (db == NULL || params < 1)
        return want > 0 ? 1 : 0;
    /* PostgreSQL's protocol numbers parameters in 16 bits. */
    most = (db->handle != NULL ? (size_t)sqlite3_limit(db->handle, SQLITE_LIMIT_VARIABLE_NUMBER, -1) : 65535) /
           (size_t)params;
    if (most < 1)
        most = 1;
    return want < most ? want : most;
}

/* The connection's data version of main, which changes whenever another
 * connection's commit is seen and at every commit of its own. */
static unsigned data_version(assoc_db *db)
{
    unsigned v = 0;
    sqlite3_file_control(db->handle, "main", SQLITE_FCNTL_DATA_VERSION, &v);
    return v;
}

static rowid_slot *rowid_slot_of(assoc_db *db, const assoc_sql *key)
{
    for (int i = 0; i < ROWID_SLOTS; i++)
        if (db->rowids[i].key == key)
            return &db->rowids[i];
    return NULL;
}

/* The largest id is taken from the slot while the connection holds the
 * write lock it held when it took it (the same write transaction: no
 * commit, no other connection's change seen, nothing changed since on this
 * connection -- an insert of its own into the table, by any road, changes
 * the count of changes).  Otherwise the statement reads it, and whether
 * the table has triggers (a table that has none when the slot is valid has
 * none still: a trigger made by another connection would be a change seen,
 * one made by this connection is caught by assoc_rowids_done). */
int assoc_rowids(assoc_db *db, const assoc_sql *max_sql, size_t n, int64_t *first, bool *fits)
{
    rowid_slot *s;
    int64_t cur = 0, triggers = 0;
    int rc;

    if (fits != NULL)
        *fits = false;
    if (db == NULL)
        return ASSOC_MISUSE;
    if (max_sql == NULL || first == NULL || fits == NULL || db->handle == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_rowids: NULL argument, or not SQLite");
    s = rowid_slot_of(db, max_sql);
    if (s != NULL && s->valid && sqlite3_txn_state(db->handle, "main") == SQLITE_TXN_WRITE &&
        s->changes == sqlite3_total_changes64(db->handle) && s->version == data_version(db)) {
        cur = s->max;
    } else {
        assoc_stmt *st = NULL;
        bool has = false;
        rc = assoc_stmt_acquire(db, max_sql, &st);
        if (rc == ASSOC_OK)
            rc = assoc_step(db, st);
        if (rc == ASSOC_ROW)
            rc = assoc_col_int64(db, st, 0, &cur, &has);
        else if (rc == ASSOC_OK)
            rc = assoc_fail(db, ASSOC_ERROR, "\"%.60s\" gave no row", max_sql->text);
        if (rc == ASSOC_OK)
            rc = assoc_col_int64(db, st, 1, &triggers, NULL);
        assoc_stmt_release(db, st);
        if (rc != ASSOC_OK)
            return rc;
        if (!has)
            cur = 0;
        if (s == NULL) {
            s = &db->rowids[db->rowids_next++ % ROWID_SLOTS];
            s->key = max_sql;
        }
        s->valid = false;
        if (triggers != 0)
            return ASSOC_OK; /* *fits stays false */
    }
    s->valid = false;
    if (cur < 0 || (uint64_t)(INT64_MAX - cur) < n)
        return ASSOC_OK;
    s->pending = cur + (int64_t)n;
    s->changes = sqlite3_total_changes64(db->handle);
    *first = cur + 1;
    *fits = true;
    return ASSOC_OK;
}

int assoc_rowids_done(assoc_db *db, const assoc_sql *max_sql, size_t n)
{
    rowid_slot *s;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (db->handle == NULL || (s = rowid_slot_of(db, max_sql)) == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_rowids_done without assoc_rowids");
    if (sqlite3_total_changes64(db->handle) - s->changes != (sqlite3_int64)n ||
        sqlite3_last_insert_rowid(db->handle) != s->pending)
        return assoc_fail(db, ASSOC_ERROR, "something else changed rows while %zu rows went in at once (a trigger "
                          "made on their table since the connection looked), so their ids are not known", n);
    s->max = s->pending;
    s->changes = sqlite3_total_changes64(db->handle);
    s->version = data_version(db);
    s->valid = true;
    return ASSOC_OK;
}

/* The reset's return value repeats the last step's error, which the caller
 * has already handled, so it is ignored. */
void assoc_stmt_release(assoc_db *db, assoc_stmt *st)
{
    if (db == NULL || st == NULL)
        return;
    if (!st->cached) {
        stmt_finalize(st);
        return;
    }
    /* Reset only: the bindings stay until the next user binds anew, as
     * generated code binds every parameter before every step (clearing
     * them cost about 1% of a load phase).  A binding left here may point
     * at a buffer that is gone (text of the caller's, or a generated
     * function's time_text_N): the database reads it only when the
     * statement steps, and by then it has been bound again. */
    if (st->lite != NULL)
        sqlite3_reset(st->lite);
    else
        assoc_pg_reset(st->pg);
    st->in_use = false;
}

int assoc_exec(assoc_db *db, const assoc_sql *sql)
{
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (sql == NULL || sql->text == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_exec: NULL argument");
    rc = settle(db);
    if (rc != ASSOC_OK)
        return rc;
    if (db->pg != NULL)
        return pg_status(db, assoc_pg_exec(db->pg, sql->pg != NULL ? sql->pg : sql->text));
    return assoc_status(db, sqlite3_exec(db->handle, sql->text, NULL, NULL, NULL));
}

int64_t assoc_changes(assoc_db *db)
{
    if (db == NULL)
        return 0;
    if (db->pg != NULL)
        return assoc_pg_changes(db->pg);
    return sqlite3_changes(db->handle);
}

/* PostgreSQL's INSERT ends in RETURNING: its one row holds the key. */
int assoc_insert_step(assoc_db *db, assoc_stmt *st, int64_t *rowid)
{
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_insert_step: NULL statement");
    if (st->lite != NULL) {
        rc = sqlite3_step(st->lite);
        if (rc != SQLITE_DONE)
            return assoc_status(db, rc == SQLITE_ROW ? SQLITE_MISUSE : rc);
        if (rowid != NULL)
            *rowid = sqlite3_last_insert_rowid(db->handle);
        return ASSOC_OK;
    }
    rc = assoc_step(db, st);
    if (rc == ASSOC_ROW && rowid != NULL)
        rc = assoc_col_int64(db, st, 0, rowid, NULL);
    else if (rc == ASSOC_ROW)
        rc = ASSOC_OK;
    return rc;
}

/* ---------------------------------------------------------------------
 * Binding and reading values
 * ------------------------------------------------------------------- */

int assoc__step(assoc_db *db, assoc_stmt *st)
{
    if (st->lite != NULL)
        return assoc_step(db, st);
    return pg_status(db, assoc_pg_step(st->pg));
}

int assoc__bind_int64(assoc_db *db, assoc_stmt *st, int idx, int64_t v)
{
    if (st->lite != NULL)
        return assoc_bind_int64(db, st, idx, v);
    return pg_status(db, assoc_pg_bind_int64(st->pg, idx, v));
}

int assoc__bind_double(assoc_db *db, assoc_stmt *st, int idx, double v)
{
    if (st->lite != NULL)
        return assoc_bind_double(db, st, idx, v);
    return pg_status(db, assoc_pg_bind_double(st->pg, idx, v));
}

int assoc__bind_bool(assoc_db *db, assoc_stmt *st, int idx, bool v)
{
    if (st->lite != NULL)
        return assoc_bind_bool(db, st, idx, v);
    return pg_status(db, assoc_pg_bind_bool(st->pg, idx, v));
}

int assoc__bind_null(assoc_db *db, assoc_stmt *st, int idx)
{
    if (st->lite != NULL)
        return assoc_bind_null(db, st, idx);
    return pg_status(db, assoc_pg_bind_null(st->pg, idx));
}

/* A text or blob longer than SQLite's limit fails with SQLITE_TOOBIG
 * (ASSOC_ERROR); the 64-bit binders take any size_t without truncation. */
int assoc_bind_text(assoc_db *db, assoc_stmt *st, int idx, const char *s)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_bind_text: NULL statement");
    if (s == NULL)
        return assoc_bind_null(db, st, idx);
    if (st->lite != NULL)
        return lite_status(db, sqlite3_bind_text64(st->lite, idx, s, strlen(s), SQLITE_STATIC, SQLITE_UTF8));
    return pg_status(db, assoc_pg_bind_text(st->pg, idx, s, strlen(s)));
}

/* SQLite binds NULL for a NULL pointer and an empty blob for a non-NULL
 * pointer of length 0, which is exactly assoc_blob's convention. */
int assoc_bind_blob(assoc_db *db, assoc_stmt *st, int idx, const assoc_blob *b)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || b == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_bind_blob: NULL argument");
    if (b->data == NULL)
        return assoc_bind_null(db, st, idx);
    if (st->lite != NULL)
        return lite_status(db, sqlite3_bind_blob64(st->lite, idx, b->data, b->len, SQLITE_STATIC));
    return pg_status(db, assoc_pg_bind_blob(st->pg, idx, b->data, b->len));
}

/* assoc_cal_format(), the date and time of day copied from the last call
 * when t falls in the same second (rows written together do). */
static bool format_time(assoc_db *db, assoc_time t, char text[ASSOC_TIME_TEXT_SIZE])
{
    if (t >= 0 && db->fmt_ok && t / CAL_US_PER_SEC == db->fmt_secs) {
        unsigned us = (unsigned)(t % CAL_US_PER_SEC), a = us / 1000, b = us % 1000;
        memcpy(text, db->fmt_text, sizeof db->fmt_text);
        text[20] = (char)('0' + a / 100);
        text[21] = (char)('0' + a / 10 % 10);
        text[22] = (char)('0' + a % 10);
        text[23] = (char)('0' + b / 100);
        text[24] = (char)('0' + b / 10 % 10);
        text[25] = (char)('0' + b % 10);
        text[26] = '\0';
        return true;
    }
    if (!assoc_cal_format(t, text))
        return false;
    if (t >= 0) {
        memcpy(db->fmt_text, text, sizeof db->fmt_text);
        db->fmt_secs = t / CAL_US_PER_SEC;
        db->fmt_ok = true;
    }
    return true;
}

/* Both time binders: format t into text and bind it, copied (SQLite's
 * SQLITE_TRANSIENT) or not.  `fn` names the caller in messages.
 * PostgreSQL's backend copies what it needs either way. */
static int bind_time(assoc_db *db, assoc_stmt *st, int idx, assoc_time t, bool has, char *text, bool copy,
                     const char *fn)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || text == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "%s: NULL argument", fn);
    if (!has)
        return assoc_bind_null(db, st, idx);
    if (st->lite == NULL && t >= CAL_TIME_MIN && t <= CAL_TIME_MAX)
        return pg_status(db, assoc_pg_bind_time(st->pg, idx, t)); /* binary for a TIMESTAMP parameter */
    if (!format_time(db, t, text))
        return assoc_fail(db, ASSOC_MISUSE, "%s: %lld us is outside years 0001-9999", fn, (long long)t);
    if (st->lite != NULL)
        return lite_status(db, sqlite3_bind_text(st->lite, idx, text, ASSOC_TIME_TEXT_SIZE - 1,
                                                  copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
    return pg_status(db, assoc_pg_bind_text(st->pg, idx, text, ASSOC_TIME_TEXT_SIZE - 1));
}

int assoc_bind_time(assoc_db *db, assoc_stmt *st, int idx, assoc_time t, bool has)
{
    char text[ASSOC_TIME_TEXT_SIZE];
    return bind_time(db, st, idx, t, has, text, true, "assoc_bind_time");
}

/* As assoc_bind_time, without SQLite's copy of the text (an allocation and
 * a free per bind): the caller's buffer outlives the statement's use. */
int assoc_bind_time_buf(assoc_db *db, assoc_stmt *st, int idx, assoc_time t, bool has,
                        char text[ASSOC_TIME_TEXT_SIZE])
{
    return bind_time(db, st, idx, t, has, text, false, "assoc_bind_time_buf");
}

int assoc_bind_time_short(assoc_db *db, assoc_stmt *st, int idx, assoc_time t, char text[ASSOC_TIME_TEXT_SIZE])
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || text == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_bind_time_short: NULL argument");
    if (!assoc_cal_format(t, text))
        return assoc_fail(db, ASSOC_MISUSE, "assoc_bind_time_short: %lld us is outside years 0001-9999", (long long)t);
    size_t len = strcmp(text + 19, ".000000") == 0 ? 19 : ASSOC_TIME_TEXT_SIZE - 1;
    if (st->lite != NULL)
        return lite_status(db, sqlite3_bind_text(st->lite, idx, text, (int)len, SQLITE_STATIC));
    return pg_status(db, assoc_pg_bind_text(st->pg, idx, text, len));
}

/* Whether the current row has column col: an absent column reads as NULL
 * in SQLite, which must not pass for a NULL value. */
static int check_column(assoc_db *db, assoc_stmt *st, int col, const char *fn)
{
    int n = st->lite != NULL ? sqlite3_data_count(st->lite) : assoc_pg_column_count(st->pg);

    if (col < 0 || col >= n)
        return assoc_fail(db, ASSOC_MISUSE, "%s: no column %d in the current row", fn, col);
    return ASSOC_OK;
}

/* A NULL where the record has no has_ flag to say so is malformed; else
 * has is false and the value (size bytes at out) zero, so that a reader
 * writes every field and a record need not be zeroed before it. */
static int null_value(assoc_db *db, int col, bool *has, void *out, size_t size)
{
    if (has == NULL)
        return assoc_fail(db, ASSOC_ERROR, "column %d: NULL in a column that may not be NULL", col);
    memset(out, 0, size);
    *has = false;
    return ASSOC_OK;
}

/* The value of a column as text for a message: quoted, cut at 40 bytes,
 * control bytes as '?'. */
static void value_text(assoc_stmt *st, int col, char *buf, size_t size)
{
    const char *t;
    size_t len = 0, k = 0;

    if (st->lite != NULL) {
        if (sqlite3_column_type(st->lite, col) == SQLITE_NULL) {
            snprintf(buf, size, "NULL");
            return;
        }
        t = (const char *)sqlite3_column_text(st->lite, col);
        len = t != NULL ? (size_t)sqlite3_column_bytes(st->lite, col) : 0;
    } else {
        if (assoc_pg_col_null(st->pg, col)) {
            snprintf(buf, size, "NULL");
            return;
        }
        t = assoc_pg_col_text(st->pg, col, &len);
    }
    if (size < 4)
        return;
    buf[k++] = '"';
    for (size_t i = 0; t != NULL && i < len && i < 40 && k + 2 < size; i++) {
        unsigned char c = (unsigned char)t[i];
        buf[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    buf[k++] = '"';
    buf[k] = '\0';
}

/* Slow path of assoc_col_int64: SQLite's NULL or a value of another kind,
 * or PostgreSQL's text.  A real is an integer when it holds one exactly
 * (SQLite keeps 2.0 as a real in a column without integer affinity). */
int assoc__col_int64(assoc_db *db, assoc_stmt *st, int col, int64_t *out, bool *has)
{
    char text[48];
    int rc = check_column(db, st, col, "assoc_col_int64");

    if (rc != ASSOC_OK)
        return rc;
    if (st->lite != NULL) {
        int type = sqlite3_column_type(st->lite, col);
        if (type == SQLITE_NULL)
            return null_value(db, col, has, out, sizeof *out);
        if (type == SQLITE_INTEGER) {
            *out = sqlite3_column_int64(st->lite, col);
        } else if (type == SQLITE_FLOAT) {
            double d = sqlite3_column_double(st->lite, col);
            if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != floor(d))
                goto not_integer;
            *out = (int64_t)d;
        } else {
            goto not_integer;
        }
    } else {
        if (assoc_pg_col_null(st->pg, col))
            return null_value(db, col, has, out, sizeof *out);
        rc = pg_status(db, assoc_pg_col_int64(st->pg, col, out));
        if (rc != ASSOC_OK)
            return rc;
    }
    if (has != NULL)
        *has = true;
    return ASSOC_OK;
not_integer:
    value_text(st, col, text, sizeof text);
    return assoc_fail(db, ASSOC_ERROR, "column %d: %s is not an integer", col, text);
}

int assoc__col_double(assoc_db *db, assoc_stmt *st, int col, double *out, bool *has)
{
    char text[48];
    int rc = check_column(db, st, col, "assoc_col_double");

    if (rc != ASSOC_OK)
        return rc;
    if (st->lite != NULL) {
        int type = sqlite3_column_type(st->lite, col);
        if (type == SQLITE_NULL)
            return null_value(db, col, has, out, sizeof *out);
        if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) {
            value_text(st, col, text, sizeof text);
            return assoc_fail(db, ASSOC_ERROR, "column %d: %s is not a number", col, text);
        }
        *out = sqlite3_column_double(st->lite, col);
    } else {
        if (assoc_pg_col_null(st->pg, col))
            return null_value(db, col, has, out, sizeof *out);
        rc = pg_status(db, assoc_pg_col_double(st->pg, col, out));
        if (rc != ASSOC_OK)
            return rc;
    }
    if (has != NULL)
        *has = true;
    return ASSOC_OK;
}

int assoc__col_bool(assoc_db *db, assoc_stmt *st, int col, bool *out, bool *has)
{
    char text[48];
    int rc = check_column(db, st, col, "assoc_col_bool");

    if (rc != ASSOC_OK)
        return rc;
    if (st->lite != NULL) {
        int type = sqlite3_column_type(st->lite, col);
        sqlite3_int64 v;
        if (type == SQLITE_NULL)
            return null_value(db, col, has, out, sizeof *out);
        v = sqlite3_column_int64(st->lite, col);
        if (type != SQLITE_INTEGER || (v != 0 && v != 1)) {
            value_text(st, col, text, sizeof text);
            return assoc_fail(db, ASSOC_ERROR, "column %d: %s is not a boolean (0 or 1)", col, text);
        }
        *out = v == 1;
    } else {
        if (assoc_pg_col_null(st->pg, col))
            return null_value(db, col, has, out, sizeof *out);
        rc = pg_status(db, assoc_pg_col_bool(st->pg, col, out));
        if (rc != ASSOC_OK)
            return rc;
    }
    if (has != NULL)
        *has = true;
    return ASSOC_OK;
}

/* One column's bytes as text: SQLite's (a number converted to its text) or
 * PostgreSQL's.  OUT: *text, *len; *text NULL for SQL NULL.  The bytes are
 * the database library's, valid until the statement steps again. */
static int text_of(assoc_db *db, assoc_stmt *st, int col, const char **text, size_t *len, const char *fn)
{
    *text = NULL;
    *len = 0;
    if (st->lite != NULL) {
        const unsigned char *t = sqlite3_column_text(st->lite, col);
        if (t != NULL) {
            *text = (const char *)t;
            *len = (size_t)sqlite3_column_bytes(st->lite, col);
            return ASSOC_OK;
        }
        /* NULL: the value is NULL, or there is no such column, or SQLite
         * ran out of memory converting it.  Asked only then, so that a
         * present value costs SQLite's two calls and nothing more. */
        if (col < 0 || col >= sqlite3_data_count(st->lite))
            return assoc_fail(db, ASSOC_MISUSE, "%s: no column %d in the current row", fn, col);
        if (sqlite3_column_type(st->lite, col) == SQLITE_NULL)
            return ASSOC_OK;
        return assoc_fail(db, ASSOC_NOMEM, "out of memory reading column %d", col);
    }
    if (check_column(db, st, col, fn) != ASSOC_OK)
        return ASSOC_MISUSE;
    /* A binary value's text is printed, which may need memory. */
    return pg_status(db, assoc_pg_col_string(st->pg, col, text, len));
}

/* A blob's bytes.  SQLite's sqlite3_column_blob() returns NULL both for an
 * empty blob and when out of memory; the connection's error code tells
 * them apart.  OUT: *data (NULL: SQL NULL; for an empty blob any non-NULL
 * pointer), *len. */
static int blob_of(assoc_db *db, assoc_stmt *st, int col, const unsigned char **data, size_t *len, const char *fn)
{
    int rc = check_column(db, st, col, fn);

    *data = NULL;
    *len = 0;
    if (rc != ASSOC_OK)
        return rc;
    if (st->lite != NULL) {
        const void *p;
        if (sqlite3_column_type(st->lite, col) == SQLITE_NULL)
            return ASSOC_OK;
        p = sqlite3_column_blob(st->lite, col);
        if (p == NULL && sqlite3_errcode(db->handle) == SQLITE_NOMEM)
            return assoc_fail(db, ASSOC_NOMEM, "out of memory reading column %d", col);
        *data = p != NULL ? p : &db->empty;
        *len = p != NULL ? (size_t)sqlite3_column_bytes(st->lite, col) : 0;
        return ASSOC_OK;
    }
    if (assoc_pg_col_null(st->pg, col))
        return ASSOC_OK;
    rc = pg_status(db, assoc_pg_col_blob(st->pg, col, data, len));
    if (rc == ASSOC_OK && *data == NULL)
        *data = &db->empty;
    return rc;
}

/* All `len` bytes are copied -- text may hold NULs -- and a NUL added. */
int assoc_column_text(assoc_db *db, assoc_stmt *st, int col, char **out)
{
    const char *text;
    size_t len;
    char *copy;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_text: NULL argument");
    *out = NULL;
    rc = text_of(db, st, col, &text, &len, "assoc_column_text");
    if (rc != ASSOC_OK || text == NULL)
        return rc;
    copy = assoc_malloc(len + 1);
    if (copy == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory copying column %d (%zu bytes)", col, len);
    memcpy(copy, text, len);
    copy[len] = '\0';
    *out = copy;
    return ASSOC_OK;
}

/* Every string of every row an _each loop lends comes through here: one
 * call into SQLite when the value is there (a borrowed pointer needs no
 * length). */
int assoc_column_text_ref(assoc_db *db, assoc_stmt *st, int col, char **out)
{
    const char *text;
    size_t len;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_text_ref: NULL argument");
    if (st->lite != NULL) {
        text = (const char *)sqlite3_column_text(st->lite, col);
        *out = (char *)text; /* the caller reads it only (assoc.h) */
        if (text != NULL)
            return ASSOC_OK;
    }
    rc = text_of(db, st, col, &text, &len, "assoc_column_text_ref");
    *out = (char *)text;
    return rc;
}

int assoc_column_blob(assoc_db *db, assoc_stmt *st, int col, assoc_blob *out)
{
    const unsigned char *data;
    size_t len;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_blob: NULL argument");
    out->data = NULL;
    out->len = 0;
    rc = blob_of(db, st, col, &data, &len, "assoc_column_blob");
    if (rc != ASSOC_OK || data == NULL)
        return rc;
    out->data = assoc_malloc(len); /* 1 byte when empty */
    if (out->data == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory copying column %d (%zu bytes)", col, len);
    if (len > 0)
        memcpy(out->data, data, len);
    out->len = len;
    return ASSOC_OK;
}

int assoc_column_blob_ref(assoc_db *db, assoc_stmt *st, int col, assoc_blob *out)
{
    const unsigned char *data;
    size_t len;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_blob_ref: NULL argument");
    rc = blob_of(db, st, col, &data, &len, "assoc_column_blob_ref");
    out->data = (unsigned char *)data; /* read only (assoc.h) */
    out->len = len;
    return rc;
}

/* ---------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------- */

/* "users.create_dttm, row id = 7: column 2: "2020-01-01" is not a
 * datetime (...)": the reader's message, with where it happened. */
int assoc_read_failed(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, int at, int col, int rc)
{
    char cause[MSG_SIZE], key[48] = "?";

    if (db == NULL || st == NULL || type == NULL)
        return rc;
    memcpy(cause, db->msg, sizeof cause);
    if (type->key_column >= 0 &&
        check_column(db, st, at + type->key_column, "assoc_read_failed") == ASSOC_OK)
        value_text(st, at + type->key_column, key, sizeof key);
    set_msg(db, "%s.%s of the row with %s = %s: %.300s", type->table, type->columns[col],
            type->columns[type->key_column >= 0 ? type->key_column : 0], key, cause);
    return rc;
}

int assoc_rows_collect(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, void **items, size_t *len)
{
    unsigned char *a = NULL;
    size_t n = 0, cap = 0;
    int rc;

    if (items != NULL)
        *items = NULL;
    if (len != NULL)
        *len = 0;
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || type == NULL || items == NULL || len == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_rows_collect: NULL argument");
    while ((rc = assoc_step(db, st)) == ASSOC_ROW) {
        void *rec;
        if (n == cap) {
            void *p = a;
            rc = assoc_list_reserve(db, &p, &cap, n, type->size);
            if (rc != ASSOC_OK)
                break;
            a = p;
        }
        rec = a + n * type->size;
        memset(rec, 0, type->size);
        rc = type->read(db, st, 0, rec);
        if (rc != ASSOC_OK) {
            if (type->release != NULL)
                type->release(rec);
            break;
        }
        n++;
    }
    if (rc == ASSOC_OK) {
        *items = a;
        *len = n;
        return ASSOC_OK;
    }
    assoc_rows_free(type, a, n);
    return rc;
}

int assoc_row_fetch(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, void *rec)
{
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || type == NULL || rec == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_row_fetch: NULL argument");
    memset(rec, 0, type->size);
    rc = assoc_step(db, st);
    if (rc == ASSOC_OK)
        return assoc_fail(db, ASSOC_NOTFOUND, "no such %s", type->model);
    if (rc != ASSOC_ROW)
        return rc;
    rc = type->read(db, st, 0, rec);
    if (rc != ASSOC_OK && type->release != NULL)
        type->release(rec);
    return rc;
}

int assoc_row_next(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, void *rec)
{
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || type == NULL || rec == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_row_next: NULL argument");
    rc = assoc_step(db, st);
    if (rc != ASSOC_ROW)
        return rc;
    /* No zeroing: a reader writes every field of the record, and a lent
     * record has nothing to release. */
    rc = type->view(db, st, 0, rec);
    if (rc != ASSOC_OK) {
        memset(rec, 0, type->size); /* borrowed: nothing to release */
        return rc;
    }
    return ASSOC_ROW;
}

int assoc_row_view(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, int at, void *rec)
{
    int key, rc;
    bool null;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || type == NULL || rec == NULL || at < 0)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_row_view: NULL argument");
    key = at + (type->key_column >= 0 ? type->key_column : 0);
    /* SQLite: a column that is not there reads as NULL, so its count is
     * asked only then. */
    null = st->lite != NULL && sqlite3_column_type(st->lite, key) == SQLITE_NULL;
    if (st->lite == NULL || null) {
        rc = check_column(db, st, key, "assoc_row_view");
        if (rc != ASSOC_OK)
            return rc;
    }
    if (st->lite == NULL)
        null = assoc_pg_col_null(st->pg, key);
    if (null) {
        memset(rec, 0, type->size);
        return ASSOC_OK;
    }
    rc = type->view(db, st, at, rec);
    if (rc != ASSOC_OK) {
        memset(rec, 0, type->size); /* borrowed: nothing to release */
        return rc;
    }
    return ASSOC_ROW;
}

void assoc_rows_free(const assoc_rowtype *type, void *items, size_t len)
{
    unsigned char *a = items;

    if (type == NULL || items == NULL)
        return;
    if (type->release != NULL)
        for (size_t i = 0; i < len; i++)
            type->release(a + i * type->size);
    assoc_free(items);
}

/* ---------------------------------------------------------------------
 * Collections read through an association table
 * ------------------------------------------------------------------- */

/* Memory for the strings and blobs of kept records: blocks that never
 * move once made, so that a record can point into one while later rows
 * still arrive.  Reused from the first block on by the next call. */
typedef struct keep_block {
    struct keep_block *next;
    size_t cap, used;
    unsigned char data[];
} keep_block;

struct assoc_keep_buf {
    unsigned char *recs;            /* the records, in the order they came */
    size_t nrecs, rcap;
    const void **order;             /* pointers to them: sorted, repeats dropped */
    const void **tmp;               /* the merge sort's other half */
    size_t ocap;
    keep_block *blocks, *cur;       /* strings and blobs; cur: the one being filled */
    size_t *slots;                  /* batched loads: a hash of row ids -> record + 1; all 0 between uses */
    size_t nslots;
    size_t held;                    /* bytes of all of the above */
};

/* What a connection keeps between calls; beyond it, the memory goes back. */
enum { KEEP_RETAIN = 1 << 20 };

static void keep_buf_free(struct assoc_keep_buf *b)
{
    if (b == NULL)
        return;
    for (keep_block *k = b->blocks, *next; k != NULL; k = next) {
        next = k->next;
        assoc_free(k);
    }
    assoc_free(b->recs);
    assoc_free(b->order);
    assoc_free(b->tmp);
    assoc_free(b->slots);
    assoc_free(b);
}

/* Room for n bytes in the blocks: a pointer to them, or NULL (out of
 * memory).  A new block is at least 4 KiB and twice the last. */
static unsigned char *keep_alloc(struct assoc_keep_buf *b, size_t n)
{
    keep_block *k = b->cur, *last = NULL;
    while (k != NULL && k->cap - k->used < n) {
        last = k;
        k = k->next;
    }
    if (k == NULL) {
        size_t cap = last != NULL ? 2 * last->cap : 4096;
        if (cap < n)
            cap = n;
        if (cap > SIZE_MAX - sizeof *k)
            return NULL;
        k = assoc_malloc(sizeof *k + cap);
        if (k == NULL)
            return NULL;
        k->next = NULL;
        k->cap = cap;
        k->used = 0;
        if (last != NULL)
            last->next = k;
        else
            b->blocks = k;
        b->held += cap;
    }
    b->cur = k;
    k->used += n;
    return k->data + k->used - n;
}

/* Copy the strings and blobs a lent record points at into the blocks. */
static bool keep_copy(struct assoc_keep_buf *b, const assoc_rowtype *t, unsigned char *rec)
{
    for (size_t i = 0; i < t->ntexts; i++) {
        char **s = (char **)(void *)(rec + t->texts[i]);
        if (*s == NULL)
            continue;
        size_t n = strlen(*s) + 1;
        unsigned char *p = keep_alloc(b, n);
        if (p == NULL)
            return false;
        memcpy(p, *s, n);
        *s = (char *)p;
    }
    for (size_t i = 0; i < t->nblobs; i++) {
        assoc_blob *v = (assoc_blob *)(void *)(rec + t->blobs[i]);
        if (v->data == NULL)
            continue;
        unsigned char *p = keep_alloc(b, v->len != 0 ? v->len : 1);
        if (p == NULL)
            return false;
        if (v->len != 0)
            memcpy(p, v->data, v->len);
        v->data = p;
    }
    return true;
}

static int64_t rec_rowid(const assoc_rowtype *t, const void *rec)
{
    int64_t k;

    memcpy(&k, (const unsigned char *)rec + t->rowid_at, sizeof k);
    return k;
}

/* The order of two records of type t by key: a row id compared in place
 * (no call through a pointer), any other key through t->cmp. */
static inline int rec_cmp(const assoc_rowtype *t, const void *a, const void *b)
{
    if (t->rowid_key) {
        int64_t x = rec_rowid(t, a), y = rec_rowid(t, b);
        return (x > y) - (x < y);
    }
    return t->cmp(a, b);
}

/* A stable merge sort of n pointers by their records' keys. */
static void sort_recs(const void **a, const void **tmp, size_t n, const assoc_rowtype *t)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            const void *x = a[i];
            size_t j = i;
            for (; j > 0 && rec_cmp(t, a[j - 1], x) > 0; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    sort_recs(a, tmp, h, t);
    sort_recs(a + h, tmp, n - h, t);
    if (rec_cmp(t, a[h - 1], a[h]) <= 0)
        return;
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = rec_cmp(t, a[j], a[i]) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    memcpy(a, tmp, k * sizeof *a);
}

/* Point order[0..n) at the n records of recs (size bytes each) in key
 * order, each key once: OUT: the number kept.  One pass does it when the
 * records come in order (or `sorted`: ordered by the statement, repeats
 * adjacent); otherwise every record is sorted, then repeats dropped. */
static size_t order_unique(const unsigned char *recs, size_t n, const assoc_rowtype *t, bool sorted,
                           const void **order, const void **tmp)
{
    size_t w = 0, i = 0, size = t->size;
    for (; i < n; i++) {
        const void *r = recs + i * size;
        if (w > 0) {
            int c = rec_cmp(t, order[w - 1], r);
            if (c == 0)
                continue;               /* a repeat of the row before */
            if (c > 0 && !sorted)
                break;                  /* out of order: sort them all */
        }
        order[w++] = r;
    }
    if (i == n)
        return w;
    for (i = 0; i < n; i++)
        order[i] = recs + i * size;
    sort_recs(order, tmp, n, t);
    w = 0;
    for (i = 0; i < n; i++)
        if (w == 0 || rec_cmp(t, order[w - 1], order[i]) != 0)
            order[w++] = order[i];
    return w;
}

/* The connection's buffer, emptied, unless a call further up holds it (an
 * _each callback walking another collection): then a new one.  NULL: out
 * of memory. */
static struct assoc_keep_buf *keep_take(assoc_db *db)
{
    struct assoc_keep_buf *b = db->keep;

    db->keep = NULL;
    if (b == NULL) {
        b = assoc_malloc(sizeof *b);
        if (b == NULL)
            return NULL;
        memset(b, 0, sizeof *b);
    }
    b->nrecs = 0;
    b->cur = b->blocks;
    for (keep_block *k = b->blocks; k != NULL; k = k->next)
        k->used = 0;
    return b;
}

/* Room for one more record and its order pointers. */
static int keep_reserve(assoc_db *db, struct assoc_keep_buf *b, size_t size)
{
    if (b->nrecs < b->rcap)
        return ASSOC_OK;
    size_t cap = b->rcap != 0 ? 2 * b->rcap : 16;
    if (cap > SIZE_MAX / size || cap > SIZE_MAX / sizeof *b->order)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a collection");
    unsigned char *recs = assoc_realloc(b->recs, cap * size);
    if (recs == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a collection");
    b->recs = recs;
    b->held += (cap - b->rcap) * size;
    b->rcap = cap;
    return ASSOC_OK;
}

static int order_reserve(assoc_db *db, struct assoc_keep_buf *b)
{
    if (b->nrecs <= b->ocap)
        return ASSOC_OK;
    const void **order = assoc_realloc(b->order, b->rcap * sizeof *order);
    if (order == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a collection");
    b->order = order;
    const void **tmp = assoc_realloc(b->tmp, b->rcap * sizeof *tmp);
    if (tmp == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a collection");
    b->tmp = tmp;
    b->held += 2 * (b->rcap - b->ocap) * sizeof *order;
    b->ocap = b->rcap;
    return ASSOC_OK;
}

int assoc_rows_keep(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, bool sorted, assoc_kept *out)
{
    struct assoc_keep_buf *b;
    int rc;

    if (out != NULL)
        *out = (assoc_kept)ASSOC_KEPT_INIT;
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || type == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_rows_keep: NULL argument");
    b = keep_take(db);
    if (b == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a collection");
    out->buf = b;
    while ((rc = assoc_step(db, st)) == ASSOC_ROW) {
        rc = keep_reserve(db, b, type->size);
        if (rc != ASSOC_OK)
            break;
        unsigned char *rec = b->recs + b->nrecs * type->size;
        rc = type->view(db, st, 0, rec);
        if (rc != ASSOC_OK)
            break;
        if (!keep_copy(b, type, rec)) {
            rc = assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a collection");
            break;
        }
        b->nrecs++;
    }
    if (rc == ASSOC_OK)
        rc = order_reserve(db, b);
    if (rc != ASSOC_OK) {
        assoc_kept_free(db, out);
        return rc;
    }
    out->n = order_unique(b->recs, b->nrecs, type, sorted, b->order, b->tmp);
    out->rows = b->order;
    return ASSOC_OK;
}

void assoc_kept_free(assoc_db *db, assoc_kept *k)
{
    if (k == NULL)
        return;
    if (db != NULL && db->keep == NULL && k->buf != NULL && k->buf->held <= KEEP_RETAIN)
        db->keep = k->buf;
    else
        keep_buf_free(k->buf);
    *k = (assoc_kept)ASSOC_KEPT_INIT;
}

int assoc_rows_unique(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, bool sorted, void **items,
                      size_t *len)
{
    const void **order = NULL, **tmp = NULL;
    unsigned char *a, *b = NULL;
    size_t n, w;
    int rc = assoc_rows_collect(db, st, type, items, len);

    if (rc != ASSOC_OK || *len < 2)
        return rc;
    a = *items;
    n = *len;
    order = assoc_malloc(n * sizeof *order);
    tmp = assoc_malloc(n * sizeof *tmp);
    if (order == NULL || tmp == NULL)
        goto nomem;
    w = order_unique(a, n, type, sorted, order, tmp);
    if (w == n) {
        size_t i = 0;
        while (i < n && order[i] == a + i * type->size)
            i++;
        if (i == n) { /* in order, no repeats: the list as it came */
            assoc_free(order);
            assoc_free(tmp);
            return ASSOC_OK;
        }
    }
    b = assoc_malloc(n * type->size);
    if (b == NULL)
        goto nomem;
    /* The records kept, in order, into b; the repeats released.  A repeat
     * is the record no pointer names: mark the kept ones through tmp. */
    for (size_t i = 0; i < w; i++)
        memcpy(b + i * type->size, order[i], type->size);
    if (w < n && type->release != NULL) {
        memset(tmp, 0, n * sizeof *tmp);
        for (size_t i = 0; i < w; i++)
            tmp[((const unsigned char *)order[i] - a) / type->size] = order[i];
        for (size_t i = 0; i < n; i++)
            if (tmp[i] == NULL)
                type->release(a + i * type->size);
    }
    assoc_free(order);
    assoc_free(tmp);
    assoc_free(a);
    *items = b;
    *len = w;
    return ASSOC_OK;
nomem:
    assoc_free(order);
    assoc_free(tmp);
    assoc_rows_free(type, a, n);
    *items = NULL;
    *len = 0;
    return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a collection");
}

/* ---------------------------------------------------------------------
 * Batched loads
 * ------------------------------------------------------------------- */

void assoc_load_init(assoc_load *l, const assoc_rowtype *type, size_t nparents, bool by_key)
{
    memset(l, 0, sizeof *l);
    l->type = type;
    l->nparents = nparents;
    l->by_key = by_key;
}

void assoc_load_free(assoc_load *l)
{
    if (l == NULL)
        return;
    keep_buf_free(l->buf); /* the records own nothing: their bytes are the block's */
    assoc_free(l->pairs);
    assoc_free(l->blk);
    l->buf = NULL;
    l->pairs = NULL;
    l->blk = NULL;
    l->npairs = l->pcap = l->blen = l->bcap = 0;
}


/* A row id's slot in a table of mask + 1 (a power of two) slots. */
static size_t load_slot(int64_t key, size_t mask)
{
    uint64_t h = (uint64_t)key * UINT64_C(0x9E3779B97F4A7C15);

    return (size_t)(h ^ (h >> 32)) & mask;
}

/* The accumulator's buffer back to db for its next load or collection, as
 * assoc_kept_free() gives it (at most KEEP_RETAIN), the rest released. */
static void load_release(assoc_db *db, assoc_load *l)
{
    struct assoc_keep_buf *b = l->buf;

    if (b != NULL && db->keep == NULL && b->held <= KEEP_RETAIN) {
        /* Empty the slots the records took (each is at or after its
         * key's own slot), not the whole table. */
        for (size_t r = 0; l->type->rowid_key && b->nslots != 0 && r < b->nrecs; r++) {
            size_t h = load_slot(rec_rowid(l->type, b->recs + r * l->type->size), b->nslots - 1), tries = 0;
            while (b->slots[h] != r + 1 && ++tries < b->nslots)
                h = (h + 1) & (b->nslots - 1);
            if (tries == b->nslots) { /* not there: cannot happen; empty them all */
                memset(b->slots, 0, b->nslots * sizeof *b->slots);
                break;
            }
            b->slots[h] = 0;
        }
        db->keep = b;
        l->buf = NULL;
    }
    assoc_load_free(l);
}

/* The parent index of the current row: base + its place in the chunk, an
 * integer below nparents.  The place is an integer of the statement's
 * VALUES list, never NULL: read as a row id is, in one call.  Inline:
 * with two callers (assoc_load_rows, assoc_load_next) gcc stopped
 * inlining it into the gather's loop, 26 instructions a row (2.6 M of
 * user_products_load's 302 M at N = 10,000). */
static inline int parent_index(assoc_db *db, assoc_stmt *st, int pcol, size_t base, size_t nparents, size_t *out)
{
    int64_t i = 0;
    int rc = assoc_col_rowid(db, st, pcol, &i);

    if (rc != ASSOC_OK)
        return rc;
    if (i < 0 || (uint64_t)i >= nparents - base)
        return assoc_fail(db, ASSOC_ERROR, "a batched load's row names parent %lld + %zu of %zu", (long long)i, base,
                          nparents);
    *out = base + (size_t)i;
    return ASSOC_OK;
}

/* Twice the slots (at least 256), every record held placed again. */
static int slots_grow(assoc_db *db, assoc_load *l)
{
    const assoc_rowtype *t = l->type;
    struct assoc_keep_buf *b = l->buf;
    size_t n = b->nslots != 0 ? 2 * b->nslots : 256;
    size_t *s;

    if (n > SIZE_MAX / sizeof *s)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a batched load");
    s = assoc_malloc(n * sizeof *s);
    if (s == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a batched load");
    memset(s, 0, n * sizeof *s);
    for (size_t r = 0; r < b->nrecs; r++) {
        size_t h = load_slot(rec_rowid(t, b->recs + r * t->size), n - 1);
        while (s[h] != 0)
            h = (h + 1) & (n - 1);
        s[h] = r + 1;
    }
    b->held += (n - b->nslots) * sizeof *s;
    assoc_free(b->slots);
    b->slots = s;
    b->nslots = n;
    return ASSOC_OK;
}

/* Room for n more bytes in the block that becomes the groups' start: its
 * nparents + 1 entries, then the strings and blobs of the rows read. */
static int bytes_reserve(assoc_db *db, assoc_load *l, size_t n)
{
    if (l->bcap - l->blen >= n)
        return ASSOC_OK;
    size_t cap = l->bcap != 0 ? l->bcap : 4096;
    while (cap - l->blen < n) {
        if (cap > SIZE_MAX / 2)
            return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a batched load");
        cap *= 2;
    }
    unsigned char *p = assoc_realloc(l->blk, cap);
    if (p == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a batched load");
    l->blk = p;
    l->bcap = cap;
    return ASSOC_OK;
}

/* Copy n bytes to the block.  OUT: their offset, which is what the
 * record holds for now (the block may still move): finish turns it into a
 * pointer.  Never 0: the start entries come first. */
static int bytes_add(assoc_db *db, assoc_load *l, const void *data, size_t n, uintptr_t *off)
{
    int rc = bytes_reserve(db, l, n);

    if (rc != ASSOC_OK)
        return rc;
    if (n != 0)
        memcpy(l->blk + l->blen, data, n);
    *off = (uintptr_t)l->blen;
    l->blen += n;
    return ASSOC_OK;
}

/* Read the current row into a new record of the buffer, lent, then its
 * strings and blobs copied into the block (as offsets).  key: the row id
 * read already (with a row id key), which is not read again.  OUT:
 * *place. */
static int load_read(assoc_db *db, assoc_load *l, assoc_stmt *st, const int64_t *key, size_t *place)
{
    struct assoc_keep_buf *b = l->buf;
    const assoc_rowtype *t = l->type;
    unsigned char *rec;
    uintptr_t off;
    int rc = keep_reserve(db, b, t->size);

    if (rc != ASSOC_OK)
        return rc;
    rec = b->recs + b->nrecs * t->size;
    memset(rec, 0, t->size);
    if (key != NULL) {
        memcpy(rec + t->rowid_at, key, sizeof *key);
        rc = t->rest != NULL ? t->rest(db, st, 0, rec) : ASSOC_OK;
    } else {
        rc = t->view(db, st, 0, rec);
    }
    if (rc != ASSOC_OK)
        return rc;
    for (size_t i = 0; i < t->ntexts; i++) {
        char **sp = (char **)(void *)(rec + t->texts[i]);
        if (*sp == NULL)
            continue;
        if ((rc = bytes_add(db, l, *sp, strlen(*sp) + 1, &off)) != ASSOC_OK)
            return rc;
        *sp = (char *)off;
    }
    for (size_t i = 0; i < t->nblobs; i++) {
        assoc_blob *v = (assoc_blob *)(void *)(rec + t->blobs[i]);
        if (v->data == NULL)
            continue;
        /* an empty blob still takes a byte: its data points into the block */
        if ((rc = bytes_add(db, l, v->len != 0 ? v->data : (const unsigned char *)"", v->len != 0 ? v->len : 1,
                            &off)) != ASSOC_OK)
            return rc;
        v->data = (unsigned char *)off;
    }
    *place = b->nrecs++;
    return ASSOC_OK;
}

int assoc_load_rows(assoc_db *db, assoc_load *l, assoc_stmt *st, int pcol, size_t base)
{
    const assoc_rowtype *t;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (l == NULL || st == NULL || l->type == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_load_rows: NULL argument");
    t = l->type;
    if (base >= l->nparents)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_load_rows: chunk at %zu of %zu parents", base, l->nparents);
    if (l->buf == NULL && (l->buf = keep_take(db)) == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a batched load");
    if (l->blk == NULL) {
        if (l->nparents >= SIZE_MAX / sizeof(size_t) - 1)
            return assoc_fail(db, ASSOC_NOMEM, "out of memory gathering a batched load");
        rc = bytes_reserve(db, l, (l->nparents + 1) * sizeof(size_t));
        if (rc != ASSOC_OK)
            return rc;
        l->blen = (l->nparents + 1) * sizeof(size_t);
    }
    while ((rc = assoc_step(db, st)) == ASSOC_ROW) {
        size_t parent = 0, place = 0;
        rc = parent_index(db, st, pcol, base, l->nparents, &parent);
        if (rc != ASSOC_OK)
            return rc;
        if (l->npairs == l->pcap) {
            void *p = l->pairs;
            rc = assoc_list_reserve(db, &p, &l->pcap, l->npairs, 2 * sizeof *l->pairs);
            if (rc != ASSOC_OK)
                return rc;
            l->pairs = p;
        }
        if (t->rowid_key) {
            /* A row held already (another parent's, or this one's again)
             * is known by its key: the rest of it is not read. */
            struct assoc_keep_buf *b = l->buf;
            int64_t key = 0;
            size_t h;
            bool held = false;
            rc = assoc_col_rowid(db, st, t->key_column, &key);
            if (rc != ASSOC_OK)
                return rc;
            if (2 * (b->nrecs + 1) > b->nslots && (rc = slots_grow(db, l)) != ASSOC_OK)
                return rc;
            for (h = load_slot(key, b->nslots - 1); b->slots[h] != 0; h = (h + 1) & (b->nslots - 1))
                if (rec_rowid(t, b->recs + (b->slots[h] - 1) * t->size) == key) {
                    place = b->slots[h] - 1;
                    held = true;
                    break;
                }
            if (!held) {
                rc = load_read(db, l, st, &key, &place);
                if (rc != ASSOC_OK)
                    return rc;
                b->slots[h] = place + 1;
            }
        } else {
            rc = load_read(db, l, st, NULL, &place);
            if (rc != ASSOC_OK)
                return rc;
        }
        l->pairs[2 * l->npairs] = parent;
        l->pairs[2 * l->npairs + 1] = place;
        l->npairs++;
    }
    return rc;
}

/* Heap sort's step: move a[r] down the heap a[0..n) to its place. */
static void sift_down(size_t *a, size_t r, size_t n)
{
    for (size_t c; (c = 2 * r + 1) < n; r = c) {
        if (c + 1 < n && a[c + 1] > a[c])
            c++;
        if (a[r] >= a[c])
            return;
        size_t x = a[r];
        a[r] = a[c];
        a[c] = x;
    }
}

/* Sort n indexes ascending in place: insertion for a parent's few rows,
 * a heap sort (no extra memory) for a long run. */
static void sort_sizes(size_t *a, size_t n)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            size_t x = a[i], j = i;
            for (; j > 0 && a[j - 1] > x; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    for (size_t r = n / 2; r-- > 0;)
        sift_down(a, r, n);
    for (size_t end = n - 1; end > 0; end--) {
        size_t x = a[0];
        a[0] = a[end];
        a[end] = x;
        sift_down(a, 0, end);
    }
}

/* Point a record's strings and blobs, held as offsets, into the block. */
static void rec_point(const assoc_rowtype *t, unsigned char *rec, unsigned char *blk)
{
    for (size_t i = 0; i < t->ntexts; i++) {
        char **sp = (char **)(void *)(rec + t->texts[i]);
        if (*sp != NULL)
            *sp = (char *)(blk + (uintptr_t)*sp);
    }
    for (size_t i = 0; i < t->nblobs; i++) {
        assoc_blob *v = (assoc_blob *)(void *)(rec + t->blobs[i]);
        if (v->data != NULL)
            v->data = blk + (uintptr_t)v->data;
    }
}

/* Put ord[0..n) in key order.  Distinct row ids that lie close together
 * (as row ids mostly do) go by a counting sort, one pass each way; other
 * keys by the merge sort.  false: out of memory. */
static bool order_recs(const void **ord, const void **tmp, size_t n, const assoc_rowtype *t)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    if (t->rowid_key && n >= 2)
        for (size_t k = 0; k < n; k++) {
            int64_t key = rec_rowid(t, ord[k]);
            lo = key < lo ? key : lo;
            hi = key > hi ? key : hi;
        }
    if (!t->rowid_key || n < 2 || (uint64_t)hi - (uint64_t)lo >= 4 * (uint64_t)n + 64) {
        sort_recs(ord, tmp, n, t);
        return true;
    }
    size_t range = (size_t)((uint64_t)hi - (uint64_t)lo) + 1;
    const void **slot = assoc_malloc(range * sizeof *slot);
    if (slot == NULL)
        return false;
    memset(slot, 0, range * sizeof *slot);
    for (size_t k = 0; k < n; k++)
        slot[(uint64_t)rec_rowid(t, ord[k]) - (uint64_t)lo] = ord[k];
    size_t w = 0;
    for (size_t r = 0; r < range; r++)
        if (slot[r] != NULL)
            ord[w++] = slot[r];
    assoc_free(slot);
    return true;
}

int assoc_load_finish(assoc_db *db, assoc_load *l, void **items, size_t *len, size_t **start, size_t **link)
{
    const assoc_rowtype *t;
    size_t *rank = NULL, *st = NULL, *lk = NULL, nrecs, nrows = 0;
    const void **ord = NULL, **otmp = NULL;
    unsigned char *recs;
    unsigned char *rows = NULL;
    int rc = ASSOC_NOMEM;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (l == NULL || items == NULL || len == NULL || start == NULL || link == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_load_finish: NULL argument");
    t = l->type;
    *items = NULL;
    *len = 0;
    *start = NULL;
    *link = NULL;
    nrecs = l->buf != NULL ? l->buf->nrecs : 0;
    recs = l->buf != NULL ? l->buf->recs : NULL;
    if (l->blk == NULL) { /* no chunk ran: n was 0 */
        if (l->nparents >= SIZE_MAX / sizeof(size_t) - 1 ||
            bytes_reserve(db, l, (l->nparents + 1) * sizeof(size_t)) != ASSOC_OK)
            goto done;
        l->blen = (l->nparents + 1) * sizeof(size_t);
    }
    /* The block moves no more: the offsets become pointers. */
    for (size_t r = 0; r < nrecs; r++)
        rec_point(t, recs + r * t->size, l->blk);
    rank = assoc_malloc((nrecs + 1) * sizeof *rank);
    ord = assoc_malloc((nrecs + 1) * sizeof *ord);
    otmp = assoc_malloc((nrecs + 1) * sizeof *otmp);
    lk = assoc_malloc((l->npairs + 1) * sizeof *lk);
    if (!rank || !ord || !otmp || !lk)
        goto done;
    /* Each distinct key once, in key order (ord, compacted); rank[r]: the
     * place of record r's key among them.  With a row id key the records
     * are distinct already; otherwise a repeat sorts next to the record
     * kept (the sort is stable), whose place it takes. */
    for (size_t k = 0; k < nrecs; k++)
        ord[k] = recs + k * t->size;
    if (!order_recs(ord, otmp, nrecs, t))
        goto done;
    for (size_t k = 0; k < nrecs; k++) {
        size_t r = (size_t)((const unsigned char *)ord[k] - recs) / t->size;
        if (!t->rowid_key && nrows > 0 && t->cmp(ord[nrows - 1], ord[k]) == 0) {
            rank[r] = nrows - 1;
            continue;
        }
        ord[nrows] = ord[k];
        rank[r] = nrows++;
    }
    rows = assoc_malloc(nrows * t->size);
    if (rows == NULL)
        goto done;
    for (size_t k = 0; k < nrows; k++)
        memcpy(rows + k * t->size, ord[k], t->size);
    /* Each parent's rows together, in the order they came (the
     * relationship's, within a parent): counted per parent, then placed.
     * by_key: then each parent's run sorted by key (the ranks are in key
     * order) and its repeats dropped, the runs moved up to close the gaps.
     * start is the block's head; the strings and blobs follow it. */
    st = (size_t *)(void *)l->blk;
    memset(st, 0, (l->nparents + 1) * sizeof *st);
    for (size_t k = 0; k < l->npairs; k++)
        st[l->pairs[2 * k] + 1]++;
    for (size_t i = 0; i < l->nparents; i++)
        st[i + 1] += st[i];
    for (size_t k = 0; k < l->npairs; k++)
        lk[st[l->pairs[2 * k]]++] = rank[l->pairs[2 * k + 1]];
    for (size_t i = l->nparents; i > 0; i--)
        st[i] = st[i - 1];
    st[0] = 0;
    if (l->by_key) {
        size_t w = 0;
        for (size_t i = 0; i < l->nparents; i++) {
            size_t from = st[i], to = st[i + 1];
            sort_sizes(lk + from, to - from);
            st[i] = w;
            for (size_t k = from; k < to; k++)
                if (k == from || lk[k] != lk[w - 1])
                    lk[w++] = lk[k];
        }
        st[l->nparents] = w;
    }
    *items = rows;
    *len = nrows;
    *start = st;
    *link = lk;
    l->blk = NULL; /* now *start */
    l->blen = l->bcap = 0;
    rows = NULL;
    lk = NULL;
    rc = ASSOC_OK;
done:
    assoc_free(rank);
    assoc_free(ord);
    assoc_free(otmp);
    assoc_free(lk);
    assoc_free(rows);
    load_release(db, l);
    if (rc != ASSOC_OK)
        return assoc_fail(db, rc, "out of memory gathering a batched load");
    return rc;
}

int assoc_load_chunk_read(assoc_db *db, const assoc_rowtype *type, size_t nparents, bool by_key, assoc_stmt *st,
                          int pcol, assoc_load_chunk *out)
{
    assoc_load acc;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_load_chunk_read: NULL argument");
    memset(out, 0, sizeof *out);
    assoc_load_init(&acc, type, nparents, by_key);
    rc = assoc_load_rows(db, &acc, st, pcol, 0);
    if (rc != ASSOC_OK) {
        assoc_load_free(&acc);
        return rc;
    }
    return assoc_load_finish(db, &acc, &out->items, &out->len, &out->start, &out->link);
}

void assoc_load_chunk_free(assoc_load_chunk *c)
{
    if (c == NULL)
        return;
    assoc_free(c->items);
    assoc_free(c->start);
    assoc_free(c->link);
    memset(c, 0, sizeof *c);
}

int assoc_load_next(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, int pcol, size_t base, void *rec,
                    size_t *parent)
{
    int rc = assoc_row_next(db, st, type, rec);

    if (rc == ASSOC_ROW) {
        /* the caller does not say how many parents it has: no bound but
         * size_t's */
        int prc = parent_index(db, st, pcol, base, SIZE_MAX, parent);
        if (prc != ASSOC_OK)
            return prc;
    }
    return rc;
}

int assoc_cmp_text(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

int assoc_cmp_blob(const assoc_blob *a, const assoc_blob *b)
{
    size_t n;
    int c;

    if (a->data == NULL || b->data == NULL)
        return (a->data != NULL) - (b->data != NULL);
    n = a->len < b->len ? a->len : b->len;
    c = n ? memcmp(a->data, b->data, n) : 0;
    if (c != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* ---------------------------------------------------------------------
 * Set-based deletes (assoc.h says what each step does)
 * ------------------------------------------------------------------- */

/* Run one step to its end; with round >= 0 bound as $1.  OUT: *changes
 * (when not NULL) += the rows it changed. */
static int run_step(assoc_db *db, const assoc_sql *sql, int64_t round, int64_t *changes)
{
    assoc_stmt *st = NULL;
    int rc = assoc_stmt_acquire(db, sql, &st);

    if (rc == ASSOC_OK && round >= 0)
        rc = assoc_bind_int64(db, st, 1, round);
    while (rc == ASSOC_OK && (rc = assoc_step(db, st)) == ASSOC_ROW)
        ;
    if (rc == ASSOC_OK && changes != NULL)
        *changes += assoc_changes(db);
    assoc_stmt_release(db, st);
    return rc;
}

/* The one number a counting step gives. */
static int run_count(assoc_db *db, const assoc_sql *sql, int64_t *out)
{
    assoc_stmt *st = NULL;
    int rc = assoc_stmt_acquire(db, sql, &st);

    if (rc == ASSOC_OK) {
        rc = assoc_step(db, st);
        if (rc == ASSOC_ROW)
            rc = assoc_col_int64(db, st, 0, out, NULL);
        else if (rc == ASSOC_OK)
            rc = assoc_fail(db, ASSOC_ERROR, "a count gave no row");
    }
    assoc_stmt_release(db, st);
    return rc;
}

int assoc_cascade_setup(assoc_db *db, const assoc_cascade *c)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (c == NULL || c->setup == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_cascade_setup: NULL argument");
    return assoc_exec(db, c->setup);
}

/* Each loop runs a constant number of statements per round, and a round
 * either finds (or deletes) at least one row or ends the loop, so the
 * whole takes time linear in the rows deleted, in constant stack. */
int assoc_cascade_run(assoc_db *db, const assoc_cascade *c, int64_t *seeds)
{
    int64_t round, n, left = 0;
    int rc = ASSOC_OK;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (c == NULL || c->left == NULL || c->count == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_cascade_run: NULL argument");
    /* 1. The set: every row the cascades reach. */
    for (round = 0; rc == ASSOC_OK; round++) {
        n = 0;
        for (size_t i = 0; i < c->nexpand && rc == ASSOC_OK; i++)
            rc = run_step(db, c->expand[i], round, &n);
        if (n == 0)
            break;
    }
    if (rc == ASSOC_OK && seeds != NULL)
        rc = run_count(db, c->count, seeds);
    /* 2. What stays: children's keys, association rows. */
    for (size_t i = 0; i < c->nbefore && rc == ASSOC_OK; i++)
        rc = run_step(db, c->before[i], -1, NULL);
    /* 3. The rows, those no other row of the set refers to first. */
    for (round = 0; rc == ASSOC_OK; round++) {
        n = 0;
        for (size_t i = 0; i < c->nmark && rc == ASSOC_OK; i++)
            rc = run_step(db, c->mark[i], round, &n);
        if (rc != ASSOC_OK)
            break;
        if (n == 0) {
            rc = run_count(db, c->left, &left);
            if (rc == ASSOC_OK && left > 0)
                rc = assoc_fail(db, ASSOC_CONSTRAINT,
                                "circular dependency: %lld row(s) of %s refer to each other in a cycle, so no order "
                                "of deletes can remove them (SQLAlchemy's CircularDependencyError); nothing was deleted",
                                (long long)left, c->tables ? c->tables : "the tables");
            break;
        }
        for (size_t i = 0; i < c->nnext && rc == ASSOC_OK; i++)
            rc = run_step(db, c->next[i], round + 1, NULL);
        for (size_t i = 0; i < c->nremove && rc == ASSOC_OK; i++)
            rc = run_step(db, c->remove[i], round, NULL);
    }
    return rc;
}

/* ---------------------------------------------------------------------
 * Datetimes (the calendar itself is calendar.c, shared with assocgen)
 * ------------------------------------------------------------------- */

int assoc_time_format(assoc_time t, char buf[ASSOC_TIME_TEXT_SIZE])
{
    if (buf == NULL)
        return ASSOC_MISUSE;
    return assoc_cal_format(t, buf) ? ASSOC_OK : ASSOC_MISUSE;
}

int assoc_time_parse(const char *text, size_t len, assoc_time *out)
{
    if (out == NULL)
        return ASSOC_MISUSE;
    return assoc_cal_parse(text, len, false, out) ? ASSOC_OK : ASSOC_ERROR;
}

/* The first ten bytes of a and b alike? */
static inline bool same_date(const char *a, const char *b)
{
    uint64_t x, y;
    uint16_t u, w;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    memcpy(&u, a + 8, 2);
    memcpy(&w, b + 8, 2);
    return x == y && u == w;
}

/* assoc_cal_parse() for the column readers, of a text whose layout is known to
 * be right (assoc_cal_layout_ok).  Rows read together mostly share a date (they
 * were written together), so the connection remembers the last date it
 * converted and checks only the time of day when the next text starts with
 * the same ten bytes. */
static inline bool read_time(assoc_db *db, const char *text, size_t len, assoc_time *out)
{
    int64_t days, us;

    if (!assoc_cal_parse_clock(text, len, &us))
        return false;
    if (db->last_date_ok && same_date(text, db->last_date)) {
        days = db->last_days;
    } else {
        if (!assoc_cal_parse_date(text, &days))
            return false;
        memcpy(db->last_date, text, sizeof db->last_date);
        db->last_days = days;
        db->last_date_ok = true;
    }
    *out = days * CAL_SEC_PER_DAY * CAL_US_PER_SEC + us;
    return true;
}

/* The reader's common case first: a text of 19 or 26 bytes of the date
 * converted last (which passed the whole check then), a space and a clock
 * that assoc_cal_clock_swar() accepts.  Anything else takes the whole
 * check. */
static inline bool read_time_text(assoc_db *db, const char *text, size_t len, assoc_time *out)
{
#ifdef ASSOC_CAL_SWAR
    int64_t us;
    if ((len == 19 || len == 26) && db->last_date_ok && same_date(text, db->last_date) && text[10] == ' ' &&
        assoc_cal_clock_swar(text, len, &us)) {
        *out = db->last_days * CAL_SEC_PER_DAY * CAL_US_PER_SEC + us;
        return true;
    }
#endif
    return assoc_cal_layout_ok(text, len) && read_time(db, text, len, out);
}

assoc_time assoc_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (assoc_time)ts.tv_sec * CAL_US_PER_SEC + ts.tv_nsec / 1000;
}

/* SQLite's CURRENT_TIMESTAMP is the clock of the connection's VFS, read
 * as SQLite reads it (sqlite3OsCurrentTimeInt64: milliseconds of the Julian
 * day), cut to whole seconds: computed here as SQLite computes it, with no
 * statement to run.  PostgreSQL's, the server's clock, by one cached
 * statement: LOCALTIMESTAMP is its CURRENT_TIMESTAMP in the session's time
 * zone (UTC), without one, as a TIMESTAMP column stores it; cut to whole
 * seconds, as SQLite's is. */
int assoc_current_timestamp(assoc_db *db, assoc_time *out, char text[ASSOC_TIME_TEXT_SIZE])
{
    static const assoc_sql sql = { "SELECT CURRENT_TIMESTAMP", "SELECT LOCALTIMESTAMP" };   /* UTC: libassoc sets the session's TimeZone */
    assoc_stmt *st = NULL;
    const char *t;
    size_t len;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (out == NULL || text == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_current_timestamp: NULL argument");
    if (db->handle != NULL && db->vfs != NULL) {
        /* 2440587.5 days: the Julian day of 1970-01-01 00:00:00, in ms. */
        const sqlite3_int64 epoch_ms = INT64_C(210866760000000);
        sqlite3_vfs *v = db->vfs;
        sqlite3_int64 jd = 0;
        if (v->iVersion >= 2 && v->xCurrentTimeInt64 != NULL) {
            rc = v->xCurrentTimeInt64(v, &jd);
        } else {
            double r = 0;
            rc = v->xCurrentTime(v, &r);
            jd = (sqlite3_int64)(r * 86400000.0);
        }
        int64_t ms = jd - epoch_ms, secs = ms / 1000 - (ms % 1000 < 0);
        if (rc != SQLITE_OK || secs < CAL_SEC_MIN || secs > CAL_SEC_MAX)
            return assoc_fail(db, ASSOC_ERROR, "the VFS's clock gave no time in years 0001-9999");
        *out = secs * CAL_US_PER_SEC;
        format_time(db, *out, text);
        text[19] = '\0';
        return ASSOC_OK;
    }
    rc = assoc_stmt_acquire(db, &sql, &st);
    if (rc != ASSOC_OK)
        return rc;
    rc = assoc_step(db, st);
    if (rc != ASSOC_ROW) {
        if (rc == ASSOC_OK)
            rc = assoc_fail(db, ASSOC_ERROR, "%s gave no row", sql.text);
        goto done;
    }
    /* A binary timestamp (pg.h): the value at once, and the server's text
     * for it -- YYYY-MM-DD HH:MM:SS, the fraction without its trailing
     * zeros -- from the binders' formatter rather than printed and parsed. */
    if (st->pg != NULL && assoc_pg_col_time_binary(st->pg, 0, out) && format_time(db, *out, text)) {
        size_t n = ASSOC_TIME_TEXT_SIZE - 1; /* "YYYY-MM-DD HH:MM:SS.ffffff" */
        while (n > 20 && text[n - 1] == '0')
            n--;
        text[n == 20 ? 19 : n] = '\0';
        rc = ASSOC_OK;
        goto done;
    }
    rc = text_of(db, st, 0, &t, &len, "assoc_current_timestamp");
    if (rc != ASSOC_OK)
        goto done;
    if (t == NULL || len >= ASSOC_TIME_TEXT_SIZE || !assoc_cal_layout_ok(t, len) || !read_time(db, t, len, out)) {
        rc = assoc_fail(db, ASSOC_ERROR, "CURRENT_TIMESTAMP gave \"%.40s\", not a datetime", t ? t : "NULL");
        goto done;
    }
    memcpy(text, t, len);
    text[len] = '\0';
    rc = ASSOC_OK;
done:
    assoc_stmt_release(db, st);
    return rc;
}

/* Text is what SQLAlchemy writes; an integer or real is seconds since the
 * epoch (what strftime('%s') and unixepoch() give).  A value outside years
 * 0001-9999 is refused, so that whatever is read can be written back. */
/* Out of line, so that the common case's frame stays small. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static int column_time_slow(assoc_db *db, assoc_stmt *st, int col, assoc_time *out, bool *has);

/* Text is what every row we and SQLAlchemy write holds, so SQLite's text
 * is read here first, through the column's value: one look-up of the
 * column for its type, text and length, not one each.  (SQLite calls that
 * value unprotected: reading it is safe where one thread uses the
 * connection, as here.)  Everything else -- NULL, numbers, PostgreSQL, a
 * text that is no datetime, the errors -- is the slow path's. */
int assoc_column_time(assoc_db *db, assoc_stmt *st, int col, assoc_time *out, bool *has)
{
    if (db != NULL && st != NULL && out != NULL && st->lite != NULL) {
        sqlite3_value *v = sqlite3_column_value(st->lite, col);
        if (sqlite3_value_type(v) == SQLITE_TEXT) {
            const char *text = (const char *)sqlite3_value_text(v);
            size_t len = (size_t)sqlite3_value_bytes(v);
            if (text != NULL && read_time_text(db, text, len, out)) {
                if (has != NULL)
                    *has = true;
                return ASSOC_OK;
            }
        }
    }
    return column_time_slow(db, st, col, out, has);
}

static int column_time_slow(assoc_db *db, assoc_stmt *st, int col, assoc_time *out, bool *has)
{
    const char *text = NULL;
    size_t len = 0;
    char shown[48];
    int type, rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_time: NULL argument");

    /* The type first: after a conversion (asking a number for its text)
     * SQLite leaves it undefined. */
    if (st->lite != NULL) {
        type = sqlite3_column_type(st->lite, col);
        if (type == SQLITE_TEXT) {
            text = (const char *)sqlite3_column_text(st->lite, col);
            len = (size_t)sqlite3_column_bytes(st->lite, col);
            if (text == NULL)
                return assoc_fail(db, ASSOC_NOMEM, "out of memory reading column %d", col);
            if (!assoc_cal_layout_ok(text, len) || !read_time(db, text, len, out))
                goto not_a_time;
            if (has != NULL)
                *has = true;
            return ASSOC_OK;
        }
    } else {
        rc = check_column(db, st, col, "assoc_column_time");
        if (rc != ASSOC_OK)
            return rc;
        /* A binary timestamp in range needs no text; every other value
         * (text results, infinity, BC, ...) is read from its text below,
         * with the messages text has. */
        if (assoc_pg_col_time_binary(st->pg, col, out)) {
            if (has != NULL)
                *has = true;
            return ASSOC_OK;
        }
        type = assoc_pg_col_null(st->pg, col) ? SQLITE_NULL : SQLITE_TEXT;
    }
    if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
        rc = text_of(db, st, col, &text, &len, "assoc_column_time");
        if (rc != ASSOC_OK)
            return rc;
        if (text == NULL || !assoc_cal_layout_ok(text, len) || !read_time(db, text, len, out))
            goto not_a_time;
        if (has != NULL)
            *has = true;
        return ASSOC_OK;
    }
    rc = check_column(db, st, col, "assoc_column_time");
    if (rc != ASSOC_OK)
        return rc;
    if (type == SQLITE_NULL)
        return null_value(db, col, has, out, sizeof *out);
    if (type == SQLITE_INTEGER) {
        sqlite3_int64 secs = sqlite3_column_int64(st->lite, col);
        if (secs < CAL_SEC_MIN || secs > CAL_SEC_MAX)
            return assoc_fail(db, ASSOC_ERROR, "column %d: %lld seconds is outside years 0001-9999", col,
                              (long long)secs);
        *out = secs * CAL_US_PER_SEC;
    } else {
        double secs = sqlite3_column_double(st->lite, col);
        double us;
        /* Written so that NaN fails too. */
        if (!(secs >= (double)CAL_SEC_MIN && secs < (double)CAL_SEC_MAX + 1.0))
            return assoc_fail(db, ASSOC_ERROR, "column %d: %g seconds is outside years 0001-9999", col, secs);
        us = secs * 1e6;
        *out = (assoc_time)(us >= 0 ? us + 0.5 : us - 0.5);
        if (*out > CAL_TIME_MAX)
            *out = CAL_TIME_MAX;
    }
    if (has != NULL)
        *has = true;
    return ASSOC_OK;

not_a_time:
    value_text(st, col, shown, sizeof shown);
    return assoc_fail(db, ASSOC_ERROR, "column %d: %s is not a datetime (YYYY-MM-DD HH:MM:SS[.ffffff], "
                      "years 0001-9999)", col, shown);
}

/* ---------------------------------------------------------------------
 * Copies and lists
 * ------------------------------------------------------------------- */

int assoc_strdup(assoc_db *db, const char *s, char **out)
{
    size_t n;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_strdup: NULL argument");
    *out = NULL;
    if (s == NULL)
        return ASSOC_OK;
    n = strlen(s) + 1;
    *out = assoc_malloc(n);
    if (*out == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory copying a string (%zu bytes)", n);
    memcpy(*out, s, n);
    return ASSOC_OK;
}

/* As assoc_column_blob(), an empty blob gets a 1-byte block. */
int assoc_blobdup(assoc_db *db, const void *data, size_t len, assoc_blob *out)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_blobdup: NULL argument");
    out->data = NULL;
    out->len = 0;
    if (data == NULL)
        return ASSOC_OK;
    out->data = assoc_malloc(len);
    if (out->data == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory copying a blob (%zu bytes)", len);
    if (len > 0)
        memcpy(out->data, data, len);
    out->len = len;
    return ASSOC_OK;
}

/* Capacity doubles (from 16), so appending n elements costs O(n) copying;
 * when doubling would overflow, the exact need is tried instead.  16: a
 * collection is loaded to be walked, and most have a handful of rows, so
 * one allocation should usually do (a list of 4 grew three times to hold
 * a user's 10 orders). */
int assoc_list_reserve(assoc_db *db, void **items, size_t *cap, size_t len, size_t size)
{
    size_t need, ncap;
    void *p;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (items == NULL || cap == NULL || size == 0)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_list_reserve: NULL argument or zero element size");
    if (len < *cap)
        return ASSOC_OK;
    if (len == SIZE_MAX)
        return assoc_fail(db, ASSOC_NOMEM, "list too long");
    need = len + 1;
    ncap = *cap < 16 ? 16 : (*cap <= SIZE_MAX / 2 ? *cap * 2 : need);
    if (ncap < need)
        ncap = need;
    if (ncap > SIZE_MAX / size)
        ncap = need;
    if (ncap > SIZE_MAX / size)
        return assoc_fail(db, ASSOC_NOMEM, "list too long (%zu elements of %zu bytes)", need, size);
    p = assoc_realloc(*items, ncap * size);
    if (p == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory growing a list to %zu elements", ncap);
    *items = p;
    *cap = ncap;
    return ASSOC_OK;
}
