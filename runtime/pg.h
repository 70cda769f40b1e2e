/* pg.h - libassoc's PostgreSQL backend (internal to libassoc: not
 * installed).  assoc.c calls it for a connection opened with a
 * "postgresql://" URI; it knows nothing of assoc_db.  Every function
 * returns an ASSOC_ code and leaves the message of a failure in the
 * connection's own buffer (assoc_pg_errmsg). */
#ifndef ASSOC_PG_H
#define ASSOC_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assoc.h"

typedef struct assoc_pgconn assoc_pgconn;
typedef struct assoc_pg_stmt assoc_pg_stmt;

/* Connect.  OUT: *out; on failure it may be non-NULL so that its message
 * can be read; assoc_pg_close() it either way. */
int assoc_pg_connect(const char *uri, int lock_timeout_ms, assoc_pgconn **out);
void assoc_pg_close(assoc_pgconn *c);
PGconn *assoc_pg_conn(assoc_pgconn *c);
const char *assoc_pg_errmsg(const assoc_pgconn *c);
int assoc_pg_exec(assoc_pgconn *c, const char *sql);
/* Whether each statement run while a transaction is open is protected by
 * a savepoint of its own (see pg.c). */
void assoc_pg_set_protect(assoc_pgconn *c, bool on);
bool assoc_pg_in_transaction(const assoc_pgconn *c);
int64_t assoc_pg_changes(const assoc_pgconn *c);

int assoc_pg_prepare(assoc_pgconn *c, const char *sql, assoc_pg_stmt **out);
void assoc_pg_finalize(assoc_pg_stmt *s);
void assoc_pg_reset(assoc_pg_stmt *s);
int assoc_pg_step(assoc_pg_stmt *s);
int assoc_pg_bind_null(assoc_pg_stmt *s, int idx);
int assoc_pg_bind_int64(assoc_pg_stmt *s, int idx, int64_t v);
int assoc_pg_bind_double(assoc_pg_stmt *s, int idx, double v);
int assoc_pg_bind_bool(assoc_pg_stmt *s, int idx, bool v);
int assoc_pg_bind_text(assoc_pg_stmt *s, int idx, const char *v, size_t len);
int assoc_pg_bind_blob(assoc_pg_stmt *s, int idx, const void *v, size_t len);
int assoc_pg_column_count(const assoc_pg_stmt *s);
bool assoc_pg_col_null(const assoc_pg_stmt *s, int col);
int assoc_pg_col_int64(assoc_pg_stmt *s, int col, int64_t *out);
int assoc_pg_col_double(assoc_pg_stmt *s, int col, double *out);
int assoc_pg_col_bool(assoc_pg_stmt *s, int col, bool *out);
const char *assoc_pg_col_text(const assoc_pg_stmt *s, int col, size_t *len);
int assoc_pg_col_blob(assoc_pg_stmt *s, int col, const unsigned char **data, size_t *len);

#endif
