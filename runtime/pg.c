/* pg.c - libassoc's PostgreSQL backend over libpq: see pg.h for the contract.
 *
 * Layout: errors and their mapping; round trips (plain, and pipelines of
 * several commands for statement protection); connections; statements and
 * their parameters; reading columns; datetimes. */
#include "pg.h"

#include <libpq-fe.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LIBPQ_HAS_PIPELINING
#error "libassoc's PostgreSQL backend needs libpq 14 or later (pipeline mode)"
#endif

/* The savepoint that protects one statement (pg.h): set, released, undone. */
#define SP_SET "SAVEPOINT assoc_stmt"
#define SP_RELEASE "RELEASE SAVEPOINT assoc_stmt"
#define SP_UNDO "ROLLBACK TO SAVEPOINT assoc_stmt; RELEASE SAVEPOINT assoc_stmt"
/* ... whose first two are prepared at connect under these names. */
#define SP_SET_NAME "assoc_pg_savepoint"
#define SP_RELEASE_NAME "assoc_pg_release"

enum { NAME_SIZE = 32, NUM_SIZE = 32, BYTEA_OID = 17 };

/* One parameter's storage: numbers are formatted into num; text and blobs
 * are copied into buf, which grows and is reused. */
struct pg_param {
    char *buf;
    size_t cap;
    char num[NUM_SIZE];
};

/* A decoded bytea column of the current row. */
struct pg_colbuf {
    unsigned char *p;
    size_t cap;
};

struct assoc_pg_stmt {
    assoc_pgconn *c;
    assoc_pg_stmt *prev, *next; /* c's list of statements */
    char name[NAME_SIZE];
    int nparams;
    const char **values; /* what PQexecPrepared sends: NULL is SQL NULL */
    int *lengths;
    int *formats;
    struct pg_param *params;
    PGresult *res; /* the result of the last execution, or NULL */
    int row;       /* current row; -1 before the first, nrows after the last */
    int nrows;
    struct pg_colbuf *cols; /* per column, allocated on the first col_blob */
    int ncols;
    bool protect; /* assoc_pg_stmt_set_protect(): false skips protection */
};

struct assoc_pgconn {
    PGconn *conn;
    bool protect;
    bool dead;          /* the connection is lost or never came up */
    int64_t changes;
    uint64_t next_id;   /* for statement names */
    assoc_pg_stmt *stmts;
    char (*pending)[NAME_SIZE]; /* statements to DEALLOCATE outside a transaction */
    size_t npending, cappending;
    char sqlstate[6];
    char err[ASSOC_PG_ERRMSG_SIZE];
    char lost[ASSOC_PG_ERRMSG_SIZE / 2]; /* why the connection was lost */
};

/* ---------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------- */

/* Make buf one line: newlines and tabs become spaces, runs of spaces one,
 * no trailing space. */
static void one_line(char *buf)
{
    char *w = buf;
    for (const char *r = buf; *r; r++) {
        char ch = (*r == '\n' || *r == '\r' || *r == '\t') ? ' ' : *r;
        if (ch == ' ' && (w == buf || w[-1] == ' '))
            continue;
        *w++ = ch;
    }
    while (w > buf && w[-1] == ' ')
        w--;
    *w = '\0';
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(assoc_pgconn *c, int code, const char *fmt, ...)
{
    if (!c)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    one_line(c->err);
    c->sqlstate[0] = '\0';
    return code;
}

static int map_sqlstate(const char *st)
{
    if (!st || strlen(st) != 5)
        return ASSOC_ERROR;
    if (st[0] == '2' && st[1] == '3')
        return ASSOC_CONSTRAINT;
    /* A value the column cannot hold: too long for VARCHAR(N); text the
     * column's type refuses (invalid_text_representation: not JSON for a
     * json column, as SQLite's CHECK (json_valid(...)) refuses it; no name
     * of a native ENUM type, as the CHECK on the names does).  Every value
     * is bound, so only data raises these. */
    if (strcmp(st, "22001") == 0 || strcmp(st, "22P02") == 0)
        return ASSOC_CONSTRAINT;
    if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0)
        return ASSOC_BUSY;
    if (strcmp(st, "53200") == 0)
        return ASSOC_NOMEM;
    return ASSOC_ERROR;
}

/* SQLSTATEs that come with the end of the session. */
static bool lost_state(const char *st)
{
    return st && (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 || strcmp(st, "57P02") == 0 ||
                  strcmp(st, "57P03") == 0);
}

/* After a failure: is the connection gone?  Then remember why, once. */
static void check_lost(assoc_pgconn *c, const char *why)
{
    if (c->dead)
        return;
    if (c->conn && PQstatus(c->conn) == CONNECTION_OK)
        return;
    c->dead = true;
    snprintf(c->lost, sizeof c->lost, "%s", why && *why ? why : "connection to the server lost");
    one_line(c->lost);
}

/* Record the failure that res (or, without res, the connection) reports,
 * and return its code. */
static int fail_result(assoc_pgconn *c, const PGresult *res)
{
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *whole = res ? PQresultErrorMessage(res) : "";
    if (!primary || !*primary)
        primary = (whole && *whole) ? whole : PQerrorMessage(c->conn);
    if (!primary || !*primary)
        primary = "unknown failure";

    if (detail && strlen(detail) <= 160)
        snprintf(c->err, sizeof c->err, "%s (%s)", primary, detail);
    else
        snprintf(c->err, sizeof c->err, "%s", primary);
    one_line(c->err);
    if (st && strlen(st) == 5)
        memcpy(c->sqlstate, st, 6);
    else
        c->sqlstate[0] = '\0';

    /* A lost connection: 57P01 (terminated by an administrator) and the like
     * arrive as a result, and libpq then finds the socket closed.  Only
     * libpq's verdict counts, so a function raising SQLSTATE 08006 does not
     * make a live connection dead. */
    if (PQstatus(c->conn) != CONNECTION_OK) {
        check_lost(c, c->err);
        char lib[ASSOC_PG_ERRMSG_SIZE / 2];
        snprintf(lib, sizeof lib, "%s", PQerrorMessage(c->conn));
        one_line(lib);
        if (lib[0] && strstr(c->err, lib) == NULL && !lost_state(st)) {
            size_t n = strlen(c->err);
            snprintf(c->err + n, sizeof c->err - n, "; %s", lib);
        }
        return ASSOC_ERROR;
    }
    return map_sqlstate(st);
}

/* Fail at once when c cannot be used. */
static int usable(assoc_pgconn *c)
{
    if (c->dead || !c->conn || PQstatus(c->conn) != CONNECTION_OK) {
        check_lost(c, PQerrorMessage(c->conn));
        c->dead = true;
        return fail(c, ASSOC_ERROR, "no connection to the server: %s", c->lost[0] ? c->lost : "lost");
    }
    return ASSOC_OK;
}

static bool res_ok(const PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

/* sqlite3_changes(): only INSERT, UPDATE, DELETE and MERGE count. */
static void note_changes(assoc_pgconn *c, PGresult *res)
{
    const char *tag = PQcmdStatus(res);
    if (!tag)
        return;
    if (strncmp(tag, "INSERT ", 7) == 0 || strncmp(tag, "UPDATE ", 7) == 0 ||
        strncmp(tag, "DELETE ", 7) == 0 || strncmp(tag, "MERGE ", 6) == 0) {
        const char *n = PQcmdTuples(res);
        c->changes = (n && *n) ? strtoll(n, NULL, 10) : 0;
    }
}

/* ---------------------------------------------------------------------
 * Round trips
 * ------------------------------------------------------------------- */

/* One command of a pipeline. */
enum op_kind { OP_PREPARE, OP_DESCRIBE, OP_NAMED, OP_EXEC };
struct pg_op {
    enum op_kind kind;
    const char *sql;           /* OP_PREPARE */
    const char *name;          /* OP_PREPARE, OP_DESCRIBE, OP_NAMED: a prepared statement */
    const assoc_pg_stmt *stmt; /* OP_EXEC */
    PGresult *res;             /* OUT: its result (NULL if never run) */
};

/* Send ops as one pipeline and read each one's result.  Returns ASSOC_OK
 * when the round trip happened (each op's own result says how it went), or
 * the failure of the connection (recorded).  The connection is out of
 * pipeline mode afterwards, whatever happened. */
static int run_pipeline(assoc_pgconn *c, struct pg_op *ops, int nops)
{
    PGconn *conn = c->conn;
    for (int i = 0; i < nops; i++)
        ops[i].res = NULL;
    if (!PQenterPipelineMode(conn))
        return fail_result(c, NULL);
    int sent = 0;
    for (; sent < nops; sent++) {
        struct pg_op *op = &ops[sent];
        int ok;
        switch (op->kind) {
        case OP_PREPARE:
            ok = PQsendPrepare(conn, op->name, op->sql, 0, NULL);
            break;
        case OP_DESCRIBE:
            ok = PQsendDescribePrepared(conn, op->name);
            break;
        case OP_NAMED:
            ok = PQsendQueryPrepared(conn, op->name, 0, NULL, NULL, NULL, 0);
            break;
        default:
            ok = PQsendQueryPrepared(conn, op->stmt->name, op->stmt->nparams, op->stmt->values,
                                     op->stmt->lengths, op->stmt->formats, 0);
            break;
        }
        if (!ok)
            break;
    }
    bool synced = PQpipelineSync(conn) == 1;
    /* Each command gives one result, then NULL. */
    for (int i = 0; i < sent && PQstatus(conn) == CONNECTION_OK; i++) {
        PGresult *r;
        while ((r = PQgetResult(conn)) != NULL) {
            if (!ops[i].res)
                ops[i].res = r;
            else
                PQclear(r);
        }
    }
    /* Then the sync's result.  Anything else left over (there should be
     * nothing) is drained so that the connection can leave pipeline mode. */
    for (int guard = 0; synced && guard < 16 && PQstatus(conn) == CONNECTION_OK; guard++) {
        PGresult *r = PQgetResult(conn);
        if (!r)
            continue;
        ExecStatusType st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            break;
    }
    if (!PQexitPipelineMode(conn)) {
        /* Only a broken connection gets here: libpq keeps it busy. */
        check_lost(c, PQerrorMessage(conn));
    }
    if (sent < nops || !synced || PQstatus(conn) != CONNECTION_OK) {
        for (int i = 0; i < nops; i++)
            if (ops[i].res && !res_ok(ops[i].res))
                return fail_result(c, ops[i].res);
        return fail_result(c, NULL);
    }
    return ASSOC_OK;
}

static void clear_ops(struct pg_op *ops, int nops)
{
    for (int i = 0; i < nops; i++) {
        PQclear(ops[i].res);
        ops[i].res = NULL;
    }
}

/* Does c need the protection of a savepoint for its next statement? */
static bool needs_protect(const assoc_pgconn *c)
{
    return c->protect && PQtransactionStatus(c->conn) == PQTRANS_INTRANS;
}

/* Undo a protected statement that failed: back to the savepoint, which
 * goes.  The failure's message and code stay; a failure to undo is added. */
static int undo_protected(assoc_pgconn *c, int rc)
{
    if (c->dead || PQstatus(c->conn) != CONNECTION_OK)
        return rc;
    PGresult *r = PQexec(c->conn, SP_UNDO);
    if (!res_ok(r)) {
        char first[ASSOC_PG_ERRMSG_SIZE];
        char st[6];
        memcpy(first, c->err, sizeof first);
        memcpy(st, c->sqlstate, sizeof st);
        (void)fail_result(c, r);
        char undo[ASSOC_PG_ERRMSG_SIZE];
        memcpy(undo, c->err, sizeof undo);
        snprintf(c->err, sizeof c->err, "%.250s; and undoing the statement failed: %.200s", first, undo);
        memcpy(c->sqlstate, st, sizeof st);
        if (c->dead)
            rc = ASSOC_ERROR;
    }
    PQclear(r);
    return rc;
}

/* DEALLOCATE the queued statements, once outside a transaction block. */
static void flush_pending(assoc_pgconn *c)
{
    if (c->npending == 0 || PQtransactionStatus(c->conn) != PQTRANS_IDLE)
        return;
    char sql[1024];
    size_t i = 0;
    while (i < c->npending) {
        size_t n = 0;
        sql[0] = '\0';
        for (; i < c->npending && n + NAME_SIZE + 16 < sizeof sql; i++)
            n += (size_t)snprintf(sql + n, sizeof sql - n, "DEALLOCATE %s;", c->pending[i]);
        PQclear(PQexec(c->conn, sql)); /* best effort */
    }
    c->npending = 0;
}

/* ---------------------------------------------------------------------
 * Connections
 * ------------------------------------------------------------------- */

static void drop_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static const char session_setup[] =
    "SET TimeZone = 'UTC'; SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD';"
    " SET standard_conforming_strings = on; SET extra_float_digits = 3;"
    " SET bytea_output = 'hex'; SET IntervalStyle = 'postgres'";

int assoc_pg_connect(const char *uri, assoc_pgconn **out)
{
    if (!out)
        return ASSOC_MISUSE;
    *out = NULL;
    if (!uri)
        return ASSOC_MISUSE;
    assoc_pgconn *c = assoc_malloc(sizeof *c);
    if (!c)
        return ASSOC_NOMEM;
    memset(c, 0, sizeof *c);
    c->protect = true;
    snprintf(c->err, sizeof c->err, "not an error");
    *out = c;

    c->conn = PQconnectdb(uri);
    if (!c->conn) {
        c->dead = true;
        snprintf(c->lost, sizeof c->lost, "out of memory");
        return fail(c, ASSOC_NOMEM, "out of memory connecting to the server");
    }
    PQsetNoticeProcessor(c->conn, drop_notice, NULL);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        c->dead = true;
        snprintf(c->lost, sizeof c->lost, "%s", PQerrorMessage(c->conn));
        one_line(c->lost);
        return fail(c, ASSOC_ERROR, "%s", c->lost);
    }
    PGresult *r = PQexec(c->conn, session_setup);
    int rc = res_ok(r) ? ASSOC_OK : fail_result(c, r);
    PQclear(r);
    if (rc == ASSOC_OK) {
        /* The savepoint's two statements, prepared once: protection then
         * costs no parsing per statement. */
        struct pg_op ops[2] = {
            {OP_PREPARE, SP_SET, SP_SET_NAME, NULL, NULL},
            {OP_PREPARE, SP_RELEASE, SP_RELEASE_NAME, NULL, NULL},
        };
        rc = run_pipeline(c, ops, 2);
        for (int i = 0; rc == ASSOC_OK && i < 2; i++)
            if (!res_ok(ops[i].res))
                rc = fail_result(c, ops[i].res);
        clear_ops(ops, 2);
    }
    if (rc != ASSOC_OK) {
        c->dead = true;
        if (!c->lost[0])
            snprintf(c->lost, sizeof c->lost, "session setup failed: %.200s", c->err);
        return rc == ASSOC_NOMEM ? ASSOC_NOMEM : ASSOC_ERROR;
    }
    return ASSOC_OK;
}

static void stmt_free(assoc_pg_stmt *s)
{
    PQclear(s->res);
    for (int i = 0; i < s->nparams; i++)
        assoc_free(s->params[i].buf);
    for (int i = 0; i < s->ncols; i++)
        assoc_free(s->cols[i].p);
    assoc_free(s->cols);
    assoc_free(s->params);
    assoc_free(s->formats);
    assoc_free(s->lengths);
    assoc_free((void *)s->values);
    assoc_free(s);
}

void assoc_pg_close(assoc_pgconn *c)
{
    if (!c)
        return;
    while (c->stmts) {
        assoc_pg_stmt *s = c->stmts;
        c->stmts = s->next;
        stmt_free(s);
    }
    if (c->conn)
        PQfinish(c->conn);
    assoc_free(c->pending);
    assoc_free(c);
}

PGconn *assoc_pg_conn(assoc_pgconn *c)
{
    return c ? c->conn : NULL;
}

const char *assoc_pg_errmsg(const assoc_pgconn *c)
{
    return c ? c->err : "out of memory";
}

const char *assoc_pg_sqlstate(const assoc_pgconn *c)
{
    return c ? c->sqlstate : "";
}

bool assoc_pg_connected(const assoc_pgconn *c)
{
    return c && !c->dead && c->conn && PQstatus(c->conn) == CONNECTION_OK;
}

bool assoc_pg_set_protect(assoc_pgconn *c, bool on)
{
    if (!c)
        return false;
    bool was = c->protect;
    c->protect = on;
    return was;
}

int64_t assoc_pg_changes(const assoc_pgconn *c)
{
    return c ? c->changes : 0;
}

bool assoc_pg_in_transaction(const assoc_pgconn *c)
{
    if (!c || !c->conn || c->dead)
        return false;
    PGTransactionStatusType t = PQtransactionStatus(c->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* Is the first keyword of sql COMMIT or END? */
static bool is_commit(const char *sql)
{
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r' || *sql == '(')
        sql++;
    const char *words[] = {"commit", "end"};
    for (size_t w = 0; w < 2; w++) {
        size_t n = strlen(words[w]);
        size_t i = 0;
        while (i < n && sql[i] && (sql[i] | 0x20) == words[w][i])
            i++;
        if (i == n) {
            char next = sql[n];
            bool ident = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                         (next >= '0' && next <= '9') || next == '_';
            if (!ident)
                return true;
        }
    }
    return false;
}

int assoc_pg_exec(assoc_pgconn *c, const char *sql)
{
    if (!c)
        return ASSOC_MISUSE;
    if (!sql)
        return fail(c, ASSOC_MISUSE, "assoc_pg_exec: NULL sql");
    int rc = usable(c);
    if (rc != ASSOC_OK)
        return rc;
    flush_pending(c);
    PGTransactionStatusType before = PQtransactionStatus(c->conn);
    if (!PQsendQuery(c->conn, sql))
        return fail_result(c, NULL);
    bool failed = false, commit_rolled_back = false;
    PGresult *r;
    while ((r = PQgetResult(c->conn)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COPY_IN) {
            PQputCopyEnd(c->conn, "COPY is not supported by assoc_pg_exec");
        } else if (st == PGRES_COPY_OUT) {
            char *buf;
            while (PQgetCopyData(c->conn, &buf, 0) > 0)
                PQfreemem(buf);
        }
        if (!failed) {
            if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
                failed = true;
                rc = fail(c, ASSOC_ERROR, "COPY is not supported by assoc_pg_exec");
            } else if (!res_ok(r)) {
                failed = true;
                rc = fail_result(c, r);
            } else {
                note_changes(c, r);
                const char *tag = PQcmdStatus(r);
                if (before == PQTRANS_INERROR && tag && strcmp(tag, "ROLLBACK") == 0 && is_commit(sql))
                    commit_rolled_back = true;
            }
        }
        PQclear(r);
        if (PQstatus(c->conn) != CONNECTION_OK)
            break;
    }
    if (!failed && PQstatus(c->conn) != CONNECTION_OK)
        rc = fail_result(c, NULL);
    else if (!failed && commit_rolled_back)
        rc = fail(c, ASSOC_ERROR,
                  "COMMIT failed: an earlier failure had aborted the transaction, which was rolled back");
    return rc;
}

/* ---------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------- */

static void queue_deallocate(assoc_pgconn *c, const char *name)
{
    if (c->npending == c->cappending) {
        size_t cap = c->cappending ? c->cappending * 2 : 8;
        void *p = assoc_realloc(c->pending, cap * sizeof *c->pending);
        if (!p)
            return; /* stays on the server until the session ends */
        c->pending = p;
        c->cappending = cap;
    }
    snprintf(c->pending[c->npending++], NAME_SIZE, "%s", name);
}

static void deallocate(assoc_pgconn *c, const char *name)
{
    if (c->dead || PQstatus(c->conn) != CONNECTION_OK)
        return;
    if (PQtransactionStatus(c->conn) != PQTRANS_IDLE) {
        queue_deallocate(c, name);
        return;
    }
    char sql[NAME_SIZE + 16];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", name);
    PQclear(PQexec(c->conn, sql));
}

int assoc_pg_prepare(assoc_pgconn *c, const char *sql, assoc_pg_stmt **out)
{
    if (!c)
        return ASSOC_MISUSE;
    if (!out)
        return fail(c, ASSOC_MISUSE, "assoc_pg_prepare: NULL out");
    *out = NULL;
    if (!sql)
        return fail(c, ASSOC_MISUSE, "assoc_pg_prepare: NULL sql");
    int rc = usable(c);
    if (rc != ASSOC_OK)
        return rc;
    flush_pending(c);

    assoc_pg_stmt *s = assoc_malloc(sizeof *s);
    if (!s)
        return fail(c, ASSOC_NOMEM, "out of memory");
    memset(s, 0, sizeof *s);
    s->c = c;
    s->row = -1;
    s->protect = true;
    snprintf(s->name, sizeof s->name, "assoc_pg_%" PRIu64, ++c->next_id);

    bool protect = needs_protect(c);
    struct pg_op ops[4];
    int n = 0;
    if (protect)
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_SET_NAME, NULL, NULL};
    int prep = n;
    ops[n++] = (struct pg_op){OP_PREPARE, sql, s->name, NULL, NULL};
    ops[n++] = (struct pg_op){OP_DESCRIBE, NULL, s->name, NULL, NULL};
    if (protect)
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_RELEASE_NAME, NULL, NULL};
    rc = run_pipeline(c, ops, n);
    if (rc == ASSOC_OK) {
        for (int i = 0; i < n; i++)
            if (!res_ok(ops[i].res) || PQresultStatus(ops[i].res) == PGRES_PIPELINE_ABORTED) {
                rc = fail_result(c, ops[i].res);
                break;
            }
        if (rc != ASSOC_OK && protect && res_ok(ops[0].res))
            rc = undo_protected(c, rc);
    }
    if (rc != ASSOC_OK) {
        bool prepared = res_ok(ops[prep].res);
        clear_ops(ops, n);
        if (prepared) /* ROLLBACK TO does not undo a PREPARE */
            deallocate(c, s->name);
        assoc_free(s);
        return rc;
    }
    int np = PQnparams(ops[prep + 1].res);
    clear_ops(ops, n);

    if (np > 0) {
        size_t un = (size_t)np;
        s->values = assoc_malloc(un * sizeof *s->values);
        s->lengths = assoc_malloc(un * sizeof *s->lengths);
        s->formats = assoc_malloc(un * sizeof *s->formats);
        s->params = assoc_malloc(un * sizeof *s->params);
        if (!s->values || !s->lengths || !s->formats || !s->params) {
            deallocate(c, s->name);
            stmt_free(s);
            return fail(c, ASSOC_NOMEM, "out of memory");
        }
        s->nparams = np;
        for (int i = 0; i < np; i++) {
            s->values[i] = NULL;
            s->lengths[i] = 0;
            s->formats[i] = 0;
            s->params[i].buf = NULL;
            s->params[i].cap = 0;
        }
    }
    s->next = c->stmts;
    if (c->stmts)
        c->stmts->prev = s;
    c->stmts = s;
    *out = s;
    return ASSOC_OK;
}

void assoc_pg_finalize(assoc_pg_stmt *s)
{
    if (!s)
        return;
    assoc_pgconn *c = s->c;
    if (s->prev)
        s->prev->next = s->next;
    else
        c->stmts = s->next;
    if (s->next)
        s->next->prev = s->prev;
    deallocate(c, s->name);
    stmt_free(s);
}

bool assoc_pg_stmt_set_protect(assoc_pg_stmt *s, bool on)
{
    if (!s)
        return false;
    bool was = s->protect;
    s->protect = on;
    return was;
}

int assoc_pg_param_count(const assoc_pg_stmt *s)
{
    return s ? s->nparams : 0;
}

/* The parameter idx (from 1) of s, ready to be bound, or NULL (recorded). */
static struct pg_param *param(assoc_pg_stmt *s, int idx, int *rc)
{
    if (!s) {
        *rc = ASSOC_MISUSE;
        return NULL;
    }
    if (idx < 1 || idx > s->nparams) {
        *rc = fail(s->c, ASSOC_MISUSE, "bind index %d out of range (the statement has %d parameters)", idx,
                   s->nparams);
        return NULL;
    }
    if (s->res) {
        *rc = fail(s->c, ASSOC_MISUSE, "binding a statement that has been stepped: reset it first");
        return NULL;
    }
    *rc = ASSOC_OK;
    return &s->params[idx - 1];
}

static int bind_num(assoc_pg_stmt *s, int idx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int bind_num(assoc_pg_stmt *s, int idx, const char *fmt, ...)
{
    int rc;
    struct pg_param *p = param(s, idx, &rc);
    if (!p)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->num, sizeof p->num, fmt, ap);
    va_end(ap);
    s->values[idx - 1] = p->num;
    s->lengths[idx - 1] = 0;
    s->formats[idx - 1] = 0;
    return ASSOC_OK;
}

int assoc_pg_bind_null(assoc_pg_stmt *s, int idx)
{
    int rc;
    if (!param(s, idx, &rc))
        return rc;
    s->values[idx - 1] = NULL;
    return ASSOC_OK;
}

int assoc_pg_bind_int64(assoc_pg_stmt *s, int idx, int64_t v)
{
    return bind_num(s, idx, "%" PRId64, v);
}

int assoc_pg_bind_double(assoc_pg_stmt *s, int idx, double v)
{
    if (isnan(v))
        return bind_num(s, idx, "%s", "NaN");
    if (isinf(v))
        return bind_num(s, idx, "%s", v > 0 ? "Infinity" : "-Infinity");
    return bind_num(s, idx, "%.17g", v);
}

int assoc_pg_bind_bool(assoc_pg_stmt *s, int idx, bool v)
{
    return bind_num(s, idx, "%s", v ? "t" : "f");
}

/* Copy len bytes (plus a NUL) into p's buffer. */
static int copy_into(assoc_pgconn *c, struct pg_param *p, const void *v, size_t len)
{
    if (len >= (size_t)INT32_MAX)
        return fail(c, ASSOC_MISUSE, "a value of %zu bytes is too large for PostgreSQL", len);
    if (p->cap < len + 1) {
        size_t cap = p->cap ? p->cap : 32;
        while (cap < len + 1)
            cap *= 2;
        char *buf = assoc_malloc(cap);
        if (!buf)
            return fail(c, ASSOC_NOMEM, "out of memory");
        assoc_free(p->buf);
        p->buf = buf;
        p->cap = cap;
    }
    if (len)
        memcpy(p->buf, v, len);
    p->buf[len] = '\0';
    return ASSOC_OK;
}

int assoc_pg_bind_text(assoc_pg_stmt *s, int idx, const char *v, size_t len)
{
    int rc;
    struct pg_param *p = param(s, idx, &rc);
    if (!p)
        return rc;
    if (!v) {
        s->values[idx - 1] = NULL;
        return ASSOC_OK;
    }
    if (memchr(v, '\0', len))
        return fail(s->c, ASSOC_MISUSE, "parameter $%d: text with a NUL byte (PostgreSQL text cannot hold one)",
                    idx);
    rc = copy_into(s->c, p, v, len);
    if (rc != ASSOC_OK)
        return rc;
    s->values[idx - 1] = p->buf;
    s->lengths[idx - 1] = (int)len;
    s->formats[idx - 1] = 0;
    return ASSOC_OK;
}

int assoc_pg_bind_blob(assoc_pg_stmt *s, int idx, const void *v, size_t len)
{
    int rc;
    struct pg_param *p = param(s, idx, &rc);
    if (!p)
        return rc;
    if (!v) {
        s->values[idx - 1] = NULL;
        return ASSOC_OK;
    }
    rc = copy_into(s->c, p, v, len);
    if (rc != ASSOC_OK)
        return rc;
    s->values[idx - 1] = p->buf;
    s->lengths[idx - 1] = (int)len;
    s->formats[idx - 1] = 1;
    return ASSOC_OK;
}

/* Execute s with its bindings: its result, or NULL with the failure
 * recorded in *rc. */
static PGresult *execute(assoc_pg_stmt *s, int *rc)
{
    assoc_pgconn *c = s->c;
    if (!s->protect || !needs_protect(c)) {
        PGresult *r = PQexecPrepared(c->conn, s->name, s->nparams, s->values, s->lengths, s->formats, 0);
        if (res_ok(r)) {
            *rc = ASSOC_OK;
            return r;
        }
        *rc = fail_result(c, r);
        PQclear(r);
        return NULL;
    }
    struct pg_op ops[3] = {
        {OP_NAMED, NULL, SP_SET_NAME, NULL, NULL},
        {OP_EXEC, NULL, NULL, s, NULL},
        {OP_NAMED, NULL, SP_RELEASE_NAME, NULL, NULL},
    };
    *rc = run_pipeline(c, ops, 3);
    if (*rc == ASSOC_OK) {
        for (int i = 0; i < 3; i++)
            if (!res_ok(ops[i].res)) {
                *rc = fail_result(c, ops[i].res);
                if (res_ok(ops[0].res))
                    *rc = undo_protected(c, *rc);
                break;
            }
    }
    PGresult *r = NULL;
    if (*rc == ASSOC_OK) {
        r = ops[1].res;
        ops[1].res = NULL;
    }
    clear_ops(ops, 3);
    return r;
}

int assoc_pg_step(assoc_pg_stmt *s)
{
    if (!s)
        return ASSOC_MISUSE;
    if (!s->res) {
        assoc_pgconn *c = s->c;
        int rc = usable(c);
        if (rc != ASSOC_OK)
            return rc;
        flush_pending(c);
        PGresult *r = execute(s, &rc);
        if (!r)
            return rc;
        note_changes(c, r);
        s->res = r;
        s->nrows = PQntuples(r);
        s->row = -1;
    }
    if (s->row + 1 < s->nrows) {
        s->row++;
        return ASSOC_ROW;
    }
    s->row = s->nrows;
    return ASSOC_OK;
}

void assoc_pg_reset(assoc_pg_stmt *s)
{
    if (!s)
        return;
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
}

int assoc_pg_column_count(const assoc_pg_stmt *s)
{
    return (s && s->res) ? PQnfields(s->res) : 0;
}

/* ---------------------------------------------------------------------
 * Columns
 * ------------------------------------------------------------------- */

static bool has_cell(const assoc_pg_stmt *s, int col)
{
    return s && s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

/* The cell (s's current row, col) as text, or NULL with *rc set: MISUSE
 * (recorded) without a cell, OK for SQL NULL. */
static const char *cell(assoc_pg_stmt *s, int col, int *len, int *rc)
{
    *rc = ASSOC_OK;
    if (!s) {
        *rc = ASSOC_MISUSE;
        return NULL;
    }
    if (!has_cell(s, col)) {
        *rc = fail(s->c, ASSOC_MISUSE, "column %d: no such column in the current row (%d columns%s)", col,
                   s->res ? PQnfields(s->res) : 0,
                   (s->res && s->row >= 0 && s->row < s->nrows) ? "" : ", and no current row");
        return NULL;
    }
    if (PQgetisnull(s->res, s->row, col))
        return NULL;
    *len = PQgetlength(s->res, s->row, col);
    return PQgetvalue(s->res, s->row, col);
}

bool assoc_pg_col_null(const assoc_pg_stmt *s, int col)
{
    return !has_cell(s, col) || PQgetisnull(s->res, s->row, col);
}

int assoc_pg_col_int64(assoc_pg_stmt *s, int col, int64_t *out)
{
    int rc, len = 0;
    if (!out)
        return s ? fail(s->c, ASSOC_MISUSE, "assoc_pg_col_int64: NULL out") : ASSOC_MISUSE;
    *out = 0;
    const char *t = cell(s, col, &len, &rc);
    if (!t)
        return rc;
    char *end = NULL;
    errno = 0;
    long long v = (len > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9'))) ? strtoll(t, &end, 10) : 0;
    if (!end || end != t + len || errno == ERANGE)
        return fail(s->c, ASSOC_ERROR, "column %d: '%.80s' is not a 64-bit integer", col, t);
    *out = (int64_t)v;
    return ASSOC_OK;
}

int assoc_pg_col_double(assoc_pg_stmt *s, int col, double *out)
{
    int rc, len = 0;
    if (!out)
        return s ? fail(s->c, ASSOC_MISUSE, "assoc_pg_col_double: NULL out") : ASSOC_MISUSE;
    *out = 0.0;
    const char *t = cell(s, col, &len, &rc);
    if (!t)
        return rc;
    char *end = NULL;
    double v = 0.0;
    /* strtod reads "NaN", "Infinity" and "-Infinity"; it may say ERANGE
     * for a denormal, which is still exact. */
    if (len > 0 && t[0] != ' ')
        v = strtod(t, &end);
    if (!end || end != t + len)
        return fail(s->c, ASSOC_ERROR, "column %d: '%.80s' is not a number", col, t);
    *out = v;
    return ASSOC_OK;
}

int assoc_pg_col_bool(assoc_pg_stmt *s, int col, bool *out)
{
    int rc, len = 0;
    if (!out)
        return s ? fail(s->c, ASSOC_MISUSE, "assoc_pg_col_bool: NULL out") : ASSOC_MISUSE;
    *out = false;
    const char *t = cell(s, col, &len, &rc);
    if (!t)
        return rc;
    if (len == 1 && (t[0] == 't' || t[0] == 'f')) {
        *out = t[0] == 't';
        return ASSOC_OK;
    }
    return fail(s->c, ASSOC_ERROR, "column %d: '%.80s' is not a boolean ('t' or 'f')", col, t);
}

const char *assoc_pg_col_text(const assoc_pg_stmt *s, int col, size_t *len)
{
    if (len)
        *len = 0;
    if (!has_cell(s, col) || PQgetisnull(s->res, s->row, col))
        return NULL;
    if (len)
        *len = (size_t)PQgetlength(s->res, s->row, col);
    return PQgetvalue(s->res, s->row, col);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int assoc_pg_col_blob(assoc_pg_stmt *s, int col, const unsigned char **data, size_t *len)
{
    static const unsigned char empty[1] = {0};
    int rc, n = 0;
    if (!data || !len)
        return s ? fail(s->c, ASSOC_MISUSE, "assoc_pg_col_blob: NULL out") : ASSOC_MISUSE;
    *data = NULL;
    *len = 0;
    const char *t = cell(s, col, &n, &rc);
    if (!t)
        return rc;
    if (PQftype(s->res, col) != BYTEA_OID) {
        *data = (const unsigned char *)t;
        *len = (size_t)n;
        return ASSOC_OK;
    }
    if (n < 2 || t[0] != '\\' || t[1] != 'x' || (n % 2) != 0)
        return fail(s->c, ASSOC_ERROR, "column %d: bytea text '%.40s' is not in hex format", col, t);
    size_t bytes = (size_t)(n - 2) / 2;
    if (bytes == 0) {
        *data = empty;
        return ASSOC_OK;
    }
    if (!s->cols) {
        int nf = PQnfields(s->res);
        s->cols = assoc_malloc((size_t)nf * sizeof *s->cols);
        if (!s->cols)
            return fail(s->c, ASSOC_NOMEM, "out of memory");
        memset(s->cols, 0, (size_t)nf * sizeof *s->cols);
        s->ncols = nf;
    }
    if (col >= s->ncols) { /* a re-execution with more columns: cannot happen, but stay safe */
        return fail(s->c, ASSOC_MISUSE, "column %d: the statement's columns changed", col);
    }
    struct pg_colbuf *b = &s->cols[col];
    if (b->cap < bytes) {
        unsigned char *p = assoc_malloc(bytes);
        if (!p)
            return fail(s->c, ASSOC_NOMEM, "out of memory");
        assoc_free(b->p);
        b->p = p;
        b->cap = bytes;
    }
    for (size_t i = 0; i < bytes; i++) {
        int hi = hexval(t[2 + 2 * i]), lo = hexval(t[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return fail(s->c, ASSOC_ERROR, "column %d: bytea text is not valid hex", col);
        b->p[i] = (unsigned char)(hi << 4 | lo);
    }
    *data = b->p;
    *len = bytes;
    return ASSOC_OK;
}

/* ---------------------------------------------------------------------
 * Datetimes: civil dates <-> days since 1970-01-01 (proleptic Gregorian)
 * ------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = era * 400 + yoe + (*m <= 2);
}

static const int64_t USEC_PER_DAY = INT64_C(86400000000);

int assoc_pg_bind_time(assoc_pg_stmt *s, int idx, assoc_time t)
{
    int rc;
    if (!param(s, idx, &rc))
        return rc;
    int64_t days = t / USEC_PER_DAY, us = t % USEC_PER_DAY;
    if (us < 0) {
        us += USEC_PER_DAY;
        days--;
    }
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999)
        return fail(s->c, ASSOC_MISUSE, "parameter $%d: time %" PRId64 " is outside years 0001-9999", idx, t);
    int64_t secs = us / 1000000;
    return bind_num(s, idx, "%04d-%02d-%02d %02d:%02d:%02d.%06d", (int)y, m, d, (int)(secs / 3600),
                    (int)(secs / 60 % 60), (int)(secs % 60), (int)(us % 1000000));
}

/* n decimal digits at t, or -1. */
static int digits(const char *t, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return -1;
        v = v * 10 + (t[i] - '0');
    }
    return v;
}

int assoc_pg_col_time(assoc_pg_stmt *s, int col, assoc_time *out)
{
    int rc, len = 0;
    if (!out)
        return s ? fail(s->c, ASSOC_MISUSE, "assoc_pg_col_time: NULL out") : ASSOC_MISUSE;
    *out = 0;
    const char *t = cell(s, col, &len, &rc);
    if (!t)
        return rc;
    /* YYYY-MM-DD HH:MM:SS[.f{1,6}] */
    bool ok = len >= 19 && t[4] == '-' && t[7] == '-' && (t[10] == ' ' || t[10] == 'T') && t[13] == ':' &&
              t[16] == ':';
    int y = ok ? digits(t, 4) : -1, mo = ok ? digits(t + 5, 2) : -1, d = ok ? digits(t + 8, 2) : -1;
    int h = ok ? digits(t + 11, 2) : -1, mi = ok ? digits(t + 14, 2) : -1, sec = ok ? digits(t + 17, 2) : -1;
    int64_t frac = 0;
    if (ok && len > 19) {
        int nf = len - 20;
        if (t[19] != '.' || nf < 1 || nf > 6 || digits(t + 20, nf) < 0) {
            ok = false;
        } else {
            frac = digits(t + 20, nf);
            for (int i = nf; i < 6; i++)
                frac *= 10;
        }
    }
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    ok = ok && y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] && h >= 0 && h <= 23 && mi >= 0 &&
         mi <= 59 && sec >= 0 && sec <= 59;
    if (ok && mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        ok = false;
    if (!ok)
        return fail(s->c, ASSOC_ERROR, "column %d: '%.60s' is not a datetime of years 0001-9999", col, t);
    int64_t days = days_from_civil(y, mo, d);
    *out = days * USEC_PER_DAY + ((int64_t)h * 3600 + mi * 60 + sec) * 1000000 + frac;
    return ASSOC_OK;
}
