/* test_cycle.c - cycle.def: two tables that refer to each other, under
 * names PostgreSQL must quote ("Shelves", "Books", a column "Best Book$$").
 * On PostgreSQL create_all adds the first table's key after both tables
 * exist, in a DO block that runs only when the column has no foreign key
 * yet: it must be made (its test reads the quoted names right, the block's
 * quoting survives a "$$" in a name), made once when create_all runs
 * again, and made in every schema of the database that create_all runs in
 * (the test once looked at constraints of any schema by name).  On SQLite
 * the same calls, with the keys in the CREATE TABLEs. */
#include "e2e.h"

#include "cycle.h"

static int64_t foreign_keys(assoc_db *db, const char *table)
{
    char sql[256];
    if (e2e_is_pg(db))
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_constraint WHERE conrelid = '\"%s\"'::regclass"
                 " AND contype = 'f'", table);
    else
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_foreign_key_list('%s')", table);
    return sql_int(db, sql);
}

static void test_keys_made_once_in_each_schema(void **state)
{
    (void)state;
    assoc_db *a = NULL, *b = NULL;
    OK(a, e2e_open(&a));
    OK(b, e2e_open(&b));
    OK(a, cycle_create_all(a));
    OK(b, cycle_create_all(b));    /* beside a's tables of the same names */
    OK(b, cycle_create_all(b));    /* again */
    for (int i = 0; i < 2; i++) {
        assoc_db *db = i ? b : a;
        assert_int_equal(foreign_keys(db, "Shelves"), 1);
        assert_int_equal(foreign_keys(db, "Books"), 1);
        OK(db, cycle_verify(db));
    }
    e2e_close(a);
    e2e_close(b);
}

static void test_rows_that_refer_to_each_other(void **state)
{
    (void)state;
    assoc_db *db = NULL;
    OK(db, e2e_open(&db));
    OK(db, cycle_create_all(db));
    Shelf s = SHELF_INIT;
    s.label = "fiction";
    OK(db, shelf_insert(db, &s));
    Book b = BOOK_INIT;
    b.title = "Middlemarch";
    OK(db, shelf_books_add(db, &s, &b));
    s.best_book = b.id;
    s.has_best_book = true;
    OK(db, shelf_update(db, &s));
    assert_int_equal(sql_int(db, "SELECT \"Best Book$$\" FROM \"Shelves\""), b.id);
    /* The late key is enforced: no book 99. */
    s.best_book = 99;
    RC(db, ASSOC_CONSTRAINT, shelf_update(db, &s));
    /* Deleting the shelf clears its post_update key, then its books go. */
    OK(db, shelf_delete(db, &s));
    assert_int_equal(sql_int(db, "SELECT (SELECT count(*) FROM \"Books\") + (SELECT count(*) FROM \"Shelves\")"), 0);
    e2e_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_made_once_in_each_schema),
        cmocka_unit_test(test_rows_that_refer_to_each_other),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
