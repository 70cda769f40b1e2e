/* pg.h - libassoc's PostgreSQL backend: one connection over libpq and the
 * statements prepared on it, with SQLite's results and return codes.
 *
 * This module is called by libassoc's common layer (assoc.c); it does not
 * know assoc_db.  From assoc.h it takes the ASSOC_ return codes, the
 * allocator (assoc_malloc/assoc_realloc/assoc_free: every allocation of this
 * module goes through it; libpq's own PGconn and PGresult memory is libpq's)
 * and assoc_time.
 *
 * Conventions, as in assoc.h:
 *   - Nothing prints (libpq's notices are dropped) and nothing aborts.
 *   - Every failure returns an ASSOC_ code and leaves a one-line message in
 *     the connection's own fixed buffer (assoc_pg_errmsg(); recording it
 *     never allocates), with the SQLSTATE in assoc_pg_sqlstate().  A
 *     statement's failures are recorded on its connection.  Success does not
 *     clear the message.
 *   - NULL handles and out-of-range indexes are ASSOC_MISUSE (recorded on the
 *     connection when there is one).
 *   - A connection is used by one thread at a time, its statements too.
 *
 * Return codes from the server's SQLSTATE:
 *   class 23 (integrity constraint violation)        ASSOC_CONSTRAINT
 *   22001 (string too long for VARCHAR(N))           ASSOC_CONSTRAINT
 *   22P02 (a value the column's type refuses: text
 *         that is not JSON for a json column, a name
 *         a native ENUM type does not have)          ASSOC_CONSTRAINT
 *   40001 serialization failure, 40P01 deadlock,
 *   55P03 lock not available                         ASSOC_BUSY
 *   53200 out of memory                              ASSOC_NOMEM
 *   a lost connection (class 08, 57P01-57P03, or
 *   libpq finding the connection bad)                ASSOC_ERROR, and the
 *       connection is dead: every later call on it returns ASSOC_ERROR
 *       ("no connection to the server: ...") without touching the network
 *   anything else                                    ASSOC_ERROR
 * The message is the server's primary message, followed by its DETAIL in
 * parentheses when that is short; for failures libpq finds itself
 * (connecting, a lost connection) it is libpq's message, on one line.
 *
 * Statement-level atomicity, as SQLite has it.  In PostgreSQL a failed
 * statement inside a transaction block aborts the whole transaction; in
 * SQLite only that statement is undone.  So while protection is on (the
 * default; assoc_pg_set_protect()) and the connection is inside a
 * transaction block that has not failed, assoc_pg_prepare() and every
 * execution by assoc_pg_step() run under a savepoint, assoc_stmt, sent in
 * the same round trip (libpq's pipeline mode; its SAVEPOINT and RELEASE
 * are statements prepared at connect, as "assoc_pg_savepoint" and
 * "assoc_pg_release", so a program that runs DEALLOCATE ALL or DISCARD ALL
 * through the raw handle breaks protection); when the statement fails, a
 * second round trip runs ROLLBACK TO SAVEPOINT assoc_stmt, so the failure
 * leaves the transaction as it was before the statement.  A savepoint is a
 * valid undo point as long as nothing has changed data since it was set,
 * so the savepoint stands across statements that only read:
 *     SAVEPOINT assoc_stmt; <a read>          (it stays)
 *     <a read>                                (nothing more)
 *     <a write>; RELEASE SAVEPOINT assoc_stmt (it goes)
 *     SAVEPOINT assoc_stmt; <a write>; RELEASE SAVEPOINT assoc_stmt
 * and after a failure rolled back to, it stays as well.  A statement only
 * reads when its text says so at prepare: a SELECT (or WITH ... SELECT,
 * VALUES, TABLE) without INSERT, UPDATE, DELETE, MERGE, INTO or a locking
 * clause, calling no function but a few built-in ones that change nothing
 * (pg.c, reads_only(), has the whole rule; preparing itself counts as a
 * read).  The standing savepoint is always the innermost one, so that
 * undoing a statement never reaches past anyone's savepoint or work:
 * assoc_pg_exec() releases it first (in its round trip), and once the raw
 * handle is out (assoc_pg_conn()) libpq's event system reports every
 * command run through it, after which libassoc's savepoint no longer
 * serves (a query or data-changing command: released before the next
 * statement; a savepoint or transaction command, a failure, anything else:
 * forgotten, open until the caller's enclosing savepoint or transaction
 * ends, and every statement of the transaction block protected alone from
 * then on).  libpq's fast path (PQfn, and the large-object functions) is
 * not reported: call assoc_pg_conn() before writing through it inside a
 * transaction block.  What rolling back to a savepoint set before earlier
 * reads also undoes: the table locks (ACCESS SHARE) those reads took,
 * which the next statement that reads the table takes again.  Outside a transaction block a statement is its own
 * transaction and needs nothing.  assoc_pg_exec() is never protected (it
 * runs BEGIN, SAVEPOINT, ...): a failed script inside a transaction block
 * aborts it, as in PostgreSQL.
 *
 * Result formats.  A statement whose result columns are all of types the
 * readers decode -- bigint, integer, smallint, boolean, double precision,
 * text, varchar, char, name, json, jsonb, bytea, timestamp without time
 * zone -- gets its results in binary format (integers and timestamps
 * arrive as network-order integers, not text to parse); any other (numeric,
 * date, timestamptz, an enum type, ...) in text format, for the whole
 * statement (libpq takes one format for all columns).  The format is chosen
 * at prepare from the statement's result types.  The readers give the same
 * values, texts and errors either way: a reader that works on text reads a
 * binary value's text as the server would have printed it.
 *
 * Memory: a statement's first step fetches its whole result into the client
 * (no single-row mode), so that other statements can run on the connection
 * while its rows are read (libassoc's _each callbacks call back into the
 * API).  Memory is therefore proportional to the result on PostgreSQL. */
#ifndef ASSOC_PG_H
#define ASSOC_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assoc.h"   /* PGconn, declared there as libpq declares it */

#ifdef __cplusplus
extern "C" {
#endif

/* assoc_pg_step()'s "a row is ready", as SQLite's SQLITE_ROW.  Defined here
 * until assoc.h has it (as a macro or an enumerator: either works here). */
#ifndef ASSOC_ROW
#define ASSOC_ROW 100
#endif

typedef struct assoc_pgconn assoc_pgconn;           /* one connection */
typedef struct assoc_pg_stmt assoc_pg_stmt; /* one statement prepared on it */

/* Size of the message buffer: longer messages are cut. */
enum { ASSOC_PG_ERRMSG_SIZE = 512 };

/* ---------------------------------------------------------------------
 * Connections
 * ------------------------------------------------------------------- */

/* Connect to `uri`, a connection string as libpq reads it
 * ("postgresql://..." or "postgres://...", or key=value pairs), and set up
 * the session: TimeZone=UTC, client_encoding=UTF8, DateStyle=ISO,
 * standard_conforming_strings=on, extra_float_digits=3 (exact doubles),
 * bytea_output=hex, IntervalStyle=postgres, and prepare the statements of
 * protection (two round trips after libpq's own).  Protection is on.
 * OUT: *out.  ASSOC_OK: *out is the connection, to be released with
 * assoc_pg_close().  ASSOC_MISUSE (out or uri NULL), or ASSOC_NOMEM for the
 * handle itself: *out is NULL.  Any other failure (the server cannot be
 * reached, a bad URI, libpq out of memory, the setup failed): *out is
 * still a handle, whose assoc_pg_errmsg() says why and on which every
 * other call returns ASSOC_ERROR.  Either way the caller passes *out to
 * assoc_pg_close() (NULL is accepted).  libpq waits for the server as long
 * as the URI's connect_timeout says (forever by default). */
int assoc_pg_connect(const char *uri, assoc_pgconn **out);

/* Close the connection and free every statement still prepared on it (their
 * handles are invalid afterwards; nothing is sent to deallocate them, the
 * server drops them with the session).  An open transaction is rolled back
 * by the server.  NULL is accepted. */
void assoc_pg_close(assoc_pgconn *c);

/* The raw libpq handle, for what this module does not cover (NULL for NULL
 * or a handle whose connect failed for lack of memory).  Owned by c.  From
 * the first call on, what runs through it is watched (libpq's event system:
 * see "Statement-level atomicity" above); each call also takes the
 * standing savepoint as no longer a valid undo point. */
PGconn *assoc_pg_conn(assoc_pgconn *c);

/* The message of the last failure on c or its statements ("not an error"
 * before any; "out of memory" for c == NULL).  Valid until the next call
 * on c; never NULL. */
const char *assoc_pg_errmsg(const assoc_pgconn *c);

/* The SQLSTATE of the last failure reported by the server ("" when the
 * last failure did not come from the server: a lost connection, misuse, a
 * value that does not convert).  Valid until the next call on c. */
const char *assoc_pg_sqlstate(const assoc_pgconn *c);

/* False once the connection is lost (or never came up): every call on it
 * then fails with ASSOC_ERROR. */
bool assoc_pg_connected(const assoc_pgconn *c);

/* Statement protection (see the top of this file): on by default.  A
 * caller that runs several statements inside a savepoint of its own turns
 * it off for that span (a failure then aborts the transaction until the
 * caller rolls back to its savepoint).  Returns the previous setting. */
bool assoc_pg_set_protect(assoc_pgconn *c, bool on);

/* Run a script without parameters (DDL, BEGIN, COMMIT, ROLLBACK,
 * SAVEPOINT x, RELEASE x, ROLLBACK TO x; several statements separated by
 * ';' allowed; rows returned are ignored).  Outside a transaction block a
 * script of several statements runs as one transaction (PostgreSQL's simple
 * query).  Inside a transaction block, a standing savepoint of statement
 * protection is released first, in the same round trip, unless the script
 * begins with COMMIT, END, ROLLBACK, ABORT or RELEASE, which end it anyway.
 * Stops at the first failing statement and reports it.  COMMIT
 * (or END) of a transaction that an earlier failure aborted fails with
 * ASSOC_ERROR: the server rolled it back.  Never protected.  COPY is not
 * supported (ASSOC_ERROR).  Updates assoc_pg_changes() from the script's
 * last INSERT/UPDATE/DELETE/MERGE. */
int assoc_pg_exec(assoc_pgconn *c, const char *sql);

/* Rows changed by the last INSERT, UPDATE, DELETE or MERGE that a step or an
 * exec on c completed (as sqlite3_changes(): other statements leave it
 * alone).  0 for NULL or before any. */
int64_t assoc_pg_changes(const assoc_pgconn *c);

/* Whether c is inside a transaction block, also one that a failure has
 * aborted (PQtransactionStatus).  False for NULL and a lost connection. */
bool assoc_pg_in_transaction(const assoc_pgconn *c);

/* ---------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------- */

/* Prepare `sql` on the server once (PQprepare under a name generated for c;
 * parameters are $1..$N, their types inferred by the server) and learn its
 * parameter count, in one round trip (protected inside a transaction, so a
 * syntax error does not abort it).  Every parameter starts as NULL.
 * OUT: *out, to be released with assoc_pg_finalize() (or by closing c);
 * NULL on failure.  A statement stays usable across transactions. */
int assoc_pg_prepare(assoc_pgconn *c, const char *sql, assoc_pg_stmt **out);

/* Release s and DEALLOCATE it on the server, best effort: outside a
 * transaction block at once (one round trip); inside one the name is queued
 * and deallocated by the next exec, prepare or executing step on c made
 * outside a transaction block (one more round trip then), so that a
 * transaction is never touched by it.  Nothing is sent on a lost
 * connection.  NULL is accepted. */
void assoc_pg_finalize(assoc_pg_stmt *s);

/* Protection of this one statement's executions (on by default; the
 * connection's setting must be on too).  A caller that knows a statement
 * cannot fail in a way the transaction should survive (a SELECT by primary
 * key: only a lost connection or a serialization failure, after which the
 * transaction is rolled back anyway) may turn it off to save the
 * savepoint's cost.  Returns the previous setting (false for NULL). */
bool assoc_pg_stmt_set_protect(assoc_pg_stmt *s, bool on);

/* The number of parameters ($N) of s; 0 for NULL. */
int assoc_pg_param_count(const assoc_pg_stmt *s);

/* Binding, idx from 1 to assoc_pg_param_count().  Every value is copied into
 * the statement (the caller's buffer may change right after the call; the
 * copy's memory is reused by later bindings), and stays bound, across
 * resets too, until bound again.  Binding a statement that has been stepped
 * and not reset is ASSOC_MISUSE, as is an idx out of range.  On
 * ASSOC_NOMEM the parameter keeps its previous value.  Values are sent in
 * text format, which the server converts to the parameter's type (as the
 * server inferred it at prepare), except: an int64 for a bigint parameter,
 * a double for a double precision one, a bool for a boolean one and a
 * time for a timestamp one in binary (the same value, no text to print
 * and parse; a NaN as the server's own NaN); blobs in binary format (for
 * a bytea parameter).
 * double: exact (17 significant digits); NaN, Infinity, -Infinity as
 *   PostgreSQL spells them; -0.0 stays negative.
 * text: len bytes of UTF-8 without NUL; a NUL byte is ASSOC_MISUSE
 *   (PostgreSQL text cannot hold one); v == NULL binds NULL.
 * blob: v == NULL binds NULL; len == 0 with v != NULL an empty bytea.
 * time: for a TIMESTAMP WITHOUT TIME ZONE parameter in binary (microseconds
 *   since 2000-01-01), for any other "YYYY-MM-DD HH:MM:SS.ffffff" (UTC);
 *   years 0001-9999, else ASSOC_MISUSE. */
int assoc_pg_bind_null(assoc_pg_stmt *s, int idx);
int assoc_pg_bind_int64(assoc_pg_stmt *s, int idx, int64_t v);
int assoc_pg_bind_double(assoc_pg_stmt *s, int idx, double v);
int assoc_pg_bind_bool(assoc_pg_stmt *s, int idx, bool v);
int assoc_pg_bind_text(assoc_pg_stmt *s, int idx, const char *v, size_t len);
int assoc_pg_bind_blob(assoc_pg_stmt *s, int idx, const void *v, size_t len);
int assoc_pg_bind_time(assoc_pg_stmt *s, int idx, assoc_time t);

/* The first step after binding (or after a reset) executes s with its
 * current bindings (PQexecPrepared, text or binary results as chosen at
 * prepare (above), the whole result fetched)
 * and returns ASSOC_ROW for its first row; each later step moves to the
 * next row; after the last, ASSOC_OK (done), and ASSOC_OK again on further
 * steps until a reset.  A statement without rows (INSERT without
 * RETURNING, ...) returns ASSOC_OK at once.  On failure, an ASSOC_ code
 * (see the top of this file) and s is as after a reset.  Other statements
 * may be stepped, and scripts executed, on the same connection between
 * the steps of s (its rows are already in the client). */
int assoc_pg_step(assoc_pg_stmt *s);

/* Drop s's result (the next step executes again); bindings and the
 * prepared statement stay.  NULL is accepted. */
void assoc_pg_reset(assoc_pg_stmt *s);

/* Whether s gets its results in binary format (see "Result formats" at
 * the top of this file); false for NULL.  For tests and diagnostics: the
 * readers behave the same either way. */
bool assoc_pg_binary_results(const assoc_pg_stmt *s);

/* Whether s only reads, by its text (see "Statement-level atomicity" at
 * the top of this file): its savepoint may stand after it.  False for NULL.
 * For tests and diagnostics. */
bool assoc_pg_stmt_reads_only(const assoc_pg_stmt *s);

/* Columns of s's result: 0 before the first step and after a reset. */
int assoc_pg_column_count(const assoc_pg_stmt *s);

/* Reading the current row (after a step returned ASSOC_ROW), col from 0.
 * Without a current row, or with col out of range: col_null is true and
 * the others return ASSOC_MISUSE (or NULL).  An SQL NULL reads as 0, 0.0,
 * false, NULL, NULL with ASSOC_OK: check assoc_pg_col_null() first.
 * "The column's text" below is the value as the server prints it in text
 * format with the session's settings, whichever format the result came in.
 * int64: an integer column's value; otherwise the column's text as a
 *   decimal integer in int64_t's range, else ASSOC_ERROR ("column N: 'text'
 *   is not a 64-bit integer").
 * double: a double precision column's value, an integer column's nearest
 *   double; otherwise the column's text as a number (NaN, Infinity,
 *   -Infinity too), else ASSOC_ERROR naming the column and the text.
 * bool: the column's text 't' or 'f', else ASSOC_ERROR.
 * string: the column's text, NUL-terminated, in PGresult's memory or (a
 *   binary value printed) in a buffer s owns, one per column; *len (may be
 *   NULL) its length; valid until the next step or reset of s.  SQL NULL:
 *   *text NULL and ASSOC_OK.  ASSOC_NOMEM when printing needs memory.
 * text: string's text, or NULL (for SQL NULL, and when string fails: the
 *   failure is recorded).
 * blob: a bytea column's bytes (decoded from hex text into a buffer s
 *   owns, one per column, for text results), valid until the next step or
 *   reset of s; an empty bytea gives a non-NULL *data and *len 0; SQL NULL
 *   gives NULL and 0.  A column of another type gives its text's bytes.
 *   ASSOC_NOMEM, or ASSOC_ERROR for text that is not hex bytea.
 * time: the column's text "YYYY-MM-DD HH:MM:SS" with an optional '.' and
 *   1-6 digits (a TIMESTAMP WITHOUT TIME ZONE in DateStyle ISO) as
 *   microseconds since 1970-01-01 UTC; anything else (a BC date, a year
 *   past 9999, infinity, a time zone) is ASSOC_ERROR naming the column and
 *   the text.
 * time_binary: true, and *out as time gives it, for a binary TIMESTAMP
 *   WITHOUT TIME ZONE in years 0001-9999; false, with nothing recorded and
 *   *out untouched, for anything else (text results, another type, NULL,
 *   no cell, a value time refuses).  The common layer's fast path: it
 *   reads every other value's text with its own parser and messages. */
bool assoc_pg_col_null(const assoc_pg_stmt *s, int col);
int assoc_pg_col_int64(assoc_pg_stmt *s, int col, int64_t *out);
int assoc_pg_col_double(assoc_pg_stmt *s, int col, double *out);
int assoc_pg_col_bool(assoc_pg_stmt *s, int col, bool *out);
int assoc_pg_col_string(assoc_pg_stmt *s, int col, const char **text, size_t *len);
const char *assoc_pg_col_text(assoc_pg_stmt *s, int col, size_t *len);
int assoc_pg_col_blob(assoc_pg_stmt *s, int col, const unsigned char **data, size_t *len);
int assoc_pg_col_time(assoc_pg_stmt *s, int col, assoc_time *out);
bool assoc_pg_col_time_binary(const assoc_pg_stmt *s, int col, assoc_time *out);

#ifdef __cplusplus
}
#endif

#endif /* ASSOC_PG_H */
