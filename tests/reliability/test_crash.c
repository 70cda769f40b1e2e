/* test_crash.c - a writer killed with SIGKILL in the middle of a long loop
 * of cascading deletes.
 *
 * The database holds NUSERS users with NORDERS orders each (a user's orders
 * go with it: cascade "all, delete-orphan").  A child process deletes the
 * users one by one through the generated user_delete(), telling the parent
 * through a pipe before ("B id") and after ("D id") each call.  The parent
 * kills it after a delay that differs from round to round, reopens the file
 * and checks that it is consistent (PRAGMA integrity_check and
 * foreign_key_check) and that each user is either whole (the user and all
 * NORDERS orders) or gone with every order; a user whose delete the child
 * saw committed must be gone.  A second test does the same with deletes
 * grouped five to a caller's transaction (assoc_begin/assoc_commit): each
 * group whole or absent. */
#include "seed_ops.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

enum { NUSERS = 40, NORDERS = 1500, NPRODUCTS = 8, ROUNDS = 10 };

static char tmpl[512], work[512];

static int make_template(void)
{
    assoc_db *db = NULL;
    rel_tmp_path(tmpl, sizeof tmpl, "crash-template.db");
    rel_tmp_path(work, sizeof work, "crash.db");
    if (assoc_open(tmpl, &db) != ASSOC_OK || models_create_all(db) != ASSOC_OK)
        return -1;
    sqlite3 *h = assoc_sqlite(db);
    int rc = sqlite3_exec(h,
                          "BEGIN;"
                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)"
                          " INSERT INTO users (id, email) SELECT i, 'user' || i || '@example.com' FROM n;"
                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8)"
                          " INSERT INTO products (id, title) SELECT i, 'product ' || i FROM n;"
                          "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 40 * 1500 - 1)"
                          " INSERT INTO orders (user_id, product_id, dttm)"
                          " SELECT i / 1500 + 1, i % 8 + 1, '2020-01-01 00:00:00' FROM n;"
                          "COMMIT;",
                          NULL, NULL, NULL);
    assoc_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

/* The child: delete users 1..NUSERS, `group` to a transaction (0: none,
 * each user_delete is its own).  Reports "B first" before and "D last"
 * after each committed step; exits 0 when done, 2 on any error. */
static void child(int fd, int group)
{
    assoc_db *db = NULL;
    char line[64];
    if (assoc_open(work, &db) != ASSOC_OK)
        _exit(2);
    if (write(fd, "R\n", 2) != 2)
        _exit(2);
    int step = group > 0 ? group : 1;
    for (int first = 1; first <= NUSERS; first += step) {
        int last = first + step - 1;
        int n = snprintf(line, sizeof line, "B %d %d\n", first, last);
        if (write(fd, line, (size_t)n) != n)
            _exit(2);
        if (group > 0 && assoc_begin(db) != ASSOC_OK)
            _exit(2);
        for (int id = first; id <= last; id++) {
            User u = fx_user(id);
            if (user_delete(db, &u) != ASSOC_OK)
                _exit(2);
        }
        if (group > 0 && assoc_commit(db) != ASSOC_OK)
            _exit(2);
        n = snprintf(line, sizeof line, "D %d %d\n", first, last);
        if (write(fd, line, (size_t)n) != n)
            _exit(2);
    }
    assoc_close(db);
    _exit(0);
}

typedef struct round_result {
    bool killed;            /* the child was still running */
    bool inside;            /* ... in the middle of a step (B without D) */
    int committed;          /* users the child saw deleted */
    int gone;               /* users absent after reopening */
} round_result;

static void one_round(int group, int delay_us, round_result *res)
{
    int fds[2];
    rel_remove_db(work);
    assert_int_equal(rel_copy_file(tmpl, work), 0);
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], group);
    }
    close(fds[1]);
    char c = 0;
    /* Wait for "R": the child has opened the database. */
    assert_int_equal(read(fds[0], &c, 1), 1);
    assert_int_equal(c, 'R');
    rel_sleep_us(delay_us);
    kill(pid, SIGKILL);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    res->killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    if (!res->killed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        fail_msg("the child failed (status %d) before it was killed", status);

    /* What the child reported. */
    bool committed[NUSERS + 1] = { false };
    char buf[8192];
    rbuf all = { 0 };
    ssize_t got;
    while ((got = read(fds[0], buf, sizeof buf - 1)) > 0) {
        buf[got] = '\0';
        rbuf_add(&all, "%s", buf);
    }
    close(fds[0]);
    int open_first = 0;
    res->committed = 0;
    for (char *line = all.s; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl == NULL)
            break;  /* a partial line: the kill came mid-write */
        int first, last;
        if (sscanf(line, "B %d %d", &first, &last) == 2)
            open_first = first;
        if (sscanf(line, "D %d %d", &first, &last) == 2) {
            for (int id = first; id <= last; id++)
                committed[id] = true;
            res->committed += last - first + 1;
            open_first = 0;
        }
        line = nl + 1;
    }
    res->inside = res->killed && open_first != 0;
    rbuf_free(&all);

    /* Reopen: consistent, and every user whole or gone. */
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(work, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    rel_assert_consistent(h);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT (SELECT count(*) FROM users WHERE id = ?1),"
                                        " (SELECT count(*) FROM orders WHERE user_id = ?1)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    res->gone = 0;
    bool gone[NUSERS + 1] = { false };
    for (int id = 1; id <= NUSERS; id++) {
        sqlite3_bind_int(st, 1, id);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int user = sqlite3_column_int(st, 0), orders = sqlite3_column_int(st, 1);
        sqlite3_reset(st);
        if (user == 1 && orders == NORDERS)
            continue;
        if (user == 0 && orders == 0) {
            gone[id] = true;
            res->gone++;
            continue;
        }
        fail_msg("user %d is half deleted: %d user row(s), %d of %d orders", id, user, orders, NORDERS);
    }
    sqlite3_finalize(st);
    for (int id = 1; id <= NUSERS; id++) {
        if (committed[id] && !gone[id])
            fail_msg("user %d: the delete returned ASSOC_OK, yet the user is back after the crash", id);
        /* Deletes go in order: everything before a gone user is gone too. */
        if (id > 1 && gone[id] && !gone[id - 1])
            fail_msg("user %d is gone but user %d is not: deletes came back out of order", id, id - 1);
    }
    /* A group is whole: the number gone is a multiple of the group. */
    if (group > 0 && res->gone % group != 0)
        fail_msg("%d users gone: not whole groups of %d", res->gone, group);
    /* Orders without a user would have failed foreign_key_check; none
     * with a NULL user either (none were made). */
    char *orphans = rel_query_text(h, "SELECT count(*) FROM orders WHERE user_id IS NULL");
    assert_string_equal(orphans, "0");
    free(orphans);
    sqlite3_close(h);
}

static void run_rounds(int group)
{
    int killed = 0, inside = 0;
    /* The whole loop takes a few hundred milliseconds (more under ASan);
     * the delays spread the kills over it, and the last one past it. */
    static const int delays_us[ROUNDS] = { 0, 1000, 3000, 8000, 20000, 40000, 60000, 100000, 150000, 600000 };
    for (int r = 0; r < ROUNDS; r++) {
        round_result res;
        one_round(group, delays_us[r], &res);
        killed += res.killed;
        inside += res.inside;
        printf("group %d, kill after %6d us: %s%s; %d committed, %d gone after reopening\n", group,
               delays_us[r], res.killed ? "killed" : "finished before the kill",
               res.inside ? " inside a delete" : "", res.committed, res.gone);
    }
    /* At least one kill must have landed inside a delete, or the test
     * proved nothing about atomicity. */
    if (inside == 0)
        fail_msg("no kill landed inside a delete (%d of %d rounds killed)", killed, ROUNDS);
}

static void test_kill_during_cascade_deletes(void **state)
{
    (void)state;
    run_rounds(0);
}

static void test_kill_during_grouped_deletes(void **state)
{
    (void)state;
    run_rounds(5);
}

int main(void)
{
    if (make_template() != 0) {
        fprintf(stderr, "could not make the template database\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_during_cascade_deletes),
        cmocka_unit_test(test_kill_during_grouped_deletes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rel_tmp_cleanup();
    return rc;
}
