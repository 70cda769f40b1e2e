/* test_pg_reliability.c - the seed's generated code on PostgreSQL when
 * things go wrong (SPEC 8): another connection holding a lock (ASSOC_BUSY
 * after the busy timeout), a deadlock between two writer processes
 * (ASSOC_BUSY for one, which rolls back and retries), a connection killed
 * in the middle of a cascade (ASSOC_ERROR with the server's message, later
 * calls fail without crashing, nothing of the cascade remains); the
 * server's clock as assoc_current_timestamp reads it (a binary result,
 * whose text libassoc formats: the server's text for the value); a read or
 * a write that fails inside the caller's transaction, undone alone (after
 * writes, inside an atomic section, inside the caller's savepoints).  Values
 * against injection are test_seed's, which runs here too.  Run by make
 * pg-e2e-tests; on SQLite every test skips.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "models.h"

typedef struct fixture {
    assoc_db *db;
    char uri[1200];            /* the server's URI with this test's schema as search_path */
} fixture;

static int setup(void **state)
{
    if (e2e_pg_uri() == NULL) {
        *state = NULL;
        return 0;
    }
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL || e2e_open(&f->db) != ASSOC_OK || models_create_all(f->db) != ASSOC_OK)
        return -1;
    char schema[64];
    sql_text(f->db, "SELECT current_schema()", schema, sizeof schema);
    snprintf(f->uri, sizeof f->uri, "%s%soptions=-csearch_path%%3D%s", e2e_pg_uri(),
             strchr(e2e_pg_uri(), '?') ? "&" : "?", schema);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f) {
        e2e_close(f->db);
        free(f);
    }
    return 0;
}

#define PG_ONLY(f)                                                                      \
    do {                                                                                \
        if ((f) == NULL)                                                                \
            skip();                                                                     \
    } while (0)

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static User add_user(assoc_db *db, const char *email)
{
    User u = USER_INIT;
    u.email = (char *)email;
    OK(db, user_insert(db, &u));
    u.email = NULL;
    return u;
}

static Product add_product(assoc_db *db, const char *title)
{
    Product p = PRODUCT_INIT;
    p.title = (char *)title;
    OK(db, product_insert(db, &p));
    p.title = NULL;
    return p;
}

/* Another connection holds a row lock: an update waits the busy timeout
 * (lock_timeout), then ASSOC_BUSY; the caller's transaction rolls back and
 * the same update succeeds once the lock is gone. */
static void test_lock_held_is_busy(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    User u = add_user(f->db, "ada@example.com");
    assoc_db *other = NULL;
    assoc_options quick;
    assoc_options_init(&quick);
    quick.busy_timeout_ms = 200;
    OK(other, assoc_open_with(f->uri, &quick, &other));
    OK(f->db, assoc_begin(f->db));
    u.email = "held@example.com";
    OK(f->db, user_update(f->db, &u));          /* f->db holds the row */

    User mine = u;
    mine.email = "other@example.com";
    double t0 = now_s();
    RC(other, ASSOC_BUSY, user_update(other, &mine));
    double waited = now_s() - t0;
    if (waited < 0.15)
        fail_msg("ASSOC_BUSY after %.3f s, before the 0.2 s timeout", waited);
    assert_non_null(strstr(assoc_errmsg(other), "lock"));
    OK(f->db, assoc_commit(f->db));
    OK(other, user_update(other, &mine));
    User back = USER_INIT;
    OK(f->db, user_get(f->db, u.id, &back));
    assert_string_equal(back.email, "other@example.com");
    user_free(&back);
    assoc_close(other);
}

/* Two writer processes take two rows in opposite orders: PostgreSQL finds
 * the deadlock and cancels one, whose call returns ASSOC_BUSY; it rolls its
 * transaction back and retries, and both finish. */
static void test_deadlock_is_busy(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    User a = add_user(f->db, "a@example.com");
    User b = add_user(f->db, "b@example.com");
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The second writer: b, then a.  Exit status: how many times it
         * got ASSOC_BUSY (it retries), 100 + code on anything else. */
        close(pipefd[0]);
        assoc_db *db = NULL;
        if (assoc_open(f->uri, &db) != ASSOC_OK)
            _exit(100);
        int busy = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            int rc = assoc_begin(db);
            User x = b, y = a;
            x.email = "child-b";
            y.email = "child-a";
            if (rc == ASSOC_OK)
                rc = user_update(db, &x);
            if (attempt == 0) {
                (void)!write(pipefd[1], "x", 1);   /* the parent may take a now */
                sleep_ms(300);
            }
            if (rc == ASSOC_OK)
                rc = user_update(db, &y);
            if (rc == ASSOC_OK)
                rc = assoc_commit(db);
            if (rc == ASSOC_OK)
                break;
            if (rc != ASSOC_BUSY)
                _exit(100 + rc);
            busy++;
            assoc_rollback(db);
        }
        assoc_close(db);
        _exit(busy);
    }
    close(pipefd[1]);
    char c;
    assert_int_equal(read(pipefd[0], &c, 1), 1);   /* the child holds b */
    close(pipefd[0]);
    int busy = 0;
    for (int attempt = 0; attempt < 5; attempt++) {
        OK(f->db, assoc_begin(f->db));
        User x = a, y = b;
        x.email = "parent-a";
        y.email = "parent-b";
        int rc = user_update(f->db, &x);
        if (rc == ASSOC_OK)
            rc = user_update(f->db, &y);        /* waits for the child, which waits for a */
        if (rc == ASSOC_OK)
            rc = assoc_commit(f->db);
        if (rc == ASSOC_OK)
            break;
        if (rc != ASSOC_BUSY)
            fail_msg("returned %d, expected ASSOC_OK or ASSOC_BUSY: %s", rc, assoc_errmsg(f->db));
        busy++;
        OK(f->db, assoc_rollback(f->db));
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    int child_busy = WEXITSTATUS(status);
    if (child_busy >= 100)
        fail_msg("the child writer failed with code %d", child_busy - 100);
    /* At least the one deadlock (retries may meet again before one wins). */
    if (busy + child_busy < 1)
        fail_msg("no ASSOC_BUSY in either writer: the deadlock was not reported");
    /* Both transactions went through in the end: each row holds the last
     * writer's value, the two from one writer. */
    char ea[32], eb[32];
    sql_text(f->db, "SELECT email FROM users WHERE email LIKE '%-a'", ea, sizeof ea);
    sql_text(f->db, "SELECT email FROM users WHERE email LIKE '%-b'", eb, sizeof eb);
    assert_true(strncmp(ea, eb, 5) == 0);
}

/* The connection is killed (pg_terminate_backend) while a cascade runs:
 * the call returns ASSOC_ERROR with the server's or libpq's message, every
 * later call on the handle returns an error without crashing, and the
 * server rolled the cascade back. */
static void test_connection_killed_mid_cascade(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    User u = add_user(f->db, "doomed@example.com");
    Product p = add_product(f->db, "keyboard");
    for (int i = 0; i < 20; i++)
        OK(f->db, user_products_add(f->db, &u, &p));
    /* Deleting an order takes a while, so the cascade is mid-way when the
     * other connection kills this one. */
    e2e_raw(f->db, "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "PERFORM pg_sleep(0.05); RETURN OLD; END $$; "
                   "CREATE TRIGGER slow BEFORE DELETE ON orders FOR EACH ROW EXECUTE FUNCTION slow()");
    char pid[32];
    sql_text(f->db, "SELECT pg_backend_pid()", pid, sizeof pid);
    fflush(NULL);
    pid_t killer = fork();
    assert_true(killer >= 0);
    if (killer == 0) {
        sleep_ms(300);
        assoc_db *k = NULL;
        if (assoc_open(f->uri, &k) != ASSOC_OK)
            _exit(1);
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%s)", pid);
        PGresult *r = PQexec(assoc_pg(k), sql);
        int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        assoc_close(k);
        _exit(ok ? 0 : 2);
    }
    int rc = user_delete(f->db, &u);
    int status = 0;
    assert_int_equal(waitpid(killer, &status, 0), killer);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (rc != ASSOC_ERROR)
        fail_msg("user_delete returned %d, expected ASSOC_ERROR: %s", rc, assoc_errmsg(f->db));
    assert_true(strlen(assoc_errmsg(f->db)) > 10);
    /* The handle is dead; calls fail, none crashes. */
    int64_t n = 0;
    assert_int_not_equal(user_count(f->db, &n), ASSOC_OK);
    assert_int_not_equal(user_delete(f->db, &u), ASSOC_OK);
    UserList all = USER_LIST_INIT;
    assert_int_not_equal(user_all(f->db, &all), ASSOC_OK);
    assert_int_not_equal(assoc_begin(f->db), ASSOC_OK);
    /* A new connection finds everything as it was. */
    assoc_db *again = NULL;
    OK(again, assoc_open(f->uri, &again));
    assert_int_equal(sql_int(again, "SELECT count(*) FROM orders"), 20);
    assert_int_equal(sql_int(again, "SELECT count(*) FROM users"), 1);
    e2e_raw(again, "DROP TRIGGER slow ON orders");
    OK(again, user_delete(again, &u));
    assert_int_equal(sql_int(again, "SELECT count(*) FROM orders"), 0);
    /* The old handle's schema goes with the new one's teardown. */
    e2e_close(f->db);
    f->db = again;
}

/* ---------------------------------------------------------------------
 * A statement that fails inside the caller's transaction is undone alone
 * (statement protection, whose savepoint stands across reads: pg.h)
 * ------------------------------------------------------------------- */

/* A read that fails: division by zero, by a SELECT with a parameter (as a
 * declared query's) through the statement cache. */
static int failing_read(assoc_db *db)
{
    static const assoc_sql div = { "SELECT 1 / $1::bigint", NULL };
    assoc_stmt *st = NULL;
    int rc = assoc_stmt_acquire(db, &div, &st);
    if (rc == ASSOC_OK)
        rc = assoc_bind_int64(db, st, 1, 0);
    if (rc == ASSOC_OK)
        rc = assoc_step(db, st);
    assoc_stmt_release(db, st);
    return rc;
}

static int64_t count_of(assoc_db *db, const char *table)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return sql_int(db, sql);
}

/* A generated read that fails (a lock another connection holds, past the
 * busy timeout) after writes in the caller's transaction: ASSOC_BUSY, the
 * writes stay and the transaction goes on to commit. */
static void test_failed_read_keeps_writes(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    assoc_db *mine = NULL;
    assoc_options quick;
    assoc_options_init(&quick);
    quick.busy_timeout_ms = 200;
    OK(mine, assoc_open_with(f->uri, &quick, &mine));
    /* user_products prepared (and its locks gone) before the transaction,
     * so that it fails when it runs; product_count fails as it prepares. */
    ProductList l = PRODUCT_LIST_INIT;
    User none = USER_INIT;
    none.id = 1;
    OK(mine, user_products(mine, &none, &l));
    OK(mine, assoc_begin(mine));
    User a = add_user(mine, "a@example.com");
    User got = USER_INIT;
    OK(mine, user_get(mine, a.id, &got));
    user_free(&got);
    int64_t n = 0;
    OK(mine, user_count(mine, &n));
    User b = add_user(mine, "b@example.com");
    OK(mine, user_get(mine, b.id, &got));
    user_free(&got);
    /* products, which this transaction has not touched, locked by another. */
    e2e_raw(f->db, "BEGIN; LOCK TABLE products IN ACCESS EXCLUSIVE MODE");
    RC(mine, ASSOC_BUSY, user_products(mine, &a, &l));
    RC(mine, ASSOC_BUSY, user_products(mine, &b, &l));
    RC(mine, ASSOC_BUSY, product_count(mine, &n));
    e2e_raw(f->db, "ROLLBACK");
    OK(mine, user_products(mine, &a, &l));
    assert_int_equal(l.len, 0);
    OK(mine, user_count(mine, &n));
    assert_int_equal(n, 2);
    Product p = add_product(mine, "lamp");
    OK(mine, user_products_add(mine, &a, &p));
    OK(mine, assoc_commit(mine));
    assert_int_equal(count_of(f->db, "users"), 2);
    assert_int_equal(count_of(f->db, "orders"), 1);
    assoc_close(mine);
}

/* A read that fails inside an atomic section: leaving the section with the
 * failure undoes the section alone; what the transaction did before it
 * stays, and the transaction goes on (a failed read after the section is
 * undone alone too). */
static void test_failed_read_in_section(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    assoc_db *db = f->db;
    OK(db, assoc_begin(db));
    User a = add_user(db, "a@example.com");
    User got = USER_INIT;
    OK(db, user_get(db, a.id, &got));
    user_free(&got);
    OK(db, assoc_tx_enter(db, true));
    User b = add_user(db, "b@example.com");
    OK(db, user_get(db, b.id, &got));
    user_free(&got);
    int rc = failing_read(db);
    assert_int_equal(rc, ASSOC_ERROR);
    assert_int_equal(assoc_tx_leave(db, rc), rc);
    RC(db, ASSOC_NOTFOUND, user_get(db, b.id, &got));
    OK(db, user_get(db, a.id, &got));
    user_free(&got);
    RC(db, ASSOC_ERROR, failing_read(db));
    User c = add_user(db, "c@example.com");
    RC(db, ASSOC_ERROR, failing_read(db));
    /* A section that succeeds after reads, then a failed read. */
    OK(db, assoc_tx_enter(db, true));
    User d = add_user(db, "d@example.com");
    OK(db, assoc_tx_leave(db, ASSOC_OK));
    RC(db, ASSOC_ERROR, failing_read(db));
    OK(db, assoc_commit(db));
    assert_int_equal(count_of(db, "users"), 3);
    OK(db, user_get(db, c.id, &got));
    user_free(&got);
    OK(db, user_get(db, d.id, &got));
    user_free(&got);
}

/* A write that fails after reads (one of which failed) is undone alone:
 * the rows written before the reads stay, and so does a write right before
 * a failed read. */
static void test_failed_write_after_reads(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    assoc_db *db = f->db;
    Product p = add_product(db, "pen");
    OK(db, assoc_begin(db));
    User a = add_user(db, "a@example.com");
    User got = USER_INIT;
    OK(db, user_get(db, a.id, &got));
    user_free(&got);
    int64_t n = 0;
    OK(db, user_count(db, &n));
    RC(db, ASSOC_ERROR, failing_read(db));
    ProductList l = PRODUCT_LIST_INIT;
    OK(db, user_products(db, &a, &l));
    Order bad = ORDER_INIT;
    bad.user_id = a.id;
    bad.has_user_id = true;
    bad.product_id = p.id + 1000; /* no such product */
    bad.has_product_id = true;
    RC(db, ASSOC_CONSTRAINT, order_insert(db, &bad));
    RC(db, ASSOC_CONSTRAINT, order_insert(db, &bad));
    OK(db, user_count(db, &n));
    assert_int_equal(n, 1);
    OK(db, user_products_add(db, &a, &p));
    RC(db, ASSOC_ERROR, failing_read(db));
    OK(db, user_products(db, &a, &l));
    assert_int_equal(l.len, 1);
    product_list_free(&l);
    OK(db, assoc_commit(db));
    assert_int_equal(count_of(db, "users"), 1);
    assert_int_equal(count_of(db, "orders"), 1);
}

/* The caller's savepoints, nested levels of assoc_begin and savepoints set
 * through the raw handle, are never crossed: a failed read inside one
 * undoes only itself, and the level or savepoint is still there to roll
 * back to. */
static void test_failed_read_keeps_callers_savepoints(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    assoc_db *db = f->db;
    OK(db, assoc_begin(db));
    User a = add_user(db, "a@example.com");
    User got = USER_INIT;
    OK(db, user_get(db, a.id, &got));
    user_free(&got);
    OK(db, assoc_begin(db)); /* a nested level: a savepoint */
    User b = add_user(db, "b@example.com");
    OK(db, user_get(db, b.id, &got));
    user_free(&got);
    RC(db, ASSOC_ERROR, failing_read(db));
    assert_int_equal(count_of(db, "users"), 2);
    OK(db, assoc_rollback(db));
    assert_int_equal(count_of(db, "users"), 1);
    RC(db, ASSOC_ERROR, failing_read(db));
    e2e_raw(db, "SAVEPOINT raw_sp");
    User c = add_user(db, "c@example.com");
    OK(db, user_get(db, c.id, &got));
    user_free(&got);
    RC(db, ASSOC_ERROR, failing_read(db));
    assert_int_equal(count_of(db, "users"), 2);
    e2e_raw(db, "ROLLBACK TO SAVEPOINT raw_sp"); /* still there */
    assert_int_equal(count_of(db, "users"), 1);
    e2e_raw(db, "RELEASE SAVEPOINT raw_sp");
    RC(db, ASSOC_ERROR, failing_read(db));
    User d = add_user(db, "d@example.com");
    OK(db, assoc_commit(db));
    assert_int_equal(count_of(db, "users"), 2);
    OK(db, user_get(db, a.id, &got));
    user_free(&got);
    OK(db, user_get(db, d.id, &got));
    user_free(&got);
}

/* What a server_default(current_timestamp) row gets: the value and its
 * text as the server prints it (fraction without trailing zeros). */
static void test_current_timestamp_text(void **state)
{
    fixture *f = *state;
    PG_ONLY(f);
    for (int i = 0; i < 200; i++) {
        assoc_time t = 0, parsed = 1;
        char text[ASSOC_TIME_TEXT_SIZE], sql[96], server[64];
        assert_int_equal(assoc_current_timestamp(f->db, &t, text), ASSOC_OK);
        assert_int_equal(assoc_time_parse(text, strlen(text), &parsed), ASSOC_OK);
        assert_true(parsed == t);
        snprintf(sql, sizeof sql, "SELECT '%s'::timestamp::text", text);
        assert_string_equal(sql_text(f->db, sql, server, sizeof server), text);
        assert_true(llabs(t - assoc_now()) < INT64_C(60000000));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lock_held_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadlock_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_killed_mid_cascade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_timestamp_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_read_keeps_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_read_in_section, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_after_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_read_keeps_callers_savepoints, setup, teardown),
    };
    return cmocka_run_group_tests_name("the seed on PostgreSQL under failure", tests, NULL, NULL);
}
