/* test_widgets.c - post_update in the direct delete plan, on SQLAlchemy's
 * own example (widgets.def): a widget and its favorite entry refer to each
 * other.  What SQLAlchemy 1.4 does with these models (foreign keys on):
 * INSERT widget with favorite_entry_id NULL, INSERT entry, UPDATE widget SET
 * favorite_entry_id; on delete, UPDATE widget SET favorite_entry_id = NULL,
 * DELETE entry, DELETE widget.  The same rows result here. */
#include "e2e.h"

#include "widgets.h"

static int setup(void **state)
{
    assoc_db *db;
    if (e2e_open(&db) != ASSOC_OK || widgets_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    e2e_close(*state);
    return 0;
}

/* A widget with two entries, the second its favorite: the widget first
 * (its favorite unknown yet), the entries, then the favorite. */
static void make(assoc_db *db, Widget *w, Entry *e1, Entry *e2)
{
    *w = (Widget)WIDGET_INIT;
    w->name = "w";
    OK(db, widget_insert(db, w));
    *e1 = (Entry)ENTRY_INIT;
    *e2 = (Entry)ENTRY_INIT;
    e1->name = "e1";
    e2->name = "e2";
    OK(db, widget_entries_add(db, w, e1));
    OK(db, widget_entries_add(db, w, e2));
    w->favorite_entry_id = e2->entry_id;
    w->has_favorite_entry_id = true;
    OK(db, widget_update(db, w));
}

static void test_delete_clears_the_key_first(void **state)
{
    assoc_db *db = *state;
    Widget w, other;
    Entry e1, e2, o1, o2;
    make(db, &w, &e1, &e2);
    make(db, &other, &o1, &o2);
    Entry fav = ENTRY_INIT;
    OK(db, widget_favorite_entry(db, &w, &fav));
    assert_int_equal(fav.entry_id, e2.entry_id);
    assert_int_equal(fav.widget_id, w.widget_id);
    entry_free(&fav);
    OK(db, widget_delete(db, &w));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM widget"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM entry"), 2);
    assert_int_equal(sql_int(db, "SELECT favorite_entry_id FROM widget"), o2.entry_id);
    RC(db, ASSOC_NOTFOUND, widget_delete(db, &w));
}

static void test_insert_writes_the_key_after(void **state)
{
    assoc_db *db = *state;
    /* The entry exists before the widget that names it: the widget's insert
     * writes NULL, then its favorite once the row is in. */
    Entry e = ENTRY_INIT;
    e.name = "first";
    OK(db, entry_insert(db, &e));
    Widget w = WIDGET_INIT;
    w.name = "w";
    w.favorite_entry_id = e.entry_id;
    w.has_favorite_entry_id = true;
    OK(db, widget_insert(db, &w));
    assert_int_equal(sql_int(db, "SELECT favorite_entry_id FROM widget"), e.entry_id);
    e.widget_id = w.widget_id;
    e.has_widget_id = true;
    OK(db, entry_update(db, &e));
    /* Both refer to each other; the widget's delete takes both. */
    OK(db, widget_delete(db, &w));
    assert_int_equal(sql_int(db, "SELECT (SELECT count(*) FROM widget) + (SELECT count(*) FROM entry)"), 0);
}

static void test_entry_of_a_favorite(void **state)
{
    assoc_db *db = *state;
    Widget w;
    Entry e1, e2;
    make(db, &w, &e1, &e2);
    /* Entry has no relationship back through favorite_entry_id: as with
     * SQLAlchemy, the foreign key refuses the delete, and nothing changes. */
    RC(db, ASSOC_CONSTRAINT, entry_delete(db, &e2));
    OK(db, entry_delete(db, &e1));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM entry"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delete_clears_the_key_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_writes_the_key_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_of_a_favorite, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
