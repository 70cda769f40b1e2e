/* test_header_words.c - tests/good/header_words_as_names.def (this
 * directory's header_words.def is a link to it) at run time (issue 11,
 * item 10): columns named SIZE_MAX, SQLITE_OK, unix, bool, class, int64_t
 * and errno, a query parameter :int, all of them names of the headers the
 * generated code includes (or words of C and C++).  The C names get a
 * trailing '_' (SIZE_MAX_, int_); the SQL names stay as written.  The
 * generated code compiles (make compile-checks does that much); here it
 * runs: insert and get round trip every field, update, the errno look-up,
 * the query with :int, :class, :unix, :errno and the :SIZE_MAX limit, and
 * the macros themselves still mean what the headers say. */
#include "e2e.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "header_words.h"

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK || header_words_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    assoc_close(*state);
    return 0;
}

static Gadget gadget(int64_t size_max, const char *class_, int64_t err, const char *bool_)
{
    Gadget g = GADGET_INIT;
    g.SIZE_MAX_ = size_max;
    g.has_SIZE_MAX_ = true;
    g.SQLITE_OK_ = size_max % 2 == 0;
    g.has_SQLITE_OK_ = true;
    g.unix_ = INT64_C(1704164645) * 1000000 + size_max;    /* 2024-01-02 03:04:05 + size_max us */
    g.has_unix_ = true;
    g.bool_ = (char *)bool_;
    g.class_ = (char *)class_;
    g.int64_t_ = 0.5 * (double)size_max;
    g.has_int64_t_ = true;
    g.errno_ = err;
    g.has_errno_ = true;
    return g;
}

static void test_round_trip(void **state)
{
    assoc_db *db = *state;
    Gadget g = gadget(42, "widget", 7, "yes");
    OK(db, gadget_insert(db, &g));
    assert_true(g.id > 0);

    Gadget got = GADGET_INIT;
    OK(db, gadget_get(db, g.id, &got));
    assert_true(got.has_SIZE_MAX_ && got.SIZE_MAX_ == 42);
    assert_true(got.has_SQLITE_OK_ && got.SQLITE_OK_);
    assert_true(got.has_unix_ && got.unix_ == g.unix_);
    assert_string_equal(got.bool_, "yes");
    assert_string_equal(got.class_, "widget");
    assert_true(got.has_int64_t_ && got.int64_t_ == 21.0);
    assert_true(got.has_errno_ && got.errno_ == 7);
    gadget_free(&got);

    /* The SQL names are the model's. */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM gadgets WHERE \"SIZE_MAX\" = 42 AND \"SQLITE_OK\" = 1 "
                                 "AND unix = '2024-01-02 03:04:05.000042' AND bool = 'yes' AND class = 'widget' "
                                 "AND int64_t = 21.0 AND errno = 7"),
                     1);

    g.SIZE_MAX_ = 43;
    g.has_SQLITE_OK_ = false;
    g.class_ = NULL;
    OK(db, gadget_update(db, &g));
    OK(db, gadget_get(db, g.id, &got));
    assert_int_equal(got.SIZE_MAX_, 43);
    assert_false(got.has_SQLITE_OK_);
    assert_null(got.class_);
    gadget_free(&got);

    GadgetList l = GADGET_LIST_INIT;
    OK(db, gadget_find_by_errno(db, 7, &l));
    assert_int_equal(l.len, 1);
    gadget_list_free(&l);
    OK(db, gadget_delete(db, &g));
    int64_t n = -1;
    OK(db, gadget_count(db, &n));
    assert_int_equal(n, 0);

    /* The headers' macros are untouched by the generated header. */
    assert_true(SIZE_MAX > (size_t)0xffff);
    assert_int_equal(SQLITE_OK, 0);
    errno = EINVAL;
    assert_int_equal(errno, EINVAL);
    bool b = true;
    assert_true(b);
}

/* The query: SIZE_MAX >= :int? and class = :class and unix < :unix? and
 * errno = :errno, ordered by bool then SIZE_MAX desc, limit :SIZE_MAX?. */
static void test_query_with_header_words(void **state)
{
    assoc_db *db = *state;
    static const struct {
        int64_t size_max;
        const char *class_, *bool_;
        int64_t err;
    } rows[] = {
        { 1, "c", "b", 7 }, { 5, "c", "a", 7 }, { 9, "c", "b", 7 }, { 6, "d", "a", 7 }, { 8, "c", "a", 8 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        Gadget g = gadget(rows[i].size_max, rows[i].class_, rows[i].err, rows[i].bool_);
        OK(db, gadget_insert(db, &g));
    }
    GadgetByWordsArgs args = { 0 };
    args.int_ = 5;
    args.has_int_ = true;
    args.class_ = "c";
    args.errno_ = 7;
    GadgetList l = GADGET_LIST_INIT;
    OK(db, gadget_by_words(db, &args, &l));
    assert_int_equal(l.len, 2);                         /* SIZE_MAX 5 (bool a), then 9 (bool b) */
    assert_int_equal(l.items[0].SIZE_MAX_, 5);
    assert_int_equal(l.items[1].SIZE_MAX_, 9);
    gadget_list_free(&l);

    args.has_int_ = false;                              /* :int absent: SIZE_MAX 1 too */
    args.SIZE_MAX_ = 2;                                 /* limit 2 */
    args.has_SIZE_MAX_ = true;
    OK(db, gadget_by_words(db, &args, &l));
    assert_int_equal(l.len, 2);
    assert_int_equal(l.items[0].SIZE_MAX_, 5);          /* bool a */
    assert_int_equal(l.items[1].SIZE_MAX_, 9);          /* bool b, SIZE_MAX desc */
    gadget_list_free(&l);

    args.has_SIZE_MAX_ = false;
    args.unix_ = INT64_C(1704164645) * 1000000 + 6;     /* unix < that: SIZE_MAX 1 and 5 */
    args.has_unix_ = true;
    int64_t n = 0;
    OK(db, gadget_by_words_count(db, &args, &n));
    assert_int_equal(n, 2);
    int64_t deleted = 0;
    OK(db, gadget_by_words_delete(db, &args, &deleted));
    assert_int_equal(deleted, 2);
    OK(db, gadget_count(db, &n));
    assert_int_equal(n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_with_header_words, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
