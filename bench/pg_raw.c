/* pg_raw.c - the benchmark's workload hand-written against libpq: the
 * PostgreSQL reference the generated API is measured against (README.md in
 * this directory, section "PostgreSQL", says what it does and why, with the
 * figures of the alternatives).
 *
 *   pg_raw -n N --db postgresql://HOST:PORT/DB [--variant WORD,WORD...]
 *
 * The database must hold the seed's tables, empty, as models_create_all()
 * makes them (bench/pg_run.py copies each run's database from a template
 * made by bench/pg_ddl.c): the generator's own DDL, so every implementation
 * has the same tables, identity keys, foreign keys and indexes.
 *
 * What it shares with the other implementations: the schema, the data,
 * each phase's rows and checksum (bench.h), one transaction per phase, and
 * the shape of the work as an application does it, as bench/raw.c has it on
 * SQLite: one unit of work at a time, each finished before the next starts
 * (a user inserted, a user's ten orders inserted together, one user's or
 * product's collection loaded by one query, one user deleted with its
 * orders), and what a row read is: the whole row, datetimes to the
 * microsecond, text borrowed from the result.
 *
 * What it chooses freely, as a libpq expert would:
 *   statements  prepared once per connection (PQprepare), before the phase;
 *   parameters  integers and datetimes in binary (no formatting in C, no
 *               parsing on the server), text as text;
 *   results     binary (integers and datetimes read as 8 bytes; no
 *               parsing), the whole result fetched per query;
 *   insert      one INSERT ... RETURNING id per user and per product, one
 *               ten-row INSERT ... RETURNING id, product_id per user's
 *               orders; users' create_dttm from the column's DEFAULT;
 *   user.products, product.users  a JOIN from orders through its index to
 *               the target's key, sorted by id in C (rows in the result's
 *               memory), repeats skipped;
 *   user.orders and their products  one LEFT JOIN per user;
 *   delete      per user, DELETE its orders and DELETE the user sent
 *               together in pipeline mode: one round trip; the phase's
 *               transaction is its atomicity (any failure ends the program,
 *               and the server rolls the transaction back).
 *
 * Variants (--variant, words separated by commas), for the comparisons in
 * README.md; the benchmark runs the default, and "pipeline" as a column of
 * its own:
 *   pipeline   units are not waited for one by one: every phase sends its
 *              statements in pipeline mode, batch=B units (default 64) per
 *              sync, and reads the results as they come
 *   batch=B    units per sync in pipeline mode
 *   text       parameters and results in text format (what libassoc uses)
 *   sync       delete: the two statements in two round trips
 *   cte        delete: one statement, WITH o AS (DELETE FROM orders ...)
 *              DELETE FROM users ...
 * and the API's shape, one word at a time:
 *   single     one INSERT per order (the API's order_insert)
 *   stamp      a SELECT LOCALTIMESTAMP round trip before each user's
 *              INSERT, whose value is bound as create_dttm (the API's
 *              server_default(current_timestamp) applied in C)
 *   in         many-to-many loads by IN (SELECT ...) ORDER BY, the
 *              generated SQL
 *   lookup     user.orders, then each order's product by its key
 *   protect    every statement in SAVEPOINT; stmt; RELEASE, pipelined in
 *              its one round trip (libassoc's statement protection)
 *   savepoint  delete: SAVEPOINT, the two DELETEs and RELEASE, each its own
 *              round trip (the generated user_delete's atomic section)
 *   api        all of the API's shape: single,stamp,in,lookup,protect,
 *              savepoint,text,sync
 */
#include <libpq-fe.h>

#include "bench.h"

static PGconn *conn;

static void die(const char *what)
{
    fprintf(stderr, "pg_raw: %s: %s\n", what, conn != NULL ? PQerrorMessage(conn) : "no connection");
    exit(1);
}

static void die_res(const char *what, PGresult *r)
{
    fprintf(stderr, "pg_raw: %s: %s", what, r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL) {
        fprintf(stderr, "pg_raw: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- variants ---- */

static const char *variant = "";

static size_t next_word(const char **p, const char **word)
{
    const char *e = strchr(*p, ',');
    size_t len = e != NULL ? (size_t)(e - *p) : strlen(*p);
    *word = *p;
    *p += len + (e != NULL);
    return len;
}

static bool has_word(const char *word)
{
    size_t n = strlen(word);
    const char *w;
    for (const char *p = variant; *p != '\0';)
        if (next_word(&p, &w) == n && memcmp(w, word, n) == 0)
            return true;
    return false;
}

/* "api" stands for every word of the API's shape. */
static bool has(const char *word)
{
    static const char *const api[] = { "single", "stamp", "in", "lookup", "protect", "savepoint", "text", "sync" };
    if (has_word(word))
        return true;
    if (has_word("api"))
        for (size_t i = 0; i < sizeof api / sizeof *api; i++)
            if (strcmp(api[i], word) == 0)
                return true;
    return false;
}

static long variant_number(const char *name, long dflt)
{
    size_t n = strlen(name);
    const char *w;
    for (const char *p = variant; *p != '\0';)
        if (next_word(&p, &w) > n && memcmp(w, name, n) == 0 && w[n] == '=')
            return strtol(w + n + 1, NULL, 10);
    return dflt;
}

static bool pipelined; /* --variant pipeline */
static bool textfmt;   /* --variant text */
static bool protect;   /* --variant protect */
static long batch;     /* units per sync when pipelined */

/* ---- values: binary int8 and timestamp, or text ---- */

enum { INT8OID = 20, TIMESTAMPOID = 1114 };

/* PostgreSQL's timestamps count microseconds from 2000-01-01. */
#define PG_EPOCH_US INT64_C(946684800000000)

static void put_be64(char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (char)(u & 0xff);
        u >>= 8;
    }
}

static int64_t get_be64(const char *p)
{
    const unsigned char *q = (const unsigned char *)p;
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | q[i];
    return (int64_t)u;
}

/* A statement's parameters: each one's bytes live in buf. */
enum { MAXP = 21, VALSIZE = 32 };
typedef struct params {
    const char *values[MAXP];
    int lengths[MAXP];
    int formats[MAXP];
    char buf[MAXP][VALSIZE];
} params;

static void set_int(params *p, int i, int64_t v)
{
    if (textfmt) {
        p->lengths[i] = snprintf(p->buf[i], VALSIZE, "%lld", (long long)v);
        p->formats[i] = 0;
    } else {
        put_be64(p->buf[i], v);
        p->lengths[i] = 8;
        p->formats[i] = 1;
    }
    p->values[i] = p->buf[i];
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD HH:MM:SS.ffffff" of us microseconds since 1970 (UTC); the
 * date and time of day formatted again only when the second changes. */
static void time_text(int64_t us, char buf[27])
{
    static int64_t last_sec = -1;
    static char last[20];
    int64_t secs = us / 1000000;
    if (secs != last_sec) {
        int64_t z = secs / 86400 + 719468, sod = secs % 86400;
        int64_t era = z / 146097, doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
        int y = (int)(yoe + era * 400 + (m <= 2));
        put2(last, y / 100);
        put2(last + 2, y % 100);
        last[4] = '-';
        put2(last + 5, m);
        last[7] = '-';
        put2(last + 8, d);
        last[10] = ' ';
        put2(last + 11, (int)(sod / 3600));
        last[13] = ':';
        put2(last + 14, (int)(sod / 60 % 60));
        last[16] = ':';
        put2(last + 17, (int)(sod % 60));
        last[19] = '.';
        last_sec = secs;
    }
    int f = (int)(us % 1000000);
    memcpy(buf, last, 20);
    put2(buf + 20, f / 10000);
    put2(buf + 22, f / 100 % 100);
    put2(buf + 24, f % 100);
    buf[26] = '\0';
}

/* The client's clock, for the default(now) columns: every row gets its own
 * reading, as the API's. */
static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void set_time(params *p, int i, int64_t us)
{
    if (textfmt) {
        time_text(us, p->buf[i]);
        p->lengths[i] = 26;
        p->formats[i] = 0;
    } else {
        put_be64(p->buf[i], us - PG_EPOCH_US);
        p->lengths[i] = 8;
        p->formats[i] = 1;
    }
    p->values[i] = p->buf[i];
}

static void set_text(params *p, int i, const char *s, int len)
{
    p->values[i] = s;
    p->lengths[i] = len;
    p->formats[i] = 0;
}

/* ---- reading results ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static inline int d2(const char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

static int64_t get_int(const PGresult *r, int row, int col)
{
    const char *v = PQgetvalue(r, row, col);
    return textfmt ? strtoll(v, NULL, 10) : get_be64(v);
}

/* A datetime column: microseconds since 1970; false for NULL.  Text is
 * "YYYY-MM-DD HH:MM:SS" with up to six digits of fraction (PostgreSQL drops
 * trailing zeros); the program reads only what the benchmark wrote, so
 * nothing is validated beyond the length, as in raw.c.  Rows written close
 * together share their date: the last date's day number is kept. */
static bool get_time(const PGresult *r, int row, int col, int64_t *out)
{
    static char last_date[10];
    static int64_t last_days;
    if (PQgetisnull(r, row, col)) {
        *out = 0;
        return false;
    }
    const char *t = PQgetvalue(r, row, col);
    if (!textfmt) {
        *out = get_be64(t) + PG_EPOCH_US;
        return true;
    }
    int len = PQgetlength(r, row, col);
    if (len < 19) {
        *out = 0;
        return false;
    }
    if (memcmp(t, last_date, 10) != 0) {
        last_days = days_from_civil(d2(t) * 100 + d2(t + 2), d2(t + 5), d2(t + 8));
        memcpy(last_date, t, 10);
    }
    int64_t us = 0;
    for (int i = 20, k = 0; k < 6; i++, k++)
        us = us * 10 + (i < len ? t[i] - '0' : 0);
    *out = (last_days * 86400 + d2(t + 11) * 3600 + d2(t + 14) * 60 + d2(t + 17)) * 1000000 + us;
    return true;
}

/* A user (id, email, create_dttm) or a product (id, title, create_dttm),
 * its text borrowed from the result. */
typedef struct Row {
    int64_t id;
    const char *text;
    int len;
    int64_t dttm;
    bool has_dttm;
} Row;

typedef struct Order {
    int64_t id, user_id, product_id, dttm;
    bool has_user_id, has_product_id, has_dttm;
} Order;

static void read_row(const PGresult *r, int row, int c, Row *out)
{
    out->id = get_int(r, row, c);
    out->text = PQgetisnull(r, row, c + 1) ? NULL : PQgetvalue(r, row, c + 1);
    out->len = PQgetlength(r, row, c + 1);
    out->has_dttm = get_time(r, row, c + 2, &out->dttm);
}

static void read_order(const PGresult *r, int row, int c, Order *o)
{
    o->id = get_int(r, row, c);
    o->has_user_id = !PQgetisnull(r, row, c + 1);
    o->user_id = o->has_user_id ? get_int(r, row, c + 1) : 0;
    o->has_product_id = !PQgetisnull(r, row, c + 2);
    o->product_id = o->has_product_id ? get_int(r, row, c + 2) : 0;
    o->has_dttm = get_time(r, row, c + 3, &o->dttm);
}

/* ---- statements ---- */

static void exec(const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        die_res(sql, r);
    PQclear(r);
}

static void prepare(const char *name, const char *sql, int n, const Oid *types)
{
    PGresult *r = PQprepare(conn, name, sql, n, types);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die_res(sql, r);
    PQclear(r);
}

static bool want_ok(PGresult *r, bool rows)
{
    return PQresultStatus(r) == (rows ? PGRES_TUPLES_OK : PGRES_COMMAND_OK);
}

/* In pipeline mode: queue the execution of a prepared statement. */
static void send(const char *name, int n, const params *p)
{
    if (!PQsendQueryPrepared(conn, name, n, n > 0 ? p->values : NULL, n > 0 ? p->lengths : NULL,
                             n > 0 ? p->formats : NULL, textfmt ? 0 : 1))
        die(name);
}

static void send_plain(const char *name)
{
    if (!PQsendQueryPrepared(conn, name, 0, NULL, NULL, NULL, 0))
        die(name);
}

/* In pipeline mode: the next queued statement's result (rows or not),
 * checked; the caller clears it. */
static PGresult *next_result(const char *what, bool rows)
{
    PGresult *r = PQgetResult(conn);
    if (r == NULL || !want_ok(r, rows))
        die_res(what, r);
    PGresult *end = PQgetResult(conn); /* each statement's results end with NULL */
    if (end != NULL)
        die_res(what, end);
    return r;
}

static void skip_result(const char *what)
{
    PQclear(next_result(what, false));
}

static void sync(void)
{
    if (!PQpipelineSync(conn))
        die("PQpipelineSync");
}

static void sync_result(void)
{
    PGresult *r = PQgetResult(conn);
    if (r == NULL || PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        die_res("pipeline sync", r);
    PQclear(r);
}

static void enter_pipeline(void)
{
    if (!PQenterPipelineMode(conn))
        die("PQenterPipelineMode");
}

static void exit_pipeline(void)
{
    if (!PQexitPipelineMode(conn))
        die("PQexitPipelineMode");
}

/* Queue one execution of a statement (with --variant protect, inside its
 * own savepoint: SAVEPOINT, the statement, RELEASE). */
static void queue(const char *name, int n, const params *p)
{
    if (protect)
        send_plain("sp_set");
    send(name, n, p);
    if (protect)
        send_plain("sp_release");
}

/* The result of a statement queued by queue(). */
static PGresult *dequeue(const char *what, bool rows)
{
    if (protect)
        skip_result("SAVEPOINT");
    PGresult *r = next_result(what, rows);
    if (protect)
        skip_result("RELEASE");
    return r;
}

/* One statement, one round trip: its result (rows or not), checked.
 * Without protection a plain PQexecPrepared; with it a pipeline of three. */
static PGresult *run(const char *name, int n, const params *p, bool rows)
{
    if (!protect) {
        PGresult *r = PQexecPrepared(conn, name, n, n > 0 ? p->values : NULL, n > 0 ? p->lengths : NULL,
                                     n > 0 ? p->formats : NULL, textfmt ? 0 : 1);
        if (!want_ok(r, rows))
            die_res(name, r);
        return r;
    }
    enter_pipeline();
    queue(name, n, p);
    sync();
    PGresult *r = dequeue(name, rows);
    sync_result();
    exit_pipeline();
    return r;
}

static int64_t count(const char *table)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        die_res(sql, r);
    int64_t n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

/* ---- the phases ---- */

/* Units sent ahead of their results: 1 (each waited for), or the batch. */
static int64_t window(void)
{
    return pipelined ? batch : 1;
}

static void phase_insert(int64_t N, int64_t *uid, int64_t *pid)
{
    const int64_t P = N / 10;
    const bool single = has("single"), stamp = has("stamp");
    const Oid t_user[2] = { 0, TIMESTAMPOID }, t_product[2] = { 0, TIMESTAMPOID }, t_order[3] = { INT8OID, INT8OID,
                                                                                              TIMESTAMPOID };
    Oid t_orders10[21];
    char sql[1024];
    int len = snprintf(sql, sizeof sql, "INSERT INTO orders (user_id, product_id, dttm) VALUES ");
    t_orders10[0] = INT8OID;
    for (int k = 0; k < 10; k++) {
        len += snprintf(sql + len, sizeof sql - (size_t)len, "%s($1, $%d, $%d)", k > 0 ? ", " : "", 2 * k + 2,
                        2 * k + 3);
        t_orders10[2 * k + 1] = INT8OID;
        t_orders10[2 * k + 2] = TIMESTAMPOID;
    }
    snprintf(sql + len, sizeof sql - (size_t)len, " RETURNING id, product_id");
    prepare("ins_user", stamp ? "INSERT INTO users (email, create_dttm) VALUES ($1, $2) RETURNING id"
                              : "INSERT INTO users (email) VALUES ($1) RETURNING id",
            stamp ? 2 : 1, t_user);
    prepare("ins_product", "INSERT INTO products (title, create_dttm) VALUES ($1, $2) RETURNING id", 2, t_product);
    prepare("ins_order", "INSERT INTO orders (user_id, product_id, dttm) VALUES ($1, $2, $3) RETURNING id", 3,
            t_order);
    prepare("ins_orders10", sql, 21, t_orders10);
    prepare("now", "SELECT LOCALTIMESTAMP", 0, NULL);

    const int64_t W = window();
    params *ps = xrealloc(NULL, (size_t)W * sizeof *ps);
    char(*text)[64] = xrealloc(NULL, (size_t)W * sizeof *text);
    uint64_t cs = 0;

    bench_phase ph = bench_start("insert");
    exec("BEGIN");
    if (pipelined)
        enter_pipeline();
    /* Users: create_dttm from the column's DEFAULT (CURRENT_TIMESTAMP, the
     * transaction's start), or with --variant stamp asked for first and
     * bound, as the API does. */
    for (int64_t base = 1; base <= N; base += W) {
        int64_t end = base + W <= N + 1 ? base + W : N + 1;
        for (int64_t i = base; i < end; i++) {
            params *p = &ps[i - base];
            set_text(p, 0, text[i - base],
                     snprintf(text[i - base], sizeof text[0], "user%lld@example.com", (long long)i));
            if (stamp) {
                PGresult *r = run("now", 0, NULL, true);
                if (PQntuples(r) != 1)
                    die("SELECT LOCALTIMESTAMP");
                /* bound as it came, text; binary when the rest is */
                if (textfmt) {
                    memcpy(p->buf[1], PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0) + 1);
                    set_text(p, 1, p->buf[1], PQgetlength(r, 0, 0));
                } else {
                    memcpy(p->buf[1], PQgetvalue(r, 0, 0), 8);
                    p->values[1] = p->buf[1];
                    p->lengths[1] = 8;
                    p->formats[1] = 1;
                }
                PQclear(r);
            }
            if (!pipelined) {
                PGresult *r = run("ins_user", stamp ? 2 : 1, p, true);
                uid[i - 1] = get_int(r, 0, 0);
                PQclear(r);
                cs += cs_h2(0, (uint64_t)uid[i - 1]);
                continue;
            }
            queue("ins_user", stamp ? 2 : 1, p);
        }
        if (!pipelined)
            continue;
        sync();
        for (int64_t i = base; i < end; i++) {
            PGresult *r = dequeue("insert user", true);
            uid[i - 1] = get_int(r, 0, 0);
            PQclear(r);
            cs += cs_h2(0, (uint64_t)uid[i - 1]);
        }
        sync_result();
    }
    /* Products: create_dttm is default(now), the client's clock. */
    for (int64_t base = 1; base <= P; base += W) {
        int64_t end = base + W <= P + 1 ? base + W : P + 1;
        for (int64_t j = base; j < end; j++) {
            params *p = &ps[j - base];
            set_text(p, 0, text[j - base], snprintf(text[j - base], sizeof text[0], "product %lld", (long long)j));
            set_time(p, 1, now_us());
            if (!pipelined) {
                PGresult *r = run("ins_product", 2, p, true);
                pid[j - 1] = get_int(r, 0, 0);
                PQclear(r);
                cs += cs_h2(1, (uint64_t)pid[j - 1]);
                continue;
            }
            queue("ins_product", 2, p);
        }
        if (!pipelined)
            continue;
        sync();
        for (int64_t j = base; j < end; j++) {
            PGresult *r = dequeue("insert product", true);
            pid[j - 1] = get_int(r, 0, 0);
            PQclear(r);
            cs += cs_h2(1, (uint64_t)pid[j - 1]);
        }
        sync_result();
    }
    /* Orders: a user's ten in one statement, each row's id and product
     * read back from RETURNING (the pairing does not rest on row order). */
    for (int64_t base = 1; base <= N; base += W) {
        int64_t end = base + W <= N + 1 ? base + W : N + 1;
        for (int64_t i = base; i < end; i++) {
            params *p = &ps[i - base];
            if (single) {
                for (int64_t k = 0; k < 10; k++) {
                    int64_t prod = pid[(7 * i + k) % P];
                    set_int(p, 0, uid[i - 1]);
                    set_int(p, 1, prod);
                    set_time(p, 2, now_us());
                    if (!pipelined) {
                        PGresult *r = run("ins_order", 3, p, true);
                        cs += cs_h3((uint64_t)get_int(r, 0, 0), (uint64_t)uid[i - 1], (uint64_t)prod);
                        PQclear(r);
                    } else {
                        queue("ins_order", 3, p);
                    }
                }
                continue;
            }
            set_int(p, 0, uid[i - 1]);
            for (int k = 0; k < 10; k++) {
                set_int(p, 2 * k + 1, pid[(7 * i + k) % P]);
                set_time(p, 2 * k + 2, now_us());
            }
            if (!pipelined) {
                PGresult *r = run("ins_orders10", 21, p, true);
                if (PQntuples(r) != 10)
                    die("insert orders: not ten rows back");
                for (int k = 0; k < 10; k++)
                    cs += cs_h3((uint64_t)get_int(r, k, 0), (uint64_t)uid[i - 1], (uint64_t)get_int(r, k, 1));
                PQclear(r);
                continue;
            }
            queue("ins_orders10", 21, p);
        }
        if (!pipelined)
            continue;
        sync();
        for (int64_t i = base; i < end; i++) {
            if (single) {
                for (int64_t k = 0; k < 10; k++) {
                    PGresult *r = dequeue("insert order", true);
                    cs += cs_h3((uint64_t)get_int(r, 0, 0), (uint64_t)uid[i - 1], (uint64_t)pid[(7 * i + k) % P]);
                    PQclear(r);
                }
                continue;
            }
            PGresult *r = dequeue("insert orders", true);
            if (PQntuples(r) != 10)
                die("insert orders: not ten rows back");
            for (int k = 0; k < 10; k++)
                cs += cs_h3((uint64_t)get_int(r, k, 0), (uint64_t)uid[i - 1], (uint64_t)get_int(r, k, 1));
            PQclear(r);
        }
        sync_result();
    }
    if (pipelined)
        exit_pipeline();
    exec("COMMIT");
    bench_end(ph, N + P + 10 * N, cs);
    free(ps);
    free(text);
}

/* A collection's rows, pointing into its result, sorted by id. */
typedef struct Kept {
    Row *rows, *tmp;
    size_t n, cap;
} Kept;

/* Sort by id: one pass finds rows already in order (nearly always, on this
 * workload), else an insertion sort up to 16 rows and a merge sort beyond.
 * Stable, so repeats stay adjacent. */
static void sort_kept(Kept *k)
{
    Row *r = k->rows;
    size_t n = k->n, i = 1;
    while (i < n && r[i - 1].id <= r[i].id)
        i++;
    if (i >= n)
        return;
    if (n <= 16) {
        for (i = 1; i < n; i++) {
            Row x = r[i];
            size_t j = i;
            for (; j > 0 && r[j - 1].id > x.id; j--)
                r[j] = r[j - 1];
            r[j] = x;
        }
        return;
    }
    Row *src = r, *dst = k->tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                dst[o++] = src[b].id < src[a].id ? src[b++] : src[a++];
            while (a < mid)
                dst[o++] = src[a++];
            while (b < hi)
                dst[o++] = src[b++];
        }
        Row *t = src;
        src = dst;
        dst = t;
    }
    if (src != r)
        memcpy(r, src, n * sizeof *r);
}

/* One owner's collection from its result: each target once, in id order.
 * checksum term: h(owner, target, len(text)) + [target's datetime not NULL]. */
static void tally_many(PGresult *r, int64_t owner, bool sorted, Kept *k, uint64_t *cs, long long *rows)
{
    int n = PQntuples(r);
    if (sorted) { /* the server ordered them (--variant in): skip repeats */
        int64_t prev = 0;
        for (int i = 0; i < n; i++) {
            Row t;
            read_row(r, i, 0, &t);
            if (i > 0 && t.id == prev)
                continue;
            prev = t.id;
            *cs += cs_h3((uint64_t)owner, (uint64_t)t.id, (uint64_t)t.len) + t.has_dttm;
            (*rows)++;
        }
        return;
    }
    if ((size_t)n > k->cap) {
        k->cap = (size_t)n * 2;
        k->rows = xrealloc(k->rows, k->cap * sizeof *k->rows);
        k->tmp = xrealloc(k->tmp, k->cap * sizeof *k->tmp);
    }
    k->n = (size_t)n;
    for (int i = 0; i < n; i++)
        read_row(r, i, 0, &k->rows[i]);
    sort_kept(k);
    for (size_t j = 0; j < k->n; j++) {
        const Row *t = &k->rows[j];
        if (j > 0 && t->id == t[-1].id)
            continue; /* the pair linked twice: each target once */
        *cs += cs_h3((uint64_t)owner, (uint64_t)t->id, (uint64_t)t->len) + t->has_dttm;
        (*rows)++;
    }
}

/* For every owner (all users, or all products, by id), load its
 * many-to-many collection. */
static void phase_many(const char *name, const char *owners, const char *owner_col, const char *target)
{
    const bool in = has("in");
    const bool users = strcmp(target, "users") == 0;
    const char *tkey = users ? "user_id" : "product_id", *ttext = users ? "email" : "title";
    char sql[512];
    if (in)
        snprintf(sql, sizeof sql, "SELECT id, %s, create_dttm FROM %s WHERE id IN (SELECT %s FROM orders WHERE %s = $1) "
                 "ORDER BY id", ttext, target, tkey, owner_col);
    else
        snprintf(sql, sizeof sql, "SELECT t.id, t.%s, t.create_dttm FROM orders o JOIN %s t ON t.id = o.%s WHERE o.%s = $1",
                 ttext, target, tkey, owner_col);
    const Oid t_key[1] = { INT8OID };
    prepare(name, sql, 1, t_key);
    const int64_t W = window();
    params *ps = xrealloc(NULL, (size_t)W * sizeof *ps);
    int64_t *ids = xrealloc(NULL, (size_t)W * sizeof *ids);
    Kept k = { 0 };
    uint64_t cs = 0;
    long long rows = 0;

    bench_phase ph = bench_start(name);
    exec("BEGIN");
    PGresult *own = run(owners, 0, NULL, true);
    int n = PQntuples(own);
    if (pipelined)
        enter_pipeline();
    for (int base = 0; base < n; base += (int)W) {
        int end = base + W <= n ? base + (int)W : n;
        for (int i = base; i < end; i++) {
            Row owner;
            read_row(own, i, 0, &owner);
            ids[i - base] = owner.id;
            set_int(&ps[i - base], 0, owner.id);
            if (!pipelined) {
                PGresult *r = run(name, 1, &ps[i - base], true);
                tally_many(r, owner.id, in, &k, &cs, &rows);
                PQclear(r);
                continue;
            }
            queue(name, 1, &ps[i - base]);
        }
        if (!pipelined)
            continue;
        sync();
        for (int i = base; i < end; i++) {
            PGresult *r = dequeue(name, true);
            tally_many(r, ids[i - base], in, &k, &cs, &rows);
            PQclear(r);
        }
        sync_result();
    }
    if (pipelined)
        exit_pipeline();
    PQclear(own);
    exec("COMMIT");
    bench_end(ph, rows, cs);
    free(k.rows);
    free(k.tmp);
    free(ps);
    free(ids);
}

/* One user's orders with their products (columns as below), or with
 * --variant lookup its orders alone (the products come one by one).
 * checksum term: h(user, order, product, len(title)) + [order.dttm not NULL]
 * + [product.create_dttm not NULL], for each order with a product. */
static void tally_orders(PGresult *r, int64_t user, uint64_t *cs, long long *rows)
{
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        Order od;
        Row p;
        read_order(r, i, 0, &od);
        if (PQgetisnull(r, i, 4))
            continue; /* no product */
        read_row(r, i, 4, &p);
        *cs += cs_h4((uint64_t)user, (uint64_t)od.id, (uint64_t)p.id, (uint64_t)p.len) + od.has_dttm + p.has_dttm;
        (*rows)++;
    }
}

static void phase_user_orders(void)
{
    const bool lookup = has("lookup");
    const Oid t_key[1] = { INT8OID };
    prepare("orders_of",
            lookup ? "SELECT id, user_id, product_id, dttm FROM orders WHERE user_id = $1 ORDER BY id"
                   : "SELECT o.id, o.user_id, o.product_id, o.dttm, p.id, p.title, p.create_dttm "
                     "FROM orders o LEFT JOIN products p ON p.id = o.product_id WHERE o.user_id = $1 ORDER BY o.id",
            1, t_key);
    prepare("product_by_id", "SELECT id, title, create_dttm FROM products WHERE id = $1", 1, t_key);
    const int64_t W = window();
    params *ps = xrealloc(NULL, (size_t)W * sizeof *ps);
    int64_t *ids = xrealloc(NULL, (size_t)W * sizeof *ids);
    Order *orders = NULL;
    size_t cap = 0;
    uint64_t cs = 0;
    long long rows = 0;

    bench_phase ph = bench_start("user_orders_product");
    exec("BEGIN");
    PGresult *users = run("all_users", 0, NULL, true);
    int n = PQntuples(users);
    if (pipelined && !lookup)
        enter_pipeline();
    for (int base = 0; base < n; base += (int)W) {
        int end = base + W <= n ? base + (int)W : n;
        for (int i = base; i < end; i++) {
            Row u;
            read_row(users, i, 0, &u);
            ids[i - base] = u.id;
            set_int(&ps[i - base], 0, u.id);
            if (pipelined && !lookup) {
                queue("orders_of", 1, &ps[i - base]);
                continue;
            }
            PGresult *r = run("orders_of", 1, &ps[i - base], true);
            if (!lookup) {
                tally_orders(r, u.id, &cs, &rows);
                PQclear(r);
                continue;
            }
            /* The API's shape: the orders as a list, then each one's
             * product by its key, a round trip each. */
            size_t len = (size_t)PQntuples(r);
            if (len > cap)
                orders = xrealloc(orders, (cap = 2 * len) * sizeof *orders);
            for (size_t j = 0; j < len; j++)
                read_order(r, (int)j, 0, &orders[j]);
            PQclear(r);
            for (size_t j = 0; j < len; j++) {
                const Order *od = &orders[j];
                Row p;
                if (!od->has_product_id)
                    continue;
                params q;
                set_int(&q, 0, od->product_id);
                PGresult *pr = run("product_by_id", 1, &q, true);
                if (PQntuples(pr) != 1)
                    die("order.product");
                read_row(pr, 0, 0, &p);
                cs += cs_h4((uint64_t)u.id, (uint64_t)od->id, (uint64_t)p.id, (uint64_t)p.len) + od->has_dttm +
                      p.has_dttm;
                rows++;
                PQclear(pr);
            }
        }
        if (!pipelined || lookup)
            continue;
        sync();
        for (int i = base; i < end; i++) {
            PGresult *r = dequeue("orders_of", true);
            tally_orders(r, ids[i - base], &cs, &rows);
            PQclear(r);
        }
        sync_result();
    }
    if (pipelined && !lookup)
        exit_pipeline();
    PQclear(users);
    exec("COMMIT");
    bench_end(ph, rows, cs);
    free(orders);
    free(ps);
    free(ids);
}

/* Delete every tenth user with its orders (the relationship's cascade),
 * one user at a time: the two DELETEs sent together, one round trip per
 * user, the user's row count checked.  checksum: h(0, user) per deleted
 * user + h(users left, orders left). */
static void phase_delete(int64_t N, const int64_t *uid)
{
    const bool sync_each = has("sync"), cte = has("cte"), savepoint = has("savepoint");
    const Oid t_key[1] = { INT8OID };
    prepare("del_orders", "DELETE FROM orders WHERE user_id = $1", 1, t_key);
    prepare("del_user", "DELETE FROM users WHERE id = $1", 1, t_key);
    prepare("del_user_cte", "WITH o AS (DELETE FROM orders WHERE user_id = $1) DELETE FROM users WHERE id = $1", 1,
            t_key);
    int64_t users0 = count("users"), orders0 = count("orders");
    /* the units: users 10, 20, ... */
    const int64_t units = N / 10, W = pipelined ? batch : 1;
    params *ps = xrealloc(NULL, (size_t)W * sizeof *ps);
    uint64_t cs = 0;

    bench_phase ph = bench_start("delete");
    exec("BEGIN");
    /* One round trip per user (or per batch when pipelined); with sync,
     * savepoint or protect, one per statement as the API. */
    const bool piped = !sync_each && !savepoint && !protect;
    if (piped)
        enter_pipeline();
    for (int64_t base = 0; base < units; base += W) {
        int64_t end = base + W <= units ? base + W : units;
        for (int64_t u = base; u < end; u++) {
            int64_t id = uid[10 * (u + 1) - 1];
            params *p = &ps[u - base];
            set_int(p, 0, id);
            cs += cs_h2(0, (uint64_t)id);
            if (!piped) {
                PGresult *r;
                if (savepoint)
                    exec("SAVEPOINT assoc_tx");
                if (cte) {
                    r = run("del_user_cte", 1, p, false);
                } else {
                    PQclear(run("del_orders", 1, p, false));
                    r = run("del_user", 1, p, false);
                }
                if (strcmp(PQcmdTuples(r), "1") != 0)
                    die("delete user: no such row");
                PQclear(r);
                if (savepoint)
                    exec("RELEASE assoc_tx");
                continue;
            }
            if (cte) {
                send("del_user_cte", 1, p);
            } else {
                send("del_orders", 1, p);
                send("del_user", 1, p);
            }
            if (!pipelined)
                sync();
        }
        if (pipelined)
            sync();
        if (!piped)
            continue;
        /* with one sync per user (not pipelined) W is 1: read that user's */
        for (int64_t u = base; u < end; u++) {
            PGresult *r;
            if (!cte)
                skip_result("delete orders");
            r = next_result("delete user", false);
            if (strcmp(PQcmdTuples(r), "1") != 0)
                die("delete user: no such row");
            PQclear(r);
            if (!pipelined)
                sync_result();
        }
        if (pipelined)
            sync_result();
    }
    if (piped)
        exit_pipeline();
    exec("COMMIT");
    double ms = bench_stop(&ph);
    int64_t users1 = count("users"), orders1 = count("orders");
    cs += cs_h2((uint64_t)users1, (uint64_t)orders1);
    bench_report(&ph, ms, (users0 - users1) + (orders0 - orders1), cs);
    free(ps);
}

static void drop_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int main(int argc, char **argv)
{
    bench_opts o = bench_parse(argc, argv);
    const int64_t N = o.n, P = o.n / 10;
    variant = o.variant;
    pipelined = has("pipeline");
    textfmt = has("text");
    protect = has("protect");
    batch = variant_number("batch", 64);
    if (batch < 1)
        batch = 1;

    conn = PQconnectdb(o.db);
    if (PQstatus(conn) != CONNECTION_OK)
        die("connect");
    PQsetNoticeProcessor(conn, drop_notice, NULL);
    /* The session as libassoc sets it: datetimes in UTC (a user's
     * create_dttm is the column's DEFAULT, CURRENT_TIMESTAMP), ISO text. */
    exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8'");
    const char *idt = PQparameterStatus(conn, "integer_datetimes");
    if (idt == NULL || strcmp(idt, "on") != 0) {
        fprintf(stderr, "pg_raw: the server does not have integer datetimes\n");
        return 1;
    }
    prepare("all_users", "SELECT id, email, create_dttm FROM users ORDER BY id", 0, NULL);
    prepare("all_products", "SELECT id, title, create_dttm FROM products ORDER BY id", 0, NULL);
    prepare("sp_set", "SAVEPOINT assoc_stmt", 0, NULL);
    prepare("sp_release", "RELEASE SAVEPOINT assoc_stmt", 0, NULL);

    int64_t *uid = xrealloc(NULL, (size_t)N * sizeof *uid), *pid = xrealloc(NULL, (size_t)P * sizeof *pid);
    phase_insert(N, uid, pid);
    /* The planner's statistics of what was inserted, untimed, as every
     * implementation gathers them (bench/pg_run.py runs the server without
     * autovacuum, so that none starts in the middle of a timed phase). */
    exec("ANALYZE");
    phase_many("user_products", "all_users", "user_id", "products");
    phase_many("product_users", "all_products", "product_id", "users");
    phase_user_orders();
    phase_delete(N, uid);

    free(uid);
    free(pid);
    PQfinish(conn);
    bench_finish();
    return 0;
}
