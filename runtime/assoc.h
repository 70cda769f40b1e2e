/* assoc.h - libassoc, the runtime that assocgen's generated code links against.
 *
 * Part 1 is the public API (binding: see SPEC.md sections 4 and 8).  Part 2
 * is the support API the generated code calls; programs may use it, but it
 * exists for the generator and is documented for that reader.
 *
 * Two databases: a connection is SQLite (a file path or ":memory:") or
 * PostgreSQL (a "postgresql://" or "postgres://" URI), chosen by what is
 * passed to assoc_open().  Generated code is the same for both: it calls
 * Part 2, whose statement functions take SQLite's path inline (no call into
 * the library) and PostgreSQL's through libassoc.
 *
 * Threads: an assoc_db is used by one thread at a time; two connections may
 * be used by two threads at once.  The library has no global mutable state
 * (the VFS wrappers of subjournal.c aside, guarded by SQLite's mutex).
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
#define ASSOC_VERSION_NUMBER 2100
#define ASSOC_VERSION_STRING "2.1.0"

/* ---------------------------------------------------------------------
 * Part 1: the public API
 * ------------------------------------------------------------------- */

/* Return codes.  ASSOC_OK is 0; the others are positive and distinct. */
enum {
    ASSOC_OK = 0,
    ASSOC_NOTFOUND = 1,     /* no such row */
    ASSOC_CONSTRAINT = 2,   /* unique, foreign key, not null or check failed */
    ASSOC_BUSY = 3,         /* locked past the busy timeout; on PostgreSQL also a
                               serialization failure or deadlock: roll back, retry */
    ASSOC_NOMEM = 4,        /* out of memory */
    ASSOC_MISUSE = 5,       /* bad arguments, e.g. a NULL pointer */
    ASSOC_ERROR = 6,        /* anything else; see assoc_errmsg() */
    ASSOC_SCHEMA = 7        /* the database's tables do not match the generated code */
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

/* libpq's connection type, declared here so that assoc_pg() needs no
 * libpq-fe.h (which declares the same typedef). */
typedef struct pg_conn PGconn;

/* Connection settings.  Start from assoc_options_init() (or
 * ASSOC_OPTIONS_INIT) and change what you need; assoc_open() uses the
 * defaults.  SQLite only, except busy_timeout_ms.  What each default trades
 * is in README.md ("Connection settings").
 *   busy_timeout_ms  how long a statement waits for another connection's lock
 *                    before ASSOC_BUSY (SQLite); PostgreSQL's lock_timeout
 *   cache_kib        SQLite's page cache per connection, in KiB: the most it
 *                    holds, filled as pages are read (0: SQLite's, 2 MB; at
 *                    most 2^31 - 1, what SQLite's cache_size can say)
 *   mmap_bytes       bytes of the file read through mmap (0: none)
 *   secure_delete    overwrite deleted content with zeros
 *   journal          "WAL" (files; ":memory:" keeps its own), "DELETE",
 *                    "TRUNCATE", "PERSIST", "MEMORY" or "OFF"
 *   synchronous      "NORMAL", "FULL", "EXTRA" or "OFF"
 *   page_size        bytes per page of a database that is created (or still
 *                    empty) when it is opened: a power of two from 512 to
 *                    65536, or 0 for SQLite's (4096); a database with pages
 *                    keeps its own
 * Anything else (a negative number, a word SQLite does not know, in any
 * case) is ASSOC_MISUSE from assoc_open_with, before anything is opened:
 * SQLite would ignore an unknown mode and open in another.
 *
 * Not a connection's to choose, but the program's: SQLite keeps statistics
 * of every allocation behind a process-wide mutex unless the program calls
 * sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) before it uses SQLite
 * (README.md, "Connection settings", says what that saves and costs). */
typedef struct assoc_options {
    int busy_timeout_ms;
    int64_t cache_kib;
    int64_t mmap_bytes;
    bool secure_delete;
    const char *journal;
    const char *synchronous;
    int page_size;
} assoc_options;
#define ASSOC_BUSY_TIMEOUT_MS 5000
#define ASSOC_CACHE_KIB 65536
#define ASSOC_PAGE_SIZE 8192
#define ASSOC_OPTIONS_INIT { ASSOC_BUSY_TIMEOUT_MS, ASSOC_CACHE_KIB, 0, false, "WAL", "NORMAL", ASSOC_PAGE_SIZE }
void assoc_options_init(assoc_options *o);

/* Open (creating if needed) the database at `path`: a SQLite file,
 * ":memory:", a SQLite "file:" URI, or a PostgreSQL URI
 * ("postgresql://..." or "postgres://..."; the server's database must
 * exist).  Foreign keys are enforced.  SQLite file databases use the
 * settings above (assoc_open: the defaults): journal_mode=WAL with
 * synchronous=NORMAL is durable across process crashes; a power loss may
 * lose the last commits.  A SQLite connection opens through a wrapper of
 * the default VFS that keeps the sub-journals of savepoints in memory
 * (subjournal.c); a "file:" path that names a VFS keeps it, and one with
 * cache=shared opens through the default VFS so that it shares its cache
 * with other programs' connections.  A PostgreSQL connection sets the
 * session's TimeZone to UTC.
 * OUT: *out, to be released with assoc_close(), set to NULL on failure.
 * Returns ASSOC_MISUSE for a NULL path or out.  A failed open has no db:
 * assoc_errmsg(NULL) then says why (the server's or libpq's message for
 * PostgreSQL), until the thread's next failed open. */
int assoc_open(const char *path, assoc_db **out);
int assoc_open_with(const char *path, const assoc_options *opts, assoc_db **out);

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
 * open; never NULL).  Valid until the next call on db.  For db NULL: why
 * this thread's last assoc_open failed, if one did. */
const char *assoc_errmsg(assoc_db *db);

/* The raw handles, for what the API does not cover: SQLite's (NULL on a
 * PostgreSQL connection) and libpq's (NULL on a SQLite connection). */
sqlite3 *assoc_sqlite(assoc_db *db);
PGconn *assoc_pg(assoc_db *db);

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

/* ---- Statements ----
 *
 * One SQL statement as the generator wrote it.  Parameters are $1..$N,
 * numbered in the order of their first appearance, which SQLite and
 * PostgreSQL read alike (SQLite numbers named parameters that way), so one
 * text serves both unless the dialects differ (DDL, RETURNING), and then pg
 * holds PostgreSQL's.  Generated code keeps each as a static constant: its
 * address keys the statement cache. */
typedef struct assoc_sql {
    const char *text;       /* SQLite's text; PostgreSQL's too when pg is NULL */
    const char *pg;         /* PostgreSQL's text where it differs, else NULL */
} assoc_sql;

/* A statement prepared on a connection.  The fields are libassoc's: the
 * inline functions below read `lite` to run SQLite's statement without a
 * call into the library; nothing else should touch them. */
typedef struct assoc_stmt {
    sqlite3_stmt *lite;            /* SQLite; NULL on PostgreSQL */
    struct assoc_pg_stmt *pg;      /* PostgreSQL; NULL on SQLite */
    const assoc_sql *sql;          /* what it was prepared from */
    bool cached;                   /* in the connection's cache (else private) */
    bool in_use;                   /* handed out by acquire, not yet released */
} assoc_stmt;

/* assoc_step()'s answer when a row is ready: not an error, and distinct
 * from every return code above. */
enum { ASSOC_ROW = 100 };

/* The statement cache, keyed by the address of `sql`, is prepared on first
 * use and kept until assoc_close().  If the cached statement is already in
 * use (a callback of an _each loop calling back into the API), a private
 * statement is prepared instead.  OUT: *out.  Every successful acquire is
 * paired with assoc_stmt_release(), which resets the statement (or
 * finalizes a private one).  Bindings are not cleared: whoever acquires a
 * statement binds every parameter before stepping it.  release(db, NULL)
 * is a no-op. */
int assoc_stmt_acquire(assoc_db *db, const assoc_sql *sql, assoc_stmt **out);
void assoc_stmt_release(assoc_db *db, assoc_stmt *st);

/* Run a statement that takes no parameters and returns no rows, or a
 * script of several (the DDL of create_all), to its end. */
int assoc_exec(assoc_db *db, const assoc_sql *sql);

/* The number of rows the last INSERT, UPDATE or DELETE changed. */
int64_t assoc_changes(assoc_db *db);

/* Run an INSERT to its end.  OUT: *rowid (when not NULL): the row id it
 * assigned (SQLite: the last insert rowid; PostgreSQL: the value of the
 * statement's RETURNING column). */
int assoc_insert_step(assoc_db *db, assoc_stmt *st, int64_t *rowid);

/* The PostgreSQL side of the inline functions below (and of the slow
 * paths of SQLite's): not to be called directly. */
int assoc__step(assoc_db *db, assoc_stmt *st);
int assoc__bind_int64(assoc_db *db, assoc_stmt *st, int idx, int64_t v);
int assoc__bind_double(assoc_db *db, assoc_stmt *st, int idx, double v);
int assoc__bind_bool(assoc_db *db, assoc_stmt *st, int idx, bool v);
int assoc__bind_null(assoc_db *db, assoc_stmt *st, int idx);
int assoc__col_int64(assoc_db *db, assoc_stmt *st, int col, int64_t *out, bool *has);
int assoc__col_double(assoc_db *db, assoc_stmt *st, int col, double *out, bool *has);
int assoc__col_bool(assoc_db *db, assoc_stmt *st, int col, bool *out, bool *has);

/* Step: ASSOC_ROW when a row is ready, ASSOC_OK when the statement is
 * done, else the failure (its message recorded). */
static inline int assoc_step(assoc_db *db, assoc_stmt *st)
{
    if (st->lite != NULL) {
        int rc = sqlite3_step(st->lite);
        if (rc == SQLITE_ROW)
            return ASSOC_ROW;
        return rc == SQLITE_DONE ? ASSOC_OK : assoc_status(db, rc);
    }
    return assoc__step(db, st);
}

/* ---- Binding values to parameters $idx (from 1) ----
 * Each returns an ASSOC_ code (recording the failure on db).  The _opt forms
 * bind SQL NULL when `has` is false. */
static inline int assoc_bind_int64(assoc_db *db, assoc_stmt *st, int idx, int64_t v)
{
    if (st->lite != NULL) {
        int rc = sqlite3_bind_int64(st->lite, idx, v);
        return rc == SQLITE_OK ? ASSOC_OK : assoc_status(db, rc);
    }
    return assoc__bind_int64(db, st, idx, v);
}

static inline int assoc_bind_null(assoc_db *db, assoc_stmt *st, int idx)
{
    if (st->lite != NULL) {
        int rc = sqlite3_bind_null(st->lite, idx);
        return rc == SQLITE_OK ? ASSOC_OK : assoc_status(db, rc);
    }
    return assoc__bind_null(db, st, idx);
}

static inline int assoc_bind_double(assoc_db *db, assoc_stmt *st, int idx, double v)
{
    if (st->lite != NULL) {
        int rc = sqlite3_bind_double(st->lite, idx, v);
        return rc == SQLITE_OK ? ASSOC_OK : assoc_status(db, rc);
    }
    return assoc__bind_double(db, st, idx, v);
}

/* SQLite stores a boolean as 0 or 1 (the DDL checks it); PostgreSQL's is
 * BOOLEAN. */
static inline int assoc_bind_bool(assoc_db *db, assoc_stmt *st, int idx, bool v)
{
    if (st->lite != NULL) {
        int rc = sqlite3_bind_int(st->lite, idx, v ? 1 : 0);
        return rc == SQLITE_OK ? ASSOC_OK : assoc_status(db, rc);
    }
    return assoc__bind_bool(db, st, idx, v);
}

static inline int assoc_bind_int64_opt(assoc_db *db, assoc_stmt *st, int idx, int64_t v, bool has)
{
    return has ? assoc_bind_int64(db, st, idx, v) : assoc_bind_null(db, st, idx);
}

static inline int assoc_bind_double_opt(assoc_db *db, assoc_stmt *st, int idx, double v, bool has)
{
    return has ? assoc_bind_double(db, st, idx, v) : assoc_bind_null(db, st, idx);
}

static inline int assoc_bind_bool_opt(assoc_db *db, assoc_stmt *st, int idx, bool v, bool has)
{
    return has ? assoc_bind_bool(db, st, idx, v) : assoc_bind_null(db, st, idx);
}

/* text: NULL binds SQL NULL; the string is not copied, so it must stay
 * unchanged until the statement is reset.  A text or blob longer than the
 * database's limit is ASSOC_ERROR.
 * blob: data == NULL binds NULL; not copied either.
 * time: has == false binds NULL; else the text form of the calendar
 * ("YYYY-MM-DD HH:MM:SS.ffffff"), copied.
 * time_buf: the same, formatted into the caller's text and bound from there
 * without a copy: text must stay unchanged until the statement is reset.
 * Generated code keeps it on its stack for the call.  A time outside years
 * 0001-9999 is ASSOC_MISUSE. */
int assoc_bind_text(assoc_db *db, assoc_stmt *st, int idx, const char *s);
int assoc_bind_blob(assoc_db *db, assoc_stmt *st, int idx, const assoc_blob *b);
enum { ASSOC_TIME_TEXT_SIZE = 27 };
int assoc_bind_time(assoc_db *db, assoc_stmt *st, int idx, assoc_time t, bool has);
int assoc_bind_time_buf(assoc_db *db, assoc_stmt *st, int idx, assoc_time t, bool has,
                        char text[ASSOC_TIME_TEXT_SIZE]);
/* As time_buf, in CURRENT_TIMESTAMP's form ("YYYY-MM-DD HH:MM:SS") when t
 * has no fraction of a second, else the full text: a look-up binds both
 * forms, so it finds a row whichever wrote it. */
int assoc_bind_time_short(assoc_db *db, assoc_stmt *st, int idx, assoc_time t, char text[ASSOC_TIME_TEXT_SIZE]);

/* The database's CURRENT_TIMESTAMP, what a column declared DEFAULT
 * (CURRENT_TIMESTAMP) would receive.  OUT: *out (UTC; SQLite's whole
 * seconds, PostgreSQL's LOCALTIMESTAMP with its microseconds) and text,
 * NUL-terminated, in the database's form ("YYYY-MM-DD HH:MM:SS" on SQLite).
 * Generated inserts on SQLite read it (no statement: SQLite's clock, read
 * in C) once for their server_default(current_timestamp) columns and bind
 * the text, so the value they write back is the one stored; on PostgreSQL
 * their statement reads the clock itself and returns it (one round trip,
 * not two). */
int assoc_current_timestamp(assoc_db *db, assoc_time *out, char text[ASSOC_TIME_TEXT_SIZE]);

/* ---- Reading a column (from 0) of the current row ----
 * Numbers: `has` NULL means the column may not be NULL (its field has no
 * has_ flag): a NULL there is malformed data, ASSOC_ERROR.  A value of the
 * wrong kind (text in an integer column, 1.5 in an integer column, 2 in a
 * boolean one) is ASSOC_ERROR too: nothing a file holds may be read as a
 * number it is not.
 * text: a copy from assoc_malloc() owned by the caller; NULL for SQL NULL.
 * blob: a copy (an empty blob gets a 1-byte allocation so data != NULL).
 * time: the calendar's text, or "YYYY-MM-DD HH:MM:SS" (CURRENT_TIMESTAMP);
 *       an integer or real is seconds since the epoch; anything else,
 *       outside years 0001-9999 included, is ASSOC_ERROR.
 * The outputs are written only on success, except text and blob, which are
 * NULL after a failure. */
/* SQLite: the value is fetched once (sqlite3_column_value) and its kind
 * and number read from it, one call into the statement where
 * sqlite3_column_type then sqlite3_column_int64 make two.  The value is
 * the statement's, read by the connection's one thread before it steps. */
static inline int assoc_col_int64(assoc_db *db, assoc_stmt *st, int col, int64_t *out, bool *has)
{
    if (st->lite != NULL) {
        sqlite3_value *v = sqlite3_column_value(st->lite, col);
        if (sqlite3_value_type(v) == SQLITE_INTEGER) {
            *out = sqlite3_value_int64(v);
            if (has != NULL)
                *has = true;
            return ASSOC_OK;
        }
    }
    return assoc__col_int64(db, st, col, out, has);
}

/* A row id: a table's only primary key, an integer.  SQLite keeps it as
 * the row's key (INTEGER PRIMARY KEY), which holds nothing but an integer,
 * so it is read without the check. */
static inline int assoc_col_rowid(assoc_db *db, assoc_stmt *st, int col, int64_t *out)
{
    if (st->lite != NULL) {
        *out = sqlite3_column_int64(st->lite, col);
        return ASSOC_OK;
    }
    return assoc__col_int64(db, st, col, out, NULL);
}

static inline int assoc_col_double(assoc_db *db, assoc_stmt *st, int col, double *out, bool *has)
{
    if (st->lite != NULL) {
        sqlite3_value *v = sqlite3_column_value(st->lite, col);
        if (sqlite3_value_type(v) == SQLITE_FLOAT) {
            *out = sqlite3_value_double(v);
            if (has != NULL)
                *has = true;
            return ASSOC_OK;
        }
    }
    return assoc__col_double(db, st, col, out, has);
}

static inline int assoc_col_bool(assoc_db *db, assoc_stmt *st, int col, bool *out, bool *has)
{
    if (st->lite != NULL) {
        sqlite3_value *val = sqlite3_column_value(st->lite, col);
        sqlite3_int64 v = sqlite3_value_type(val) == SQLITE_INTEGER ? sqlite3_value_int64(val) : -1;
        if (v == 0 || v == 1) {
            *out = v == 1;
            if (has != NULL)
                *has = true;
            return ASSOC_OK;
        }
    }
    return assoc__col_bool(db, st, col, out, has);
}

int assoc_column_text(assoc_db *db, assoc_stmt *st, int col, char **out);
int assoc_column_blob(assoc_db *db, assoc_stmt *st, int col, assoc_blob *out);
int assoc_column_time(assoc_db *db, assoc_stmt *st, int col, assoc_time *out, bool *has);

/* Borrowing forms, for _each loops that must not allocate per row: *out
 * points into the database library's copy of the value, valid until the
 * statement steps again or is released.  NULL yields NULL; an empty blob
 * gets a non-NULL pointer and len 0. */
int assoc_column_text_ref(assoc_db *db, assoc_stmt *st, int col, char **out);
int assoc_column_blob_ref(assoc_db *db, assoc_stmt *st, int col, assoc_blob *out);

/* ---- Rows ----
 *
 * What the row loops below need to know of a model's records: generated
 * once per model.  read fills a record from the current row, its columns
 * from column `at` on (0 but where a row of another model comes first, as
 * in a join), copying strings and blobs; view fills one borrowing them
 * (valid until the statement steps again).  Both are given a zeroed record
 * and, on failure, leave it safe to release; they name the failing column
 * with assoc_read_failed().  release frees what read allocated and zeroes
 * the record (the model's _free); NULL when records own no memory, and then
 * view may be read itself. */
typedef struct assoc_rowtype {
    const char *model;              /* "User" */
    const char *table;              /* "users" */
    const char *const *columns;     /* the SQL names, in the order selected */
    int key_column;                 /* the column that names a row in messages */
    size_t size;                    /* of one record */
    int (*read)(assoc_db *db, assoc_stmt *st, int at, void *rec);
    int (*view)(assoc_db *db, assoc_stmt *st, int at, void *rec);
    void (*release)(void *rec);
    int (*cmp)(const void *a, const void *b);   /* by primary key: <0, 0, >0 */
    /* Where a record's strings (char *) and blobs (assoc_blob) are, as
     * offsetof gives them: what assoc_rows_keep copies out of a lent row. */
    const size_t *texts;
    size_t ntexts;
    const size_t *blobs;
    size_t nblobs;
    /* The primary key is a row id (one integer column, key_column, read by
     * assoc_col_rowid) held at offsetof rowid_at of a record: a batched
     * load then knows a row it holds already by its key alone, before it
     * reads the rest.  false for any other key. */
    bool rowid_key;
    size_t rowid_at;
    /* With a row id key: as view, but for the key, which the caller has
     * put in the zeroed record (NULL: the key is the only column). */
    int (*rest)(assoc_db *db, assoc_stmt *st, int at, void *rec);
} assoc_rowtype;

/* For a reader (of a row from column `at`) whose column `col` (of the
 * type's) failed with rc: adds the table, column and row (by its key
 * column's value) to the message; returns rc. */
int assoc_read_failed(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, int at, int col, int rc);

/* Step st to its end, appending each row read by type->read.
 * OUT: *items (assoc_malloc'd, owned by the caller), *len; they start
 * empty (NULL, 0).  On failure they are released and empty again. */
int assoc_rows_collect(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, void **items, size_t *len);

/* The first row st yields, read into *rec (zeroed first): ASSOC_OK, or
 * ASSOC_NOTFOUND ("no such <Model>") when there is none. */
int assoc_row_fetch(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, void *rec);

/* Step st and lend the next row in *rec (type->view): ASSOC_ROW, or
 * ASSOC_OK at the end, or a failure.  For _each loops:
 *     while ((rc = assoc_row_next(db, st, &t, &row)) == ASSOC_ROW)
 *         if ((rc = fn(&row, ctx)) != 0) break;                        */
int assoc_row_next(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, void *rec);

/* A row of type from column `at` of st's current row, lent in *rec
 * (type->view), when the row has one: ASSOC_ROW; ASSOC_OK, *rec zeroed,
 * when its key column is NULL (an outer join found none); or a failure. */
int assoc_row_view(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, int at, void *rec);

/* Release every record of a list and the array; NULL items is accepted. */
void assoc_rows_free(const assoc_rowtype *type, void *items, size_t len);

/* ---- Collections read through an association table ----
 *
 * A many-to-many collection is read by a JOIN from the association table
 * to the target: a target comes once per association row that links it,
 * and, without an ORDER BY, in the association table's order.  These
 * gather such a statement's rows (stepping it to its end), put them in key
 * order (type->cmp) -- unless `sorted`, when the statement ordered them
 * itself and repeats are adjacent -- and keep each row once.  The order
 * check comes first, so rows that come in key order cost one comparison
 * each; others are merge-sorted, O(n log n).
 *
 * rows_unique: as assoc_rows_collect, the records owned by the caller.
 * rows_keep: for _each loops, records that must not allocate per row: read
 * with type->view, their strings and blobs (type->texts, type->blobs)
 * copied into memory the connection keeps from one call to the next (at
 * most 1 MiB of it between calls).  The records stay valid until
 * assoc_kept_free(), whatever happens to the statement, so the caller
 * releases it before handing them out.  On failure out is empty. */
typedef struct assoc_kept {
    const void *const *rows;        /* n records, in order, each once */
    size_t n;
    struct assoc_keep_buf *buf;     /* libassoc's */
} assoc_kept;
#define ASSOC_KEPT_INIT { NULL, 0, NULL }

int assoc_rows_unique(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, bool sorted, void **items,
                      size_t *len);
int assoc_rows_keep(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, bool sorted, assoc_kept *out);
/* Give the records' memory back (to the connection, for the next call);
 * k is empty after.  A NULL db or k is accepted. */
void assoc_kept_free(assoc_db *db, assoc_kept *k);

/* ---- Batched loads (SPEC 6) ----
 *
 * A relationship for many parents at once: the generated code runs one
 * statement per chunk of parents, the chunk starting at parent `base`,
 * whose rows carry their parent's place in the chunk in column pcol (after
 * the row's own) -- the parent is base + place -- each parent's rows in the
 * relationship's order; libassoc gathers them.  finish hands over each
 * related row once -- rows shared by several parents are kept once -- in
 * key order (type->cmp), and for parent i its rows as items[link[k]] for
 * start[i] <= k < start[i + 1], in the order they came.  start has
 * nparents + 1 entries.  by_key (assoc_load_init): the rows come in any
 * order, a parent's repeats included (a target linked twice); finish gives
 * each parent's rows in key order, each once.
 *
 * The rows are read lent (type->view) and their strings and blobs copied
 * into one block, not one allocation each; with a row id key
 * (type->rowid_key) a row already held is recognised by its key and not
 * read again, and a new one is read after its key (type->rest).  That
 * block becomes *start: its nparents + 1 entries, then
 * the strings and blobs the rows of *items point at.  The caller frees
 * *items, *start and *link with assoc_free() alone, never a row with
 * type->release, and the rows only with *start. */
typedef struct assoc_load {
    const assoc_rowtype *type;
    size_t nparents;
    bool by_key;
    /* libassoc's: */
    struct assoc_keep_buf *buf;     /* the rows read (each once, with a row id key), the key hash */
    size_t *pairs;                  /* per row of the statements: parent, then its record in buf */
    size_t npairs, pcap;
    unsigned char *blk;             /* what becomes *start: nparents + 1 entries, then the rows' bytes */
    size_t blen, bcap;
} assoc_load;

void assoc_load_init(assoc_load *l, const assoc_rowtype *type, size_t nparents, bool by_key);
int assoc_load_rows(assoc_db *db, assoc_load *l, assoc_stmt *st, int pcol, size_t base);
/* OUT: *items (the rows), *len, *start (with the rows' strings and blobs),
 * *link, all assoc_malloc'd and the caller's; the accumulator is
 * emptied either way, and given back to db for its next load. */
int assoc_load_finish(assoc_db *db, assoc_load *l, void **items, size_t *len, size_t **start, size_t **link);
/* One chunk of a collection's _load_each: the rows of st gathered as
 * assoc_load_rows gathers them, for nparents parents numbered from 0, and
 * finished as assoc_load_finish finishes them.  OUT: *out (emptied first;
 * on failure empty), freed with assoc_load_chunk_free(); st is stepped to
 * its end and left to the caller to release. */
typedef struct assoc_load_chunk {
    void *items;
    size_t len;
    size_t *start, *link;
} assoc_load_chunk;
int assoc_load_chunk_read(assoc_db *db, const assoc_rowtype *type, size_t nparents, bool by_key, assoc_stmt *st,
                          int pcol, assoc_load_chunk *out);
/* Free what *c holds and empty it.  NULL is accepted. */
void assoc_load_chunk_free(assoc_load_chunk *c);
/* Release what the accumulator holds and empty it (after a failure, or
 * for an accumulator that no chunk ran into).  assoc_load_init takes an
 * accumulator that is new, or emptied by assoc_load_finish or this:
 * initialising one that holds rows would lose them. */
void assoc_load_free(assoc_load *l);
/* For _load_each of a to-one relationship, which lends rows as they come
 * (a collection's chunk is gathered and finished first): step st and lend
 * the next row (type->view) and its parent's index (base + the place in
 * column pcol): ASSOC_ROW, ASSOC_OK at the end, or a failure. */
int assoc_load_next(assoc_db *db, assoc_stmt *st, const assoc_rowtype *type, int pcol, size_t base, void *rec,
                    size_t *parent);

/* Orders of values, for the generated key comparators: NULL first. */
int assoc_cmp_text(const char *a, const char *b);
int assoc_cmp_blob(const assoc_blob *a, const assoc_blob *b);

/* ---- Atomic sections ----
 *
 * For generated functions that issue more than one statement: tx_enter
 * sets a savepoint, starting a transaction when none is open -- with the
 * write lock taken up front (BEGIN IMMEDIATE) when `write` is true, so a
 * section that reads before it writes waits the busy timeout for another
 * writer rather than failing at its first write.  tx_leave(db, rc)
 * releases the savepoint when rc == ASSOC_OK and otherwise rolls back to
 * it, keeping the error message of rc.  It returns rc, or the failure of
 * the release itself.  The statements that undo a section are prepared
 * before it opens; if undoing fails anyway (out of memory), the
 * transaction is doomed, as for assoc_rollback(). */
int assoc_tx_enter(assoc_db *db, bool write);
int assoc_tx_leave(assoc_db *db, int rc);

/* For a call that writes with several statements, or reads before it
 * writes: an atomic section (assoc_tx_enter(db, true)) when `several` is
 * true or no transaction is open; else none, since one statement is atomic
 * alone and the open transaction keeps what the call read.  OUT: *entered,
 * whether to assoc_tx_leave(). */
int assoc_tx_enter_for(assoc_db *db, bool several, bool *entered);

/* ---- Many rows in one INSERT (<m>_insert_many) ----
 *
 * assoc_rows_fit: how many rows of `params` parameters, at most `want`,
 * one statement may bind (the database's limit on parameters); at least 1.
 * The generated code has a constant for each number of rows. */
size_t assoc_rows_fit(assoc_db *db, int params, size_t want);

/* The row ids SQLite gives the n rows of a multi-row INSERT into a table
 * with a row id, the rows' own ids left NULL: each the largest in the table
 * plus one, so n ids in a row from the largest before the statement plus
 * one, unless something else changes the table while the statement runs
 * (a trigger on it) or they would pass INT64_MAX (SQLite then picks free
 * ids at random).  max_sql is "SELECT max(<row id>), <the count of
 * triggers on the table> FROM <table>", run unless the table's last ids
 * were taken in this same write transaction with nothing changed on the
 * connection since: they then follow on.  OUT: *first, the first row's id;
 * *fits false when the rows must go in one by one instead (triggers on the
 * table, or ids past INT64_MAX).  assoc_rowids_done(), after the INSERT,
 * checks that they came so (the connection's changes grew by n, its last
 * insert rowid is *first + n - 1: ASSOC_ERROR otherwise) and records the
 * largest. */
int assoc_rowids(assoc_db *db, const assoc_sql *max_sql, size_t n, int64_t *first, bool *fits);
int assoc_rowids_done(assoc_db *db, const assoc_sql *max_sql, size_t n);

/* ---- Set-based deletes ----
 *
 * A delete whose cascades the generator cannot turn into a fixed list of
 * statements (self-reference, a cascade to a parent or through a
 * many-to-many, cycles) gathers the keys of every row to delete into
 * temporary tables and deletes them in an order their foreign keys allow.
 * The generator writes the SQL of each step; libassoc runs them:
 *   setup            create the key tables when missing, empty them
 *   (the caller then inserts the first rows' keys, round 0)
 *   expand[]   $1 = round   the rows each cascade reaches from the round's
 *                           rows, as the next round; repeated until a
 *                           round finds nothing
 *   before[]                children's keys set to NULL, association rows
 *                           deleted
 *   mark[]     $1 = round   rows no remaining row of the set refers to
 *   next[]     $1 = round+1 rows the marked ones referred to: candidates
 *   remove[]   $1 = round   the marked rows deleted
 *   left                    how many rows of the set are still there
 *   count                   how many rows of the first table are in the set
 * mark/next/remove repeat until a round marks nothing; rows left then refer
 * to each other in a cycle: ASSOC_CONSTRAINT (SQLAlchemy's
 * CircularDependencyError), and the caller's atomic section undoes the lot.
 * Run inside an atomic section. */
typedef struct assoc_cascade {
    const assoc_sql *setup;
    const assoc_sql *const *expand;
    size_t nexpand;
    const assoc_sql *const *before;
    size_t nbefore;
    const assoc_sql *const *mark;
    size_t nmark;
    const assoc_sql *const *next;
    size_t nnext;
    const assoc_sql *const *remove;
    size_t nremove;
    const assoc_sql *left;
    const assoc_sql *count;
    const char *tables;             /* "nodes, tags", for messages */
} assoc_cascade;

int assoc_cascade_setup(assoc_db *db, const assoc_cascade *c);
/* OUT: *seeds (when not NULL): the rows of the first table in the set. */
int assoc_cascade_run(assoc_db *db, const assoc_cascade *c, int64_t *seeds);

/* ---- The tables generated code expects (SPEC 7) ----
 *
 * The generator writes a static description of the schema's tables, as
 * create_all makes them; assoc_verify() compares it with what the
 * database holds and names the first difference.  What is compared, for
 * each table: that it exists; for each column it declares: that it exists
 * (names ignore case, as SQL's do), with a declared type of the same
 * affinity, in the primary key or not as declared, NOT NULL as declared
 * (key columns aside), UNIQUE as declared, the row id declared INTEGER
 * PRIMARY KEY (SQLite assigns no other key), a json column's type text or
 * JSON (SQLAlchemy's, of numeric affinity); the primary key's columns; each
 * foreign key with its ON DELETE action (and no foreign key on a column
 * that declares none); each unique(a, b) constraint.  Tables, columns,
 * indexes and CHECK constraints the description does not name are
 * allowed, so a database another program made (SQLAlchemy from the same
 * models) verifies.  A json column may also be declared JSON (SQLAlchemy's
 * JSON on SQLite, of numeric affinity); on PostgreSQL it is json or jsonb.
 * An enum column on PostgreSQL may also be of a native ENUM type
 * (SQLAlchemy's Enum there); its names are not compared, as a CHECK's are
 * not. */
enum {
    ASSOC_COL_PRIMARY_KEY = 1 << 0,  /* in the primary key */
    ASSOC_COL_NOT_NULL = 1 << 1,     /* declared not_null */
    ASSOC_COL_UNIQUE = 1 << 2,       /* declared unique (a column that is not the whole key) */
    ASSOC_COL_ROWID = 1 << 3,        /* the table's only key, an integer: SQLite's row id */
    ASSOC_COL_JSON = 1 << 4,         /* a json column (SPEC 9) */
    ASSOC_COL_ENUM = 1 << 5          /* an enum(...) column (SPEC 9) */
};

/* SQLite's type affinities (the rules of its "Datatypes" page). */
enum {
    ASSOC_AFFINITY_INTEGER,          /* INTEGER, BIGINT, ... */
    ASSOC_AFFINITY_TEXT,             /* TEXT, VARCHAR(N), ... */
    ASSOC_AFFINITY_BLOB,             /* BLOB, or no type */
    ASSOC_AFFINITY_REAL,             /* FLOAT, REAL, DOUBLE */
    ASSOC_AFFINITY_NUMERIC           /* BOOLEAN, DATETIME, ... */
};

typedef struct assoc_column_spec {
    const char *name;
    const char *type;                /* as create_all declares it: "VARCHAR(255)" */
    int affinity;                    /* ASSOC_AFFINITY_* of that type */
    unsigned flags;                  /* ASSOC_COL_* */
    const char *ref_table;           /* a foreign key: the parent's table and column; else NULL */
    const char *ref_column;
    const char *ondelete;            /* "CASCADE", "SET NULL", ...; NULL: NO ACTION */
} assoc_column_spec;

typedef struct assoc_table_spec {
    const char *name;
    const assoc_column_spec *columns;
    size_t ncolumns;
    const char *const *uniques;      /* unique(a, b) constraints, each "a, b"; a name holding a
                                        blank, a comma or a double quote within double quotes,
                                        as SQL quotes it: "First Name", b */
    size_t nuniques;
} assoc_table_spec;

typedef struct assoc_schema_spec {
    const char *name;                /* the schema: "models" */
    const char *file;                /* its model file, for the message: "models.def" */
    const char *script;              /* the migration script assocgen writes: "models.migrate.sql" */
    const assoc_table_spec *tables;  /* referenced tables first */
    size_t ntables;
} assoc_schema_spec;

/* ASSOC_VERIFY_ALL: every table must exist (<schema>_verify).
 * ASSOC_VERIFY_EXISTING: only the tables that exist are compared (create_all
 * checks them before it creates the others). */
enum { ASSOC_VERIFY_ALL = 0, ASSOC_VERIFY_EXISTING = 1 };

/* ASSOC_OK when the database matches; ASSOC_SCHEMA when it does not, the
 * message naming the table, the column, what the database has and what
 * the schema wants, and how to migrate; another code when the database
 * could not be read.  Reads only.  SQLite's tables are read (PRAGMA
 * table_info, foreign_key_list, index_list); PostgreSQL's from the catalogs
 * of the connection's current schema. */
int assoc_verify(assoc_db *db, const assoc_schema_spec *s, int mode);

/* ---- Datetime text ----
 * "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's SQLite format), years
 * 0001-9999 (the range of Python's datetime, so SQLAlchemy reads what we
 * write).  format writes 26 characters and a NUL into buf and returns
 * ASSOC_OK, or ASSOC_MISUSE for a time outside those years.  parse takes
 * "YYYY-MM-DD HH:MM:SS", optionally followed by '.' and 1-6 digits of
 * fraction, 'T' accepted for the space; ASSOC_ERROR for anything else. */
int assoc_time_format(assoc_time t, char buf[ASSOC_TIME_TEXT_SIZE]);
int assoc_time_parse(const char *text, size_t len, assoc_time *out);

/* Copy a string or blob into library-owned memory (for writing defaults back
 * into a record).  OUT: *out.  NULL in, NULL out. */
int assoc_strdup(assoc_db *db, const char *s, char **out);
int assoc_blobdup(assoc_db *db, const void *data, size_t len, assoc_blob *out);

/* Grow a list array so that it holds at least len + 1 elements of `size`
 * bytes.  *items and *cap are updated; on failure nothing changes and
 * ASSOC_NOMEM is returned. */
int assoc_list_reserve(assoc_db *db, void **items, size_t *cap, size_t len, size_t size);

/* ---- Values of section 9's column types (values.c) ----
 *
 * enum(a, b, c): a C enum whose value k (from 1; 0 is unset) is stored as
 * the text of names[k - 1], as SQLAlchemy's Enum stores a member's name.
 * Generated code keeps one descriptor per enum column. */
typedef struct assoc_enum {
    const char *what;               /* "Task.status", for messages */
    const char *type;               /* "TaskStatus" */
    const char *const *names;       /* value k is names[k - 1] */
    int count;
} assoc_enum;

/* Bind value v's name, or NULL when has is false.  A v that is not one of
 * the values (0, unset, included) is ASSOC_MISUSE. */
int assoc_bind_enum(assoc_db *db, assoc_stmt *st, int idx, const assoc_enum *e, int v, bool has);
/* Read a column holding a name of e: OUT: *out, its value (from 1).  NULL
 * sets *has false (*out 0), or is malformed data, ASSOC_ERROR, when has is
 * NULL; text that is none of the names is ASSOC_ERROR too, its message
 * quoting the text and listing the names (assoc_read_failed() adds the
 * table, column and row). */
int assoc_column_enum(assoc_db *db, assoc_stmt *st, int col, const assoc_enum *e, int *out, bool *has);

/* default(uuid): a random version-4 UUID (RFC 4122) in its text form,
 * "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" in lower case, as Python's
 * str(uuid.uuid4()) writes it; the randomness is SQLite's
 * (sqlite3_randomness, seeded from the operating system).  OUT: *out, 37
 * bytes from assoc_malloc(), owned by the caller. */
enum { ASSOC_UUID_TEXT_SIZE = 37 };
int assoc_uuid4(assoc_db *db, char **out);

#ifdef __cplusplus
}
#endif

#endif /* ASSOC_H */
