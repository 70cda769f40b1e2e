/* test_cascade_busy.c - a cascade delete that reads before it writes, while
 * another process holds the write lock (issue 11, item 4).
 *
 * node_delete on tests/e2e/cascade/cascade.def runs libassoc's set-based
 * engine: it reads the subtree (the rows to delete) before its first write.
 * Two processes share one WAL database file; the other one (a child made
 * by fork, through sqlite3 directly) takes the write lock, writes a row of
 * its own, and holds the lock for HOLD_MS before it commits.
 *
 * test_waits_for_the_lock: with the default busy timeout (5 s) the delete
 * waits for the commit and then succeeds: the subtree goes, the other
 * process's row is there.  Before the fix the atomic section began
 * deferred: it read under a snapshot older than the other's commit, and
 * its first write failed with SQLITE_BUSY_SNAPSHOT, which no busy timeout
 * waits for: ASSOC_BUSY, the data unchanged.
 *
 * test_busy_after_its_timeout: with a busy timeout (BUSY_MS) shorter than
 * the hold (LONG_HOLD_MS), the delete returns ASSOC_BUSY after about
 * BUSY_MS (well before the other commits), out of any transaction, with
 * every row as it was; once the other has committed, the same delete
 * succeeds. */
#include "e2e.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cascade.h"

enum { HOLD_MS = 200, LONG_HOLD_MS = 1500, BUSY_MS = 60, DEPTH = 40 };

static const char *const all_tables[] = { "nodes", "authors", "posts", "post_tags", "tags", "notes" };
enum { NTABLES = sizeof all_tables / sizeof all_tables[0] };

typedef struct fixture {
    char dir[512];
    char path[600];
} fixture;

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/assoc_busy_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/busy.db", f->dir);
    /* A chain 1 <- 2 <- ... <- DEPTH, and a node beside it. */
    assoc_db *db = NULL;
    char sql[256];
    if (assoc_open(f->path, &db) != ASSOC_OK || cascade_create_all(db) != ASSOC_OK)
        return -1;
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d) "
             "INSERT INTO nodes (id, parent_id) SELECT i, CASE WHEN i = 1 THEN NULL ELSE i - 1 END FROM c;"
             "INSERT INTO nodes (id, parent_id) VALUES (-1, NULL)",
             DEPTH);
    if (sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    assoc_close(db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    static const char *const side[] = { "", "-wal", "-shm", "-journal" };
    fixture *f = *state;
    for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s%s", f->path, side[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The other process: takes the write lock, writes a tag, says so on the
 * pipe, holds the lock for hold_ms, commits.  Exits 0 when all went well. */
static pid_t holder(const char *path, int hold_ms, int *ready_fd)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *h = NULL;
        close(fds[0]);
        if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO tags (id, word) VALUES (99, 'held')", NULL, NULL, NULL) !=
                SQLITE_OK)
            _exit(2);
        if (write(fds[1], "L", 1) != 1)
            _exit(3);
        sleep_ms(hold_ms);
        int rc = sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(h);
        _exit(rc == SQLITE_OK ? 0 : 4);
    }
    close(fds[1]);
    *ready_fd = fds[0];
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);     /* the lock is held */
    return pid;
}

static void reap(pid_t pid, int fd)
{
    int status = 0;
    close(fd);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the process holding the lock ended with status %d", status);
}

static void test_waits_for_the_lock(void **state)
{
    fixture *f = *state;
    assoc_db *db = NULL;
    assert_int_equal(assoc_open(f->path, &db), ASSOC_OK);
    /* The delete's connection has read the file before (its cache is warm,
     * as a program's is): the later write lock must still be waited for. */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), DEPTH + 1);

    int fd;
    pid_t pid = holder(f->path, HOLD_MS, &fd);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Node root = NODE_INIT;
    root.id = 1;
    int rc = node_delete(db, &root);
    double ms = ms_since(&t0);
    printf("cascade delete while another process held the write lock for %d ms: rc %d after %.0f ms%s%s\n", HOLD_MS,
           rc, ms, rc ? ": " : "", rc ? assoc_errmsg(db) : "");
    reap(pid, fd);
    OK(db, rc);
    if (ms < HOLD_MS / 2)
        fail_msg("the delete took %.0f ms: it cannot have waited for a lock held %d ms", ms, HOLD_MS);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 1);          /* node -1 */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM tags WHERE id = 99"), 1);
    assert_true(sqlite3_get_autocommit(assoc_sqlite(db)));
    assoc_close(db);
}

static void test_busy_after_its_timeout(void **state)
{
    fixture *f = *state;
    assoc_db *db = NULL;
    assoc_options o = ASSOC_OPTIONS_INIT;
    o.busy_timeout_ms = BUSY_MS;
    assert_int_equal(assoc_open_with(f->path, &o, &db), ASSOC_OK);
    uint64_t before = db_fingerprint(db, all_tables, NTABLES);

    int fd;
    pid_t pid = holder(f->path, LONG_HOLD_MS, &fd);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Node root = NODE_INIT;
    root.id = 1;
    int rc = node_delete(db, &root);
    double ms = ms_since(&t0);
    printf("cascade delete with a busy timeout of %d ms against a lock held %d ms: rc %d after %.0f ms: %s\n",
           BUSY_MS, LONG_HOLD_MS, rc, ms, assoc_errmsg(db));
    RC(db, ASSOC_BUSY, rc);
    if (ms < BUSY_MS * 0.8 || ms > LONG_HOLD_MS * 0.75)
        fail_msg("ASSOC_BUSY after %.0f ms: not after the busy timeout of %d ms (the lock was held %d ms)", ms,
                 BUSY_MS, LONG_HOLD_MS);
    assert_true(sqlite3_get_autocommit(assoc_sqlite(db)));
    assert_true(db_fingerprint(db, all_tables, NTABLES) == before);
    reap(pid, fd);

    /* The other has committed: the same delete goes through. */
    OK(db, node_delete(db, &root));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM tags WHERE id = 99"), 1);
    assoc_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_waits_for_the_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy_after_its_timeout, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
