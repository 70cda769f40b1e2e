/* test_loads.c - batched loads (SPEC 6) hold every field of every row, on
 * schema/library.def, whose targets have what a load's gathering must get
 * right: strings that may be NULL, a blob (empty, or with zero bytes in
 * it), a composite primary key (copies), row ids shared by many parents,
 * a viewonly many-to-many whose association rows repeat (a book borrowed
 * twice), to-one relationships with and without a row.
 *
 * A load gathers the rows lent by the statement, copies their strings and
 * blobs into memory of its own, recognises a row held already by its key,
 * and reuses that memory on the connection's next load.  Each test
 * compares every parent's rows, field by field, with the relationship's
 * own accessor for that parent, over 233 parents (chunks of 100, 100, 33;
 * each parent repeated), twice on one connection, loads of different
 * types in between.  _load_each must lend the same pairs in the same
 * order, field for field, a chunk at a time. */
#include "e2e.h"

#include "library.h"

#define NPARENTS 233

static assoc_time at(const char *text)
{
    assoc_time t = 0;
    if (assoc_time_parse(text, strlen(text), &t) != ASSOC_OK)
        fail_msg("bad time %s", text);
    return t;
}

static bool same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_blob(const assoc_blob *a, const assoc_blob *b)
{
    if (a->data == NULL || b->data == NULL)
        return a->data == NULL && b->data == NULL;
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static bool same_time(bool ha, assoc_time a, bool hb, assoc_time b)
{
    return ha == hb && (!ha || a == b);
}

static void eq_book(const Book *a, const Book *b)
{
    assert_int_equal(a->id, b->id);
    assert_true(same_text(a->isbn, b->isbn));
    assert_true(same_text(a->title, b->title));
    assert_true(same_time(a->has_published, a->published, b->has_published, b->published));
    assert_int_equal(a->has_pages, b->has_pages);
    if (a->has_pages)
        assert_int_equal(a->pages, b->pages);
    assert_true(same_text(a->language, b->language));
}

static void eq_author(const Author *a, const Author *b)
{
    assert_int_equal(a->id, b->id);
    assert_true(same_text(a->name, b->name));
    assert_true(same_time(a->has_born, a->born, b->has_born, b->born));
    assert_true(same_text(a->country, b->country));
}

static void eq_copy(const Copy *a, const Copy *b)
{
    assert_int_equal(a->book_id, b->book_id);
    assert_int_equal(a->copy_no, b->copy_no);
    assert_true(same_text(a->shelf, b->shelf));
    assert_true(same_text(a->condition, b->condition));
    assert_true(same_time(a->has_acquired, a->acquired, b->has_acquired, b->acquired));
}

static void eq_card(const LibraryCard *a, const LibraryCard *b)
{
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->member_id, b->member_id);
    assert_true(same_blob(&a->barcode, &b->barcode));
    assert_true(same_time(a->has_issued, a->issued, b->has_issued, b->issued));
    assert_true(same_time(a->has_expires, a->expires, b->has_expires, b->expires));
}

/* authors 1-3 (3: no birth date, no country); books 1-6 (6: no author, no
 * date, no pages), book 5 by all three; copies (1,1) (1,2) (2,1) (4,1)
 * (4,2) (4,3), shelves NULL for some; members 1-4, cards for 1 (a barcode
 * with zero bytes in it), 2 (an empty barcode), 3 (a plain one), none for
 * 4; loans: member 1 book 2 twice and book 5, member 2 book 5, member 3
 * none, member 4 books 1 and 6. */
static void fill(assoc_db *db)
{
    static const struct { const char *name, *born, *country; } authors[] = {
        { "Ursula", "1929-10-21 00:00:00", "US" }, { "Stanislaw", "1921-09-12 00:00:00", "PL" },
        { "Anonymous", NULL, NULL },
    };
    for (int i = 0; i < 3; i++) {
        Author a = AUTHOR_INIT;
        a.name = (char *)authors[i].name;
        a.has_born = authors[i].born != NULL;
        a.born = a.has_born ? at(authors[i].born) : 0;
        a.country = (char *)authors[i].country;
        OK(db, author_insert(db, &a));
    }
    static const struct { const char *isbn, *title, *published, *language; int64_t pages; } books[] = {
        { "9780000000001", "The Dispossessed", "1974-05-01 00:00:00", "en", 387 },
        { "9780000000002", "Solaris", "1961-06-01 12:30:00.250000", "pl", 204 },
        { "9780000000003", "A Wizard of Earthsea", "1968-11-01 00:00:00", "en", 183 },
        { "9780000000004", "The Cyberiad", "1965-01-01 00:00:00", "pl", 295 },
        { "9780000000005", "Tales Told Thrice", "1990-01-01 00:00:00", "en", 1 },
        { "9780000000006", "Untitled", NULL, "xx", 0 },
    };
    for (int i = 0; i < 6; i++) {
        Book b = BOOK_INIT;
        b.isbn = (char *)books[i].isbn;
        b.title = (char *)books[i].title;
        b.has_published = books[i].published != NULL;
        b.published = b.has_published ? at(books[i].published) : 0;
        b.has_pages = books[i].pages != 0;
        b.pages = books[i].pages;
        b.language = (char *)books[i].language;
        OK(db, book_insert(db, &b));
    }
    e2e_exec(db, "INSERT INTO book_authors (book_id, author_id, \"order\") VALUES "
                 "(1, 1, 1), (3, 1, 1), (2, 2, 1), (4, 2, 1), (5, 3, 1), (5, 1, 2), (5, 2, 3)");
    static const struct { int64_t book, no; const char *shelf, *condition; } copies[] = {
        { 1, 1, "A1", "good" }, { 1, 2, NULL, "worn" }, { 2, 1, "B7", "good" },
        { 4, 1, NULL, "new" },  { 4, 2, "C3", "good" }, { 4, 3, "C3", "torn" },
    };
    for (int i = 0; i < 6; i++) {
        Copy c = COPY_INIT;
        c.book_id = copies[i].book;
        c.copy_no = copies[i].no;
        c.shelf = (char *)copies[i].shelf;
        c.condition = (char *)copies[i].condition;
        OK(db, copy_insert(db, &c));
    }
    static const char *const names[] = { "Mo", "Jo", "Flo", "Bo" };
    for (int i = 0; i < 4; i++) {
        char card[16];
        snprintf(card, sizeof card, "C-%d", i + 1);
        Member m = MEMBER_INIT;
        m.card_no = card;
        m.name = (char *)names[i];
        m.email = i == 2 ? NULL : (char *)names[i];
        OK(db, member_insert(db, &m));
    }
    static unsigned char zeros[] = { 0, 1, 0, 2, 0 }, plain[] = { 'x', 'y', 'z' };
    static const struct { unsigned char *data; size_t len; } codes[] = { { zeros, 5 }, { plain, 0 }, { plain, 3 } };
    for (int i = 0; i < 3; i++) {
        LibraryCard c = LIBRARY_CARD_INIT;
        c.member_id = i + 1;
        c.barcode.data = codes[i].data;
        c.barcode.len = codes[i].len;
        c.has_expires = i != 1;
        c.expires = at("2030-01-01 00:00:00");
        OK(db, library_card_insert(db, &c));
    }
    static const struct { int64_t member, book; const char *out; } loans[] = {
        { 1, 2, "2024-01-01 00:00:00" }, { 1, 2, "2024-02-01 00:00:00" }, { 1, 5, "2024-01-03 00:00:00" },
        { 2, 5, "2024-01-04 00:00:00" }, { 4, 1, "2024-01-05 00:00:00" }, { 4, 6, "2024-01-06 00:00:00" },
    };
    for (int i = 0; i < 6; i++) {
        Loan l = LOAN_INIT;
        l.member_id = loans[i].member;
        l.has_member_id = true;
        l.book_id = loans[i].book;
        l.out = at(loans[i].out);
        l.has_out = true;
        l.due = at("2024-03-01 00:00:00");
        OK(db, loan_insert(db, &l));
    }
}

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (e2e_open(&db) != ASSOC_OK)
        return -1;
    OK(db, library_create_all(db));
    fill(db);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    e2e_close(*state);
    return 0;
}

/* The parents: all of them, over and over, NPARENTS in all. */
#define PARENTS(all, out)                                                                               \
    do {                                                                                                \
        for (size_t i_ = 0; i_ < NPARENTS; i_++)                                                        \
            (out)[i_] = (all).items[(i_ * 7 + i_ / 5) % (all).len];                                     \
    } while (0)

/* Check g against the accessor `one` for each parent: the same rows, in
 * the same order, every field equal; rows.items once per key, by key. */
#define CHECK_COLLECTION(db, L, g, parents, one, eq, list_free)                                           \
    do {                                                                                                \
        assert_int_equal((g).n, NPARENTS);                                                              \
        for (size_t i_ = 0; i_ < NPARENTS; i_++) {                                                      \
            L list_ = { NULL, 0 };                                                                      \
            OK(db, one(db, &(parents)[i_], &list_));                                                    \
            assert_int_equal((g).start[i_ + 1] - (g).start[i_], list_.len);                             \
            for (size_t k_ = (g).start[i_]; k_ < (g).start[i_ + 1]; k_++)                               \
                eq(&(g).rows.items[(g).link[k_]], &list_.items[k_ - (g).start[i_]]);                    \
            list_free(&list_);                                                                          \
        }                                                                                               \
    } while (0)

static void test_many_to_many(void **state)
{
    assoc_db *db = *state;
    AuthorList authors = AUTHOR_LIST_INIT;
    BookList books = BOOK_LIST_INIT;
    MemberList members = MEMBER_LIST_INIT;
    OK(db, author_all(db, &authors));
    OK(db, book_all(db, &books));
    OK(db, member_all(db, &members));
    static Author ap[NPARENTS];
    static Book bp[NPARENTS];
    static Member mp[NPARENTS];
    PARENTS(authors, ap);
    PARENTS(books, bp);
    PARENTS(members, mp);
    for (int round = 0; round < 2; round++) {
        BookGroups bg = BOOK_GROUPS_INIT;
        OK(db, author_books_load(db, ap, NPARENTS, &bg));
        CHECK_COLLECTION(db, BookList, bg, ap, author_books, eq_book, book_list_free);
        assert_int_equal(bg.rows.len, 5);       /* book 6 has no author */
        for (size_t k = 1; k < bg.rows.len; k++)
            assert_true(bg.rows.items[k - 1].id < bg.rows.items[k].id);
        book_groups_free(&bg);

        AuthorGroups ag = AUTHOR_GROUPS_INIT;
        OK(db, book_authors_load(db, bp, NPARENTS, &ag));
        CHECK_COLLECTION(db, AuthorList, ag, bp, book_authors, eq_author, author_list_free);
        assert_int_equal(ag.rows.len, 3);
        author_groups_free(&ag);

        /* book 2 borrowed twice by member 1: once in its rows */
        OK(db, member_borrowed_load(db, mp, NPARENTS, &bg));
        CHECK_COLLECTION(db, BookList, bg, mp, member_borrowed, eq_book, book_list_free);
        assert_int_equal(bg.rows.len, 4);
        book_groups_free(&bg);
    }
    author_list_free(&authors);
    book_list_free(&books);
    member_list_free(&members);
}

/* Copies are known by (book_id, copy_no): no row id, so repeats are found
 * by the key's comparison, not by the hash of a row id. */
static void test_composite_key(void **state)
{
    assoc_db *db = *state;
    BookList books = BOOK_LIST_INIT;
    OK(db, book_all(db, &books));
    static Book bp[NPARENTS];
    PARENTS(books, bp);
    for (int round = 0; round < 2; round++) {
        CopyGroups g = COPY_GROUPS_INIT;
        OK(db, book_copies_load(db, bp, NPARENTS, &g));
        CHECK_COLLECTION(db, CopyList, g, bp, book_copies, eq_copy, copy_list_free);
        assert_int_equal(g.rows.len, 6);
        for (size_t k = 1; k < g.rows.len; k++)
            assert_true(g.rows.items[k - 1].book_id < g.rows.items[k].book_id ||
                        (g.rows.items[k - 1].book_id == g.rows.items[k].book_id &&
                         g.rows.items[k - 1].copy_no < g.rows.items[k].copy_no));
        copy_groups_free(&g);
    }
    book_list_free(&books);
}

/* To-one loads: a card's blob (with zero bytes; empty: data still set),
 * a member without a card, a copy's book shared by copies. */
static void test_to_one(void **state)
{
    assoc_db *db = *state;
    MemberList members = MEMBER_LIST_INIT;
    CopyList copies = COPY_LIST_INIT;
    OK(db, member_all(db, &members));
    OK(db, copy_all(db, &copies));
    static Member mp[NPARENTS];
    static Copy cp[NPARENTS];
    PARENTS(members, mp);
    PARENTS(copies, cp);
    for (int round = 0; round < 2; round++) {
        LibraryCardGroups g = LIBRARY_CARD_GROUPS_INIT;
        OK(db, member_card_load(db, mp, NPARENTS, &g));
        assert_int_equal(g.rows.len, 3);
        for (size_t i = 0; i < NPARENTS; i++) {
            LibraryCard one = LIBRARY_CARD_INIT;
            int rc = member_card(db, &mp[i], &one);
            if (rc == ASSOC_NOTFOUND) {
                assert_int_equal(g.start[i + 1] - g.start[i], 0);
                continue;
            }
            OK(db, rc);
            assert_int_equal(g.start[i + 1] - g.start[i], 1);
            const LibraryCard *c = &g.rows.items[g.link[g.start[i]]];
            eq_card(c, &one);
            assert_non_null(c->barcode.data);
            library_card_free(&one);
        }
        library_card_groups_free(&g);

        BookGroups bg = BOOK_GROUPS_INIT;
        OK(db, copy_book_load(db, cp, NPARENTS, &bg));
        assert_int_equal(bg.rows.len, 3);     /* books 1, 2, 4 */
        for (size_t i = 0; i < NPARENTS; i++) {
            Book one = BOOK_INIT;
            OK(db, copy_book(db, &cp[i], &one));
            assert_int_equal(bg.start[i + 1] - bg.start[i], 1);
            eq_book(&bg.rows.items[bg.link[bg.start[i]]], &one);
            book_free(&one);
        }
        book_groups_free(&bg);
    }
    member_list_free(&members);
    copy_list_free(&copies);
}

/* The groups own their memory: what the rows point at stays valid while
 * the connection runs other statements and loads, and after it closes. */
static void test_groups_outlive_statements(void **state)
{
    assoc_db *db = *state;
    BookList books = BOOK_LIST_INIT;
    OK(db, book_all(db, &books));
    AuthorGroups first = AUTHOR_GROUPS_INIT, second = AUTHOR_GROUPS_INIT;
    OK(db, book_authors_load(db, books.items, books.len, &first));
    OK(db, book_authors_load(db, books.items + 2, books.len - 2, &second));
    CopyGroups copies = COPY_GROUPS_INIT;
    OK(db, book_copies_load(db, books.items, books.len, &copies));
    e2e_close(db);
    *state = NULL;
    /* book 5's authors by name: Anonymous, Stanislaw, Ursula */
    assert_int_equal(first.start[5] - first.start[4], 3);
    assert_string_equal(first.rows.items[first.link[first.start[4]]].name, "Anonymous");
    assert_string_equal(second.rows.items[second.link[second.start[2] + 2]].name, "Ursula");
    assert_string_equal(copies.rows.items[copies.link[copies.start[0] + 1]].condition, "worn");
    assert_null(copies.rows.items[copies.link[copies.start[0] + 1]].shelf);
    author_groups_free(&first);
    author_groups_free(&second);
    copy_groups_free(&copies);
    book_list_free(&books);
}

/* A row that cannot be read fails the load, naming its table, column and
 * row, whether the reader met it with the whole row or after the key (the
 * look-up by row id reads the rest only); nothing is handed over, and the
 * connection's next load is whole. */
static void test_unreadable_row(void **state)
{
    assoc_db *db = *state;
    SQLITE_ONLY(db);
    e2e_exec(db, "UPDATE books SET published = 'not a time' WHERE id = 3");
    AuthorList authors = AUTHOR_LIST_INIT;
    OK(db, author_all(db, &authors));
    static Author ap[NPARENTS];
    PARENTS(authors, ap);
    BookGroups g = BOOK_GROUPS_INIT;
    RC(db, ASSOC_ERROR, author_books_load(db, ap, NPARENTS, &g));
    assert_non_null(strstr(assoc_errmsg(db), "books"));
    assert_non_null(strstr(assoc_errmsg(db), "published"));
    assert_null(g.rows.items);
    assert_null(g.start);
    assert_null(g.link);
    assert_int_equal(g.n, 0);
    book_groups_free(&g);
    e2e_exec(db, "UPDATE books SET published = '1968-11-01 00:00:00' WHERE id = 3");
    OK(db, author_books_load(db, ap, NPARENTS, &g));
    CHECK_COLLECTION(db, BookList, g, ap, author_books, eq_book, book_list_free);
    book_groups_free(&g);
    author_list_free(&authors);
}

/* _load_each against _load: fn(parent, row) for each parent in order and
 * each of its rows in the groups' order, every field equal. */
#define EACH_CHECKER(T, G, eq)                                                                          \
    typedef struct {                                                                                    \
        const G *g;                                                                                     \
        size_t i, k;                                                                                    \
    } each_##T##_ctx;                                                                                   \
    static int each_##T(size_t parent, const T *row, void *ctx)                                         \
    {                                                                                                   \
        each_##T##_ctx *c = ctx;                                                                        \
        while (c->i < c->g->n && c->k == c->g->start[c->i + 1])                                         \
            c->i++;                                                                                     \
        assert_true(c->i < c->g->n);                                                                    \
        assert_int_equal(parent, c->i);                                                                 \
        eq(row, &c->g->rows.items[c->g->link[c->k]]);                                                   \
        c->k++;                                                                                         \
        return 0;                                                                                       \
    }

EACH_CHECKER(Book, BookGroups, eq_book)
EACH_CHECKER(Author, AuthorGroups, eq_author)
EACH_CHECKER(Copy, CopyGroups, eq_copy)
EACH_CHECKER(LibraryCard, LibraryCardGroups, eq_card)

#define CHECK_EACH(db, T, G, GINIT, load, load_each, parents, gfree)                                    \
    do {                                                                                                \
        G g_ = GINIT;                                                                                   \
        OK(db, load(db, parents, NPARENTS, &g_));                                                       \
        each_##T##_ctx c_ = { &g_, 0, 0 };                                                              \
        OK(db, load_each(db, parents, NPARENTS, each_##T, &c_));                                        \
        assert_int_equal(c_.k, g_.start[g_.n]);                                                         \
        assert_true(c_.k > 0);                                                                          \
        gfree(&g_);                                                                                     \
    } while (0)

static void test_load_each_as_load(void **state)
{
    assoc_db *db = *state;
    AuthorList authors = AUTHOR_LIST_INIT;
    BookList books = BOOK_LIST_INIT;
    MemberList members = MEMBER_LIST_INIT;
    CopyList copies = COPY_LIST_INIT;
    OK(db, author_all(db, &authors));
    OK(db, book_all(db, &books));
    OK(db, member_all(db, &members));
    OK(db, copy_all(db, &copies));
    static Author ap[NPARENTS];
    static Book bp[NPARENTS];
    static Member mp[NPARENTS];
    static Copy cp[NPARENTS];
    PARENTS(authors, ap);
    PARENTS(books, bp);
    PARENTS(members, mp);
    PARENTS(copies, cp);
    for (int round = 0; round < 2; round++) {
        CHECK_EACH(db, Book, BookGroups, BOOK_GROUPS_INIT, author_books_load, author_books_load_each, ap,
                   book_groups_free);
        CHECK_EACH(db, Author, AuthorGroups, AUTHOR_GROUPS_INIT, book_authors_load, book_authors_load_each, bp,
                   author_groups_free);
        CHECK_EACH(db, Book, BookGroups, BOOK_GROUPS_INIT, member_borrowed_load, member_borrowed_load_each, mp,
                   book_groups_free);
        CHECK_EACH(db, Copy, CopyGroups, COPY_GROUPS_INIT, book_copies_load, book_copies_load_each, bp,
                   copy_groups_free);
        CHECK_EACH(db, LibraryCard, LibraryCardGroups, LIBRARY_CARD_GROUPS_INIT, member_card_load,
                   member_card_load_each, mp, library_card_groups_free);
        CHECK_EACH(db, Book, BookGroups, BOOK_GROUPS_INIT, copy_book_load, copy_book_load_each, cp,
                   book_groups_free);
    }
    author_list_free(&authors);
    book_list_free(&books);
    member_list_free(&members);
    copy_list_free(&copies);
}

/* A one-to-one whose target's key has two columns (Book.newest_copy, the
 * copy with the highest number): the load, _load_each and a query through
 * it take each parent's first child as the relationship's getter reads it,
 * never every child. */
static void test_one_to_one_composite_key(void **state)
{
    assoc_db *db = *state;
    BookList books = BOOK_LIST_INIT;
    OK(db, book_all(db, &books));
    static Book bp[NPARENTS];
    PARENTS(books, bp);
    for (int round = 0; round < 2; round++) {
        CopyGroups g = COPY_GROUPS_INIT;
        OK(db, book_newest_copy_load(db, bp, NPARENTS, &g));
        assert_int_equal(g.rows.len, 3);     /* (1,2), (2,1), (4,3) */
        for (size_t i = 0; i < NPARENTS; i++) {
            Copy one = COPY_INIT;
            int rc = book_newest_copy(db, &bp[i], &one);
            if (rc == ASSOC_NOTFOUND) {
                assert_int_equal(g.start[i + 1] - g.start[i], 0);
                continue;
            }
            OK(db, rc);
            assert_int_equal(g.start[i + 1] - g.start[i], 1);
            eq_copy(&g.rows.items[g.link[g.start[i]]], &one);
            copy_free(&one);
        }
        each_Copy_ctx c = { &g, 0, 0 };
        OK(db, book_newest_copy_load_each(db, bp, NPARENTS, each_Copy, &c));
        assert_int_equal(c.k, g.start[g.n]);
        copy_groups_free(&g);
    }
    /* book 4's newest copy stands on C3 (as two of its copies do); book 1's
     * newest has no shelf, though its first stands on A1 */
    BookList found = BOOK_LIST_INIT;
    BookNewestOnArgs args = { "C3" };
    OK(db, book_newest_on(db, &args, &found));
    assert_int_equal(found.len, 1);
    assert_int_equal(found.items[0].id, 4);
    book_list_free(&found);
    args.shelf = "A1";
    OK(db, book_newest_on(db, &args, &found));
    assert_int_equal(found.len, 0);
    book_list_free(&found);
    book_list_free(&books);
}

/* fn may use the connection (no statement of the load is running while it
 * is called: a load of another relationship inside it is whole), and a
 * non-zero return stops the load in its second chunk, is returned, and
 * leaves no transaction open. */
typedef struct {
    assoc_db *db;
    size_t calls, stop_at;
} reenter_ctx;

static int reenter(size_t parent, const Book *row, void *ctx)
{
    reenter_ctx *c = ctx;
    (void)parent;
    CopyGroups g = COPY_GROUPS_INIT;
    OK(c->db, book_copies_load(c->db, row, 1, &g));
    CopyList one = COPY_LIST_INIT;
    OK(c->db, book_copies(c->db, row, &one));
    assert_int_equal(g.start[1], one.len);
    for (size_t k = 0; k < one.len; k++)
        eq_copy(&g.rows.items[g.link[k]], &one.items[k]);
    copy_list_free(&one);
    copy_groups_free(&g);
    return ++c->calls == c->stop_at ? 7 : 0;
}

static void test_load_each_reenters_and_stops(void **state)
{
    assoc_db *db = *state;
    AuthorList authors = AUTHOR_LIST_INIT;
    OK(db, author_all(db, &authors));
    static Author ap[NPARENTS];
    PARENTS(authors, ap);
    reenter_ctx all = { db, 0, 0 };
    OK(db, author_books_load_each(db, ap, NPARENTS, reenter, &all));
    BookGroups g = BOOK_GROUPS_INIT;
    OK(db, author_books_load(db, ap, NPARENTS, &g));
    assert_int_equal(all.calls, g.start[g.n]);
    /* stop in the second chunk (parents 100..199) */
    size_t stop = g.start[150] + 1;
    book_groups_free(&g);
    reenter_ctx some = { db, 0, stop };
    assert_int_equal(author_books_load_each(db, ap, NPARENTS, reenter, &some), 7);
    assert_int_equal(some.calls, stop);
    /* no transaction left open */
    RC(db, ASSOC_MISUSE, assoc_commit(db));
    author_list_free(&authors);
}

/* What fn writes stays when fn stops the load, with one chunk (no section
 * of the load's own) or several (fn inside the load's section). */
typedef struct {
    assoc_db *db;
    size_t calls, stop_at;
} writer_ctx;

static int writer(size_t parent, const Book *row, void *ctx)
{
    writer_ctx *c = ctx;
    (void)parent;
    (void)row;
    Author a = AUTHOR_INIT;
    a.name = "written in fn";
    OK(c->db, author_insert(c->db, &a));
    return ++c->calls == c->stop_at ? 9 : 0;
}

static void test_load_each_stop_keeps_writes(void **state)
{
    assoc_db *db = *state;
    AuthorList authors = AUTHOR_LIST_INIT;
    OK(db, author_all(db, &authors));
    static Author ap[NPARENTS];
    PARENTS(authors, ap);
    author_list_free(&authors);
    static const size_t sizes[] = { 100, NPARENTS };
    for (size_t w = 0; w < 2; w++) {
        int64_t before = 0, after = 0;
        OK(db, author_count(db, &before));
        writer_ctx c = { db, 0, 120 };
        assert_int_equal(author_books_load_each(db, ap, sizes[w], writer, &c), 9);
        assert_int_equal(c.calls, 120);
        OK(db, author_count(db, &after));
        assert_int_equal(after - before, 120);
        RC(db, ASSOC_MISUSE, assoc_commit(db));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_many_to_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_composite_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_outlive_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_each_as_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_to_one_composite_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_each_reenters_and_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_each_stop_keeps_writes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
