/* test_interop.c - the same database file through the generated C API and
 * through SQLAlchemy 1.4 with the seed's models written in Python
 * (tests/interop/seed_models.py), both ways:
 *
 *   1. C writes, SQLAlchemy's ORM reads and checks (tests/interop/sqla_check.py);
 *   2. SQLAlchemy writes (tests/interop/sqla_write.py, its own create_all),
 *      C reads every value and relationship back;
 *   3. SQLAlchemy writes, C updates, deletes with cascade, removes a
 *      product bought twice (SPEC section 5) and inserts, SQLAlchemy checks
 *      the result.
 *
 * The data is tests/interop/fixtures.py's, repeated here: keep them in step.
 * Datetimes must agree to the microsecond (SPEC section 3: text
 * 'YYYY-MM-DD HH:MM:SS.ffffff', or CURRENT_TIMESTAMP's whole seconds).
 * Values left to a default (now, CURRENT_TIMESTAMP) must fall within the
 * time the writer ran, read as UTC.  The process runs with TZ set to a
 * non-UTC zone (inherited by Python), so local time used anywhere shows.
 *
 * Needs /usr/bin/python3 with python3-sqlalchemy: without it the tests fail
 * and say to run `make deps`. */
#include "e2e.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "models.h"

#define PYTHON "/usr/bin/python3"
#define INTEROP_DIR SRCDIR "/tests/interop"
#define US INT64_C(1000000)

/* ------------------------------------------------------------------
 * The data (tests/interop/fixtures.py)
 * ---------------------------------------------------------------- */

enum dt_kind { DT_NULL, DT_AT, DT_NOW, DT_SERVER_NOW };
typedef struct dt {
    enum dt_kind kind;
    assoc_time at;                 /* DT_AT: microseconds since 1970 UTC */
} dt;
#define AT(us) { DT_AT, INT64_C(us) }
#define NULL_DT { DT_NULL, 0 }
#define NOW_DT { DT_NOW, 0 }               /* client default(now) / datetime.utcnow */
#define SERVER_NOW_DT { DT_SERVER_NOW, 0 } /* server_default CURRENT_TIMESTAMP */

typedef struct user_row { int64_t id; const char *email; dt create_dttm; } user_row;
typedef struct product_row { int64_t id; const char *title; dt create_dttm; } product_row;
typedef struct order_row { int64_t id, user_id, product_id; dt dttm; } order_row;

/* fixtures.LONG_EMAIL: 250 x U+00E9 and "@x.io", 255 characters (filled in main). */
static char long_email[2 * 250 + sizeof "@x.io"];

#define EMAIL_UNICODE u8"zo\u00eb.\u00fcn\u00efc\u00f8d\u00e9@ex\u00e4mple.org \u2615 \u65e5\u672c\u8a9e \U0001d11e"
#define EMAIL_SQL "Robert'); DROP TABLE users;-- \"quoted\" \\ %s ?1 :name"
#define TITLE_MONITOR u8"monitor 27\" \u2014 \u2018curly\u2019\nline two\ttab"

/* create_dttm NULL_DT: NULL, set by an update after the insert. */
static const user_row users[] = {
    { 1, "ada@example.com", AT(1700000000123456) },      /* 2023-11-14 22:13:20.123456 */
    { 2, EMAIL_UNICODE, AT(-999999) },                    /* 1969-12-31 23:59:59.000001 */
    { 3, EMAIL_SQL, AT(946684800000000) },                /* 2000-01-01 00:00:00.000000 */
    { 4, NULL, SERVER_NOW_DT },
    { 5, long_email, AT(1709251199999999) },              /* 2024-02-29 23:59:59.999999 */
    { 6, "", NULL_DT },
};

static const product_row products[] = {
    { 1, "keyboard", AT(-62135596799999999) },            /* 0001-01-01 00:00:00.000001 */
    { 2, TITLE_MONITOR, NOW_DT },
    { 3, "lamp", NOW_DT },
    { 4, "unsold", AT(253402300799999999) },              /* 9999-12-31 23:59:59.999999 */
    { 5, NULL, NULL_DT },
};

/* NOW_DT rows are made through the many-to-many (_add), the others as Order rows. */
static const order_row orders[] = {
    { 1, 1, 1, AT(1700035200000001) },                    /* 2023-11-15 08:00:00.000001 */
    { 2, 1, 1, AT(1700035200500000) },                    /* 2023-11-15 08:00:00.500000: bought again */
    { 3, 1, 2, NOW_DT },
    { 4, 2, 2, AT(0) },                                   /* 1970-01-01 00:00:00.000000 */
    { 5, 3, 3, AT(2147483648654321) },                    /* 2038-01-19 03:14:08.654321 */
    { 6, 5, 3, NOW_DT },
};

/* After the round trip (fixtures.RT_*). */
#define RT_EMAIL u8"ada.lovelace@example.com \u2713"
#define RT_LAMP "lamp 'deluxe' \"XL\""
#define RT_MOUSE u8"mouse \u2713"
static const user_row rt_users[] = {
    { 1, RT_EMAIL, AT(946684799999999) },                 /* 1999-12-31 23:59:59.999999 */
    { 3, EMAIL_SQL, AT(946684800000000) },
    { 4, NULL, SERVER_NOW_DT },
    { 5, long_email, AT(1709251199999999) },
    { 6, "", NULL_DT },
    { 7, "c.wrote@example.com", SERVER_NOW_DT },
};

static const product_row rt_products[] = {
    { 1, "keyboard", AT(-62135596799999999) },
    { 2, TITLE_MONITOR, NOW_DT },
    { 3, RT_LAMP, NULL_DT },
    { 4, "unsold", AT(253402300799999999) },
    { 5, NULL, NULL_DT },
    { 6, RT_MOUSE, AT(1735787045060708) },                /* 2025-01-02 03:04:05.060708 */
};

static const order_row rt_orders[] = {
    { 3, 1, 2, NOW_DT },
    { 5, 3, 3, AT(2147483648654321) },
    { 6, 5, 3, NOW_DT },
    { 7, 3, 6, NOW_DT },
    { 8, 4, 4, AT(1907755200000123) },                    /* 2030-06-15 12:00:00.000123 */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct state {
    const user_row *users;
    size_t n_users;
    const product_row *products;
    size_t n_products;
    const order_row *orders;
    size_t n_orders;
} state;

static const state written = { users, N(users), products, N(products), orders, N(orders) };
static const state round_trip = { rt_users, N(rt_users), rt_products, N(rt_products), rt_orders, N(rt_orders) };

/* The span of time in which the writer of NOW and SERVER_NOW values ran. */
typedef struct window { assoc_time lo, hi; } window;

/* ------------------------------------------------------------------
 * Temp files and Python
 * ---------------------------------------------------------------- */

/* The database: a SQLite file in a fresh directory, or (ASSOC_TEST_PG set)
 * a schema of the test's own on the PostgreSQL server, named in the URI
 * (options=-csearch_path=...) that both C and Python open. */
typedef struct fixture {
    char dir[1024];
    char path[1100];
    char schema[64];           /* PostgreSQL: the test's schema; "" for SQLite */
    assoc_db *db;
} fixture;

static const char *const side_files[] = { "", "-wal", "-shm", "-journal" };

static int setup(void **st)
{
    const char *tmp = getenv("TMPDIR");
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    snprintf(f->dir, sizeof f->dir, "%s/assoc_interop_XXXXXX", tmp);
    if (mkdtemp(f->dir) == NULL) {
        print_error("mkdtemp %s failed\n", f->dir);
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/shop.db", f->dir);
    if (e2e_pg_uri())
        e2e_pg_schema("interop", f->schema, sizeof f->schema, f->path, sizeof f->path);
    *st = f;
    return 0;
}

/* Close the database if a failed test left it open; remove the file, its
 * WAL, shared-memory and journal files, and the directory. */
static int teardown(void **st)
{
    fixture *f = *st;
    int rc = 0;
    assoc_close(f->db);
    if (f->schema[0])
        e2e_pg_drop_schema(f->schema);
    for (size_t i = 0; i < N(side_files); i++) {
        char p[1200];
        snprintf(p, sizeof p, "%s%s", f->path, side_files[i]);
        unlink(p);
    }
    if (rmdir(f->dir) != 0) {
        print_error("could not remove %s (an unexpected file in it?)\n", f->dir);
        rc = -1;
    }
    free(f);
    return rc;
}

/* Append s to buf, quoted for sh. */
static void append_quoted(char *buf, size_t size, const char *s)
{
    size_t n = strlen(buf);
    if (n + 1 < size)
        buf[n++] = '\'';
    for (; *s && n + 5 < size; s++) {
        if (*s == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *s;
        }
    }
    if (*s != '\0')
        fail_msg("command too long");
    buf[n++] = '\'';
    buf[n] = '\0';
}

/* Run a shell command; its exit status, failing the test if it did not exit. */
static int run(const char *cmd)
{
    fflush(stdout);
    fflush(stderr);
    int status = system(cmd);
    if (status == -1)
        fail_msg("system(%s) could not run it", cmd);
    if (!WIFEXITED(status))
        fail_msg("%s was killed by signal %d", cmd, WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    return WEXITSTATUS(status);
}

/* Fail, saying what to do, when /usr/bin/python3 cannot import sqlalchemy. */
static void require_sqlalchemy(void)
{
    static int status = -1;
    if (status < 0)
        status = run(PYTHON " -B -c 'import sqlalchemy, sqlalchemy.orm' >/dev/null 2>&1");
    if (status != 0)
        fail_msg("SQLAlchemy is not importable by " PYTHON " (exit status %d): "
                 "run `make deps`, which installs Debian's python3-sqlalchemy (1.4), then run this test again",
                 status);
}

/* python3 tests/interop/SCRIPT DBFILE [MODE]; its exit status. */
static int run_script(const char *script, const char *dbfile, const char *mode)
{
    char cmd[4096] = PYTHON " -B ";
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", INTEROP_DIR, script);
    append_quoted(cmd, sizeof cmd, path);
    strcat(cmd, " ");
    append_quoted(cmd, sizeof cmd, dbfile);
    if (mode != NULL) {
        strcat(cmd, " ");
        append_quoted(cmd, sizeof cmd, mode);
    }
    return run(cmd);
}

static assoc_db *open_db(fixture *f)
{
    int rc = assoc_open(f->path, &f->db);
    if (rc != ASSOC_OK)
        fail_msg("assoc_open(%s) returned %d", f->path, rc);
    return f->db;
}

/* ------------------------------------------------------------------
 * Checking what C reads against the data
 * ---------------------------------------------------------------- */

static const char *time_text(assoc_time t, char buf[ASSOC_TIME_TEXT_SIZE])
{
    if (assoc_time_format(t, buf) != ASSOC_OK)
        snprintf(buf, ASSOC_TIME_TEXT_SIZE, "(out of range)");
    return buf;
}

static void check_time(const char *what, int64_t id, bool has, assoc_time got, dt want, window w)
{
    char g[ASSOC_TIME_TEXT_SIZE], e[ASSOC_TIME_TEXT_SIZE], lo[ASSOC_TIME_TEXT_SIZE], hi[ASSOC_TIME_TEXT_SIZE];
    switch (want.kind) {
    case DT_NULL:
        if (has)
            fail_msg("%s of %lld: expected NULL, got %s", what, (long long)id, time_text(got, g));
        break;
    case DT_AT:
        if (!has)
            fail_msg("%s of %lld: expected %s, got NULL", what, (long long)id, time_text(want.at, e));
        if (got != want.at)
            fail_msg("%s of %lld: expected %s (%lld us), got %s (%lld us)", what, (long long)id,
                     time_text(want.at, e), (long long)want.at, time_text(got, g), (long long)got);
        break;
    case DT_NOW:
    case DT_SERVER_NOW: {
        /* CURRENT_TIMESTAMP truncates to the second; utcnow may round up
         * by a microsecond. */
        assoc_time from = want.kind == DT_SERVER_NOW ? w.lo / US * US : w.lo - 1000;
        if (!has)
            fail_msg("%s of %lld: expected a default, got NULL", what, (long long)id);
        if (got < from || got > w.hi + 1000)
            fail_msg("%s of %lld: %s is outside the writer's run [%s, %s] (UTC): a time zone or clock error?",
                     what, (long long)id, time_text(got, g), time_text(w.lo, lo), time_text(w.hi, hi));
        /* PostgreSQL's CURRENT_TIMESTAMP keeps its microseconds */
        if (want.kind == DT_SERVER_NOW && got % US != 0 && e2e_pg_uri() == NULL)
            fail_msg("%s of %lld: CURRENT_TIMESTAMP has whole seconds, got %s", what, (long long)id,
                     time_text(got, g));
        break;
    }
    }
}

static void check_str(const char *what, int64_t id, const char *got, const char *want)
{
    if (want == NULL) {
        if (got != NULL)
            fail_msg("%s of %lld: expected NULL, got \"%s\"", what, (long long)id, got);
    } else if (got == NULL) {
        fail_msg("%s of %lld: expected \"%s\", got NULL", what, (long long)id, want);
    } else if (strcmp(got, want) != 0) {
        fail_msg("%s of %lld: expected \"%s\" (%zu bytes), got \"%s\" (%zu bytes)", what, (long long)id, want,
                 strlen(want), got, strlen(got));
    }
}

static const user_row *find_user(const state *s, int64_t id)
{
    for (size_t i = 0; i < s->n_users; i++)
        if (s->users[i].id == id)
            return &s->users[i];
    fail_msg("user %lld is not in the data", (long long)id);
    return NULL;
}

static const product_row *find_product(const state *s, int64_t id)
{
    for (size_t i = 0; i < s->n_products; i++)
        if (s->products[i].id == id)
            return &s->products[i];
    fail_msg("product %lld is not in the data", (long long)id);
    return NULL;
}

static const order_row *find_order(const state *s, int64_t id)
{
    for (size_t i = 0; i < s->n_orders; i++)
        if (s->orders[i].id == id)
            return &s->orders[i];
    fail_msg("order %lld is not in the data", (long long)id);
    return NULL;
}

static void check_user(const User *u, const user_row *want, window w)
{
    assert_int_equal(u->id, want->id);
    check_str("users.email", u->id, u->email, want->email);
    check_time("users.create_dttm", u->id, u->has_create_dttm, u->create_dttm, want->create_dttm, w);
}

static void check_product(const Product *p, const product_row *want, window w)
{
    assert_int_equal(p->id, want->id);
    check_str("products.title", p->id, p->title, want->title);
    check_time("products.create_dttm", p->id, p->has_create_dttm, p->create_dttm, want->create_dttm, w);
}

static void check_order(const Order *o, const order_row *want, window w)
{
    assert_int_equal(o->id, want->id);
    if (!o->has_user_id || o->user_id != want->user_id)
        fail_msg("order %lld: user_id %lld (has %d), expected %lld", (long long)o->id, (long long)o->user_id,
                 o->has_user_id, (long long)want->user_id);
    if (!o->has_product_id || o->product_id != want->product_id)
        fail_msg("order %lld: product_id %lld (has %d), expected %lld", (long long)o->id,
                 (long long)o->product_id, o->has_product_id, (long long)want->product_id);
    check_time("orders.dttm", o->id, o->has_dttm, o->dttm, want->dttm, w);
}

/* Ascending distinct ids: the products (by_user) or users of one row, or
 * the ids of its orders (orders_of), from the order rows. */
enum related { PRODUCTS_OF_USER, USERS_OF_PRODUCT, ORDERS_OF_USER, ORDERS_OF_PRODUCT };
static size_t related_ids(const state *s, enum related what, int64_t id, int64_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_orders; i++) {
        const order_row *o = &s->orders[i];
        bool mine = (what == PRODUCTS_OF_USER || what == ORDERS_OF_USER) ? o->user_id == id : o->product_id == id;
        int64_t v = what == PRODUCTS_OF_USER ? o->product_id : what == USERS_OF_PRODUCT ? o->user_id : o->id;
        if (!mine)
            continue;
        size_t k = 0;
        while (k < n && out[k] < v)
            k++;
        if (k < n && out[k] == v)
            continue;
        assert_true(n < cap);
        memmove(out + k + 1, out + k, (n - k) * sizeof *out);
        out[k] = v;
        n++;
    }
    return n;
}

/* Read the whole database through the generated API and compare with s:
 * _count, _first, _all, _get, and the seed's relationships both ways. */
static void check_state(assoc_db *db, const state *s, window w)
{
    int64_t n = -1, want[16];
    size_t nw;

    OK(db, user_count(db, &n));
    assert_int_equal(n, s->n_users);
    OK(db, product_count(db, &n));
    assert_int_equal(n, s->n_products);
    OK(db, order_count(db, &n));
    assert_int_equal(n, s->n_orders);

    User u = USER_INIT;
    OK(db, user_first(db, &u));                       /* User.query.first() */
    check_user(&u, &s->users[0], w);
    user_free(&u);

    UserList ul = USER_LIST_INIT;
    OK(db, user_all(db, &ul));
    assert_int_equal(ul.len, s->n_users);
    for (size_t i = 0; i < ul.len; i++) {
        const User *x = &ul.items[i];
        check_user(x, &s->users[i], w);

        User again = USER_INIT;
        OK(db, user_get(db, x->id, &again));
        check_user(&again, &s->users[i], w);
        user_free(&again);

        /* user.products: each product once, by key. */
        ProductList ps = PRODUCT_LIST_INIT;
        OK(db, user_products(db, x, &ps));
        nw = related_ids(s, PRODUCTS_OF_USER, x->id, want, N(want));
        if (ps.len != nw)
            fail_msg("user %lld: user_products has %zu products, expected %zu", (long long)x->id, ps.len, nw);
        for (size_t k = 0; k < ps.len; k++) {
            assert_int_equal(ps.items[k].id, want[k]);
            check_product(&ps.items[k], find_product(s, want[k]), w);
        }
        product_list_free(&ps);

        /* user.orders, and user.orders[0].product */
        OrderList os = ORDER_LIST_INIT;
        OK(db, user_orders(db, x, &os));
        nw = related_ids(s, ORDERS_OF_USER, x->id, want, N(want));
        if (os.len != nw)
            fail_msg("user %lld: user_orders has %zu orders, expected %zu", (long long)x->id, os.len, nw);
        for (size_t k = 0; k < os.len; k++) {
            assert_int_equal(os.items[k].id, want[k]);
            check_order(&os.items[k], find_order(s, want[k]), w);
            Product p = PRODUCT_INIT;
            OK(db, order_product(db, &os.items[k], &p));
            check_product(&p, find_product(s, os.items[k].product_id), w);
            product_free(&p);
            User back = USER_INIT;
            OK(db, order_user(db, &os.items[k], &back));
            check_user(&back, &s->users[i], w);
            user_free(&back);
        }
        order_list_free(&os);
    }
    user_list_free(&ul);

    ProductList pl = PRODUCT_LIST_INIT;
    OK(db, product_all(db, &pl));
    assert_int_equal(pl.len, s->n_products);
    for (size_t i = 0; i < pl.len; i++) {
        const Product *p = &pl.items[i];
        check_product(p, &s->products[i], w);

        Product again = PRODUCT_INIT;
        OK(db, product_get(db, p->id, &again));
        check_product(&again, &s->products[i], w);
        product_free(&again);

        /* product.users */
        UserList us = USER_LIST_INIT;
        OK(db, product_users(db, p, &us));
        nw = related_ids(s, USERS_OF_PRODUCT, p->id, want, N(want));
        if (us.len != nw)
            fail_msg("product %lld: product_users has %zu users, expected %zu", (long long)p->id, us.len, nw);
        for (size_t k = 0; k < us.len; k++) {
            assert_int_equal(us.items[k].id, want[k]);
            check_user(&us.items[k], find_user(s, want[k]), w);
        }
        user_list_free(&us);

        OrderList os = ORDER_LIST_INIT;
        OK(db, product_orders(db, p, &os));
        nw = related_ids(s, ORDERS_OF_PRODUCT, p->id, want, N(want));
        assert_int_equal(os.len, nw);
        for (size_t k = 0; k < os.len; k++)
            check_order(&os.items[k], find_order(s, want[k]), w);
        order_list_free(&os);
    }
    product_list_free(&pl);

    OrderList ol = ORDER_LIST_INIT;
    OK(db, order_all(db, &ol));
    assert_int_equal(ol.len, s->n_orders);
    for (size_t i = 0; i < ol.len; i++) {
        check_order(&ol.items[i], &s->orders[i], w);
        Order again = ORDER_INIT;
        OK(db, order_get(db, ol.items[i].id, &again));
        check_order(&again, &s->orders[i], w);
        order_free(&again);
    }
    order_list_free(&ol);
}

/* The text SQLite holds for one datetime; on PostgreSQL, a TIMESTAMP
 * holding that time (its text drops trailing zeros of the fraction). */
static void check_stored(assoc_db *db, const char *sql, const char *want)
{
    char got[64];
    if (e2e_is_pg(db) && strstr(sql, "length(") != NULL)
        return;    /* SQLite's CURRENT_TIMESTAMP form; PostgreSQL's has microseconds */
    sql_text(db, sql, got, sizeof got);
    if (e2e_is_pg(db)) {
        assoc_time a, b;
        if (assoc_time_parse(got, strlen(got), &a) != ASSOC_OK ||
            assoc_time_parse(want, strlen(want), &b) != ASSOC_OK || a != b)
            fail_msg("%s: expected '%s', got '%s'", sql, want, got);
        return;
    }
    if (strcmp(got, want) != 0)
        fail_msg("%s: expected '%s', got '%s'", sql, want, got);
}

/* ------------------------------------------------------------------
 * The tests
 * ---------------------------------------------------------------- */

/* 1. C writes the data through the generated API, SQLAlchemy's ORM checks it. */
static void test_c_writes_sqlalchemy_reads(void **st)
{
    fixture *f = *st;
    require_sqlalchemy();
    window w = { assoc_now(), 0 };

    assoc_db *db = open_db(f);
    OK(db, models_create_all(db));

    User us[N(users)];
    for (size_t i = 0; i < N(users); i++) {
        User u = USER_INIT;
        u.email = (char *)users[i].email;
        u.has_create_dttm = users[i].create_dttm.kind == DT_AT;
        u.create_dttm = users[i].create_dttm.at;
        OK(db, user_insert(db, &u));
        assert_int_equal(u.id, users[i].id);
        assert_true(u.has_create_dttm);               /* the server default, written back */
        if (users[i].create_dttm.kind == DT_NULL) {   /* NULL: by an update */
            u.has_create_dttm = false;
            OK(db, user_update(db, &u));
        }
        us[i] = u;
    }

    Product ps[N(products)];
    for (size_t i = 0; i < N(products); i++) {
        Product p = PRODUCT_INIT;
        p.title = (char *)products[i].title;
        p.has_create_dttm = products[i].create_dttm.kind == DT_AT;
        p.create_dttm = products[i].create_dttm.at;
        OK(db, product_insert(db, &p));
        assert_int_equal(p.id, products[i].id);
        assert_true(p.has_create_dttm);
        if (products[i].create_dttm.kind == DT_NULL) {
            p.has_create_dttm = false;
            OK(db, product_update(db, &p));
        }
        ps[i] = p;
    }

    /* Orders by every way the API has: the many-to-many from either side
     * (dttm by default(now)), the one-to-many from either side, a plain insert. */
    int to_many = 0, to_one = 0;
    for (size_t i = 0; i < N(orders); i++) {
        const order_row *r = &orders[i];
        User *u = &us[r->user_id - 1];
        Product *p = &ps[r->product_id - 1];
        if (r->dttm.kind == DT_NOW) {
            if (to_many++ % 2 == 0)
                OK(db, user_products_add(db, u, p));
            else
                OK(db, product_users_add(db, p, u));
            assert_int_equal(sql_int(db, "SELECT max(id) FROM orders"), r->id);
            continue;
        }
        Order o = ORDER_INIT;
        o.dttm = r->dttm.at;
        o.has_dttm = true;
        switch (to_one++ % 3) {
        case 0:
            o.product_id = p->id;
            o.has_product_id = true;
            OK(db, user_orders_add(db, u, &o));
            break;
        case 1:
            o.user_id = u->id;
            o.has_user_id = true;
            OK(db, product_orders_add(db, p, &o));
            break;
        default:
            o.user_id = u->id;
            o.has_user_id = true;
            o.product_id = p->id;
            o.has_product_id = true;
            OK(db, order_insert(db, &o));
            break;
        }
        assert_int_equal(o.id, r->id);
        assert_int_equal(o.dttm, r->dttm.at);
    }
    w.hi = assoc_now();

    check_state(db, &written, w);                     /* C reads its own writing first */
    check_stored(db, "SELECT create_dttm FROM users WHERE id = 2", "1969-12-31 23:59:59.000001");
    check_stored(db, "SELECT create_dttm FROM products WHERE id = 1", "0001-01-01 00:00:00.000001");
    check_stored(db, "SELECT dttm FROM orders WHERE id = 4", "1970-01-01 00:00:00.000000");
    assoc_close(db);
    f->db = NULL;

    int rc = run_script("sqla_check.py", f->path, "written");
    if (rc != 0)
        fail_msg("tests/interop/sqla_check.py %s written: exit status %d (its report is above)", f->path, rc);
}

/* 2. SQLAlchemy writes with its own DDL; C reads everything back. */
static void test_sqlalchemy_writes_c_reads(void **st)
{
    fixture *f = *st;
    require_sqlalchemy();
    window w = { assoc_now(), 0 };
    int rc = run_script("sqla_write.py", f->path, NULL);
    if (rc != 0)
        fail_msg("tests/interop/sqla_write.py %s: exit status %d (its report is above)", f->path, rc);
    w.hi = assoc_now();

    assoc_db *db = open_db(f);
    /* What SQLAlchemy wrote, as SQLAlchemy writes it. */
    check_stored(db, "SELECT create_dttm FROM users WHERE id = 1", "2023-11-14 22:13:20.123456");
    check_stored(db, "SELECT create_dttm FROM users WHERE id = 3", "2000-01-01 00:00:00.000000");
    check_stored(db, "SELECT length(create_dttm) FROM users WHERE id = 4", "19");   /* CURRENT_TIMESTAMP */
    check_stored(db, "SELECT dttm FROM orders WHERE id = 2", "2023-11-15 08:00:00.500000");

    check_state(db, &written, w);

    /* The NULLs, by name: has_ flags false, pointers NULL. */
    User u = USER_INIT;
    OK(db, user_get(db, 4, &u));
    assert_null(u.email);
    assert_true(u.has_create_dttm);
    user_free(&u);
    OK(db, user_get(db, 6, &u));
    assert_non_null(u.email);
    assert_string_equal(u.email, "");                 /* empty is not NULL */
    assert_false(u.has_create_dttm);
    user_free(&u);
    Product p = PRODUCT_INIT;
    OK(db, product_get(db, 5, &p));
    assert_null(p.title);
    assert_false(p.has_create_dttm);
    product_free(&p);
    RC(db, ASSOC_NOTFOUND, user_get(db, 7, &u));

    /* create_all over SQLAlchemy's tables creates what is missing (the
     * indexes) and leaves the data as it was. */
    OK(db, models_create_all(db));
    OK(db, models_create_all(db));
    check_state(db, &written, w);
}

/* 3. SQLAlchemy writes, C changes, SQLAlchemy checks. */
static void test_round_trip(void **st)
{
    fixture *f = *st;
    require_sqlalchemy();
    window w = { assoc_now(), 0 };
    int rc = run_script("sqla_write.py", f->path, NULL);
    if (rc != 0)
        fail_msg("tests/interop/sqla_write.py %s: exit status %d (its report is above)", f->path, rc);

    assoc_db *db = open_db(f);

    /* Update: a new email and a datetime; a title and a NULL datetime. */
    User ada = { 1, (char *)RT_EMAIL, INT64_C(946684799999999), true };
    OK(db, user_update(db, &ada));
    Product lamp = { 3, (char *)RT_LAMP, 0, false };
    OK(db, product_update(db, &lamp));

    /* Delete user 2: its order goes with it (cascade "all, delete-orphan"),
     * the product stays. */
    User bob = USER_INIT;
    OK(db, user_get(db, 2, &bob));
    OK(db, user_delete(db, &bob));
    user_free(&bob);

    /* SPEC section 5: user 1 bought product 1 twice; removing it from
     * user.products deletes both orders (SQLAlchemy 1.4: StaleDataError). */
    Product keyboard = PRODUCT_INIT;
    OK(db, product_get(db, 1, &keyboard));
    OK(db, user_products_remove(db, &ada, &keyboard));
    RC(db, ASSOC_NOTFOUND, user_products_remove(db, &ada, &keyboard));
    product_free(&keyboard);

    /* New rows in SQLAlchemy's tables: a product linked by the
     * many-to-many, an order added to a user, a user. */
    Product mouse = { 0, (char *)RT_MOUSE, INT64_C(1735787045060708), true };
    OK(db, product_insert(db, &mouse));
    assert_int_equal(mouse.id, 6);
    User u3 = USER_INIT;
    OK(db, user_get(db, 3, &u3));
    OK(db, user_products_add(db, &u3, &mouse));
    user_free(&u3);
    assert_int_equal(sql_int(db, "SELECT max(id) FROM orders"), 7);
    User u4 = USER_INIT;
    OK(db, user_get(db, 4, &u4));
    Order o = ORDER_INIT;
    o.product_id = 4;
    o.has_product_id = true;
    o.dttm = INT64_C(1907755200000123);
    o.has_dttm = true;
    OK(db, user_orders_add(db, &u4, &o));
    assert_int_equal(o.id, 8);
    user_free(&u4);
    /* A user whose create_dttm comes from SQLAlchemy's DEFAULT (CURRENT_TIMESTAMP). */
    User u7 = USER_INIT;
    u7.email = "c.wrote@example.com";
    OK(db, user_insert(db, &u7));
    assert_int_equal(u7.id, 7);
    assert_true(u7.has_create_dttm);
    w.hi = assoc_now();

    check_state(db, &round_trip, w);
    assoc_close(db);
    f->db = NULL;

    rc = run_script("sqla_check.py", f->path, "round-trip");
    if (rc != 0)
        fail_msg("tests/interop/sqla_check.py %s round-trip: exit status %d (its report is above)", f->path, rc);
}

int main(void)
{
    /* fixtures.LONG_EMAIL */
    for (int i = 0; i < 250; i++)
        memcpy(long_email + 2 * i, "\xc3\xa9", 2);
    memcpy(long_email + 500, "@x.io", sizeof "@x.io");

    /* A zone 5:30 east of UTC, in POSIX form (no tzdata needed): every time
     * here is UTC, so anything that used local time would be off by 5.5 h. */
    setenv("TZ", "IST-5:30", 1);
    tzset();

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_c_writes_sqlalchemy_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sqlalchemy_writes_c_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests_name("e2e interop with SQLAlchemy", tests, NULL, NULL);
}
