/* test_ioerr.c - I/O errors in every generated function of the seed's
 * models, on a database file.
 *
 * A VFS wrapping the default one (rel.h) is registered as the default, so
 * assoc_open() uses it.  For each operation of seed_ops.h and each kind of
 * fault -- a read, a write, a sync failing with SQLITE_IOERR, or a write
 * failing with SQLITE_FULL -- the 1st, 2nd, ... operation of that kind is
 * failed in turn until the call runs clean.  Modes: "once" fails one
 * operation during the call; "persist" fails it and every later one of that
 * kind, through the call and assoc_close() (so the WAL checkpoint at close
 * fails too: the disk stays broken until the process is gone).
 *
 * A call that fails must return an error code and leave no transaction
 * open (or a doomed one that the next call rolls back); after closing and
 * reopening the file (the fault gone), the database must be exactly as
 * before the call, pass integrity_check and foreign_key_check, and the same
 * call must then give the reference result.  A call that succeeds must give
 * the reference result, durable after reopening. */
#include "seed_ops.h"

#include <sys/stat.h>

typedef struct io_mode {
    const char *name;
    bool persistent;
} io_mode;

static const io_mode modes[] = { { "once", false }, { "persist", true } };
enum { NMODES = sizeof modes / sizeof modes[0] };

typedef struct io_case {
    const seed_op *op;
    enum rel_io_kind kind;
    const io_mode *mode;
} io_case;

static char tmpl_full[512], tmpl_empty[512], work[512];

static assoc_db *open_work(const seed_op *op)
{
    assoc_db *db = NULL;
    rel_remove_db(work);
    if (rel_copy_file(op->empty ? tmpl_empty : tmpl_full, work) != 0)
        fail_msg("copying the template to %s failed", work);
    int rc = assoc_open(work, &db);
    if (rc != ASSOC_OK)
        fail_msg("assoc_open(%s) failed with no fault armed: %d", work, rc);
    return db;
}

/* Reopen the file with no fault armed: its dump (normalized or not), after
 * checking it is consistent. */
static char *reopened_dump(bool normalize)
{
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(work, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        fail_msg("reopening %s: %s", work, sqlite3_errmsg(h));
    rel_assert_consistent(h);
    char *d = rel_dump(h, normalize);
    sqlite3_close(h);
    return d;
}

typedef struct ref_result {
    int rc;
    char *out, *after;
    long long calls;        /* faultable operations during the call */
    long long calls_close;  /* ... and assoc_close() after it */
} ref_result;

static void run_ref(const seed_op *op, enum rel_io_kind kind, ref_result *ref)
{
    assoc_db *db = open_work(op);
    rbuf b = { 0 };
    rel_io_arm(kind, 0, false);
    ref->rc = op->fn(db, &b);
    enum rel_io_kind counted = kind == REL_IO_FULL ? REL_IO_WRITE : kind;
    ref->calls = rel_io.calls[counted];
    assoc_close(db);
    ref->calls_close = rel_io.calls[counted];
    rel_io_disarm();
    ref->out = strdup(rbuf_str(&b));
    rbuf_free(&b);
    ref->after = reopened_dump(true);
}

static void test_op(void **state)
{
    const io_case *c = *state;
    const seed_op *op = c->op;
    enum rel_io_kind counted = c->kind == REL_IO_FULL ? REL_IO_WRITE : c->kind;
    ref_result ref = { 0 };
    long long failed = 0, absorbed = 0, deferred = 0, rc_error = 0, rc_other = 0;

    rel_io_disarm();
    run_ref(op, c->kind, &ref);
    char *before_all = NULL;
    {
        assoc_db *db = open_work(op);
        before_all = rel_dump(assoc_sqlite(db), false);
        assoc_close(db);
    }

    long long n, last = c->mode->persistent ? ref.calls_close : ref.calls;
    for (n = 1; n <= last + 1; n++) {
        char where[200];
        assoc_db *db = open_work(op);
        rbuf b = { 0 };

        rel_io_arm(c->kind, n, c->mode->persistent);
        int rc = op->fn(db, &b);
        long long injected = rel_io.failures;
        if (!c->mode->persistent)
            rel_io_disarm();
        snprintf(where, sizeof where, "%s [%s, %s] failing %s %lld of %lld (rc %d: %s)", op->name,
                 rel_io_name[c->kind], c->mode->name, rel_io_name[counted], n, last, rc, assoc_errmsg(db));
        if (strstr(rbuf_str(&b), "OUTPUT-NOT-ZEROED") || strstr(rbuf_str(&b), "ROLLBACK-FAILED"))
            fail_msg("%s: %s", where, rbuf_str(&b));
        bool same = rc == ref.rc && strcmp(rbuf_str(&b), ref.out) == 0;
        if (!same) {
            if (rc == ASSOC_OK)
                fail_msg("%s: returned ASSOC_OK with a wrong result '%s' (reference '%s')", where, rbuf_str(&b),
                         ref.out);
            if (injected == 0)
                fail_msg("%s: no fault injected, yet rc %d '%s' (reference rc %d '%s')", where, rc, rbuf_str(&b),
                         ref.rc, ref.out);
            failed++;
            if (rc == ASSOC_ERROR)
                rc_error++;
            else
                rc_other++;
            if (!sqlite3_get_autocommit(assoc_sqlite(db)) && !c->mode->persistent) {
                int64_t count;
                deferred++;
                (void)user_count(db, &count);
                if (!sqlite3_get_autocommit(assoc_sqlite(db)))
                    fail_msg("%s: a transaction was left open", where);
            }
        } else {
            absorbed += injected > 0;
        }
        assoc_close(db);
        rel_io_disarm();
        rbuf_free(&b);

        if (same) {
            char *after = reopened_dump(true);
            if (strcmp(after, ref.after) != 0)
                fail_msg("%s: the call gave the reference result, but the file holds:\n%s\nreference:\n%s", where,
                         after, ref.after);
            free(after);
        } else {
            char *after = reopened_dump(false);
            if (strcmp(after, before_all) != 0)
                fail_msg("%s: after the failed call the file holds:\n%s\nbefore:\n%s", where, after, before_all);
            free(after);
            /* The fault gone, the same call on a new connection works. */
            assoc_db *db2 = NULL;
            if (assoc_open(work, &db2) != ASSOC_OK)
                fail_msg("%s: reopening with assoc_open failed", where);
            rbuf b2 = { 0 };
            int rc2 = op->fn(db2, &b2);
            if (rc2 != ref.rc || strcmp(rbuf_str(&b2), ref.out) != 0)
                fail_msg("%s: repeated without a fault: rc %d '%s' (reference rc %d '%s'): %s", where, rc2,
                         rbuf_str(&b2), ref.rc, ref.out, assoc_errmsg(db2));
            assoc_close(db2);
            rbuf_free(&b2);
            char *again = reopened_dump(true);
            if (strcmp(again, ref.after) != 0)
                fail_msg("%s: repeated without a fault, the file holds:\n%s\nreference:\n%s", where, again,
                         ref.after);
            free(again);
        }
    }
    printf("%-28s %-9s %-7s rc=%d %s-ops=%lld iterations=%lld failed=%lld (ASSOC_ERROR %lld, other %lld) "
           "absorbed=%lld undo-deferred=%lld\n",
           op->name, rel_io_name[c->kind], c->mode->name, ref.rc, rel_io_name[counted], last, n - 1, failed,
           rc_error, rc_other, absorbed, deferred);
    free(before_all);
    free(ref.out);
    free(ref.after);
}

static int make_templates(void)
{
    assoc_db *db = NULL;
    rel_tmp_path(tmpl_full, sizeof tmpl_full, "full.db");
    rel_tmp_path(tmpl_empty, sizeof tmpl_empty, "empty.db");
    rel_tmp_path(work, sizeof work, "work.db");
    if (assoc_open(tmpl_full, &db) != ASSOC_OK || seed_setup(db, true) != ASSOC_OK)
        return -1;
    assoc_close(db);    /* the last connection: checkpoints, removes the WAL */
    if (assoc_open(tmpl_empty, &db) != ASSOC_OK)
        return -1;
    assoc_close(db);
    struct stat st;
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", tmpl_full);
    if (stat(wal, &st) == 0)
        return -1;  /* a template must be one file */
    return 0;
}

int main(void)
{
    if (rel_mem_install() != 0 || rel_io_install() != 0 || make_templates() != 0) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    enum { N = SEED_NOPS * REL_IO_KINDS * NMODES };
    static io_case cases[N];
    static struct CMUnitTest tests[N];
    static char names[N][96];
    size_t n = 0;
    for (size_t m = 0; m < NMODES; m++)
        for (int k = 0; k < REL_IO_KINDS; k++)
            for (size_t i = 0; i < SEED_NOPS; i++) {
                cases[n] = (io_case){ &seed_ops[i], (enum rel_io_kind)k, &modes[m] };
                snprintf(names[n], sizeof names[n], "%s/%s/%s", seed_ops[i].name, rel_io_name[k], modes[m].name);
                tests[n] = (struct CMUnitTest){ names[n], test_op, NULL, NULL, &cases[n] };
                n++;
            }
    int rc = _cmocka_run_group_tests("ioerr", tests, n, NULL, NULL);
    rel_tmp_cleanup();
    return rc;
}
