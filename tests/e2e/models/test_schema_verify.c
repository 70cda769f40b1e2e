/* test_schema_verify.c - models_verify and the stricter models_create_all (SPEC 7)
 * on the seed's generated code.
 *
 * A database made by create_all verifies; so does one SQLAlchemy 1.4 made
 * from the article's models (tests/interop/sqla_write.py: its own DDL, with
 * data), and create_all on it adds the indexes SQLAlchemy does not make and
 * changes no row.  Tables made by hand that differ in one way each give
 * ASSOC_SCHEMA with a message naming the table, the column, what the
 * database has, what the schema wants and the command that migrates;
 * create_all on them changes nothing.  Extra tables, columns, indexes and
 * CHECKs verify.
 *
 * Needs /usr/bin/python3 with SQLAlchemy 1.4 for the SQLAlchemy case.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "models.h"

#define PYTHON "/usr/bin/python3"
#define INTEROP_DIR SRCDIR "/tests/interop"

typedef struct fixture {
    char path[256];
    assoc_db *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/verify-XXXXXX", BUILDDIR);
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(f->path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char side[300];
    assoc_close(f->db);
    unlink(f->path);
    snprintf(side, sizeof side, "%s-wal", f->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", f->path);
    unlink(side);
    free(f);
    return 0;
}

static assoc_db *open_db(fixture *f)
{
    int rc = assoc_open(f->path, &f->db);
    if (rc != ASSOC_OK)
        fail_msg("assoc_open(%s) returned %d", f->path, rc);
    return f->db;
}

static void exec_sql(assoc_db *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
}

/* The message holds every one of the NULL-terminated words. */
static void msg_has(assoc_db *db, ...)
{
    va_list ap;
    va_start(ap, db);
    const char *msg = assoc_errmsg(db);
    for (const char *w = va_arg(ap, const char *); w; w = va_arg(ap, const char *))
        if (strstr(msg, w) == NULL)
            fail_msg("message lacks \"%s\": %s", w, msg);
    va_end(ap);
}

static int64_t count_objects(assoc_db *db)
{
    return sql_int(db, "SELECT count(*) FROM sqlite_master");
}

/* The seed's tables as create_all makes them, but `users` as given. */
static void seed_tables_with_users(assoc_db *db, const char *users)
{
    exec_sql(db, users);
    exec_sql(db, "CREATE TABLE products (id INTEGER PRIMARY KEY, title VARCHAR(255), create_dttm DATETIME);"
                 "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id),"
                 " product_id INTEGER REFERENCES products (id), dttm DATETIME);");
}

/* ------------------------------------------------------------------ */

static void test_create_all_verifies(void **state)
{
    fixture *f = *state;
    assoc_db *db = open_db(f);
    RC(db, ASSOC_SCHEMA, models_verify(db));
    msg_has(db, "table users", "no such table", NULL);
    OK(db, models_create_all(db));
    OK(db, models_verify(db));
    OK(db, models_create_all(db));          /* again: nothing to do */
    OK(db, models_verify(db));
    RC(db, ASSOC_MISUSE, models_verify(NULL));
}

/* SQLAlchemy's own DDL for the article's models, with its data: it
 * verifies, and create_all adds the two indexes on orders' foreign keys
 * that SQLAlchemy leaves out, touching no row. */
static void test_sqlalchemy_database(void **state)
{
    fixture *f = *state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, PYTHON " -B '%s/sqla_write.py' '%s'", INTEROP_DIR, f->path);
    int status = system(cmd);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("%s failed (status %d): SQLAlchemy 1.4 must be importable by " PYTHON " (make deps)", cmd, status);
    assoc_db *db = open_db(f);
    const char *tables[] = { "users", "products", "orders" };
    uint64_t before = db_fingerprint(db, tables, 3);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'"), 0);
    OK(db, models_verify(db));
    OK(db, models_create_all(db));
    OK(db, models_verify(db));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                                 "('ix_orders_user_id', 'ix_orders_product_id')"), 2);
    assert_true(db_fingerprint(db, tables, 3) == before);
    /* And the data reads through the generated code. */
    User u = USER_INIT;
    OK(db, user_first(db, &u));
    assert_int_equal(u.id, 1);
    user_free(&u);
}

/* Each case: the seed's tables with `users` made differently; verify and
 * create_all refuse it naming the difference, and create_all changes
 * nothing. */
typedef struct mismatch {
    const char *users;
    const char *words[4];
} mismatch;

static const mismatch mismatches[] = {
    { "CREATE TABLE users (id INTEGER PRIMARY KEY, create_dttm DATETIME)",
      { "table users, column email", "no such column", "VARCHAR(255)", NULL } },
    { "CREATE TABLE users (id INTEGER PRIMARY KEY, email INTEGER, create_dttm DATETIME)",
      { "column email", "the database has INTEGER (integer affinity)", "the schema wants VARCHAR(255) (text affinity)", NULL } },
    { "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL, create_dttm DATETIME)",
      { "column email", "the database has NOT NULL", "the schema wants it nullable", NULL } },
    { "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) UNIQUE, create_dttm DATETIME)",
      { "column email", "the database has UNIQUE", "the schema wants it not unique", NULL } },
    { "CREATE TABLE users (id INTEGER, email VARCHAR(255), create_dttm DATETIME, PRIMARY KEY (id, email))",
      { "table users", "primary key is (id, email)", "the schema wants (id)", NULL } },
    { "CREATE TABLE users (id INTEGER, email VARCHAR(255), create_dttm DATETIME)",
      { "table users", "primary key is none", "the schema wants (id)", NULL } },
    { "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) REFERENCES products (title), create_dttm DATETIME)",
      { "column email", "foreign key to products (title)", "the schema wants none", NULL } },
    /* An integer key that is not the row id: inserts could not leave it to SQLite. */
    { "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(255), create_dttm DATETIME)",
      { "table users, column id", "the database has BIGINT, which is not SQLite's row id", "INTEGER PRIMARY KEY", NULL } },
};

static void test_mismatches(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof mismatches / sizeof mismatches[0]; i++) {
        unlink(f->path);
        assoc_close(f->db);
        assoc_db *db = open_db(f);
        seed_tables_with_users(db, mismatches[i].users);
        int64_t objects = count_objects(db);
        RC(db, ASSOC_SCHEMA, models_verify(db));
        for (size_t k = 0; mismatches[i].words[k]; k++)
            msg_has(db, mismatches[i].words[k], NULL);
        msg_has(db, "models.def", "assocgen --migrate-from OLD.def models.def", "models.migrate.sql", NULL);
        RC(db, ASSOC_SCHEMA, models_create_all(db));
        assert_int_equal(count_objects(db), objects);   /* no index made */
    }
}

/* A foreign key to the wrong table, or none, on orders. */
static void test_foreign_keys(void **state)
{
    fixture *f = *state;
    assoc_db *db = open_db(f);
    exec_sql(db, "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255), create_dttm DATETIME);"
                 "CREATE TABLE products (id INTEGER PRIMARY KEY, title VARCHAR(255), create_dttm DATETIME);"
                 "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES products (id),"
                 " product_id INTEGER, dttm DATETIME);");
    RC(db, ASSOC_SCHEMA, models_verify(db));
    msg_has(db, "table orders, column user_id", "foreign key to products (id)", "wants one to users (id)", NULL);
    exec_sql(db, "DROP TABLE orders; CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users,"
                 " product_id INTEGER, dttm DATETIME);");
    RC(db, ASSOC_SCHEMA, models_verify(db));
    msg_has(db, "table orders, column product_id", "no foreign key", "REFERENCES products (id)", NULL);
    /* REFERENCES users without a column names its key: that is users (id). */
    exec_sql(db, "DROP TABLE orders; CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users,"
                 " product_id INTEGER REFERENCES products ON DELETE NO ACTION, dttm DATETIME);");
    OK(db, models_verify(db));
    exec_sql(db, "DROP TABLE orders; CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users,"
                 " product_id INTEGER REFERENCES products ON DELETE CASCADE, dttm DATETIME);");
    RC(db, ASSOC_SCHEMA, models_verify(db));
    msg_has(db, "column product_id", "ON DELETE CASCADE", "the schema wants ON DELETE NO ACTION", NULL);
}

/* What the schema does not declare is allowed: tables, columns, indexes,
 * CHECKs; names in another case; other declared types of the same
 * affinity. */
static void test_extras_allowed(void **state)
{
    fixture *f = *state;
    assoc_db *db = open_db(f);
    exec_sql(db, "CREATE TABLE Users (ID integer NOT NULL, EMAIL TEXT CHECK (email LIKE '%@%'),"
                 " create_dttm TIMESTAMP, nickname TEXT NOT NULL DEFAULT 'x', PRIMARY KEY (ID));"
                 "CREATE INDEX users_nick ON users (nickname);"
                 "CREATE UNIQUE INDEX users_email_lower ON users (lower(email));"
                 "CREATE TABLE products (id INTEGER PRIMARY KEY, title NVARCHAR(20), create_dttm DATETIME);"
                 "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id),"
                 " product_id INTEGER REFERENCES products (id), dttm DATETIME, note TEXT);"
                 "CREATE TABLE audit (x);");
    OK(db, models_verify(db));
    OK(db, models_create_all(db));
    OK(db, models_verify(db));
    /* create_all kept the extras and added what was missing. */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                 "('users_nick', 'users_email_lower', 'audit', 'ix_orders_user_id')"), 4);
}

/* create_all with some tables there and matching: it makes the others. */
static void test_create_all_completes(void **state)
{
    fixture *f = *state;
    assoc_db *db = open_db(f);
    exec_sql(db, "CREATE TABLE users (id INTEGER NOT NULL, email VARCHAR(255), create_dttm DATETIME,"
                 " PRIMARY KEY (id))");
    RC(db, ASSOC_SCHEMA, models_verify(db));
    msg_has(db, "table products", NULL);
    OK(db, models_create_all(db));
    OK(db, models_verify(db));
}

/* Inside the caller's transaction, a refusal leaves the transaction open
 * and what it did before intact. */
static void test_create_all_in_transaction(void **state)
{
    fixture *f = *state;
    assoc_db *db = open_db(f);
    OK(db, assoc_begin(db));
    exec_sql(db, "CREATE TABLE keep (x); CREATE TABLE users (id TEXT PRIMARY KEY)");
    RC(db, ASSOC_SCHEMA, models_create_all(db));
    msg_has(db, "table users, column id", "TEXT (text affinity)", "INTEGER (integer affinity)", NULL);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('keep', 'products')"), 1);
    OK(db, assoc_commit(db));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_all_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sqlalchemy_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mismatches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extras_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_all_completes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_all_in_transaction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
