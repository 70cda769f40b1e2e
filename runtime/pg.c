/* pg.c - libassoc's PostgreSQL backend over libpq: see pg.h for the contract.
 *
 * Layout: errors and their mapping; round trips (plain, and pipelines of
 * several commands for statement protection); connections; statements and
 * their parameters; datetimes; binary values (decoded, and printed as the
 * server prints them); reading columns. */
#include "pg.h"
#include "calendar.h"

#include <libpq-fe.h>
#include <libpq-events.h>

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

/* The savepoint that protects statements (pg.h): set, released, undone
 * (and kept, standing), undone and released. */
#define SP_SET "SAVEPOINT assoc_stmt"
#define SP_RELEASE "RELEASE SAVEPOINT assoc_stmt"
#define SP_UNDO_KEEP "ROLLBACK TO SAVEPOINT assoc_stmt"
#define SP_UNDO "ROLLBACK TO SAVEPOINT assoc_stmt; RELEASE SAVEPOINT assoc_stmt"
/* ... whose first two are prepared at connect under these names. */
#define SP_SET_NAME "assoc_pg_savepoint"
#define SP_RELEASE_NAME "assoc_pg_release"

enum { NAME_SIZE = 32, NUM_SIZE = 32 };

/* The types whose binary form the readers decode (PostgreSQL's pg_type
 * OIDs, fixed since 7.x).  A statement asks for binary results only when
 * every column of its result is one of these (assoc_pg_prepare), so that
 * every other type still arrives as the server's text. */
enum {
    BOOL_OID = 16,
    BYTEA_OID = 17,
    NAME_OID = 19,
    INT8_OID = 20,
    INT2_OID = 21,
    INT4_OID = 23,
    TEXT_OID = 25,
    JSON_OID = 114,
    FLOAT8_OID = 701,
    BPCHAR_OID = 1042,
    VARCHAR_OID = 1043,
    TIMESTAMP_OID = 1114,
    JSONB_OID = 3802,
};

/* Room for the text of any decoded number or timestamp: the longest are
 * "-2.2250738585072014e-308" and "294276-12-31 23:59:59.999999 BC". */
enum { CELL_TEXT_SIZE = 40 };

/* One parameter's storage: numbers are formatted into num (or, for a
 * parameter of their own type, put there in binary); text and blobs are
 * copied into buf, which grows and is reused. */
struct pg_param {
    char *buf;
    size_t cap;
    char num[NUM_SIZE];
    Oid type; /* as the server inferred it at prepare */
};

/* One column's buffer for the current row: a hex bytea decoded (text
 * results), or the text of a binary value that a reader asked for as text
 * (binary results): numbers and timestamps in text, bytea's hex in p. */
struct pg_colbuf {
    unsigned char *p;
    size_t cap;
    char text[CELL_TEXT_SIZE];
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
    int nfields;   /* res's columns (0 without res): asked of libpq once */
    Oid *types;    /* the result's column types, from the Describe at prepare */
    int ntypes;
    struct pg_colbuf *cols; /* per column, allocated when a reader first needs one */
    int ncols;
    bool protect; /* assoc_pg_stmt_set_protect(): false skips protection */
    bool binary;  /* results in binary format: every column's type decodes */
    bool reads;   /* changes nothing, by its text (reads_only()): may run under a standing savepoint */
};

/* Where libassoc's savepoint assoc_stmt stands ("Statement protection" in
 * pg.h). */
enum sp_state {
    SP_NONE,  /* none of ours is open, as far as c knows */
    SP_CLEAN, /* ours is open, the innermost savepoint, and nothing has
               * changed data since it was set: the undo point of the next
               * statement as it stands */
    SP_DIRTY, /* ours is open and the innermost, but data may have changed
               * since (a write without protection, the raw handle's work):
               * released before the next one is set */
};

struct assoc_pgconn {
    PGconn *conn;
    bool protect;
    enum sp_state sp;
    bool sp_off;        /* no standing savepoint until this transaction block ends */
    bool sp_never;      /* nor ever: the raw handle is out and cannot be watched */
    bool watched;       /* watch_raw() is registered: the raw handle has been handed out */
    bool in_lib;        /* this module is talking to the server (watch_raw() ignores it) */
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
static int pipeline_round_trip(assoc_pgconn *c, struct pg_op *ops, int nops)
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
                                     op->stmt->lengths, op->stmt->formats, op->stmt->binary ? 1 : 0);
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

static int run_pipeline(assoc_pgconn *c, struct pg_op *ops, int nops)
{
    c->in_lib = true;
    int rc = pipeline_round_trip(c, ops, nops);
    c->in_lib = false;
    return rc;
}

/* PQexec of this module's own. */
static PGresult *lib_exec(assoc_pgconn *c, const char *sql)
{
    c->in_lib = true;
    PGresult *r = PQexec(c->conn, sql);
    c->in_lib = false;
    return r;
}

static void clear_ops(struct pg_op *ops, int nops)
{
    for (int i = 0; i < nops; i++) {
        PQclear(ops[i].res);
        ops[i].res = NULL;
    }
}

/* ---------------------------------------------------------------------
 * Statement protection (pg.h): the savepoint, and when it may stand
 *
 * A savepoint is a valid undo point for a statement as long as nothing
 * has changed data since it was set: rolling back to it then undoes that
 * statement and nothing else.  So one savepoint, set before a read, serves
 * every read after it ("standing"), and the first write after them too: a
 * statement that fails rolls back to it, and it stays, a valid undo point
 * again.  A write that succeeds ends that (its RELEASE goes in its own
 * round trip): the next statement sets a new one.  c->sp says where ours
 * stands.  Ours is always the innermost savepoint while it stands, so that
 * rolling back to it never reaches past a savepoint of anyone else's:
 *   - assoc_pg_exec() releases it first (in the same round trip) unless the
 *     script begins by ending it anyway (COMMIT, ROLLBACK, RELEASE, ...):
 *     libassoc's own levels and sections (BEGIN, SAVEPOINT, RELEASE,
 *     ROLLBACK TO) and every script of the caller's go through there;
 *   - the raw handle: once assoc_pg_conn() has handed it out, watch_raw()
 *     sees every result libpq makes for a command that this module did not
 *     send: after a query or a data-changing command ours is still the
 *     innermost but no longer a valid undo point (SP_DIRTY, released before
 *     the next one is set); after anything else (a savepoint, a transaction
 *     command, a failure, DDL) c no longer knows where ours is, forgets it
 *     and sets no standing savepoint until the transaction block ends
 *     (sp_off): each statement is then protected alone, as below.  At most
 *     one savepoint of ours is so forgotten per transaction block, open
 *     under the caller's until the block ends or one of the caller's outer
 *     savepoints is released or rolled back to.  libpq's fast path (PQfn,
 *     and the large-object functions built on it) makes no result that
 *     watch_raw() could see: a caller who writes through it inside a
 *     transaction block calls assoc_pg_conn() (assoc_pg()) first, which
 *     takes ours as no longer a valid undo point;
 *   - a failed transaction (INERROR), a finished one (IDLE) or a lost
 *     connection: nothing of ours is left to use (sp_sync()).
 * Which statements only read is decided from their text at prepare
 * (reads_only()). */

/* Bring c->sp in line with the transaction's state as libpq last saw it:
 * outside a transaction block, or in a failed one, no savepoint of ours
 * can serve (a failed block is rolled back, or back to a savepoint that
 * ours is inside); once the block has ended, savepoints may stand again. */
static void sp_sync(assoc_pgconn *c)
{
    PGTransactionStatusType t = c->conn ? PQtransactionStatus(c->conn) : PQTRANS_UNKNOWN;
    if (t != PQTRANS_INTRANS) {
        c->sp = SP_NONE;
        if (t == PQTRANS_IDLE)
            c->sp_off = false;
    }
}

/* May the savepoint set for a statement that only reads stay standing? */
static bool may_stand(const assoc_pgconn *c)
{
    return !c->sp_off && !c->sp_never;
}

/* Does c need the protection of a savepoint for its next statement? */
static bool needs_protect(const assoc_pgconn *c)
{
    return c->protect && PQtransactionStatus(c->conn) == PQTRANS_INTRANS;
}

/* Undo a protected statement that failed: back to the savepoint, which
 * stays as the standing one (a valid undo point again: nothing since it
 * changed data any more), or goes when savepoints may not stand.  The
 * failure's message and code stay; a failure to undo is added. */
static int undo_protected(assoc_pgconn *c, int rc)
{
    c->sp = SP_NONE;
    if (c->dead || PQstatus(c->conn) != CONNECTION_OK)
        return rc;
    bool keep = may_stand(c);
    PGresult *r = lib_exec(c, keep ? SP_UNDO_KEEP : SP_UNDO);
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
    } else if (keep) {
        c->sp = SP_CLEAN;
    }
    PQclear(r);
    return rc;
}

/* Does the command of res (made for a command this module did not send)
 * leave the savepoints as they were?  A query's or a data-changing
 * command's result does (and one without a command: a prepare, a
 * describe, a pipeline's sync); a failure, a savepoint or transaction
 * command, DDL and anything unknown are taken as not. */
static bool keeps_savepoints(PGresult *res)
{
    switch (PQresultStatus(res)) {
    case PGRES_EMPTY_QUERY:
    case PGRES_PIPELINE_SYNC:
        return true;
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_SINGLE_TUPLE:
    case PGRES_COPY_OUT:
    case PGRES_COPY_IN:
    case PGRES_COPY_BOTH:
        break;
    default:
        return false;
    }
    const char *tag = PQcmdStatus(res);
    if (!tag || !*tag)
        return true;
    static const char *const words[] = {"SELECT ", "INSERT ", "UPDATE ", "DELETE ",
                                        "MERGE ",  "COPY ",   "FETCH ",  "MOVE "};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(tag, words[i], strlen(words[i])) == 0)
            return true;
    return false;
}

/* libpq's event procedure, registered when the raw handle is handed out
 * (assoc_pg_conn()): see above. */
static int watch_raw(PGEventId id, void *info, void *arg)
{
    assoc_pgconn *c = arg;
    if (c->in_lib)
        return 1;
    if (id == PGEVT_RESULTCREATE) {
        const PGEventResultCreate *e = info;
        if (c->sp != SP_NONE) {
            if (keeps_savepoints(e->result)) {
                c->sp = SP_DIRTY;
            } else {
                c->sp = SP_NONE;
                c->sp_off = true;
            }
        }
    } else if (id == PGEVT_CONNRESET) {
        c->sp = SP_NONE;
    }
    return 1;
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
        PQclear(lib_exec(c, sql)); /* best effort */
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
    PGresult *r = lib_exec(c, session_setup);
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
    assoc_free(s->types);
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

/* Handing the raw handle out: from now on what the caller runs through it
 * is watched (watch_raw()), and what it may have run so far does not
 * matter (ours was the innermost and is taken as no longer a valid undo
 * point: a caller about to use libpq's fast path, which watch_raw() does
 * not see, calls this first).  If the watch cannot be registered (out of
 * memory), no savepoint of ours stands from now on, and the one that may
 * stand now is forgotten: the caller may set savepoints of its own above it
 * before the next statement. */
PGconn *assoc_pg_conn(assoc_pgconn *c)
{
    if (!c)
        return NULL;
    if (c->conn && !c->watched && !c->sp_never) {
        if (PQregisterEventProc(c->conn, watch_raw, "libassoc", c)) {
            c->watched = true;
        } else {
            c->sp_never = true;
            c->sp = SP_NONE;
        }
    }
    if (c->sp == SP_CLEAN)
        c->sp = SP_DIRTY;
    return c->conn;
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

/* Is the first keyword of sql one of `words` (lower case, nw of them)? */
static bool first_word_in(const char *sql, const char *const *words, size_t nw)
{
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r' || *sql == '(')
        sql++;
    for (size_t w = 0; w < nw; w++) {
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

/* Is the first keyword of sql COMMIT or END? */
static bool is_commit(const char *sql)
{
    static const char *const words[] = {"commit", "end"};
    return first_word_in(sql, words, 2);
}

/* Does sql begin by ending, or releasing or rolling back past, every
 * savepoint of ours (which is always the innermost)? */
static bool ends_ours(const char *sql)
{
    static const char *const words[] = {"commit", "end", "rollback", "abort", "release"};
    return first_word_in(sql, words, 5);
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
    /* A savepoint of ours standing: released first, in the same round trip
     * (the script may set savepoints of its own, or change data, after
     * which ours could not serve). */
    sp_sync(c);
    bool release = c->sp != SP_NONE && !ends_ours(sql);
    c->sp = SP_NONE;
    char *script = NULL;
    if (release) {
        static const char prefix[] = SP_RELEASE "; ";
        size_t n = strlen(sql);
        script = assoc_malloc(sizeof prefix + n);
        if (script) {
            memcpy(script, prefix, sizeof prefix - 1);
            memcpy(script + sizeof prefix - 1, sql, n + 1);
        } else {
            PGresult *r = lib_exec(c, SP_RELEASE);
            rc = res_ok(r) ? ASSOC_OK : fail_result(c, r);
            PQclear(r);
            if (rc != ASSOC_OK)
                return rc;
        }
    }
    c->in_lib = true;
    int sent = PQsendQuery(c->conn, script ? script : sql);
    assoc_free(script);
    if (!sent) {
        c->in_lib = false;
        return fail_result(c, NULL);
    }
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
    c->in_lib = false;
    if (!failed && PQstatus(c->conn) != CONNECTION_OK)
        rc = fail_result(c, NULL);
    else if (!failed && commit_rolled_back)
        rc = fail(c, ASSOC_ERROR,
                  "COMMIT failed: an earlier failure had aborted the transaction, which was rolled back");
    return rc;
}

/* ---------------------------------------------------------------------
 * Which statements only read
 * ------------------------------------------------------------------- */

/* Does the word of n bytes at w equal upper (an upper-case ASCII word),
 * ignoring case? */
static bool word_is(const char *w, size_t n, const char *upper)
{
    size_t i = 0;
    for (; i < n && upper[i]; i++) {
        char ch = w[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch != upper[i])
            return false;
    }
    return i == n && upper[i] == '\0';
}

static bool word_in(const char *w, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (word_is(w, n, *list))
            return true;
    return false;
}

static bool ident_start(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || (unsigned char)ch >= 0x80;
}

static bool ident_char(char ch)
{
    return ident_start(ch) || (ch >= '0' && ch <= '9') || ch == '$';
}

/* Past white space and comments (nested block comments as PostgreSQL
 * reads them); NULL for a block comment without its end. */
static const char *skip_blank(const char *p)
{
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            int depth = 0;
            do {
                if (p[0] == '/' && p[1] == '*') {
                    depth++;
                    p += 2;
                } else if (p[0] == '*' && p[1] == '/') {
                    depth--;
                    p += 2;
                } else if (*p) {
                    p++;
                } else {
                    return NULL;
                }
            } while (depth > 0);
        } else {
            return p;
        }
    }
}

/* Past a quoted string or name that starts at p (its quote q, doubled
 * inside; a backslash escapes the next byte in an E'' string); NULL when
 * it does not end. */
static const char *skip_quoted(const char *p, char q, bool backslash)
{
    for (p++;; p++) {
        if (*p == '\0')
            return NULL;
        if (backslash && *p == '\\' && p[1]) {
            p++;
        } else if (*p == q) {
            if (p[1] != q)
                return p + 1;
            p++;
        }
    }
}

/* Whether the statement `sql` changes nothing, by its text alone: then the
 * savepoint it runs under may stand for the statements after it (see
 * "Statement protection" above).  The rule, which anything it does not
 * recognise fails (a savepoint per statement then: slower, never wrong):
 *   - the first word is SELECT, WITH, VALUES or TABLE;
 *   - none of INSERT, UPDATE, DELETE, MERGE (a data-modifying WITH), INTO
 *     (SELECT INTO makes a table) or SHARE (with UPDATE: the locking
 *     clauses FOR UPDATE, FOR SHARE, ...: their row locks would go with
 *     the savepoint if a later statement rolled back to it) appears as a
 *     word outside literals, quoted names and comments;
 *   - every name followed by "(" is a keyword or one of the built-in
 *     functions of `calls`, which change nothing, or a type's modifier
 *     (after "::"), or the name of a WITH query (before the statement's
 *     main SELECT); any other function may write, lock or set (nextval,
 *     set_config, pg_advisory_xact_lock, a function of the user's), as may
 *     one whose name is quoted or qualified by a schema;
 *   - one statement (nothing after a ';').
 * What the text does not show: a view, a row security policy or an
 * operator whose function writes.  libassoc's generated SQL reads tables
 * and calls none. */
static bool reads_only(const char *sql)
{
    static const char *const first_words[] = {"SELECT", "WITH", "VALUES", "TABLE", NULL};
    static const char *const writes[] = {"INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "SHARE", NULL};
    static const char *const main_words[] = {"SELECT", "VALUES", "TABLE", NULL};
    static const char *const calls[] = {
        /* keywords a "(" may follow */
        "ALL", "AND", "ANY", "ARRAY", "AS", "BETWEEN", "BY", "CASE", "CAST", "DISTINCT", "ELSE", "EXCEPT",
        "EXISTS", "FILTER", "FROM", "HAVING", "ILIKE", "IN", "INTERSECT", "IS", "JOIN", "LATERAL", "LIKE",
        "LIMIT", "MATERIALIZED", "NOT", "OFFSET", "ON", "OR", "OVER", "ROW", "SELECT", "SOME", "THEN",
        "UNION", "USING", "VALUES", "WHEN", "WHERE", "WITHIN",
        /* built-in functions that change nothing */
        "ABS", "ARRAY_AGG", "AVG", "BOOL_AND", "BOOL_OR", "CHAR_LENGTH", "COALESCE", "CONCAT", "COUNT",
        "DENSE_RANK", "EVERY", "EXTRACT", "GREATEST", "LEAST", "LENGTH", "LOWER", "MAX", "MIN", "NULLIF",
        "OCTET_LENGTH", "POSITION", "RANK", "ROUND", "ROW_NUMBER", "STRING_AGG", "SUBSTR", "SUBSTRING", "SUM",
        "TRIM", "UPPER", NULL};
    const char *p = sql;
    bool first = true, in_with = false, after_cast = false, after_dot = false, ended = false;
    int depth = 0;
    for (;;) {
        p = skip_blank(p);
        if (!p)
            return false;
        char ch = *p;
        if (ch == '\0')
            break;
        if (ended)
            return false;
        bool cast = false, dot = false;
        if (ch == ';') {
            ended = true;
            p++;
        } else if (ch == '\'') {
            p = skip_quoted(p, '\'', false);
        } else if (ch == '"') {
            p = skip_quoted(p, '"', false);
            const char *q = p ? skip_blank(p) : NULL;
            if (!q || *q == '(' || first)
                return false;
        } else if (ch == '$') {
            if (p[1] >= '0' && p[1] <= '9') { /* a parameter */
                p++;
                while (*p >= '0' && *p <= '9')
                    p++;
            } else { /* a dollar-quoted string: $tag$ ... $tag$ */
                const char *t = p + 1;
                if (ident_start(*t))
                    while (ident_char(*t) && *t != '$')
                        t++;
                if (*t != '$')
                    return false;
                size_t n = (size_t)(t + 1 - p);
                const char *end = strstr(t + 1, "$");
                while (end && strncmp(end, p, n) != 0)
                    end = strstr(end + 1, "$");
                if (!end)
                    return false;
                p = end + n;
            }
        } else if (ident_start(ch)) {
            const char *w = p;
            while (ident_char(*p))
                p++;
            size_t n = (size_t)(p - w);
            if (n == 1 && (ch == 'E' || ch == 'e') && *p == '\'') {
                p = skip_quoted(p, '\'', true);
            } else {
                if (first) {
                    if (!word_in(w, n, first_words))
                        return false;
                    in_with = word_is(w, n, "WITH");
                    first = false;
                } else if (word_in(w, n, writes)) {
                    return false;
                } else if (in_with && depth == 0 && word_in(w, n, main_words)) {
                    in_with = false;
                }
                const char *q = skip_blank(p);
                if (!q)
                    return false;
                if (*q == '(' && !after_cast && !(in_with && depth == 0) &&
                    (after_dot || !word_in(w, n, calls)))
                    return false;
            }
        } else if (ch >= '0' && ch <= '9') {
            while (ident_char(*p) || *p == '.')
                p++;
        } else {
            if (ch == ':' && p[1] == ':') {
                cast = true;
                p++;
            } else if (ch == '.') {
                dot = true;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            }
            p++;
        }
        if (!p)
            return false;
        after_cast = cast;
        after_dot = dot;
    }
    return !first;
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
    PQclear(lib_exec(c, sql));
}

/* Whether the readers decode a column of this type from binary. */
static bool decodes_binary(Oid type)
{
    switch (type) {
    case BOOL_OID:
    case BYTEA_OID:
    case NAME_OID:
    case INT8_OID:
    case INT2_OID:
    case INT4_OID:
    case TEXT_OID:
    case JSON_OID:
    case FLOAT8_OID:
    case BPCHAR_OID:
    case VARCHAR_OID:
    case TIMESTAMP_OID:
    case JSONB_OID:
        return true;
    default:
        return false;
    }
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
    s->reads = reads_only(sql);

    /* Preparing changes no data: protected (a statement that does not
     * parse, or names a table that does not exist, would abort the
     * transaction), its savepoint stays standing where savepoints may. */
    sp_sync(c);
    bool protect = needs_protect(c);
    struct pg_op ops[5];
    int n = 0, set = -1;
    if (protect && c->sp == SP_DIRTY)
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_RELEASE_NAME, NULL, NULL};
    if (protect && c->sp != SP_CLEAN) {
        set = n;
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_SET_NAME, NULL, NULL};
    }
    bool placed = protect && set < 0; /* ours stands already */
    int prep = n;
    ops[n++] = (struct pg_op){OP_PREPARE, sql, s->name, NULL, NULL};
    ops[n++] = (struct pg_op){OP_DESCRIBE, NULL, s->name, NULL, NULL};
    bool keep = protect && may_stand(c);
    if (protect && !keep)
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_RELEASE_NAME, NULL, NULL};
    if (protect)
        c->sp = SP_NONE; /* until the results say otherwise */
    rc = run_pipeline(c, ops, n);
    if (rc == ASSOC_OK) {
        for (int i = 0; i < n; i++)
            if (!res_ok(ops[i].res) || PQresultStatus(ops[i].res) == PGRES_PIPELINE_ABORTED) {
                rc = fail_result(c, ops[i].res);
                break;
            }
        if (set >= 0 && res_ok(ops[set].res))
            placed = true;
        if (rc != ASSOC_OK && placed)
            rc = undo_protected(c, rc);
        else if (rc == ASSOC_OK && keep)
            c->sp = SP_CLEAN;
    }
    if (rc != ASSOC_OK) {
        bool prepared = res_ok(ops[prep].res);
        clear_ops(ops, n);
        if (prepared) /* ROLLBACK TO does not undo a PREPARE */
            deallocate(c, s->name);
        assoc_free(s);
        return rc;
    }
    const PGresult *desc = ops[prep + 1].res;
    int np = PQnparams(desc), nf = PQnfields(desc);
    /* Binary results save the client parsing every number and timestamp
     * from text, but libpq takes one format for the whole row: only when
     * the readers decode every column's type (a statement's result types
     * never change: the server refuses to run it after a schema change
     * that would). */
    s->binary = nf > 0;
    for (int i = 0; i < nf && s->binary; i++)
        s->binary = decodes_binary(PQftype(desc, i));
    /* The readers look a cell's type up for every cell: kept here rather
     * than asked of libpq each time. */
    if (nf > 0) {
        s->types = assoc_malloc((size_t)nf * sizeof *s->types);
        if (!s->types) {
            clear_ops(ops, n);
            deallocate(c, s->name);
            stmt_free(s);
            return fail(c, ASSOC_NOMEM, "out of memory");
        }
        for (int i = 0; i < nf; i++)
            s->types[i] = PQftype(desc, i);
        s->ntypes = nf;
    }

    if (np > 0) {
        size_t un = (size_t)np;
        s->values = assoc_malloc(un * sizeof *s->values);
        s->lengths = assoc_malloc(un * sizeof *s->lengths);
        s->formats = assoc_malloc(un * sizeof *s->formats);
        s->params = assoc_malloc(un * sizeof *s->params);
        if (!s->values || !s->lengths || !s->formats || !s->params) {
            clear_ops(ops, n);
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
            s->params[i].type = PQparamtype(desc, i);
        }
    }
    clear_ops(ops, n);
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

/* A parameter of the value's own type (bigint, double precision,
 * boolean) gets the value in binary: the same value as its text gives
 * there, without printing it here and parsing it on the server.  Any other
 * parameter type (integer, numeric, text, ...) gets the text, which the
 * server converts or refuses as it always did.  n bytes at v, network byte
 * order. */
static int bind_binary(assoc_pg_stmt *s, int idx, struct pg_param *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p->num[i] = (char)(unsigned char)(v >> (8 * (n - 1 - i)));
    s->values[idx - 1] = p->num;
    s->lengths[idx - 1] = n;
    s->formats[idx - 1] = 1;
    return ASSOC_OK;
}

int assoc_pg_bind_int64(assoc_pg_stmt *s, int idx, int64_t v)
{
    int rc;
    struct pg_param *p = param(s, idx, &rc);
    if (!p)
        return rc;
    if (p->type == INT8_OID)
        return bind_binary(s, idx, p, (uint64_t)v, 8);
    return bind_num(s, idx, "%" PRId64, v);
}

int assoc_pg_bind_double(assoc_pg_stmt *s, int idx, double v)
{
    int rc;
    struct pg_param *p = param(s, idx, &rc);
    if (!p)
        return rc;
    if (p->type == FLOAT8_OID) {
        /* Every NaN as the server's own (its float8in gives that one for
         * "NaN"), so that the stored bits do not depend on the format. */
        double d = isnan(v) ? (double)NAN : v;
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return bind_binary(s, idx, p, bits, 8);
    }
    if (isnan(v))
        return bind_num(s, idx, "%s", "NaN");
    if (isinf(v))
        return bind_num(s, idx, "%s", v > 0 ? "Infinity" : "-Infinity");
    return bind_num(s, idx, "%.17g", v);
}

int assoc_pg_bind_bool(assoc_pg_stmt *s, int idx, bool v)
{
    int rc;
    struct pg_param *p = param(s, idx, &rc);
    if (!p)
        return rc;
    if (p->type == BOOL_OID)
        return bind_binary(s, idx, p, v ? 1 : 0, 1);
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
 * recorded in *rc.  Protected, in one round trip: the standing savepoint
 * released first if it is no longer a valid undo point (SP_DIRTY), a new
 * one set unless one stands (SP_CLEAN), the statement, and, after a
 * statement that may change data or where savepoints may not stand, the
 * savepoint's RELEASE; a statement that only reads leaves it standing. */
static PGresult *execute(assoc_pg_stmt *s, int *rc)
{
    assoc_pgconn *c = s->c;
    sp_sync(c);
    if (!s->protect || !needs_protect(c)) {
        c->in_lib = true;
        PGresult *r =
            PQexecPrepared(c->conn, s->name, s->nparams, s->values, s->lengths, s->formats, s->binary ? 1 : 0);
        c->in_lib = false;
        if (res_ok(r)) {
            if (!s->reads && c->sp == SP_CLEAN)
                c->sp = SP_DIRTY; /* it may have changed data since ours was set */
            *rc = ASSOC_OK;
            return r;
        }
        *rc = fail_result(c, r);
        PQclear(r);
        return NULL;
    }
    struct pg_op ops[4];
    int n = 0, set = -1;
    if (c->sp == SP_DIRTY)
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_RELEASE_NAME, NULL, NULL};
    if (c->sp != SP_CLEAN) {
        set = n;
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_SET_NAME, NULL, NULL};
    }
    bool placed = set < 0; /* ours stands already */
    int ex = n;
    ops[n++] = (struct pg_op){OP_EXEC, NULL, NULL, s, NULL};
    bool keep = s->reads && may_stand(c);
    if (!keep)
        ops[n++] = (struct pg_op){OP_NAMED, NULL, SP_RELEASE_NAME, NULL, NULL};
    c->sp = SP_NONE; /* until the results say otherwise */
    *rc = run_pipeline(c, ops, n);
    if (*rc == ASSOC_OK) {
        for (int i = 0; i < n; i++)
            if (!res_ok(ops[i].res)) {
                *rc = fail_result(c, ops[i].res);
                if (set >= 0 && res_ok(ops[set].res))
                    placed = true;
                if (placed)
                    *rc = undo_protected(c, *rc);
                break;
            }
        if (*rc == ASSOC_OK && keep)
            c->sp = SP_CLEAN;
    }
    PGresult *r = NULL;
    if (*rc == ASSOC_OK) {
        r = ops[ex].res;
        ops[ex].res = NULL;
    }
    clear_ops(ops, n);
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
        s->nfields = PQnfields(r);
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
    s->nfields = 0;
}

bool assoc_pg_binary_results(const assoc_pg_stmt *s)
{
    return s && s->binary;
}

bool assoc_pg_stmt_reads_only(const assoc_pg_stmt *s)
{
    return s && s->reads;
}

int assoc_pg_column_count(const assoc_pg_stmt *s)
{
    return s ? s->nfields : 0;
}

/* ---------------------------------------------------------------------
 * Datetimes: the calendar assocgen and libassoc share (calendar.h)
 * ------------------------------------------------------------------- */

static const int64_t USEC_PER_DAY = INT64_C(86400000000);

/* Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01, where
 * a binary TIMESTAMP counts from. */
static const int64_t PG_EPOCH_US = INT64_C(946684800000000);

int assoc_pg_bind_time(assoc_pg_stmt *s, int idx, assoc_time t)
{
    int rc;
    struct pg_param *p = param(s, idx, &rc);
    if (!p)
        return rc;
    /* A TIMESTAMP parameter gets the value in binary: the same value as
     * its text gives (microseconds, no time zone), without printing it
     * here and parsing it on the server. */
    if (p->type == TIMESTAMP_OID && t >= CAL_TIME_MIN && t <= CAL_TIME_MAX)
        return bind_binary(s, idx, p, (uint64_t)(t - PG_EPOCH_US), 8);
    /* Any other parameter type: the text SQLite's binds give. */
    char text[CAL_TEXT_SIZE];
    if (!assoc_cal_format(t, text))
        return fail(s->c, ASSOC_MISUSE, "parameter $%d: time %" PRId64 " is outside years 0001-9999", idx, t);
    return bind_num(s, idx, "%s", text);
}

/* ---------------------------------------------------------------------
 * Binary values: their decoding, and their text as the server prints it
 * ------------------------------------------------------------------- */

/* Years 0001-9999 (assoc_time's range) in PostgreSQL's count: from
 * 0001-01-01 00:00:00 to 9999-12-31 23:59:59.999999. */
static const int64_t PG_TIME_MIN = INT64_C(-62135596800000000) - INT64_C(946684800000000);
static const int64_t PG_TIME_MAX = INT64_C(253402300799999999) - INT64_C(946684800000000);

/* Network byte order, as the binary format sends every number. */
static uint64_t be64(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint64_t)u[0] << 56 | (uint64_t)u[1] << 48 | (uint64_t)u[2] << 40 | (uint64_t)u[3] << 32 |
           (uint64_t)u[4] << 24 | (uint64_t)u[5] << 16 | (uint64_t)u[6] << 8 | (uint64_t)u[7];
}

static uint32_t be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | (uint32_t)u[3];
}

/* The two's complement patterns as signed values (a cast of a value
 * above the signed maximum is implementation-defined; a copy is not). */
static int64_t i64_of(uint64_t u)
{
    int64_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static int32_t i32_of(uint32_t u)
{
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* A binary int2, int4 or int8 cell (len bytes at v of a column of type
 * `type`): true and *out its value; false for any other type or a length
 * that does not fit the type. */
static bool binary_int(Oid type, const char *v, int len, int64_t *out)
{
    switch (type) {
    case INT8_OID:
        if (len != 8)
            return false;
        *out = i64_of(be64(v));
        return true;
    case INT4_OID:
        if (len != 4)
            return false;
        *out = i32_of(be32(v));
        return true;
    case INT2_OID:
        if (len != 2)
            return false;
    {
        uint16_t u = (uint16_t)((unsigned char)v[0] << 8 | (unsigned char)v[1]);
        int16_t w;
        memcpy(&w, &u, sizeof w);
        *out = w;
        return true;
    }
    default:
        return false;
    }
}

/* A binary TIMESTAMP cell: true and *out its microseconds since
 * 2000-01-01 (infinity and -infinity are INT64_MAX and INT64_MIN). */
static bool binary_timestamp(Oid type, const char *v, int len, int64_t *out)
{
    if (type != TIMESTAMP_OID || len != 8)
        return false;
    *out = i64_of(be64(v));
    return true;
}

/* Whether m * 10^k lies exactly halfway between the positive double v
 * and a neighbour.  Both sides as an odd number times a power of two:
 * v = n * 2^t, its midpoints (2n - 1) * 2^(t-1) and (2n + 1) * 2^(t-1),
 * or (4n - 1) * 2^(t-2) below a power of two (whose lower neighbour is
 * closer). */
static bool on_midpoint(double v, uint64_t m, int k)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int be = (int)(bits >> 52 & 0x7ff);
    uint64_t n = bits & ((UINT64_C(1) << 52) - 1);
    int t = -1074;
    if (be > 0) {
        n |= UINT64_C(1) << 52;
        t = be - 1075;
    }
    if (m == 0)
        return false;
    /* m * 10^k = odd * 2^e: the twos out first, so that trailing zeros
     * do not overflow the odd part. */
    int e = k;
    while (m % 2 == 0) {
        m /= 2;
        e++;
    }
    for (; k < 0; k++) {
        if (m % 5 != 0)
            return false; /* not a dyadic rational: no midpoint */
        m /= 5;
    }
    for (; k > 0; k--) {
        if (m > UINT64_MAX / 5)
            return false; /* more than 64 bits: midpoints have at most 55 */
        m *= 5;
    }
    if (e == t - 1 && (m == 2 * n - 1 || m == 2 * n + 1))
        return true;
    return n == UINT64_C(1) << 52 && be > 1 && e == t - 2 && m == 4 * n - 1;
}

/* float8out with extra_float_digits > 0 (PostgreSQL 12 and later, Ryu):
 * the shortest decimal strictly inside v's rounding interval -- among
 * those of that length the one nearest v -- in fixed notation for a
 * decimal exponent in [-4, 15) and as d.ddde+XX otherwise; NaN, Infinity,
 * -Infinity, 0 and -0 by name.  "Strictly": PostgreSQL's Ryu never takes a
 * decimal that lies exactly halfway to a neighbour, though strtod reads it
 * back as v when v's mantissa is even (1e23 prints 9.999999999999999e+22).
 * out: CELL_TEXT_SIZE bytes.  Returns the length.  Only text readers of a
 * DOUBLE PRECISION column get here, so it may take several snprintf. */
static int double_text(double v, char *out)
{
    if (isnan(v))
        return snprintf(out, CELL_TEXT_SIZE, "NaN");
    if (isinf(v))
        return snprintf(out, CELL_TEXT_SIZE, "%s", v > 0 ? "Infinity" : "-Infinity");
    if (v == 0)
        return snprintf(out, CELL_TEXT_SIZE, "%s", signbit(v) ? "-0" : "0");

    /* The digits (no point, no trailing zeros) and the decimal exponent of
     * the first.  glibc's %e rounds correctly, so the p-digit decimal
     * nearest v is the first candidate; when it lies below v and is
     * outside, the next one up may still be inside (the interval of a
     * power of two is narrower below), and is what Ryu picks. */
    double a = fabs(v);
    char e[40], digs[24];
    int exp10 = 0, nd = 0;
    for (int p = 1; p <= 17 && nd == 0; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, a);
        const char *x = strchr(e, 'e');
        exp10 = atoi(x + 1);
        uint64_t m = 0;
        for (const char *q = e; q < x; q++)
            if (*q >= '0' && *q <= '9') /* the point is the locale's */
                m = m * 10 + (uint64_t)(*q - '0');
        double back = strtod(e, NULL);
        if (back != a || on_midpoint(a, m, exp10 - (p - 1))) {
            if (back > a) /* above v and outside: the next one up is farther */
                continue;
            char up[40];
            snprintf(up, sizeof up, "%" PRIu64 "e%d", m + 1, exp10 - (p - 1));
            if (strtod(up, NULL) != a || on_midpoint(a, m + 1, exp10 - (p - 1)))
                continue;
            m++;
        }
        nd = snprintf(digs, sizeof digs, "%" PRIu64, m);
        if (nd > p) /* 99..9 + 1: one more digit, one more power of ten */
            exp10++;
        while (nd > 1 && digs[nd - 1] == '0')
            nd--;
        digs[nd] = '\0';
    }
    if (nd == 0) /* cannot happen: 17 digits always read back */
        return snprintf(out, CELL_TEXT_SIZE, "%.17g", v);

    char *w = out;
    if (v < 0)
        *w++ = '-';
    if (exp10 >= -4 && exp10 < 15) {
        if (exp10 < 0) {
            *w++ = '0';
            *w++ = '.';
            for (int i = -1; i > exp10; i--)
                *w++ = '0';
            memcpy(w, digs, (size_t)nd);
            w += nd;
        } else {
            for (int i = 0; i < nd || i <= exp10; i++) {
                if (i == exp10 + 1)
                    *w++ = '.';
                *w++ = i < nd ? digs[i] : '0';
            }
        }
        *w = '\0';
        return (int)(w - out);
    }
    *w++ = digs[0];
    if (nd > 1) {
        *w++ = '.';
        memcpy(w, digs + 1, (size_t)nd - 1);
        w += nd - 1;
    }
    return (int)(w - out) + snprintf(w, CELL_TEXT_SIZE - (size_t)(w - out), "e%c%02d", exp10 < 0 ? '-' : '+',
                                     exp10 < 0 ? -exp10 : exp10);
}

/* A TIMESTAMP WITHOUT TIME ZONE (microseconds since 2000-01-01) as the
 * server prints it in DateStyle ISO: YYYY-MM-DD HH:MM:SS, a fraction
 * without its trailing zeros, years past 9999 in as many digits as they
 * take, " BC" after the years before 1, infinity and -infinity by name.
 * out: CELL_TEXT_SIZE bytes.  Returns the length. */
static int timestamp_text(int64_t pg_us, char *out)
{
    if (pg_us == INT64_MAX)
        return snprintf(out, CELL_TEXT_SIZE, "infinity");
    if (pg_us == INT64_MIN)
        return snprintf(out, CELL_TEXT_SIZE, "-infinity");
    int64_t days = pg_us / USEC_PER_DAY, us = pg_us % USEC_PER_DAY;
    if (us < 0) {
        us += USEC_PER_DAY;
        days--;
    }
    int64_t y;
    int m, d;
    assoc_cal_civil_from_days(days + PG_EPOCH_US / USEC_PER_DAY, &y, &m, &d);
    int64_t secs = us / 1000000;
    int frac = (int)(us % 1000000);
    int n = snprintf(out, CELL_TEXT_SIZE, "%04" PRId64 "-%02d-%02d %02d:%02d:%02d", y > 0 ? y : 1 - y, m, d,
                     (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (frac != 0) {
        n += snprintf(out + n, CELL_TEXT_SIZE - (size_t)n, ".%06d", frac);
        while (out[n - 1] == '0')
            n--;
        out[n] = '\0';
    }
    if (y <= 0)
        n += snprintf(out + n, CELL_TEXT_SIZE - (size_t)n, " BC");
    return n;
}

/* ---------------------------------------------------------------------
 * Columns
 * ------------------------------------------------------------------- */

/* Column col's type (col valid). */
static Oid col_type(const assoc_pg_stmt *s, int col)
{
    return col < s->ntypes ? s->types[col] : PQftype(s->res, col);
}

static bool has_cell(const assoc_pg_stmt *s, int col)
{
    return s && s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < s->nfields;
}

/* The cell (s's current row, col) as it came (text, or binary when
 * s->binary), or NULL with *rc set: MISUSE (recorded) without a cell, OK
 * for SQL NULL. */
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

/* Column col's buffer (s->cols made on first use, one per column), or
 * NULL (recorded). */
static struct pg_colbuf *colbuf(assoc_pg_stmt *s, int col)
{
    if (!s->cols) {
        int nf = PQnfields(s->res);
        s->cols = assoc_malloc((size_t)nf * sizeof *s->cols);
        if (!s->cols) {
            fail(s->c, ASSOC_NOMEM, "out of memory");
            return NULL;
        }
        memset(s->cols, 0, (size_t)nf * sizeof *s->cols);
        s->ncols = nf;
    }
    if (col >= s->ncols) { /* a re-execution with more columns: cannot happen, but stay safe */
        fail(s->c, ASSOC_MISUSE, "column %d: the statement's columns changed", col);
        return NULL;
    }
    return &s->cols[col];
}

/* At least n bytes in b->p, or ASSOC_NOMEM (recorded); the old bytes are
 * not kept. */
static int colbuf_reserve(assoc_pg_stmt *s, struct pg_colbuf *b, size_t n)
{
    if (b->cap >= n)
        return ASSOC_OK;
    unsigned char *p = assoc_malloc(n);
    if (!p)
        return fail(s->c, ASSOC_NOMEM, "out of memory");
    assoc_free(b->p);
    b->p = p;
    b->cap = n;
    return ASSOC_OK;
}

/* The cell's text, as the server sends it in text format: a text-format
 * result's bytes, and the bytes of a binary text, varchar, char, name or
 * json as they are (the same in both formats); jsonb without its version
 * byte; a binary number, boolean, timestamp or bytea printed as the
 * session's settings print it (pg.h: extra_float_digits 3, DateStyle ISO,
 * bytea_output hex) into the column's buffer.  So every reader that works
 * on text reads what it read before binary results.  OUT: *text
 * (NUL-terminated; NULL for SQL NULL and on failure), *len.  ASSOC_NOMEM,
 * ASSOC_MISUSE without a cell, ASSOC_ERROR for a binary value that is not
 * its type's (never from a working server). */
static int cell_text(assoc_pg_stmt *s, int col, const char **text, int *len)
{
    int rc;
    *len = 0;
    const char *v = cell(s, col, len, &rc);
    *text = v;
    if (!v || !s->binary)
        return rc;
    Oid type = col_type(s, col);
    switch (type) {
    case TEXT_OID:
    case VARCHAR_OID:
    case BPCHAR_OID:
    case NAME_OID:
    case JSON_OID:
        return ASSOC_OK;
    case JSONB_OID:
        if (*len >= 1 && v[0] == 1) {
            *text = v + 1;
            *len -= 1;
            return ASSOC_OK;
        }
        break;
    case BOOL_OID:
        if (*len == 1) {
            *text = v[0] ? "t" : "f";
            return ASSOC_OK;
        }
        break;
    default:
        break;
    }
    struct pg_colbuf *b = colbuf(s, col);
    if (!b) {
        *text = NULL;
        *len = 0;
        return s->cols ? ASSOC_MISUSE : ASSOC_NOMEM;
    }
    int64_t i;
    int n = -1;
    if (binary_int(type, v, *len, &i))
        n = snprintf(b->text, sizeof b->text, "%" PRId64, i);
    else if (type == FLOAT8_OID && *len == 8) {
        uint64_t bits = be64(v);
        double d;
        memcpy(&d, &bits, sizeof d);
        n = double_text(d, b->text);
    } else if (binary_timestamp(type, v, *len, &i)) {
        n = timestamp_text(i, b->text);
    } else if (type == BYTEA_OID) {
        static const char hex[] = "0123456789abcdef";
        size_t bytes = (size_t)*len;
        rc = colbuf_reserve(s, b, 2 * bytes + 3);
        if (rc != ASSOC_OK) {
            *text = NULL;
            *len = 0;
            return rc;
        }
        char *w = (char *)b->p;
        *w++ = '\\';
        *w++ = 'x';
        for (size_t k = 0; k < bytes; k++) {
            unsigned char ch = (unsigned char)v[k];
            *w++ = hex[ch >> 4];
            *w++ = hex[ch & 15];
        }
        *w = '\0';
        *text = (const char *)b->p;
        *len = (int)(2 * bytes + 2);
        return ASSOC_OK;
    }
    if (n < 0) {
        int got = *len;
        *text = NULL;
        *len = 0;
        return fail(s->c, ASSOC_ERROR, "column %d: %d bytes are no binary value of type %u", col, got,
                    (unsigned)type);
    }
    *text = b->text;
    *len = n;
    return ASSOC_OK;
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
    if (s->binary) {
        if (binary_int(col_type(s, col), t, len, out))
            return ASSOC_OK;
        rc = cell_text(s, col, &t, &len);
        if (!t)
            return rc;
    }
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
    if (s->binary) {
        Oid type = col_type(s, col);
        int64_t i;
        if (type == FLOAT8_OID && len == 8) {
            uint64_t bits = be64(t);
            memcpy(out, &bits, sizeof *out);
            return ASSOC_OK;
        }
        /* The integer's nearest double, as strtod gives for its text. */
        if (binary_int(type, t, len, &i)) {
            *out = (double)i;
            return ASSOC_OK;
        }
        rc = cell_text(s, col, &t, &len);
        if (!t)
            return rc;
    }
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
    if (s->binary) {
        rc = cell_text(s, col, &t, &len); /* a binary boolean's text costs nothing */
        if (!t)
            return rc;
    }
    if (len == 1 && (t[0] == 't' || t[0] == 'f')) {
        *out = t[0] == 't';
        return ASSOC_OK;
    }
    return fail(s->c, ASSOC_ERROR, "column %d: '%.80s' is not a boolean ('t' or 'f')", col, t);
}

int assoc_pg_col_string(assoc_pg_stmt *s, int col, const char **text, size_t *len)
{
    int rc, n = 0;
    if (len)
        *len = 0;
    if (!text)
        return s ? fail(s->c, ASSOC_MISUSE, "assoc_pg_col_string: NULL out") : ASSOC_MISUSE;
    rc = cell_text(s, col, text, &n);
    if (len && *text)
        *len = (size_t)n;
    return rc;
}

const char *assoc_pg_col_text(assoc_pg_stmt *s, int col, size_t *len)
{
    const char *t = NULL;
    if (len)
        *len = 0;
    if (!has_cell(s, col))
        return NULL;
    assoc_pg_col_string(s, col, &t, len);
    return t;
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
    if (s->binary) {
        /* A binary bytea is its bytes (an empty one is libpq's "", not
         * NULL); anything else gives its text's bytes. */
        if (col_type(s, col) != BYTEA_OID) {
            rc = cell_text(s, col, &t, &n);
            if (!t)
                return rc;
        }
        *data = (const unsigned char *)t;
        *len = (size_t)n;
        return ASSOC_OK;
    }
    if (col_type(s, col) != BYTEA_OID) {
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
    struct pg_colbuf *b = colbuf(s, col);
    if (!b)
        return s->cols ? ASSOC_MISUSE : ASSOC_NOMEM;
    rc = colbuf_reserve(s, b, bytes);
    if (rc != ASSOC_OK)
        return rc;
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

bool assoc_pg_col_time_binary(const assoc_pg_stmt *s, int col, assoc_time *out)
{
    int64_t pg_us;
    if (!s || !s->binary || !has_cell(s, col) || PQgetisnull(s->res, s->row, col) ||
        !binary_timestamp(col_type(s, col), PQgetvalue(s->res, s->row, col),
                          PQgetlength(s->res, s->row, col), &pg_us) ||
        pg_us < PG_TIME_MIN || pg_us > PG_TIME_MAX)
        return false;
    *out = pg_us + PG_EPOCH_US;
    return true;
}

int assoc_pg_col_time(assoc_pg_stmt *s, int col, assoc_time *out)
{
    int rc, len = 0;
    if (!out)
        return s ? fail(s->c, ASSOC_MISUSE, "assoc_pg_col_time: NULL out") : ASSOC_MISUSE;
    *out = 0;
    if (assoc_pg_col_time_binary(s, col, out))
        return ASSOC_OK;
    /* Everything else goes through the text: the same value and messages
     * as for text results (infinity, BC and years past 9999 refused). */
    const char *t = NULL;
    rc = cell_text(s, col, &t, &len);
    if (!t)
        return rc;
    /* YYYY-MM-DD HH:MM:SS[.f{1,6}] */
    if (!assoc_cal_parse(t, (size_t)len, false, out))
        return fail(s->c, ASSOC_ERROR, "column %d: '%.60s' is not a datetime of years 0001-9999", col, t);
    return ASSOC_OK;
}
