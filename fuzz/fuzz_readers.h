/* fuzz_readers.h - one fuzz input through every generated read function,
 * over hostile database contents (issue 11: "nothing a file holds may crash
 * a reader: every malformed value is an error code").
 *
 * Shared by the libFuzzer harness (fuzz/fuzz_readers.c) and the regression
 * test that replays its seeds and saved inputs in the ordinary test build
 * (tests/reliability/test_readers_regress.c).  The generated code of two
 * schemas is linked in: the seed's shop (schema/models.def: users, products,
 * orders; a many-to-many through a model's table, queries, batched loads)
 * and tests/reliability/edges.def (every column type; unique and index
 * look-ups; string, blob, composite and datetime keys).
 *
 * The input: byte 0 chooses the schema (bit 0: edges) and the mode (bit 1).
 *
 *   rows mode: the schema's tables are made by <schema>_create_all, so the
 *   file is one <schema>_verify accepts; then, with CHECK constraints and
 *   foreign keys off, the rest of the input is rows: a byte choosing the
 *   table, then a value for each of its columns, each a tag byte and its
 *   bytes (NULL, integers, reals, text, blobs, datetime texts from
 *   templates with a byte changed, edge values; see read_value).  SQLite
 *   stores each with the column's affinity, as it would from any program.
 *   Rows a NOT NULL or a key refuses are left out.
 *
 *   file mode: the rest of the input is a database file, opened in memory
 *   (sqlite3_deserialize): corrupt pages, another schema, anything.
 *
 * Then every read function of the schema runs: _count, _all, _each, _first,
 * _get for keys found in the tables (and a few that are not), the unique
 * and index look-ups, every relationship (list, _each, _count, to-one and
 * _view), the batched loads (_load, _load_each), every query (list, _each,
 * _first, _count, _exists, _page through three pages) and <schema>_verify.
 * The _each callbacks read every field they are lent, sometimes stop the
 * loop early (their code must come back) and sometimes call into the API
 * from inside the loop.
 *
 * Checks (a failed check returns a message; the harness aborts with it):
 *   - each call returns ASSOC_OK, ASSOC_NOTFOUND, ASSOC_ERROR (or
 *     ASSOC_SCHEMA from _verify, or the code a callback stopped with): never
 *     MISUSE, NOMEM, BUSY or anything else, and any failure has a message;
 *   - no call leaves a transaction open;
 *   - rows mode: the harness knows which stored values are malformed for
 *     their column (read_ok: text in an integer column, 0.5 or 2 in a
 *     boolean one, '2020-01-01' in a datetime, a blob in a float, ...):
 *     <m>_all fails with ASSOC_ERROR exactly when its table holds one, and
 *     otherwise returns every row (count(*)); <m>_each agrees with it and
 *     lends as many rows; _count is count(*); when no table holds one, no
 *     call fails at all; an ASSOC_ERROR's message names the table and
 *     column ("users.create_dttm, row id = 7: ...").
 * Memory errors, leaks and undefined behaviour are the sanitizers' job.
 */
#ifndef ASSOCGEN_FUZZ_READERS_H
#define ASSOCGEN_FUZZ_READERS_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "assoc.h"
#include "edges.h"
#include "models.h"

enum { RD_MAX_ROWS = 48, RD_MAX_KEYS = 8, RD_STOP = 77, RD_MANY = 130 };

/* What one input did, for the regression test to check that seeds reach
 * what they are meant to. */
typedef struct rd_stats {
    long calls;                  /* read functions called */
    long errors;                 /* of which returned ASSOC_ERROR */
    long rows;                   /* rows mode: rows in the tables */
    int bad_tables;              /* rows mode: tables holding a malformed value */
} rd_stats;

typedef struct rd_ctx {
    assoc_db *db;
    const uint8_t *p, *end;      /* the input not read yet */
    bool rows_mode;
    bool any_bad;                /* rows mode: some table holds a malformed value */
    const char *fail;            /* the first failed check, or NULL */
    char *msg;
    size_t msgsize;
    unsigned rnd;                /* choices after the input is read: from its bytes */
    int64_t lent;                /* rows an _each callback was lent */
    int64_t stop_after;          /* the callback stops the loop after this many rows (-1: never) */
    bool nest;                   /* the callback calls into the API: */
    int (*nested)(assoc_db *, int64_t *);   /* user_count or thing_count */
    bool in_callback;            /* the call is made inside another's loop */
    rd_stats stats;
} rd_ctx;

static void rd_failf(rd_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rd_failf(rd_ctx *c, const char *fmt, ...)
{
    va_list ap;
    if (c->fail != NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(c->msg, c->msgsize, fmt, ap);
    va_end(ap);
    c->fail = c->msg;
}

static unsigned rd_next(rd_ctx *c)
{
    c->rnd = c->rnd * 1103515245u + 12345u;
    return (c->rnd >> 16) & 0x7fff;
}

static bool rd_has(rd_ctx *c, size_t n)
{
    return (size_t)(c->end - c->p) >= n;
}

static uint8_t rd_byte(rd_ctx *c)
{
    return c->p < c->end ? *c->p++ : 0;
}

/* ------------------------------------------------------------------
 * Checking one call
 * ---------------------------------------------------------------- */

/* The tables of both schemas, for messages that must name one. */
static const char *const rd_tables[] = { "users", "products", "orders", "things", "tags",
                                         "tag_things", "pairs", "digests", "stamps" };

static void rd_check(rd_ctx *c, const char *what, int rc, int allowed_extra)
{
    if (c->fail != NULL)
        return;
    c->stats.calls++;
    c->stats.errors += rc == ASSOC_ERROR;
    /* A file image may be one SQLite itself refuses as "out of memory"
     * with no allocation failing (a corrupt schema record: the sqlite3
     * shell says the same of it, tests/reliability/readers-regress/
     * file-schema-nomem): ASSOC_NOMEM passed on is then the honest code. */
    bool sqlite_nomem = !c->rows_mode && rc == ASSOC_NOMEM &&
                        sqlite3_errcode(assoc_sqlite(c->db)) == SQLITE_NOMEM;
    if (rc != ASSOC_OK && rc != ASSOC_NOTFOUND && rc != ASSOC_ERROR && rc != allowed_extra && !sqlite_nomem) {
        rd_failf(c, "%s returned %d: %s", what, rc, assoc_errmsg(c->db));
        return;
    }
    if (!c->in_callback && !sqlite3_get_autocommit(assoc_sqlite(c->db))) {
        rd_failf(c, "%s (rc %d) left a transaction open", what, rc);
        return;
    }
    if (rc == ASSOC_OK || rc == allowed_extra)
        return;
    const char *m = assoc_errmsg(c->db);
    if (m == NULL || *m == '\0' || strcmp(m, "not an error") == 0) {
        rd_failf(c, "%s returned %d without a message", what, rc);
        return;
    }
    if (c->rows_mode && rc == ASSOC_ERROR) {
        if (!c->any_bad) {
            rd_failf(c, "%s failed on well-formed data: %s", what, m);
            return;
        }
        bool named = false;
        for (size_t i = 0; i < sizeof rd_tables / sizeof rd_tables[0] && !named; i++) {
            char dot[32];
            snprintf(dot, sizeof dot, "%s.", rd_tables[i]);
            named = strstr(m, dot) != NULL;
        }
        if (!named || strstr(m, "row") == NULL)
            rd_failf(c, "%s: the message names no table, column and row: %s", what, m);
    }
}

/* ------------------------------------------------------------------
 * Raw SQL (the harness's own reads, not the API's)
 * ---------------------------------------------------------------- */

static int64_t rd_sql_int(rd_ctx *c, const char *sql, bool *ok)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    *ok = false;
    if (sqlite3_prepare_v2(assoc_sqlite(c->db), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_int64(st, 0);
        *ok = true;
    }
    sqlite3_finalize(st);
    return v;
}

/* Up to max integers of the first column of sql: the keys to look up.
 * Values that are no integer are skipped; a few that name no row are
 * added. */
static size_t rd_int_keys(rd_ctx *c, const char *sql, int64_t *out, size_t max)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    if (sqlite3_prepare_v2(assoc_sqlite(c->db), sql, -1, &st, NULL) == SQLITE_OK)
        while (n + 2 < max && sqlite3_step(st) == SQLITE_ROW)
            if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
                out[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    out[n++] = 0;
    out[n++] = (int64_t)(rd_next(c) % 5) - 1;
    return n;
}

/* ------------------------------------------------------------------
 * Rows mode: values from the input
 * ---------------------------------------------------------------- */

static const char *const rd_time_templates[] = {
    "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05", "2020-01-01", "0000-01-01 00:00:00",
    "9999-12-31 23:59:59.999999", "2024-02-30 00:00:00", "2024-01-02T03:04:05", "2024-01-02 03:04:05.1",
    "0001-01-01 00:00:00.000000", "2024-13-01 00:00:00", "2024-01-02 24:00:00", "1970-01-01 00:00:00.000000",
};
static const int64_t rd_special_ints[] = {
    0, 1, -1, 2, INT64_MIN, INT64_MAX, -62135596800, -62135596801, 253402300799, 253402300800, 1704164645,
};
static const char *const rd_number_texts[] = { "1", "0", "yes", " 12", "1e3", "0x10", "2.5", "-0", "", "NaN" };

/* Bind the next value of the input to parameter k of st. */
static void rd_bind_value(rd_ctx *c, sqlite3_stmt *st, int k)
{
    uint8_t tag = rd_byte(c);
    switch (tag % 10) {
    case 0:
        sqlite3_bind_null(st, k);
        break;
    case 1:
        sqlite3_bind_int64(st, k, (int8_t)rd_byte(c));
        break;
    case 2: {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v |= (uint64_t)rd_byte(c) << (8 * i);
        sqlite3_bind_int64(st, k, (int64_t)v);
        break;
    }
    case 3: {
        uint64_t v = 0;
        double d;
        for (int i = 0; i < 8; i++)
            v |= (uint64_t)rd_byte(c) << (8 * i);
        memcpy(&d, &v, sizeof d);
        sqlite3_bind_double(st, k, d);
        break;
    }
    case 4:
    case 5: {
        size_t len = rd_byte(c) % 64;
        if (!rd_has(c, len))
            len = (size_t)(c->end - c->p);
        if (tag % 10 == 4)
            sqlite3_bind_text(st, k, (const char *)c->p, (int)len, SQLITE_TRANSIENT);
        else
            sqlite3_bind_blob(st, k, len ? (const void *)c->p : (const void *)"", (int)len, SQLITE_TRANSIENT);
        c->p += len;
        break;
    }
    case 6: {
        char t[40];
        snprintf(t, sizeof t, "%s", rd_time_templates[rd_byte(c) % (sizeof rd_time_templates / sizeof *rd_time_templates)]);
        size_t len = strlen(t);
        uint8_t pos = rd_byte(c), ch = rd_byte(c);
        if (pos & 1)
            t[(pos >> 1) % len] = (char)ch;     /* may be a NUL: the text is len bytes */
        if ((tag / 10) & 1)
            sqlite3_bind_blob(st, k, t, (int)len, SQLITE_TRANSIENT);
        else
            sqlite3_bind_text(st, k, t, (int)len, SQLITE_TRANSIENT);
        break;
    }
    case 7:
        sqlite3_bind_int64(st, k, rd_special_ints[rd_byte(c) % (sizeof rd_special_ints / sizeof *rd_special_ints)]);
        break;
    case 8: {
        static const double specials[] = { 0.5, 2.0, -0.0, 1e300, -1e300, 9.2233720368547758e18,
                                           253402300800.0, -62135596800.5, 1.0, 1704164645.25 };
        uint8_t which = rd_byte(c);
        double d = which >= 250 ? (which & 1 ? NAN : INFINITY) : specials[which % 10];
        sqlite3_bind_double(st, k, which == 252 ? -INFINITY : d);
        break;
    }
    default:
        sqlite3_bind_text(st, k, rd_number_texts[rd_byte(c) % (sizeof rd_number_texts / sizeof *rd_number_texts)], -1,
                          SQLITE_STATIC);
        break;
    }
}

/* The tables of the connection's schema (sqlite_master order) and their
 * columns' declared types. */
typedef struct rd_table {
    char name[32];
    int ncols;
    char cols[16][32];
    char types[16][32];
} rd_table;

static int rd_tables_of(rd_ctx *c, rd_table *out, int max)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(assoc_sqlite(c->db),
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                           "ORDER BY rowid",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out[n++].name, sizeof out[0].name, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    for (int i = 0; i < n; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", out[i].name);
        out[i].ncols = 0;
        if (sqlite3_prepare_v2(assoc_sqlite(c->db), sql, -1, &st, NULL) != SQLITE_OK)
            continue;
        while (out[i].ncols < 16 && sqlite3_step(st) == SQLITE_ROW) {
            snprintf(out[i].cols[out[i].ncols], 32, "%s", (const char *)sqlite3_column_text(st, 1));
            snprintf(out[i].types[out[i].ncols], 32, "%s", (const char *)sqlite3_column_text(st, 2));
            out[i].ncols++;
        }
        sqlite3_finalize(st);
    }
    return n;
}

static void rd_fill(rd_ctx *c, rd_table *t, int nt)
{
    sqlite3 *h = assoc_sqlite(c->db);
    sqlite3_exec(h, "PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
    for (int r = 0; r < RD_MAX_ROWS && c->p < c->end; r++) {
        rd_table *x = &t[rd_byte(c) % nt];
        char sql[512];
        int len = snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO \"%s\" VALUES (", x->name);
        for (int k = 0; k < x->ncols; k++)
            len += snprintf(sql + len, sizeof sql - (size_t)len, "%s?", k ? ", " : "");
        snprintf(sql + len, sizeof sql - (size_t)len, ")");
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
            rd_failf(c, "harness: %s: %s", sql, sqlite3_errmsg(h));
            return;
        }
        for (int k = 0; k < x->ncols; k++)
            rd_bind_value(c, st, k + 1);
        sqlite3_step(st);       /* a row id that is no integer: datatype mismatch, left out */
        sqlite3_finalize(st);
    }
    sqlite3_exec(h, "PRAGMA ignore_check_constraints = OFF; PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

/* Would libassoc read this stored value into a field of its column's type?
 * By the rules of assoc.h's readers: integers (and reals holding one
 * exactly) for integer columns, numbers for floats, 0 or 1 for booleans,
 * the calendar's text (or a number of seconds within years 0001-9999) for
 * datetimes, anything for text and blobs.  NULL: the tables' NOT NULL keeps
 * it out of the columns without a has_ flag. */
static bool rd_value_ok(const char *decl, sqlite3_stmt *st, int col)
{
    int type = sqlite3_column_type(st, col);
    if (type == SQLITE_NULL)
        return true;
    if (strncmp(decl, "INTEGER", 7) == 0) {
        if (type == SQLITE_INTEGER)
            return true;
        if (type != SQLITE_FLOAT)
            return false;
        double d = sqlite3_column_double(st, col);
        return d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == floor(d);
    }
    if (strncmp(decl, "FLOAT", 5) == 0)
        return type == SQLITE_INTEGER || type == SQLITE_FLOAT;
    if (strncmp(decl, "BOOLEAN", 7) == 0)
        return type == SQLITE_INTEGER && (sqlite3_column_int64(st, col) == 0 || sqlite3_column_int64(st, col) == 1);
    if (strncmp(decl, "DATETIME", 8) == 0) {
        if (type == SQLITE_INTEGER) {
            int64_t s = sqlite3_column_int64(st, col);
            return s >= -62135596800 && s <= 253402300799;
        }
        if (type == SQLITE_FLOAT) {
            double s = sqlite3_column_double(st, col);
            return s >= -62135596800.0 && s < 253402300800.0;
        }
        const char *text = type == SQLITE_BLOB ? (const char *)sqlite3_column_blob(st, col)
                                               : (const char *)sqlite3_column_text(st, col);
        size_t len = (size_t)sqlite3_column_bytes(st, col);
        assoc_time t;
        return text != NULL && assoc_time_parse(text, len, &t) == ASSOC_OK;
    }
    return true;        /* VARCHAR, TEXT, BLOB */
}

/* Per table: does it hold a value its readers must refuse? */
static void rd_validate(rd_ctx *c, const rd_table *t, int nt, bool *bad)
{
    c->any_bad = false;
    for (int i = 0; i < nt; i++) {
        char sql[96];
        sqlite3_stmt *st = NULL;
        bad[i] = false;
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t[i].name);
        if (sqlite3_prepare_v2(assoc_sqlite(c->db), sql, -1, &st, NULL) != SQLITE_OK)
            continue;
        while (sqlite3_step(st) == SQLITE_ROW) {
            c->stats.rows++;
            for (int k = 0; k < t[i].ncols && !bad[i]; k++)
                bad[i] = !rd_value_ok(t[i].types[k], st, k);
        }
        sqlite3_finalize(st);
        c->any_bad = c->any_bad || bad[i];
        c->stats.bad_tables += bad[i];
    }
}

static bool rd_table_bad(const rd_table *t, const bool *bad, int nt, const char *name)
{
    for (int i = 0; i < nt; i++)
        if (strcmp(t[i].name, name) == 0)
            return bad[i];
    return false;
}

/* _all against the table's own rows: ASSOC_ERROR exactly when the table
 * holds a malformed value, else every row.  _each the same; _count. */
static void rd_check_table(rd_ctx *c, const char *table, bool table_bad, int all_rc, size_t all_len, int each_rc,
                           int count_rc, int64_t count)
{
    char sql[96];
    bool ok;
    if (!c->rows_mode || c->fail != NULL)
        return;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    int64_t rows = rd_sql_int(c, sql, &ok);
    if (!ok)
        return;
    if (count_rc != ASSOC_OK || count != rows)
        rd_failf(c, "%s: _count gave %d, %lld for %lld rows", table, count_rc, (long long)count, (long long)rows);
    else if (table_bad && all_rc != ASSOC_ERROR)
        rd_failf(c, "%s: _all returned %d over a malformed value", table, all_rc);
    else if (!table_bad && (all_rc != ASSOC_OK || (int64_t)all_len != rows))
        rd_failf(c, "%s: _all returned %d with %zu of %lld well-formed rows: %s", table, all_rc, all_len,
                 (long long)rows, assoc_errmsg(c->db));
    else if (each_rc != (table_bad ? ASSOC_ERROR : ASSOC_OK))
        rd_failf(c, "%s: _each returned %d, _all %d", table, each_rc, all_rc);
    else if (!table_bad && c->stop_after < 0 && c->lent != rows)
        rd_failf(c, "%s: _each lent %lld of %lld rows", table, (long long)c->lent, (long long)rows);
}

/* ------------------------------------------------------------------
 * Callbacks: read everything lent, sometimes stop, sometimes nest
 * ---------------------------------------------------------------- */

static volatile size_t rd_sink;

static void rd_touch_text(const char *s)
{
    if (s != NULL)
        rd_sink += strlen(s);
}

static void rd_touch_blob(const assoc_blob *b)
{
    for (size_t i = 0; b->data != NULL && i < b->len; i++)
        rd_sink += b->data[i];
}

static int rd_lent(rd_ctx *c)
{
    c->lent++;
    if (c->nest) {
        int64_t n;
        c->in_callback = true;      /* the loop's own read transaction may be open */
        rd_check(c, "a _count inside a callback", c->nested(c->db, &n), -1);
        c->in_callback = false;
    }
    return c->stop_after >= 0 && c->lent >= c->stop_after ? RD_STOP : 0;
}

static int rd_user_cb(const User *r, void *ctx)
{
    rd_touch_text(r->email);
    rd_sink += (size_t)r->id + (size_t)r->create_dttm;
    return rd_lent(ctx);
}
static int rd_product_cb(const Product *r, void *ctx)
{
    rd_touch_text(r->title);
    rd_sink += (size_t)r->id + (size_t)r->create_dttm;
    return rd_lent(ctx);
}
static int rd_order_cb(const Order *r, void *ctx)
{
    rd_sink += (size_t)r->id + (size_t)r->user_id + (size_t)r->product_id + (size_t)r->dttm;
    return rd_lent(ctx);
}
static int rd_user_group_cb(size_t parent, const User *r, void *ctx)
{
    rd_sink += parent;
    return rd_user_cb(r, ctx);
}
static int rd_product_group_cb(size_t parent, const Product *r, void *ctx)
{
    rd_sink += parent;
    return rd_product_cb(r, ctx);
}
static int rd_order_group_cb(size_t parent, const Order *r, void *ctx)
{
    rd_sink += parent;
    return rd_order_cb(r, ctx);
}
static int rd_thing_cb(const Thing *r, void *ctx)
{
    rd_touch_text(r->s);
    rd_touch_text(r->t);
    rd_touch_text(r->u);
    rd_touch_text(r->x);
    rd_touch_blob(&r->bl);
    rd_touch_blob(&r->nbl);
    rd_sink += (size_t)r->id + (size_t)r->i + (size_t)r->n + (size_t)r->big + (size_t)r->d + (r->f != 0.0) + r->b;
    return rd_lent(ctx);
}
static int rd_thing_group_cb(size_t parent, const Thing *r, void *ctx)
{
    rd_sink += parent;
    return rd_thing_cb(r, ctx);
}
static int rd_tag_cb(const Tag *r, void *ctx)
{
    rd_touch_text(r->name);
    rd_touch_text(r->note);
    return rd_lent(ctx);
}
static int rd_pair_cb(const Pair *r, void *ctx)
{
    rd_touch_blob(&r->v);
    rd_sink += (size_t)r->a + (size_t)r->b;
    return rd_lent(ctx);
}
static int rd_digest_cb(const Digest *r, void *ctx)
{
    rd_touch_blob(&r->sum);
    rd_touch_blob(&r->alt);
    rd_touch_text(r->note);
    return rd_lent(ctx);
}
static int rd_stamp_cb(const Stamp *r, void *ctx)
{
    rd_touch_text(r->note);
    rd_sink += (size_t)r->time_text_1;
    return rd_lent(ctx);
}

/* Before each _each: how the callback behaves this time. */
static void rd_loop(rd_ctx *c)
{
    unsigned r = rd_next(c);
    c->lent = 0;
    c->stop_after = r % 4 == 0 ? 1 + (int64_t)(r >> 2) % 3 : -1;
    c->nest = (r >> 4) % 5 == 0;
}

/* How many parents a batched load gets: the n keys found, or (one time in
 * three) RD_MANY of them, the keys over again. */
static size_t rd_many(rd_ctx *c, size_t n)
{
    return n > 0 && rd_next(c) % 3 == 0 ? RD_MANY : n;
}

/* An _each's code: RD_STOP is fine when the callback stopped the loop. */
static int rd_each_rc(rd_ctx *c, int rc)
{
    if (rc == RD_STOP && c->stop_after >= 0 && c->lent == c->stop_after)
        return ASSOC_OK;
    return rc;
}

/* ------------------------------------------------------------------
 * The seed's shop
 * ---------------------------------------------------------------- */

#define RD_EACH(c, what, call)                                                              \
    do {                                                                                    \
        rd_loop(c);                                                                         \
        rd_check(c, what, rd_each_rc(c, (call)), -1);                                       \
    } while (0)

static void rd_models(rd_ctx *c, const rd_table *t, const bool *bad, int nt)
{
    assoc_db *db = c->db;
    int64_t uid[RD_MAX_KEYS], pid[RD_MAX_KEYS], oid[RD_MAX_KEYS], n;
    size_t nu = rd_int_keys(c, "SELECT id FROM users ORDER BY id LIMIT 6", uid, RD_MAX_KEYS);
    size_t np = rd_int_keys(c, "SELECT id FROM products ORDER BY id LIMIT 6", pid, RD_MAX_KEYS);
    size_t no = rd_int_keys(c, "SELECT id FROM orders ORDER BY id LIMIT 6", oid, RD_MAX_KEYS);

    /* Whole tables. */
    {
        UserList l = USER_LIST_INIT;
        int all = user_all(db, &l);
        rd_check(c, "user_all", all, -1);
        size_t len = l.len;
        user_list_free(&l);
        rd_loop(c);
        c->stop_after = -1;
        int each = user_each(db, rd_user_cb, c);
        rd_check(c, "user_each", each, -1);
        int crc = user_count(db, &n);
        rd_check(c, "user_count", crc, -1);
        rd_check_table(c, "users", rd_table_bad(t, bad, nt, "users"), all, len, each, crc, n);
    }
    {
        ProductList l = PRODUCT_LIST_INIT;
        int all = product_all(db, &l);
        rd_check(c, "product_all", all, -1);
        size_t len = l.len;
        product_list_free(&l);
        rd_loop(c);
        c->stop_after = -1;
        int each = product_each(db, rd_product_cb, c);
        rd_check(c, "product_each", each, -1);
        int crc = product_count(db, &n);
        rd_check(c, "product_count", crc, -1);
        rd_check_table(c, "products", rd_table_bad(t, bad, nt, "products"), all, len, each, crc, n);
    }
    {
        OrderList l = ORDER_LIST_INIT;
        int all = order_all(db, &l);
        rd_check(c, "order_all", all, -1);
        size_t len = l.len;
        order_list_free(&l);
        rd_loop(c);
        c->stop_after = -1;
        int each = order_each(db, rd_order_cb, c);
        rd_check(c, "order_each", each, -1);
        int crc = order_count(db, &n);
        rd_check(c, "order_count", crc, -1);
        rd_check_table(c, "orders", rd_table_bad(t, bad, nt, "orders"), all, len, each, crc, n);
    }
    {
        User u = USER_INIT;
        Product p = PRODUCT_INIT;
        Order o = ORDER_INIT;
        rd_check(c, "user_first", user_first(db, &u), -1);
        rd_check(c, "product_first", product_first(db, &p), -1);
        rd_check(c, "order_first", order_first(db, &o), -1);
        user_free(&u);
        product_free(&p);
        order_free(&o);
    }

    /* Each user: get, its collections, then all of them at once. */
    User users[RD_MAX_KEYS];
    for (size_t i = 0; i < nu; i++) {
        User u = USER_INIT;
        rd_check(c, "user_get", user_get(db, uid[i], &u), -1);
        user_free(&u);
        users[i] = (User)USER_INIT;
        users[i].id = uid[i];
        ProductList pl = PRODUCT_LIST_INIT;
        rd_check(c, "user_products", user_products(db, &users[i], &pl), -1);
        product_list_free(&pl);
        RD_EACH(c, "user_products_each", user_products_each(db, &users[i], rd_product_cb, c));
        rd_check(c, "user_products_count", user_products_count(db, &users[i], &n), -1);
        OrderList ol = ORDER_LIST_INIT;
        rd_check(c, "user_orders", user_orders(db, &users[i], &ol), -1);
        order_list_free(&ol);
        RD_EACH(c, "user_orders_each", user_orders_each(db, &users[i], rd_order_cb, c));
        rd_check(c, "user_orders_count", user_orders_count(db, &users[i], &n), -1);
    }
    {
        /* Now and then more parents than one statement takes (100), the
         * keys over again. */
        User many[RD_MANY];
        size_t nm = rd_many(c, nu);
        for (size_t i = 0; i < nm; i++)
            many[i] = users[i % nu];
        ProductGroups pg = PRODUCT_GROUPS_INIT;
        rd_check(c, "user_products_load", user_products_load(db, many, nm, &pg), -1);
        product_groups_free(&pg);
        RD_EACH(c, "user_products_load_each", user_products_load_each(db, many, nm, rd_product_group_cb, c));
        OrderGroups og = ORDER_GROUPS_INIT;
        rd_check(c, "user_orders_load", user_orders_load(db, many, nm, &og), -1);
        order_groups_free(&og);
        RD_EACH(c, "user_orders_load_each", user_orders_load_each(db, many, nm, rd_order_group_cb, c));
    }

    Product products[RD_MAX_KEYS];
    for (size_t i = 0; i < np; i++) {
        Product p = PRODUCT_INIT;
        rd_check(c, "product_get", product_get(db, pid[i], &p), -1);
        product_free(&p);
        products[i] = (Product)PRODUCT_INIT;
        products[i].id = pid[i];
        UserList ul = USER_LIST_INIT;
        rd_check(c, "product_users", product_users(db, &products[i], &ul), -1);
        user_list_free(&ul);
        RD_EACH(c, "product_users_each", product_users_each(db, &products[i], rd_user_cb, c));
        rd_check(c, "product_users_count", product_users_count(db, &products[i], &n), -1);
        OrderList ol = ORDER_LIST_INIT;
        rd_check(c, "product_orders", product_orders(db, &products[i], &ol), -1);
        order_list_free(&ol);
        RD_EACH(c, "product_orders_each", product_orders_each(db, &products[i], rd_order_cb, c));
        rd_check(c, "product_orders_count", product_orders_count(db, &products[i], &n), -1);

        UserBoughtTwiceArgs twice = { pid[i] };
        UserList tl = USER_LIST_INIT;
        rd_check(c, "user_bought_twice", user_bought_twice(db, &twice, &tl), -1);
        user_list_free(&tl);
        RD_EACH(c, "user_bought_twice_each", user_bought_twice_each(db, &twice, rd_user_cb, c));
        User first = USER_INIT;
        rd_check(c, "user_bought_twice_first", user_bought_twice_first(db, &twice, &first), -1);
        user_free(&first);
        rd_check(c, "user_bought_twice_count", user_bought_twice_count(db, &twice, &n), -1);
        bool exists;
        rd_check(c, "user_bought_twice_exists", user_bought_twice_exists(db, &twice, &exists), -1);
    }
    {
        Product many[RD_MANY];
        size_t nm = rd_many(c, np);
        for (size_t i = 0; i < nm; i++)
            many[i] = products[i % np];
        UserGroups ug = USER_GROUPS_INIT;
        rd_check(c, "product_users_load", product_users_load(db, many, nm, &ug), -1);
        user_groups_free(&ug);
        RD_EACH(c, "product_users_load_each", product_users_load_each(db, many, nm, rd_user_group_cb, c));
        OrderGroups og = ORDER_GROUPS_INIT;
        rd_check(c, "product_orders_load", product_orders_load(db, many, nm, &og), -1);
        order_groups_free(&og);
        RD_EACH(c, "product_orders_load_each", product_orders_load_each(db, many, nm, rd_order_group_cb, c));
        ProductList nl = PRODUCT_LIST_INIT;
        rd_check(c, "product_never_ordered", product_never_ordered(db, &nl), -1);
        product_list_free(&nl);
        RD_EACH(c, "product_never_ordered_each", product_never_ordered_each(db, rd_product_cb, c));
        Product first = PRODUCT_INIT;
        rd_check(c, "product_never_ordered_first", product_never_ordered_first(db, &first), -1);
        product_free(&first);
        bool exists;
        rd_check(c, "product_never_ordered_count", product_never_ordered_count(db, &n), -1);
        rd_check(c, "product_never_ordered_exists", product_never_ordered_exists(db, &exists), -1);
    }

    /* Orders: to-one relationships from the keys as stored. */
    Order orders[RD_MAX_KEYS];
    size_t nord = 0;
    {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(assoc_sqlite(db), "SELECT id, user_id, product_id FROM orders ORDER BY id LIMIT 6", -1,
                               &st, NULL) == SQLITE_OK)
            while (nord < RD_MAX_KEYS - 1 && sqlite3_step(st) == SQLITE_ROW) {
                Order *o = &orders[nord++];
                *o = (Order)ORDER_INIT;
                o->id = sqlite3_column_int64(st, 0);
                o->has_user_id = sqlite3_column_type(st, 1) == SQLITE_INTEGER;
                o->user_id = sqlite3_column_int64(st, 1);
                o->has_product_id = sqlite3_column_type(st, 2) == SQLITE_INTEGER;
                o->product_id = sqlite3_column_int64(st, 2);
            }
        sqlite3_finalize(st);
        orders[nord] = (Order)ORDER_INIT;
        orders[nord].user_id = orders[nord].product_id = (int64_t)(rd_next(c) % 4);
        orders[nord].has_user_id = orders[nord].has_product_id = true;
        nord++;
    }
    for (size_t i = 0; i < no; i++) {
        Order o = ORDER_INIT;
        rd_check(c, "order_get", order_get(db, oid[i], &o), -1);
        order_free(&o);
    }
    for (size_t i = 0; i < nord; i++) {
        User u = USER_INIT;
        rd_check(c, "order_user", order_user(db, &orders[i], &u), -1);
        user_free(&u);
        RD_EACH(c, "order_user_view", order_user_view(db, &orders[i], rd_user_cb, c));
        Product p = PRODUCT_INIT;
        rd_check(c, "order_product", order_product(db, &orders[i], &p), -1);
        product_free(&p);
        RD_EACH(c, "order_product_view", order_product_view(db, &orders[i], rd_product_cb, c));

        OrderRecentOfUserArgs recent = { orders[i].user_id, 0, false, 0, false };
        unsigned r = rd_next(c);
        recent.has_since = r & 1;
        recent.since = INT64_C(1704164645) * 1000000 - (int64_t)(r % 1000) * INT64_C(86400000000);
        recent.has_n = (r >> 1) & 1;
        recent.n = (int64_t)((r >> 2) % 4);        /* a negative limit is the caller's error */
        OrderList rl = ORDER_LIST_INIT;
        rd_check(c, "order_recent_of_user", order_recent_of_user(db, &recent, &rl), -1);
        order_list_free(&rl);
        RD_EACH(c, "order_recent_of_user_each", order_recent_of_user_each(db, &recent, rd_order_cb, c));
        Order first = ORDER_INIT;
        rd_check(c, "order_recent_of_user_first", order_recent_of_user_first(db, &recent, &first), -1);
        order_free(&first);
        bool exists;
        rd_check(c, "order_recent_of_user_count", order_recent_of_user_count(db, &recent, &n), -1);
        rd_check(c, "order_recent_of_user_exists", order_recent_of_user_exists(db, &recent, &exists), -1);
    }
    {
        Order many[RD_MANY];
        size_t nm = rd_many(c, nord);
        for (size_t i = 0; i < nm; i++)
            many[i] = orders[i % nord];
        UserGroups ug = USER_GROUPS_INIT;
        rd_check(c, "order_user_load", order_user_load(db, many, nm, &ug), -1);
        user_groups_free(&ug);
        RD_EACH(c, "order_user_load_each", order_user_load_each(db, many, nm, rd_user_group_cb, c));
        ProductGroups pg = PRODUCT_GROUPS_INIT;
        rd_check(c, "order_product_load", order_product_load(db, many, nm, &pg), -1);
        product_groups_free(&pg);
        RD_EACH(c, "order_product_load_each", order_product_load_each(db, many, nm, rd_product_group_cb, c));
    }
    {
        static const char *const buyers[] = { NULL, "%", "%a%", "", "x@example.com" };
        OrderNewestArgs newest = { buyers[rd_next(c) % 5] };
        OrderList nl = ORDER_LIST_INIT;
        rd_check(c, "order_newest", order_newest(db, &newest, &nl), -1);
        order_list_free(&nl);
        RD_EACH(c, "order_newest_each", order_newest_each(db, &newest, rd_order_cb, c));
        Order first = ORDER_INIT;
        rd_check(c, "order_newest_first", order_newest_first(db, &newest, &first), -1);
        order_free(&first);
        bool exists;
        rd_check(c, "order_newest_count", order_newest_count(db, &newest, &n), -1);
        rd_check(c, "order_newest_exists", order_newest_exists(db, &newest, &exists), -1);
        /* Three pages, each after the last row of the one before. */
        OrderList page = ORDER_LIST_INIT;
        int64_t limit = 1 + (int64_t)(rd_next(c) % 4);   /* a page holds at least a row */
        int rc = order_newest_page(db, &newest, NULL, limit, &page);
        rd_check(c, "order_newest_page", rc, -1);
        for (int k = 0; k < 2 && rc == ASSOC_OK && page.len > 0; k++) {
            OrderList next = ORDER_LIST_INIT;
            rc = order_newest_page(db, &newest, &page.items[page.len - 1], limit, &next);
            rd_check(c, "order_newest_page (after)", rc, -1);
            order_list_free(&page);
            page = next;
        }
        order_list_free(&page);
        Order after = ORDER_INIT;
        after.id = (int64_t)(rd_next(c) % 6);
        rd_check(c, "order_newest_page (after a made-up row)", order_newest_page(db, &newest, &after, 2, &page), -1);
        order_list_free(&page);
    }
    rd_check(c, "models_verify", models_verify(db), ASSOC_SCHEMA);
}

/* ------------------------------------------------------------------
 * edges.def: every column type, look-ups, odd keys
 * ---------------------------------------------------------------- */

/* The text or blob values of the first column of sql (copies, up to max). */
static size_t rd_bytes_keys(rd_ctx *c, const char *sql, assoc_blob *out, size_t max)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    if (sqlite3_prepare_v2(assoc_sqlite(c->db), sql, -1, &st, NULL) == SQLITE_OK)
        while (n + 1 < max && sqlite3_step(st) == SQLITE_ROW) {
            if (sqlite3_column_type(st, 0) == SQLITE_NULL)
                continue;
            const void *p = sqlite3_column_blob(st, 0);
            size_t len = (size_t)sqlite3_column_bytes(st, 0);
            out[n].data = malloc(len + 1);
            if (out[n].data == NULL)
                break;
            if (len)
                memcpy(out[n].data, p, len);
            out[n].data[len] = 0;
            out[n++].len = len;
        }
    sqlite3_finalize(st);
    out[n].data = malloc(4);        /* one that names no row */
    if (out[n].data != NULL) {
        memcpy(out[n].data, "zz?", 4);
        out[n++].len = 3;
    }
    return n;
}

static void rd_free_keys(assoc_blob *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(k[i].data);
}

#define RD_TABLE(c, t, bad, nt, m, M, name, cb)                                                         \
    do {                                                                                                \
        M##List l = M##_LIST_INIT_;                                                                     \
        int all = m##_all(c->db, &l);                                                                   \
        rd_check(c, #m "_all", all, -1);                                                                \
        size_t len = l.len;                                                                             \
        m##_list_free(&l);                                                                              \
        rd_loop(c);                                                                                     \
        c->stop_after = -1;                                                                             \
        int each = m##_each(c->db, cb, c);                                                              \
        rd_check(c, #m "_each", each, -1);                                                              \
        int64_t cnt = 0;                                                                                \
        int crc = m##_count(c->db, &cnt);                                                               \
        rd_check(c, #m "_count", crc, -1);                                                              \
        rd_check_table(c, name, rd_table_bad(t, bad, nt, name), all, len, each, crc, cnt);              \
        M first = M##_INIT_;                                                                            \
        rd_check(c, #m "_first", m##_first(c->db, &first), -1);                                         \
        m##_free(&first);                                                                               \
    } while (0)

#define Thing_LIST_INIT_ THING_LIST_INIT
#define Thing_INIT_ THING_INIT
#define Tag_LIST_INIT_ TAG_LIST_INIT
#define Tag_INIT_ TAG_INIT
#define Pair_LIST_INIT_ PAIR_LIST_INIT
#define Pair_INIT_ PAIR_INIT
#define Digest_LIST_INIT_ DIGEST_LIST_INIT
#define Digest_INIT_ DIGEST_INIT
#define Stamp_LIST_INIT_ STAMP_LIST_INIT
#define Stamp_INIT_ STAMP_INIT

static void rd_edges(rd_ctx *c, const rd_table *t, const bool *bad, int nt)
{
    assoc_db *db = c->db;
    int64_t n;
    RD_TABLE(c, t, bad, nt, thing, Thing, "things", rd_thing_cb);
    RD_TABLE(c, t, bad, nt, tag, Tag, "tags", rd_tag_cb);
    RD_TABLE(c, t, bad, nt, pair, Pair, "pairs", rd_pair_cb);
    RD_TABLE(c, t, bad, nt, digest, Digest, "digests", rd_digest_cb);
    RD_TABLE(c, t, bad, nt, stamp, Stamp, "stamps", rd_stamp_cb);

    int64_t ids[RD_MAX_KEYS], bigs[RD_MAX_KEYS];
    size_t nid = rd_int_keys(c, "SELECT id FROM things ORDER BY id LIMIT 6", ids, RD_MAX_KEYS);
    size_t nbig = rd_int_keys(c, "SELECT big FROM things LIMIT 6", bigs, RD_MAX_KEYS);
    for (size_t i = 0; i < nid; i++) {
        Thing x = THING_INIT;
        rd_check(c, "thing_get", thing_get(db, ids[i], &x), -1);
        thing_free(&x);
    }
    for (size_t i = 0; i < nbig; i++) {
        Thing x = THING_INIT;
        rd_check(c, "thing_get_by_big", thing_get_by_big(db, bigs[i], &x), -1);
        thing_free(&x);
    }
    assoc_blob keys[RD_MAX_KEYS];
    size_t nk = rd_bytes_keys(c, "SELECT u FROM things LIMIT 6", keys, RD_MAX_KEYS);
    for (size_t i = 0; i < nk; i++) {
        Thing x = THING_INIT;
        rd_check(c, "thing_get_by_u", thing_get_by_u(db, (const char *)keys[i].data, &x), -1);
        thing_free(&x);
    }
    rd_free_keys(keys, nk);
    nk = rd_bytes_keys(c, "SELECT x FROM things LIMIT 6", keys, RD_MAX_KEYS);
    for (size_t i = 0; i < nk; i++) {
        ThingList l = THING_LIST_INIT;
        rd_check(c, "thing_find_by_x", thing_find_by_x(db, (const char *)keys[i].data, &l), -1);
        thing_list_free(&l);
    }
    rd_free_keys(keys, nk);

    /* Tags: by name, and their things through tag_things. */
    Tag tags[RD_MAX_KEYS];
    nk = rd_bytes_keys(c, "SELECT name FROM tags LIMIT 6", keys, RD_MAX_KEYS);
    for (size_t i = 0; i < nk; i++) {
        Tag g = TAG_INIT;
        rd_check(c, "tag_get", tag_get(db, (const char *)keys[i].data, &g), -1);
        tag_free(&g);
        tags[i] = (Tag)TAG_INIT;
        tags[i].name = (char *)keys[i].data;
        ThingList l = THING_LIST_INIT;
        rd_check(c, "tag_things", tag_things(db, &tags[i], &l), -1);
        thing_list_free(&l);
        RD_EACH(c, "tag_things_each", tag_things_each(db, &tags[i], rd_thing_cb, c));
        rd_check(c, "tag_things_count", tag_things_count(db, &tags[i], &n), -1);
    }
    {
        Tag many[RD_MANY];
        size_t nm = rd_many(c, nk);
        for (size_t i = 0; i < nm; i++)
            many[i] = tags[i % nk];
        ThingGroups g = THING_GROUPS_INIT;
        rd_check(c, "tag_things_load", tag_things_load(db, many, nm, &g), -1);
        thing_groups_free(&g);
        RD_EACH(c, "tag_things_load_each", tag_things_load_each(db, many, nm, rd_thing_group_cb, c));
    }
    rd_free_keys(keys, nk);

    /* Pairs by their two keys; digests by blob; stamps by datetime. */
    {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(assoc_sqlite(db), "SELECT a, b FROM pairs LIMIT 6", -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW) {
                Pair x = PAIR_INIT;
                rd_check(c, "pair_get", pair_get(db, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), &x),
                         -1);
                pair_free(&x);
            }
        sqlite3_finalize(st);
        Pair x = PAIR_INIT;
        rd_check(c, "pair_get (no row)", pair_get(db, -5, 7, &x), -1);
        pair_free(&x);
    }
    nk = rd_bytes_keys(c, "SELECT sum FROM digests LIMIT 6", keys, RD_MAX_KEYS);
    for (size_t i = 0; i < nk; i++) {
        Digest x = DIGEST_INIT;
        rd_check(c, "digest_get", digest_get(db, keys[i], &x), -1);
        digest_free(&x);
        rd_check(c, "digest_get_by_alt", digest_get_by_alt(db, keys[i], &x), -1);
        digest_free(&x);
    }
    rd_free_keys(keys, nk);
    nk = rd_bytes_keys(c, "SELECT time_text_1 FROM stamps LIMIT 6", keys, RD_MAX_KEYS);
    for (size_t i = 0; i < nk; i++) {
        assoc_time when = 0;
        if (assoc_time_parse((const char *)keys[i].data, keys[i].len, &when) != ASSOC_OK)
            when = (int64_t)keys[i].len * 1000000;
        Stamp x = STAMP_INIT;
        rd_check(c, "stamp_get", stamp_get(db, when, &x), -1);
        stamp_free(&x);
    }
    rd_free_keys(keys, nk);
    rd_check(c, "edges_verify", edges_verify(db), ASSOC_SCHEMA);
}

/* ------------------------------------------------------------------
 * One input
 * ---------------------------------------------------------------- */

static const char *readers_one(const uint8_t *data, size_t size, char *msg, size_t msgsize, rd_stats *stats)
{
    rd_ctx c;
    memset(&c, 0, sizeof c);
    c.p = data;
    c.end = data + size;
    c.msg = msg;
    c.msgsize = msgsize;
    c.rnd = 2166136261u;
    for (size_t i = 0; i < size; i++)
        c.rnd = (c.rnd ^ data[i]) * 16777619u;
    uint8_t head = rd_byte(&c);
    bool edges = head & 1;
    c.rows_mode = !(head & 2);
    c.nested = edges ? thing_count : user_count;

    if (assoc_open(":memory:", &c.db) != ASSOC_OK) {
        assoc_close(c.db);
        return "harness: assoc_open(:memory:) failed";
    }
    rd_table tables[12];
    bool bad[12] = { false };
    int nt = 0;
    if (c.rows_mode) {
        int rc = edges ? edges_create_all(c.db) : models_create_all(c.db);
        if (rc != ASSOC_OK) {
            rd_failf(&c, "harness: create_all returned %d: %s", rc, assoc_errmsg(c.db));
            assoc_close(c.db);
            return c.fail;
        }
        nt = rd_tables_of(&c, tables, 12);
        if (nt > 0)
            rd_fill(&c, tables, nt);
        rd_validate(&c, tables, nt, bad);
    } else {
        size_t len = (size_t)(c.end - c.p);
        unsigned char *image = sqlite3_malloc64(len ? len : 1);
        if (image == NULL) {
            assoc_close(c.db);
            return NULL;
        }
        if (len)
            memcpy(image, c.p, len);
        /* SQLite owns the copy from here, even when this fails. */
        sqlite3_deserialize(assoc_sqlite(c.db), "main", image, (sqlite3_int64)len, (sqlite3_int64)len,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
    }
    if (c.fail == NULL) {
        if (edges)
            rd_edges(&c, tables, bad, nt);
        else
            rd_models(&c, tables, bad, nt);
    }
    assoc_close(c.db);
    if (stats != NULL)
        *stats = c.stats;
    return c.fail;
}

#endif
