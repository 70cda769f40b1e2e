/* test_timelookup.c - get_by_ and find_by_ on datetime columns find rows
 * stored in CURRENT_TIMESTAMP's form, '2024-01-02 03:04:05' with no
 * fraction (issue 11, "datetime look-ups"), as well as in SQLAlchemy's
 * '2024-01-02 03:04:05.000000', and rows the API inserted with
 * server_default(current_timestamp), whose value the insert writes back.
 * Before the fix a look-up bound only the full form, and SQLite compares
 * text: the rows in the short form were never found (ASSOC_NOTFOUND, an
 * empty list), the API's own server-default rows included. */
#include "e2e.h"

#include <string.h>

#include "timelookup.h"

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK || timelookup_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    assoc_close(*state);
    return 0;
}

static void exec(assoc_db *db, const char *sql)
{
    if (sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(assoc_sqlite(db)));
}

static assoc_time at(const char *text)
{
    assoc_time t = 0;
    if (assoc_time_parse(text, strlen(text), &t) != ASSOC_OK)
        fail_msg("cannot parse %s", text);
    return t;
}

/* Rows another program wrote, in both forms. */
static void test_rows_in_either_form(void **state)
{
    assoc_db *db = *state;
    exec(db, "INSERT INTO events (id, at, day, note) VALUES "
             "(1, '2024-01-02 03:04:05', '2024-01-02 03:04:05', 'short'),"
             "(2, '2024-01-02 03:04:06.000000', '2024-01-02 03:04:05.000000', 'full'),"
             "(3, '2024-01-02 03:04:07.250000', '2024-01-02 03:04:07.250000', 'fraction')");
    Event e = EVENT_INIT;
    OK(db, event_get_by_at(db, at("2024-01-02 03:04:05"), &e));
    assert_int_equal(e.id, 1);
    assert_true(e.has_at && e.at == at("2024-01-02 03:04:05.000000"));
    event_free(&e);
    OK(db, event_get_by_at(db, at("2024-01-02 03:04:06"), &e));
    assert_int_equal(e.id, 2);
    event_free(&e);
    OK(db, event_get_by_at(db, at("2024-01-02 03:04:07.25"), &e));
    assert_int_equal(e.id, 3);
    event_free(&e);
    RC(db, ASSOC_NOTFOUND, event_get_by_at(db, at("2024-01-02 03:04:08"), &e));

    /* One instant, stored once in each form: find_by finds both rows. */
    EventList l = EVENT_LIST_INIT;
    OK(db, event_find_by_day(db, at("2024-01-02 03:04:05"), &l));
    assert_int_equal(l.len, 2);
    assert_int_equal(l.items[0].id, 1);
    assert_int_equal(l.items[1].id, 2);
    event_list_free(&l);
    OK(db, event_find_by_day(db, at("2024-01-02 03:04:07.250000"), &l));
    assert_int_equal(l.len, 1);
    event_list_free(&l);
}

/* Rows the API inserted: server_default(current_timestamp) stores SQLite's
 * short form, and the value written back finds the row. */
static void test_server_default_rows(void **state)
{
    assoc_db *db = *state;
    Event e = EVENT_INIT;
    e.note = "api";
    OK(db, event_insert(db, &e));
    assert_true(e.has_created);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT length(created) FROM events WHERE id = %lld", (long long)e.id);
    assert_int_equal(sql_int(db, sql), 19);          /* 'YYYY-MM-DD HH:MM:SS' */
    EventList l = EVENT_LIST_INIT;
    OK(db, event_find_by_created(db, e.created, &l));
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0].id, e.id);
    assert_true(l.items[0].created == e.created);
    event_list_free(&l);

    /* The same through a unique column: get_by. */
    Stamp s = STAMP_INIT;
    OK(db, stamp_insert(db, &s));
    assert_true(s.has_made);
    Stamp got = STAMP_INIT;
    OK(db, stamp_get_by_made(db, s.made, &got));
    assert_int_equal(got.id, s.id);
    stamp_free(&got);

    /* And a row whose default SQLite itself filled (an INSERT that names
     * no column), found by the time read back from it. */
    exec(db, "INSERT INTO events (note) VALUES ('sql')");
    Event row = EVENT_INIT;
    OK(db, event_get(db, sqlite3_last_insert_rowid(assoc_sqlite(db)), &row));
    assert_true(row.has_created);
    OK(db, event_find_by_created(db, row.created, &l));
    assert_true(l.len >= 1);
    bool found = false;
    for (size_t i = 0; i < l.len; i++)
        found = found || l.items[i].id == row.id;
    assert_true(found);
    event_list_free(&l);
    event_free(&row);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_in_either_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_default_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
