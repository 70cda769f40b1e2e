/* test_oom.c - out of memory in every generated function of the seed's
 * models.
 *
 * A counting allocator is installed in SQLite (SQLITE_CONFIG_MALLOC), which
 * libassoc allocates through too, with lookaside off so that every
 * allocation reaches it.  For each operation of seed_ops.h the 1st, 2nd, ...
 * allocation of the call is failed in turn until the call makes no more
 * allocations than that and succeeds.  Each failing call must:
 *   - return an error code (or, if SQLite absorbed the failure, exactly the
 *     reference result);
 *   - leave its outputs zeroed;
 *   - leave the database exactly as before the call (a dump of every table
 *     and the schema), with no transaction left open -- or, where undoing
 *     itself ran out of memory (a ROLLBACK that SQLite must prepare again
 *     after a schema change), a doomed transaction that the very next call
 *     rolls back before anything else (runtime/assoc.c); the test makes
 *     that call and then compares (counted as "undo-deferred");
 *   - leak nothing (every block allocated through SQLite is freed by the
 *     time the connection is closed);
 *   - leave the connection usable: the same call, unarmed, then gives the
 *     reference result.
 * Modes: "once" fails one allocation (the rest succeed); "persist" fails it
 * and every one after it; "warm" first runs the call (rolled back) so the
 * statements are cached and the failure hits the execution, not the
 * preparation; "nested" runs the call inside the caller's transaction,
 * which must survive the failure or else be rolled back as a whole.
 * assoc_open itself is tested the same way. */
#include "seed_ops.h"

typedef struct oom_mode {
    const char *name;
    bool persistent, warm, nested;
} oom_mode;

static const oom_mode modes[] = {
    { "once", false, false, false },
    { "persist", true, false, false },
    { "warm", true, true, false },
    { "nested", false, false, true },
};
enum { NMODES = sizeof modes / sizeof modes[0] };

typedef struct oom_case {
    const seed_op *op;
    const oom_mode *mode;
} oom_case;

typedef struct result {
    int rc;
    char *out;      /* the op's description of its result */
    char *after;    /* normalized dump after the call */
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->after);
    memset(r, 0, sizeof *r);
}

/* Open a database for the op, fixture in place, unarmed. */
static assoc_db *open_fixture(const seed_op *op, const oom_mode *m)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK)
        fail_msg("assoc_open failed with no fault armed");
    if (!op->empty && seed_setup(db, true) != ASSOC_OK)
        fail_msg("fixture: %s", assoc_errmsg(db));
    if (m->warm) {
        rbuf scratch = { 0 };
        if (assoc_begin(db) != ASSOC_OK)
            fail_msg("warm begin: %s", assoc_errmsg(db));
        (void)op->fn(db, &scratch);
        if (assoc_rollback(db) != ASSOC_OK)
            fail_msg("warm rollback: %s", assoc_errmsg(db));
        rbuf_free(&scratch);
    }
    if (m->nested && assoc_begin(db) != ASSOC_OK)
        fail_msg("nested begin: %s", assoc_errmsg(db));
    return db;
}

/* The call, with allocation fail_at (0: none) failing. */
static void call(assoc_db *db, const seed_op *op, const oom_mode *m, long long fail_at, result *r,
                 long long *calls, long long *failures)
{
    rbuf b = { 0 };
    rel_mem_arm(fail_at, m->persistent);
    r->rc = op->fn(db, &b);
    *calls = rel_mem.calls;
    *failures = rel_mem.failures;
    rel_mem_disarm();
    r->out = strdup(rbuf_str(&b));
    rbuf_free(&b);
    r->after = rel_dump(assoc_sqlite(db), true);
}

static void close_nested(assoc_db *db, const oom_mode *m, const char *where)
{
    if (m->nested) {
        int rc = assoc_rollback(db);
        if (rc != ASSOC_OK)
            fail_msg("%s: the caller's rollback after the call returned %d: %s", where, rc, assoc_errmsg(db));
    }
}

static void test_op(void **state)
{
    const oom_case *c = *state;
    const seed_op *op = c->op;
    const oom_mode *m = c->mode;
    result ref = { 0 };
    long long ref_calls = 0, failures = 0;
    long long nomem = 0, other = 0, absorbed = 0, deferred = 0;

    rel_mem_disarm();
    /* The reference run (also the warm-up of SQLite's lazy globals). */
    for (int pass = 0; pass < 2; pass++) {
        result_free(&ref);
        assoc_db *db = open_fixture(op, m);
        call(db, op, m, 0, &ref, &ref_calls, &failures);
        if (strstr(ref.out, "OUTPUT-NOT-ZEROED") || strstr(ref.out, "ROLLBACK-FAILED"))
            fail_msg("%s: reference run: %s", op->name, ref.out);
        close_nested(db, m, op->name);
        assoc_close(db);
    }

    long long n;
    for (n = 1; n <= ref_calls + 1; n++) {
        long long base = rel_mem.live;
        assoc_db *db = open_fixture(op, m);
        sqlite3 *h = assoc_sqlite(db);
        char *before = rel_dump(h, false);
        result r = { 0 };
        long long calls = 0;

        call(db, op, m, n, &r, &calls, &failures);
        char where[160];
        snprintf(where, sizeof where, "%s [%s] failing allocation %lld of %lld (rc %d)", op->name, m->name, n,
                 ref_calls, r.rc);
        if (strstr(r.out, "OUTPUT-NOT-ZEROED"))
            fail_msg("%s: a failed call left its output set", where);
        if (strstr(r.out, "ROLLBACK-FAILED"))
            fail_msg("%s: %s", where, r.out);

        if (failures == 0 || (r.rc == ref.rc && strcmp(r.out, ref.out) == 0)) {
            /* Not failed, or SQLite absorbed the failure: the reference result. */
            if (r.rc != ref.rc || strcmp(r.out, ref.out) != 0)
                fail_msg("%s: no failure, yet rc %d out '%s' (reference rc %d out '%s')", where, r.rc, r.out,
                         ref.rc, ref.out);
            if (strcmp(r.after, ref.after) != 0)
                fail_msg("%s: the database differs from the reference run:\n%s\nreference:\n%s", where, r.after,
                         ref.after);
            absorbed += failures > 0;
        } else {
            if (r.rc == ASSOC_OK)
                fail_msg("%s: returned ASSOC_OK with a wrong result '%s' (reference '%s')", where, r.out, ref.out);
            if (r.rc == ASSOC_NOMEM)
                nomem++;
            else
                other++;
            if (!m->nested && !sqlite3_get_autocommit(h)) {
                /* Undoing failed for memory as well: the transaction is
                 * doomed, and the next call must roll it back before
                 * anything else runs (runtime/assoc.c, settle()). */
                int64_t count;
                deferred++;
                (void)user_count(db, &count);
                if (!sqlite3_get_autocommit(h))
                    fail_msg("%s: the next call did not roll back the doomed transaction: %s", where,
                             assoc_errmsg(db));
            }
            if (!m->nested || !sqlite3_get_autocommit(h)) {
                char *now = rel_dump(h, false);
                if (strcmp(now, before) != 0)
                    fail_msg("%s: the failed call changed the database:\nbefore:\n%s\nafter:\n%s", where, before,
                             now);
                free(now);
            }
            if (m->nested && sqlite3_get_autocommit(h)) {
                /* SQLite rolled the caller's transaction back: the caller's
                 * level must still be closable, and then a new one works. */
                close_nested(db, m, where);
                if (assoc_begin(db) != ASSOC_OK)
                    fail_msg("%s: begin after an automatic rollback: %s", where, assoc_errmsg(db));
            }
            /* The connection still works: the call again, unarmed. */
            result again = { 0 };
            long long c2, f2;
            call(db, op, m, 0, &again, &c2, &f2);
            if (again.rc != ref.rc || strcmp(again.out, ref.out) != 0)
                fail_msg("%s: the call, repeated without a fault, gave rc %d out '%s' (reference rc %d '%s'): %s",
                         where, again.rc, again.out, ref.rc, ref.out, assoc_errmsg(db));
            if (strcmp(again.after, ref.after) != 0)
                fail_msg("%s: the repeated call left a database that differs from the reference:\n%s\nreference:\n%s",
                         where, again.after, ref.after);
            result_free(&again);
        }
        close_nested(db, m, where);
        assoc_close(db);
        free(before);
        result_free(&r);
        if (rel_mem.live != base)
            fail_msg("%s: %lld block(s) leaked", where, rel_mem.live - base);
        (void)calls;
    }
    printf("%-28s %-8s rc=%d allocations=%lld iterations=%lld nomem=%lld other-error=%lld absorbed=%lld "
           "undo-deferred=%lld\n",
           op->name, m->name, ref.rc, ref_calls, n, nomem, other, absorbed, deferred);
    result_free(&ref);
}

/* assoc_open and create_all under every allocation failure: an error code,
 * no leak, no handle. */
static void test_open(void **state)
{
    (void)state;
    long long n, nomem = 0;
    for (n = 1; n < 100000; n++) {
        long long base = rel_mem.live;
        assoc_db *db = (assoc_db *)&n;  /* must be set to NULL on failure */
        rel_mem_arm(n, false);
        int rc = assoc_open(":memory:", &db);
        long long calls = rel_mem.calls;
        rel_mem_disarm();
        if (rc != ASSOC_OK) {
            if (db != NULL)
                fail_msg("assoc_open failed (%d) at allocation %lld but left *out set", rc, n);
            nomem += rc == ASSOC_NOMEM;
        } else {
            assert_non_null(db);
            assoc_close(db);
        }
        if (rel_mem.live != base)
            fail_msg("assoc_open, failing allocation %lld: %lld block(s) leaked", n, rel_mem.live - base);
        if (calls < n) {
            assert_int_equal(rc, ASSOC_OK);
            break;
        }
    }
    printf("%-28s %-8s iterations=%lld nomem=%lld\n", "assoc_open", "once", n, nomem);
}

int main(void)
{
    if (rel_mem_install() != 0) {
        fprintf(stderr, "could not install the allocator\n");
        return 1;
    }
    static oom_case cases[SEED_NOPS * NMODES];
    static struct CMUnitTest tests[SEED_NOPS * NMODES + 1];
    static char names[SEED_NOPS * NMODES][80];
    size_t n = 0;
    tests[n++] = (struct CMUnitTest){ "assoc_open", test_open, NULL, NULL, NULL };
    for (size_t m = 0; m < NMODES; m++) {
        for (size_t i = 0; i < SEED_NOPS; i++) {
            size_t k = m * SEED_NOPS + i;
            cases[k] = (oom_case){ &seed_ops[i], &modes[m] };
            snprintf(names[k], sizeof names[k], "%s/%s", seed_ops[i].name, modes[m].name);
            tests[n++] = (struct CMUnitTest){ names[k], test_op, NULL, NULL, &cases[k] };
        }
    }
    return _cmocka_run_group_tests("oom", tests, n, NULL, NULL);
}
