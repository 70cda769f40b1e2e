/* test_verify.c - libassoc's assoc_verify() over descriptions written here
 * (as the generator writes them) and tables made by hand: composite keys
 * and unique constraints, ON DELETE actions, what counts as unique, the
 * EXISTING mode, bad arguments.  The seed's generated code is tested in
 * tests/e2e/models/test_verify.c. */
#include "testutil.h"

#include <stdarg.h>
#include <string.h>

#include "assoc.h"

static assoc_db *db_with(const char *ddl)
{
    assoc_db *db = NULL;
    assert_int_equal(assoc_open(":memory:", &db), ASSOC_OK);
    char *err = NULL;
    if (sqlite3_exec(assoc_sqlite(db), ddl, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", ddl, err);
    return db;
}

static void expect(assoc_db *db, const assoc_schema_spec *s, int mode, int code, const char *words)
{
    int rc = assoc_verify(db, s, mode);
    if (rc != code)
        fail_msg("assoc_verify returned %d, expected %d: %s", rc, code, assoc_errmsg(db));
    if (words && strstr(assoc_errmsg(db), words) == NULL)
        fail_msg("message lacks \"%s\": %s", words, assoc_errmsg(db));
}

/* tags (post_id, name) with a composite key and unique(name, slug); posts
 * referring to users with ON DELETE CASCADE. */
static const assoc_column_spec columns[] = {
    { "id", "INTEGER", ASSOC_AFFINITY_INTEGER, ASSOC_COL_PRIMARY_KEY | ASSOC_COL_ROWID, NULL, NULL, NULL },
    { "author_id", "INTEGER", ASSOC_AFFINITY_INTEGER, ASSOC_COL_NOT_NULL, "users", "id", "CASCADE" },
    { "post_id", "INTEGER", ASSOC_AFFINITY_INTEGER, ASSOC_COL_PRIMARY_KEY, "posts", "id", NULL },
    { "name", "VARCHAR(20)", ASSOC_AFFINITY_TEXT, ASSOC_COL_PRIMARY_KEY, NULL, NULL, NULL },
    { "slug", "TEXT", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
    { "code", "TEXT", ASSOC_AFFINITY_TEXT, ASSOC_COL_UNIQUE, NULL, NULL, NULL },
};
static const char *const uniques[] = { "name, slug" };
static const assoc_table_spec tables[] = {
    { "posts", &columns[0], 2, NULL, 0 },
    { "tags", &columns[2], 4, &uniques[0], 1 },
};
static const assoc_schema_spec schema = { "blog", "blog.def", "blog.migrate.sql", tables, 2 };

static const char good[] =
    "CREATE TABLE users (id INTEGER PRIMARY KEY);"
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);"
    "CREATE TABLE tags (post_id INTEGER NOT NULL REFERENCES posts (id), name VARCHAR(20) NOT NULL, slug TEXT,"
    " code TEXT UNIQUE, PRIMARY KEY (post_id, name), UNIQUE (name, slug));";

static void test_good(void **state)
{
    (void)state;
    assoc_db *db = db_with(good);
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
}

/* The key's columns in another order, unique (slug, name): the same. */
static void test_orders_do_not_matter(void **state)
{
    (void)state;
    assoc_db *db = db_with(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INT NOT NULL REFERENCES users ON DELETE cascade);"
        "CREATE TABLE tags (code TEXT, slug CLOB, name CHAR(5), post_id INTEGER REFERENCES posts (id),"
        " PRIMARY KEY (post_id, name));"
        "CREATE UNIQUE INDEX t1 ON tags (slug, name); CREATE UNIQUE INDEX t2 ON tags (code);");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
}

static void test_composite_unique_missing(void **state)
{
    (void)state;
    assoc_db *db = db_with(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);"
        "CREATE TABLE tags (post_id INTEGER REFERENCES posts (id), name VARCHAR(20), slug TEXT, code TEXT UNIQUE,"
        " PRIMARY KEY (post_id, name));"
        /* neither a partial index nor a wider one is the constraint */
        "CREATE UNIQUE INDEX p ON tags (name, slug) WHERE slug IS NOT NULL;"
        "CREATE UNIQUE INDEX w ON tags (name, slug, code);");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_SCHEMA, "table tags: the database has no UNIQUE (name, slug)");
    assoc_close(db);
}

static void test_key_differs(void **state)
{
    (void)state;
    assoc_db *db = db_with(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);"
        "CREATE TABLE tags (post_id INTEGER PRIMARY KEY REFERENCES posts (id), name VARCHAR(20), slug TEXT, code TEXT UNIQUE,"
        " UNIQUE (name, slug));");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "table tags: the database's primary key is (post_id), the schema wants (post_id, name)");
    assoc_close(db);
}

static void test_ondelete_differs(void **state)
{
    (void)state;
    assoc_db *db = db_with(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE SET NULL);");
    expect(db, &schema, ASSOC_VERIFY_EXISTING, ASSOC_SCHEMA,
           "table posts, column author_id: the database's foreign key to users (id) has ON DELETE SET NULL, "
           "the schema wants ON DELETE CASCADE");
    assoc_close(db);
}

static void test_unique_needs_plain_index(void **state)
{
    (void)state;
    assoc_db *db = db_with(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);"
        "CREATE TABLE tags (post_id INTEGER REFERENCES posts (id), name VARCHAR(20), slug TEXT, code TEXT,"
        " PRIMARY KEY (post_id, name), UNIQUE (name, slug));"
        "CREATE UNIQUE INDEX c ON tags (upper(code));");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "table tags, column code: the database has it not unique, the schema wants UNIQUE");
    assoc_close(db);
}

/* EXISTING compares only the tables there are; ALL wants them all. */
static void test_modes(void **state)
{
    (void)state;
    assoc_db *db = db_with("CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL"
                           " REFERENCES users (id) ON DELETE CASCADE);");
    expect(db, &schema, ASSOC_VERIFY_EXISTING, ASSOC_OK, NULL);
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_SCHEMA, "table tags: the database has no such table");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "assocgen --migrate-from OLD.def blog.def (OLD.def: the model file the database was made with), "
           "then sqlite3 -bail DATABASE < blog.migrate.sql");
    /* A view of that name is no table. */
    char *err = NULL;
    assert_int_equal(sqlite3_exec(assoc_sqlite(db), "CREATE VIEW tags AS SELECT 1 AS post_id", NULL, NULL, &err), SQLITE_OK);
    expect(db, &schema, ASSOC_VERIFY_EXISTING, ASSOC_OK, NULL);
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_SCHEMA, "table tags: the database has no such table");
    assoc_close(db);
}

static void test_not_null_of_keys_ignored(void **state)
{
    (void)state;
    /* SQLite lets a key column other than the row id hold NULL unless it
     * says NOT NULL; either way it is the key, and verifies. */
    assoc_db *db = db_with(
        "CREATE TABLE posts (id INTEGER NOT NULL, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
        " PRIMARY KEY (id));"
        "CREATE TABLE tags (post_id INTEGER REFERENCES posts (id), name VARCHAR(20), slug TEXT, code TEXT UNIQUE,"
        " PRIMARY KEY (post_id, name), UNIQUE (name, slug));");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
}

static void test_not_null_differs(void **state)
{
    (void)state;
    assoc_db *db = db_with("CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER"
                           " REFERENCES users (id) ON DELETE CASCADE);");
    expect(db, &schema, ASSOC_VERIFY_EXISTING, ASSOC_SCHEMA,
           "table posts, column author_id: the database has it nullable, the schema wants NOT NULL");
    assoc_close(db);
}

/* SQLAlchemy's Date and Time keep text in DATE and TIME columns (numeric
 * affinity by their names): a string column of the schema takes them; a
 * numeric column declared otherwise (NUMERIC) is still a difference. */
static void test_temporal_text(void **state)
{
    (void)state;
    static const assoc_column_spec cols[] = {
        { "id", "INTEGER", ASSOC_AFFINITY_INTEGER, ASSOC_COL_PRIMARY_KEY | ASSOC_COL_ROWID, NULL, NULL, NULL },
        { "born", "VARCHAR(10)", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
        { "opens", "VARCHAR(8)", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
    };
    static const assoc_table_spec t[] = { { "days", cols, 3, NULL, 0 } };
    static const assoc_schema_spec sp = { "days", "days.def", "days.migrate.sql", t, 1 };
    assoc_db *db = db_with("CREATE TABLE days (id INTEGER PRIMARY KEY, born DATE, opens TIME)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
    db = db_with("CREATE TABLE days (id INTEGER PRIMARY KEY, born NUMERIC, opens TIME)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "table days, column born: the database has NUMERIC (numeric affinity), the schema wants VARCHAR(10)");
    assoc_close(db);
}

/* A json column: TEXT as create_all declares it, or JSON as SQLAlchemy's
 * JSON declares it on SQLite (numeric affinity by its name); a text column
 * declared JSON, or a json column of another numeric type, is a
 * difference.  An enum column is a VARCHAR on SQLite, whoever made it. */
static void test_json_and_enum_columns(void **state)
{
    (void)state;
    static const assoc_column_spec cols[] = {
        { "id", "INTEGER", ASSOC_AFFINITY_INTEGER, ASSOC_COL_PRIMARY_KEY | ASSOC_COL_ROWID, NULL, NULL, NULL },
        { "settings", "TEXT", ASSOC_AFFINITY_TEXT, ASSOC_COL_NOT_NULL | ASSOC_COL_JSON, NULL, NULL, NULL },
        { "status", "VARCHAR", ASSOC_AFFINITY_TEXT, ASSOC_COL_ENUM, NULL, NULL, NULL },
        { "note", "TEXT", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
    };
    static const assoc_table_spec t[] = { { "tasks", cols, 4, NULL, 0 } };
    static const assoc_schema_spec sp = { "tasks", "tasks.def", "tasks.migrate.sql", t, 1 };
    static const char *const good_ones[] = {
        "CREATE TABLE tasks (id INTEGER PRIMARY KEY, settings TEXT NOT NULL CHECK (json_valid(settings)),"
        " status VARCHAR(11) CHECK (status IN ('todo', 'done')), note TEXT)",
        /* SQLAlchemy 1.4: JSON, Enum(create_constraint=True) */
        "CREATE TABLE tasks (id INTEGER NOT NULL, settings JSON NOT NULL, status VARCHAR(4),"
        " note TEXT, PRIMARY KEY (id), CONSTRAINT status CHECK (status IN ('todo', 'done')))",
    };
    for (size_t i = 0; i < sizeof good_ones / sizeof good_ones[0]; i++) {
        assoc_db *db = db_with(good_ones[i]);
        expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
        assoc_close(db);
    }
    assoc_db *db = db_with("CREATE TABLE tasks (id INTEGER PRIMARY KEY, settings NUMERIC NOT NULL, status VARCHAR(4),"
                           " note TEXT)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "table tasks, column settings: the database has NUMERIC (numeric affinity), the schema wants TEXT");
    assoc_close(db);
    db = db_with("CREATE TABLE tasks (id INTEGER PRIMARY KEY, settings TEXT NOT NULL, status VARCHAR(4), note JSON)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "table tasks, column note: the database has JSON (numeric affinity), the schema wants TEXT");
    assoc_close(db);
}

/* A foreign key of several columns is no key the language declares: an
 * extra constraint, allowed; one of a single column the schema does not
 * declare is a difference. */
static void test_composite_foreign_key_extra(void **state)
{
    (void)state;
    assoc_db *db = db_with(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
        " UNIQUE (id, author_id));"
        "CREATE TABLE tags (post_id INTEGER NOT NULL REFERENCES posts (id), name VARCHAR(20) NOT NULL, slug TEXT,"
        " code TEXT UNIQUE, PRIMARY KEY (post_id, name), UNIQUE (name, slug),"
        " FOREIGN KEY (post_id, code) REFERENCES posts (id, author_id));");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
    db = db_with(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);"
        "CREATE TABLE tags (post_id INTEGER NOT NULL REFERENCES posts (id), name VARCHAR(20) NOT NULL, slug TEXT,"
        " code TEXT UNIQUE REFERENCES users (id), PRIMARY KEY (post_id, name), UNIQUE (name, slug));");
    expect(db, &schema, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "table tags, column code: the database has a foreign key to users (id), the schema wants none");
    assoc_close(db);
}

/* SQLAlchemy's JSON declares JSON (numeric affinity): a json column may
 * be so declared, a text column not; enum(...) is VARCHAR(N), text. */
static void test_json_and_enum(void **state)
{
    (void)state;
    static const assoc_column_spec cols[] = {
        { "id", "INTEGER", ASSOC_AFFINITY_INTEGER, ASSOC_COL_PRIMARY_KEY | ASSOC_COL_ROWID, NULL, NULL, NULL },
        { "settings", "TEXT", ASSOC_AFFINITY_TEXT, ASSOC_COL_NOT_NULL | ASSOC_COL_JSON, NULL, NULL, NULL },
        { "State", "VARCHAR", ASSOC_AFFINITY_TEXT, ASSOC_COL_NOT_NULL, NULL, NULL, NULL },
        { "notes", "TEXT", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
    };
    static const assoc_table_spec t[] = { { "tasks", cols, 4, NULL, 0 } };
    static const assoc_schema_spec sp = { "tasks", "tasks.def", "tasks.migrate.sql", t, 1 };
    /* As assocgen makes it, and as SQLAlchemy does (JSON, Enum). */
    assoc_db *db = db_with("CREATE TABLE tasks (id INTEGER PRIMARY KEY, settings TEXT NOT NULL CHECK (json_valid(settings)),"
                           " \"State\" VARCHAR(5) NOT NULL CHECK (\"State\" IN ('todo', 'done')), notes TEXT)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
    db = db_with("CREATE TABLE tasks (id INTEGER NOT NULL, settings JSON NOT NULL, state VARCHAR(4) NOT NULL,"
                 " notes TEXT, PRIMARY KEY (id), CONSTRAINT state CHECK (state IN ('todo', 'done')))");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
    db = db_with("CREATE TABLE tasks (id INTEGER PRIMARY KEY, settings TEXT NOT NULL, \"State\" VARCHAR(5) NOT NULL,"
                 " notes JSON)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "table tasks, column notes: the database has JSON (numeric affinity), the schema wants TEXT");
    assoc_close(db);
    db = db_with("CREATE TABLE tasks (id INTEGER PRIMARY KEY, settings NUMERIC NOT NULL, \"State\" VARCHAR(5) NOT NULL,"
                 " notes TEXT)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_SCHEMA, "table tasks, column settings: the database has NUMERIC");
    assoc_close(db);
    db = db_with("CREATE TABLE tasks (id INTEGER PRIMARY KEY, settings TEXT NOT NULL, \"State\" INTEGER NOT NULL,"
                 " notes TEXT)");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_SCHEMA, "table tasks, column State: the database has INTEGER");
    assoc_close(db);
}

/* unique(a, b) over SQL names (column("...")) that hold blanks, commas,
 * quotes: the description quotes them, as SQL does. */
static void test_unique_quoted_names(void **state)
{
    (void)state;
    static const assoc_column_spec cols[] = {
        { "id", "INTEGER", ASSOC_AFFINITY_INTEGER, ASSOC_COL_PRIMARY_KEY | ASSOC_COL_ROWID, NULL, NULL, NULL },
        { "First Name", "TEXT", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
        { "Last, Name", "TEXT", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
        { "Nick\"", "TEXT", ASSOC_AFFINITY_TEXT, 0, NULL, NULL, NULL },
    };
    static const char *const u[] = { "\"First Name\", \"Last, Name\"", "\"Nick\"\"\", id" };
    static const assoc_table_spec t[] = { { "people", cols, 4, u, 2 } };
    static const assoc_schema_spec sp = { "people", "people.def", "people.migrate.sql", t, 1 };
    assoc_db *db = db_with("CREATE TABLE people (id INTEGER PRIMARY KEY, \"First Name\" TEXT, \"Last, Name\" TEXT,"
                           " \"Nick\"\"\" TEXT, UNIQUE (\"First Name\", \"Last, Name\"), UNIQUE (id, \"Nick\"\"\"))");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_OK, NULL);
    assoc_close(db);
    db = db_with("CREATE TABLE people (id INTEGER PRIMARY KEY, \"First Name\" TEXT, \"Last, Name\" TEXT,"
                 " \"Nick\"\"\" TEXT, UNIQUE (\"First Name\", id), UNIQUE (id, \"Nick\"\"\"))");
    expect(db, &sp, ASSOC_VERIFY_ALL, ASSOC_SCHEMA,
           "the database has no UNIQUE (\"First Name\", \"Last, Name\"), the schema wants it");
    assoc_close(db);
}

static void test_misuse(void **state)
{
    (void)state;
    assoc_db *db = db_with("");
    assert_int_equal(assoc_verify(NULL, &schema, ASSOC_VERIFY_ALL), ASSOC_MISUSE);
    assert_int_equal(assoc_verify(db, NULL, ASSOC_VERIFY_ALL), ASSOC_MISUSE);
    assoc_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_orders_do_not_matter),
        cmocka_unit_test(test_composite_unique_missing),
        cmocka_unit_test(test_key_differs),
        cmocka_unit_test(test_ondelete_differs),
        cmocka_unit_test(test_unique_needs_plain_index),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_not_null_of_keys_ignored),
        cmocka_unit_test(test_not_null_differs),
        cmocka_unit_test(test_temporal_text),
        cmocka_unit_test(test_json_and_enum_columns),
        cmocka_unit_test(test_composite_foreign_key_extra),
        cmocka_unit_test(test_json_and_enum),
        cmocka_unit_test(test_unique_quoted_names),
        cmocka_unit_test(test_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
