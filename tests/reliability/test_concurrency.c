/* test_concurrency.c - two processes writing one database file through the
 * generated API.
 *
 * test_two_writers: two child processes each run for RUN_MS milliseconds:
 * insert a user and a few orders in one caller's transaction, or delete one
 * of their own users (user_delete cascades to its orders).  Each logs every
 * committed operation to its own file after the call returned ASSOC_OK, and
 * every failure with its code and how long the call took.  Afterwards the
 * parent replays the logs: the users (and their order counts) each process
 * committed and did not delete must all be in the database -- the count and
 * a checksum of (id, email) of the users table match -- and nothing else
 * may be.  ASSOC_BUSY is allowed only after the busy timeout
 * (ASSOC_BUSY_TIMEOUT_MS); any other failure, or a child that crashes, fails.
 *
 * test_busy_after_timeout: a connection holds the write lock; an insert
 * through the API waits the whole busy timeout, then returns ASSOC_BUSY (no
 * crash, no partial row), and succeeds once the lock is gone.
 * test_busy_waits: a writer in another process holds the lock for a second;
 * an insert waits for it and succeeds. */
#include "seed_ops.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

enum { RUN_MS = 2500, NPROC = 2 };

static char dbpath[512];

static uint64_t row_hash(int64_t id, const char *email)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)id;
    for (const char *p = email; p && *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return h * 0x9e3779b97f4a7c15u;
}

typedef struct live {
    int64_t id;
    int orders;
    int writer;             /* whose log it came from: a row id freed by one
                               writer's delete may be reused by the other */
    char email[64];
} live;

static void writer(int k, const char *logpath)
{
    FILE *log = fopen(logpath, "w");
    assoc_db *db = NULL;
    if (log == NULL || assoc_open(dbpath, &db) != ASSOC_OK)
        _exit(2);
    setvbuf(log, NULL, _IOLBF, 0);
    static live mine[100000];
    size_t nmine = 0;
    unsigned seed = (unsigned)(k * 7919 + 1);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; rel_ms_since(&start) < RUN_MS; i++) {
        seed = seed * 1103515245u + 12345u;
        bool del = nmine > 0 && (seed >> 16) % 10 < 3;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc;
        if (del) {
            size_t pick = (seed >> 8) % nmine;
            User u = fx_user(mine[pick].id);
            rc = user_delete(db, &u);
            if (rc == ASSOC_OK) {
                fprintf(log, "D %" PRId64 "\n", mine[pick].id);
                mine[pick] = mine[--nmine];
            }
        } else {
            live l = { 0, (int)((seed >> 4) % 3), k, "" };
            snprintf(l.email, sizeof l.email, "p%d-%d@example.com", k, i);
            User u = USER_INIT;
            u.email = l.email;
            rc = assoc_begin(db);
            if (rc == ASSOC_OK) {
                rc = user_insert(db, &u);
                for (int o = 0; rc == ASSOC_OK && o < l.orders; o++) {
                    Order ord = fx_order(0, 0, 0);
                    rc = user_orders_add(db, &u, &ord);
                }
                if (rc == ASSOC_OK)
                    rc = assoc_commit(db);
                if (rc != ASSOC_OK && assoc_rollback(db) != ASSOC_OK &&
                    !sqlite3_get_autocommit(assoc_sqlite(db)))
                    fprintf(log, "E rollback failed: %s\n", assoc_errmsg(db));
            }
            if (rc == ASSOC_OK) {
                l.id = u.id;
                fprintf(log, "I %" PRId64 " %d %s\n", l.id, l.orders, l.email);
                mine[nmine++] = l;
            }
        }
        if (rc != ASSOC_OK)
            fprintf(log, "F %d %.0f %s\n", rc, rel_ms_since(&t0), assoc_errmsg(db));
    }
    assoc_close(db);
    fclose(log);
    _exit(0);
}

static void test_two_writers(void **state)
{
    (void)state;
    char logs[NPROC][512];
    pid_t pids[NPROC];
    rel_tmp_path(dbpath, sizeof dbpath, "conc.db");
    rel_remove_db(dbpath);
    {
        assoc_db *db = NULL;
        assert_int_equal(assoc_open(dbpath, &db), ASSOC_OK);
        assert_int_equal(seed_setup(db, false), ASSOC_OK);
        assoc_close(db);
    }
    fflush(NULL);
    for (int k = 0; k < NPROC; k++) {
        char name[32];
        snprintf(name, sizeof name, "writer%d.log", k);
        rel_tmp_path(logs[k], sizeof logs[k], name);
        pids[k] = fork();
        assert_true(pids[k] >= 0);
        if (pids[k] == 0)
            writer(k, logs[k]);
    }
    for (int k = 0; k < NPROC; k++) {
        int status = 0;
        assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("writer %d ended with status %d", k, status);
    }

    /* Replay the logs. */
    static live expect[200000];
    size_t nexpect = 0;
    long inserts = 0, deletes = 0, busy = 0;
    for (int k = 0; k < NPROC; k++) {
        FILE *f = fopen(logs[k], "r");
        assert_non_null(f);
        char line[512];
        while (fgets(line, sizeof line, f)) {
            live l;
            int64_t id;
            int rc;
            double ms;
            if (sscanf(line, "I %" SCNd64 " %d %63s", &l.id, &l.orders, l.email) == 3) {
                assert_true(nexpect < sizeof expect / sizeof *expect);
                l.writer = k;
                expect[nexpect++] = l;
                inserts++;
            } else if (sscanf(line, "D %" SCNd64, &id) == 1) {
                size_t i;
                for (i = 0; i < nexpect && !(expect[i].id == id && expect[i].writer == k); i++)
                    ;
                if (i == nexpect)
                    fail_msg("writer %d deleted user %" PRId64 ", which it never inserted", k, id);
                expect[i] = expect[--nexpect];
                deletes++;
            } else if (sscanf(line, "F %d %lf", &rc, &ms) == 2) {
                if (rc == ASSOC_BUSY && ms >= ASSOC_BUSY_TIMEOUT_MS * 0.95)
                    busy++;
                else
                    fail_msg("writer %d: a call failed after %.0f ms: %s", k, ms, line);
            } else {
                fail_msg("writer %d: %s", k, line);
            }
        }
        fclose(f);
    }

    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    rel_assert_consistent(h);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT id, email, (SELECT count(*) FROM orders WHERE user_id = users.id)"
                                        " FROM users",
                                        -1, &st, NULL),
                     SQLITE_OK);
    uint64_t sum = 0, want = 0;
    size_t rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *email = (const char *)sqlite3_column_text(st, 1);
        int orders = sqlite3_column_int(st, 2);
        sum += row_hash(id, email);
        rows++;
        size_t i;
        for (i = 0; i < nexpect && expect[i].id != id; i++)
            ;
        if (i == nexpect)
            fail_msg("user %" PRId64 " <%s> is in the database but no writer committed it (or it was deleted)", id,
                     email);
        if (strcmp(expect[i].email, email) != 0 || expect[i].orders != orders)
            fail_msg("user %" PRId64 ": <%s> with %d orders, committed as <%s> with %d", id, email, orders,
                     expect[i].email, expect[i].orders);
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < nexpect; i++)
        want += row_hash(expect[i].id, expect[i].email);
    char *orphans = rel_query_text(h, "SELECT count(*) FROM orders WHERE user_id IS NULL");
    assert_string_equal(orphans, "0");
    free(orphans);
    sqlite3_close(h);
    printf("two writers, %d ms: %ld inserts and %ld deletes committed, %ld ASSOC_BUSY after the timeout; "
           "%zu users in the file, %zu expected; checksum %016" PRIx64 " (expected %016" PRIx64 ")\n",
           RUN_MS, inserts, deletes, busy, rows, nexpect, sum, want);
    assert_int_equal(rows, nexpect);
    assert_true(sum == want);
    assert_true(inserts > 0 && deletes > 0);
}

static void test_busy_after_timeout(void **state)
{
    (void)state;
    char path[512];
    rel_tmp_path(path, sizeof path, "busy.db");
    rel_remove_db(path);
    assoc_db *db = NULL;
    assert_int_equal(assoc_open(path, &db), ASSOC_OK);
    assert_int_equal(seed_setup(db, false), ASSOC_OK);

    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    User u = USER_INIT;
    u.email = "waiting@example.com";
    int rc = user_insert(db, &u);
    double ms = rel_ms_since(&t0);
    printf("insert against a held write lock: rc %d after %.0f ms (timeout %d ms): %s\n", rc, ms,
           ASSOC_BUSY_TIMEOUT_MS, assoc_errmsg(db));
    assert_int_equal(rc, ASSOC_BUSY);
    assert_true(ms >= ASSOC_BUSY_TIMEOUT_MS * 0.95);
    assert_int_equal(u.id, 0);  /* the record is untouched */

    /* A delete (a multi-statement section) the same way, with a shorter
     * timeout set on the raw handle. */
    sqlite3_busy_timeout(assoc_sqlite(db), 300);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    User one = fx_user(1);
    rc = user_delete(db, &one);
    ms = rel_ms_since(&t0);
    assert_int_equal(rc, ASSOC_BUSY);
    assert_true(ms >= 300 * 0.95);
    assert_true(sqlite3_get_autocommit(assoc_sqlite(db)));

    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    OK(db, user_insert(db, &u));
    assert_true(u.id > 0);
    int64_t n = 0;
    OK(db, user_count(db, &n));
    assert_int_equal(n, 1);
    assoc_close(db);
}

static void test_busy_waits(void **state)
{
    (void)state;
    char path[512];
    rel_tmp_path(path, sizeof path, "wait.db");
    rel_remove_db(path);
    assoc_db *db = NULL;
    assert_int_equal(assoc_open(path, &db), ASSOC_OK);
    assert_int_equal(seed_setup(db, false), ASSOC_OK);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *h = NULL;
        close(fds[0]);
        if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO users (email) VALUES ('holder@example.com')", NULL, NULL,
                         NULL) != SQLITE_OK)
            _exit(2);
        if (write(fds[1], "L", 1) != 1)
            _exit(2);
        rel_sleep_us(1000000);
        _exit(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : 2);
    }
    close(fds[1]);
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    User u = USER_INIT;
    u.email = "patient@example.com";
    OK(db, user_insert(db, &u));
    double ms = rel_ms_since(&t0);
    printf("insert while another process held the lock for 1000 ms: waited %.0f ms\n", ms);
    assert_true(ms >= 500);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int64_t n = 0;
    OK(db, user_count(db, &n));
    assert_int_equal(n, 2);
    assoc_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_writers),
        cmocka_unit_test(test_busy_after_timeout),
        cmocka_unit_test(test_busy_waits),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rel_tmp_cleanup();
    return rc;
}
