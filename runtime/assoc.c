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
 * The file is in five parts: the connection, errors and memory; transactions
 * and atomic sections; the statement cache; datetimes; binding and reading
 * values.
 */
/* clock_gettime and CLOCK_REALTIME are POSIX, not C11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "assoc.h"
#include "subjournal.h"

#include <limits.h>
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

static const char *const sys_sql[SYS_COUNT] = {
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT assoc_sp",
    "RELEASE assoc_sp",
    "ROLLBACK TO assoc_sp",
    "SAVEPOINT assoc_tx",
    "RELEASE assoc_tx",
    "ROLLBACK TO assoc_tx",
};

/* One cached statement.  sql is the key (compared by address); in_use is
 * true between an acquire that handed out stmt and its release. */
typedef struct stmt_slot {
    const char *sql;
    sqlite3_stmt *stmt;
    bool in_use;
} stmt_slot;

struct assoc_db {
    sqlite3 *handle;

    /* The statement cache: an open-addressing table of cap slots (a power
     * of two, or 0 before the first statement) keyed by the address of the
     * SQL text, and beside it a second index of cap entries keyed by the
     * statement, holding slot number + 1 (0 = empty), which lets release
     * find a statement's slot -- or learn that it is a private statement
     * to finalize -- without a scan.  Slots are never removed before
     * assoc_close(), so neither table needs tombstones. */
    stmt_slot *slots;
    size_t *by_stmt;
    size_t cap;
    size_t count;
    /* The slot of the statement handed out last, checked first on release:
     * generated functions release what they acquired, most often with no
     * other acquire in between, so the second table is rarely consulted. */
    size_t last;

    sqlite3_stmt *sys[SYS_COUNT];

    /* assoc_begin() levels.  depth is the number open; outer_savepoint is
     * true when level 1 is a savepoint rather than BEGIN, because a
     * transaction was already open when it began. */
    int depth;
    bool outer_savepoint;

    /* Atomic sections.  tx_depth is the number open; tx_owner is the depth
     * of the section whose SAVEPOINT started the transaction (0: none), the
     * one section that must end it. */
    int tx_depth;
    int tx_owner;

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

    char msg[MSG_SIZE];
};

/* What assoc_errmsg() says when there is no db to hold a message. */
static const char no_db_msg[] = "no database handle (NULL assoc_db; a failed assoc_open() reports by its code only)";

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

const char *assoc_errmsg(assoc_db *db)
{
    return db != NULL ? db->msg : no_db_msg;
}

sqlite3 *assoc_sqlite(assoc_db *db)
{
    return db != NULL ? db->handle : NULL;
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

/* The settings assoc.h promises.  The busy timeout comes first so that
 * switching the journal mode waits for other connections like everything
 * else.  Memory and temporary databases (sqlite3_db_filename() is "" for
 * them, whatever the spelling of the path or URI) have no WAL; a read-only
 * file cannot change its journal mode, so it keeps the one it has.  Where
 * WAL is impossible (a file system without shared memory) SQLite keeps the
 * old mode without an error, and so do we. */
/* Did the connection open through our VFS?  A "file:" path can name
 * another, and a shared cache opens without it (see assoc_open). */
static bool uses_own_vfs(assoc_db *db)
{
    sqlite3_vfs *used = NULL;

    if (sqlite3_file_control(db->handle, "main", SQLITE_FCNTL_VFS_POINTER, &used) != SQLITE_OK)
        return false;
    return assoc__vfs_is_ours(used);
}

static int configure(assoc_db *db)
{
    sqlite3 *h = db->handle;
    const char *file;
    int on = 0;
    int rc;

    rc = assoc_status(db, sqlite3_busy_timeout(h, ASSOC_BUSY_TIMEOUT_MS));
    if (rc != ASSOC_OK)
        return rc;
    rc = assoc_status(db, sqlite3_exec(h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL));
    if (rc != ASSOC_OK)
        return rc;
    /* Where the sub-journals of savepoints go (every multi-statement call
     * runs in one; subjournal.c says why this matters).  Through our VFS,
     * temp_store=FILE: a 64 KiB chunk, then memory that lasts the
     * transaction.  Through another (a path that names its own VFS, or a
     * shared cache), temp_store=MEMORY: 1 KiB chunks, but never a file
     * written page by page with a system call each. */
    if (uses_own_vfs(db))
        rc = assoc_status(db, sqlite3_exec(h, "PRAGMA temp_store=FILE", NULL, NULL, NULL));
    else
        rc = assoc_status(db, sqlite3_exec(h, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL));
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
        rc = assoc_status(db, sqlite3_exec(h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL));
        if (rc != ASSOC_OK)
            return rc;
    }
    return assoc_status(db, sqlite3_exec(h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL));
}

/* SQLITE_OPEN_URI lets callers name shared in-memory databases
 * ("file:x?mode=memory&cache=shared"); SQLITE_OPEN_NOMUTEX is safe because
 * a connection is used by one thread at a time.
 *
 * A failed open has no assoc_db to hold its message, so it reports by its
 * return code alone; assoc_errmsg(NULL) then says so. */
int assoc_open(const char *path, assoc_db **out)
{
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    sqlite3_vfs *vfs = NULL;
    assoc_db *db;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return ASSOC_MISUSE;

    db = assoc_malloc(sizeof *db);
    if (db == NULL)
        return ASSOC_NOMEM;
    memset(db, 0, sizeof *db);
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
    if (rc == ASSOC_OK)
        rc = configure(db);
    if (rc != ASSOC_OK) {
        sqlite3_close(db->handle);
        assoc_free(db);
        return rc;
    }
    set_msg(db, "%s", "not an error");
    *out = db;
    return ASSOC_OK;
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
            sqlite3_finalize(db->slots[i].stmt);
    for (int i = 0; i < SYS_COUNT; i++)
        sqlite3_finalize(db->sys[i]);
    assoc_free(db->slots);
    assoc_free(db->by_stmt);
    if (db->handle != NULL && !sqlite3_get_autocommit(db->handle))
        sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(db->handle);
    assoc_free(db);
}

/* ---------------------------------------------------------------------
 * Transactions and atomic sections
 * ------------------------------------------------------------------- */

/* Prepare one of the library's own statements, once. */
static int sys_prepare(assoc_db *db, enum sys_stmt which)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (db->sys[which] != NULL)
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
    int rc = sys_prepare(db, which);

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
 * through assoc_sqlite().  The functions below check for that rather than
 * issue RELEASE or ROLLBACK TO against savepoints that no longer exist. */
static bool no_transaction(const assoc_db *db)
{
    return sqlite3_get_autocommit(db->handle) != 0;
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
 * BEGIN through assoc_sqlite(), or this is a callback inside an atomic
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
 * SQLite itself ended the transaction. */
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
                          "assoc_commit: the transaction had already ended (rolled back by SQLite after an "
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

/* A SAVEPOINT outside a transaction starts one (deferred); the section that
 * did so is remembered as the owner, which ends the transaction. */
int assoc_tx_enter(assoc_db *db)
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
    rc = sys_prepare_undo(db, SYS_TX_ROLLBACK, SYS_TX_RELEASE);
    if (rc == ASSOC_OK)
        rc = sys_exec(db, SYS_TX);
    if (rc != ASSOC_OK)
        return rc;
    db->tx_depth++;
    if (starts)
        db->tx_owner = db->tx_depth;
    return ASSOC_OK;
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
        return; /* already undone, by SQLite */
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
 * first.  When the release fails (for the owner, RELEASE is the commit, and
 * can fail with ASSOC_BUSY), the section is undone so that nothing it did
 * remains and no transaction is left open, and the failure is returned. */
int assoc_tx_leave(assoc_db *db, int rc)
{
    bool owner;
    int release;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (db->tx_depth == 0)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_tx_leave: no open atomic section");
    owner = db->tx_owner == db->tx_depth;
    if (db->tx_owner >= db->tx_depth)
        db->tx_owner = 0;
    db->tx_depth--;

    if (no_transaction(db)) {
        if (rc != ASSOC_OK)
            return rc; /* SQLite rolled back: nothing remains, as promised */
        return assoc_fail(db, ASSOC_ERROR, "the transaction ended inside an atomic section");
    }
    if (rc != ASSOC_OK) {
        undo_section(db, owner);
        return rc;
    }
    release = sys_exec(db, SYS_TX_RELEASE);
    if (release != ASSOC_OK)
        undo_section(db, owner);
    return release;
}

/* ---------------------------------------------------------------------
 * The statement cache
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

/* The slot holding sql, or the empty slot where it would go.  cap > 0, and
 * the table is never full (load factor at most 1/2). */
static size_t find_sql(const assoc_db *db, const char *sql)
{
    size_t mask = db->cap - 1;
    size_t i = ptr_hash(sql) & mask;

    while (db->slots[i].sql != NULL && db->slots[i].sql != sql)
        i = (i + 1) & mask;
    return i;
}

/* The slot of a cached statement, or NULL for a private one. */
static stmt_slot *find_stmt(const assoc_db *db, const sqlite3_stmt *stmt)
{
    size_t mask, i;

    if (db->cap == 0)
        return NULL;
    mask = db->cap - 1;
    for (i = ptr_hash(stmt) & mask; db->by_stmt[i] != 0; i = (i + 1) & mask) {
        stmt_slot *s = &db->slots[db->by_stmt[i] - 1];
        if (s->stmt == stmt)
            return s;
    }
    return NULL;
}

static void index_stmt(assoc_db *db, size_t slot)
{
    size_t mask = db->cap - 1;
    size_t i = ptr_hash(db->slots[slot].stmt) & mask;

    while (db->by_stmt[i] != 0)
        i = (i + 1) & mask;
    db->by_stmt[i] = slot + 1;
}

/* Double the tables (16 slots at first) and re-insert every entry.  On
 * failure the old tables stay as they were. */
static int cache_grow(assoc_db *db)
{
    size_t ncap = db->cap != 0 ? db->cap * 2 : 16;
    stmt_slot *old = db->slots;
    size_t ocap = db->cap;
    stmt_slot *slots;
    size_t *by_stmt;

    if (ncap < db->cap || ncap > SIZE_MAX / sizeof *slots)
        return ASSOC_NOMEM;
    slots = assoc_malloc(ncap * sizeof *slots);
    by_stmt = assoc_malloc(ncap * sizeof *by_stmt);
    if (slots == NULL || by_stmt == NULL) {
        assoc_free(slots);
        assoc_free(by_stmt);
        return ASSOC_NOMEM;
    }
    memset(slots, 0, ncap * sizeof *slots);
    memset(by_stmt, 0, ncap * sizeof *by_stmt);
    assoc_free(db->by_stmt);
    db->slots = slots;
    db->by_stmt = by_stmt;
    db->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (old[i].sql != NULL) {
            size_t j = find_sql(db, old[i].sql);
            db->slots[j] = old[i];
            index_stmt(db, j);
        }
    }
    assoc_free(old);
    return ASSOC_OK;
}

static int prepare(assoc_db *db, const char *sql, unsigned flags, sqlite3_stmt **out)
{
    int rc = sqlite3_prepare_v3(db->handle, sql, -1, flags, out, NULL);

    if (rc != SQLITE_OK)
        return assoc_status(db, rc);
    if (*out == NULL) /* only white space or comments */
        return assoc_fail(db, ASSOC_MISUSE, "no SQL statement in \"%.60s\"", sql);
    return ASSOC_OK;
}

/* Only the first statement of sql is prepared.  A statement that could be
 * prepared but not cached (no memory to grow the table) is handed out
 * anyway, as a private statement; the next acquire tries to cache again. */
int assoc_stmt_acquire(assoc_db *db, const char *sql, sqlite3_stmt **out)
{
    stmt_slot *s = NULL;
    sqlite3_stmt *st = NULL;
    size_t i;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (db == NULL)
        return ASSOC_MISUSE;
    if (sql == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_stmt_acquire: NULL argument");
    rc = settle(db);
    if (rc != ASSOC_OK)
        return rc;

    if (db->cap != 0) {
        i = find_sql(db, sql);
        if (db->slots[i].sql != NULL)
            s = &db->slots[i];
    }
    if (s != NULL && !s->in_use) {
        s->in_use = true;
        db->last = i;
        *out = s->stmt;
        return ASSOC_OK;
    }
    if (s != NULL) {
        /* Reentered while the cached statement is stepping: a private one. */
        rc = prepare(db, sql, 0, &st);
        if (rc == ASSOC_OK)
            *out = st;
        return rc;
    }

    rc = prepare(db, sql, SQLITE_PREPARE_PERSISTENT, &st);
    if (rc != ASSOC_OK)
        return rc;
    if ((db->count + 1) * 2 <= db->cap || cache_grow(db) == ASSOC_OK) {
        i = find_sql(db, sql);
        db->slots[i].sql = sql;
        db->slots[i].stmt = st;
        db->slots[i].in_use = true;
        index_stmt(db, i);
        db->count++;
        db->last = i;
    }
    *out = st;
    return ASSOC_OK;
}

/* The reset's return value repeats the last step's error, which the caller
 * has already handled, so it is ignored.  Without a db there is no cache to
 * consult, and finalizing a statement that might be cached would leave a
 * dangling pointer in it, so release(NULL, st) does nothing. */
void assoc_stmt_release(assoc_db *db, sqlite3_stmt *stmt)
{
    stmt_slot *s;

    if (db == NULL || stmt == NULL)
        return;
    if (db->last < db->cap && db->slots[db->last].stmt == stmt)
        s = &db->slots[db->last];
    else
        s = find_stmt(db, stmt);
    if (s == NULL) {
        sqlite3_finalize(stmt);
        return;
    }
    /* Reset only: the bindings stay until the next user binds anew, as
     * generated code binds every parameter before every step (clearing
     * them cost about 1% of a load phase).  A binding left here may point
     * at a buffer that is gone (SQLITE_STATIC text of the caller's, or a
     * generated function's time_text_N): SQLite reads it only when the
     * statement steps, and by then it has been bound again. */
    sqlite3_reset(stmt);
    s->in_use = false;
}

/* ---------------------------------------------------------------------
 * Datetimes
 *
 * Days are counted from the civil date with Howard Hinnant's algorithms
 * (http://howardhinnant.github.io/date_algorithms.html): the proleptic
 * Gregorian calendar, no time zone, no locale, any year.  timegm() and
 * gmtime() would depend on the C library's range and are not C11.
 * ------------------------------------------------------------------- */

#define US_PER_SEC INT64_C(1000000)
#define SEC_PER_DAY INT64_C(86400)

/* 0001-01-01 00:00:00 and 9999-12-31 23:59:59, in seconds: the range of
 * Python's datetime, so SQLAlchemy reads back whatever we write. */
#define SEC_MIN INT64_C(-62135596800)
#define SEC_MAX INT64_C(253402300799)
#define TIME_MIN (SEC_MIN * US_PER_SEC)
#define TIME_MAX (SEC_MAX * US_PER_SEC + 999999)

/* Days since 1970-01-01 of y-m-d. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse: y-m-d of a day count. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* "00".."99", for writing two digits at a time. */
static const char two_digits[200] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";

static void put2(char *p, int v)
{
    memcpy(p, &two_digits[2 * v], 2);
}

/* Division rounding toward minus infinity, so that times before 1970 fall
 * in the right second and day: -1 us is 1969-12-31 23:59:59.999999. */
static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
    int64_t q = a / b, r = a % b;

    if (r < 0) {
        r += b;
        q--;
    }
    *rem = r;
    return q;
}

/* Straight-line, two digits per step: every insert of a datetime and every
 * client default(now) comes through here. */
int assoc_time_format(assoc_time t, char buf[ASSOC_TIME_TEXT_SIZE])
{
    int64_t secs, us, days, sod, y;
    int m, d, s;

    if (buf == NULL)
        return ASSOC_MISUSE;
    if (t < TIME_MIN || t > TIME_MAX) {
        buf[0] = '\0';
        return ASSOC_MISUSE;
    }
    secs = floor_div(t, US_PER_SEC, &us);
    days = floor_div(secs, SEC_PER_DAY, &sod);
    civil_from_days(days, &y, &m, &d);
    s = (int)sod;

    put2(buf, (int)(y / 100));
    put2(buf + 2, (int)(y % 100));
    buf[4] = '-';
    put2(buf + 5, m);
    buf[7] = '-';
    put2(buf + 8, d);
    buf[10] = ' ';
    put2(buf + 11, s / 3600);
    buf[13] = ':';
    put2(buf + 14, s / 60 % 60);
    buf[16] = ':';
    put2(buf + 17, s % 60);
    buf[19] = '.';
    put2(buf + 20, (int)(us / 10000));
    put2(buf + 22, (int)(us / 100 % 100));
    put2(buf + 24, (int)(us % 100));
    buf[26] = '\0';
    return ASSOC_OK;
}

/* The two digits at p as a number, or -1 if either is not a digit.  (The
 * locale-free test: isdigit() would depend on the locale.) */
static int get2(const char *p)
{
    unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';

    return a > 9 || b > 9 ? -1 : (int)(a * 10 + b);
}

/* The layout, fixed positions: YYYY-MM-DD?HH:MM:SS[.f{1,6}], 19 or 21..26
 * bytes, '?' a space or 'T'. */
static bool time_layout_ok(const char *text, size_t len)
{
    if (len != 19 && (len < 21 || len > 26 || text[19] != '.'))
        return false;
    return text[4] == '-' && text[7] == '-' && (text[10] == ' ' || text[10] == 'T') && text[13] == ':' &&
           text[16] == ':';
}

/* The date of a well laid-out text as days since 1970-01-01; false for a
 * date that does not exist or lies outside years 0001-9999. */
static bool parse_date(const char *text, int64_t *days)
{
    int yh = get2(text), yl = get2(text + 2), mo = get2(text + 5), d = get2(text + 8);

    if ((yh | yl | mo | d) < 0 || (yh | yl) == 0 || mo < 1 || mo > 12 || d < 1 ||
        d > days_in_month(yh * 100 + yl, mo))
        return false;
    *days = days_from_civil(yh * 100 + yl, mo, d);
    return true;
}

/* The time of day of a well laid-out text, in microseconds. */
static bool parse_clock(const char *text, size_t len, int64_t *us)
{
    int h = get2(text + 11), mi = get2(text + 14), s = get2(text + 17), frac = 0, scale = 100000;

    if ((h | mi | s) < 0 || h > 23 || mi > 59 || s > 59)
        return false;
    if (len == 26) { /* six digits of fraction: what we and SQLAlchemy write */
        int f1 = get2(text + 20), f2 = get2(text + 22), f3 = get2(text + 24);
        if ((f1 | f2 | f3) < 0)
            return false;
        frac = f1 * 10000 + f2 * 100 + f3;
    } else {
        /* ".5" is half a second: each digit is worth a tenth of the one before. */
        for (size_t i = 20; i < len; i++, scale /= 10) {
            unsigned v = (unsigned)(unsigned char)text[i] - '0';
            if (v > 9)
                return false;
            frac += (int)v * scale;
        }
    }
    *us = (h * 3600 + mi * 60 + s) * US_PER_SEC + frac;
    return true;
}

/* Every row read with a datetime column comes through here (or through
 * read_time(), which adds a cache of the date), so it is written straight:
 * two digits per step, the range checks together. */
int assoc_time_parse(const char *text, size_t len, assoc_time *out)
{
    int64_t days, us;

    if (out == NULL)
        return ASSOC_MISUSE;
    if (text == NULL || !time_layout_ok(text, len) || !parse_date(text, &days) || !parse_clock(text, len, &us))
        return ASSOC_ERROR;
    *out = days * SEC_PER_DAY * US_PER_SEC + us;
    return ASSOC_OK;
}

/* assoc_time_parse() for the column readers, of a text whose layout is
 * known to be right (time_layout_ok).  Rows read together mostly
 * share a date (they were written together), so the connection remembers
 * the last date it converted and checks only the time of day when the next
 * text starts with the same ten bytes. */
static inline bool read_time(assoc_db *db, const char *text, size_t len, assoc_time *out)
{
    int64_t days, us;

    if (!parse_clock(text, len, &us))
        return false;
    if (db->last_date_ok && memcmp(text, db->last_date, sizeof db->last_date) == 0) {
        days = db->last_days;
    } else {
        if (!parse_date(text, &days))
            return false;
        memcpy(db->last_date, text, sizeof db->last_date);
        db->last_days = days;
        db->last_date_ok = true;
    }
    *out = days * SEC_PER_DAY * US_PER_SEC + us;
    return true;
}

assoc_time assoc_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (assoc_time)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

/* ---------------------------------------------------------------------
 * Binding and reading values
 * ------------------------------------------------------------------- */

/* A text or blob longer than SQLite's limit fails with SQLITE_TOOBIG
 * (ASSOC_ERROR); the 64-bit binders take any size_t without truncation. */
int assoc_bind_text(assoc_db *db, sqlite3_stmt *st, int idx, const char *s)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_bind_text: NULL statement");
    if (s == NULL)
        return assoc_status(db, sqlite3_bind_null(st, idx));
    return assoc_status(db, sqlite3_bind_text64(st, idx, s, strlen(s), SQLITE_STATIC, SQLITE_UTF8));
}

/* SQLite binds NULL for a NULL pointer and an empty blob for a non-NULL
 * pointer of length 0, which is exactly assoc_blob's convention. */
int assoc_bind_blob(assoc_db *db, sqlite3_stmt *st, int idx, const assoc_blob *b)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || b == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_bind_blob: NULL argument");
    if (b->data == NULL)
        return assoc_status(db, sqlite3_bind_null(st, idx));
    return assoc_status(db, sqlite3_bind_blob64(st, idx, b->data, b->len, SQLITE_STATIC));
}

/* Both time binders: format t into text and bind it with `destructor`
 * (SQLITE_TRANSIENT: SQLite copies it; SQLITE_STATIC: text outlives the
 * statement's use).  `fn` names the caller in messages. */
static int bind_time(assoc_db *db, sqlite3_stmt *st, int idx, assoc_time t, bool has, char *text,
                     void (*destructor)(void *), const char *fn)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || text == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "%s: NULL argument", fn);
    if (!has)
        return assoc_status(db, sqlite3_bind_null(st, idx));
    if (assoc_time_format(t, text) != ASSOC_OK)
        return assoc_fail(db, ASSOC_MISUSE, "%s: %lld us is outside years 0001-9999", fn, (long long)t);
    return assoc_status(db, sqlite3_bind_text(st, idx, text, ASSOC_TIME_TEXT_SIZE - 1, destructor));
}

int assoc_bind_time(assoc_db *db, sqlite3_stmt *st, int idx, assoc_time t, bool has)
{
    char text[ASSOC_TIME_TEXT_SIZE];
    return bind_time(db, st, idx, t, has, text, SQLITE_TRANSIENT, "assoc_bind_time");
}

/* As assoc_bind_time, without SQLite's copy of the text (an allocation and
 * a free per bind): the caller's buffer outlives the statement's use. */
int assoc_bind_time_buf(assoc_db *db, sqlite3_stmt *st, int idx, assoc_time t, bool has,
                        char text[ASSOC_TIME_TEXT_SIZE])
{
    return bind_time(db, st, idx, t, has, text, SQLITE_STATIC, "assoc_bind_time_buf");
}

/* One cached statement: the clock costs a step and a reset per insert. */
int assoc_current_timestamp(assoc_db *db, assoc_time *out, char text[ASSOC_TIME_TEXT_SIZE])
{
    static const char sql[] = "SELECT CURRENT_TIMESTAMP";
    sqlite3_stmt *st = NULL;
    const char *t;
    size_t len;
    int rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (out == NULL || text == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_current_timestamp: NULL argument");
    rc = assoc_stmt_acquire(db, sql, &st);
    if (rc != ASSOC_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = rc == SQLITE_DONE ? assoc_fail(db, ASSOC_ERROR, "%s gave no row", sql) : assoc_status(db, rc);
        goto done;
    }
    t = (const char *)sqlite3_column_text(st, 0);
    if (t == NULL) {
        rc = assoc_fail(db, ASSOC_NOMEM, "out of memory reading CURRENT_TIMESTAMP");
        goto done;
    }
    len = (size_t)sqlite3_column_bytes(st, 0);
    if (len >= ASSOC_TIME_TEXT_SIZE || !time_layout_ok(t, len) || !read_time(db, t, len, out)) {
        rc = assoc_fail(db, ASSOC_ERROR, "CURRENT_TIMESTAMP gave \"%.40s\", not a datetime", t);
        goto done;
    }
    memcpy(text, t, len);
    text[len] = '\0';
    rc = ASSOC_OK;
done:
    assoc_stmt_release(db, st);
    return rc;
}

/* Common checks of the column readers: a column that does not exist, or a
 * statement with no current row, is a misuse (SQLite would quietly return
 * NULL).  Returns the column's type, or -1 after recording the failure. */
static int column_type(assoc_db *db, sqlite3_stmt *st, int col, const void *out, const char *fn)
{
    if (st == NULL || out == NULL) {
        assoc_fail(db, ASSOC_MISUSE, "%s: NULL argument", fn);
        return -1;
    }
    if (col < 0 || col >= sqlite3_data_count(st)) {
        assoc_fail(db, ASSOC_MISUSE, "%s: no column %d in the current row", fn, col);
        return -1;
    }
    return sqlite3_column_type(st, col);
}

/* Why a text reader got a NULL pointer from sqlite3_column_text(): the
 * column is NULL (ASSOC_OK), or there is no such column in the current row
 * (ASSOC_MISUSE), or SQLite ran out of memory converting the value
 * (ASSOC_NOMEM).  The readers ask only then, so that reading a present
 * value costs SQLite's two calls and nothing more. */
static int no_text(assoc_db *db, sqlite3_stmt *st, int col, const char *fn)
{
    if (col < 0 || col >= sqlite3_data_count(st))
        return assoc_fail(db, ASSOC_MISUSE, "%s: no column %d in the current row", fn, col);
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return ASSOC_OK;
    return assoc_fail(db, ASSOC_NOMEM, "out of memory reading column %d", col);
}


/* sqlite3_column_blob() returns NULL both for an empty blob and when out of
 * memory; the connection's error code tells them apart. */
static int blob_of(assoc_db *db, sqlite3_stmt *st, int col, const unsigned char **data, size_t *len)
{
    const void *p = sqlite3_column_blob(st, col);

    if (p == NULL && sqlite3_errcode(db->handle) == SQLITE_NOMEM)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory reading column %d", col);
    *data = p;
    *len = p != NULL ? (size_t)sqlite3_column_bytes(st, col) : 0;
    return ASSOC_OK;
}

/* All `bytes` bytes are copied -- text may hold NULs -- and a NUL added. */
int assoc_column_text(assoc_db *db, sqlite3_stmt *st, int col, char **out)
{
    const unsigned char *text;
    size_t len;
    char *copy;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_text: NULL argument");
    *out = NULL;
    text = sqlite3_column_text(st, col);
    if (text == NULL)
        return no_text(db, st, col, "assoc_column_text");
    len = (size_t)sqlite3_column_bytes(st, col);
    copy = assoc_malloc(len + 1);
    if (copy == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory copying column %d (%zu bytes)", col, len);
    memcpy(copy, text, len);
    copy[len] = '\0';
    *out = copy;
    return ASSOC_OK;
}

int assoc_column_blob(assoc_db *db, sqlite3_stmt *st, int col, assoc_blob *out)
{
    const unsigned char *data = NULL;
    size_t len = 0;
    int type, rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    type = column_type(db, st, col, out, "assoc_column_blob");
    if (type < 0)
        return ASSOC_MISUSE;
    out->data = NULL;
    out->len = 0;
    if (type == SQLITE_NULL)
        return ASSOC_OK;
    rc = blob_of(db, st, col, &data, &len);
    if (rc != ASSOC_OK)
        return rc;
    out->data = assoc_malloc(len); /* 1 byte when empty */
    if (out->data == NULL)
        return assoc_fail(db, ASSOC_NOMEM, "out of memory copying column %d (%zu bytes)", col, len);
    if (len > 0)
        memcpy(out->data, data, len);
    out->len = len;
    return ASSOC_OK;
}

int assoc_column_text_ref(assoc_db *db, sqlite3_stmt *st, int col, char **out)
{
    const unsigned char *text;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_text_ref: NULL argument");
    text = sqlite3_column_text(st, col);
    *out = (char *)text; /* the caller reads it only (assoc.h) */
    return text != NULL ? ASSOC_OK : no_text(db, st, col, "assoc_column_text_ref");
}

int assoc_column_blob_ref(assoc_db *db, sqlite3_stmt *st, int col, assoc_blob *out)
{
    const unsigned char *data = NULL;
    size_t len = 0;
    int type, rc;

    if (db == NULL)
        return ASSOC_MISUSE;
    type = column_type(db, st, col, out, "assoc_column_blob_ref");
    if (type < 0)
        return ASSOC_MISUSE;
    out->data = NULL;
    out->len = 0;
    if (type == SQLITE_NULL)
        return ASSOC_OK;
    rc = blob_of(db, st, col, &data, &len);
    if (rc != ASSOC_OK)
        return rc;
    out->data = data != NULL ? (unsigned char *)data : &db->empty;
    out->len = len;
    return ASSOC_OK;
}

/* Text is what SQLAlchemy writes; an integer or real is seconds since the
 * epoch (what strftime('%s') and unixepoch() give).  A value outside years
 * 0001-9999 is refused, so that whatever is read can be written back. */
int assoc_column_time(assoc_db *db, sqlite3_stmt *st, int col, assoc_time *out, bool *has)
{
    const char *text = NULL;
    size_t len = 0;
    int type;

    if (db == NULL)
        return ASSOC_MISUSE;
    if (st == NULL || out == NULL || has == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_time: NULL argument");
    *out = 0;
    *has = false;

    /* The type first: after a conversion (asking a number for its text)
     * SQLite leaves it undefined. */
    type = sqlite3_column_type(st, col);
    if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
        text = (const char *)sqlite3_column_text(st, col);
        if (text == NULL)
            return assoc_fail(db, ASSOC_NOMEM, "out of memory reading column %d", col);
        len = (size_t)sqlite3_column_bytes(st, col);
        if (!time_layout_ok(text, len) || !read_time(db, text, len, out))
            goto not_a_time;
        *has = true;
        return ASSOC_OK;
    }
    /* An absent column reads as NULL too: tell the two apart. */
    if (col < 0 || col >= sqlite3_data_count(st))
        return assoc_fail(db, ASSOC_MISUSE, "assoc_column_time: no column %d in the current row", col);
    if (type == SQLITE_NULL)
        return ASSOC_OK;
    if (type == SQLITE_INTEGER) {
        sqlite3_int64 secs = sqlite3_column_int64(st, col);
        if (secs < SEC_MIN || secs > SEC_MAX)
            return assoc_fail(db, ASSOC_ERROR, "column %d: %lld seconds is outside years 0001-9999", col,
                              (long long)secs);
        *out = secs * US_PER_SEC;
    } else if (type == SQLITE_FLOAT) {
        double secs = sqlite3_column_double(st, col);
        double us;
        /* Written so that NaN fails too. */
        if (!(secs >= (double)SEC_MIN && secs < (double)SEC_MAX + 1.0))
            return assoc_fail(db, ASSOC_ERROR, "column %d: %g seconds is outside years 0001-9999", col, secs);
        us = secs * 1e6;
        *out = (assoc_time)(us >= 0 ? us + 0.5 : us - 0.5);
        if (*out > TIME_MAX)
            *out = TIME_MAX;
    }
    *has = true;
    return ASSOC_OK;

not_a_time:
    *out = 0;
    return assoc_fail(db, ASSOC_ERROR, "column %d: \"%.40s\" is not a datetime (YYYY-MM-DD HH:MM:SS[.ffffff])",
                      col, text);
}

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
