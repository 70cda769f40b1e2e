/* test_seed.c - the seed's models (schema/models.def) through the generated
 * API: CRUD, the three relationship kinds both ways, add/remove, the delete
 * rules, SPEC section 5's StaleDataError cases, misuse and injection. */
#include "e2e.h"

#include <stdlib.h>
#include <unistd.h>

#include "models.h"

static const char *const all_tables[] = { "users", "products", "orders" };

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (e2e_open(&db) != ASSOC_OK || models_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    e2e_close(*state);
    return 0;
}

static User new_user(assoc_db *db, const char *email)
{
    User u = USER_INIT;
    u.email = (char *)email;
    OK(db, user_insert(db, &u));
    return u;
}

static Product new_product(assoc_db *db, const char *title)
{
    Product p = PRODUCT_INIT;
    p.title = (char *)title;
    OK(db, product_insert(db, &p));
    return p;
}

/* n orders of user u, product p (NULL: none), ids and dttm unset. */
static void orders_of(Order *o, size_t n, const User *u, const Product *p)
{
    for (size_t i = 0; i < n; i++) {
        o[i] = (Order)ORDER_INIT;
        o[i].user_id = u->id;
        o[i].has_user_id = true;
        if (p != NULL) {
            o[i].product_id = p->id;
            o[i].has_product_id = true;
        }
    }
}

/* Each order is in the table as written back: its id, its user, its
 * product and its dttm. */
static void check_orders(assoc_db *db, const Order *o, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        Order got = ORDER_INIT;
        assert_true(o[i].id > 0);
        assert_true(o[i].has_dttm);
        OK(db, order_get(db, o[i].id, &got));
        assert_true(got.user_id == o[i].user_id && got.has_user_id == o[i].has_user_id);
        assert_true(got.product_id == o[i].product_id && got.has_product_id == o[i].has_product_id);
        assert_true(got.dttm == o[i].dttm);
        for (size_t k = 0; k < i; k++)
            assert_true(o[k].id != o[i].id);
    }
}

/* Round trips to PostgreSQL: libpq's trace of the protocol, in which the
 * client ends each round trip with a Sync (a pipeline of several commands
 * too).  trace_start, then the calls, then trace_syncs. */
static FILE *trace_start(assoc_db *db)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    PQtrace(assoc_pg(db), f);
    PQsetTraceFlags(assoc_pg(db), PQTRACE_SUPPRESS_TIMESTAMPS);
    return f;
}

static int trace_syncs(assoc_db *db, FILE *f)
{
    char line[4096];
    int n = 0;
    PQuntrace(assoc_pg(db));
    rewind(f);
    while (fgets(line, sizeof line, f) != NULL)
        n += strncmp(line, "F\t", 2) == 0 && strstr(line, "\tSync") != NULL;
    fclose(f);
    return n;
}

/* insert_many: every row as _insert writes it, ids and defaults written
 * back, in and out of a transaction, over several statements; a failure
 * leaves the rows and the tables as they were. */
static void test_insert_many(void **state)
{
    assoc_db *db = *state;
    static const char *const order_table[] = { "orders" };
    User u = new_user(db, "ada@example.com");
    Product p = new_product(db, "anvil");
    Order o[40], before[40];

    RC(db, ASSOC_OK, order_insert_many(db, NULL, 0));
    RC(db, ASSOC_MISUSE, order_insert_many(db, NULL, 1));
    RC(db, ASSOC_MISUSE, order_insert_many(NULL, o, 1));

    /* Outside a transaction: the ids follow the largest. */
    Order one = ORDER_INIT;
    one.user_id = u.id;
    one.has_user_id = true;
    OK(db, order_insert(db, &one));
    orders_of(o, 3, &u, &p);
    o[1].dttm = 1234567;
    o[1].has_dttm = true; /* set: kept */
    OK(db, order_insert_many(db, o, 3));
    assert_true(o[0].id == one.id + 1 && o[2].id == one.id + 3);
    assert_true(o[1].dttm == 1234567);
    check_orders(db, o, 3);

    /* Users: the server default, CURRENT_TIMESTAMP's form in the row. */
    User us[2] = { USER_INIT, USER_INIT };
    us[0].email = "bob@example.com";
    us[1].email = "cyd@example.com";
    OK(db, user_insert_many(db, us, 2));
    assert_true(us[0].id == u.id + 1 && us[1].id == u.id + 2 && us[0].has_create_dttm);
    if (!e2e_is_pg(db))   /* a TIMESTAMP column on PostgreSQL has no text form */
        assert_true(sql_int(db, "SELECT count(*) FROM users WHERE length(create_dttm) = 19") == 3);
    /* each row's stamp written back as the row holds it; one the caller
     * set is kept */
    User ux[3] = { USER_INIT, USER_INIT, USER_INIT };
    ux[1].create_dttm = 7654321;
    ux[1].has_create_dttm = true;
    OK(db, user_insert_many(db, ux, 3));
    assert_true(ux[1].create_dttm == 7654321);
    assert_true(ux[0].has_create_dttm && ux[2].has_create_dttm && ux[0].create_dttm == ux[2].create_dttm);
    for (size_t i = 0; i < 2 + 3; i++) {
        const User *x = i < 2 ? &us[i] : &ux[i - 2];
        User back = USER_INIT;
        OK(db, user_get(db, x->id, &back));
        assert_true(back.has_create_dttm && back.create_dttm == x->create_dttm);
        user_free(&back);
    }

    /* In a transaction: calls that follow each other, and others' inserts
     * between them, 40 rows (three statements). */
    OK(db, assoc_begin(db));
    orders_of(o, 5, &u, &p);
    OK(db, order_insert_many(db, o, 5));
    int64_t last = o[4].id;
    orders_of(o, 5, &u, NULL);
    OK(db, order_insert_many(db, o, 5));
    assert_true(o[0].id == last + 1);
    check_orders(db, o, 5);
    OK(db, order_insert(db, &(Order){ .user_id = u.id, .has_user_id = true }));
    orders_of(o, 40, &u, &p);
    OK(db, order_insert_many(db, o, 40));
    assert_true(o[0].id == o[4].id - 4 && o[39].id == o[0].id + 39);
    check_orders(db, o, 40);
    OK(db, assoc_commit(db));

    /* Rows with ids of their own go in one by one, the others around them. */
    orders_of(o, 3, &u, &p);
    o[1].id = 100000;
    OK(db, order_insert_many(db, o, 3));
    assert_true(o[1].id == 100000 && o[2].id == 100001 && o[0].id < 100000);
    check_orders(db, o, 3);
    /* ... atomically, in the caller's transaction too: the first row in,
     * the third refused, nothing of the call remains. */
    {
        uint64_t fp = db_fingerprint(db, order_table, 1);
        OK(db, assoc_begin(db));
        orders_of(o, 3, &u, &p);
        o[0].id = 200000;
        o[2].product_id = 999999;
        memcpy(before, o, sizeof o);
        RC(db, ASSOC_CONSTRAINT, order_insert_many(db, o, 3));
        assert_memory_equal(o, before, sizeof o);
        assert_true(db_fingerprint(db, order_table, 1) == fp);
        OK(db, assoc_commit(db));
        assert_true(db_fingerprint(db, order_table, 1) == fp);
    }

    /* A failure (no such product) in the last statement: nothing of the
     * call remains, in the table or in the rows; then the next call's ids
     * are right, in the caller's transaction too. */
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        int64_t next = sql_int(db, "SELECT max(id) FROM orders") + 1;
        uint64_t fp = db_fingerprint(db, order_table, 1);
        if (in_tx)
            OK(db, assoc_begin(db));
        orders_of(o, in_tx ? 10 : 40, &u, &p);
        o[in_tx ? 7 : 35].product_id = 999999;
        memcpy(before, o, sizeof o);
        RC(db, ASSOC_CONSTRAINT, order_insert_many(db, o, in_tx ? 10 : 40));
        assert_memory_equal(o, before, sizeof o);
        assert_true(db_fingerprint(db, order_table, 1) == fp);
        orders_of(o, 2, &u, &p);
        OK(db, order_insert_many(db, o, 2));
        /* PostgreSQL's sequences do not roll back: the next ids follow. */
        assert_true(o[1].id == o[0].id + 1 && o[0].id >= next);
        if (!e2e_is_pg(db))
            assert_true(o[0].id == next);
        check_orders(db, o, 2);
        if (in_tx)
            OK(db, assoc_commit(db));
    }

    /* Ids at the end of the range: SQLite's own, row by row.  (PostgreSQL's
     * come from the column's sequence, whatever the rows hold.) */
    if (e2e_is_pg(db))
        return;
    Order top = ORDER_INIT;
    top.id = INT64_MAX - 1;
    OK(db, order_insert(db, &top));
    orders_of(o, 4, &u, &p);
    OK(db, order_insert_many(db, o, 4));
    assert_true(o[0].id == INT64_MAX);
    check_orders(db, o, 4);
}

/* insert_many on a table with triggers takes the rows one by one, each id
 * as SQLite reports it; a trigger made by the connection itself after its
 * last look is caught, not taken for the ids. */
static void test_insert_many_triggers(void **state)
{
    assoc_db *db = *state;
    SQLITE_ONLY(db);   /* SQLite's triggers and rowids */
    User u = new_user(db, "ada@example.com");
    Product p = new_product(db, "anvil");
    Order o[4];

    OK(db, assoc_begin(db));
    orders_of(o, 2, &u, &p);
    OK(db, order_insert_many(db, o, 2));
    assert_int_equal(sqlite3_exec(assoc_sqlite(db),
                                  "CREATE TRIGGER shadow AFTER INSERT ON orders WHEN NEW.product_id IS NOT NULL "
                                  "BEGIN INSERT INTO orders(user_id) VALUES (NEW.user_id); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    orders_of(o, 3, &u, &p);
    RC(db, ASSOC_ERROR, order_insert_many(db, o, 3));
    OK(db, assoc_rollback(db));
    /* Looked at anew: one by one, right. */
    assert_int_equal(sqlite3_exec(assoc_sqlite(db),
                                  "CREATE TRIGGER shadow AFTER INSERT ON orders WHEN NEW.product_id IS NOT NULL "
                                  "BEGIN INSERT INTO orders(user_id) VALUES (NEW.user_id); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    orders_of(o, 4, &u, &p);
    OK(db, order_insert_many(db, o, 4));
    check_orders(db, o, 4);
    assert_true(sql_int(db, "SELECT count(*) FROM orders WHERE product_id IS NULL") == 4);
}

/* insert_many's ids after another connection's insert between two
 * transactions: read anew, not followed on from the last call's. */
static void test_insert_many_two_connections(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/many-XXXXXX", BUILDDIR);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    assoc_db *a = NULL, *b = NULL;
    OK(a, assoc_open(path, &a));
    OK(a, models_create_all(a));
    OK(b, assoc_open(path, &b));
    User u = new_user(a, "ada@example.com");
    Order o[3];
    /* The second and third rounds begin with the write lock (the table's
     * last ids are then looked at under it, where the other connection's
     * commit shows as a new data version). */
    for (int round = 0; round < 3; round++) {
        if (round == 0)
            OK(a, assoc_begin(a));
        else
            assert_int_equal(sqlite3_exec(assoc_sqlite(a), "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
        orders_of(o, 3, &u, NULL);
        OK(a, order_insert_many(a, o, 3));
        check_orders(a, o, 3);
        if (round == 0)
            OK(a, assoc_commit(a));
        else
            assert_int_equal(sqlite3_exec(assoc_sqlite(a), "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        Order other = ORDER_INIT;
        OK(b, order_insert(b, &other));
        assert_true(other.id == o[2].id + 1);
    }
    OK(a, assoc_begin(a));
    orders_of(o, 3, &u, NULL);
    OK(a, order_insert_many(a, o, 3));
    assert_true(o[0].id == sql_int(a, "SELECT max(id) FROM orders") - 2);
    OK(a, assoc_commit(a));
    assoc_close(a);
    assoc_close(b);
    char side[300];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static int on_user_of_order(const Order *o, const User *u, void *ctx)
{
    assert_non_null(u);
    assert_true(o->user_id == u->id);
    *(int64_t *)ctx = u->id;
    return 0;
}

typedef struct pairs {
    int64_t order[8], product[8];
    size_t n, stop_at;
    assoc_db *db;
} pairs;

static int on_pair(const Order *o, const Product *p, void *ctx)
{
    pairs *x = ctx;
    x->order[x->n] = o->id;
    x->product[x->n++] = p != NULL ? p->id : 0;
    if (p != NULL)
        assert_true(o->has_product_id && o->product_id == p->id && p->title != NULL);
    /* Back into the API while the row is lent: its own statement. */
    int64_t n = 0;
    OK(x->db, user_orders_count(x->db, &(User){ .id = o->user_id }, &n));
    return x->n == x->stop_at ? 42 : 0;
}

/* user_orders_with_product_each: each order with its product, NULL for
 * none, in the collection's order; a non-zero return stops. */
static void test_each_with(void **state)
{
    assoc_db *db = *state;
    User u = new_user(db, "ada@example.com"), nobody = USER_INIT;
    Product a = new_product(db, "anvil"), b = new_product(db, "bolt");
    Order o[3];
    orders_of(o, 3, &u, &a);
    o[1].has_product_id = false;
    o[2].product_id = b.id;
    OK(db, order_insert_many(db, o, 3));
    pairs x = { .n = 0, .stop_at = 0, .db = db };
    OK(db, user_orders_with_product_each(db, &u, on_pair, &x));
    assert_int_equal(x.n, 3);
    assert_true(x.order[0] == o[0].id && x.product[0] == a.id);
    assert_true(x.order[1] == o[1].id && x.product[1] == 0);
    assert_true(x.order[2] == o[2].id && x.product[2] == b.id);
    x = (pairs){ .n = 0, .stop_at = 2, .db = db };
    RC(db, 42, user_orders_with_product_each(db, &u, on_pair, &x));
    assert_int_equal(x.n, 2);
    x = (pairs){ .n = 0, .stop_at = 0, .db = db };
    OK(db, user_orders_with_product_each(db, &nobody, on_pair, &x)); /* unsaved: none */
    assert_int_equal(x.n, 0);
    RC(db, ASSOC_MISUSE, user_orders_with_product_each(db, &u, NULL, &x));
    /* The other way: product.orders with each order's user. */
    int64_t seen = 0;
    OK(db, product_orders_with_user_each(db, &a, on_user_of_order, &seen));
    assert_true(seen == u.id);
}

/* insert writes back the row id, the client default (now) and the server
 * default (CURRENT_TIMESTAMP). */
static void test_insert_writes_back(void **state)
{
    assoc_db *db = *state;
    assoc_time before = assoc_now();
    User u = new_user(db, "ada@example.com");
    assert_true(u.id > 0);
    assert_true(u.has_create_dttm);          /* server default, from the database's clock */
    /* SQLite's CURRENT_TIMESTAMP has whole seconds; PostgreSQL's has
     * microseconds. */
    assert_true(u.create_dttm >= before - 2000000 && u.create_dttm <= assoc_now() + 1000000);
    /* What was written back is what the row holds, in the database's form
     * of CURRENT_TIMESTAMP. */
    char sql[96], text[64];
    snprintf(sql, sizeof sql, "SELECT create_dttm FROM users WHERE id = %lld", (long long)u.id);
    sql_text(db, sql, text, sizeof text);
    if (!e2e_is_pg(db))
        assert_int_equal(strlen(text), 19);
    assoc_time stored = 0;
    assert_int_equal(assoc_time_parse(text, strlen(text), &stored), ASSOC_OK);
    assert_true(stored == u.create_dttm);
    assert_string_equal(u.email, "ada@example.com");   /* the caller's string, untouched */

    Product p = new_product(db, "lamp");
    assert_true(p.id > 0);
    assert_true(p.has_create_dttm);          /* client default(now) */
    assert_true(p.create_dttm >= before && p.create_dttm <= assoc_now());

    User back = USER_INIT;
    OK(db, user_get(db, u.id, &back));
    assert_int_equal(back.id, u.id);
    assert_string_equal(back.email, "ada@example.com");
    assert_true(back.has_create_dttm);
    assert_int_equal(back.create_dttm, u.create_dttm);
    user_free(&back);
    assert_null(back.email);

    /* An explicit id is kept, and the default written back is the row's. */
    User v = USER_INIT;
    v.id = 1000;
    OK(db, user_insert(db, &v));
    assert_int_equal(v.id, 1000);
    assert_true(v.has_create_dttm);
    OK(db, user_get(db, 1000, &back));
    assert_true(back.has_create_dttm && back.create_dttm == v.create_dttm);
    user_free(&back);
    RC(db, ASSOC_CONSTRAINT, user_insert(db, &v));   /* the same id again */
    /* A datetime the caller set is kept, not the clock's. */
    User w = USER_INIT;
    w.create_dttm = 1234567;
    w.has_create_dttm = true;
    OK(db, user_insert(db, &w));
    assert_true(w.create_dttm == 1234567);
    OK(db, user_get(db, w.id, &back));
    assert_true(back.has_create_dttm && back.create_dttm == 1234567);
    user_free(&back);
}

/* On PostgreSQL an insert with server_default(current_timestamp) is one
 * round trip: the statement reads the server's clock and returns it, where
 * a SELECT LOCALTIMESTAMP went before it. */
static void test_insert_one_round_trip(void **state)
{
    assoc_db *db = *state;
    if (!e2e_is_pg(db))
        skip();
    User u = new_user(db, "ada");               /* its statement prepared */
    u = (User)USER_INIT;
    u.email = "bob";
    FILE *f = trace_start(db);
    OK(db, user_insert(db, &u));
    assert_int_equal(trace_syncs(db, f), 1);
    assert_true(u.has_create_dttm);
    User back = USER_INIT;
    OK(db, user_get(db, u.id, &back));
    assert_true(back.has_create_dttm && back.create_dttm == u.create_dttm);
    user_free(&back);
}

static void test_crud(void **state)
{
    assoc_db *db = *state;
    User u = USER_INIT;
    RC(db, ASSOC_NOTFOUND, user_first(db, &u));
    int64_t n = -1;
    OK(db, user_count(db, &n));
    assert_int_equal(n, 0);

    User a = new_user(db, "a@x"), b = new_user(db, "b@x");
    OK(db, user_count(db, &n));
    assert_int_equal(n, 2);
    OK(db, user_first(db, &u));
    assert_int_equal(u.id, a.id);
    user_free(&u);

    b.email = "b2@x";
    OK(db, user_update(db, &b));
    OK(db, user_get(db, b.id, &u));
    assert_string_equal(u.email, "b2@x");
    user_free(&u);

    /* Update to NULL: the string pointer NULL is SQL NULL. */
    b.email = NULL;
    OK(db, user_update(db, &b));
    OK(db, user_get(db, b.id, &u));
    assert_null(u.email);
    user_free(&u);

    UserList all = USER_LIST_INIT;
    OK(db, user_all(db, &all));
    assert_int_equal(all.len, 2);
    assert_int_equal(all.items[0].id, a.id);
    assert_int_equal(all.items[1].id, b.id);
    user_list_free(&all);
    assert_null(all.items);
    assert_int_equal(all.len, 0);

    OK(db, user_delete(db, &a));
    RC(db, ASSOC_NOTFOUND, user_get(db, a.id, &u));
    RC(db, ASSOC_NOTFOUND, user_delete(db, &a));
    RC(db, ASSOC_NOTFOUND, user_update(db, &a));
    OK(db, user_count(db, &n));
    assert_int_equal(n, 1);
}

/* The seed's Usage section: user.products, user.orders,
 * user.orders[0].product, product.users. */
static void test_relationships_both_ways(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada"), bob = new_user(db, "bob");
    Product kb = new_product(db, "keyboard"), mon = new_product(db, "monitor"), lamp = new_product(db, "lamp");

    /* Added out of key order: collections come back by key. */
    OK(db, user_products_add(db, &ada, &mon));
    OK(db, user_products_add(db, &ada, &kb));
    OK(db, product_users_add(db, &mon, &bob));     /* the other side writes the same table */

    ProductList ps = PRODUCT_LIST_INIT;
    OK(db, user_products(db, &ada, &ps));
    assert_int_equal(ps.len, 2);
    assert_int_equal(ps.items[0].id, kb.id);
    assert_string_equal(ps.items[0].title, "keyboard");
    assert_int_equal(ps.items[1].id, mon.id);
    product_list_free(&ps);

    UserList us = USER_LIST_INIT;
    OK(db, product_users(db, &mon, &us));
    assert_int_equal(us.len, 2);
    assert_int_equal(us.items[0].id, ada.id);
    assert_int_equal(us.items[1].id, bob.id);
    user_list_free(&us);
    OK(db, product_users(db, &lamp, &us));
    assert_int_equal(us.len, 0);
    user_list_free(&us);

    OrderList os = ORDER_LIST_INIT;
    OK(db, user_orders(db, &ada, &os));
    assert_int_equal(os.len, 2);
    assert_true(os.items[0].id < os.items[1].id);
    assert_true(os.items[0].has_user_id);
    assert_int_equal(os.items[0].user_id, ada.id);
    assert_true(os.items[0].has_dttm);             /* default(now) on the association row */
    Product p = PRODUCT_INIT;
    OK(db, order_product(db, &os.items[0], &p));   /* user.orders[0].product */
    assert_int_equal(p.id, mon.id);
    product_free(&p);
    User u = USER_INIT;
    OK(db, order_user(db, &os.items[1], &u));
    assert_int_equal(u.id, ada.id);
    user_free(&u);
    order_list_free(&os);

    OK(db, product_orders(db, &kb, &os));
    assert_int_equal(os.len, 1);
    order_list_free(&os);
}

/* A many-to-many collection holds each target once, however many
 * association rows link it. */
static void test_many_to_many_distinct(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada");
    Product kb = new_product(db, "keyboard");
    for (int i = 0; i < 3; i++)
        OK(db, user_products_add(db, &ada, &kb));
    ProductList ps = PRODUCT_LIST_INIT;
    OK(db, user_products(db, &ada, &ps));
    assert_int_equal(ps.len, 1);
    product_list_free(&ps);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 3);
}

/* SPEC section 5: SQLAlchemy 1.4 raises StaleDataError here. */
static void test_stale_data_cases(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada"), bob = new_user(db, "bob");
    Product kb = new_product(db, "keyboard"), mon = new_product(db, "monitor");
    OK(db, user_products_add(db, &ada, &kb));
    OK(db, user_products_add(db, &ada, &kb));     /* bought twice */
    OK(db, user_products_add(db, &ada, &mon));
    OK(db, user_products_add(db, &bob, &kb));
    OK(db, user_products_add(db, &bob, &kb));

    /* remove deletes every association row linking the two. */
    OK(db, user_products_remove(db, &ada, &kb));
    ProductList ps = PRODUCT_LIST_INIT;
    OK(db, user_products(db, &ada, &ps));
    assert_int_equal(ps.len, 1);
    assert_int_equal(ps.items[0].id, mon.id);
    product_list_free(&ps);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 3);
    RC(db, ASSOC_NOTFOUND, user_products_remove(db, &ada, &kb));   /* no longer linked */

    /* delete removes every order of the user. */
    OK(db, user_delete(db, &bob));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM products"), 2);   /* products stay */
}

/* one-to-many add/remove with the backref's "all, delete-orphan". */
static void test_one_to_many_add_remove(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada"), bob = new_user(db, "bob");
    Product kb = new_product(db, "keyboard");

    Order o = ORDER_INIT;
    o.product_id = kb.id;
    o.has_product_id = true;
    OK(db, user_orders_add(db, &ada, &o));          /* id 0: inserted */
    assert_true(o.id > 0);
    assert_true(o.has_user_id);
    assert_int_equal(o.user_id, ada.id);            /* the foreign key, in the struct too */
    assert_true(o.has_dttm);

    OK(db, user_orders_add(db, &bob, &o));          /* id set: moved by update */
    assert_int_equal(o.user_id, bob.id);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 1);
    OrderList os = ORDER_LIST_INIT;
    OK(db, user_orders(db, &ada, &os));
    assert_int_equal(os.len, 0);
    order_list_free(&os);

    RC(db, ASSOC_NOTFOUND, user_orders_remove(db, &ada, &o));   /* not ada's */
    OK(db, user_orders_remove(db, &bob, &o));        /* delete-orphan: the order goes */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 0);
}

/* Deleting a product cascades to its orders (backref cascade "all"); the
 * users stay. */
static void test_delete_cascades(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada");
    Product kb = new_product(db, "keyboard"), mon = new_product(db, "monitor");
    OK(db, user_products_add(db, &ada, &kb));
    OK(db, user_products_add(db, &ada, &mon));
    OK(db, product_delete(db, &kb));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 1);
    OK(db, user_delete(db, &ada));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM products"), 1);
}

/* A multi-statement call nests in the caller's transaction: rolling the
 * caller back undoes it whole. */
static void test_nested_in_caller_transaction(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada");
    Product kb = new_product(db, "keyboard");
    OK(db, user_products_add(db, &ada, &kb));
    uint64_t before = db_fingerprint(db, all_tables, 3);

    OK(db, assoc_begin(db));
    OK(db, user_delete(db, &ada));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 0);
    OK(db, assoc_rollback(db));
    assert_int_equal(db_fingerprint(db, all_tables, 3), before);

    OK(db, assoc_begin(db));
    OK(db, user_delete(db, &ada));
    OK(db, assoc_commit(db));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 0);
    RC(db, ASSOC_MISUSE, assoc_commit(db));
    RC(db, ASSOC_MISUSE, assoc_rollback(db));
}

/* A failing statement inside a multi-statement call leaves nothing behind:
 * a trigger makes the final DELETE of the user fail after its orders were
 * deleted. */
static void test_delete_is_atomic(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada");
    Product kb = new_product(db, "keyboard");
    OK(db, user_products_add(db, &ada, &kb));
    OK(db, user_products_add(db, &ada, &kb));
    if (e2e_is_pg(db))
        e2e_raw(db, "CREATE FUNCTION no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'users are forever' USING ERRCODE = 'integrity_constraint_violation'; END $$; "
                    "CREATE TRIGGER no_delete BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION no_delete()");
    else
        e2e_raw(db, "CREATE TRIGGER no_delete BEFORE DELETE ON users "
                    "BEGIN SELECT RAISE(ABORT, 'users are forever'); END");
    uint64_t before = db_fingerprint(db, all_tables, 3);
    RC(db, ASSOC_CONSTRAINT, user_delete(db, &ada));
    assert_non_null(strstr(assoc_errmsg(db), "users are forever"));
    assert_int_equal(db_fingerprint(db, all_tables, 3), before);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 2);
    /* no transaction left open */
    if (e2e_is_pg(db))
        assert_int_equal(PQtransactionStatus(assoc_pg(db)), PQTRANS_IDLE);
    else
        assert_int_equal(sqlite3_get_autocommit(assoc_sqlite(db)), 1);
}

/* On PostgreSQL a delete whose steps are unconditional is one statement
 * (data-modifying WITHs): one round trip, in a transaction or not, where
 * the steps and the atomic section took four. */
static void test_delete_one_round_trip(void **state)
{
    assoc_db *db = *state;
    if (!e2e_is_pg(db))
        skip();
    User ada = new_user(db, "ada"), bob = new_user(db, "bob"), cy = new_user(db, "cy");
    Product kb = new_product(db, "keyboard");
    OK(db, user_products_add(db, &ada, &kb));
    OK(db, user_products_add(db, &bob, &kb));
    OK(db, user_delete(db, &cy));              /* its statement prepared: a round trip of its own */
    FILE *f = trace_start(db);
    OK(db, user_delete(db, &ada));
    assert_int_equal(trace_syncs(db, f), 1);
    OK(db, assoc_begin(db));
    f = trace_start(db);
    OK(db, user_delete(db, &bob));
    assert_int_equal(trace_syncs(db, f), 1);
    OK(db, assoc_commit(db));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM products"), 1);
}

/* A delete of a row that is not there, inside the caller's transaction:
 * ASSOC_NOTFOUND, nothing changed, and the transaction goes on. */
static void test_delete_missing_in_transaction(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada");
    Product kb = new_product(db, "keyboard");
    OK(db, user_products_add(db, &ada, &kb));
    uint64_t before = db_fingerprint(db, all_tables, 3);
    User ghost = ada;
    ghost.id = ada.id + 1000;
    OK(db, assoc_begin(db));
    RC(db, ASSOC_NOTFOUND, user_delete(db, &ghost));
    assert_non_null(strstr(assoc_errmsg(db), "no such row"));
    assert_int_equal(db_fingerprint(db, all_tables, 3), before);
    if (e2e_is_pg(db))
        assert_int_equal(PQtransactionStatus(assoc_pg(db)), PQTRANS_INTRANS);
    /* the transaction is usable: what follows commits */
    User bob = new_user(db, "bob");
    OK(db, user_delete(db, &ada));
    RC(db, ASSOC_NOTFOUND, user_delete(db, &ada));
    OK(db, assoc_commit(db));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 0);
    User back = USER_INIT;
    OK(db, user_get(db, bob.id, &back));
    user_free(&back);
    /* and outside a transaction */
    RC(db, ASSOC_NOTFOUND, user_delete(db, &ghost));
}

/* A delete that a foreign key refuses (a table the models do not know
 * refers to the user, without ON DELETE) is ASSOC_CONSTRAINT with nothing
 * changed: the user's orders, deleted before the user, stay.  In the
 * caller's transaction too, which goes on. */
static void test_delete_refused_by_foreign_key(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada");
    Product kb = new_product(db, "keyboard");
    OK(db, user_products_add(db, &ada, &kb));
    OK(db, user_products_add(db, &ada, &kb));
    e2e_raw(db, "CREATE TABLE notes (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id))");
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO notes (id, user_id) VALUES (1, %lld)", (long long)ada.id);
    e2e_raw(db, sql);
    uint64_t before = db_fingerprint(db, all_tables, 3);
    RC(db, ASSOC_CONSTRAINT, user_delete(db, &ada));
    assert_int_equal(db_fingerprint(db, all_tables, 3), before);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 2);
    if (e2e_is_pg(db))
        assert_int_equal(PQtransactionStatus(assoc_pg(db)), PQTRANS_IDLE);
    else
        assert_int_equal(sqlite3_get_autocommit(assoc_sqlite(db)), 1);

    OK(db, assoc_begin(db));
    RC(db, ASSOC_CONSTRAINT, user_delete(db, &ada));
    assert_int_equal(db_fingerprint(db, all_tables, 3), before);
    e2e_raw(db, "DELETE FROM notes");
    OK(db, user_delete(db, &ada));
    OK(db, assoc_commit(db));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM orders"), 0);
}

/* Values are bound, never spliced into SQL. */
static void test_injection_round_trip(void **state)
{
    assoc_db *db = *state;
    static const char *const evil[] = {
        "'); DROP TABLE users;--", "\" OR 1=1 --", "Robert'); DELETE FROM orders; --",
        "%s%s%n", "?1 ?2 :name @x $y", "", "caf\xc3\xa9 \xe2\x98\x95",
    };
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        User u = new_user(db, evil[i]);
        User back = USER_INIT;
        OK(db, user_get(db, u.id, &back));
        assert_non_null(back.email);
        assert_string_equal(back.email, evil[i]);
        user_free(&back);
    }
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 7);
    /* An empty string is not NULL. */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users WHERE email = ''"), 1);
}

/* string(255) is enforced: an over-long value is a constraint error. */
static void test_constraints(void **state)
{
    assoc_db *db = *state;
    char *longer = malloc(257);
    assert_non_null(longer);
    memset(longer, 'x', 256);
    longer[256] = '\0';
    User u = USER_INIT;
    u.email = longer;
    RC(db, ASSOC_CONSTRAINT, user_insert(db, &u));
    assert_true(strlen(assoc_errmsg(db)) > 0);
    longer[255] = '\0';                           /* exactly 255 characters is fine */
    OK(db, user_insert(db, &u));
    free(longer);

    /* Foreign keys are enforced. */
    Order o = ORDER_INIT;
    o.user_id = 424242;
    o.has_user_id = true;
    RC(db, ASSOC_CONSTRAINT, order_insert(db, &o));
}

/* Bad arguments are ASSOC_MISUSE, never a crash. */
static void test_misuse(void **state)
{
    assoc_db *db = *state;
    User u = USER_INIT;
    UserList ul = USER_LIST_INIT;
    Product p = PRODUCT_INIT;
    int64_t n;
    RC(db, ASSOC_MISUSE, user_insert(NULL, &u));
    RC(db, ASSOC_MISUSE, user_insert(db, NULL));
    RC(db, ASSOC_MISUSE, user_get(db, 1, NULL));
    RC(db, ASSOC_MISUSE, user_all(db, NULL));
    RC(db, ASSOC_MISUSE, user_count(db, NULL));
    RC(db, ASSOC_MISUSE, user_count(NULL, &n));
    RC(db, ASSOC_MISUSE, user_each(db, NULL, NULL));
    RC(db, ASSOC_MISUSE, user_products(db, &u, NULL));
    RC(db, ASSOC_MISUSE, user_products_add(db, &u, &p));  /* u is not saved: nothing to link to */
    RC(db, ASSOC_MISUSE, product_users(db, NULL, &ul));
    RC(db, ASSOC_MISUSE, assoc_open(NULL, &db));
    user_free(NULL);
    user_list_free(NULL);
    assert_int_equal(ASSOC_OK, 0);
}

static int count_calls_product(const Product *p, void *ctx)
{
    (void)p;
    ++*(int *)ctx;
    return 0;
}

static int count_calls_order(const Order *o, void *ctx)
{
    (void)o;
    ++*(int *)ctx;
    return 0;
}

/* A record not yet saved (id 0) names no row: update, delete and remove
 * find nothing, its collections are empty (as SQLAlchemy's collections of a
 * transient object are), and a to-one read finds no row. */
static void test_unsaved_record(void **state)
{
    assoc_db *db = *state;
    User u = USER_INIT, saved = USER_INIT;
    Product p = PRODUCT_INIT;
    Order o = ORDER_INIT;
    ProductList pl = PRODUCT_LIST_INIT;
    OrderList ol = ORDER_LIST_INIT;
    int64_t before, after;
    int calls = 0;

    saved.email = "saved@example.com";
    OK(db, user_insert(db, &saved));
    p.title = "p";
    OK(db, product_insert(db, &p));
    OK(db, user_products_add(db, &saved, &p));
    OK(db, user_count(db, &before));
    RC(db, ASSOC_NOTFOUND, user_update(db, &u));
    assert_non_null(strstr(assoc_errmsg(db), "no key"));
    RC(db, ASSOC_NOTFOUND, user_delete(db, &u));
    OK(db, user_count(db, &after));
    assert_int_equal(before, after);
    OK(db, user_products(db, &u, &pl));
    assert_int_equal(pl.len, 0);
    assert_null(pl.items);
    OK(db, user_products_each(db, &u, count_calls_product, &calls));
    OK(db, user_orders(db, &u, &ol));
    assert_int_equal(ol.len, 0);
    OK(db, user_orders_each(db, &u, count_calls_order, &calls));
    assert_int_equal(calls, 0);
    RC(db, ASSOC_NOTFOUND, user_products_remove(db, &u, &p));
    RC(db, ASSOC_NOTFOUND, user_orders_remove(db, &saved, &o)); /* an unsaved child is nobody's */
    RC(db, ASSOC_NOTFOUND, product_delete(db, &(Product)PRODUCT_INIT));
    /* The saved user's link is untouched by all of it. */
    OK(db, user_products(db, &saved, &pl));
    assert_int_equal(pl.len, 1);
    product_list_free(&pl);
    /* saved and p hold only the caller's strings: nothing to free. */
}

typedef struct walk {
    assoc_db *db;
    int seen;
    int stop_at;
    int64_t orders;
} walk;

/* _each streams; a callback may call back into the API (the statement in
 * use is not handed out twice); a non-zero return stops and is returned. */
static int visit_user(const User *u, void *ctx)
{
    walk *w = ctx;
    w->seen++;
    OrderList os = ORDER_LIST_INIT;
    if (user_orders(w->db, u, &os) != ASSOC_OK)
        return -1;
    w->orders += (int64_t)os.len;
    order_list_free(&os);
    User again = USER_INIT;
    if (user_first(w->db, &again) != ASSOC_OK)   /* the same SELECT shape, re-entered */
        return -2;
    user_free(&again);
    return w->seen == w->stop_at ? 77 : 0;
}

static void test_each(void **state)
{
    assoc_db *db = *state;
    Product kb = new_product(db, "keyboard");
    for (int i = 0; i < 5; i++) {
        User u = new_user(db, "u");
        for (int k = 0; k <= i; k++)
            OK(db, user_products_add(db, &u, &kb));
    }
    walk w = { db, 0, 0, 0 };
    OK(db, user_each(db, visit_user, &w));
    assert_int_equal(w.seen, 5);
    assert_int_equal(w.orders, 15);

    walk stop = { db, 0, 2, 0 };
    assert_int_equal(user_each(db, visit_user, &stop), 77);
    assert_int_equal(stop.seen, 2);
    /* Stopping early left no statement busy: a fresh walk sees every row. */
    walk again = { db, 0, 0, 0 };
    OK(db, user_each(db, visit_user, &again));
    assert_int_equal(again.seen, 5);
}

static int count_users(const User *u, void *ctx)
{
    (void)u;
    ++*(int *)ctx;
    return 0;
}

static void test_collection_each(void **state)
{
    assoc_db *db = *state;
    Product kb = new_product(db, "keyboard");
    User a = new_user(db, "a"), b = new_user(db, "b");
    OK(db, product_users_add(db, &kb, &a));
    OK(db, product_users_add(db, &kb, &b));
    OK(db, product_users_add(db, &kb, &b));
    int n = 0;
    OK(db, product_users_each(db, &kb, count_users, &n));
    assert_int_equal(n, 2);     /* distinct, as the list form */
}

/* What a to-one _view callback saw. */
typedef struct seen_product {
    int calls;
    int64_t id;
    char title[32];
    int stop; /* returned by the callback */
} seen_product;

static int see_product(const Product *p, void *ctx)
{
    seen_product *s = ctx;
    s->calls++;
    s->id = p->id;
    snprintf(s->title, sizeof s->title, "%s", p->title != NULL ? p->title : "(null)");
    return s->stop;
}

/* The borrowing form of a many-to-one: the row once, or no call at all. */
static void test_to_one_view(void **state)
{
    assoc_db *db = *state;
    User ada = new_user(db, "ada");
    Product kb = new_product(db, "keyboard");
    OK(db, user_products_add(db, &ada, &kb));
    OrderList os = ORDER_LIST_INIT;
    OK(db, user_orders(db, &ada, &os));
    assert_int_equal(os.len, 1);

    seen_product s = { 0, 0, "", 0 };
    OK(db, order_product_view(db, &os.items[0], see_product, &s));
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.id, kb.id);
    assert_string_equal(s.title, "keyboard");

    seen_product stop = { 0, 0, "", 42 };
    assert_int_equal(order_product_view(db, &os.items[0], see_product, &stop), 42);
    assert_int_equal(stop.calls, 1);

    /* A NULL key, and a key with no row behind it: no call, ASSOC_OK. */
    Order loose = ORDER_INIT;
    OK(db, order_insert(db, &loose));
    seen_product none = { 0, 0, "", 0 };
    OK(db, order_product_view(db, &loose, see_product, &none));
    loose.product_id = kb.id + 1000;
    loose.has_product_id = true;
    OK(db, order_product_view(db, &loose, see_product, &none));
    assert_int_equal(none.calls, 0);

    RC(db, ASSOC_MISUSE, order_product_view(db, &os.items[0], NULL, &s));
    RC(db, ASSOC_MISUSE, order_product_view(db, NULL, see_product, &s));
    order_list_free(&os);
}

/* A NULL foreign key: the many-to-one has no row. */
static void test_null_foreign_key(void **state)
{
    assoc_db *db = *state;
    Order o = ORDER_INIT;
    OK(db, order_insert(db, &o));
    assert_false(o.has_user_id);
    User u = USER_INIT;
    RC(db, ASSOC_NOTFOUND, order_user(db, &o, &u));
    Order back = ORDER_INIT;
    OK(db, order_get(db, o.id, &back));
    assert_false(back.has_user_id);
    assert_false(back.has_product_id);
    assert_true(back.has_dttm);
}

/* Datetimes keep their microseconds, in SQLAlchemy's text form. */
static void test_datetime_text(void **state)
{
    assoc_db *db = *state;
    Product p = PRODUCT_INIT;
    p.title = "clock";
    p.create_dttm = 1700000000123456;          /* 2023-11-14 22:13:20.123456 UTC */
    p.has_create_dttm = true;
    OK(db, product_insert(db, &p));
    assert_int_equal(p.create_dttm, 1700000000123456);
    char text[64];
    assert_string_equal(sql_text(db, "SELECT create_dttm FROM products", text, sizeof text),
                        "2023-11-14 22:13:20.123456");
    Product back = PRODUCT_INIT;
    OK(db, product_get(db, p.id, &back));
    assert_int_equal(back.create_dttm, 1700000000123456);
    product_free(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_writes_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_one_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relationships_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_to_many_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_data_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_to_many_add_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_in_caller_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_is_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_one_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_missing_in_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_refused_by_foreign_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_injection_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constraints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsaved_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collection_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_one_view, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_foreign_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datetime_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_many_triggers, setup, teardown),
        cmocka_unit_test(test_insert_many_two_connections),
        cmocka_unit_test_setup_teardown(test_each_with, setup, teardown),
    };
    return cmocka_run_group_tests_name("e2e seed models", tests, NULL, NULL);
}
