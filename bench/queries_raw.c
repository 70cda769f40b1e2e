/* queries_raw.c - the queries benchmark hand-written against the sqlite3 C
 * API: the reference the generated API is measured against, as a sqlite3
 * expert writes each phase (README.md in this directory, "Queries and
 * batched loads").  queries.h has the options, the phases and checksums.
 *
 *   query_pages  one statement, prepared once: the orders joined to their
 *                buyer by the users' primary key, the buyer's email LIKE
 *                ?1, keyset "o.id < ?2" (INT64_MAX for the first page),
 *                ORDER BY o.id DESC LIMIT ?3: SQLite walks orders backwards
 *                from the key, no sort; the last id seen is the next key.
 *                Rows read whole, in place (datetimes parsed), no copy.
 *   user_products_load  the per-user loop: the users in id order, and for
 *                each one statement (prepared once) joining its orders,
 *                through ix_orders_user_id, to the products' primary key;
 *                the rows kept in a reused buffer (titles copied), sorted by
 *                product id in C, repeats skipped: each product once, in
 *                the relationship's order (the target's key), as the
 *                generated loads give them.
 *
 * Variants of query_pages (--variant): left, the generated statement's
 * LEFT JOIN (the path user.email read as a left join) instead of the JOIN;
 * rebind, the pattern bound again for every page as a function called once
 * per page binds it (SQLite then prepares the statement again: below).
 *
 * --build writes the data (queries.h) with the DDL of --schema and stops.
 *
 * Settings: its own, as bench/raw.c chooses them for reads: a 64 MiB page
 * cache, SQLite's memory statistics off (a process-wide sqlite3_config),
 * foreign keys on, WAL with synchronous=NORMAL.  --variant libassoc opens the
 * connection as assoc_open() does instead (statistics on, SQLite's 2 MB
 * cache).  --variant batch loads user.products for 100 users per statement
 * (IN (?1, ..., ?100)), the rows grouped and sorted in C: the batched load
 * written by hand, for comparison.
 */
#include <sqlite3.h>

#include "queries.h"

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "queries_raw: %s: %s\n", what, db != NULL ? sqlite3_errmsg(db) : "no connection");
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL) {
        fprintf(stderr, "queries_raw: out of memory\n");
        exit(1);
    }
    return p;
}

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die(sql);
    return st;
}

static void exec(const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(sql);
}

static void step_done(sqlite3_stmt *st, const char *what)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die(what);
    sqlite3_reset(st);
}

/* ---- datetimes: "YYYY-MM-DD HH:MM:SS[.ffffff]" <-> microseconds ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static inline int two(const unsigned char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Column col as a datetime; false for NULL.  The program reads what its
 * own --build wrote (19 or 26 characters), so the length is the only check;
 * the day of the last date converted is kept (rows share their date). */
static bool col_time(sqlite3_stmt *st, int col, int64_t *out)
{
    static unsigned char last_date[10];
    static int64_t last_days;
    const unsigned char *t = sqlite3_column_text(st, col);
    int len = sqlite3_column_bytes(st, col);
    if (t == NULL || (len != 19 && len != 26)) {
        *out = 0;
        return false;
    }
    if (memcmp(t, last_date, 10) != 0) {
        last_days = days_from_civil(two(t) * 100 + two(t + 2), two(t + 5), two(t + 8));
        memcpy(last_date, t, 10);
    }
    int64_t s = last_days * 86400 + two(t + 11) * 3600 + two(t + 14) * 60 + two(t + 17);
    *out = s * 1000000 + (len == 26 ? two(t + 20) * 10000 + two(t + 22) * 100 + two(t + 24) : 0);
    return true;
}

/* The current time as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC), for --build's
 * default(now) columns. */
static void now_text(char buf[27])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t secs = ts.tv_sec;
    gmtime_r(&secs, &tm);
    strftime(buf, 20, "%Y-%m-%d %H:%M:%S", &tm);
    long us = ts.tv_nsec / 1000;
    buf[19] = '.';
    for (int i = 25; i >= 20; i--, us /= 10)
        buf[i] = (char)('0' + us % 10);
    buf[26] = '\0';
}

/* ---- the connection ---- */

static void open_db(const char *path, const char *variant)
{
    const bool base = q_has(variant, "libassoc");
    if (!base && sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        die("sqlite3_config(SQLITE_CONFIG_MEMSTATUS)");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        die(path);
    sqlite3_busy_timeout(db, 5000);
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA temp_store=FILE");
    if (!base)
        exec("PRAGMA cache_size=-65536");
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 16, len = 0, n;
    char *buf = xrealloc(NULL, cap);
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* ---- --build: the workload's data ---- */

static void build(const q_opts *o)
{
    const int64_t N = o->n, P = o->n / 10;
    char *ddl = read_file(o->schema);
    exec("BEGIN IMMEDIATE");
    exec(ddl);
    free(ddl);
    sqlite3_stmt *ins_user = prep("INSERT INTO users (email) VALUES (?1)");
    sqlite3_stmt *ins_product = prep("INSERT INTO products (title, create_dttm) VALUES (?1, ?2)");
    sqlite3_stmt *ins_order = prep("INSERT INTO orders (user_id, product_id, dttm) VALUES (?1, ?2, ?3)");
    int64_t *uid = xrealloc(NULL, (size_t)N * sizeof *uid), *pid = xrealloc(NULL, (size_t)P * sizeof *pid);
    char text[64], now[27];

    for (int64_t i = 1; i <= N; i++) {
        int len = snprintf(text, sizeof text, "user%lld@example.com", (long long)i);
        sqlite3_bind_text(ins_user, 1, text, len, SQLITE_STATIC);
        step_done(ins_user, "insert user");
        uid[i - 1] = sqlite3_last_insert_rowid(db);
    }
    for (int64_t j = 1; j <= P; j++) {
        int len = snprintf(text, sizeof text, "product %lld", (long long)j);
        sqlite3_bind_text(ins_product, 1, text, len, SQLITE_STATIC);
        now_text(now);
        sqlite3_bind_text(ins_product, 2, now, 26, SQLITE_STATIC);
        step_done(ins_product, "insert product");
        pid[j - 1] = sqlite3_last_insert_rowid(db);
    }
    for (int64_t i = 1; i <= N; i++)
        for (int64_t k = 0; k < 10; k++) {
            sqlite3_bind_int64(ins_order, 1, uid[i - 1]);
            sqlite3_bind_int64(ins_order, 2, pid[(7 * i + k) % P]);
            now_text(now);
            sqlite3_bind_text(ins_order, 3, now, 26, SQLITE_STATIC);
            step_done(ins_order, "insert order");
        }
    exec("COMMIT");
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_finalize(ins_user);
    sqlite3_finalize(ins_product);
    sqlite3_finalize(ins_order);
    free(uid);
    free(pid);
}

/* ---- query_pages ---- */

static void phase_pages(const q_opts *o)
{
    const bool rebind = q_has(o->variant, "rebind");
    sqlite3_stmt *page = prep(q_has(o->variant, "left") ? "SELECT o.id, o.user_id, o.product_id, o.dttm FROM orders o "
                                                          "LEFT JOIN users u ON u.id = o.user_id "
                                                          "WHERE u.email LIKE ?1 AND (o.id < ?2) "
                                                          "ORDER BY o.id DESC LIMIT ?3"
                                                        : "SELECT o.id, o.user_id, o.product_id, o.dttm FROM orders o "
                                                          "JOIN users u ON u.id = o.user_id "
                                                          "WHERE u.email LIKE ?1 AND o.id < ?2 "
                                                          "ORDER BY o.id DESC LIMIT ?3");
    uint64_t cs = 0;
    long long rows = 0;
    int64_t after = INT64_MAX, pages = 0;

    bench_phase ph = bench_start("query_pages");
    sqlite3_bind_text(page, 1, o->pattern, -1, SQLITE_STATIC);
    sqlite3_bind_int64(page, 3, o->page);
    for (;;) {
        int rc, got = 0;
        if (rebind)
            sqlite3_bind_text(page, 1, o->pattern, -1, SQLITE_STATIC);
        sqlite3_bind_int64(page, 2, after);
        while ((rc = sqlite3_step(page)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(page, 0), dttm;
            bool has_dttm = col_time(page, 3, &dttm);
            /* NULL keys read as 0, as the API's records hold them */
            cs += q_page_term(pages, id, sqlite3_column_int64(page, 1), sqlite3_column_int64(page, 2), has_dttm);
            after = id;
            got++;
        }
        if (rc != SQLITE_DONE)
            die("query_pages");
        sqlite3_reset(page);
        if (got == 0)
            break;
        rows += got;
        pages++;
    }
    bench_end(ph, rows, cs);
    sqlite3_finalize(page);
}

/* ---- user_products_load ---- */

/* A product as kept for sorting: its title at an offset of the buffer. */
typedef struct Kept {
    int64_t id, dttm;
    size_t text, len;
    bool has_dttm;
} Kept;

typedef struct Keep {
    Kept *rows;
    size_t n, cap;
    char *text;
    size_t tlen, tcap;
} Keep;

/* Keep the product of columns c, c+1, c+2 of st. */
static void keep(Keep *k, sqlite3_stmt *st, int c)
{
    if (k->n == k->cap)
        k->rows = xrealloc(k->rows, (k->cap = k->cap != 0 ? 2 * k->cap : 64) * sizeof *k->rows);
    Kept *r = &k->rows[k->n++];
    const unsigned char *t = sqlite3_column_text(st, c + 1);
    r->id = sqlite3_column_int64(st, c);
    r->len = (size_t)sqlite3_column_bytes(st, c + 1);
    r->has_dttm = col_time(st, c + 2, &r->dttm);
    r->text = k->tlen;
    if (k->tlen + r->len > k->tcap) {
        while (k->tlen + r->len > k->tcap)
            k->tcap = k->tcap != 0 ? 2 * k->tcap : 4096;
        k->text = xrealloc(k->text, k->tcap);
    }
    if (t != NULL && r->len > 0)
        memcpy(k->text + k->tlen, t, r->len);
    k->tlen += r->len;
}

static int by_id(const void *a, const void *b)
{
    const Kept *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Sort rows [from, to) by product id: an insertion sort for a short run
 * (a user's ten orders), qsort otherwise; then add each product once. */
static void sort_and_sum(Keep *k, size_t from, size_t to, int64_t user, uint64_t *cs, long long *rows)
{
    Kept *r = k->rows + from;
    size_t n = to - from;
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            Kept x = r[i];
            size_t j = i;
            for (; j > 0 && r[j - 1].id > x.id; j--)
                r[j] = r[j - 1];
            r[j] = x;
        }
    } else {
        qsort(r, n, sizeof *r, by_id);
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && r[i].id == r[i - 1].id)
            continue; /* bought twice: the product once */
        *cs += q_load_term(user, r[i].id, r[i].len, r[i].has_dttm);
        (*rows)++;
    }
}

typedef struct UserRow {
    int64_t id, dttm;
    size_t email_len;
    bool has_dttm;
} UserRow;

static void read_user(sqlite3_stmt *st, UserRow *u)
{
    u->id = sqlite3_column_int64(st, 0);
    (void)sqlite3_column_text(st, 1);
    u->email_len = (size_t)sqlite3_column_bytes(st, 1);
    u->has_dttm = col_time(st, 2, &u->dttm);
}

static void phase_load(void)
{
    sqlite3_stmt *users = prep("SELECT id, email, create_dttm FROM users ORDER BY id");
    sqlite3_stmt *coll = prep("SELECT t.id, t.title, t.create_dttm FROM orders o "
                              "JOIN products t ON t.id = o.product_id WHERE o.user_id = ?1");
    sqlite3_stmt *begin = prep("BEGIN"), *commit = prep("COMMIT");
    Keep k = { 0 };
    uint64_t cs = 0;
    long long rows = 0;
    int rc;

    bench_phase ph = bench_start("user_products_load");
    step_done(begin, "BEGIN");
    while ((rc = sqlite3_step(users)) == SQLITE_ROW) {
        UserRow u;
        read_user(users, &u);
        sqlite3_bind_int64(coll, 1, u.id);
        k.n = k.tlen = 0;
        while ((rc = sqlite3_step(coll)) == SQLITE_ROW)
            keep(&k, coll, 0);
        if (rc != SQLITE_DONE)
            die("user.products");
        sqlite3_reset(coll);
        sort_and_sum(&k, 0, k.n, u.id, &cs, &rows);
    }
    if (rc != SQLITE_DONE)
        die("users");
    sqlite3_reset(users);
    step_done(commit, "COMMIT");
    bench_end(ph, rows, cs);
    free(k.rows);
    free(k.text);
    sqlite3_finalize(users);
    sqlite3_finalize(coll);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
}

/* The batched variants: 100 users per statement, the users read in id
 * order as the loop reads them.
 *   batch    IN (?1, ..., ?100) on orders.user_id, joined to the products'
 *            key, ORDER BY o.user_id (the index gives it): each user's rows
 *            together, sorted by product id in C, repeats skipped
 *   gensql   the generated user_products_load's statement, word for word:
 *            (index, key) pairs as a VALUES list, the products whose id is
 *            IN (SELECT product_id FROM orders WHERE user_id = p.k), ORDER BY
 *            p.i, t.id; rows read in place, in the order they come
 *   join     the same VALUES list joined to orders and products, ORDER BY
 *            p.i, t.id (SQLite's sorter), adjacent repeats skipped */
#define BATCH 100

enum batch_form { FORM_IN, FORM_GENSQL, FORM_JOIN };

static void phase_load_batch(enum batch_form form)
{
    char sql[4096];
    int len;
    if (form == FORM_IN) {
        len = snprintf(sql, sizeof sql,
                       "SELECT o.user_id, t.id, t.title, t.create_dttm FROM orders o "
                       "JOIN products t ON t.id = o.product_id WHERE o.user_id IN (?1");
        for (int i = 2; i <= BATCH; i++)
            len += snprintf(sql + len, sizeof sql - (size_t)len, ", ?%d", i);
        snprintf(sql + len, sizeof sql - (size_t)len, ") ORDER BY o.user_id");
    } else {
        len = snprintf(sql, sizeof sql, "WITH p(i, k) AS (VALUES (?1, ?2)");
        for (int i = 2; i <= BATCH; i++)
            len += snprintf(sql + len, sizeof sql - (size_t)len, ", (?%d, ?%d)", 2 * i - 1, 2 * i);
        snprintf(sql + len, sizeof sql - (size_t)len, "%s",
                 form == FORM_GENSQL ? ") SELECT t.id, t.title, t.create_dttm, p.i FROM p JOIN products t ON t.id IN "
                                       "(SELECT a.product_id FROM orders a WHERE a.user_id = p.k) ORDER BY p.i, t.id"
                                     : ") SELECT t.id, t.title, t.create_dttm, p.i FROM p JOIN orders a ON a.user_id = "
                                       "p.k JOIN products t ON t.id = a.product_id ORDER BY p.i, t.id");
    }
    sqlite3_stmt *users = prep("SELECT id, email, create_dttm FROM users ORDER BY id");
    sqlite3_stmt *coll = prep(sql);
    sqlite3_stmt *begin = prep("BEGIN"), *commit = prep("COMMIT");
    int64_t ids[BATCH];
    Keep k = { 0 };
    uint64_t cs = 0;
    long long rows = 0;
    int rc = SQLITE_ROW;

    bench_phase ph = bench_start("user_products_load");
    step_done(begin, "BEGIN");
    while (rc == SQLITE_ROW) {
        int n = 0, crc;
        while (n < BATCH && (rc = sqlite3_step(users)) == SQLITE_ROW) {
            UserRow u;
            read_user(users, &u);
            ids[n++] = u.id;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            die("users");
        if (n == 0)
            break;
        if (form != FORM_IN) {
            for (int i = 0; i < BATCH; i++)
                if (i < n) {
                    sqlite3_bind_int64(coll, 2 * i + 1, i);
                    sqlite3_bind_int64(coll, 2 * i + 2, ids[i]);
                } else {
                    sqlite3_bind_null(coll, 2 * i + 1);
                    sqlite3_bind_null(coll, 2 * i + 2);
                }
            int64_t last_i = -1, last_t = 0;
            while ((crc = sqlite3_step(coll)) == SQLITE_ROW) {
                int64_t i = sqlite3_column_int64(coll, 3), t = sqlite3_column_int64(coll, 0), dttm;
                if (i < 0 || i >= n)
                    die("a row of no user of the batch");
                if (i == last_i && t == last_t)
                    continue; /* bought twice */
                (void)sqlite3_column_text(coll, 1);
                size_t tlen = (size_t)sqlite3_column_bytes(coll, 1);
                bool has_dttm = col_time(coll, 2, &dttm);
                cs += q_load_term(ids[i], t, tlen, has_dttm);
                rows++;
                last_i = i;
                last_t = t;
            }
            if (crc != SQLITE_DONE)
                die("user.products");
            sqlite3_reset(coll);
            continue;
        }
        for (int i = 0; i < BATCH; i++)
            if (i < n)
                sqlite3_bind_int64(coll, i + 1, ids[i]);
            else
                sqlite3_bind_null(coll, i + 1);
        k.n = k.tlen = 0;
        int64_t user = 0;
        size_t from = 0;
        while ((crc = sqlite3_step(coll)) == SQLITE_ROW) {
            int64_t u = sqlite3_column_int64(coll, 0);
            if (k.n > 0 && u != user) {
                sort_and_sum(&k, from, k.n, user, &cs, &rows);
                from = k.n;
            }
            user = u;
            keep(&k, coll, 1);
        }
        if (crc != SQLITE_DONE)
            die("user.products");
        sqlite3_reset(coll);
        if (k.n > from)
            sort_and_sum(&k, from, k.n, user, &cs, &rows);
    }
    sqlite3_reset(users);
    step_done(commit, "COMMIT");
    bench_end(ph, rows, cs);
    free(k.rows);
    free(k.text);
    sqlite3_finalize(users);
    sqlite3_finalize(coll);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
}

int main(int argc, char **argv)
{
    q_opts o = q_parse(argc, argv);

    open_db(o.db, o.variant);
    if (o.build) {
        build(&o);
    } else {
        if (q_has(o.phases, "query_pages"))
            phase_pages(&o);
        if (q_has(o.phases, "user_products_load")) {
            if (q_has(o.variant, "batch"))
                phase_load_batch(FORM_IN);
            else if (q_has(o.variant, "gensql"))
                phase_load_batch(FORM_GENSQL);
            else if (q_has(o.variant, "join"))
                phase_load_batch(FORM_JOIN);
            else
                phase_load();
        }
    }
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    if (!o.build)
        bench_finish();
    return 0;
}
