/* test_copy_move.c - <m>_<rel>_add on a child whose foreign key is part of
 * its primary key (issue 11, item 3b), on schema/library.def: a copy is
 * known by (book_id, copy_no), and book_copies_add(db, book2, copy) gives
 * it to book 2.  SQLAlchemy 1.4 moves the one row (book2.copies.append(c):
 * UPDATE copies SET book_id = 2 ... WHERE book_id = 1 AND copy_no = 1);
 * so must the generated code.  Before the fix it inserted a second row
 * (2, 1) and returned ASSOC_OK, leaving (1, 1) behind.
 *
 * tests/interop/library_move.py makes the same move with SQLAlchemy's ORM
 * on a database the C side wrote, and checks the one C made. */
#include "sqla.h"

#include "library.h"

#define SCRIPT "library_move.py"

/* Books 1 and 2; copies (1, 1, A1) and (1, 2, A2). */
static assoc_db *start(sqla_fixture *f)
{
    assoc_db *db = sqla_open(f);
    OK(db, library_create_all(db));
    for (int i = 1; i <= 2; i++) {
        char isbn[32];
        snprintf(isbn, sizeof isbn, "97800000000%d", i);
        Book b = BOOK_INIT;
        b.isbn = isbn;
        b.title = i == 1 ? "First" : "Second";
        OK(db, book_insert(db, &b));
        assert_int_equal(b.id, i);
        assoc_free(b.language);     /* the default written back is the library's */
    }
    const char *shelves[] = { "A1", "A2" };
    for (int no = 1; no <= 2; no++) {
        Copy c = COPY_INIT;
        c.book_id = 1;
        c.copy_no = no;
        c.shelf = (char *)shelves[no - 1];
        c.condition = "good";
        OK(db, copy_insert(db, &c));
    }
    return db;
}

static Copy get_copy(assoc_db *db, int64_t book, int64_t no)
{
    Copy c = COPY_INIT;
    OK(db, copy_get(db, book, no, &c));
    return c;
}

static Book book_ref(int64_t id)
{
    Book b = BOOK_INIT;
    b.id = id;
    return b;
}

/* The move: one row, its key changed, its other columns saved too. */
static void test_add_moves_the_row(void **st)
{
    sqla_fixture *f = *st;
    assoc_db *db = start(f);
    Copy c = get_copy(db, 1, 1);
    char *old_shelf = c.shelf;
    c.shelf = "B";
    Book b2 = book_ref(2);
    OK(db, book_copies_add(db, &b2, &c));
    c.shelf = old_shelf;
    assert_int_equal(c.book_id, 2);                 /* the struct follows */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies"), 2);        /* not 3 */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies WHERE book_id = 1 AND copy_no = 1"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies WHERE book_id = 2 AND copy_no = 1 AND shelf = 'B'"), 1);
    CopyList l = COPY_LIST_INIT;
    OK(db, book_copies(db, &b2, &l));
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0].copy_no, 1);
    copy_list_free(&l);
    Book b1 = book_ref(1);
    OK(db, book_copies(db, &b1, &l));
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0].copy_no, 2);
    copy_list_free(&l);
    copy_free(&c);
    sqla_run(f, SCRIPT, "check-moved");
}

/* SQLAlchemy's move, on the same start, leaves what C's does. */
static void test_sqlalchemy_moves_the_same(void **st)
{
    sqla_fixture *f = *st;
    start(f);
    sqla_run(f, SCRIPT, "move");
    assoc_db *db = sqla_open(f);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies"), 2);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies WHERE book_id = 2 AND copy_no = 1 AND shelf = 'B'"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies WHERE book_id = 1 AND copy_no = 2 AND shelf = 'A2'"), 1);
}

/* Book 2 has a copy 1 already: the move is a constraint error (SQLAlchemy:
 * IntegrityError), every row stays, and the struct keeps its book. */
static void test_move_onto_a_taken_key(void **st)
{
    static const char *const tables[] = { "books", "copies" };
    sqla_fixture *f = *st;
    assoc_db *db = start(f);
    Copy taken = COPY_INIT;
    taken.book_id = 2;
    taken.copy_no = 1;
    taken.shelf = "C1";
    taken.condition = "good";
    OK(db, copy_insert(db, &taken));
    uint64_t before = db_fingerprint(db, tables, 2);
    Copy c = get_copy(db, 1, 1);
    Book b2 = book_ref(2);
    RC(db, ASSOC_CONSTRAINT, book_copies_add(db, &b2, &c));
    assert_int_equal(c.book_id, 1);
    assert_true(db_fingerprint(db, tables, 2) == before);
    copy_free(&c);
    sqla_run(f, SCRIPT, "clash");
}

/* A copy not in the table yet is inserted under its new book; one added to
 * the book it has already is saved in place. */
static void test_add_new_and_same_parent(void **st)
{
    sqla_fixture *f = *st;
    assoc_db *db = start(f);
    Copy fresh = COPY_INIT;
    fresh.copy_no = 3;
    fresh.shelf = "N";
    fresh.condition = "new";
    Book b2 = book_ref(2), b1 = book_ref(1);
    OK(db, book_copies_add(db, &b2, &fresh));
    assert_int_equal(fresh.book_id, 2);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies"), 3);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies WHERE book_id = 2 AND copy_no = 3"), 1);

    Copy c = get_copy(db, 1, 2);
    char *old_shelf = c.shelf;
    c.shelf = "A9";
    OK(db, book_copies_add(db, &b1, &c));
    c.shelf = old_shelf;
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies"), 3);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM copies WHERE book_id = 1 AND copy_no = 2 AND shelf = 'A9'"), 1);
    copy_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_moves_the_row, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_sqlalchemy_moves_the_same, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_move_onto_a_taken_key, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_add_new_and_same_parent, sqla_setup, sqla_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
