/* test_runtime.c - libassoc: the connection and its settings, nested
 * transactions and atomic sections, error mapping, the statement cache,
 * datetimes, binding and reading values, memory helpers, and behaviour
 * under allocation failure.  Statements go through the support API of
 * libassoc 2.0 (assoc_sql constants, $N parameters, assoc_step); raw
 * sqlite3_* calls on assoc_sqlite() only look at the database. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assoc.h"

/* ---------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------- */

#define US INT64_C(1000000)

static void exec_ok(assoc_db *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fprintf(stderr, "exec_ok(%s): %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    assert_int_equal(rc, SQLITE_OK);
}

/* The first column of the first row of sql, as an integer. */
static int64_t query_i64(assoc_db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The first column of the first row of sql, as text, into buf. */
static const char *query_text(assoc_db *db, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(buf, size, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(st);
    return buf;
}

static int64_t count_rows(assoc_db *db)
{
    return query_i64(db, "SELECT count(*) FROM t");
}

static bool in_transaction(assoc_db *db)
{
    return sqlite3_get_autocommit(assoc_sqlite(db)) == 0;
}

/* Insert v into t(v) through the statement cache, as generated code does. */
static const assoc_sql insert_sql = { "INSERT INTO t(v) VALUES ($1)", NULL };
static int insert_v(assoc_db *db, const char *v)
{
    assoc_stmt *st = NULL;
    int rc = assoc_stmt_acquire(db, &insert_sql, &st);
    if (rc != ASSOC_OK)
        return rc;
    rc = assoc_bind_text(db, st, 1, v);
    if (rc == ASSOC_OK)
        rc = assoc_step(db, st);
    assoc_stmt_release(db, st);
    return rc;
}

static bool has_v(assoc_db *db, const char *v)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db), "SELECT 1 FROM t WHERE v = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* The SQLite statements of the connection that are stepping (not reset). */
static int busy_count(assoc_db *db)
{
    int n = 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(assoc_sqlite(db), NULL); s; s = sqlite3_next_stmt(assoc_sqlite(db), s))
        n += sqlite3_stmt_busy(s) != 0;
    return n;
}

/* The SQLite statement under a statement of ours that is stepping: the one
 * busy statement of the connection prepared from sql's text.  For checks
 * that must see SQLite's own copy of a value (borrowed pointers); the
 * fields of assoc_stmt are libassoc's and not read here. */
static sqlite3_stmt *raw_busy(assoc_db *db, const assoc_sql *sql)
{
    sqlite3_stmt *found = NULL;
    for (sqlite3_stmt *s = sqlite3_next_stmt(assoc_sqlite(db), NULL); s; s = sqlite3_next_stmt(assoc_sqlite(db), s))
        if (sqlite3_stmt_busy(s) && strcmp(sqlite3_sql(s), sql->text) == 0) {
            assert_null(found);
            found = s;
        }
    assert_non_null(found);
    return found;
}

/* The first column of the current row of st as borrowed text, for the
 * checks of typeof(...): "text", "null", ... */
static const char *ref_text(assoc_db *db, assoc_stmt *st, int col)
{
    char *s = NULL;
    assert_int_equal(assoc_column_text_ref(db, st, col, &s), ASSOC_OK);
    assert_non_null(s);
    return s;
}

/* Column col of the current row of st, an integer. */
static int64_t col_i64(assoc_db *db, assoc_stmt *st, int col)
{
    int64_t v = 0;
    assert_int_equal(assoc_col_int64(db, st, col, &v, NULL), ASSOC_OK);
    return v;
}

/* A private temporary directory holding one database file. */
typedef struct tmpdb {
    char dir[64];
    char path[96];
} tmpdb;

static void tmpdb_make(tmpdb *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/assoc_test_XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
}

static void tmpdb_remove(tmpdb *t)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[128];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

/* Fixture: an in-memory database with t(id, v UNIQUE). */
static int setup_mem(void **state)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK)
        return -1;
    if (sqlite3_exec(assoc_sqlite(db), "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)", NULL, NULL, NULL) !=
        SQLITE_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown_db(void **state)
{
    assoc_close(*state);
    return 0;
}

/* ---------------------------------------------------------------------
 * The connection
 * ------------------------------------------------------------------- */

static void test_open_memory(void **state)
{
    (void)state;
    assoc_db *db = NULL;
    char buf[64];

    assert_int_equal(assoc_open(":memory:", &db), ASSOC_OK);
    assert_non_null(db);
    assert_non_null(assoc_sqlite(db));
    assert_null(assoc_pg(db)); /* a SQLite connection */
    assert_string_equal(assoc_errmsg(db), "not an error");
    assert_int_equal(query_i64(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(query_i64(db, "PRAGMA busy_timeout"), ASSOC_BUSY_TIMEOUT_MS);
    assert_string_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "memory");
    assoc_close(db);

    /* "" is a private temporary database: no WAL either. */
    assert_int_equal(assoc_open("", &db), ASSOC_OK);
    assert_string_not_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    assert_int_equal(query_i64(db, "PRAGMA foreign_keys"), 1);
    assoc_close(db);

    assoc_close(NULL); /* accepted */
}

static void test_open_misuse(void **state)
{
    (void)state;
    assoc_db *db = (assoc_db *)&db; /* not NULL, so that the reset shows */

    assert_int_equal(assoc_open(NULL, &db), ASSOC_MISUSE);
    assert_null(db);
    assert_int_equal(assoc_open(":memory:", NULL), ASSOC_MISUSE);

    /* A file that cannot be created: a code, no handle. */
    db = (assoc_db *)&db;
    assert_int_equal(assoc_open("/nonexistent-dir-assoc/sub/x.db", &db), ASSOC_ERROR);
    assert_null(db);

    /* Without a db there is still a message and no crash. */
    assert_non_null(assoc_errmsg(NULL));
    assert_true(strlen(assoc_errmsg(NULL)) > 0);
    assert_null(assoc_sqlite(NULL));
}

static void test_open_file(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *db = NULL;
    char buf[64];

    tmpdb_make(&t);
    assert_int_equal(assoc_open(t.path, &db), ASSOC_OK);
    assert_string_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    assert_int_equal(query_i64(db, "PRAGMA synchronous"), 1); /* NORMAL */
    assert_int_equal(query_i64(db, "PRAGMA temp_store"), 1); /* FILE, through our VFS */
    assert_int_equal(query_i64(db, "PRAGMA foreign_keys"), 1);
    sqlite3_vfs *vfs = NULL;
    assert_int_equal(sqlite3_file_control(assoc_sqlite(db), "main", SQLITE_FCNTL_VFS_POINTER, &vfs), SQLITE_OK);
    assert_non_null(vfs);
    assert_memory_equal(vfs->zName, "assoc-", 6);
    assert_int_equal(query_i64(db, "PRAGMA busy_timeout"), ASSOC_BUSY_TIMEOUT_MS);
    exec_ok(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    assert_int_equal(insert_v(db, "kept"), ASSOC_OK);

    /* An open transaction is rolled back by close. */
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "lost"), ASSOC_OK);
    assoc_close(db);

    db = NULL;
    assert_int_equal(assoc_open(t.path, &db), ASSOC_OK);
    assert_true(has_v(db, "kept"));
    assert_false(has_v(db, "lost"));
    assoc_close(db);
    tmpdb_remove(&t);
}

/* A path that names its VFS keeps it, and then the sub-journals stay in
 * memory (temp_store=MEMORY) rather than spill to a file. */
static void test_open_named_vfs(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *db = NULL;
    char uri[160];
    sqlite3_vfs *vfs = NULL;

    tmpdb_make(&t);
    snprintf(uri, sizeof uri, "file:%s?vfs=unix", t.path);
    assert_int_equal(assoc_open(uri, &db), ASSOC_OK);
    assert_int_equal(sqlite3_file_control(assoc_sqlite(db), "main", SQLITE_FCNTL_VFS_POINTER, &vfs), SQLITE_OK);
    assert_string_equal(vfs->zName, "unix");
    assert_int_equal(query_i64(db, "PRAGMA temp_store"), 2); /* MEMORY */
    assoc_close(db);
    tmpdb_remove(&t);
}

/* Connections share a cache only through the same VFS: two of ours on one
 * shared-cache URI see each other's tables, and so does a plain SQLite
 * connection on it; two on one file use one VFS. */
static void test_shared_cache_and_one_vfs(void **state)
{
    (void)state;
    static const char uri[] = "file:assoc_shared_test?mode=memory&cache=shared";
    assoc_db *a = NULL, *b = NULL;
    sqlite3 *raw = NULL;

    assert_int_equal(assoc_open(uri, &a), ASSOC_OK);
    assert_int_equal(assoc_open(uri, &b), ASSOC_OK);
    exec_ok(a, "CREATE TABLE shared_t(x INTEGER)");
    exec_ok(a, "INSERT INTO shared_t VALUES (7)");
    assert_int_equal(query_i64(b, "SELECT x FROM shared_t"), 7);
    assert_int_equal(sqlite3_open_v2(uri, &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "SELECT x FROM shared_t", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assoc_close(b);
    assoc_close(a);

    tmpdb t;
    sqlite3_vfs *va = NULL, *vb = NULL;
    tmpdb_make(&t);
    assert_int_equal(assoc_open(t.path, &a), ASSOC_OK);
    assert_int_equal(assoc_open(t.path, &b), ASSOC_OK);
    assert_int_equal(sqlite3_file_control(assoc_sqlite(a), "main", SQLITE_FCNTL_VFS_POINTER, &va), SQLITE_OK);
    assert_int_equal(sqlite3_file_control(assoc_sqlite(b), "main", SQLITE_FCNTL_VFS_POINTER, &vb), SQLITE_OK);
    assert_true(va == vb);
    assert_true(va == sqlite3_vfs_find(va->zName));
    assoc_close(b);
    assoc_close(a);
    tmpdb_remove(&t);
}

/* Sum of the lengths of big's rows, and how many there are. */
static int64_t big_total(assoc_db *db)
{
    return query_i64(db, "SELECT total(length(v)) + 1000000 * count(*) FROM big");
}

/* Atomic sections whose sub-journal outgrows SQLite's 64 KiB memory chunk
 * and our VFS's first allocation are undone exactly, again and again in
 * one transaction (the buffer is truncated and reused), and released ones
 * keep their work. */
static void test_subjournal_spill(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *db = NULL;

    tmpdb_make(&t);
    assert_int_equal(assoc_open(t.path, &db), ASSOC_OK);
    exec_ok(db, "CREATE TABLE big(id INTEGER PRIMARY KEY, v TEXT)");
    exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                "INSERT INTO big(v) SELECT printf('%.*c', 300, 'a') FROM n");
    const int64_t before = big_total(db);

    assert_int_equal(assoc_begin(db), ASSOC_OK);
    static const char *const changes[] = {
        "UPDATE big SET v = v || 'x' WHERE id % 7 = 0",          /* ~430 rows on most of ~250 pages */
        "UPDATE big SET v = 'short' WHERE id <= 2500",           /* most pages: past 256 KiB */
        "DELETE FROM big WHERE id % 2 = 0",
        "UPDATE big SET v = v || 'y' WHERE id < 100",            /* a few pages only */
    };
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
            assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
            exec_ok(db, changes[i]);
            assert_true(big_total(db) != before);
            /* Undone: the section fails. */
            assert_int_equal(assoc_tx_leave(db, ASSOC_ERROR), ASSOC_ERROR);
            assert_true(big_total(db) == before);
            assert_true(in_transaction(db));
        }
    }
    /* Kept: a released section, then an undone one on top of it. */
    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
    exec_ok(db, changes[1]);
    assert_int_equal(assoc_tx_leave(db, ASSOC_OK), ASSOC_OK);
    const int64_t after = big_total(db);
    assert_true(after != before);
    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
    exec_ok(db, changes[2]);
    assert_int_equal(assoc_tx_leave(db, ASSOC_ERROR), ASSOC_ERROR);
    assert_true(big_total(db) == after);
    assert_int_equal(assoc_commit(db), ASSOC_OK);
    assert_true(big_total(db) == after);
    assoc_close(db);
    tmpdb_remove(&t);
}

/* Closing with a statement of the caller's still open: the connection
 * lives until it is finalized, and its VFS with it. */
static void test_close_with_open_statement(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *db = NULL;
    sqlite3_stmt *st = NULL;

    tmpdb_make(&t);
    assert_int_equal(assoc_open(t.path, &db), ASSOC_OK);
    exec_ok(db, "CREATE TABLE t(id INTEGER PRIMARY KEY)");
    exec_ok(db, "INSERT INTO t VALUES (1), (2)");
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db), "SELECT id FROM t ORDER BY id", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assoc_close(db);
    /* The statement still works; finalizing it closes the connection. */
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
    tmpdb_remove(&t);
}

static void test_foreign_keys_enforced(void **state)
{
    assoc_db *db = *state;
    sqlite3_stmt *st = NULL;

    exec_ok(db, "CREATE TABLE child(id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t(id))");
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db), "INSERT INTO child(t_id) VALUES (42)", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(assoc_status(db, sqlite3_step(st)), ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "FOREIGN KEY"));
    sqlite3_finalize(st);
}

static void test_null_db(void **state)
{
    (void)state;
    static const assoc_sql one = { "SELECT 1", NULL };
    assoc_stmt *st = (assoc_stmt *)&st; /* not NULL, so that the reset shows */
    char *s = NULL;
    assoc_blob b = {NULL, 0};
    assoc_time t = 0;
    bool has = false;
    void *items = NULL;
    size_t cap = 0;

    assert_int_equal(assoc_begin(NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_commit(NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_rollback(NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_fail(NULL, ASSOC_NOTFOUND, "x"), ASSOC_MISUSE);
    assert_int_equal(assoc_status(NULL, SQLITE_ERROR), ASSOC_MISUSE);
    assert_int_equal(assoc_stmt_acquire(NULL, &one, &st), ASSOC_MISUSE);
    assert_null(st);
    assoc_stmt_release(NULL, NULL);
    assert_int_equal(assoc_tx_enter(NULL, false), ASSOC_MISUSE);
    assert_int_equal(assoc_tx_enter(NULL, true), ASSOC_MISUSE);
    assert_int_equal(assoc_tx_leave(NULL, ASSOC_OK), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_text(NULL, NULL, 1, "x"), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_blob(NULL, NULL, 1, &b), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_time(NULL, NULL, 1, 0, true), ASSOC_MISUSE);
    char tt[ASSOC_TIME_TEXT_SIZE];
    assert_int_equal(assoc_bind_time_buf(NULL, NULL, 1, 0, true, tt), ASSOC_MISUSE);
    assert_int_equal(assoc_column_text(NULL, NULL, 0, &s), ASSOC_MISUSE);
    assert_int_equal(assoc_column_blob(NULL, NULL, 0, &b), ASSOC_MISUSE);
    assert_int_equal(assoc_column_time(NULL, NULL, 0, &t, &has), ASSOC_MISUSE);
    assert_int_equal(assoc_column_text_ref(NULL, NULL, 0, &s), ASSOC_MISUSE);
    assert_int_equal(assoc_column_blob_ref(NULL, NULL, 0, &b), ASSOC_MISUSE);
    assert_int_equal(assoc_strdup(NULL, "x", &s), ASSOC_MISUSE);
    assert_int_equal(assoc_blobdup(NULL, "x", 1, &b), ASSOC_MISUSE);
    assert_int_equal(assoc_list_reserve(NULL, &items, &cap, 0, 8), ASSOC_MISUSE);
    assert_null(items);

    /* What 2.0 adds. */
    size_t len = 9;
    items = &items;
    assert_int_equal(assoc_exec(NULL, &one), ASSOC_MISUSE);
    assert_true(assoc_changes(NULL) == 0);
    assert_int_equal(assoc_insert_step(NULL, NULL, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_time_short(NULL, NULL, 1, 0, tt), ASSOC_MISUSE);
    assert_int_equal(assoc_rows_collect(NULL, NULL, NULL, &items, &len), ASSOC_MISUSE);
    assert_null(items);
    assert_int_equal(len, 0);
    assert_int_equal(assoc_row_fetch(NULL, NULL, NULL, &b), ASSOC_MISUSE);
    assert_int_equal(assoc_row_next(NULL, NULL, NULL, &b), ASSOC_MISUSE);
    assert_int_equal(assoc_read_failed(NULL, NULL, NULL, 0, 0, ASSOC_NOMEM), ASSOC_NOMEM);
    assert_int_equal(assoc_cascade_setup(NULL, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_cascade_run(NULL, NULL, NULL), ASSOC_MISUSE);
    assert_null(assoc_pg(NULL));
    assoc_db *db = (assoc_db *)&db;
    assert_int_equal(assoc_open_with(NULL, NULL, &db), ASSOC_MISUSE);
    assert_null(db);
    assert_int_equal(assoc_open_with(":memory:", NULL, NULL), ASSOC_MISUSE);
}

static void test_null_arguments(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql one = { "SELECT 1", NULL };
    static const assoc_sql no_text = { NULL, NULL };
    assoc_stmt *st = NULL;
    char *s = NULL;
    assoc_time t = 0;
    int64_t i = 0;
    double d = 0;
    bool has, b = false;

    assert_int_equal(assoc_stmt_acquire(db, NULL, &st), ASSOC_MISUSE);
    assert_true(strlen(assoc_errmsg(db)) > 0);
    assert_int_equal(assoc_stmt_acquire(db, &one, NULL), ASSOC_MISUSE);
    st = (assoc_stmt *)&st;
    assert_int_equal(assoc_stmt_acquire(db, &no_text, &st), ASSOC_MISUSE);
    assert_null(st);
    assert_int_equal(assoc_bind_text(db, NULL, 1, "x"), ASSOC_MISUSE);
    assert_int_equal(assoc_column_text(db, NULL, 0, &s), ASSOC_MISUSE);
    assert_int_equal(assoc_strdup(db, "x", NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_time_parse("2024-01-01 00:00:00", 19, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_time_parse(NULL, 19, &t), ASSOC_ERROR);
    assert_int_equal(assoc_time_format(0, NULL), ASSOC_MISUSE);

    /* Reading with no current row, or a column that does not exist. */
    assert_int_equal(assoc_stmt_acquire(db, &one, &st), ASSOC_OK);
    assert_int_equal(assoc_column_time(db, st, 0, &t, &has), ASSOC_MISUSE);
    assert_int_equal(assoc_col_int64(db, st, 0, &i, &has), ASSOC_MISUSE);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_int_equal(assoc_column_text(db, st, 1, &s), ASSOC_MISUSE);
    assert_int_equal(assoc_column_text(db, st, -1, &s), ASSOC_MISUSE);
    assert_null(s);
    /* 2.0: has NULL is no misuse but a column that may not be NULL (1.0:
     * ASSOC_MISUSE); the 1 there is one second. */
    assert_int_equal(assoc_column_time(db, st, 0, &t, NULL), ASSOC_OK);
    assert_true(t == US);
    /* The readers look at a column's range only when SQLite gives no
     * value, so every reader is tried past both ends. */
    assert_int_equal(assoc_column_text_ref(db, st, 1, &s), ASSOC_MISUSE);
    assert_int_equal(assoc_column_text_ref(db, st, -1, &s), ASSOC_MISUSE);
    assert_null(s);
    assert_int_equal(assoc_column_time(db, st, 1, &t, &has), ASSOC_MISUSE);
    assert_int_equal(assoc_column_time(db, st, -1, &t, &has), ASSOC_MISUSE);
    assert_non_null(strstr(assoc_errmsg(db), "no column -1"));
    /* The number readers: an absent column must not pass for a NULL. */
    for (int col = -1; col <= 1; col += 2) {
        assert_int_equal(assoc_col_int64(db, st, col, &i, &has), ASSOC_MISUSE);
        assert_int_equal(assoc_col_double(db, st, col, &d, &has), ASSOC_MISUSE);
        assert_int_equal(assoc_col_bool(db, st, col, &b, &has), ASSOC_MISUSE);
        assert_non_null(strstr(assoc_errmsg(db), "no column"));
    }
    assert_true(i == 0 && d == 0 && !b); /* written only on success */
    assert_int_equal(assoc_step(db, st), ASSOC_OK);
    assert_int_equal(assoc_column_text(db, st, 0, &s), ASSOC_MISUSE);
    assert_int_equal(assoc_column_text_ref(db, st, 0, &s), ASSOC_MISUSE);
    assoc_stmt_release(db, st);
}

/* ---------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------- */

static void test_error_mapping(void **state)
{
    assoc_db *db = *state;

    assert_int_equal(insert_v(db, "a"), ASSOC_OK);
    assert_int_equal(insert_v(db, "a"), ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "UNIQUE constraint failed: t.v"));

    /* A NOT NULL and a CHECK violation are constraints too. */
    exec_ok(db, "CREATE TABLE c(x INTEGER NOT NULL CHECK (x > 0))");
    assert_int_equal(assoc_status(db, sqlite3_exec(assoc_sqlite(db), "INSERT INTO c VALUES (NULL)", 0, 0, 0)),
                     ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "NOT NULL"));
    assert_int_equal(assoc_status(db, sqlite3_exec(assoc_sqlite(db), "INSERT INTO c VALUES (-1)", 0, 0, 0)),
                     ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "CHECK"));

    /* A syntax error is ASSOC_ERROR, with SQLite's message. */
    static const assoc_sql selekt = { "SELEKT 1", NULL };
    assoc_stmt *st = (assoc_stmt *)&st;
    assert_int_equal(assoc_stmt_acquire(db, &selekt, &st), ASSOC_ERROR);
    assert_null(st);
    assert_non_null(strstr(assoc_errmsg(db), "syntax error"));

    /* Codes not produced by the connection get SQLite's generic text. */
    assert_int_equal(assoc_status(db, SQLITE_BUSY), ASSOC_BUSY);
    assert_string_equal(assoc_errmsg(db), sqlite3_errstr(SQLITE_BUSY));
    assert_int_equal(assoc_status(db, SQLITE_LOCKED), ASSOC_BUSY);
    assert_int_equal(assoc_status(db, SQLITE_BUSY_SNAPSHOT), ASSOC_BUSY);
    assert_int_equal(assoc_status(db, SQLITE_NOMEM), ASSOC_NOMEM);
    assert_int_equal(assoc_status(db, SQLITE_MISUSE), ASSOC_MISUSE);
    assert_int_equal(assoc_status(db, SQLITE_RANGE), ASSOC_MISUSE);
    assert_int_equal(assoc_status(db, SQLITE_CONSTRAINT_FOREIGNKEY), ASSOC_CONSTRAINT);
    assert_int_equal(assoc_status(db, SQLITE_IOERR_READ), ASSOC_ERROR);
    assert_int_equal(assoc_status(db, SQLITE_CORRUPT), ASSOC_ERROR);
    assert_int_equal(assoc_status(db, SQLITE_FULL), ASSOC_ERROR);
    assert_string_equal(assoc_errmsg(db), sqlite3_errstr(SQLITE_FULL));

    /* Success codes map to OK and leave the message alone. */
    assoc_fail(db, ASSOC_ERROR, "previous");
    assert_int_equal(assoc_status(db, SQLITE_OK), ASSOC_OK);
    assert_int_equal(assoc_status(db, SQLITE_ROW), ASSOC_OK);
    assert_int_equal(assoc_status(db, SQLITE_DONE), ASSOC_OK);
    assert_string_equal(assoc_errmsg(db), "previous");

    /* A bad parameter index is a misuse, for every binder. */
    assert_int_equal(assoc_stmt_acquire(db, &insert_sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 7, "x"), ASSOC_MISUSE);
    assert_true(strlen(assoc_errmsg(db)) > 0);
    assert_int_equal(assoc_bind_int64(db, st, 0, 1), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_double(db, st, 2, 1.5), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_bool(db, st, 2, true), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_null(db, st, 2), ASSOC_MISUSE);
    assoc_stmt_release(db, st);
}

static void test_fail_message(void **state)
{
    assoc_db *db = *state;

    assert_int_equal(assoc_fail(db, ASSOC_NOTFOUND, "no such %s %d", "User", 7), ASSOC_NOTFOUND);
    assert_string_equal(assoc_errmsg(db), "no such User 7");

    /* A message longer than the buffer is truncated, not overflowed. */
    char big[4000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(assoc_fail(db, ASSOC_ERROR, "%s", big), ASSOC_ERROR);
    size_t n = strlen(assoc_errmsg(db));
    assert_true(n > 100 && n < sizeof big - 1);
}

/* A second connection holding the write lock: the busy timeout expires and
 * the failure is ASSOC_BUSY. */
static void test_busy(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *a = NULL, *b = NULL;

    tmpdb_make(&t);
    assert_int_equal(assoc_open(t.path, &a), ASSOC_OK);
    assert_int_equal(assoc_open(t.path, &b), ASSOC_OK);
    exec_ok(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    sqlite3_busy_timeout(assoc_sqlite(b), 20); /* do not wait 5 s */

    exec_ok(a, "BEGIN IMMEDIATE");
    assert_int_equal(insert_v(a, "a"), ASSOC_OK);
    assert_int_equal(insert_v(b, "b"), ASSOC_BUSY);
    assert_true(strlen(assoc_errmsg(b)) > 0);

    /* An atomic section in b cannot write either, and leaves nothing open:
     * a reading one (a deferred transaction) fails at its write... */
    assert_int_equal(assoc_tx_enter(b, false), ASSOC_OK);
    int rc = insert_v(b, "c");
    assert_int_equal(rc, ASSOC_BUSY);
    assert_int_equal(assoc_tx_leave(b, rc), ASSOC_BUSY);
    assert_false(in_transaction(b));
    /* ... a writing one (2.0: BEGIN IMMEDIATE) at its start, with nothing
     * open and no section to leave. */
    assert_int_equal(assoc_tx_enter(b, true), ASSOC_BUSY);
    assert_true(strlen(assoc_errmsg(b)) > 0);
    assert_false(in_transaction(b));
    assert_int_equal(assoc_tx_leave(b, ASSOC_OK), ASSOC_MISUSE);

    exec_ok(a, "COMMIT");
    assert_int_equal(insert_v(b, "b"), ASSOC_OK);
    assert_true(has_v(a, "a"));
    assert_true(has_v(a, "b"));
    assoc_close(b);
    assoc_close(a);
    tmpdb_remove(&t);
}

/* In rollback-journal mode a commit needs every reader gone: with another
 * connection reading, COMMIT fails with ASSOC_BUSY.  assoc_commit leaves the
 * transaction open to retry; an atomic section that started the transaction
 * undoes it, so nothing remains and nothing stays open. */
static void test_commit_busy(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *a = NULL;
    sqlite3 *b = NULL; /* raw: assoc_open would switch the file back to WAL */
    sqlite3_stmt *read = NULL;

    tmpdb_make(&t);
    assert_int_equal(assoc_open(t.path, &a), ASSOC_OK);
    exec_ok(a, "PRAGMA journal_mode=DELETE");
    exec_ok(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    assert_int_equal(insert_v(a, "seed"), ASSOC_OK);
    sqlite3_busy_timeout(assoc_sqlite(a), 20);

    /* b holds a read lock. */
    assert_int_equal(sqlite3_open_v2(t.path, &b, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(b, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(b, "SELECT v FROM t", -1, &read, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(read), SQLITE_ROW);

    /* Both kinds of owner: a savepoint (RELEASE is the commit) and a
     * writing section's BEGIN IMMEDIATE (COMMIT); the write lock it takes
     * first is not the exclusive lock a commit needs. */
    for (int write = 0; write < 2; write++) {
        assert_int_equal(assoc_tx_enter(a, write), ASSOC_OK);
        assert_int_equal(insert_v(a, "x"), ASSOC_OK);
        assert_int_equal(assoc_tx_leave(a, ASSOC_OK), ASSOC_BUSY);
        assert_false(in_transaction(a));
        assert_false(has_v(a, "x"));
    }

    assert_int_equal(assoc_begin(a), ASSOC_OK);
    assert_int_equal(insert_v(a, "y"), ASSOC_OK);
    assert_int_equal(assoc_commit(a), ASSOC_BUSY);
    assert_true(in_transaction(a)); /* still open, to retry */

    sqlite3_finalize(read);
    assert_int_equal(sqlite3_exec(b, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(assoc_commit(a), ASSOC_OK);
    assert_false(in_transaction(a));
    assert_int_equal(assoc_commit(a), ASSOC_MISUSE);
    assert_int_equal(sqlite3_close(b), SQLITE_OK);
    assert_true(has_v(a, "y"));
    assert_false(has_v(a, "x"));

    assoc_close(a);
    tmpdb_remove(&t);
}

/* ---------------------------------------------------------------------
 * Transactions
 * ------------------------------------------------------------------- */

static void test_nested_transactions(void **state)
{
    assoc_db *db = *state;

    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_true(in_transaction(db));
    assert_int_equal(insert_v(db, "outer"), ASSOC_OK);
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "inner"), ASSOC_OK);
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "innermost"), ASSOC_OK);
    assert_int_equal(assoc_commit(db), ASSOC_OK); /* innermost into inner */
    assert_true(has_v(db, "innermost"));
    assert_int_equal(assoc_rollback(db), ASSOC_OK); /* undoes inner and innermost */
    assert_false(has_v(db, "inner"));
    assert_false(has_v(db, "innermost"));
    assert_true(has_v(db, "outer"));
    assert_true(in_transaction(db));
    assert_int_equal(assoc_commit(db), ASSOC_OK);
    assert_false(in_transaction(db));
    assert_int_equal(count_rows(db), 1);

    /* No open level. */
    assert_int_equal(assoc_commit(db), ASSOC_MISUSE);
    assert_non_null(strstr(assoc_errmsg(db), "no open transaction"));
    assert_int_equal(assoc_rollback(db), ASSOC_MISUSE);

    /* Rolling back the outermost level undoes everything, committed inner
     * levels included. */
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "x"), ASSOC_OK);
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "y"), ASSOC_OK);
    assert_int_equal(assoc_commit(db), ASSOC_OK);
    assert_int_equal(assoc_rollback(db), ASSOC_OK);
    assert_false(in_transaction(db));
    assert_int_equal(count_rows(db), 1);
}

/* BEGIN issued through the raw handle: assoc_begin nests inside it. */
static void test_begin_inside_raw_transaction(void **state)
{
    assoc_db *db = *state;

    exec_ok(db, "BEGIN");
    assert_int_equal(insert_v(db, "raw"), ASSOC_OK);
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "mine"), ASSOC_OK);
    assert_int_equal(assoc_rollback(db), ASSOC_OK);
    assert_true(in_transaction(db)); /* the caller's transaction stays open */
    assert_false(has_v(db, "mine"));
    assert_true(has_v(db, "raw"));
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "mine2"), ASSOC_OK);
    assert_int_equal(assoc_commit(db), ASSOC_OK);
    assert_true(in_transaction(db));
    exec_ok(db, "COMMIT");
    assert_int_equal(count_rows(db), 2);
}

/* The transaction ended behind the library's back. */
static void test_transaction_ended_outside(void **state)
{
    assoc_db *db = *state;

    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "a"), ASSOC_OK);
    exec_ok(db, "COMMIT");
    assert_int_equal(assoc_begin(db), ASSOC_ERROR);
    assert_int_equal(assoc_commit(db), ASSOC_ERROR);
    assert_non_null(strstr(assoc_errmsg(db), "already ended"));
    assert_int_equal(assoc_commit(db), ASSOC_MISUSE); /* the level is gone */

    assert_int_equal(assoc_begin(db), ASSOC_OK);
    exec_ok(db, "ROLLBACK");
    assert_int_equal(assoc_rollback(db), ASSOC_OK); /* nothing left to undo */
    assert_int_equal(assoc_rollback(db), ASSOC_MISUSE);
    assert_int_equal(count_rows(db), 1);
}

/* Sections that start the transaction, reading (a savepoint) or writing
 * (BEGIN IMMEDIATE): they end it, committing or undoing everything. */
static void tx_outside_transaction(assoc_db *db, bool write)
{
    exec_ok(db, "DELETE FROM t");
    assert_int_equal(assoc_tx_enter(db, write), ASSOC_OK);
    assert_true(in_transaction(db));
    assert_int_equal(insert_v(db, "a"), ASSOC_OK);
    assert_int_equal(insert_v(db, "b"), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(db, ASSOC_OK), ASSOC_OK);
    assert_false(in_transaction(db));
    assert_int_equal(count_rows(db), 2);

    /* A failure undoes everything the section did and keeps its message. */
    assert_int_equal(assoc_tx_enter(db, write), ASSOC_OK);
    assert_int_equal(insert_v(db, "c"), ASSOC_OK);
    int rc = insert_v(db, "a");
    assert_int_equal(rc, ASSOC_CONSTRAINT);
    assert_int_equal(assoc_tx_leave(db, rc), ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "UNIQUE constraint failed"));
    assert_false(in_transaction(db));
    assert_false(has_v(db, "c"));
    assert_int_equal(count_rows(db), 2);

    /* A failure of the caller's own making keeps its message too. */
    assert_int_equal(assoc_tx_enter(db, write), ASSOC_OK);
    assert_int_equal(insert_v(db, "d"), ASSOC_OK);
    rc = assoc_fail(db, ASSOC_NOTFOUND, "no such thing");
    assert_int_equal(assoc_tx_leave(db, rc), ASSOC_NOTFOUND);
    assert_string_equal(assoc_errmsg(db), "no such thing");
    assert_false(has_v(db, "d"));
    assert_false(in_transaction(db));

    assert_int_equal(assoc_tx_leave(db, ASSOC_OK), ASSOC_MISUSE);
}

static void test_tx_outside_transaction(void **state)
{
    assoc_db *db = *state;

    tx_outside_transaction(db, false);
    tx_outside_transaction(db, true);
}

static void test_tx_inside_transaction(void **state)
{
    assoc_db *db = *state;

    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "a"), ASSOC_OK);

    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK); /* a savepoint: no BEGIN inside BEGIN */
    assert_int_equal(insert_v(db, "b"), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(db, assoc_fail(db, ASSOC_ERROR, "boom")), ASSOC_ERROR);
    assert_string_equal(assoc_errmsg(db), "boom");
    assert_true(in_transaction(db)); /* the caller's transaction is intact */
    assert_true(has_v(db, "a"));
    assert_false(has_v(db, "b"));

    assert_int_equal(assoc_tx_enter(db, false), ASSOC_OK);
    assert_int_equal(insert_v(db, "c"), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(db, ASSOC_OK), ASSOC_OK);
    assert_true(in_transaction(db)); /* releasing did not commit */

    assert_int_equal(assoc_rollback(db), ASSOC_OK);
    assert_int_equal(count_rows(db), 0); /* the section's work went with it */

    /* Nested sections: the inner one fails, the outer one goes on. */
    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
    assert_int_equal(insert_v(db, "p"), ASSOC_OK);
    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
    assert_int_equal(insert_v(db, "q"), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(db, ASSOC_CONSTRAINT), ASSOC_CONSTRAINT);
    assert_true(in_transaction(db));
    assert_int_equal(assoc_tx_leave(db, ASSOC_OK), ASSOC_OK);
    assert_false(in_transaction(db));
    assert_true(has_v(db, "p"));
    assert_false(has_v(db, "q"));

    /* assoc_begin inside a section nests in the section's transaction. */
    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
    assert_int_equal(assoc_begin(db), ASSOC_OK);
    assert_int_equal(insert_v(db, "r"), ASSOC_OK);
    assert_int_equal(assoc_commit(db), ASSOC_OK);
    assert_true(in_transaction(db));
    assert_int_equal(assoc_tx_leave(db, ASSOC_OK), ASSOC_OK);
    assert_false(in_transaction(db));
    assert_true(has_v(db, "r"));
}

/* A section that fails while an outer read is stepping (an _each callback
 * calling a write function): the read carries on afterwards. */
static void test_tx_during_pending_read(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql select_sql = { "SELECT v FROM t ORDER BY id", NULL };
    assoc_stmt *st = NULL;
    int rows = 0, rc;

    assert_int_equal(insert_v(db, "1"), ASSOC_OK);
    assert_int_equal(insert_v(db, "2"), ASSOC_OK);
    assert_int_equal(insert_v(db, "3"), ASSOC_OK);
    assert_int_equal(assoc_stmt_acquire(db, &select_sql, &st), ASSOC_OK);
    while ((rc = assoc_step(db, st)) == ASSOC_ROW) {
        rows++;
        assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
        assert_int_equal(insert_v(db, rows == 2 ? "new" : "1"), rows == 2 ? ASSOC_OK : ASSOC_CONSTRAINT);
        assert_int_equal(assoc_tx_leave(db, rows == 2 ? ASSOC_OK : ASSOC_CONSTRAINT),
                         rows == 2 ? ASSOC_OK : ASSOC_CONSTRAINT);
    }
    assert_int_equal(rc, ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_true(rows >= 3);
    assert_true(has_v(db, "new"));
    assert_false(in_transaction(db));
}

/* ---------------------------------------------------------------------
 * The statement cache
 * ------------------------------------------------------------------- */

static int stmt_count(assoc_db *db)
{
    int n = 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(assoc_sqlite(db), NULL); s; s = sqlite3_next_stmt(assoc_sqlite(db), s))
        n++;
    return n;
}

static void test_stmt_cache(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql sql = { "SELECT $1", NULL };
    assoc_stmt *a = NULL, *b = NULL, *c = NULL;

    assert_int_equal(assoc_stmt_acquire(db, &sql, &a), ASSOC_OK);
    assert_non_null(a);
    assert_int_equal(assoc_bind_int64(db, a, 1, 42), ASSOC_OK);
    assert_int_equal(assoc_step(db, a), ASSOC_ROW);
    assert_true(col_i64(db, a, 0) == 42);

    /* In use: a reentrant acquire gets a private statement. */
    int before = stmt_count(db);
    assert_int_equal(assoc_stmt_acquire(db, &sql, &b), ASSOC_OK);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal(stmt_count(db), before + 1);
    assoc_stmt_release(db, b); /* finalized */
    assert_int_equal(stmt_count(db), before);

    /* Release resets (bindings stay: the next user binds every parameter);
     * the same statement comes back. */
    assoc_stmt_release(db, a);
    assert_int_equal(busy_count(db), 0);
    assert_int_equal(assoc_stmt_acquire(db, &sql, &c), ASSOC_OK);
    assert_ptr_equal(a, c);
    assert_int_equal(assoc_step(db, c), ASSOC_ROW);
    assert_true(col_i64(db, c, 0) == 42);
    assoc_stmt_release(db, c);
    assert_int_equal(assoc_stmt_acquire(db, &sql, &c), ASSOC_OK);
    assert_ptr_equal(a, c);
    assert_int_equal(assoc_bind_int64(db, c, 1, 7), ASSOC_OK);
    assert_int_equal(assoc_step(db, c), ASSOC_ROW);
    assert_true(col_i64(db, c, 0) == 7);
    assert_int_equal(assoc_step(db, c), ASSOC_OK);

    /* Still in use after a cache hit: another private statement. */
    assert_int_equal(assoc_stmt_acquire(db, &sql, &b), ASSOC_OK);
    assert_ptr_not_equal(b, c);
    assoc_stmt_release(db, b);
    assoc_stmt_release(db, c);
    assert_int_equal(busy_count(db), 0);

    /* The key is the address of the constant: an equal one elsewhere (the
     * same text, even the same pointer to it) is another entry, reused
     * in its turn. */
    static assoc_sql copy;
    copy = sql;
    assert_int_equal(assoc_stmt_acquire(db, &copy, &b), ASSOC_OK);
    assert_ptr_not_equal(a, b);
    assoc_stmt_release(db, b);
    assert_int_equal(assoc_stmt_acquire(db, &copy, &c), ASSOC_OK);
    assert_ptr_equal(b, c);
    assoc_stmt_release(db, c);

    assoc_stmt_release(db, NULL); /* no-op */

    /* Nothing to prepare. */
    static const assoc_sql nothing = { "  -- nothing", NULL };
    b = (assoc_stmt *)&b;
    assert_int_equal(assoc_stmt_acquire(db, &nothing, &b), ASSOC_MISUSE);
    assert_null(b);
}

/* Enough distinct statements to grow the table several times; each is
 * still found afterwards, and all are finalized by close (LeakSanitizer
 * would see one that is not). */
static void test_stmt_cache_growth(void **state)
{
    assoc_db *db = *state;
    enum { N = 300 };
    static char texts[N][32];
    static assoc_sql sqls[N];
    assoc_stmt *first[N];

    for (int i = 0; i < N; i++) {
        snprintf(texts[i], sizeof texts[i], "SELECT %d", i);
        sqls[i].text = texts[i];
        sqls[i].pg = NULL;
        assert_int_equal(assoc_stmt_acquire(db, &sqls[i], &first[i]), ASSOC_OK);
        assoc_stmt_release(db, first[i]);
    }
    for (int i = 0; i < N; i++) {
        assoc_stmt *st = NULL;
        assert_int_equal(assoc_stmt_acquire(db, &sqls[i], &st), ASSOC_OK);
        assert_ptr_equal(st, first[i]);
        assert_int_equal(assoc_step(db, st), ASSOC_ROW);
        assert_true(col_i64(db, st, 0) == i);
        assoc_stmt_release(db, st);
    }
    assert_true(stmt_count(db) >= N);

    /* A statement left acquired at close is finalized too. */
    assoc_stmt *held = NULL;
    assert_int_equal(assoc_stmt_acquire(db, &sqls[0], &held), ASSOC_OK);
    assert_int_equal(assoc_step(db, held), ASSOC_ROW);
}

/* ---------------------------------------------------------------------
 * Datetimes
 * ------------------------------------------------------------------- */


static void check_format(assoc_time t, const char *want)
{
    char buf[ASSOC_TIME_TEXT_SIZE];
    assoc_time back = 0;
    assert_int_equal(assoc_time_format(t, buf), ASSOC_OK);
    assert_string_equal(buf, want);
    assert_int_equal(assoc_time_parse(buf, strlen(buf), &back), ASSOC_OK);
    assert_true(back == t);
}

static assoc_time parse_ok(const char *text)
{
    assoc_time t = 0;
    assert_int_equal(assoc_time_parse(text, strlen(text), &t), ASSOC_OK);
    return t;
}

static void parse_bad(const char *text)
{
    assoc_time t = 12345;
    if (assoc_time_parse(text, strlen(text), &t) != ASSOC_ERROR)
        fail_msg("accepted \"%s\"", text);
    assert_true(t == 12345); /* untouched */
}

static void test_time_format(void **state)
{
    (void)state;
    check_format(0, "1970-01-01 00:00:00.000000");
    check_format(1, "1970-01-01 00:00:00.000001");
    check_format(-1, "1969-12-31 23:59:59.999999");
    check_format(-US, "1969-12-31 23:59:59.000000");
    check_format(-US - 1, "1969-12-31 23:59:58.999999");
    check_format(-86400 * US, "1969-12-31 00:00:00.000000");
    check_format(INT64_C(1709208000) * US + 123456, "2024-02-29 12:00:00.123456");
    check_format(INT64_C(951782400) * US, "2000-02-29 00:00:00.000000");
    check_format(INT64_C(-2208988800) * US, "1900-01-01 00:00:00.000000");
    check_format(INT64_C(-12219292800) * US, "1582-10-15 00:00:00.000000");
    check_format(INT64_C(-62135596800) * US, "0001-01-01 00:00:00.000000");
    /* The edges of years 0001-9999, Python's datetime range: year 0000
     * would make SQLAlchemy fail on the whole table. */
    const assoc_time lo = INT64_C(-62135596800) * US;
    const assoc_time hi = INT64_C(253402300799) * US + 999999;
    check_format(lo, "0001-01-01 00:00:00.000000");
    check_format(hi, "9999-12-31 23:59:59.999999");
    char buf[ASSOC_TIME_TEXT_SIZE];
    assert_int_equal(assoc_time_format(lo - 1, buf), ASSOC_MISUSE);
    assert_int_equal(assoc_time_format(hi + 1, buf), ASSOC_MISUSE);
    assert_int_equal(assoc_time_format(INT64_MIN, buf), ASSOC_MISUSE);
    assert_int_equal(assoc_time_format(INT64_MAX, buf), ASSOC_MISUSE);
}

/* Against the C library's gmtime_r over the whole range, at random points
 * (a fixed-seed generator, so a failure repeats). */
static void test_time_against_gmtime(void **state)
{
    (void)state;
    const int64_t lo = INT64_C(-62135596800), hi = INT64_C(253402300799);
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15);

    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t secs = lo + (int64_t)(x % (uint64_t)(hi - lo + 1));
        int64_t us = (int64_t)((x >> 20) % 1000000);
        assoc_time t = secs * US + us;
        char buf[ASSOC_TIME_TEXT_SIZE], want[64];
        time_t tt = (time_t)secs;
        struct tm tm;

        assert_non_null(gmtime_r(&tt, &tm));
        snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d:%02d.%06d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)us);
        assert_int_equal(assoc_time_format(t, buf), ASSOC_OK);
        if (strcmp(buf, want) != 0)
            fail_msg("t=%lld: got %s, gmtime says %s", (long long)t, buf, want);
        assoc_time back = 0;
        assert_int_equal(assoc_time_parse(buf, 26, &back), ASSOC_OK);
        assert_true(back == t);
    }
}

static void test_time_parse(void **state)
{
    (void)state;
    const assoc_time noon = INT64_C(1709208000) * US; /* 2024-02-29 12:00:00 */

    assert_true(parse_ok("2024-02-29 12:00:00") == noon);
    assert_true(parse_ok("2024-02-29T12:00:00") == noon);
    parse_bad("0000-01-01 00:00:00");          /* before year 1: Python cannot read it */
    assert_true(parse_ok("0001-01-01 00:00:00") == INT64_C(-62135596800) * US);
    assert_true(parse_ok("2024-02-29 12:00:00.5") == noon + 500000);
    assert_true(parse_ok("2024-02-29 12:00:00.12") == noon + 120000);
    assert_true(parse_ok("2024-02-29 12:00:00.123") == noon + 123000);
    assert_true(parse_ok("2024-02-29 12:00:00.1234") == noon + 123400);
    assert_true(parse_ok("2024-02-29 12:00:00.12345") == noon + 123450);
    assert_true(parse_ok("2024-02-29 12:00:00.123456") == noon + 123456);
    assert_true(parse_ok("2024-02-29 12:00:00.000001") == noon + 1);
    assert_true(parse_ok("1969-12-31 23:59:59.999999") == -1);
    assert_true(parse_ok("2000-02-29 00:00:00") == INT64_C(951782400) * US);
    assert_true(parse_ok("2023-12-31 23:59:59") == INT64_C(1704067199) * US);

    /* The length given, not the NUL, ends the text. */
    assoc_time t = 0;
    assert_int_equal(assoc_time_parse("2024-02-29 12:00:00.5xyz", 21, &t), ASSOC_OK);
    assert_true(t == noon + 500000);
    assert_int_equal(assoc_time_parse("2024-02-29 12:00:00.5", 19, &t), ASSOC_OK);
    assert_true(t == noon);

    parse_bad("2023-02-29 12:00:00"); /* not a leap year */
    parse_bad("1900-02-29 12:00:00"); /* nor is 1900 */
    parse_bad("2024-02-30 12:00:00");
    parse_bad("2024-04-31 12:00:00");
    parse_bad("2024-13-01 12:00:00");
    parse_bad("2024-00-01 12:00:00");
    parse_bad("2024-01-00 12:00:00");
    parse_bad("2024-01-01 24:00:00");
    parse_bad("2024-01-01 23:60:00");
    parse_bad("2024-01-01 23:59:60");
    parse_bad("2024-01-01 12:00:00 ");
    parse_bad("2024-01-01 12:00:00Z");
    parse_bad("2024-01-01 12:00:00+00:00");
    parse_bad("2024-01-01 12:00:00.");
    parse_bad("2024-01-01 12:00:00.1234567");
    parse_bad("2024-01-01 12:00:00.12a");
    parse_bad("2024-01-01 12:00:00,5");
    parse_bad("2024-01-01 12:00");
    parse_bad("2024-01-01");
    parse_bad("");
    parse_bad("2024-1-01 12:00:00");
    parse_bad("2024/01/01 12:00:00");
    parse_bad("2024x01-01 12:00:00");
    parse_bad("2024-01x01 12:00:00");
    parse_bad("2024-01-01 12x00:00");
    parse_bad("2024-01-01 12:00x00");
    parse_bad("2024-01-01 12:00:00x5");
    parse_bad("2024-01-01x12:00:00");
    parse_bad("2024-01-01 12-00-00");
    parse_bad("+024-01-01 12:00:00");
    parse_bad("2024-01-01 1 :00:00");
    parse_bad("20240101 12:00:00.000");
    assert_int_equal(assoc_time_parse("2024-01-01 12:00:00\0", 20, &t), ASSOC_ERROR);
}

/* A slow parser written from the format's definition, for comparing
 * assoc_time_parse() against it byte by byte.  Days are counted by walking
 * the years and months. */
static bool ref_parse(const char *s, size_t len, assoc_time *out)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *layout = "dddd-dd-dd?dd:dd:dd";
    int64_t f[6] = {0};
    int k = 0;

    if (len != 19 && !(len >= 21 && len <= 26))
        return false;
    for (size_t i = 0; i < len; i++) {
        char want = i < 19 ? layout[i] : (i == 19 ? '.' : 'd');
        if (want == 'd') {
            if (s[i] < '0' || s[i] > '9')
                return false;
        } else if (want == '?') {
            if (s[i] != ' ' && s[i] != 'T')
                return false;
        } else if (s[i] != want) {
            return false;
        }
    }
    for (size_t i = 0; i < 19; i++) {
        if (layout[i] == 'd')
            f[k] = f[k] * 10 + (s[i] - '0');
        else
            k++;
    }
    int64_t y = f[0], mo = f[1], d = f[2];
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || f[3] > 23 || f[4] > 59 ||
        f[5] > 59)
        return false;
    int64_t days = 0;
    for (int64_t yy = 1970; yy < y; yy++)
        days += 365 + ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0);
    for (int64_t yy = y; yy < 1970; yy++)
        days -= 365 + ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0);
    for (int m = 1; m < mo; m++)
        days += mdays[m - 1] + (m == 2 && leap);
    days += d - 1;
    int64_t frac = 0, scale = 100000;
    for (size_t i = 20; i < len; i++, scale /= 10)
        frac += (s[i] - '0') * scale;
    *out = ((days * 86400 + f[3] * 3600 + f[4] * 60 + f[5]) * US) + frac;
    return true;
}

/* Every byte of a few valid texts replaced by every byte value, parsed
 * both by assoc_time_parse() and, through a column, by the reader with its
 * cached date -- which sees the unchanged text between two mutations, so
 * a wrong cache hit would show -- against the reference above. */
static void test_time_parse_reference(void **state)
{
    assoc_db *db = *state;
    static const char *const valid[] = {
        "2024-02-29 12:34:56.123456", "2023-12-31T23:59:59", "0001-01-01 00:00:00.5",
        "9999-12-31 23:59:59.99999",  "1969-07-20 20:17:40.0001", "2000-02-29 00:00:00.123",
    };
    static const assoc_sql sql = { "SELECT $1, $2", NULL };
    long checked = 0;

    for (size_t v = 0; v < sizeof valid / sizeof *valid; v++) {
        size_t len = strlen(valid[v]);
        for (size_t pos = 0; pos < len; pos++) {
            for (int byte = 1; byte < 256; byte++) {
                char text[32];
                assoc_time want = 0, got = 0, read = 12345, first = 0;
                bool has = false;

                memcpy(text, valid[v], len + 1);
                text[pos] = (char)byte;
                bool ok = ref_parse(text, len, &want);
                int rc = assoc_time_parse(text, len, &got);
                if (rc != (ok ? ASSOC_OK : ASSOC_ERROR) || (ok && got != want))
                    fail_msg("\"%s\": parse gave %d (%lld), the reference %s (%lld)", text, rc, (long long)got,
                             ok ? "accepts" : "refuses", (long long)want);

                /* text holds no NUL before len: every byte is 1-255. */
                assoc_stmt *st = NULL;
                assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
                assert_int_equal(assoc_bind_text(db, st, 1, valid[v]), ASSOC_OK);
                assert_int_equal(assoc_bind_text(db, st, 2, text), ASSOC_OK);
                assert_int_equal(assoc_step(db, st), ASSOC_ROW);
                assert_int_equal(assoc_column_time(db, st, 0, &first, &has), ASSOC_OK);
                /* A success sets has; 2.0: a failure leaves both outputs
                 * alone (1.0 wrote has = false and 0). */
                bool has2 = !ok;
                rc = assoc_column_time(db, st, 1, &read, &has2);
                if (rc != (ok ? ASSOC_OK : ASSOC_ERROR) || !has2 || read != (ok ? want : 12345))
                    fail_msg("\"%s\" after \"%s\": the reader gave %d (%lld)", text, valid[v], rc,
                             (long long)read);
                assoc_stmt_release(db, st);
                checked++;
            }
        }
    }
    assert_true(checked > 30000);
}

/* The database's clock, and its text as DEFAULT (CURRENT_TIMESTAMP) gives it. */
static void test_current_timestamp(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql ins = { "INSERT INTO stamped(id, at) VALUES (1, $1)", NULL };
    static const assoc_sql sel = { "SELECT typeof(at), length(at), at FROM stamped ORDER BY id", NULL };
    assoc_stmt *st = NULL;
    assoc_time t = 0, stored = 0;
    char text[ASSOC_TIME_TEXT_SIZE];
    bool has = false;
    assoc_time before = assoc_now() / US * US;

    assert_int_equal(assoc_current_timestamp(db, &t, text), ASSOC_OK);
    assert_int_equal(strlen(text), 19);
    assert_true(t % US == 0);
    assert_true(t >= before && t <= assoc_now());

    /* Bound as text, the row holds the column default's form, read back equal. */
    exec_ok(db, "CREATE TABLE stamped(id INTEGER PRIMARY KEY, at DATETIME DEFAULT (CURRENT_TIMESTAMP))");
    assert_int_equal(assoc_stmt_acquire(db, &ins, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, text), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_OK);
    assoc_stmt_release(db, st);
    exec_ok(db, "INSERT INTO stamped(id) VALUES (2)");
    assert_int_equal(assoc_stmt_acquire(db, &sel, &st), ASSOC_OK);
    for (int row = 1; row <= 2; row++) {
        assert_int_equal(assoc_step(db, st), ASSOC_ROW);
        assert_string_equal(ref_text(db, st, 0), "text");
        assert_true(col_i64(db, st, 1) == 19);
        assert_int_equal(assoc_column_time(db, st, 2, &stored, &has), ASSOC_OK);
        if (row == 1)
            assert_true(stored == t);
    }
    assoc_stmt_release(db, st);

    assert_int_equal(assoc_current_timestamp(db, NULL, text), ASSOC_MISUSE);
    assert_int_equal(assoc_current_timestamp(db, &t, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_current_timestamp(NULL, &t, text), ASSOC_MISUSE);
}

static void test_now(void **state)
{
    (void)state;
    /* Between two readings of the same clock (time() reads a coarser one).
     * This machine's clock is stepped now and then (the test failed twice
     * on a loaded virtual machine): a reading between two that disagree by
     * more than a second is taken again, three times at most. */
    assoc_time now = 0;
    bool inside = false;
    for (int attempt = 0; attempt < 3 && !inside; attempt++) {
        struct timespec b, a;
        assert_int_equal(clock_gettime(CLOCK_REALTIME, &b), 0);
        now = assoc_now();
        assert_int_equal(clock_gettime(CLOCK_REALTIME, &a), 0);
        int64_t before = (int64_t)b.tv_sec * US + b.tv_nsec / 1000, after = (int64_t)a.tv_sec * US + a.tv_nsec / 1000;
        inside = now >= before && now <= after;
        if (!inside && after >= before && after - before < US)
            break;
    }
    assert_true(inside);
    /* The wall clock, not a monotonic one: it may be stepped back a little
     * (this test failed once on a loaded machine, not reproduced). */
    assert_true(assoc_now() >= now - US);
    char buf[ASSOC_TIME_TEXT_SIZE];
    assert_int_equal(assoc_time_format(now, buf), ASSOC_OK);
}

static void test_column_time(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    assoc_time t = 99;
    bool has = true;

    static const assoc_sql sql = {
        "SELECT NULL, 86400, -1, 1.5, -0.25, '2024-02-29 12:00:00', '2024-02-29 12:00:00.000007', "
        "'yesterday', 1e300, datetime('now'), 253402300800, '2023-02-29 00:00:00'", NULL };
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);

    assert_int_equal(assoc_column_time(db, st, 0, &t, &has), ASSOC_OK);
    assert_false(has);
    assert_int_equal(assoc_column_time(db, st, 1, &t, &has), ASSOC_OK);
    assert_true(has);
    assert_true(t == 86400 * US);
    assert_int_equal(assoc_column_time(db, st, 2, &t, &has), ASSOC_OK);
    assert_true(t == -US);
    assert_int_equal(assoc_column_time(db, st, 3, &t, &has), ASSOC_OK);
    assert_true(t == 1500000);
    assert_int_equal(assoc_column_time(db, st, 4, &t, &has), ASSOC_OK);
    assert_true(t == -250000);
    assert_int_equal(assoc_column_time(db, st, 5, &t, &has), ASSOC_OK);
    assert_true(has);
    assert_true(t == INT64_C(1709208000) * US);
    assert_int_equal(assoc_column_time(db, st, 6, &t, &has), ASSOC_OK);
    assert_true(t == INT64_C(1709208000) * US + 7);

    /* 2.0: a failure writes neither output (1.0 set has = false and the
     * time to 0). */
    assert_int_equal(assoc_column_time(db, st, 7, &t, &has), ASSOC_ERROR);
    assert_true(has);
    assert_true(t == INT64_C(1709208000) * US + 7);
    assert_non_null(strstr(assoc_errmsg(db), "yesterday"));
    assert_int_equal(assoc_column_time(db, st, 8, &t, &has), ASSOC_ERROR);
    assert_true(has);
    assert_true(t == INT64_C(1709208000) * US + 7);

    /* 2.0: has may be NULL, for a column that may not be NULL: a value
     * reads as ever, a NULL is malformed data. */
    assert_int_equal(assoc_column_time(db, st, 1, &t, NULL), ASSOC_OK);
    assert_true(t == 86400 * US);
    assert_int_equal(assoc_column_time(db, st, 0, &t, NULL), ASSOC_ERROR);
    assert_non_null(strstr(assoc_errmsg(db), "NULL"));
    assert_true(t == 86400 * US);

    /* CURRENT_TIMESTAMP's form, within a minute of now. */
    assert_int_equal(assoc_column_time(db, st, 9, &t, &has), ASSOC_OK);
    assert_true(has);
    assert_true(t > assoc_now() - 60 * US && t <= assoc_now());

    assert_int_equal(assoc_column_time(db, st, 10, &t, &has), ASSOC_ERROR);
    assert_int_equal(assoc_column_time(db, st, 11, &t, &has), ASSOC_ERROR);
    assert_non_null(strstr(assoc_errmsg(db), "not a datetime"));
    assoc_stmt_release(db, st);
}

static void test_bind_time(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    static const assoc_sql sql = { "SELECT typeof($1), $1", NULL };
    char *s = NULL;

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time(db, st, 1, -1, true), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "text");
    assert_int_equal(assoc_column_text(db, st, 1, &s), ASSOC_OK);
    assert_string_equal(s, "1969-12-31 23:59:59.999999");
    assoc_free(s);
    assoc_stmt_release(db, st);

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time(db, st, 1, 12345, false), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "null");
    assoc_stmt_release(db, st);

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time(db, st, 1, INT64_MAX, true), ASSOC_MISUSE);
    assert_non_null(strstr(assoc_errmsg(db), "0001-9999"));
    assoc_stmt_release(db, st);

    /* Through a table and back, to the microsecond, before 1970 too. */
    static const assoc_time samples[] = {0, 1, -1, INT64_C(-62135596800) * US, INT64_C(253402300799) * US + 999999,
                                         INT64_C(1709208000) * US + 654321};
    exec_ok(db, "CREATE TABLE times(t TEXT)");
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        static const assoc_sql ins = { "INSERT INTO times VALUES ($1)", NULL };
        static const assoc_sql sel = { "SELECT t FROM times", NULL };
        assoc_time back = 0;
        bool has = false;
        exec_ok(db, "DELETE FROM times");
        assert_int_equal(assoc_stmt_acquire(db, &ins, &st), ASSOC_OK);
        assert_int_equal(assoc_bind_time(db, st, 1, samples[i], true), ASSOC_OK);
        assert_int_equal(assoc_step(db, st), ASSOC_OK);
        assoc_stmt_release(db, st);
        assert_int_equal(assoc_stmt_acquire(db, &sel, &st), ASSOC_OK);
        assert_int_equal(assoc_step(db, st), ASSOC_ROW);
        assert_int_equal(assoc_column_time(db, st, 0, &back, &has), ASSOC_OK);
        assert_true(has);
        assert_true(back == samples[i]);
        assoc_stmt_release(db, st);
    }
}

/* assoc_bind_time_buf: the text is formatted into the caller's buffer and
 * bound from there, without a copy, so SQLite reads what the buffer holds
 * when it steps. */
static void test_bind_time_buf(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    static const assoc_sql sql = { "SELECT typeof($1), $1", NULL };
    char text[ASSOC_TIME_TEXT_SIZE];

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time_buf(db, st, 1, INT64_C(1709208000) * US + 654321, true, text), ASSOC_OK);
    assert_string_equal(text, "2024-02-29 12:00:00.654321");
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 1), "2024-02-29 12:00:00.654321");
    assoc_stmt_release(db, st);

    /* Bound in place: a change to the buffer before the step is what SQLite sees. */
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time_buf(db, st, 1, 0, true, text), ASSOC_OK);
    text[0] = '2';
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 1), "2970-01-01 00:00:00.000000");
    assoc_stmt_release(db, st);

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time_buf(db, st, 1, 12345, false, text), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "null");
    assoc_stmt_release(db, st);

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time_buf(db, st, 1, INT64_MIN, true, text), ASSOC_MISUSE);
    assert_non_null(strstr(assoc_errmsg(db), "0001-9999"));
    assert_int_equal(assoc_bind_time_buf(db, st, 1, 0, true, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_time_buf(db, NULL, 1, 0, true, text), ASSOC_MISUSE);
    assoc_stmt_release(db, st);
}

/* ---------------------------------------------------------------------
 * Text and blobs
 * ------------------------------------------------------------------- */

static void test_text(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    /* Column 2 is a text with a NUL inside: no binder takes a length. */
    static const assoc_sql sql = { "SELECT typeof($1), $1, CAST(X'610062' AS TEXT), X'', 42", NULL };
    char *s = (char *)"junk", *r = NULL;

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, "h\xc3\xa9llo"), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "text");
    assert_int_equal(assoc_column_text(db, st, 1, &s), ASSOC_OK);
    assert_string_equal(s, "h\xc3\xa9llo");
    assoc_free(s);

    assert_int_equal(assoc_column_text(db, st, 2, &s), ASSOC_OK);
    assert_memory_equal(s, "a\0b", 4); /* every byte, then a NUL */
    assoc_free(s);

    assert_int_equal(assoc_column_text(db, st, 3, &s), ASSOC_OK); /* empty blob as text */
    assert_non_null(s);
    assert_string_equal(s, "");
    assoc_free(s);
    assert_int_equal(assoc_column_text(db, st, 4, &s), ASSOC_OK);
    assert_string_equal(s, "42");
    assoc_free(s);

    assert_int_equal(assoc_column_text_ref(db, st, 1, &r), ASSOC_OK);
    assert_string_equal(r, "h\xc3\xa9llo");
    assert_ptr_equal(r, (const char *)sqlite3_column_text(raw_busy(db, &sql), 1)); /* borrowed */
    assoc_stmt_release(db, st);

    /* NULL binds NULL and reads back as NULL, in both forms. */
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, NULL), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "null");
    s = (char *)"junk";
    assert_int_equal(assoc_column_text(db, st, 1, &s), ASSOC_OK);
    assert_null(s);
    r = (char *)"junk";
    assert_int_equal(assoc_column_text_ref(db, st, 1, &r), ASSOC_OK);
    assert_null(r);
    assoc_stmt_release(db, st);

    /* Empty text is "" (not NULL). */
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, ""), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "text");
    assert_int_equal(assoc_column_text(db, st, 1, &s), ASSOC_OK);
    assert_non_null(s);
    assert_string_equal(s, "");
    assoc_free(s);
    assoc_stmt_release(db, st);
}

static void test_blob(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    static const assoc_sql sql = { "SELECT typeof($1), length($1), $1", NULL };
    static const unsigned char bytes[] = {0, 1, 0, 2, 0xff};
    unsigned char one = 7;
    assoc_blob in, out;

    /* Bytes with NULs among them. */
    in.data = (unsigned char *)bytes;
    in.len = sizeof bytes;
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_blob(db, st, 1, &in), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "blob");
    assert_true(col_i64(db, st, 1) == 5);
    assert_int_equal(assoc_column_blob(db, st, 2, &out), ASSOC_OK);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.data, bytes, 5);
    assert_ptr_not_equal(out.data, sqlite3_column_blob(raw_busy(db, &sql), 2)); /* a copy */
    assoc_free(out.data);
    assert_int_equal(assoc_column_blob_ref(db, st, 2, &out), ASSOC_OK);
    assert_ptr_equal(out.data, sqlite3_column_blob(raw_busy(db, &sql), 2)); /* borrowed */
    assert_int_equal(out.len, 5);
    assoc_stmt_release(db, st);

    /* An empty blob stays an empty blob, not NULL. */
    in.data = &one;
    in.len = 0;
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_blob(db, st, 1, &in), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "blob");
    assert_true(col_i64(db, st, 1) == 0);
    assert_int_equal(assoc_column_blob(db, st, 2, &out), ASSOC_OK);
    assert_non_null(out.data);
    assert_int_equal(out.len, 0);
    assoc_free(out.data);
    out.data = NULL;
    out.len = 99;
    assert_int_equal(assoc_column_blob_ref(db, st, 2, &out), ASSOC_OK);
    assert_non_null(out.data);
    assert_int_equal(out.len, 0);
    assoc_stmt_release(db, st);

    /* data == NULL is SQL NULL, both ways. */
    in.data = NULL;
    in.len = 3;
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_blob(db, st, 1, &in), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "null");
    out.data = &one;
    out.len = 9;
    assert_int_equal(assoc_column_blob(db, st, 2, &out), ASSOC_OK);
    assert_null(out.data);
    assert_int_equal(out.len, 0);
    out.data = &one;
    assert_int_equal(assoc_column_blob_ref(db, st, 2, &out), ASSOC_OK);
    assert_null(out.data);
    assoc_stmt_release(db, st);

    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_blob(db, st, 1, NULL), ASSOC_MISUSE);
    assoc_stmt_release(db, st);

    /* Through a table: empty and NULL stay distinct. */
    exec_ok(db, "CREATE TABLE b(k INTEGER PRIMARY KEY, x BLOB)");
    static const assoc_sql ins = { "INSERT INTO b(k, x) VALUES ($1, $2)", NULL };
    for (int k = 0; k < 2; k++) {
        in.data = k == 0 ? &one : NULL;
        in.len = 0;
        assert_int_equal(assoc_stmt_acquire(db, &ins, &st), ASSOC_OK);
        assert_int_equal(assoc_bind_int64(db, st, 1, k), ASSOC_OK);
        assert_int_equal(assoc_bind_blob(db, st, 2, &in), ASSOC_OK);
        assert_int_equal(assoc_step(db, st), ASSOC_OK);
        assoc_stmt_release(db, st);
    }
    assert_int_equal(query_i64(db, "SELECT count(*) FROM b WHERE k = 0 AND x IS NOT NULL AND length(x) = 0"), 1);
    assert_int_equal(query_i64(db, "SELECT count(*) FROM b WHERE k = 1 AND x IS NULL"), 1);
}

static void test_dup(void **state)
{
    assoc_db *db = *state;
    char src[] = "copy me";
    char *s = (char *)"junk";
    assoc_blob b = {(unsigned char *)"junk", 4};

    assert_int_equal(assoc_strdup(db, src, &s), ASSOC_OK);
    assert_ptr_not_equal(s, src);
    src[0] = 'X';
    assert_string_equal(s, "copy me");
    assoc_free(s);
    assert_int_equal(assoc_strdup(db, NULL, &s), ASSOC_OK);
    assert_null(s);

    assert_int_equal(assoc_blobdup(db, "a\0b", 3, &b), ASSOC_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 3);
    assoc_free(b.data);
    assert_int_equal(assoc_blobdup(db, "", 0, &b), ASSOC_OK);
    assert_non_null(b.data);
    assert_int_equal(b.len, 0);
    assoc_free(b.data);
    assert_int_equal(assoc_blobdup(db, NULL, 5, &b), ASSOC_OK);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(assoc_blobdup(db, "x", 1, NULL), ASSOC_MISUSE);
}

static void test_memory(void **state)
{
    (void)state;
    void *p = assoc_malloc(0);
    assert_non_null(p);
    p = assoc_realloc(p, 100);
    assert_non_null(p);
    memset(p, 1, 100);
    p = assoc_realloc(p, 0);
    assert_non_null(p);
    assoc_free(p);
    assoc_free(NULL);
    p = assoc_realloc(NULL, 10);
    assert_non_null(p);
    assoc_free(p);
}

static void test_list_reserve(void **state)
{
    assoc_db *db = *state;
    int64_t *items = NULL;
    size_t cap = 0, len = 0;
    int grows = 0;

    for (len = 0; len < 10000; len++) {
        size_t before = cap;
        assert_int_equal(assoc_list_reserve(db, (void **)&items, &cap, len, sizeof *items), ASSOC_OK);
        assert_true(cap >= len + 1);
        if (cap != before)
            grows++;
        items[len] = (int64_t)len * 3;
    }
    assert_true(grows <= 14); /* geometric, not one element at a time */
    for (size_t i = 0; i < len; i++)
        assert_true(items[i] == (int64_t)i * 3);

    /* Room already: nothing moves. */
    int64_t *same = items;
    size_t cap_before = cap;
    assert_int_equal(assoc_list_reserve(db, (void **)&items, &cap, 0, sizeof *items), ASSOC_OK);
    assert_ptr_equal(items, same);
    assert_int_equal(cap, cap_before);

    /* Overflow and exhaustion fail cleanly and change nothing. */
    assert_int_equal(assoc_list_reserve(db, (void **)&items, &cap, SIZE_MAX, sizeof *items), ASSOC_NOMEM);
    assert_int_equal(assoc_list_reserve(db, (void **)&items, &cap, SIZE_MAX / 4, sizeof *items), ASSOC_NOMEM);
    assert_int_equal(assoc_list_reserve(db, (void **)&items, &cap, cap, SIZE_MAX / 2), ASSOC_NOMEM);
    assert_true(strlen(assoc_errmsg(db)) > 0);
    assert_ptr_equal(items, same);
    assert_int_equal(cap, cap_before);
    assert_true(items[9999] == 9999 * 3);

    assert_int_equal(assoc_list_reserve(db, (void **)&items, &cap, 0, 0), ASSOC_MISUSE);
    assert_int_equal(assoc_list_reserve(db, NULL, &cap, 0, 8), ASSOC_MISUSE);
    assert_int_equal(assoc_list_reserve(db, (void **)&items, NULL, 0, 8), ASSOC_MISUSE);
    assoc_free(items);
}

/* ---------------------------------------------------------------------
 * Return codes
 * ------------------------------------------------------------------- */

/* Every code distinct, ASSOC_OK 0, the others positive, ASSOC_ROW apart
 * from all of them; 2.0 adds ASSOC_SCHEMA. */
static void test_codes(void **state)
{
    assoc_db *db = *state;
    static const int codes[] = { ASSOC_OK,    ASSOC_NOTFOUND, ASSOC_CONSTRAINT, ASSOC_BUSY, ASSOC_NOMEM,
                                 ASSOC_MISUSE, ASSOC_ERROR,   ASSOC_SCHEMA,     ASSOC_ROW };
    const size_t n = sizeof codes / sizeof *codes;

    assert_int_equal(ASSOC_OK, 0);
    assert_int_equal(ASSOC_SCHEMA, 7);
    for (size_t i = 0; i < n; i++) {
        assert_true(codes[i] >= 0);
        for (size_t k = i + 1; k < n; k++)
            assert_int_not_equal(codes[i], codes[k]);
    }
    assert_int_equal(ASSOC_VERSION_NUMBER, 2100);
    assert_string_equal(ASSOC_VERSION_STRING, "2.1.0");
    assert_int_equal(assoc_fail(db, ASSOC_SCHEMA, "no table %s", "users"), ASSOC_SCHEMA);
    assert_string_equal(assoc_errmsg(db), "no table users");
}

/* ---------------------------------------------------------------------
 * Scripts, changes and inserts
 * ------------------------------------------------------------------- */

/* assoc_exec runs a script of several statements to its end, reports a
 * failure by its code with SQLite's message, and runs inside sections. */
static void test_exec(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql script = { "CREATE TABLE s(id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n > 0));\n"
                                      "CREATE INDEX ix_s_n ON s (n);\n"
                                      "INSERT INTO s(n) VALUES (1);\n"
                                      "INSERT INTO s(n) VALUES (2);\n",
                                      NULL };
    static const assoc_sql one_more = { "INSERT INTO s(n) VALUES (3)", NULL };
    static const assoc_sql selekt = { "SELEKT 1", NULL };
    static const assoc_sql null_n = { "INSERT INTO s(n) VALUES (NULL)", NULL };
    static const assoc_sql negative = { "UPDATE s SET n = -n", NULL };
    static const assoc_sql no_table = { "DELETE FROM nowhere", NULL };
    static const assoc_sql no_text = { NULL, NULL };

    assert_int_equal(assoc_exec(db, &script), ASSOC_OK);
    assert_int_equal(query_i64(db, "SELECT count(*) FROM s"), 2);
    assert_int_equal(query_i64(db, "SELECT count(*) FROM sqlite_master WHERE name = 'ix_s_n'"), 1);

    assert_int_equal(assoc_exec(db, &selekt), ASSOC_ERROR);
    assert_non_null(strstr(assoc_errmsg(db), "syntax error"));
    assert_int_equal(assoc_exec(db, &no_table), ASSOC_ERROR);
    assert_non_null(strstr(assoc_errmsg(db), "no such table: nowhere"));
    assert_int_equal(assoc_exec(db, &null_n), ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "NOT NULL"));
    assert_int_equal(assoc_exec(db, &negative), ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "CHECK"));
    assert_int_equal(query_i64(db, "SELECT total(n) FROM s"), 3); /* the UPDATE undone whole */

    /* Inside a section: kept when it succeeds, undone when it fails. */
    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
    assert_int_equal(assoc_exec(db, &one_more), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(db, ASSOC_OK), ASSOC_OK);
    assert_int_equal(query_i64(db, "SELECT count(*) FROM s"), 3);
    assert_int_equal(assoc_tx_enter(db, true), ASSOC_OK);
    assert_int_equal(assoc_exec(db, &one_more), ASSOC_OK);
    assert_int_equal(query_i64(db, "SELECT count(*) FROM s"), 4);
    assert_int_equal(assoc_tx_leave(db, ASSOC_ERROR), ASSOC_ERROR);
    assert_int_equal(query_i64(db, "SELECT count(*) FROM s"), 3);
    assert_false(in_transaction(db));

    assert_int_equal(assoc_exec(db, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_exec(db, &no_text), ASSOC_MISUSE);
    assert_true(strlen(assoc_errmsg(db)) > 0);
}

/* assoc_changes: the rows the last INSERT, UPDATE or DELETE changed; a
 * query in between leaves it alone. */
static void test_changes(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql upd = { "UPDATE t SET v = v || '!' WHERE id <= $1", NULL };
    static const assoc_sql sel = { "SELECT count(*) FROM t", NULL };
    static const assoc_sql del = { "DELETE FROM t", NULL };
    assoc_stmt *st = NULL;

    for (int i = 0; i < 4; i++) {
        char v[16];
        snprintf(v, sizeof v, "v%d", i);
        assert_int_equal(insert_v(db, v), ASSOC_OK);
        assert_true(assoc_changes(db) == 1);
    }
    for (int64_t upto = 0; upto <= 3; upto++) {
        assert_int_equal(assoc_stmt_acquire(db, &upd, &st), ASSOC_OK);
        assert_int_equal(assoc_bind_int64(db, st, 1, upto), ASSOC_OK);
        assert_int_equal(assoc_step(db, st), ASSOC_OK);
        assoc_stmt_release(db, st);
        assert_true(assoc_changes(db) == upto);
    }
    assert_int_equal(assoc_stmt_acquire(db, &sel, &st), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_true(col_i64(db, st, 0) == 4);
    assoc_stmt_release(db, st);
    assert_true(assoc_changes(db) == 3);
    assert_int_equal(assoc_exec(db, &del), ASSOC_OK);
    assert_true(assoc_changes(db) == 4);
    assert_true(assoc_changes(NULL) == 0);
}

/* assoc_insert_step runs an INSERT and gives the row id it assigned, or
 * the one the statement named. */
static void test_insert_step(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql ins_id = { "INSERT INTO t(id, v) VALUES ($1, $2)", NULL };
    assoc_stmt *st = NULL;
    int64_t rowid = -1;

    assert_int_equal(assoc_stmt_acquire(db, &insert_sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, "a"), ASSOC_OK);
    assert_int_equal(assoc_insert_step(db, st, &rowid), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_true(rowid == 1);
    assert_true(query_i64(db, "SELECT id FROM t WHERE v = 'a'") == rowid);

    /* The row id is optional. */
    assert_int_equal(assoc_stmt_acquire(db, &insert_sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, "b"), ASSOC_OK);
    assert_int_equal(assoc_insert_step(db, st, NULL), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_true(has_v(db, "b"));

    /* A key given is the key written back; the next one follows it. */
    assert_int_equal(assoc_stmt_acquire(db, &ins_id, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_int64(db, st, 1, 100), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 2, "c"), ASSOC_OK);
    assert_int_equal(assoc_insert_step(db, st, &rowid), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_true(rowid == 100);
    assert_int_equal(assoc_stmt_acquire(db, &insert_sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, "d"), ASSOC_OK);
    assert_int_equal(assoc_insert_step(db, st, &rowid), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_true(rowid == 101);
    assert_true(assoc_changes(db) == 1);

    /* A failure: its code and message. */
    assert_int_equal(assoc_stmt_acquire(db, &insert_sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_text(db, st, 1, "a"), ASSOC_OK);
    assert_int_equal(assoc_insert_step(db, st, &rowid), ASSOC_CONSTRAINT);
    assert_non_null(strstr(assoc_errmsg(db), "UNIQUE constraint failed: t.v"));
    assoc_stmt_release(db, st);
    assert_int_equal(count_rows(db), 4);

    assert_int_equal(assoc_insert_step(db, NULL, &rowid), ASSOC_MISUSE);
    assert_int_equal(assoc_insert_step(NULL, NULL, &rowid), ASSOC_MISUSE);
}

/* ---------------------------------------------------------------------
 * Reading numbers: values of the wrong kind are refused
 * ------------------------------------------------------------------- */

/* Step `SELECT i, b, r FROM nums WHERE k = $1` to its row. */
static assoc_stmt *num_row(assoc_db *db, int64_t k)
{
    static const assoc_sql sql = { "SELECT i, b, r FROM nums WHERE k = $1", NULL };
    assoc_stmt *st = NULL;
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_int64(db, st, 1, k), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    return st;
}

/* Has the last failure on db this code and a message holding both words? */
static void assert_failed(assoc_db *db, int rc, int want, const char *a, const char *b)
{
    if (rc != want || strstr(assoc_errmsg(db), a) == NULL || (b != NULL && strstr(assoc_errmsg(db), b) == NULL))
        fail_msg("got %d \"%s\", expected %d with \"%s\" and \"%s\"", rc, assoc_errmsg(db), want, a, b ? b : "");
}

/* 2.0: assoc_col_int64/_double/_bool read a number only from a value of
 * its kind.  (1.0 had no number readers: generated code called
 * sqlite3_column_int64(), which reads text as 0 and 1.5 as 1.)  Text in
 * an integer column, 1.5 in one, 2 in a boolean one, and a NULL where has
 * is NULL are ASSOC_ERROR with a message naming the value; the outputs
 * stay as they were. */
static void test_number_readers_refuse(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st;
    int64_t i = 77;
    double d = 7.5;
    bool b = true, has = true;

    exec_ok(db, "CREATE TABLE nums(k INTEGER PRIMARY KEY, i INTEGER, b BOOLEAN, r REAL)");
    exec_ok(db, "INSERT INTO nums VALUES (1, 'abc', 2, 'xyz'), (2, 1.5, -1, NULL), (3, NULL, NULL, 7), "
                "(4, 42, 1, 2.5), (5, 9.5e18, 0, -0.5), (6, '12abc', 'yes', X'01')");
    /* What SQLite kept: affinity converted none of them. */
    assert_int_equal(query_i64(db, "SELECT count(*) FROM nums WHERE typeof(i) = 'text'"), 2);
    assert_int_equal(query_i64(db, "SELECT count(*) FROM nums WHERE typeof(i) = 'real'"), 2);

    st = num_row(db, 1);
    assert_failed(db, assoc_col_int64(db, st, 0, &i, &has), ASSOC_ERROR, "\"abc\"", "not an integer");
    assert_failed(db, assoc_col_int64(db, st, 0, &i, NULL), ASSOC_ERROR, "\"abc\"", "not an integer");
    assert_failed(db, assoc_col_bool(db, st, 1, &b, &has), ASSOC_ERROR, "\"2\"", "not a boolean");
    assert_failed(db, assoc_col_double(db, st, 2, &d, &has), ASSOC_ERROR, "\"xyz\"", "not a number");
    assoc_stmt_release(db, st);
    assert_true(i == 77 && b && d == 7.5 && has);

    st = num_row(db, 2);
    assert_failed(db, assoc_col_int64(db, st, 0, &i, &has), ASSOC_ERROR, "\"1.5\"", "not an integer");
    assert_failed(db, assoc_col_bool(db, st, 1, &b, &has), ASSOC_ERROR, "\"-1\"", "not a boolean");
    assert_true(i == 77 && b && has);
    assert_int_equal(assoc_col_double(db, st, 2, &d, &has), ASSOC_OK); /* NULL, and has says so */
    assert_false(has);
    assert_failed(db, assoc_col_double(db, st, 2, &d, NULL), ASSOC_ERROR, "NULL", "column 2");
    assoc_stmt_release(db, st);

    st = num_row(db, 3);
    has = true;
    assert_int_equal(assoc_col_int64(db, st, 0, &i, &has), ASSOC_OK);
    assert_false(has);
    assert_failed(db, assoc_col_int64(db, st, 0, &i, NULL), ASSOC_ERROR, "NULL", "column 0");
    has = true;
    assert_int_equal(assoc_col_bool(db, st, 1, &b, &has), ASSOC_OK);
    assert_false(has);
    assert_failed(db, assoc_col_bool(db, st, 1, &b, NULL), ASSOC_ERROR, "NULL", "column 1");
    /* An integer in a real column is that number. */
    assert_int_equal(assoc_col_double(db, st, 2, &d, NULL), ASSOC_OK);
    assert_true(d == 7.0);
    assoc_stmt_release(db, st);

    st = num_row(db, 4);
    assert_int_equal(assoc_col_int64(db, st, 0, &i, &has), ASSOC_OK);
    assert_true(i == 42 && has);
    assert_int_equal(assoc_col_bool(db, st, 1, &b, NULL), ASSOC_OK);
    assert_true(b);
    assert_int_equal(assoc_col_double(db, st, 2, &d, &has), ASSOC_OK);
    assert_true(d == 2.5 && has);
    assoc_stmt_release(db, st);

    /* A real beyond int64's range is no integer either. */
    st = num_row(db, 5);
    i = 77;
    assert_failed(db, assoc_col_int64(db, st, 0, &i, NULL), ASSOC_ERROR, "not an integer", NULL);
    assert_true(i == 77);
    assert_int_equal(assoc_col_bool(db, st, 1, &b, NULL), ASSOC_OK);
    assert_false(b);
    assert_int_equal(assoc_col_double(db, st, 2, &d, NULL), ASSOC_OK);
    assert_true(d == -0.5);
    assoc_stmt_release(db, st);

    st = num_row(db, 6);
    assert_failed(db, assoc_col_int64(db, st, 0, &i, NULL), ASSOC_ERROR, "\"12abc\"", "not an integer");
    assert_failed(db, assoc_col_bool(db, st, 1, &b, NULL), ASSOC_ERROR, "\"yes\"", "not a boolean");
    assert_failed(db, assoc_col_double(db, st, 2, &d, NULL), ASSOC_ERROR, "column 2", "not a number");
    assoc_stmt_release(db, st);

    /* Outside a table: a real that holds an integer exactly is that
     * integer; text is no number even when it spells one. */
    static const assoc_sql exprs = { "SELECT 2.0, -3.0, '12', 1.0", NULL };
    assert_int_equal(assoc_stmt_acquire(db, &exprs, &st), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_int_equal(assoc_col_int64(db, st, 0, &i, NULL), ASSOC_OK);
    assert_true(i == 2);
    assert_int_equal(assoc_col_int64(db, st, 1, &i, NULL), ASSOC_OK);
    assert_true(i == -3);
    assert_failed(db, assoc_col_int64(db, st, 2, &i, NULL), ASSOC_ERROR, "\"12\"", "not an integer");
    assert_failed(db, assoc_col_double(db, st, 2, &d, NULL), ASSOC_ERROR, "\"12\"", "not a number");
    assoc_stmt_release(db, st);
}

/* ---------------------------------------------------------------------
 * assoc_bind_time_short
 * ------------------------------------------------------------------- */

static void test_bind_time_short(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql sql = { "SELECT typeof($1), length($1), $1", NULL };
    const assoc_time noon = INT64_C(1709208000) * US; /* 2024-02-29 12:00:00 */
    char text[ASSOC_TIME_TEXT_SIZE], full[ASSOC_TIME_TEXT_SIZE];
    assoc_stmt *st = NULL;

    /* Whole seconds: CURRENT_TIMESTAMP's form. */
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time_short(db, st, 1, noon, text), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 0), "text");
    assert_true(col_i64(db, st, 1) == 19);
    assert_string_equal(ref_text(db, st, 2), "2024-02-29 12:00:00");
    assoc_stmt_release(db, st);

    /* A fraction, down to one microsecond: the full text. */
    static const assoc_time fractions[] = { 654321, 1, 500000 };
    static const char *const want[] = { "2024-02-29 12:00:00.654321", "2024-02-29 12:00:00.000001",
                                        "2024-02-29 12:00:00.500000" };
    for (size_t i = 0; i < sizeof fractions / sizeof *fractions; i++) {
        assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
        assert_int_equal(assoc_bind_time_short(db, st, 1, noon + fractions[i], text), ASSOC_OK);
        assert_int_equal(assoc_step(db, st), ASSOC_ROW);
        assert_true(col_i64(db, st, 1) == 26);
        assert_string_equal(ref_text(db, st, 2), want[i]);
        assoc_stmt_release(db, st);
    }

    /* Bound from the caller's text, not a copy. */
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time_short(db, st, 1, 0, text), ASSOC_OK);
    text[0] = '2';
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assert_string_equal(ref_text(db, st, 2), "2970-01-01 00:00:00");
    assoc_stmt_release(db, st);

    /* Outside years 0001-9999, or without a buffer. */
    assert_int_equal(assoc_stmt_acquire(db, &sql, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_time_short(db, st, 1, INT64_MIN, text), ASSOC_MISUSE);
    assert_non_null(strstr(assoc_errmsg(db), "0001-9999"));
    assert_int_equal(assoc_bind_time_short(db, st, 1, INT64_C(253402300800) * US, text), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_time_short(db, st, 1, noon, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_time_short(db, NULL, 1, noon, text), ASSOC_MISUSE);
    assert_int_equal(assoc_bind_time_short(NULL, st, 1, noon, text), ASSOC_MISUSE);
    assoc_stmt_release(db, st);

    /* A look-up binding both forms finds a row whichever wrote it: the
     * database's clock (row 1) or the calendar's full text (row 2). */
    static const assoc_sql look = { "SELECT id FROM stamps WHERE at IN ($1, $2) ORDER BY id", NULL };
    exec_ok(db, "CREATE TABLE stamps(id INTEGER PRIMARY KEY, at DATETIME)");
    exec_ok(db, "INSERT INTO stamps VALUES (1, '2024-02-29 12:00:00'), (2, '2024-02-29 12:00:00.000000'), "
                "(3, '2024-02-29 12:00:01'), (4, '2024-02-29 12:00:01.250000')");
    static const assoc_time probes[] = { 0, US, US + 250000, 2 * US };
    static const char *const found[] = { "1,2", "3", "4", "" };
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        char ids[32] = "";
        int rc;
        assert_int_equal(assoc_stmt_acquire(db, &look, &st), ASSOC_OK);
        assert_int_equal(assoc_bind_time_buf(db, st, 1, noon + probes[i], true, full), ASSOC_OK);
        assert_int_equal(assoc_bind_time_short(db, st, 2, noon + probes[i], text), ASSOC_OK);
        while ((rc = assoc_step(db, st)) == ASSOC_ROW)
            snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%lld", ids[0] ? "," : "",
                     (long long)col_i64(db, st, 0));
        assert_int_equal(rc, ASSOC_OK);
        assoc_stmt_release(db, st);
        assert_string_equal(ids, found[i]);
    }
}

/* ---------------------------------------------------------------------
 * Connection settings: assoc_open_with
 * ------------------------------------------------------------------- */

static void test_open_with(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *db = NULL;
    assoc_options o;
    char buf[64];

    /* The defaults. */
    assoc_options_init(&o);
    assert_int_equal(o.busy_timeout_ms, ASSOC_BUSY_TIMEOUT_MS);
    assert_true(o.cache_kib == ASSOC_CACHE_KIB && o.cache_kib == 65536 && o.mmap_bytes == 0);
    assert_int_equal(o.page_size, ASSOC_PAGE_SIZE);
    assert_int_equal(o.page_size, 8192);
    assert_false(o.secure_delete);
    assert_string_equal(o.journal, "WAL");
    assert_string_equal(o.synchronous, "NORMAL");
    assoc_options init = ASSOC_OPTIONS_INIT;
    assert_int_equal(init.busy_timeout_ms, o.busy_timeout_ms);
    assert_string_equal(init.journal, o.journal);
    assoc_options_init(NULL); /* accepted */

    /* Every setting, seen through the raw handle. */
    tmpdb_make(&t);
    o.busy_timeout_ms = 1234;
    o.cache_kib = 4096;
    o.mmap_bytes = 1 << 20;
    o.secure_delete = true;
    o.journal = "TRUNCATE";
    o.synchronous = "FULL";
    o.page_size = 16384;
    assert_int_equal(assoc_open_with(t.path, &o, &db), ASSOC_OK);
    exec_ok(db, "CREATE TABLE t(x)"); /* the file has pages now */
    assert_int_equal(query_i64(db, "PRAGMA page_size"), 16384);
    assert_int_equal(query_i64(db, "PRAGMA busy_timeout"), 1234);
    assert_int_equal(query_i64(db, "PRAGMA cache_size"), -4096);
    assert_int_equal(query_i64(db, "PRAGMA mmap_size"), 1 << 20);
    assert_int_equal(query_i64(db, "PRAGMA secure_delete"), 1);
    assert_string_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "truncate");
    assert_int_equal(query_i64(db, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(query_i64(db, "PRAGMA foreign_keys"), 1);
    assoc_close(db);

    /* Others, in lower case; cache and mmap at 0 are SQLite's own. */
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(":memory:", &raw), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA cache_size", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const int64_t sqlite_cache = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(raw);
    assoc_options_init(&o);
    o.journal = "delete";
    o.synchronous = "off";
    o.cache_kib = 0;
    assert_int_equal(assoc_open_with(t.path, &o, &db), ASSOC_OK);
    assert_string_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "delete");
    assert_int_equal(query_i64(db, "PRAGMA synchronous"), 0);
    assert_int_equal(query_i64(db, "PRAGMA secure_delete"), 0);
    assert_int_equal(query_i64(db, "PRAGMA mmap_size"), 0);
    assert_true(query_i64(db, "PRAGMA cache_size") == sqlite_cache);
    assert_int_equal(query_i64(db, "PRAGMA busy_timeout"), ASSOC_BUSY_TIMEOUT_MS);
    assoc_close(db);

    /* NULL options are assoc_open's defaults: the file back in WAL, its
     * pages as they were made; a new file gets 8 KiB pages. */
    assert_int_equal(assoc_open_with(t.path, NULL, &db), ASSOC_OK);
    assert_string_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    assert_int_equal(query_i64(db, "PRAGMA synchronous"), 1);
    assert_int_equal(query_i64(db, "PRAGMA cache_size"), -ASSOC_CACHE_KIB);
    assert_int_equal(query_i64(db, "PRAGMA page_size"), 16384);
    assoc_close(db);
    tmpdb_remove(&t);
    tmpdb_make(&t);
    assert_int_equal(assoc_open(t.path, &db), ASSOC_OK);
    exec_ok(db, "CREATE TABLE t(x)");
    assert_int_equal(query_i64(db, "PRAGMA page_size"), 8192);
    assoc_close(db);
    tmpdb_remove(&t);
    tmpdb_make(&t);
    assoc_options_init(&o);
    o.page_size = 0; /* SQLite's own */
    assert_int_equal(assoc_open_with(t.path, &o, &db), ASSOC_OK);
    exec_ok(db, "CREATE TABLE t(x)");
    assert_int_equal(query_i64(db, "PRAGMA page_size"), 4096);
    assoc_close(db);
    tmpdb_remove(&t);

    /* A memory database keeps its own journal; the rest applies. */
    assoc_options_init(&o);
    o.journal = "DELETE";
    o.busy_timeout_ms = 77;
    o.cache_kib = 100;
    assert_int_equal(assoc_open_with(":memory:", &o, &db), ASSOC_OK);
    assert_string_equal(query_text(db, "PRAGMA journal_mode", buf, sizeof buf), "memory");
    assert_int_equal(query_i64(db, "PRAGMA busy_timeout"), 77);
    assert_int_equal(query_i64(db, "PRAGMA cache_size"), -100);
    assoc_close(db);

    /* What cannot be right is ASSOC_MISUSE, before anything is opened:
     * no handle, no file. */
    tmpdb_make(&t);
    for (int bad = 0; bad < 12; bad++) {
        assoc_options_init(&o);
        switch (bad) {
        case 0: o.journal = "WAL; DROP TABLE t"; break;
        case 1: o.journal = "wal'"; break;
        case 2: o.journal = ""; break;
        case 3: o.journal = NULL; break;
        case 4: o.synchronous = "FULL --"; break;
        case 5: o.synchronous = NULL; break;
        case 6: o.busy_timeout_ms = -1; break;
        case 7: o.cache_kib = -1; break;
        case 8: o.page_size = 1000; break;
        case 9: o.page_size = 256; break;
        case 10: o.page_size = 131072; break;
        default: o.mmap_bytes = -1; break;
        }
        db = (assoc_db *)&db;
        if (assoc_open_with(t.path, &o, &db) != ASSOC_MISUSE)
            fail_msg("bad option %d accepted", bad);
        assert_null(db);
        assert_int_equal(access(t.path, F_OK), -1);
    }
    db = (assoc_db *)&db;
    assert_int_equal(assoc_open_with(NULL, &o, &db), ASSOC_MISUSE);
    assert_null(db);
    assert_int_equal(assoc_open_with(t.path, &o, NULL), ASSOC_MISUSE);
    tmpdb_remove(&t);
}

/* A word that is no journal mode or synchronous level of SQLite's is a bad
 * word too, as much as one with a quote in it: ASSOC_MISUSE.  FAILS with
 * libassoc 2.0.0: the words are checked for their letters only, and SQLite
 * ignores a PRAGMA journal_mode or synchronous it does not know, so
 * journal = "WALL" (a typo) opens the file in rollback-journal mode, and
 * synchronous = "SOMETIMES" leaves whatever level was there, both with
 * ASSOC_OK. */
static void test_open_with_unknown_words(void **state)
{
    (void)state;
    static const char *const journals[] = { "WALL", "BOGUS", "EXCLUSIVE", "NORMAL" };
    static const char *const levels[] = { "SOMETIMES", "WAL", "DELETE" };
    tmpdb t;
    char buf[64];

    tmpdb_make(&t);
    for (size_t i = 0; i < sizeof journals / sizeof *journals + sizeof levels / sizeof *levels; i++) {
        assoc_options o;
        assoc_db *db = NULL;
        bool journal = i < sizeof journals / sizeof *journals;
        assoc_options_init(&o);
        if (journal)
            o.journal = journals[i];
        else
            o.synchronous = levels[i - sizeof journals / sizeof *journals];
        int rc = assoc_open_with(t.path, &o, &db);
        if (rc != ASSOC_MISUSE || db != NULL) {
            char got[96] = "";
            if (db != NULL)
                snprintf(got, sizeof got, ": opened with journal_mode %s, synchronous %lld",
                         query_text(db, "PRAGMA journal_mode", buf, sizeof buf),
                         (long long)query_i64(db, "PRAGMA synchronous"));
            assoc_close(db);
            tmpdb_remove(&t);
            fail_msg("%s = \"%s\" gave %d%s, expected ASSOC_MISUSE", journal ? "journal" : "synchronous",
                     journal ? o.journal : o.synchronous, rc, got);
        }
    }
    tmpdb_remove(&t);
}

/* A cache larger than SQLite's cache_size can say (2^31 KiB and up) is
 * refused, or given the largest cache SQLite takes -- not no cache at all.
 * FAILS with libassoc 2.0.0: "PRAGMA cache_size=-4294967296" overflows
 * SQLite's 32-bit parse, which gives 0, and the connection opens with
 * cache_size 0 and ASSOC_OK. */
static void test_open_with_huge_cache(void **state)
{
    (void)state;
    static const int64_t kib[] = { INT64_C(1) << 31, (INT64_C(1) << 32) + 100, INT64_MAX };

    for (size_t i = 0; i < sizeof kib / sizeof *kib; i++) {
        assoc_options o;
        assoc_db *db = NULL;
        assoc_options_init(&o);
        o.cache_kib = kib[i];
        int rc = assoc_open_with(":memory:", &o, &db);
        if (rc == ASSOC_MISUSE && db == NULL)
            continue;
        assert_int_equal(rc, ASSOC_OK);
        int64_t size = query_i64(db, "PRAGMA cache_size");
        assoc_close(db);
        if (size != INT32_MIN)
            fail_msg("cache_kib = %lld opened with cache_size %lld", (long long)kib[i], (long long)size);
    }
}

/* ---------------------------------------------------------------------
 * Writing sections: assoc_tx_enter(db, true)
 * ------------------------------------------------------------------- */

static int txn_state(assoc_db *db)
{
    return sqlite3_txn_state(assoc_sqlite(db), "main");
}

/* A writing section that starts the transaction takes the write lock at
 * once (BEGIN IMMEDIATE): another connection's write waits its timeout
 * and fails busy while the section is open, before the section has
 * written anything; the section reads, then writes, without failing.  A
 * reading section takes no lock until it needs one, and once it has read,
 * another connection's commit makes its write fail at once (WAL: its
 * snapshot is stale) -- what the flag is for.  Inside a transaction a
 * writing section is a savepoint, and takes no lock of its own. */
static void test_tx_enter_write(void **state)
{
    (void)state;
    tmpdb t;
    assoc_db *a = NULL, *b = NULL;
    assoc_options quick;

    tmpdb_make(&t);
    assoc_options_init(&quick);
    quick.busy_timeout_ms = 20; /* b does not wait 5 s */
    assert_int_equal(assoc_open(t.path, &a), ASSOC_OK);
    assert_int_equal(assoc_open_with(t.path, &quick, &b), ASSOC_OK);
    exec_ok(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)");

    assert_int_equal(assoc_tx_enter(a, true), ASSOC_OK);
    assert_true(in_transaction(a));
    assert_int_equal(txn_state(a), SQLITE_TXN_WRITE);
    assert_int_equal(insert_v(b, "b"), ASSOC_BUSY);
    assert_int_equal(count_rows(a), 0);
    assert_int_equal(insert_v(a, "a"), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(a, ASSOC_OK), ASSOC_OK);
    assert_false(in_transaction(a));
    assert_int_equal(txn_state(a), SQLITE_TXN_NONE);
    assert_int_equal(insert_v(b, "b"), ASSOC_OK);
    assert_true(has_v(b, "a"));

    /* Undone, it releases the lock too. */
    assert_int_equal(assoc_tx_enter(a, true), ASSOC_OK);
    assert_int_equal(insert_v(a, "gone"), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(a, ASSOC_ERROR), ASSOC_ERROR);
    assert_int_equal(txn_state(a), SQLITE_TXN_NONE);
    assert_int_equal(insert_v(b, "c"), ASSOC_OK);
    assert_false(has_v(b, "gone"));

    /* A reading section. */
    assert_int_equal(assoc_tx_enter(a, false), ASSOC_OK);
    assert_true(in_transaction(a));
    assert_int_equal(txn_state(a), SQLITE_TXN_NONE);
    assert_int_equal(insert_v(b, "d"), ASSOC_OK);
    assert_int_equal(count_rows(a), 4);
    assert_int_equal(txn_state(a), SQLITE_TXN_READ);
    assert_int_equal(insert_v(b, "e"), ASSOC_OK);
    int rc = insert_v(a, "f");
    assert_int_equal(rc, ASSOC_BUSY);
    assert_int_equal(assoc_tx_leave(a, rc), ASSOC_BUSY);
    assert_false(in_transaction(a));
    assert_false(has_v(a, "f"));

    /* Inside assoc_begin's (deferred) transaction. */
    assert_int_equal(assoc_begin(a), ASSOC_OK);
    assert_int_equal(assoc_tx_enter(a, true), ASSOC_OK);
    assert_int_equal(txn_state(a), SQLITE_TXN_NONE);
    assert_int_equal(insert_v(b, "g"), ASSOC_OK);
    assert_int_equal(assoc_tx_leave(a, ASSOC_OK), ASSOC_OK);
    assert_true(in_transaction(a));
    assert_int_equal(assoc_rollback(a), ASSOC_OK);
    assert_false(in_transaction(a));
    assert_int_equal(count_rows(a), 6);

    assoc_close(b);
    assoc_close(a);
    tmpdb_remove(&t);
}

/* ---------------------------------------------------------------------
 * Rows: assoc_rowtype and the row loops
 * ------------------------------------------------------------------- */

/* A model's record and its rowtype, written as the generator writes them:
 * people(id, name, score, born, photo). */
typedef struct person {
    int64_t id;
    char *name;
    double score;
    bool has_score;
    assoc_time born;
    bool has_born;
    assoc_blob photo;
} person;

static const char *const person_columns[] = { "id", "name", "score", "born", "photo" };
static const assoc_rowtype person_type;

/* Strings and blobs person_read copied and person_release has not freed. */
static long person_live;

static int person_read(assoc_db *db, assoc_stmt *st, int at, void *rec)
{
    person *p = rec;
    int rc = assoc_col_int64(db, st, at + 0, &p->id, NULL);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 0, rc);
    rc = assoc_column_text(db, st, at + 1, &p->name);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 1, rc);
    person_live += p->name != NULL;
    rc = assoc_col_double(db, st, at + 2, &p->score, &p->has_score);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 2, rc);
    rc = assoc_column_time(db, st, at + 3, &p->born, &p->has_born);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 3, rc);
    rc = assoc_column_blob(db, st, at + 4, &p->photo);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 4, rc);
    person_live += p->photo.data != NULL;
    return ASSOC_OK;
}

static int person_view(assoc_db *db, assoc_stmt *st, int at, void *rec)
{
    person *p = rec;
    int rc = assoc_col_int64(db, st, at + 0, &p->id, NULL);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 0, rc);
    rc = assoc_column_text_ref(db, st, at + 1, &p->name);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 1, rc);
    rc = assoc_col_double(db, st, at + 2, &p->score, &p->has_score);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 2, rc);
    rc = assoc_column_time(db, st, at + 3, &p->born, &p->has_born);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 3, rc);
    rc = assoc_column_blob_ref(db, st, at + 4, &p->photo);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &person_type, at, 4, rc);
    return ASSOC_OK;
}

static void person_release(void *rec)
{
    person *p = rec;
    person_live -= (p->name != NULL) + (p->photo.data != NULL);
    assoc_free(p->name);
    assoc_free(p->photo.data);
    memset(p, 0, sizeof *p);
}

static int person_cmp(const void *a, const void *b)
{
    const person *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static const size_t person_texts[] = { offsetof(person, name) };
static const size_t person_blobs[] = { offsetof(person, photo) };
static const assoc_rowtype person_type = { "Person", "people", person_columns, 0, sizeof(person),
                                           person_read, person_view, person_release, person_cmp,
                                           person_texts, 1, person_blobs, 1, false, 0, NULL };

static const assoc_sql people_all = { "SELECT id, name, score, born, photo FROM people ORDER BY id", NULL };
static const assoc_sql people_one = { "SELECT id, name, score, born, photo FROM people WHERE id = $1", NULL };
static const assoc_sql people_none = { "SELECT id, name, score, born, photo FROM people WHERE id < 0", NULL };

/* Three people: every kind of value, NULLs, an empty blob. */
static void make_people(assoc_db *db)
{
    exec_ok(db, "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, score REAL, born DATETIME, photo BLOB)");
    exec_ok(db, "INSERT INTO people VALUES (1, 'ada', 1.5, '2024-02-29 12:00:00', X'0102'), "
                "(2, 'bob', NULL, NULL, NULL), (3, 'cy', 3.0, '1969-12-31 23:59:59.999999', X'')");
    person_live = 0;
}

static void check_people(const person *p, size_t len)
{
    assert_int_equal(len, 3);
    assert_true(p[0].id == 1);
    assert_string_equal(p[0].name, "ada");
    assert_true(p[0].has_score && p[0].score == 1.5);
    assert_true(p[0].has_born && p[0].born == INT64_C(1709208000) * US);
    assert_int_equal(p[0].photo.len, 2);
    assert_memory_equal(p[0].photo.data, "\x01\x02", 2);
    assert_true(p[1].id == 2);
    assert_string_equal(p[1].name, "bob");
    assert_false(p[1].has_score);
    assert_false(p[1].has_born);
    assert_null(p[1].photo.data);
    assert_true(p[2].id == 3);
    assert_true(p[2].has_born && p[2].born == -1);
    assert_non_null(p[2].photo.data); /* empty, not NULL */
    assert_int_equal(p[2].photo.len, 0);
}

/* assoc_load_next (a to-one _load_each's): each row lent with its parent,
 * base + the place in column pcol;
 * ASSOC_OK at the end; a place that is no parent's is an error. */
static void test_load_next(void **state)
{
    assoc_db *db = *state;
    static const assoc_sql rows = { "SELECT id, name, score, born, photo, id - 1 FROM people ORDER BY id", NULL };
    static const assoc_sql bad = { "SELECT id, name, score, born, photo, -1 FROM people", NULL };
    assoc_stmt *st = NULL;
    person p;
    size_t parent = 0, n = 0;
    int rc;

    make_people(db);
    assert_int_equal(assoc_stmt_acquire(db, &rows, &st), ASSOC_OK);
    while ((rc = assoc_load_next(db, st, &person_type, 5, 10, &p, &parent)) == ASSOC_ROW) {
        assert_int_equal(parent, 10 + n);
        assert_int_equal(p.id, (int64_t)n + 1);
        n++;
    }
    assert_int_equal(rc, ASSOC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(person_live, 0); /* lent, not copied */
    assoc_stmt_release(db, st);
    assert_int_equal(assoc_stmt_acquire(db, &bad, &st), ASSOC_OK);
    assert_int_equal(assoc_load_next(db, st, &person_type, 5, 0, &p, &parent), ASSOC_ERROR);
    assoc_stmt_release(db, st);
}

/* assoc_rows_collect: every row read into a list the caller owns. */
static void test_rows_collect(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    void *items = &items;
    size_t len = 99;

    make_people(db);
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_collect(db, st, &person_type, &items, &len), ASSOC_OK);
    assoc_stmt_release(db, st);
    check_people(items, len);
    assert_int_equal(person_live, 5); /* copies: three names, two blobs */
    assoc_rows_free(&person_type, items, len);
    assert_int_equal(person_live, 0);

    /* No rows: an empty list, nothing allocated. */
    items = &items;
    len = 99;
    assert_int_equal(assoc_stmt_acquire(db, &people_none, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_collect(db, st, &person_type, &items, &len), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_null(items);
    assert_int_equal(len, 0);
    assoc_rows_free(&person_type, NULL, 0); /* accepted */
    assoc_rows_free(NULL, NULL, 0);

    /* Enough rows to grow the list a few times, in order. */
    exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 209) "
                "INSERT INTO people(id, name) SELECT i, printf('n%d', i) FROM n");
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_collect(db, st, &person_type, &items, &len), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_int_equal(len, 203);
    check_people(items, 3);
    const person *p = items;
    for (size_t i = 3; i < len; i++) {
        char want[32];
        snprintf(want, sizeof want, "n%zu", i + 7);
        assert_true(p[i].id == (int64_t)i + 7);
        assert_string_equal(p[i].name, want);
    }
    assoc_rows_free(&person_type, items, len);
    assert_int_equal(person_live, 0);

    /* Arguments: the outputs are emptied first. */
    items = &items;
    len = 99;
    assert_int_equal(assoc_rows_collect(db, NULL, &person_type, &items, &len), ASSOC_MISUSE);
    assert_null(items);
    assert_int_equal(len, 0);
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_collect(db, st, NULL, &items, &len), ASSOC_MISUSE);
    assert_int_equal(assoc_rows_collect(db, st, &person_type, NULL, &len), ASSOC_MISUSE);
    assert_int_equal(assoc_rows_collect(db, st, &person_type, &items, NULL), ASSOC_MISUSE);
    assoc_stmt_release(db, st);
}

/* The people by the ids of a VALUES list, in its order, repeats and all:
 * what a join through an association table gives. */
static const assoc_sql people_linked = {
    "SELECT p.id, p.name, p.score, p.born, p.photo FROM (VALUES (3), (1), (3), (2), (1), (1)) v "
    "CROSS JOIN people p ON p.id = v.column1", NULL };
static const assoc_sql people_linked_ordered = {
    "SELECT p.id, p.name, p.score, p.born, p.photo FROM (VALUES (3), (1), (3), (2), (1), (1)) v "
    "JOIN people p ON p.id = v.column1 ORDER BY p.name DESC", NULL };
/* 60 rows: ids 1..3 over and over, out of order (the merge sort's path). */
static const assoc_sql people_many = {
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) "
    "SELECT p.id, p.name, p.score, p.born, p.photo FROM n CROSS JOIN people p ON p.id = (n.i * 7) % 3 + 1", NULL };

/* assoc_rows_unique: the rows in key order, each once, the caller's; the
 * repeats released. */
static void test_rows_unique(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    void *items = NULL;
    size_t len = 0;

    make_people(db);
    assert_int_equal(assoc_stmt_acquire(db, &people_linked, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_unique(db, st, &person_type, false, &items, &len), ASSOC_OK);
    assoc_stmt_release(db, st);
    check_people(items, len);
    assert_int_equal(person_live, 5); /* the repeats' copies are gone */
    assoc_rows_free(&person_type, items, len);
    assert_int_equal(person_live, 0);

    assert_int_equal(assoc_stmt_acquire(db, &people_many, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_unique(db, st, &person_type, false, &items, &len), ASSOC_OK);
    assoc_stmt_release(db, st);
    check_people(items, len);
    assert_int_equal(person_live, 5);
    assoc_rows_free(&person_type, items, len);
    assert_int_equal(person_live, 0);

    /* Ordered by the statement (names descending): kept in that order. */
    assert_int_equal(assoc_stmt_acquire(db, &people_linked_ordered, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_unique(db, st, &person_type, true, &items, &len), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_int_equal(len, 3);
    const person *p = items;
    assert_string_equal(p[0].name, "cy");
    assert_string_equal(p[1].name, "bob");
    assert_string_equal(p[2].name, "ada");
    assoc_rows_free(&person_type, items, len);
    assert_int_equal(person_live, 0);

    /* None, and arguments. */
    assert_int_equal(assoc_stmt_acquire(db, &people_none, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_unique(db, st, &person_type, false, &items, &len), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_null(items);
    assert_int_equal(len, 0);
    assert_int_equal(assoc_rows_unique(db, NULL, &person_type, false, &items, &len), ASSOC_MISUSE);
}

/* assoc_rows_keep: lent records, their strings and blobs copied, valid
 * after the statement is released and while another collection is kept
 * (an _each callback walking one); nothing allocated per row once warm. */
static void test_rows_keep(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    assoc_kept a = ASSOC_KEPT_INIT, b = ASSOC_KEPT_INIT;
    person got[3];

    make_people(db);
    assert_int_equal(assoc_stmt_acquire(db, &people_linked, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_keep(db, st, &person_type, false, &a), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_int_equal(person_live, 0); /* nothing of the caller's to free */
    assert_int_equal(a.n, 3);
    for (size_t i = 0; i < 3; i++)
        memcpy(&got[i], a.rows[i], sizeof got[i]);
    check_people(got, 3);

    /* A second collection while the first is held: both stay valid. */
    assert_int_equal(assoc_stmt_acquire(db, &people_many, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_keep(db, st, &person_type, false, &b), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_int_equal(b.n, 3);
    for (size_t i = 0; i < 3; i++)
        memcpy(&got[i], b.rows[i], sizeof got[i]);
    check_people(got, 3);
    assoc_kept_free(db, &b);
    for (size_t i = 0; i < 3; i++)
        memcpy(&got[i], a.rows[i], sizeof got[i]);
    check_people(got, 3);
    assoc_kept_free(db, &a);
    assert_null(a.rows);
    assert_int_equal(a.n, 0);
    assoc_kept_free(db, &a); /* twice: accepted */
    assoc_kept_free(NULL, NULL);

    /* Ordered by the statement: repeats dropped, the order kept. */
    assert_int_equal(assoc_stmt_acquire(db, &people_linked_ordered, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_keep(db, st, &person_type, true, &a), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_int_equal(a.n, 3);
    assert_string_equal(((const person *)a.rows[0])->name, "cy");
    assert_string_equal(((const person *)a.rows[2])->name, "ada");
    assoc_kept_free(db, &a);

    /* A failing row: the error, an empty result. */
    exec_ok(db, "UPDATE people SET born = 'not a time' WHERE id = 2");
    assert_int_equal(assoc_stmt_acquire(db, &people_linked, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_keep(db, st, &person_type, false, &a), ASSOC_ERROR);
    assoc_stmt_release(db, st);
    assert_null(a.rows);
    assert_int_equal(a.n, 0);
    assert_int_equal(assoc_rows_keep(db, NULL, &person_type, false, &a), ASSOC_MISUSE);
}

/* assoc_row_fetch: the first row, or ASSOC_NOTFOUND naming the model. */
static void test_row_fetch(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    person rec, zero;

    make_people(db);
    memset(&zero, 0, sizeof zero);
    assert_int_equal(assoc_stmt_acquire(db, &people_one, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_int64(db, st, 1, 3), ASSOC_OK);
    assert_int_equal(assoc_row_fetch(db, st, &person_type, &rec), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_true(rec.id == 3);
    assert_string_equal(rec.name, "cy");
    assert_true(rec.has_score && rec.score == 3.0);
    assert_int_equal(person_live, 2);
    person_release(&rec);
    assert_int_equal(person_live, 0);

    /* None: NOTFOUND, "no such Person", the record zeroed. */
    memset(&rec, 0x5a, sizeof rec);
    assert_int_equal(assoc_stmt_acquire(db, &people_one, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_int64(db, st, 1, 42), ASSOC_OK);
    assert_int_equal(assoc_row_fetch(db, st, &person_type, &rec), ASSOC_NOTFOUND);
    assoc_stmt_release(db, st);
    assert_string_equal(assoc_errmsg(db), "no such Person");
    assert_memory_equal(&rec, &zero, sizeof rec);

    /* The first of several rows; the statement is released unfinished. */
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_row_fetch(db, st, &person_type, &rec), ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_true(rec.id == 1);
    assert_string_equal(rec.name, "ada");
    person_release(&rec);
    assert_int_equal(busy_count(db), 0);

    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_row_fetch(db, st, NULL, &rec), ASSOC_MISUSE);
    assert_int_equal(assoc_row_fetch(db, st, &person_type, NULL), ASSOC_MISUSE);
    assoc_stmt_release(db, st);
    assert_int_equal(assoc_row_fetch(db, NULL, &person_type, &rec), ASSOC_MISUSE);
}

/* assoc_row_next: each row lent through view, borrowing SQLite's copies,
 * then ASSOC_OK at the end; a caller may stop early. */
static void test_row_next(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    person row, rows[3];
    int rc, n = 0;

    make_people(db);
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    while ((rc = assoc_row_next(db, st, &person_type, &row)) == ASSOC_ROW) {
        sqlite3_stmt *raw = raw_busy(db, &people_all);
        assert_true(n < 3);
        assert_ptr_equal(row.name, sqlite3_column_text(raw, 1)); /* borrowed */
        if (row.photo.len > 0)
            assert_ptr_equal(row.photo.data, sqlite3_column_blob(raw, 4));
        rows[n] = row;
        rows[n].name = NULL; /* gone at the next step */
        rows[n].photo.data = row.photo.data ? (unsigned char *)"" : NULL;
        n++;
    }
    assert_int_equal(rc, ASSOC_OK);
    assoc_stmt_release(db, st);
    assert_int_equal(n, 3);
    assert_true(rows[0].id == 1 && rows[1].id == 2 && rows[2].id == 3);
    assert_true(rows[0].has_born && !rows[1].has_born && rows[2].born == -1);
    assert_null(rows[1].photo.data);
    assert_non_null(rows[2].photo.data); /* an empty blob lent as non-NULL */
    assert_int_equal(person_live, 0);    /* nothing copied */

    /* Stopping after the first row. */
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_row_next(db, st, &person_type, &row), ASSOC_ROW);
    assert_string_equal(row.name, "ada");
    assoc_stmt_release(db, st);
    assert_int_equal(busy_count(db), 0);

    /* No rows at all. */
    assert_int_equal(assoc_stmt_acquire(db, &people_none, &st), ASSOC_OK);
    assert_int_equal(assoc_row_next(db, st, &person_type, &row), ASSOC_OK);
    assert_int_equal(assoc_row_next(db, st, NULL, &row), ASSOC_MISUSE);
    assert_int_equal(assoc_row_next(db, st, &person_type, NULL), ASSOC_MISUSE);
    assoc_stmt_release(db, st);
}

/* A reader that fails in the middle of a row: what it read of that row is
 * released, and so are the rows before it; the message names the table,
 * the column and the row (by its key), then the reader's own cause. */
static void test_row_read_failure(void **state)
{
    assoc_db *db = *state;
    assoc_stmt *st = NULL;
    void *items = &items;
    size_t len = 99;
    person rec, zero;
    int rc;

    make_people(db);
    memset(&zero, 0, sizeof zero);
    /* Row 4's name and score read fine, then its born is no datetime. */
    exec_ok(db, "INSERT INTO people VALUES (4, 'dee', 2.5, 'yesterday', X'05')");

    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_collect(db, st, &person_type, &items, &len), ASSOC_ERROR);
    assoc_stmt_release(db, st);
    assert_null(items);
    assert_int_equal(len, 0);
    assert_int_equal(person_live, 0);
    assert_failed(db, ASSOC_ERROR, ASSOC_ERROR, "people.born", "id = \"4\"");
    assert_non_null(strstr(assoc_errmsg(db), "\"yesterday\" is not a datetime"));

    memset(&rec, 0x5a, sizeof rec);
    assert_int_equal(assoc_stmt_acquire(db, &people_one, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_int64(db, st, 1, 4), ASSOC_OK);
    assert_int_equal(assoc_row_fetch(db, st, &person_type, &rec), ASSOC_ERROR);
    assoc_stmt_release(db, st);
    assert_int_equal(person_live, 0);
    assert_memory_equal(&rec, &zero, sizeof rec); /* released: safe to release again */
    person_release(&rec);
    assert_failed(db, ASSOC_ERROR, ASSOC_ERROR, "people.born", "id = \"4\"");

    int n = 0;
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    while ((rc = assoc_row_next(db, st, &person_type, &rec)) == ASSOC_ROW)
        n++;
    assoc_stmt_release(db, st);
    assert_int_equal(n, 3);
    assert_int_equal(rc, ASSOC_ERROR);
    assert_memory_equal(&rec, &zero, sizeof rec);
    assert_failed(db, ASSOC_ERROR, ASSOC_ERROR, "people.born", "id = \"4\"");

    /* Another column, another cause: text in the real column score. */
    exec_ok(db, "UPDATE people SET born = NULL WHERE id = 4");
    exec_ok(db, "INSERT INTO people VALUES (5, 'eve', 'abc', NULL, NULL)");
    assert_int_equal(assoc_stmt_acquire(db, &people_all, &st), ASSOC_OK);
    assert_int_equal(assoc_rows_collect(db, st, &person_type, &items, &len), ASSOC_ERROR);
    assoc_stmt_release(db, st);
    assert_int_equal(person_live, 0);
    assert_failed(db, ASSOC_ERROR, ASSOC_ERROR, "people.score", "id = \"5\"");
    assert_non_null(strstr(assoc_errmsg(db), "\"abc\" is not a number"));

    /* assoc_read_failed itself: the code unchanged, the cause kept. */
    assert_int_equal(assoc_stmt_acquire(db, &people_one, &st), ASSOC_OK);
    assert_int_equal(assoc_bind_int64(db, st, 1, 2), ASSOC_OK);
    assert_int_equal(assoc_step(db, st), ASSOC_ROW);
    assoc_fail(db, ASSOC_NOMEM, "the cause");
    assert_int_equal(assoc_read_failed(db, st, &person_type, 0, 1, ASSOC_NOMEM), ASSOC_NOMEM);
    assert_failed(db, ASSOC_NOMEM, ASSOC_NOMEM, "people.name", "id = \"2\"");
    assert_non_null(strstr(assoc_errmsg(db), "the cause"));
    assert_int_equal(assoc_read_failed(NULL, st, &person_type, 0, 1, ASSOC_ERROR), ASSOC_ERROR);
    assert_int_equal(assoc_read_failed(db, st, NULL, 0, 1, ASSOC_BUSY), ASSOC_BUSY);
    assoc_stmt_release(db, st);
}

/* ---------------------------------------------------------------------
 * The cascade engine, on a hand-made assoc_cascade
 *
 * nodes(id, parent_id -> nodes.id): deleting a node deletes its subtree
 * (an ORM cascade; the foreign key itself has no ON DELETE, so children
 * must go first); tags(node_id -> nodes.id) of deleted nodes are set to
 * NULL.  The key table cascade_nodes holds the set: round (when the
 * expansion reached the row), cand (the round in which it is a candidate
 * for marking: its children went in the round before) and mark (the round
 * in which it is deleted).  The SQL follows the contract in assoc.h.
 * ------------------------------------------------------------------- */

static const assoc_sql node_setup = { "CREATE TEMP TABLE IF NOT EXISTS cascade_nodes(\n"
                                      "    id INTEGER PRIMARY KEY, round INTEGER NOT NULL, cand INTEGER, mark INTEGER);\n"
                                      "DELETE FROM cascade_nodes;",
                                      NULL };
static const assoc_sql node_seed = { "INSERT INTO cascade_nodes(id, round) VALUES ($1, 0)", NULL };
static const assoc_sql node_expand = { "INSERT OR IGNORE INTO cascade_nodes(id, round)\n"
                                       "SELECT n.id, $1 + 1 FROM nodes n JOIN cascade_nodes k ON n.parent_id = k.id\n"
                                       "WHERE k.round = $1",
                                       NULL };
static const assoc_sql node_before = { "UPDATE tags SET node_id = NULL WHERE node_id IN (SELECT id FROM cascade_nodes)",
                                       NULL };
static const assoc_sql node_mark = { "UPDATE cascade_nodes SET mark = $1\n"
                                     "WHERE mark IS NULL AND ($1 = 0 OR cand = $1)\n"
                                     "AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.parent_id = cascade_nodes.id)",
                                     NULL };
static const assoc_sql node_next = { "UPDATE cascade_nodes SET cand = $1\n"
                                     "WHERE mark IS NULL AND id IN (SELECT n.parent_id FROM nodes n\n"
                                     "JOIN cascade_nodes k ON k.id = n.id WHERE k.mark = $1 - 1)",
                                     NULL };
static const assoc_sql node_remove = { "DELETE FROM nodes WHERE id IN (SELECT id FROM cascade_nodes WHERE mark = $1)",
                                       NULL };
static const assoc_sql node_left = { "SELECT count(*) FROM nodes WHERE id IN (SELECT id FROM cascade_nodes)", NULL };
static const assoc_sql node_count = { "SELECT count(*) FROM cascade_nodes", NULL };
static const assoc_sql *const node_expands[] = { &node_expand };
static const assoc_sql *const node_befores[] = { &node_before };
static const assoc_sql *const node_marks[] = { &node_mark };
static const assoc_sql *const node_nexts[] = { &node_next };
static const assoc_sql *const node_removes[] = { &node_remove };
static const assoc_cascade node_cascade = { &node_setup,   node_expands, 1, node_befores, 1,          node_marks,
                                            1,             node_nexts,   1, node_removes, 1,          &node_left,
                                            &node_count,   "nodes" };

/* Delete the nodes ids[0..n) and their subtrees, as a generated delete
 * would: one writing section around setup, the seeds, and the run. */
static int delete_nodes(assoc_db *db, const int64_t *ids, size_t n, int64_t *seeds)
{
    int rc = assoc_tx_enter(db, true);
    if (rc != ASSOC_OK)
        return rc;
    rc = assoc_cascade_setup(db, &node_cascade);
    for (size_t i = 0; rc == ASSOC_OK && i < n; i++) {
        assoc_stmt *st = NULL;
        rc = assoc_stmt_acquire(db, &node_seed, &st);
        if (rc == ASSOC_OK)
            rc = assoc_bind_int64(db, st, 1, ids[i]);
        if (rc == ASSOC_OK)
            rc = assoc_step(db, st);
        assoc_stmt_release(db, st);
    }
    if (rc == ASSOC_OK)
        rc = assoc_cascade_run(db, &node_cascade, seeds);
    return assoc_tx_leave(db, rc);
}

/* The ids deleted since the last call, in the order of their deletes. */
static size_t deleted_since(assoc_db *db, int64_t *seq, int64_t *ids, size_t max)
{
    sqlite3_stmt *q = NULL;
    size_t n = 0;
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db), "SELECT seq, id FROM deleted WHERE seq > ?1 ORDER BY seq",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(q, 1, *seq);
    while (sqlite3_step(q) == SQLITE_ROW) {
        assert_true(n < max);
        *seq = sqlite3_column_int64(q, 0);
        ids[n++] = sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
    return n;
}

static size_t position(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return i;
    fail_msg("node %lld was not deleted", (long long)id);
    return n;
}

/* The whole of nodes and tags, as text. */
static const char *dump_nodes(assoc_db *db, char *buf, size_t size)
{
    return query_text(db,
                      "SELECT ifnull((SELECT group_concat(id || ':' || ifnull(parent_id, '-'), ',') FROM "
                      "(SELECT * FROM nodes ORDER BY id)), '') || ' / ' || ifnull((SELECT group_concat(id || ':' || "
                      "ifnull(node_id, '-'), ',') FROM (SELECT * FROM tags ORDER BY id)), '')",
                      buf, size);
}

static void test_cascade(void **state)
{
    assoc_db *db = *state;
    int64_t seq = 0, seeds = -1, ids[16];
    size_t n;
    char before[256], after[256];

    exec_ok(db, "CREATE TABLE nodes(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id));\n"
                "CREATE TABLE tags(id INTEGER PRIMARY KEY, node_id INTEGER REFERENCES nodes(id));\n"
                "CREATE TABLE deleted(seq INTEGER PRIMARY KEY, id INTEGER);\n"
                "CREATE TRIGGER nodes_deleted AFTER DELETE ON nodes BEGIN\n"
                "    INSERT INTO deleted(id) VALUES (old.id);\n"
                "END;");

    /* A chain 1 <- 2 <- 3 <- 4 <- 5, and a tree 10 <- 11 beside it.
     * Deleting 2 deletes 5, 4, 3, 2 in that order, leaves first. */
    exec_ok(db, "INSERT INTO nodes VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, 4), (10, NULL), (11, 10);\n"
                "INSERT INTO tags VALUES (1, 3), (2, 11), (3, 1);");
    const int64_t two = 2;
    assert_int_equal(delete_nodes(db, &two, 1, &seeds), ASSOC_OK);
    assert_true(seeds == 4);
    n = deleted_since(db, &seq, ids, 16);
    assert_int_equal(n, 4);
    assert_true(ids[0] == 5 && ids[1] == 4 && ids[2] == 3 && ids[3] == 2);
    assert_string_equal(dump_nodes(db, after, sizeof after), "1:-,10:-,11:10 / 1:-,2:11,3:1");
    assert_false(in_transaction(db));

    /* A tree with branches: every node goes after all of its children. */
    exec_ok(db, "INSERT INTO nodes VALUES (20, NULL), (21, 20), (22, 20), (23, 21), (24, 23), (25, 22), (26, 21)");
    const int64_t twenty = 20;
    assert_int_equal(delete_nodes(db, &twenty, 1, &seeds), ASSOC_OK);
    assert_true(seeds == 7);
    n = deleted_since(db, &seq, ids, 16);
    assert_int_equal(n, 7);
    static const int64_t parent_child[][2] = { { 20, 21 }, { 20, 22 }, { 21, 23 }, { 21, 26 }, { 23, 24 }, { 22, 25 } };
    for (size_t i = 0; i < sizeof parent_child / sizeof *parent_child; i++)
        assert_true(position(ids, n, parent_child[i][0]) > position(ids, n, parent_child[i][1]));

    /* Two seeds, one of them reached from the other too; no count asked. */
    exec_ok(db, "UPDATE nodes SET parent_id = 1 WHERE id = 10");
    const int64_t both[] = { 1, 10 };
    assert_int_equal(delete_nodes(db, both, 2, NULL), ASSOC_OK);
    n = deleted_since(db, &seq, ids, 16);
    assert_int_equal(n, 3);
    assert_true(position(ids, n, 11) < position(ids, n, 10) && position(ids, n, 10) < position(ids, n, 1));
    assert_int_equal(query_i64(db, "SELECT count(*) FROM nodes"), 0);
    assert_string_equal(dump_nodes(db, after, sizeof after), " / 1:-,2:-,3:-");
    assert_int_equal(query_i64(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

    /* A cycle: 30 and 31 are each other's parent, 32 hangs from 31.  No
     * order of deletes removes 30 and 31: ASSOC_CONSTRAINT, and the
     * caller's section undoes the lot -- 32's delete, the tag set to NULL. */
    exec_ok(db, "INSERT INTO nodes VALUES (30, NULL), (31, 30), (32, 31);\n"
                "UPDATE nodes SET parent_id = 31 WHERE id = 30;\n"
                "INSERT INTO tags VALUES (4, 30), (5, 32);");
    dump_nodes(db, before, sizeof before);
    const int64_t thirty = 30;
    seeds = -1;
    int rc = delete_nodes(db, &thirty, 1, &seeds);
    assert_failed(db, rc, ASSOC_CONSTRAINT, "cycle", "nodes");
    assert_false(in_transaction(db));
    assert_string_equal(dump_nodes(db, after, sizeof after), before);
    assert_int_equal(deleted_since(db, &seq, ids, 16), 0);

    /* Broken the cycle, the same delete goes through. */
    exec_ok(db, "UPDATE nodes SET parent_id = NULL WHERE id = 30");
    assert_int_equal(delete_nodes(db, &thirty, 1, &seeds), ASSOC_OK);
    assert_true(seeds == 3);
    n = deleted_since(db, &seq, ids, 16);
    assert_true(n == 3 && ids[0] == 32 && ids[1] == 31 && ids[2] == 30);

    /* Arguments. */
    assoc_cascade partial = node_cascade;
    partial.left = NULL;
    assert_int_equal(assoc_cascade_run(db, &partial, NULL), ASSOC_MISUSE);
    partial = node_cascade;
    partial.count = NULL;
    assert_int_equal(assoc_cascade_run(db, &partial, NULL), ASSOC_MISUSE);
    partial = node_cascade;
    partial.setup = NULL;
    assert_int_equal(assoc_cascade_setup(db, &partial), ASSOC_MISUSE);
    assert_int_equal(assoc_cascade_setup(db, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_cascade_run(db, NULL, NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_cascade_setup(NULL, &node_cascade), ASSOC_MISUSE);
    assert_int_equal(assoc_cascade_run(NULL, &node_cascade, NULL), ASSOC_MISUSE);
}

/* ---------------------------------------------------------------------
 * Allocation failure
 *
 * SQLite's allocator is replaced by one that fails the n-th request, and a
 * whole session -- open, an atomic section, the cache, reading back, close
 * -- is run for n = 1, 2, ... until it gets through.  Every step must
 * either succeed or fail with a proper code, never crash or leak (ASan and
 * LeakSanitizer watch), and the library's own allocations must go through
 * the same allocator.
 * ------------------------------------------------------------------- */

typedef struct faulty {
    sqlite3_mem_methods real;
    long countdown; /* fail when it reaches 0; negative: never */
    long requests;
} faulty;

static faulty fault; /* test-only: the allocator hooks have no context pointer */

static void *faulty_malloc(int n)
{
    fault.requests++;
    if (fault.countdown >= 0 && fault.countdown-- == 0)
        return NULL;
    return fault.real.xMalloc(n);
}

static void *faulty_realloc(void *p, int n)
{
    fault.requests++;
    if (fault.countdown >= 0 && fault.countdown-- == 0)
        return NULL;
    return fault.real.xRealloc(p, n);
}

static void faulty_free(void *p) { fault.real.xFree(p); }
static int faulty_size(void *p) { return fault.real.xSize(p); }
static int faulty_roundup(int n) { return fault.real.xRoundup(n); }
static int faulty_init(void *p) { return fault.real.xInit(p); }
static void faulty_shutdown(void *p) { fault.real.xShutdown(p); }

static bool valid_code(int rc)
{
    return rc >= ASSOC_OK && rc <= ASSOC_ERROR;
}

/* The session's rows, for assoc_rows_collect: t(v, b, d). */
typedef struct srow {
    char *v;
    assoc_blob b;
    assoc_time d;
    bool has_d;
} srow;

static const char *const srow_columns[] = { "v", "b", "d" };
static const assoc_rowtype srow_type;

static int srow_read(assoc_db *db, assoc_stmt *st, int at, void *rec)
{
    srow *r = rec;
    int rc = assoc_column_text(db, st, at + 0, &r->v);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &srow_type, at, 0, rc);
    rc = assoc_column_blob(db, st, at + 1, &r->b);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &srow_type, at, 1, rc);
    rc = assoc_column_time(db, st, at + 2, &r->d, &r->has_d);
    if (rc != ASSOC_OK)
        return assoc_read_failed(db, st, &srow_type, at, 2, rc);
    return ASSOC_OK;
}

static int srow_view(assoc_db *db, assoc_stmt *st, int at, void *rec)
{
    srow *r = rec;
    int rc = assoc_column_text_ref(db, st, at + 0, &r->v);
    if (rc == ASSOC_OK)
        rc = assoc_column_blob_ref(db, st, at + 1, &r->b);
    if (rc == ASSOC_OK)
        rc = assoc_column_time(db, st, at + 2, &r->d, &r->has_d);
    return rc;
}

static void srow_release(void *rec)
{
    srow *r = rec;
    assoc_free(r->v);
    assoc_free(r->b.data);
    memset(r, 0, sizeof *r);
}

static const assoc_rowtype srow_type = { "Row", "t", srow_columns, 0, sizeof(srow), srow_read, srow_view,
                                         srow_release, NULL, NULL, 0, NULL, 0, false, 0, NULL };

/* One session; returns its first failure code. */
static int session(void)
{
    static const assoc_sql ddl = { "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB, d TEXT)", NULL };
    static const assoc_sql ins = { "INSERT INTO t(v, b, d) VALUES ($1, $2, $3)", NULL };
    static const assoc_sql sel = { "SELECT v, b, d FROM t ORDER BY id", NULL };
    assoc_db *db = NULL;
    assoc_stmt *st = NULL;
    unsigned char raw[3] = {1, 0, 2};
    assoc_blob blob = {raw, sizeof raw};
    int rc = assoc_open(":memory:", &db);

    if (rc != ASSOC_OK) {
        assert_null(db);
        return rc;
    }
    rc = assoc_tx_enter(db, true);
    if (rc != ASSOC_OK)
        goto out;
    rc = assoc_exec(db, &ddl);
    for (int i = 0; rc == ASSOC_OK && i < 3; i++) {
        int64_t rowid = 0;
        rc = assoc_stmt_acquire(db, &ins, &st);
        if (rc != ASSOC_OK)
            break;
        rc = assoc_bind_text(db, st, 1, "some text");
        if (rc == ASSOC_OK)
            rc = assoc_bind_blob(db, st, 2, &blob);
        if (rc == ASSOC_OK)
            rc = assoc_bind_time(db, st, 3, assoc_now(), true);
        if (rc == ASSOC_OK)
            rc = assoc_insert_step(db, st, &rowid);
        if (rc == ASSOC_OK)
            assert_true(rowid == i + 1);
        assoc_stmt_release(db, st);
    }
    rc = assoc_tx_leave(db, rc);
    if (rc != ASSOC_OK)
        goto out;

    rc = assoc_stmt_acquire(db, &sel, &st);
    if (rc != ASSOC_OK)
        goto out;
    int step = ASSOC_OK;
    while (rc == ASSOC_OK && (step = assoc_step(db, st)) == ASSOC_ROW) {
        char *v = NULL;
        assoc_blob b = {NULL, 0};
        assoc_time d = 0;
        bool has = false;
        void *list = NULL;
        size_t cap = 0;

        rc = assoc_column_text(db, st, 0, &v);
        if (rc == ASSOC_OK)
            rc = assoc_column_blob(db, st, 1, &b);
        if (rc == ASSOC_OK)
            rc = assoc_column_time(db, st, 2, &d, &has);
        if (rc == ASSOC_OK)
            rc = assoc_list_reserve(db, &list, &cap, 0, 64);
        if (rc == ASSOC_OK) {
            assert_string_equal(v, "some text");
            assert_int_equal(b.len, 3);
            assert_true(has);
        }
        assoc_free(v);
        assoc_free(b.data);
        assoc_free(list);
    }
    if (rc == ASSOC_OK)
        rc = step;
    assoc_stmt_release(db, st);
    if (rc != ASSOC_OK)
        goto out;

    /* The same rows as a list, then the first one alone. */
    void *items = NULL;
    size_t len = 0;
    rc = assoc_stmt_acquire(db, &sel, &st);
    if (rc == ASSOC_OK) {
        rc = assoc_rows_collect(db, st, &srow_type, &items, &len);
        assoc_stmt_release(db, st);
    }
    if (rc == ASSOC_OK) {
        assert_int_equal(len, 3);
        assert_string_equal(((srow *)items)[2].v, "some text");
        assert_true(((srow *)items)[2].has_d);
    } else {
        assert_null(items);
        assert_int_equal(len, 0);
    }
    assoc_rows_free(&srow_type, items, len);
    if (rc != ASSOC_OK)
        goto out;
    srow first;
    rc = assoc_stmt_acquire(db, &sel, &st);
    if (rc == ASSOC_OK) {
        rc = assoc_row_fetch(db, st, &srow_type, &first);
        assoc_stmt_release(db, st);
        if (rc == ASSOC_OK)
            assert_int_equal(first.b.len, 3);
        srow_release(&first);
    }
out:
    assert_true(valid_code(rc));
    assert_non_null(assoc_errmsg(db));
    assoc_close(db);
    return rc;
}

static void test_out_of_memory(void **state)
{
    (void)state;
    sqlite3_mem_methods m;

    assert_int_equal(sqlite3_shutdown(), SQLITE_OK);
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &fault.real), SQLITE_OK);
    m = fault.real;
    m.xMalloc = faulty_malloc;
    m.xRealloc = faulty_realloc;
    m.xFree = faulty_free;
    m.xSize = faulty_size;
    m.xRoundup = faulty_roundup;
    m.xInit = faulty_init;
    m.xShutdown = faulty_shutdown;
    fault.countdown = -1;
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
    assert_int_equal(sqlite3_initialize(), SQLITE_OK);

    /* The library allocates through SQLite. */
    fault.countdown = -1;
    fault.requests = 0;
    void *p = assoc_malloc(10);
    assert_non_null(p);
    assoc_free(p);
    assert_true(fault.requests == 1);
    fault.countdown = 0;
    assert_null(assoc_malloc(10));

    int nomem = 0, done = 0;
    long n;
    for (n = 0; n < 5000 && !done; n++) {
        fault.countdown = n;
        int rc = session();
        if (fault.countdown >= 0) /* the failure was never injected */
            done = 1;
        else if (rc == ASSOC_NOMEM)
            nomem++;
        if (done)
            assert_int_equal(rc, ASSOC_OK);
    }
    fault.countdown = -1;
    assert_true(done);
    assert_true(nomem > 0);

    assert_int_equal(sqlite3_shutdown(), SQLITE_OK);
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &fault.real), SQLITE_OK);
    assert_int_equal(sqlite3_initialize(), SQLITE_OK);
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
#define TM(f) cmocka_unit_test_setup_teardown(f, setup_mem, teardown_db)
    const struct CMUnitTest tests[] = {
        T(test_open_memory),
        T(test_open_misuse),
        T(test_open_file),
        T(test_open_named_vfs),
        T(test_shared_cache_and_one_vfs),
        T(test_subjournal_spill),
        T(test_close_with_open_statement),
        TM(test_foreign_keys_enforced),
        T(test_null_db),
        TM(test_null_arguments),
        TM(test_error_mapping),
        TM(test_fail_message),
        T(test_busy),
        T(test_commit_busy),
        TM(test_nested_transactions),
        TM(test_begin_inside_raw_transaction),
        TM(test_transaction_ended_outside),
        TM(test_tx_outside_transaction),
        TM(test_tx_inside_transaction),
        TM(test_tx_during_pending_read),
        TM(test_stmt_cache),
        TM(test_stmt_cache_growth),
        T(test_time_format),
        T(test_time_against_gmtime),
        T(test_time_parse),
        T(test_now),
        TM(test_time_parse_reference),
        TM(test_current_timestamp),
        TM(test_column_time),
        TM(test_bind_time),
        TM(test_bind_time_buf),
        TM(test_text),
        TM(test_blob),
        TM(test_dup),
        T(test_memory),
        TM(test_list_reserve),
        TM(test_codes),
        TM(test_exec),
        TM(test_changes),
        TM(test_insert_step),
        TM(test_number_readers_refuse),
        TM(test_bind_time_short),
        T(test_open_with),
        T(test_open_with_unknown_words),
        T(test_open_with_huge_cache),
        T(test_tx_enter_write),
        TM(test_load_next),
        TM(test_rows_collect),
        TM(test_rows_unique),
        TM(test_rows_keep),
        TM(test_row_fetch),
        TM(test_row_next),
        TM(test_row_read_failure),
        TM(test_cascade),
        T(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
