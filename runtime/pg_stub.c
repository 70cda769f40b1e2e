/* pg_stub.c - the PostgreSQL backend's place holder until pg.c lands:
 * every connection attempt fails, so no other function is reached. */
#include "pg.h"

int assoc_pg_connect(const char *uri, int lock_timeout_ms, assoc_pgconn **out)
{
    (void)uri;
    (void)lock_timeout_ms;
    *out = NULL;
    return ASSOC_ERROR;
}
void assoc_pg_close(assoc_pgconn *c) { (void)c; }
PGconn *assoc_pg_conn(assoc_pgconn *c) { (void)c; return NULL; }
const char *assoc_pg_errmsg(const assoc_pgconn *c) { (void)c; return "PostgreSQL support is not built in"; }
int assoc_pg_exec(assoc_pgconn *c, const char *sql) { (void)c; (void)sql; return ASSOC_ERROR; }
void assoc_pg_set_protect(assoc_pgconn *c, bool on) { (void)c; (void)on; }
bool assoc_pg_in_transaction(const assoc_pgconn *c) { (void)c; return false; }
int64_t assoc_pg_changes(const assoc_pgconn *c) { (void)c; return 0; }
int assoc_pg_prepare(assoc_pgconn *c, const char *sql, assoc_pg_stmt **out) { (void)c; (void)sql; *out = NULL; return ASSOC_ERROR; }
void assoc_pg_finalize(assoc_pg_stmt *s) { (void)s; }
void assoc_pg_reset(assoc_pg_stmt *s) { (void)s; }
int assoc_pg_step(assoc_pg_stmt *s) { (void)s; return ASSOC_ERROR; }
int assoc_pg_bind_null(assoc_pg_stmt *s, int idx) { (void)s; (void)idx; return ASSOC_ERROR; }
int assoc_pg_bind_int64(assoc_pg_stmt *s, int idx, int64_t v) { (void)s; (void)idx; (void)v; return ASSOC_ERROR; }
int assoc_pg_bind_double(assoc_pg_stmt *s, int idx, double v) { (void)s; (void)idx; (void)v; return ASSOC_ERROR; }
int assoc_pg_bind_bool(assoc_pg_stmt *s, int idx, bool v) { (void)s; (void)idx; (void)v; return ASSOC_ERROR; }
int assoc_pg_bind_text(assoc_pg_stmt *s, int idx, const char *v, size_t len) { (void)s; (void)idx; (void)v; (void)len; return ASSOC_ERROR; }
int assoc_pg_bind_blob(assoc_pg_stmt *s, int idx, const void *v, size_t len) { (void)s; (void)idx; (void)v; (void)len; return ASSOC_ERROR; }
int assoc_pg_column_count(const assoc_pg_stmt *s) { (void)s; return 0; }
bool assoc_pg_col_null(const assoc_pg_stmt *s, int col) { (void)s; (void)col; return true; }
int assoc_pg_col_int64(assoc_pg_stmt *s, int col, int64_t *out) { (void)s; (void)col; (void)out; return ASSOC_ERROR; }
int assoc_pg_col_double(assoc_pg_stmt *s, int col, double *out) { (void)s; (void)col; (void)out; return ASSOC_ERROR; }
int assoc_pg_col_bool(assoc_pg_stmt *s, int col, bool *out) { (void)s; (void)col; (void)out; return ASSOC_ERROR; }
const char *assoc_pg_col_text(const assoc_pg_stmt *s, int col, size_t *len) { (void)s; (void)col; *len = 0; return NULL; }
int assoc_pg_col_blob(assoc_pg_stmt *s, int col, const unsigned char **data, size_t *len) { (void)s; (void)col; *data = NULL; *len = 0; return ASSOC_ERROR; }
