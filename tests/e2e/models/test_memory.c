/* test_memory.c - _each streams rows with no allocation per row: the
 * allocation count of a walk does not grow with the number of rows.
 *
 * libassoc allocates through SQLite's allocator, so one counting allocator
 * installed with SQLITE_CONFIG_MALLOC (before SQLite initialises) sees
 * every allocation of the library, the generated code and SQLite. */
#include "e2e.h"

#include "models.h"

static sqlite3_mem_methods real;
static long long nallocs;

static void *count_malloc(int n)
{
    nallocs++;
    return real.xMalloc(n);
}

static void *count_realloc(void *p, int n)
{
    nallocs++;
    return real.xRealloc(p, n);
}

static int add_one(const User *u, void *ctx)
{
    (void)u;
    ++*(long long *)ctx;
    return 0;
}

static int add_product(const Product *p, void *ctx)
{
    (void)p;
    ++*(long long *)ctx;
    return 0;
}

/* Fill a fresh database with n users, each having bought 3 products. */
static assoc_db *fill(int n)
{
    assoc_db *db = NULL;
    assert_int_equal(assoc_open(":memory:", &db), ASSOC_OK);
    OK(db, models_create_all(db));
    OK(db, assoc_begin(db));
    Product ps[3];
    for (int k = 0; k < 3; k++) {
        ps[k] = (Product)PRODUCT_INIT;
        ps[k].title = "a product with a title long enough to matter";
        OK(db, product_insert(db, &ps[k]));
    }
    for (int i = 0; i < n; i++) {
        User u = USER_INIT;
        u.email = "someone@example.com";
        OK(db, user_insert(db, &u));
        for (int k = 0; k < 3; k++)
            OK(db, user_products_add(db, &u, &ps[k]));
    }
    OK(db, assoc_commit(db));
    return db;
}

/* Allocations made by walking every user, and every user's products. */
static long long walk_allocations(assoc_db *db, long long *rows)
{
    /* One warm-up walk prepares and caches the statements. */
    long long warm = 0;
    OK(db, user_each(db, add_one, &warm));
    User first = USER_INIT;
    OK(db, user_first(db, &first));
    OK(db, user_products_each(db, &first, add_product, &warm));

    long long before = nallocs;
    *rows = 0;
    OK(db, user_each(db, add_one, rows));
    OK(db, user_products_each(db, &first, add_product, rows));
    long long used = nallocs - before;
    user_free(&first);
    return used;
}

static void test_each_allocation_is_flat(void **state)
{
    (void)state;
    assoc_db *small = fill(100);
    long long small_rows, small_allocs = walk_allocations(small, &small_rows);
    assoc_close(small);

    assoc_db *large = fill(20000);
    long long large_rows, large_allocs = walk_allocations(large, &large_rows);
    assoc_close(large);

    assert_int_equal(small_rows, 103);
    assert_int_equal(large_rows, 20003);
    print_message("allocations during a walk: %lld for %lld rows, %lld for %lld rows\n",
                  small_allocs, small_rows, large_allocs, large_rows);
    assert_true(large_allocs == small_allocs);
}

/* The list form does allocate: one array (grown geometrically) and one
 * copy per string, which is what _each avoids. */
static void test_list_allocates(void **state)
{
    (void)state;
    assoc_db *db = fill(1000);
    UserList all = USER_LIST_INIT;
    long long before = nallocs;
    OK(db, user_all(db, &all));
    long long used = nallocs - before;
    assert_int_equal(all.len, 1000);
    assert_true(used >= 1000);              /* at least the 1,000 email copies */
    user_list_free(&all);
    assoc_close(db);
}

int main(void)
{
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real) != SQLITE_OK)
        return 1;
    sqlite3_mem_methods counting = real;
    counting.xMalloc = count_malloc;
    counting.xRealloc = count_realloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &counting) != SQLITE_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_allocation_is_flat),
        cmocka_unit_test(test_list_allocates),
    };
    return cmocka_run_group_tests_name("e2e memory of _each", tests, NULL, NULL);
}
