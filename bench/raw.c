/* raw.c - the benchmark's workload hand-written against the sqlite3 C API:
 * the reference the generated API is measured against, the fastest correct
 * program a sqlite3 expert would write for each phase (README.md in this
 * directory, "The hand-written reference", says what it does and why, with
 * the figures of the alternatives).
 *
 * What it shares with the other implementations: the schema (--schema, the
 * generator's own DDL: tables, CHECK constraints, indexes), foreign keys
 * enforced, the data, each phase's results (rows and checksum), the shape
 * of the work as an application does it (one statement at a time per user
 * or product: a user's orders are inserted together, a user's or product's
 * collection loaded by one query, each user deleted on its own), and what
 * a row read is: the whole row (every column; datetimes parsed to
 * microseconds; text borrowed from SQLite, copied only when it must outlive
 * a step).
 *
 * What it chooses freely: the SQL, the connection settings, C-side work.
 *   insert   one INSERT per user and per product, one multi-row INSERT for a
 *            user's ten orders (ids from sqlite3_last_insert_rowid(), the
 *            headroom for consecutive ids checked once), in one transaction;
 *   user.products, product.users  a JOIN from orders through its index to
 *            the target's primary key, sorted by the target's id in C (the
 *            rows kept in a reused buffer), adjacent repeats skipped: each
 *            target once, in key order, without SQLite's sorter or the
 *            ephemeral index of IN (SELECT ...);
 *   user.orders and their products  one LEFT JOIN per user, in order id
 *            order straight from the index;
 *   delete   per user, its orders then the user, with no savepoint: any
 *            failure ends the program and so rolls back the whole phase.
 *   settings WAL with synchronous=NORMAL and foreign keys on, as libassoc;
 *            8 KiB pages; a 64 MiB page cache; secure_delete off; memory
 *            statistics off and statement journals in memory up to 1 MiB
 *            (process-wide sqlite3_config calls); no setting that gives up
 *            committed data on a process crash or risks the file on a power
 *            loss.
 *
 * Variants (--variant, words separated by commas), for the comparisons in
 * README.md; the benchmark runs the default:
 *   libassoc   the connection as assoc_open() makes it (foreign_keys=ON,
 *              temp_store=FILE, journal_mode=WAL, synchronous=NORMAL, busy
 *              timeout 5000 ms; memory statistics on), instead of the
 *              program's own settings
 *   memstatus  leave SQLite's memory statistics on
 *   NAME=VALUE run PRAGMA NAME=VALUE instead of the program's own value for
 *              that setting (page_size is applied before the schema exists);
 *              stmtjrnl_spill=BYTES sets SQLITE_CONFIG_STMTJRNL_SPILL instead
 *   in         many-to-many loads by IN (SELECT ...) ORDER BY, the generated
 *              code's SQL
 *   sorter     many-to-many loads by the JOIN with ORDER BY: SQLite sorts
 *   sortall    the C sort without its first pass that finds rows in order
 *   lookup     user.orders, then each order's product by its key: the
 *              generated API's shape
 *   single     one INSERT per order, as the generated API does
 *   savepoint  each user's delete in SAVEPOINT ... RELEASE, as the generated
 *              user_delete's atomic section
 */
#include <sqlite3.h>

#include "bench.h"

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "raw: %s: %s\n", what, db != NULL ? sqlite3_errmsg(db) : "no connection");
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL) {
        fprintf(stderr, "raw: out of memory\n");
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

/* ---- variants ---- */

static const char *variant = "";

/* The next word of the variant from *p: its length, *p moved past it. */
static size_t next_word(const char **p, const char **word)
{
    const char *e = strchr(*p, ',');
    size_t len = e != NULL ? (size_t)(e - *p) : strlen(*p);
    *word = *p;
    *p += len + (e != NULL);
    return len;
}

static bool has(const char *word)
{
    size_t n = strlen(word);
    const char *w;
    for (const char *p = variant; *p != '\0';)
        if (next_word(&p, &w) == n && memcmp(w, word, n) == 0)
            return true;
    return false;
}

/* ---- datetimes: "YYYY-MM-DD HH:MM:SS[.ffffff]", microseconds since 1970 ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* Now, as text, for the client-side default(now) columns (every row gets
 * its own reading of the clock); the date and time of day are formatted
 * again only when the second changes. */
static void now_text(char buf[27])
{
    static int64_t last_sec = -1;
    static char last[20];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t secs = ts.tv_sec;
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
    int us = (int)(ts.tv_nsec / 1000);
    memcpy(buf, last, 20);
    put2(buf + 20, us / 10000);
    put2(buf + 22, us / 100 % 100);
    put2(buf + 24, us % 100);
    buf[26] = '\0';
}

static inline int d2(const unsigned char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Column col as a datetime; false for NULL.  The benchmark's own data is
 * always well-formed (19 or 26 characters), so no validation beyond length.
 * Rows written close together share their date: the day number of the last
 * date converted is kept. */
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
        last_days = days_from_civil(d2(t) * 100 + d2(t + 2), d2(t + 5), d2(t + 8));
        memcpy(last_date, t, 10);
    }
    int64_t s = last_days * 86400 + d2(t + 11) * 3600 + d2(t + 14) * 60 + d2(t + 17);
    *out = s * 1000000 + (len == 26 ? d2(t + 20) * 10000 + d2(t + 22) * 100 + d2(t + 24) : 0);
    return true;
}

/* ---- rows as read: text borrowed from SQLite, times parsed ---- */

/* A user (id, email, create_dttm) or a product (id, title, create_dttm). */
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

/* Columns c, c+1, c+2 of st. */
static void read_row(sqlite3_stmt *st, int c, Row *r)
{
    r->id = sqlite3_column_int64(st, c);
    r->text = (const char *)sqlite3_column_text(st, c + 1);
    r->len = sqlite3_column_bytes(st, c + 1);
    r->has_dttm = col_time(st, c + 2, &r->dttm);
}

static void read_order(sqlite3_stmt *st, int c, Order *o)
{
    o->id = sqlite3_column_int64(st, c);
    o->has_user_id = sqlite3_column_type(st, c + 1) != SQLITE_NULL;
    o->user_id = sqlite3_column_int64(st, c + 1);
    o->has_product_id = sqlite3_column_type(st, c + 2) != SQLITE_NULL;
    o->product_id = sqlite3_column_int64(st, c + 2);
    o->has_dttm = col_time(st, c + 3, &o->dttm);
}

/* ---- a collection kept for sorting: rows with their text copied ---- */

typedef struct Kept {
    Row *rows, *tmp; /* tmp: the merge sort's other half */
    size_t n, cap;
    char *text;
    size_t tlen, tcap;
} Kept;

static void keep(Kept *k, const Row *r)
{
    if (k->n == k->cap) {
        k->cap = k->cap != 0 ? 2 * k->cap : 64;
        k->rows = xrealloc(k->rows, k->cap * sizeof *k->rows);
        k->tmp = xrealloc(k->tmp, k->cap * sizeof *k->tmp);
    }
    if (k->tlen + (size_t)r->len > k->tcap) {
        while (k->tlen + (size_t)r->len > k->tcap)
            k->tcap = k->tcap != 0 ? 2 * k->tcap : 4096;
        k->text = xrealloc(k->text, k->tcap);
    }
    Row *c = &k->rows[k->n++];
    *c = *r;
    /* text holds the offset until the collection is complete: the buffer
     * may move while it grows. */
    c->text = (const char *)(uintptr_t)k->tlen;
    if (r->len > 0)
        memcpy(k->text + k->tlen, r->text, (size_t)r->len);
    k->tlen += (size_t)r->len;
}

/* Sort the kept rows by id and point their text into the buffer.  Rows
 * often come in order already (on this workload they nearly always do), so
 * one pass looks for that first; otherwise short collections get an
 * insertion sort and longer ones a merge sort: O(n log n) however they
 * come.  Stable, so repeats stay adjacent. */
static void sort_kept(Kept *k, bool check)
{
    Row *r = k->rows;
    size_t n = k->n, i = 1;
    if (check)
        while (i < n && r[i - 1].id <= r[i].id)
            i++;
    if (i >= n) {
        /* in order */
    } else if (n <= 16) {
        for (i = 1; i < n; i++) {
            Row x = r[i];
            size_t j = i;
            for (; j > 0 && r[j - 1].id > x.id; j--)
                r[j] = r[j - 1];
            r[j] = x;
        }
    } else {
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
    for (i = 0; i < n; i++)
        r[i].text = k->text + (uintptr_t)r[i].text;
}

/* ---- the connection ---- */

typedef struct setting {
    const char *name, *value;
} setting;

/* The program's settings, in the order they are applied: page_size before
 * anything creates the file, journal_mode=WAL before the schema.
 * synchronous=NORMAL in WAL mode syncs at checkpoints only: a process crash
 * loses nothing committed, a power loss at most the last commits.  The cache
 * holds the whole database at N = 20,000 (14 MB) and most of it at 100,000
 * (71 MB).  8 KiB pages: half as many pages to find, write to the WAL and
 * checkpoint as with 4 KiB, for the same rows.  secure_delete=OFF: freed
 * space is not zeroed (Debian builds SQLite with it on).  temp_store=FILE,
 * the build's default, stated: with MEMORY the statement journals of the
 * multi-row inserts grow in 1 KiB chunks. */
static const setting tuned[] = {
    { "page_size", "8192" },   { "journal_mode", "WAL" },   { "synchronous", "NORMAL" },
    { "foreign_keys", "ON" },  { "cache_size", "-65536" },  { "secure_delete", "OFF" },
    { "temp_store", "FILE" },
};

/* As assoc_open() sets the connection up (through SQLite's own VFS: its
 * wrapper serves only savepoint sub-journals, and only --variant savepoint
 * has any). */
static const setting libassoc[] = {
    { "foreign_keys", "ON" },
    { "temp_store", "FILE" },
    { "journal_mode", "WAL" },
    { "synchronous", "NORMAL" },
};

static void pragma(const char *name, size_t name_len, const char *value, size_t value_len)
{
    char sql[160];
    snprintf(sql, sizeof sql, "PRAGMA %.*s=%.*s", (int)name_len, name, (int)value_len, value);
    exec(sql);
}

/* The value of NAME=VALUE in the variant: its length, or -1. */
static int variant_value(const char *name, const char **value)
{
    size_t n = strlen(name), len;
    const char *w;
    for (const char *p = variant; *p != '\0';)
        if ((len = next_word(&p, &w)) > n && memcmp(w, name, n) == 0 && w[n] == '=') {
            *value = w + n + 1;
            return (int)(len - n - 1);
        }
    return -1;
}

static void open_db(const char *path)
{
    const bool base = has("libassoc");
    const setting *s = base ? libassoc : tuned;
    const size_t n = base ? sizeof libassoc / sizeof *libassoc : sizeof tuned / sizeof *tuned;

    /* Process-wide, before SQLite is used.  No statistics on every
     * allocation (they take a global mutex each time).  Statement journals
     * (a multi-row INSERT has one: it must undo its first rows if a later
     * one fails) kept in memory up to 1 MiB, not 64 KiB: past the limit
     * SQLite moves the journal to a temporary file and keeps writing it there
     * until the transaction ends (the insert phase wrote 417 MB instead of
     * 140 with 4 KiB pages at N = 100,000, 715 MB instead of 27 with 8 KiB
     * pages at N = 20,000).  The journal is allocated in chunks of the
     * limit's size, so -1 (never a file) would mean 1 KiB chunks, and 10-18%
     * more instructions in the insert phase. */
    if (!base) {
        const char *v;
        int len = variant_value("stmtjrnl_spill", &v);
        if (!has("memstatus") && sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
            die("sqlite3_config(SQLITE_CONFIG_MEMSTATUS)");
        if (sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, len > 0 ? atoi(v) : 1 << 20) != SQLITE_OK)
            die("sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL)");
    }
    /* One thread uses the connection: no per-connection mutex. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die("open");
    sqlite3_busy_timeout(db, 5000);
    for (size_t i = 0; i < n; i++) {
        const char *v;
        int len = variant_value(s[i].name, &v);
        if (len < 0) {
            v = s[i].value;
            len = (int)strlen(v);
        }
        pragma(s[i].name, strlen(s[i].name), v, (size_t)len);
    }
    /* The variant's other NAME=VALUE words. */
    const char *w;
    for (const char *p = variant; *p != '\0';) {
        size_t len = next_word(&p, &w);
        const char *eq = memchr(w, '=', len);
        if (eq == NULL || ((size_t)(eq - w) == strlen("stmtjrnl_spill") && memcmp(w, "stmtjrnl_spill", 14) == 0))
            continue; /* not a pragma: applied above */
        bool listed = false;
        for (size_t i = 0; i < n; i++)
            listed |= strlen(s[i].name) == (size_t)(eq - w) && memcmp(s[i].name, w, (size_t)(eq - w)) == 0;
        if (!listed)
            pragma(w, (size_t)(eq - w), eq + 1, len - (size_t)(eq - w) - 1);
    }
}

static int64_t count(const char *table)
{
    char sql[64];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        die(sql);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
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

/* ---- the phases ---- */

static sqlite3_stmt *begin, *begin_write, *commit;

static void phase_insert(int64_t N, int64_t *uid, int64_t *pid)
{
    const int64_t P = N / 10;
    const bool single = has("single");
    sqlite3_stmt *ins_user = prep("INSERT INTO users (email) VALUES (?1)");
    sqlite3_stmt *ins_product = prep("INSERT INTO products (title, create_dttm) VALUES (?1, ?2)");
    sqlite3_stmt *ins_order = prep("INSERT INTO orders (user_id, product_id, dttm) VALUES (?1, ?2, ?3)");
    sqlite3_stmt *ins_orders10 = prep("INSERT INTO orders (user_id, product_id, dttm) VALUES "
                                      "(?1, ?2, ?3), (?1, ?4, ?5), (?1, ?6, ?7), (?1, ?8, ?9), (?1, ?10, ?11), "
                                      "(?1, ?12, ?13), (?1, ?14, ?15), (?1, ?16, ?17), (?1, ?18, ?19), (?1, ?20, ?21)");
    sqlite3_stmt *max_order = prep("SELECT max(id) FROM orders");
    char text[64], now[10][27];
    uint64_t cs = 0;

    bench_phase ph = bench_start("insert");
    step_done(begin_write, "BEGIN IMMEDIATE");
    for (int64_t i = 1; i <= N; i++) {
        int len = snprintf(text, sizeof text, "user%lld@example.com", (long long)i);
        sqlite3_bind_text(ins_user, 1, text, len, SQLITE_STATIC);
        step_done(ins_user, "insert user"); /* create_dttm: the column's DEFAULT (CURRENT_TIMESTAMP) */
        uid[i - 1] = sqlite3_last_insert_rowid(db);
        cs += cs_h2(0, (uint64_t)uid[i - 1]);
    }
    for (int64_t j = 1; j <= P; j++) {
        int len = snprintf(text, sizeof text, "product %lld", (long long)j);
        sqlite3_bind_text(ins_product, 1, text, len, SQLITE_STATIC);
        now_text(now[0]);
        sqlite3_bind_text(ins_product, 2, now[0], 26, SQLITE_STATIC);
        step_done(ins_product, "insert product");
        pid[j - 1] = sqlite3_last_insert_rowid(db);
        cs += cs_h2(1, (uint64_t)pid[j - 1]);
    }
    /* A multi-row INSERT gives its rows consecutive ids ending at
     * sqlite3_last_insert_rowid(): each new rowid is the largest in the table
     * plus one, as long as that stays below INT64_MAX (past it SQLite picks
     * unused ids at random).  The write lock is held since BEGIN IMMEDIATE,
     * so nobody else inserts: checking the headroom once is enough. */
    if (sqlite3_step(max_order) != SQLITE_ROW)
        die("max(orders.id)");
    if (sqlite3_column_int64(max_order, 0) > INT64_MAX - 10 * N)
        die("orders.id is too close to INT64_MAX for consecutive ids");
    sqlite3_reset(max_order);
    for (int64_t i = 1; i <= N; i++) {
        if (single) {
            for (int64_t k = 0; k < 10; k++) {
                int64_t p = pid[(7 * i + k) % P];
                sqlite3_bind_int64(ins_order, 1, uid[i - 1]);
                sqlite3_bind_int64(ins_order, 2, p);
                now_text(now[0]);
                sqlite3_bind_text(ins_order, 3, now[0], 26, SQLITE_STATIC);
                step_done(ins_order, "insert order");
                cs += cs_h3((uint64_t)sqlite3_last_insert_rowid(db), (uint64_t)uid[i - 1], (uint64_t)p);
            }
            continue;
        }
        sqlite3_bind_int64(ins_orders10, 1, uid[i - 1]);
        for (int k = 0; k < 10; k++) {
            sqlite3_bind_int64(ins_orders10, 2 * k + 2, pid[(7 * i + k) % P]);
            now_text(now[k]);
            sqlite3_bind_text(ins_orders10, 2 * k + 3, now[k], 26, SQLITE_STATIC);
        }
        step_done(ins_orders10, "insert orders");
        int64_t first = sqlite3_last_insert_rowid(db) - 9;
        for (int k = 0; k < 10; k++)
            cs += cs_h3((uint64_t)(first + k), (uint64_t)uid[i - 1], (uint64_t)pid[(7 * i + k) % P]);
    }
    step_done(commit, "COMMIT");
    bench_end(ph, N + P + 10 * N, cs);
    sqlite3_finalize(ins_user);
    sqlite3_finalize(ins_product);
    sqlite3_finalize(ins_order);
    sqlite3_finalize(ins_orders10);
    sqlite3_finalize(max_order);
}

/* For every owner (all users, or all products, by id), load its
 * many-to-many collection: each target once, in id order.  The default
 * query joins orders, through the owner's index, to the target's primary
 * key, in the index's order; the rows are kept (their text copied), sorted
 * in C, and repeats (two orders of one pair) skipped.  checksum term:
 * h(owner, target, len(text)) + [target's datetime not NULL]. */
static void phase_many(const char *name, sqlite3_stmt *owners, const char *owner_col, const char *target)
{
    const bool in = has("in"), sorter = has("sorter"), sortall = has("sortall");
    const char *tcols = strcmp(target, "users") == 0 ? "id, email, create_dttm" : "id, title, create_dttm";
    const char *tkey = strcmp(target, "users") == 0 ? "user_id" : "product_id";
    char sql[512];
    if (in)
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id IN (SELECT %s FROM orders WHERE %s = ?1) ORDER BY id",
                 tcols, target, tkey, owner_col);
    else
        snprintf(sql, sizeof sql,
                 "SELECT t.id, t.%s, t.create_dttm FROM orders o JOIN %s t ON t.id = o.%s WHERE o.%s = ?1%s",
                 strcmp(target, "users") == 0 ? "email" : "title", target, tkey, owner_col,
                 sorter ? " ORDER BY t.id" : "");
    sqlite3_stmt *coll = prep(sql);
    const bool kept = !in && !sorter; /* sorted in C */
    Kept k = { 0 };
    uint64_t cs = 0;
    long long rows = 0;
    int rc;

    bench_phase ph = bench_start(name);
    step_done(begin, "BEGIN");
    while ((rc = sqlite3_step(owners)) == SQLITE_ROW) {
        Row owner, t = { 0 };
        read_row(owners, 0, &owner);
        sqlite3_bind_int64(coll, 1, owner.id);
        if (kept) {
            k.n = k.tlen = 0;
            while ((rc = sqlite3_step(coll)) == SQLITE_ROW) {
                read_row(coll, 0, &t);
                keep(&k, &t);
            }
            if (rc != SQLITE_DONE)
                die(name);
            sqlite3_reset(coll);
            sort_kept(&k, !sortall);
            for (size_t j = 0; j < k.n; j++) {
                const Row *r = &k.rows[j];
                if (j > 0 && r->id == r[-1].id)
                    continue; /* the pair linked twice: each target once */
                cs += cs_h3((uint64_t)owner.id, (uint64_t)r->id, (uint64_t)r->len) + r->has_dttm;
                rows++;
            }
            continue;
        }
        /* SQLite orders the rows: by the ephemeral index of IN (SELECT ...),
         * or by its sorter, where repeats come adjacent. */
        bool any = false;
        while ((rc = sqlite3_step(coll)) == SQLITE_ROW) {
            if (any && sqlite3_column_int64(coll, 0) == t.id)
                continue;
            any = true;
            read_row(coll, 0, &t);
            cs += cs_h3((uint64_t)owner.id, (uint64_t)t.id, (uint64_t)t.len) + t.has_dttm;
            rows++;
        }
        if (rc != SQLITE_DONE)
            die(name);
        sqlite3_reset(coll);
    }
    if (rc != SQLITE_DONE)
        die(name);
    sqlite3_reset(owners);
    step_done(commit, "COMMIT");
    bench_end(ph, rows, cs);
    sqlite3_finalize(coll);
    free(k.rows);
    free(k.tmp);
    free(k.text);
}

/* For every user, its orders in id order and each order's product.
 * checksum term: h(user, order, product, len(title)) + [order.dttm not
 * NULL] + [product.create_dttm not NULL], for each order with a product. */
static void phase_user_orders(sqlite3_stmt *users)
{
    const bool lookup = has("lookup");
    sqlite3_stmt *orders_of =
        prep(lookup ? "SELECT id, user_id, product_id, dttm FROM orders WHERE user_id = ?1 ORDER BY id"
                    : "SELECT o.id, o.user_id, o.product_id, o.dttm, p.id, p.title, p.create_dttm "
                      "FROM orders o LEFT JOIN products p ON p.id = o.product_id WHERE o.user_id = ?1 ORDER BY o.id");
    sqlite3_stmt *product_by_id = prep("SELECT id, title, create_dttm FROM products WHERE id = ?1");
    Order *orders = NULL; /* lookup: one user's orders, the buffer reused */
    size_t cap = 0, len;
    uint64_t cs = 0;
    long long rows = 0;
    int rc;

    bench_phase ph = bench_start("user_orders_product");
    step_done(begin, "BEGIN");
    while ((rc = sqlite3_step(users)) == SQLITE_ROW) {
        Row u, p;
        read_row(users, 0, &u);
        sqlite3_bind_int64(orders_of, 1, u.id);
        if (!lookup) {
            while ((rc = sqlite3_step(orders_of)) == SQLITE_ROW) {
                Order od;
                read_order(orders_of, 0, &od);
                if (sqlite3_column_type(orders_of, 4) == SQLITE_NULL)
                    continue; /* no product */
                read_row(orders_of, 4, &p);
                cs += cs_h4((uint64_t)u.id, (uint64_t)od.id, (uint64_t)p.id, (uint64_t)p.len) + od.has_dttm +
                      p.has_dttm;
                rows++;
            }
            if (rc != SQLITE_DONE)
                die("user.orders");
            sqlite3_reset(orders_of);
            continue;
        }
        for (len = 0; (rc = sqlite3_step(orders_of)) == SQLITE_ROW; len++) {
            if (len == cap)
                orders = xrealloc(orders, (cap = cap != 0 ? 2 * cap : 16) * sizeof *orders);
            read_order(orders_of, 0, &orders[len]);
        }
        if (rc != SQLITE_DONE)
            die("user.orders");
        sqlite3_reset(orders_of);
        for (size_t j = 0; j < len; j++) {
            const Order *od = &orders[j];
            if (!od->has_product_id)
                continue;
            sqlite3_bind_int64(product_by_id, 1, od->product_id);
            if (sqlite3_step(product_by_id) != SQLITE_ROW)
                die("order.product");
            read_row(product_by_id, 0, &p);
            cs += cs_h4((uint64_t)u.id, (uint64_t)od->id, (uint64_t)p.id, (uint64_t)p.len) + od->has_dttm + p.has_dttm;
            rows++;
            sqlite3_reset(product_by_id);
        }
    }
    if (rc != SQLITE_DONE)
        die("users");
    sqlite3_reset(users);
    step_done(commit, "COMMIT");
    bench_end(ph, rows, cs);
    free(orders);
    sqlite3_finalize(orders_of);
    sqlite3_finalize(product_by_id);
}

/* Delete every tenth user with its orders (the relationship's cascade),
 * one user at a time.  The generated user_delete is atomic inside the
 * caller's transaction (a savepoint per user), so a caller can go on after
 * one fails; this program stops at any failure without committing, so the
 * whole phase rolls back, and it needs no savepoint for the same result
 * (--variant savepoint pays for one).  checksum: h(0, user) per deleted
 * user + h(users left, orders left). */
static void phase_delete(int64_t N, const int64_t *uid)
{
    const bool savepoint = has("savepoint");
    sqlite3_stmt *del_orders = prep("DELETE FROM orders WHERE user_id = ?1");
    sqlite3_stmt *del_user = prep("DELETE FROM users WHERE id = ?1");
    sqlite3_stmt *sp = prep("SAVEPOINT raw_tx"), *sp_release = prep("RELEASE raw_tx");
    int64_t users0 = count("users"), orders0 = count("orders");
    uint64_t cs = 0;

    bench_phase ph = bench_start("delete");
    step_done(begin_write, "BEGIN IMMEDIATE");
    for (int64_t i = 10; i <= N; i += 10) {
        if (savepoint)
            step_done(sp, "SAVEPOINT");
        sqlite3_bind_int64(del_orders, 1, uid[i - 1]);
        step_done(del_orders, "delete orders");
        sqlite3_bind_int64(del_user, 1, uid[i - 1]);
        step_done(del_user, "delete user");
        if (sqlite3_changes(db) != 1)
            die("delete user: no such row");
        if (savepoint)
            step_done(sp_release, "RELEASE");
        cs += cs_h2(0, (uint64_t)uid[i - 1]);
    }
    step_done(commit, "COMMIT");
    double ms = bench_stop(&ph);
    int64_t users1 = count("users"), orders1 = count("orders");
    cs += cs_h2((uint64_t)users1, (uint64_t)orders1);
    bench_report(&ph, ms, (users0 - users1) + (orders0 - orders1), cs);
    sqlite3_finalize(del_orders);
    sqlite3_finalize(del_user);
    sqlite3_finalize(sp);
    sqlite3_finalize(sp_release);
}

int main(int argc, char **argv)
{
    bench_opts o = bench_parse(argc, argv);
    const int64_t N = o.n, P = o.n / 10;
    variant = o.variant;

    if (o.schema == NULL) {
        fprintf(stderr, "raw: --schema FILE.sql is required\n");
        return 2;
    }
    open_db(o.db);
    char *ddl = read_file(o.schema);
    exec("BEGIN");
    exec(ddl);
    exec("COMMIT");
    free(ddl);

    begin = prep("BEGIN");
    begin_write = prep("BEGIN IMMEDIATE");
    commit = prep("COMMIT");
    int64_t *uid = xrealloc(NULL, (size_t)N * sizeof *uid), *pid = xrealloc(NULL, (size_t)P * sizeof *pid);
    sqlite3_stmt *all_users = prep("SELECT id, email, create_dttm FROM users ORDER BY id");
    sqlite3_stmt *all_products = prep("SELECT id, title, create_dttm FROM products ORDER BY id");

    phase_insert(N, uid, pid);
    phase_many("user_products", all_users, "user_id", "products");
    phase_many("product_users", all_products, "product_id", "users");
    phase_user_orders(all_users);
    phase_delete(N, uid);

    sqlite3_finalize(all_users);
    sqlite3_finalize(all_products);
    sqlite3_finalize(begin);
    sqlite3_finalize(begin_write);
    sqlite3_finalize(commit);
    free(uid);
    free(pid);
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    bench_finish();
    return 0;
}
