/* test_queries.c - declared queries and batched loads (SPEC 6) through the
 * code generated from queries.def.
 *
 * The data has what makes queries go wrong: a user who bought one product
 * twice (two association rows), an order without a user (a NULL foreign
 * key), equal sort keys, a product nobody bought, a user without orders, a
 * NULL price.  test_against_sqlalchemy writes one line per case and
 * compares them with what tests/interop/sqla_queries.py gets from
 * SQLAlchemy 1.4's Query on the same file.  The other tests check what
 * SQLAlchemy has no counterpart for: statements per batched load (counted
 * with sqlite3_trace_v2), index use of every optional combination (EXPLAIN
 * QUERY PLAN), keyset pages while rows come and go, set-based deletes,
 * misuse. */
#include "e2e.h"

#include <stdlib.h>
#include <unistd.h>

#include "queries.h"

#define PYTHON "/usr/bin/python3"

static assoc_time at(const char *text)
{
    assoc_time t = 0;
    if (assoc_time_parse(text, strlen(text), &t) != ASSOC_OK)
        fail_msg("bad time %s", text);
    return t;
}

/* users 1 ada@, 2 bob@, 3 cyd@other, 4 dan@ (no orders), 5 NULL email;
 * products 1 anvil 10, 2 bolt 1, 3 cog 1, 4 drill 50 (never ordered),
 * 5 axe NULL; orders: ada anvil twice, ada bolt, bob bolt (same time as
 * ada's), bob cog, nobody cog, cyd axe, cyd anvil. */
static void fill(assoc_db *db)
{
    static const char *const emails[] = { "ada@example.com", "bob@example.com", "cyd@other.org", "dan@example.com",
                                          NULL };
    for (int i = 0; i < 5; i++) {
        User u = USER_INIT;
        u.email = (char *)emails[i];
        OK(db, user_insert(db, &u));
    }
    static const struct { const char *title; double price; bool has; } products[] = {
        { "anvil", 10.0, true }, { "bolt", 1.0, true }, { "cog", 1.0, true }, { "drill", 50.0, true },
        { "axe", 0, false },
    };
    for (int i = 0; i < 5; i++) {
        Product p = PRODUCT_INIT;
        p.title = (char *)products[i].title;
        p.price = products[i].price;
        p.has_price = products[i].has;
        OK(db, product_insert(db, &p));
    }
    static const struct { int64_t user; int64_t product; const char *dttm; } orders[] = {
        { 1, 1, "2024-01-01 00:00:00" }, { 1, 1, "2024-01-02 00:00:00" }, { 1, 2, "2024-01-03 00:00:00" },
        { 2, 2, "2024-01-03 00:00:00" }, { 2, 3, "2024-01-05 00:00:00" }, { 0, 3, "2024-01-06 00:00:00" },
        { 3, 5, "2024-01-07 00:00:00" }, { 3, 1, "2024-01-08 00:00:00" },
    };
    for (int i = 0; i < 8; i++) {
        Order o = ORDER_INIT;
        o.user_id = orders[i].user;
        o.has_user_id = orders[i].user != 0;
        o.product_id = orders[i].product;
        o.has_product_id = true;
        o.dttm = at(orders[i].dttm);
        o.has_dttm = true;
        OK(db, order_insert(db, &o));
    }
}

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (e2e_open(&db) != ASSOC_OK || queries_create_all(db) != ASSOC_OK)
        return -1;
    fill(db);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    e2e_close(*state);
    return 0;
}

/* ---- the cross-check with SQLAlchemy ---- */

typedef struct lines {
    char text[8192];
    size_t len;
} lines;

static void add(lines *l, const char *name, const int64_t *ids, size_t n)
{
    l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, "%s:", name);
    for (size_t i = 0; i < n; i++)
        l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, " %lld", (long long)ids[i]);
    l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, "\n");
}

#define CASE_LIST(l, name, T, list)                                \
    do {                                                           \
        int64_t ids_[64];                                          \
        for (size_t i_ = 0; i_ < (list).len; i_++)                 \
            ids_[i_] = (list).items[i_].id;                        \
        add(l, name, ids_, (list).len);                            \
        T##_list_free(&(list));                                    \
    } while (0)

static void cases(assoc_db *db, lines *l)
{
    UserList ul = USER_LIST_INIT;
    ProductList pl = PRODUCT_LIST_INIT;
    OrderList ol = ORDER_LIST_INIT;
    char name[64];

    for (int64_t pid = 1; pid <= 4; pid += pid == 2 ? 2 : 1) {
        UserBoughtTwiceArgs a = { pid };
        OK(db, user_bought_twice(db, &a, &ul));
        snprintf(name, sizeof name, "bought_twice %lld", (long long)pid);
        CASE_LIST(l, name, user, ul);
    }
    static const char *const titles[] = { "bolt", "zzz" };
    for (int i = 0; i < 2; i++) {
        UserBuyersWithoutArgs a = { titles[i] };
        OK(db, user_buyers_without(db, &a, &ul));
        snprintf(name, sizeof name, "buyers_without %s", titles[i]);
        CASE_LIST(l, name, user, ul);
    }
    static const double maxes[] = { 5.0, 100.0 };
    for (int i = 0; i < 2; i++) {
        UserOnlyCheapArgs a = { maxes[i] };
        OK(db, user_only_cheap(db, &a, &ul));
        snprintf(name, sizeof name, "only_cheap %g", maxes[i]);
        CASE_LIST(l, name, user, ul);
    }
    UserSearchArgs s0 = { 0 };
    OK(db, user_search(db, &s0, &ul));
    CASE_LIST(l, "search all", user, ul);
    UserSearchArgs s1 = { .email = "bob@example.com" };
    OK(db, user_search(db, &s1, &ul));
    CASE_LIST(l, "search email", user, ul);
    UserSearchArgs s2 = { .min_id = 2, .has_min_id = true, .pattern = "%@example.com" };
    OK(db, user_search(db, &s2, &ul));
    CASE_LIST(l, "search min_id pattern", user, ul);
    UserSearchArgs s3 = { .pattern = "%EXAMPLE%", .n = 2, .has_n = true, .skip = 1, .has_skip = true };
    OK(db, user_search(db, &s3, &ul));
    CASE_LIST(l, "search pattern n skip", user, ul);
    UserSearchArgs s4 = { .skip = 2, .has_skip = true };
    OK(db, user_search(db, &s4, &ul));
    CASE_LIST(l, "search skip", user, ul);

    OK(db, product_never_ordered(db, &pl));
    CASE_LIST(l, "never_ordered", product, pl);
    for (int64_t n = 1; n <= 2; n++) {
        ProductPopularArgs a = { n };
        OK(db, product_popular(db, &a, &pl));
        snprintf(name, sizeof name, "popular %lld", (long long)n);
        CASE_LIST(l, name, product, pl);
    }

    OrderRecentOfUserArgs r1 = { .user_id = 1 };
    OK(db, order_recent_of_user(db, &r1, &ol));
    CASE_LIST(l, "recent_of_user 1", order, ol);
    OrderRecentOfUserArgs r2 = { .user_id = 1, .since = at("2024-01-02 00:00:00"), .has_since = true, .n = 1,
                                 .has_n = true };
    OK(db, order_recent_of_user(db, &r2, &ol));
    CASE_LIST(l, "recent_of_user 1 since n", order, ol);
    OrderByBuyerEmailArgs b = { "%@example.com" };
    OK(db, order_by_buyer_email(db, &b, &ol));
    CASE_LIST(l, "by_buyer_email", order, ol);

    /* newest, walked page by page (3 a page) */
    static const struct { const char *name; bool min; } walks[] = { { "newest", false }, { "newest min_price", true } };
    for (int w = 0; w < 2; w++) {
        OrderNewestArgs a = { .min_price = 1.0, .has_min_price = walks[w].min };
        int64_t ids[64];
        size_t n = 0;
        Order last = ORDER_INIT;
        bool have_last = false;
        for (;;) {
            OK(db, order_newest_page(db, &a, have_last ? &last : NULL, 3, &ol));
            if (ol.len == 0)
                break;
            for (size_t i = 0; i < ol.len; i++)
                ids[n++] = ol.items[i].id;
            last = ol.items[ol.len - 1];
            have_last = true;
            order_list_free(&ol);
        }
        add(l, walks[w].name, ids, n);
    }

    OrderInIdsArgs in = { 1, 6 };
    OK(db, order_in_ids(db, &in, &ol));
    CASE_LIST(l, "in_ids", order, ol);
}

static void test_against_sqlalchemy(void **state)
{
    char path[512], cmd[1200], out[8192];
    snprintf(path, sizeof path, "%s/e2e/queries/cross-%d.db", BUILDDIR, (int)getpid());
    remove(path);
    /* SQLAlchemy reads a SQLite file of the same data; the C side asks
     * that file, or on PostgreSQL the server (filled alike in setup). */
    assoc_db *db = NULL;
    OK(db, assoc_open(path, &db));
    OK(db, queries_create_all(db));
    fill(db);
    lines c = { .len = 0 };
    cases(e2e_is_pg(*state) ? *state : db, &c);
    assoc_close(db);

    snprintf(cmd, sizeof cmd, "%s %s/tests/interop/sqla_queries.py %s", PYTHON, SRCDIR, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    remove(path);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path);
    remove(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    remove(wal);
    if (status != 0)
        fail_msg("%s failed (%d); is python3-sqlalchemy installed (make deps)?", cmd, status);
    if (strcmp(c.text, out) != 0)
        fail_msg("the generated queries and SQLAlchemy disagree:\n--- C\n%s--- SQLAlchemy\n%s", c.text, out);
}

/* ---- first, count, exists ---- */

static void test_first_count_exists(void **state)
{
    assoc_db *db = *state;
    OrderRecentOfUserArgs a = { .user_id = 1 };
    Order o = ORDER_INIT;
    OK(db, order_recent_of_user_first(db, &a, &o));
    assert_int_equal(o.id, 3);          /* newest of ada's */
    int64_t n = -1;
    OK(db, order_recent_of_user_count(db, &a, &n));
    assert_int_equal(n, 3);
    a.n = 1;
    a.has_n = true;
    OK(db, order_recent_of_user_count(db, &a, &n));
    assert_int_equal(n, 3);             /* count ignores the limit */
    a.n = 0;
    RC(db, ASSOC_NOTFOUND, order_recent_of_user_first(db, &a, &o));
    bool any = false;
    OK(db, order_recent_of_user_exists(db, &a, &any));
    assert_true(any);
    a.user_id = 4;
    OK(db, order_recent_of_user_exists(db, &a, &any));
    assert_false(any);
    a.has_n = false;
    RC(db, ASSOC_NOTFOUND, order_recent_of_user_first(db, &a, &o));
    OK(db, product_never_ordered_count(db, &n));
    assert_int_equal(n, 1);
}

/* ---- misuse ---- */

static void test_misuse(void **state)
{
    assoc_db *db = *state;
    OrderList ol = ORDER_LIST_INIT;
    UserList ul = USER_LIST_INIT;
    OrderRecentOfUserArgs a = { .user_id = 1, .n = -1, .has_n = true };
    RC(db, ASSOC_MISUSE, order_recent_of_user(db, &a, &ol));
    RC(db, ASSOC_MISUSE, order_recent_of_user(db, NULL, &ol));
    UserBuyersWithoutArgs b = { NULL };
    RC(db, ASSOC_MISUSE, user_buyers_without(db, &b, &ul));
    OrderNewestArgs c = { 0 };
    RC(db, ASSOC_MISUSE, order_newest_page(db, &c, NULL, 0, &ol));
    UserSearchArgs s = { .skip = -1, .has_skip = true };
    RC(db, ASSOC_MISUSE, user_search(db, &s, &ul));
    int64_t deleted = 7;
    RC(db, ASSOC_MISUSE, user_buyers_without_delete(db, &b, &deleted));
}

/* ---- index use of every combination ---- */

typedef struct captured {
    char sql[4096];
    bool have;
} captured;

static int trace_first(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)x;
    captured *c = ctx;
    const char *sql = sqlite3_sql(p);
    if (!c->have && sql && strncmp(sql, "SELECT users.id", 15) == 0) {
        snprintf(c->sql, sizeof c->sql, "%s", sql);
        c->have = true;
    }
    return 0;
}

static bool plan_uses_index(assoc_db *db, const char *sql, const char *index)
{
    char explain[4200];
    snprintf(explain, sizeof explain, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(assoc_sqlite(db), explain, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", explain, sqlite3_errmsg(assoc_sqlite(db)));
    bool uses = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        if (detail && strstr(detail, index))
            uses = true;
    }
    sqlite3_finalize(st);
    return uses;
}

/* user.search's email condition uses ix_users_email in every combination
 * of the optional parameters that has it, and none has (? IS NULL OR ...). */
static void test_optional_combinations_use_index(void **state)
{
    assoc_db *db = *state;
    SQLITE_ONLY(db);     /* SQLite's query plans; PostgreSQL runs the same texts */
    for (unsigned mask = 0; mask < 32; mask++) {
        UserSearchArgs a = { .email = (mask & 1) ? "bob@example.com" : NULL,
                             .min_id = 1, .has_min_id = (mask & 2) != 0,
                             .pattern = (mask & 4) ? "%b%" : NULL,
                             .n = 10, .has_n = (mask & 8) != 0,
                             .skip = 0, .has_skip = (mask & 16) != 0 };
        captured c = { .have = false };
        sqlite3_trace_v2(assoc_sqlite(db), SQLITE_TRACE_STMT, trace_first, &c);
        UserList ul = USER_LIST_INIT;
        OK(db, user_search(db, &a, &ul));
        user_list_free(&ul);
        sqlite3_trace_v2(assoc_sqlite(db), 0, NULL, NULL);
        assert_true(c.have);
        assert_null(strstr(c.sql, "IS NULL OR"));
        if (mask & 1) {
            if (!plan_uses_index(db, c.sql, "ix_users_email"))
                fail_msg("mask %u: no index in the plan of %s", mask, c.sql);
        }
        /* one statement per combination: the text says which parameters */
        assert_true((strstr(c.sql, "users.email = $") != NULL) == ((mask & 1) != 0));
        assert_true((strstr(c.sql, "LIMIT $") != NULL) == ((mask & 8) != 0));
    }
}

/* ---- batched loads ---- */

static int count_chunks(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)x;
    const char *sql = sqlite3_sql(p);
    if (sql && strncmp(sql, "WITH p(i, k)", 12) == 0)
        (*(int *)ctx)++;
    return 0;
}

/* user.products for 250 parents (each user of 5, repeated): 3 statements
 * (chunks of 100), each parent's rows in the relationship's order (title),
 * each product once in rows, by key. */
static void test_load_groups(void **state)
{
    assoc_db *db = *state;
    UserList all = USER_LIST_INIT;
    OK(db, user_all(db, &all));
    User parents[250];
    for (size_t i = 0; i < 250; i++)
        parents[i] = all.items[i % 5];
    /* The statements are counted on SQLite (its trace hook); PostgreSQL
     * runs the same generated calls. */
    int chunks = 0;
    bool lite = !e2e_is_pg(db);
    if (lite)
        sqlite3_trace_v2(assoc_sqlite(db), SQLITE_TRACE_STMT, count_chunks, &chunks);
    ProductGroups g = PRODUCT_GROUPS_INIT;
    OK(db, user_products_load(db, parents, 250, &g));
    if (lite) {
        sqlite3_trace_v2(assoc_sqlite(db), 0, NULL, NULL);
        assert_int_equal(chunks, 3);
    }
    assert_int_equal(g.n, 250);
    /* products 1, 2, 3, 5 are bought: each once, by key */
    assert_int_equal(g.rows.len, 4);
    assert_int_equal(g.rows.items[0].id, 1);
    assert_int_equal(g.rows.items[3].id, 5);
    for (size_t i = 0; i < 250; i++) {
        ProductList one = PRODUCT_LIST_INIT;
        OK(db, user_products(db, &parents[i], &one));
        assert_int_equal(g.start[i + 1] - g.start[i], one.len);
        for (size_t k = g.start[i]; k < g.start[i + 1]; k++)
            assert_int_equal(g.rows.items[g.link[k]].id, one.items[k - g.start[i]].id);
        product_list_free(&one);
    }
    product_groups_free(&g);
    product_groups_free(NULL);
    assert_null(g.start);

    /* 105 parents: a chunk of 100, then the last 5 through the statement
     * of 16 places; each parent's rows as its own load gives them. */
    chunks = 0;
    if (lite)
        sqlite3_trace_v2(assoc_sqlite(db), SQLITE_TRACE_STMT, count_chunks, &chunks);
    OK(db, user_products_load(db, parents + 3, 105, &g));
    if (lite) {
        sqlite3_trace_v2(assoc_sqlite(db), 0, NULL, NULL);
        assert_int_equal(chunks, 2);
    }
    assert_int_equal(g.n, 105);
    for (size_t i = 0; i < 105; i++) {
        ProductList one = PRODUCT_LIST_INIT;
        OK(db, user_products(db, &parents[i + 3], &one));
        assert_int_equal(g.start[i + 1] - g.start[i], one.len);
        for (size_t k = g.start[i]; k < g.start[i + 1]; k++)
            assert_int_equal(g.rows.items[g.link[k]].id, one.items[k - g.start[i]].id);
        product_list_free(&one);
    }
    product_groups_free(&g);

    /* n = 0, and a to-one relationship whose target rows are shared */
    OK(db, user_products_load(db, parents, 0, &g));
    assert_int_equal(g.n, 0);
    assert_int_equal(g.rows.len, 0);
    product_groups_free(&g);
    OrderList orders = ORDER_LIST_INIT;
    OK(db, order_all(db, &orders));
    UserGroups ug = USER_GROUPS_INIT;
    OK(db, order_user_load(db, orders.items, orders.len, &ug));
    assert_int_equal(ug.rows.len, 3);      /* ada, bob, cyd; order 6 has none */
    assert_int_equal(ug.start[6] - ug.start[5], 0);
    assert_int_equal(ug.rows.items[ug.link[ug.start[0]]].id, 1);
    user_groups_free(&ug);
    order_list_free(&orders);
    user_list_free(&all);
}

typedef struct seen {
    size_t parents[64];
    int64_t ids[64];
    size_t n;
} seen;

static int on_row(size_t parent, const Order *o, void *ctx)
{
    seen *s = ctx;
    s->parents[s->n] = parent;
    s->ids[s->n++] = o->id;
    return s->n == 5 ? 42 : 0;
}

/* load_each streams (parent, row) pairs, a repeated parent once per
 * occurrence, and stops at a non-zero return. */
static void test_load_each(void **state)
{
    assoc_db *db = *state;
    User parents[3] = { USER_INIT, USER_INIT, USER_INIT };
    parents[0].id = 2;
    parents[1].id = 1;
    parents[2].id = 2;
    seen s = { .n = 0 };
    RC(db, 42, user_orders_load_each(db, parents, 3, on_row, &s));
    assert_int_equal(s.n, 5);
    static const size_t want_parent[5] = { 0, 0, 1, 1, 1 };
    static const int64_t want_id[5] = { 4, 5, 1, 2, 3 };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(s.parents[i], want_parent[i]);
        assert_int_equal(s.ids[i], want_id[i]);
    }
    int64_t n = 0;
    OK(db, user_products_count(db, &parents[1], &n));
    assert_int_equal(n, 2);                /* anvil (twice) and bolt */
    OK(db, user_orders_count(db, &parents[1], &n));
    assert_int_equal(n, 3);
    Product drill = PRODUCT_INIT;
    drill.id = 4;
    OK(db, product_users_count(db, &drill, &n));
    assert_int_equal(n, 0);
}

/* ---- keyset pages while rows come and go ---- */

/* Walking newest 2 at a time: rows inserted or deleted between calls
 * neither make a row that was there throughout be missed nor repeat one. */
static void test_page_walk_with_changes(void **state)
{
    assoc_db *db = *state;
    OrderNewestArgs a = { 0 };
    Order last = ORDER_INIT;
    bool have_last = false, seen_ids[64] = { false };
    int pages = 0;
    for (;;) {
        OrderList ol = ORDER_LIST_INIT;
        OK(db, order_newest_page(db, &a, have_last ? &last : NULL, 2, &ol));
        if (ol.len == 0)
            break;
        for (size_t i = 0; i < ol.len; i++) {
            assert_false(seen_ids[ol.items[i].id]);
            seen_ids[ol.items[i].id] = true;
        }
        last = ol.items[ol.len - 1];
        have_last = true;
        order_list_free(&ol);
        /* After each page: a new newest order (already passed), an old one
         * (to come), and the oldest original deleted after the 2nd page. */
        Order n = ORDER_INIT;
        n.user_id = 4;
        n.has_user_id = true;
        n.dttm = at(pages % 2 ? "2030-01-01 00:00:00" : "2020-01-01 00:00:00");
        n.has_dttm = true;
        OK(db, order_insert(db, &n));
        if (++pages == 2) {
            Order oldest = ORDER_INIT;
            oldest.id = 1;
            OK(db, order_delete(db, &oldest));
        }
    }
    /* Every original order but the deleted one was seen exactly once. */
    for (int id = 2; id <= 8; id++)
        assert_true(seen_ids[id]);
    assert_false(seen_ids[1]);
}

/* ---- set-based deletes ---- */

static int count_stmts(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)p;
    (void)x;
    (*(int *)ctx)++;
    return 0;
}

/* Deleting the rows of a query applies each row's rules (a user's orders
 * cascade) in a constant number of statements, and *deleted counts the
 * users. */
static void test_query_delete(void **state)
{
    assoc_db *db = *state;
    int before = 0, after = 0;
    bool lite = !e2e_is_pg(db);    /* statements counted on SQLite */
    UserSearchArgs one = { .email = "cyd@other.org" };
    if (lite)
        sqlite3_trace_v2(assoc_sqlite(db), SQLITE_TRACE_STMT, count_stmts, &before);
    int64_t deleted = 0;
    OK(db, user_search_delete(db, &one, &deleted));
    if (lite)
        sqlite3_trace_v2(assoc_sqlite(db), 0, NULL, NULL);
    assert_int_equal(deleted, 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders WHERE user_id = 3"), 0);
    UserSearchArgs many = { .pattern = "%example.com" };
    if (lite)
        sqlite3_trace_v2(assoc_sqlite(db), SQLITE_TRACE_STMT, count_stmts, &after);
    OK(db, user_search_delete(db, &many, &deleted));
    if (lite)
        sqlite3_trace_v2(assoc_sqlite(db), 0, NULL, NULL);
    assert_int_equal(deleted, 3);
    assert_int_equal(before, after);      /* the same statements for 1 row and for 3 */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 1);  /* the one without a user */
    /* Orders have no rules: their query deletes in one statement, limits kept. */
    OrderRecentOfUserArgs r = { .user_id = 1 };
    OK(db, order_recent_of_user_delete(db, &r, &deleted));
    assert_int_equal(deleted, 0);
}

/* A query delete inside the caller's transaction, undone with it. */
static void test_query_delete_rolls_back(void **state)
{
    assoc_db *db = *state;
    OK(db, assoc_begin(db));
    int64_t deleted = 0;
    OK(db, product_never_ordered_delete(db, &deleted));
    assert_int_equal(deleted, 1);
    OK(db, assoc_rollback(db));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM products"), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_sqlalchemy),
        cmocka_unit_test_setup_teardown(test_first_count_exists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optional_combinations_use_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_walk_with_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_delete_rolls_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
