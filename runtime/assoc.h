/* assoc.h - libassoc, the runtime that assocgen's generated code links against.
 *
 * Part 1 is the public API (binding: see SPEC.md section 4).  Part 2 is the
 * support API the generated code calls; programs may use it, but it exists
 * for the generator and is documented for that reader.
 *
 * Threads: an assoc_db is used by one thread at a time.  The library has no
 * global mutable state.
 *
 * Memory: every allocation the library makes for the caller (strings and
 * blobs in records, list arrays) comes from assoc_malloc(), which is SQLite's
 * allocator, so one sqlite3_config(SQLITE_CONFIG_MALLOC) governs both.
 */
#ifndef ASSOC_H
#define ASSOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Generated code checks this against the version it was generated for. */
#define ASSOC_VERSION_NUMBER 1000
#define ASSOC_VERSION_STRING "1.0.0"

/* ---------------------------------------------------------------------
 * Part 1: the public API
 * ------------------------------------------------------------------- */

/* Return codes.  ASSOC_OK is 0; the others are positive and distinct. */
enum {
    ASSOC_OK = 0,
    ASSOC_NOTFOUND = 1,     /* no such row */
    ASSOC_CONSTRAINT = 2,   /* unique, foreign key, not null or check failed */
    ASSOC_BUSY = 3,         /* the database stayed locked past the busy timeout */
    ASSOC_NOMEM = 4,        /* out of memory */
    ASSOC_MISUSE = 5,       /* bad arguments, e.g. a NULL pointer */
    ASSOC_ERROR = 6         /* anything else; see assoc_errmsg() */
};

typedef struct assoc_db assoc_db;

/* Microseconds since 1970-01-01 00:00:00 UTC. */
typedef int64_t assoc_time;

/* A blob value: data == NULL is SQL NULL; len == 0 with data != NULL is an
 * empty blob. */
typedef struct assoc_blob {
    unsigned char *data;
    size_t len;
} assoc_blob;

/* Open (creating if needed) the database at `path`; ":memory:" works.
 * Foreign keys are enforced, the busy timeout is ASSOC_BUSY_TIMEOUT_MS, and
 * file databases use journal_mode=WAL with synchronous=NORMAL (durable
 * across process crashes; a power loss may lose the last commits).
 * The connection opens through a wrapper of the default VFS of the moment
 * that keeps the sub-journals of savepoints (every multi-statement call runs
 * in one) in memory, with temp_store=FILE; the wrapper is registered with
 * SQLite as "assoc-<address>" on first use and kept.  A "file:" path that
 * names a VFS keeps it, and one with cache=shared opens through the default
 * VFS, so that it shares its cache with other programs' connections; those
 * get temp_store=MEMORY.
 * OUT: *out, to be released with assoc_close(), set to NULL on failure.
 * Returns ASSOC_MISUSE for a NULL path or out.  A failed open has no db for
 * assoc_errmsg(), so it reports by its return code only. */
#define ASSOC_BUSY_TIMEOUT_MS 5000
int assoc_open(const char *path, assoc_db **out);

/* Finalize every cached statement, roll back an open transaction, close.
 * NULL is accepted. */
void assoc_close(assoc_db *db);

/* Transactions nest: the outermost assoc_begin() starts a transaction, inner
 * ones set savepoints.  assoc_commit() ends the innermost level (releasing a
 * savepoint, or committing); assoc_rollback() undoes the innermost level.
 * commit or rollback with no open level: ASSOC_MISUSE.
 * Out of memory: rolling back can itself need memory (SQLite prepares a
 * statement again after a schema change).  When it fails, the transaction
 * is marked doomed: it is never committed, and the next call on db rolls it
 * back before doing anything else, so no caller of this API sees its work;
 * assoc_rollback() of the outermost level then reports ASSOC_OK. */
int assoc_begin(assoc_db *db);
int assoc_commit(assoc_db *db);
int assoc_rollback(assoc_db *db);

/* The message of the last failure on db ("not an error" after success of
 * open; never NULL).  Valid until the next call on db. */
const char *assoc_errmsg(assoc_db *db);

/* The raw SQLite handle, for what the API does not cover. */
sqlite3 *assoc_sqlite(assoc_db *db);

/* The current time. */
assoc_time assoc_now(void);

/* ---------------------------------------------------------------------
 * Part 2: support for generated code
 * ------------------------------------------------------------------- */

/* Memory: SQLite's allocator.  assoc_free(NULL) is a no-op. */
void *assoc_malloc(size_t n);
void *assoc_realloc(void *p, size_t n);
void assoc_free(void *p);

/* Record a failure: sets the message returned by assoc_errmsg() and returns
 * `code` unchanged, so generated code writes `return assoc_fail(db, ...)`. */
int assoc_fail(assoc_db *db, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Map a SQLite result code to an ASSOC_ code, recording sqlite3_errmsg() as
 * the message for failures.  SQLITE_OK, SQLITE_ROW and SQLITE_DONE map to
 * ASSOC_OK. */
int assoc_status(assoc_db *db, int sqlite_rc);

/* Prepared-statement cache, keyed by the address of `sql` (generated code
 * passes string constants, so the key is stable and lookup is a pointer hash).
 * assoc_stmt_acquire() hands out the cached statement, preparing it on first
 * use.  If that statement is already in use (a callback of an _each loop
 * calling back into the API), a private statement is prepared instead.
 * OUT: *out.  Every successful acquire must be paired with
 * assoc_stmt_release(), which resets it (or finalizes a private one).
 * Bindings are not cleared: whoever acquires a statement binds every
 * parameter before stepping it.  release(db, NULL) is a no-op. */
int assoc_stmt_acquire(assoc_db *db, const char *sql, sqlite3_stmt **out);
void assoc_stmt_release(assoc_db *db, sqlite3_stmt *stmt);

/* Atomic sections for generated functions that issue more than one
 * statement: tx_enter sets a savepoint (which starts a transaction when none
 * is open); tx_leave(db, rc) releases it when rc == ASSOC_OK and otherwise
 * rolls back to it and releases it, keeping the error message of rc.  It
 * returns rc, or the failure of the release itself.  The statements that
 * undo a section are prepared before it opens; if undoing fails anyway (out
 * of memory), the transaction is doomed, as for assoc_rollback(). */
int assoc_tx_enter(assoc_db *db);
int assoc_tx_leave(assoc_db *db, int rc);

/* Datetime text: "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's SQLite format),
 * years 0001-9999 (the range of Python's datetime, so SQLAlchemy reads what
 * we write).  format writes 26 characters and a NUL into buf and
 * returns ASSOC_OK, or ASSOC_MISUSE for a time outside those years. */
enum { ASSOC_TIME_TEXT_SIZE = 27 };
int assoc_time_format(assoc_time t, char buf[ASSOC_TIME_TEXT_SIZE]);
/* Parse "YYYY-MM-DD HH:MM:SS", optionally followed by '.' and 1-6 digits of
 * fraction; 'T' is accepted for the space.  Returns ASSOC_OK or ASSOC_ERROR
 * for anything else (a wrong length, a bad date, trailing bytes). */
int assoc_time_parse(const char *text, size_t len, assoc_time *out);

/* Binding values.  Each returns an ASSOC_ code (recording the error on db).
 * text: NULL binds SQL NULL; the string is bound SQLITE_STATIC, so it must
 * stay unchanged until the statement is reset.
 * blob: data == NULL binds NULL; bound SQLITE_STATIC as well.
 * time: has == false binds NULL; else the text form above (SQLITE_TRANSIENT).
 * time_buf: the same, formatted into the caller's text and bound from there
 * without a copy (SQLITE_STATIC): text must stay unchanged until the
 * statement is reset.  Generated code keeps it on its stack for the call.
 * current_timestamp: the database's CURRENT_TIMESTAMP, what a column
 * declared DEFAULT (CURRENT_TIMESTAMP) would receive: OUT: *out (whole
 * seconds, UTC) and text, NUL-terminated, as SQLite gives it
 * ("YYYY-MM-DD HH:MM:SS").  Generated inserts read it once for their
 * server_default(current_timestamp) columns and bind the text, so the
 * value they write back is the one stored, without RETURNING. */
int assoc_bind_text(assoc_db *db, sqlite3_stmt *st, int idx, const char *s);
int assoc_bind_blob(assoc_db *db, sqlite3_stmt *st, int idx, const assoc_blob *b);
int assoc_bind_time(assoc_db *db, sqlite3_stmt *st, int idx, assoc_time t, bool has);
int assoc_bind_time_buf(assoc_db *db, sqlite3_stmt *st, int idx, assoc_time t, bool has,
                        char text[ASSOC_TIME_TEXT_SIZE]);
int assoc_current_timestamp(assoc_db *db, assoc_time *out, char text[ASSOC_TIME_TEXT_SIZE]);

/* Reading a result column.  NULL yields NULL / has = false.
 * text: a copy from assoc_malloc() owned by the caller.
 * blob: a copy (an empty blob gets a 1-byte allocation so data != NULL).
 * time: parsed from text; an integer or real column is taken as seconds
 *       since the epoch; anything unparsable is ASSOC_ERROR. */
int assoc_column_text(assoc_db *db, sqlite3_stmt *st, int col, char **out);
int assoc_column_blob(assoc_db *db, sqlite3_stmt *st, int col, assoc_blob *out);
int assoc_column_time(assoc_db *db, sqlite3_stmt *st, int col, assoc_time *out, bool *has);

/* Borrowing forms, for _each loops that must not allocate per row: *out
 * points into SQLite's own copy of the value, valid until the statement
 * steps again or is released.  NULL yields NULL; an empty blob gets a
 * non-NULL pointer and len 0.  ASSOC_NOMEM when SQLite could not convert. */
int assoc_column_text_ref(assoc_db *db, sqlite3_stmt *st, int col, char **out);
int assoc_column_blob_ref(assoc_db *db, sqlite3_stmt *st, int col, assoc_blob *out);

/* Copy a string or blob into library-owned memory (for writing defaults back
 * into a record).  OUT: *out.  NULL in, NULL out. */
int assoc_strdup(assoc_db *db, const char *s, char **out);
int assoc_blobdup(assoc_db *db, const void *data, size_t len, assoc_blob *out);

/* Grow a list array so that it holds at least len + 1 elements of `size`
 * bytes.  *items and *cap are updated; on failure nothing changes and
 * ASSOC_NOMEM is returned. */
int assoc_list_reserve(assoc_db *db, void **items, size_t *cap, size_t len, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* ASSOC_H */
