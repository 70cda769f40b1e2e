/* raw.c - the benchmark's workload hand-written against the sqlite3 C API.
 *
 * The strong reference the generated API is measured against: every
 * statement prepared once (SQLITE_PREPARE_PERSISTENT) and reused, one
 * transaction per phase, the connection set up as libassoc's assoc_open()
 * does (foreign_keys=ON, temp_store=FILE, busy timeout 5000 ms, and for a
 * file journal_mode=WAL and synchronous=NORMAL; libassoc's own VFS, which
 * keeps savepoint sub-journals in memory, matters only to savepoints, which
 * this program uses only in --variant savepoint), and the schema from the
 * generator's own DDL (--schema), so the tables, CHECK constraints and
 * indexes are the same.
 *
 * It does the same logical work as the generated API: rows are read whole
 * (id, text, datetime parsed to microseconds), many-to-many collections hold
 * each target once, ordered by key, and client-side defaults (datetime now)
 * are computed per row.  What it does not do is what a careful C programmer
 * would not: no copies of strings that are only looked at, no list
 * allocations (one buffer reused), no RETURNING where last_insert_rowid()
 * serves, no savepoint around a two-statement delete inside a transaction.
 *
 * Variants, for the performance notes in README.md (the benchmark runs the
 * default):
 *   --variant join       load many-to-many collections with a JOIN instead of
 *                        IN (subquery) -- the same result here, since no pair
 *                        is linked twice -- to compare the two query shapes
 *   --variant returning  insert with "... RETURNING id" (and the user's
 *                        create_dttm) as the generated code does, instead of
 *                        sqlite3_last_insert_rowid()
 *   --variant savepoint  wrap each user's delete (its orders, then the user) in
 *                        SAVEPOINT/RELEASE, as the generated user_delete's
 *                        atomic section does inside the caller's transaction
 */
#include <sqlite3.h>

#include "bench.h"

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "raw: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
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

/* --- datetimes: "YYYY-MM-DD HH:MM:SS.ffffff", microseconds since 1970 --- */

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

/* Now, as text, for the client-side default(now) columns. */
static void now_text(char buf[27])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t secs = ts.tv_sec, us = ts.tv_nsec / 1000;
    int64_t z = secs / 86400 + 719468, sod = secs % 86400;
    int64_t era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2));
    put2(buf, y / 100);
    put2(buf + 2, y % 100);
    buf[4] = '-';
    put2(buf + 5, m);
    buf[7] = '-';
    put2(buf + 8, d);
    buf[10] = ' ';
    put2(buf + 11, (int)(sod / 3600));
    buf[13] = ':';
    put2(buf + 14, (int)(sod / 60 % 60));
    buf[16] = ':';
    put2(buf + 17, (int)(sod % 60));
    buf[19] = '.';
    for (int i = 25; i >= 20; i--, us /= 10)
        buf[i] = (char)('0' + us % 10);
    buf[26] = '\0';
}

static int dig(const unsigned char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* Column col as a datetime; false for NULL.  The benchmark's own data is
 * always well-formed (19 or 26 characters), so no validation beyond length. */
static bool col_time(sqlite3_stmt *st, int col, int64_t *out)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    int len = sqlite3_column_bytes(st, col);
    if (t == NULL || (len != 19 && len != 26)) {
        *out = 0;
        return false;
    }
    int64_t s = days_from_civil(dig(t, 4), dig(t + 5, 2), dig(t + 8, 2)) * 86400 + dig(t + 11, 2) * 3600 +
                dig(t + 14, 2) * 60 + dig(t + 17, 2);
    *out = s * 1000000 + (len == 26 ? dig(t + 20, 6) : 0);
    return true;
}

/* An insert: the new row's id, from RETURNING's first column when the
 * statement has one, else sqlite3_last_insert_rowid(). */
static int64_t step_insert(sqlite3_stmt *st, const char *what)
{
    int64_t id;
    if (sqlite3_column_count(st) == 0) {
        step_done(st, what);
        return sqlite3_last_insert_rowid(db);
    }
    if (sqlite3_step(st) != SQLITE_ROW)
        die(what);
    id = sqlite3_column_int64(st, 0);
    if (sqlite3_column_count(st) > 1) {
        int64_t t;
        if (!col_time(st, 1, &t))
            die(what);
    }
    step_done(st, what);
    return id;
}

/* --- rows as read: text borrowed from SQLite, times parsed --- */

typedef struct RUser {
    int64_t id;
    const char *email;
    int email_len;
    int64_t create_dttm;
    bool has_create_dttm;
} RUser;

typedef struct RProduct {
    int64_t id;
    const char *title;
    int title_len;
    int64_t create_dttm;
    bool has_create_dttm;
} RProduct;

typedef struct ROrder {
    int64_t id, user_id, product_id, dttm;
    bool has_user_id, has_product_id, has_dttm;
} ROrder;

static void read_user(sqlite3_stmt *st, RUser *u)
{
    u->id = sqlite3_column_int64(st, 0);
    u->email = (const char *)sqlite3_column_text(st, 1);
    u->email_len = sqlite3_column_bytes(st, 1);
    u->has_create_dttm = col_time(st, 2, &u->create_dttm);
}

static void read_product(sqlite3_stmt *st, RProduct *p)
{
    p->id = sqlite3_column_int64(st, 0);
    p->title = (const char *)sqlite3_column_text(st, 1);
    p->title_len = sqlite3_column_bytes(st, 1);
    p->has_create_dttm = col_time(st, 2, &p->create_dttm);
}

static void read_order(sqlite3_stmt *st, ROrder *o)
{
    o->id = sqlite3_column_int64(st, 0);
    o->has_user_id = sqlite3_column_type(st, 1) != SQLITE_NULL;
    o->user_id = sqlite3_column_int64(st, 1);
    o->has_product_id = sqlite3_column_type(st, 2) != SQLITE_NULL;
    o->product_id = sqlite3_column_int64(st, 2);
    o->has_dttm = col_time(st, 3, &o->dttm);
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
    char *buf = malloc(cap);
    while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "raw: out of memory\n");
        exit(1);
    }
    buf[len] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    bench_opts o = bench_parse(argc, argv);
    const int64_t N = o.n, P = o.n / 10;
    const bool join = strcmp(o.variant, "join") == 0;
    const bool returning = strcmp(o.variant, "returning") == 0;
    const bool savepoint = strcmp(o.variant, "savepoint") == 0;
    char text[64], now[27];

    if (o.schema == NULL) {
        fprintf(stderr, "raw: --schema FILE.sql is required\n");
        return 2;
    }
    /* The connection as assoc_open() makes it. */
    if (sqlite3_open_v2(o.db, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die("open");
    sqlite3_busy_timeout(db, 5000);
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA temp_store=FILE");
    if (strcmp(o.db, ":memory:") != 0) {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=NORMAL");
    }
    char *ddl = read_file(o.schema);
    exec("BEGIN");
    exec(ddl);
    exec("COMMIT");
    free(ddl);

    sqlite3_stmt *begin = prep("BEGIN"), *commit = prep("COMMIT");
    int64_t *uid = malloc((size_t)N * sizeof *uid), *pid = malloc((size_t)P * sizeof *pid);
    if (uid == NULL || pid == NULL) {
        fprintf(stderr, "raw: out of memory\n");
        return 1;
    }

    /* ---- insert ---- */
    {
        sqlite3_stmt *ins_user =
            prep(returning ? "INSERT INTO users (email) VALUES (?1) RETURNING id, create_dttm"
                           : "INSERT INTO users (email) VALUES (?1)");
        sqlite3_stmt *ins_product =
            prep(returning ? "INSERT INTO products (title, create_dttm) VALUES (?1, ?2) RETURNING id"
                           : "INSERT INTO products (title, create_dttm) VALUES (?1, ?2)");
        sqlite3_stmt *ins_order =
            prep(returning ? "INSERT INTO orders (user_id, product_id, dttm) VALUES (?1, ?2, ?3) RETURNING id"
                           : "INSERT INTO orders (user_id, product_id, dttm) VALUES (?1, ?2, ?3)");
        uint64_t cs = 0;
        bench_phase ph = bench_start("insert");
        step_done(begin, "BEGIN");
        for (int64_t i = 1; i <= N; i++) {
            int len = snprintf(text, sizeof text, "user%lld@example.com", (long long)i);
            sqlite3_bind_text(ins_user, 1, text, len, SQLITE_STATIC);
            uid[i - 1] = step_insert(ins_user, "insert user");
            cs += cs_h2(0, (uint64_t)uid[i - 1]);
        }
        for (int64_t j = 1; j <= P; j++) {
            int len = snprintf(text, sizeof text, "product %lld", (long long)j);
            sqlite3_bind_text(ins_product, 1, text, len, SQLITE_STATIC);
            now_text(now);
            sqlite3_bind_text(ins_product, 2, now, 26, SQLITE_STATIC);
            pid[j - 1] = step_insert(ins_product, "insert product");
            cs += cs_h2(1, (uint64_t)pid[j - 1]);
        }
        for (int64_t i = 1; i <= N; i++) {
            for (int64_t k = 0; k < 10; k++) {
                int64_t p = pid[(7 * i + k) % P];
                sqlite3_bind_int64(ins_order, 1, uid[i - 1]);
                sqlite3_bind_int64(ins_order, 2, p);
                now_text(now);
                sqlite3_bind_text(ins_order, 3, now, 26, SQLITE_STATIC);
                int64_t id = step_insert(ins_order, "insert order");
                cs += cs_h3((uint64_t)id, (uint64_t)uid[i - 1], (uint64_t)p);
            }
        }
        step_done(commit, "COMMIT");
        bench_end(ph, N + P + 10 * N, cs);
        sqlite3_finalize(ins_user);
        sqlite3_finalize(ins_product);
        sqlite3_finalize(ins_order);
    }

    sqlite3_stmt *all_users = prep("SELECT id, email, create_dttm FROM users ORDER BY id");
    sqlite3_stmt *all_products = prep("SELECT id, title, create_dttm FROM products ORDER BY id");

    /* ---- user.products for every user ---- */
    {
        sqlite3_stmt *products_of =
            prep(join ? "SELECT p.id, p.title, p.create_dttm FROM orders o JOIN products p ON p.id = o.product_id "
                        "WHERE o.user_id = ?1 ORDER BY p.id"
                      : "SELECT products.id, products.title, products.create_dttm FROM products WHERE products.id IN "
                        "(SELECT orders.product_id FROM orders WHERE orders.user_id = ?1) ORDER BY products.id");
        uint64_t cs = 0;
        long long rows = 0;
        int rc;
        bench_phase ph = bench_start("user_products");
        step_done(begin, "BEGIN");
        while ((rc = sqlite3_step(all_users)) == SQLITE_ROW) {
            RUser u;
            read_user(all_users, &u);
            sqlite3_bind_int64(products_of, 1, u.id);
            while ((rc = sqlite3_step(products_of)) == SQLITE_ROW) {
                RProduct p;
                read_product(products_of, &p);
                cs += cs_h3((uint64_t)u.id, (uint64_t)p.id, (uint64_t)p.title_len) + p.has_create_dttm;
                rows++;
            }
            if (rc != SQLITE_DONE)
                die("user.products");
            sqlite3_reset(products_of);
        }
        if (rc != SQLITE_DONE)
            die("users");
        sqlite3_reset(all_users);
        step_done(commit, "COMMIT");
        bench_end(ph, rows, cs);
        sqlite3_finalize(products_of);
    }

    /* ---- product.users for every product ---- */
    {
        sqlite3_stmt *users_of =
            prep(join ? "SELECT u.id, u.email, u.create_dttm FROM orders o JOIN users u ON u.id = o.user_id "
                        "WHERE o.product_id = ?1 ORDER BY u.id"
                      : "SELECT users.id, users.email, users.create_dttm FROM users WHERE users.id IN "
                        "(SELECT orders.user_id FROM orders WHERE orders.product_id = ?1) ORDER BY users.id");
        uint64_t cs = 0;
        long long rows = 0;
        int rc;
        bench_phase ph = bench_start("product_users");
        step_done(begin, "BEGIN");
        while ((rc = sqlite3_step(all_products)) == SQLITE_ROW) {
            RProduct p;
            read_product(all_products, &p);
            sqlite3_bind_int64(users_of, 1, p.id);
            while ((rc = sqlite3_step(users_of)) == SQLITE_ROW) {
                RUser u;
                read_user(users_of, &u);
                cs += cs_h3((uint64_t)p.id, (uint64_t)u.id, (uint64_t)u.email_len) + u.has_create_dttm;
                rows++;
            }
            if (rc != SQLITE_DONE)
                die("product.users");
            sqlite3_reset(users_of);
        }
        if (rc != SQLITE_DONE)
            die("products");
        sqlite3_reset(all_products);
        step_done(commit, "COMMIT");
        bench_end(ph, rows, cs);
        sqlite3_finalize(users_of);
    }

    /* ---- user.orders, and each order's product ---- */
    {
        sqlite3_stmt *orders_of =
            prep("SELECT id, user_id, product_id, dttm FROM orders WHERE user_id = ?1 ORDER BY id");
        sqlite3_stmt *product_by_id = prep("SELECT id, title, create_dttm FROM products WHERE id = ?1");
        size_t cap = 16, len;
        ROrder *orders = malloc(cap * sizeof *orders);
        uint64_t cs = 0;
        long long rows = 0;
        int rc;
        bench_phase ph = bench_start("user_orders_product");
        step_done(begin, "BEGIN");
        while ((rc = sqlite3_step(all_users)) == SQLITE_ROW) {
            RUser u;
            read_user(all_users, &u);
            sqlite3_bind_int64(orders_of, 1, u.id);
            len = 0;
            while ((rc = sqlite3_step(orders_of)) == SQLITE_ROW) {
                if (len == cap)
                    orders = realloc(orders, (cap *= 2) * sizeof *orders);
                if (orders == NULL) {
                    fprintf(stderr, "raw: out of memory\n");
                    return 1;
                }
                read_order(orders_of, &orders[len++]);
            }
            if (rc != SQLITE_DONE)
                die("user.orders");
            sqlite3_reset(orders_of);
            for (size_t j = 0; j < len; j++) {
                const ROrder *od = &orders[j];
                RProduct p;
                if (!od->has_product_id)
                    continue;
                sqlite3_bind_int64(product_by_id, 1, od->product_id);
                if (sqlite3_step(product_by_id) != SQLITE_ROW)
                    die("order.product");
                read_product(product_by_id, &p);
                cs += cs_h4((uint64_t)u.id, (uint64_t)od->id, (uint64_t)p.id, (uint64_t)p.title_len) +
                      od->has_dttm + p.has_create_dttm;
                rows++;
                sqlite3_reset(product_by_id);
            }
        }
        if (rc != SQLITE_DONE)
            die("users");
        sqlite3_reset(all_users);
        step_done(commit, "COMMIT");
        bench_end(ph, rows, cs);
        free(orders);
        sqlite3_finalize(orders_of);
        sqlite3_finalize(product_by_id);
    }

    /* ---- delete every tenth user with its orders ---- */
    {
        sqlite3_stmt *del_orders = prep("DELETE FROM orders WHERE user_id = ?1");
        sqlite3_stmt *del_user = prep("DELETE FROM users WHERE id = ?1");
        sqlite3_stmt *sp = prep("SAVEPOINT raw_tx"), *sp_release = prep("RELEASE raw_tx");
        int64_t users0 = count("users"), orders0 = count("orders");
        uint64_t cs = 0;
        bench_phase ph = bench_start("delete");
        step_done(begin, "BEGIN");
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

    sqlite3_finalize(all_users);
    sqlite3_finalize(all_products);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    free(uid);
    free(pid);
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    bench_finish();
    return 0;
}
