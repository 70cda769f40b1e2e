/* test_threads.c - libassoc and the seed's generated code under
 * ThreadSanitizer (mk/threads.mk builds everything of ours with clang
 * -fsanitize=thread; the system's SQLite is not instrumented, but its
 * mutexes are pthread's, which TSan sees).
 *
 * What README ("Reliability") promises: each thread may use a connection
 * of its own, at the same time as the others, on one database file; a
 * connection (an assoc_db and what it hands out) is used by one thread at
 * a time.  So:
 *
 *   test_open_at_once: NTHREADS threads, released together by a barrier,
 *   open a connection each (the first open of the process installs the
 *   sub-journal VFS wrapper, shared by all), create the tables, read, and
 *   close; twenty times over, on one file.
 *
 *   test_one_connection_each: NTHREADS threads, each with its own assoc_db
 *   on one WAL file, for RUN_MS: insert a user with products and orders in
 *   a transaction of their own, read (lists, _each, relationships, batched
 *   loads, queries, counts), delete their own users (cascading to the
 *   orders) and products.  Every call returns ASSOC_OK (ASSOC_BUSY only
 *   after the busy timeout); afterwards each thread's users are there with
 *   their orders, integrity_check and foreign_key_check find nothing.
 *
 * Any data race TSan reports ends the program (halt_on_error) and counts as
 * a failure. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "assoc.h"
#include "models.h"

enum { NTHREADS = 4, RUN_MS = 1500, ROUNDS = 20 };

static char dir[256], dbpath[320];
static pthread_barrier_t barrier;

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void remove_db(void)
{
    static const char *const side[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
        char p[400];
        snprintf(p, sizeof p, "%s%s", dbpath, side[i]);
        unlink(p);
    }
}

/* What a thread saw go wrong: the first failure, as text (read by the
 * main thread after the join). */
typedef struct worker {
    int k;
    char failure[512];
    long inserts, deletes, reads, busy;
    int64_t kept[4096];         /* its users, inserted and not deleted */
    size_t nkept;
    int orders[4096];           /* each kept user's orders */
} worker;

static void failed(worker *w, const char *what, int rc, assoc_db *db)
{
    if (w->failure[0] == '\0')
        snprintf(w->failure, sizeof w->failure, "thread %d: %s returned %d: %s", w->k, what, rc,
                 assoc_errmsg(db)); /* NULL db: the last failed open's message */
}

/* ASSOC_BUSY after the whole busy timeout is the contract; sooner is a
 * failure, and so is any other code. */
static bool ok(worker *w, const char *what, int rc, assoc_db *db, const struct timespec *t0)
{
    if (rc == ASSOC_OK)
        return true;
    if (rc == ASSOC_BUSY && ms_since(t0) >= ASSOC_BUSY_TIMEOUT_MS * 0.95) {
        w->busy++;
        return false;
    }
    failed(w, what, rc, db);
    return false;
}

static void *opener(void *arg)
{
    worker *w = arg;
    /* Every round waits at the barrier, also after a failure: a thread that
     * left early would keep the others waiting there for ever. */
    for (int r = 0; r < ROUNDS; r++) {
        assoc_db *db = NULL;
        struct timespec t0;
        pthread_barrier_wait(&barrier);
        if (w->failure[0] != '\0')
            continue;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = assoc_open(dbpath, &db);
        if (rc != ASSOC_OK) {
            failed(w, "assoc_open", rc, NULL);
        } else if (ok(w, "models_create_all", models_create_all(db), db, &t0)) {
            int64_t n = 0;
            ok(w, "user_count", user_count(db, &n), db, &t0);
        }
        assoc_close(db);
    }
    return NULL;
}

static void test_open_at_once(void **state)
{
    (void)state;
    remove_db();
    pthread_t t[NTHREADS];
    static worker w[NTHREADS];
    assert_int_equal(pthread_barrier_init(&barrier, NULL, NTHREADS), 0);
    for (int k = 0; k < NTHREADS; k++) {
        memset(&w[k], 0, sizeof w[k]);
        w[k].k = k;
        assert_int_equal(pthread_create(&t[k], NULL, opener, &w[k]), 0);
    }
    for (int k = 0; k < NTHREADS; k++)
        assert_int_equal(pthread_join(t[k], NULL), 0);
    pthread_barrier_destroy(&barrier);
    for (int k = 0; k < NTHREADS; k++)
        if (w[k].failure[0] != '\0')
            fail_msg("%s", w[k].failure);
}

static int count_order(const Order *o, void *ctx)
{
    (void)o;
    ++*(int *)ctx;
    return 0;
}

static void work(worker *w, assoc_db *db, unsigned *seed, int i)
{
    struct timespec t0;
    *seed = *seed * 1103515245u + 12345u;
    unsigned r = (*seed >> 16) % 10;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (r < 4 || w->nkept == 0) {
        /* A user who buys 1-3 products, in one transaction. */
        char email[64];
        snprintf(email, sizeof email, "t%d-%d@example.com", w->k, i);
        User u = USER_INIT;
        u.email = email;
        int n = 1 + (int)(*seed >> 8) % 3, rc = assoc_begin(db);
        if (!ok(w, "assoc_begin", rc, db, &t0))
            return;
        rc = user_insert(db, &u);
        for (int k = 0; rc == ASSOC_OK && k < n; k++) {
            Product p = PRODUCT_INIT;
            p.title = email;
            rc = product_insert(db, &p);
            if (rc == ASSOC_OK)
                rc = user_products_add(db, &u, &p);
        }
        if (rc == ASSOC_OK)
            rc = assoc_commit(db);
        if (rc != ASSOC_OK) {
            assoc_rollback(db);
            ok(w, "insert transaction", rc, db, &t0);
            return;
        }
        if (w->nkept < sizeof w->kept / sizeof w->kept[0]) {
            w->kept[w->nkept] = u.id;
            w->orders[w->nkept++] = n;
        }
        w->inserts++;
    } else if (r < 8) {
        /* Reads, through every kind of function. */
        size_t pick = (*seed >> 4) % w->nkept;
        User u = USER_INIT;
        if (!ok(w, "user_get", user_get(db, w->kept[pick], &u), db, &t0))
            return;
        ProductList pl = PRODUCT_LIST_INIT;
        OrderList ol = ORDER_LIST_INIT;
        int each = 0;
        int rc = user_products(db, &u, &pl);
        if (rc == ASSOC_OK)
            rc = user_orders(db, &u, &ol);
        if (rc == ASSOC_OK)
            rc = user_orders_each(db, &u, count_order, &each);
        if (rc == ASSOC_OK && (pl.len != (size_t)w->orders[pick] || ol.len != pl.len || each != (int)ol.len))
            failed(w, "user_products/user_orders: wrong counts", -1, db);
        if (rc == ASSOC_OK && ol.len > 0) {
            User back = USER_INIT;
            rc = order_user(db, &ol.items[0], &back);
            if (rc == ASSOC_OK && back.id != u.id)
                failed(w, "order_user: another user", -1, db);
            user_free(&back);
            ProductGroups g = PRODUCT_GROUPS_INIT;
            if (rc == ASSOC_OK)
                rc = order_product_load(db, ol.items, ol.len, &g);
            product_groups_free(&g);
        }
        if (rc == ASSOC_OK) {
            OrderRecentOfUserArgs a = { u.id, 0, false, 2, true };
            OrderList recent = ORDER_LIST_INIT;
            rc = order_recent_of_user(db, &a, &recent);
            order_list_free(&recent);
        }
        if (rc == ASSOC_OK) {
            int64_t n = 0;
            rc = user_count(db, &n);
        }
        ok(w, "reads", rc, db, &t0);
        order_list_free(&ol);
        product_list_free(&pl);
        user_free(&u);
        w->reads++;
    } else {
        /* Delete one of its users: the orders go with it. */
        size_t pick = (*seed >> 4) % w->nkept;
        User u = USER_INIT;
        u.id = w->kept[pick];
        if (!ok(w, "user_delete", user_delete(db, &u), db, &t0))
            return;
        w->kept[pick] = w->kept[--w->nkept];
        w->orders[pick] = w->orders[w->nkept];
        w->deletes++;
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    assoc_db *db = NULL;
    int rc = assoc_open(dbpath, &db);
    if (rc != ASSOC_OK) {
        failed(w, "assoc_open", rc, NULL);
        return NULL;
    }
    unsigned seed = 7919u * (unsigned)(w->k + 1);
    struct timespec start;
    pthread_barrier_wait(&barrier);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; ms_since(&start) < RUN_MS && w->failure[0] == '\0'; i++)
        work(w, db, &seed, i);
    assoc_close(db);
    return NULL;
}

static int64_t sql_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_one_connection_each(void **state)
{
    (void)state;
    remove_db();
    {
        assoc_db *db = NULL;
        assert_int_equal(assoc_open(dbpath, &db), ASSOC_OK);
        assert_int_equal(models_create_all(db), ASSOC_OK);
        assoc_close(db);
    }
    pthread_t t[NTHREADS];
    static worker w[NTHREADS];
    assert_int_equal(pthread_barrier_init(&barrier, NULL, NTHREADS), 0);
    for (int k = 0; k < NTHREADS; k++) {
        memset(&w[k], 0, sizeof w[k]);
        w[k].k = k;
        assert_int_equal(pthread_create(&t[k], NULL, worker_main, &w[k]), 0);
    }
    for (int k = 0; k < NTHREADS; k++)
        assert_int_equal(pthread_join(t[k], NULL), 0);
    pthread_barrier_destroy(&barrier);

    long inserts = 0, deletes = 0, reads = 0, busy = 0;
    size_t kept = 0;
    for (int k = 0; k < NTHREADS; k++) {
        if (w[k].failure[0] != '\0')
            fail_msg("%s", w[k].failure);
        inserts += w[k].inserts;
        deletes += w[k].deletes;
        reads += w[k].reads;
        busy += w[k].busy;
        kept += w[k].nkept;
    }
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    printf("%d threads, %d ms: %ld inserts, %ld reads, %ld deletes, %ld ASSOC_BUSY after the timeout; "
           "%zu users kept, %lld in the file\n",
           NTHREADS, RUN_MS, inserts, reads, deletes, busy, kept, (long long)sql_int(h, "SELECT count(*) FROM users"));
    assert_int_equal(sql_int(h, "SELECT count(*) FROM users"), (int64_t)kept);
    for (int k = 0; k < NTHREADS; k++)
        for (size_t i = 0; i < w[k].nkept; i++) {
            char sql[128];
            snprintf(sql, sizeof sql, "SELECT count(*) FROM orders WHERE user_id = %lld", (long long)w[k].kept[i]);
            assert_int_equal(sql_int(h, sql), w[k].orders[i]);
        }
    assert_int_equal(sql_int(h, "SELECT count(*) FROM orders WHERE user_id IS NULL"), 0);
    assert_int_equal(sql_int(h, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(h);
    assert_true(inserts > 0 && reads > 0 && deletes > 0);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/assoc_threads_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/threads.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_db();
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_at_once),
        cmocka_unit_test(test_one_connection_each),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
