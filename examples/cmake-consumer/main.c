/* main.c - a program that uses the code assocgen generates from library.def. */
#include <stdio.h>

#include "library.h"

static int fail(assoc_db *db, const char *what)
{
    fprintf(stderr, "library: %s: %s\n", what, db ? assoc_errmsg(db) : "cannot open");
    if (db)
        assoc_close(db);
    return 1;
}

int main(void)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK)
        return fail(db, "open");
    if (library_create_all(db) != ASSOC_OK)
        return fail(db, "create_all");

    Member grace = MEMBER_INIT, alan = MEMBER_INIT;
    grace.name = "Grace";
    alan.name = "Alan";
    Book book = BOOK_INIT;
    book.title = "Structure and Interpretation of Computer Programs";
    book.isbn = "0-262-01153-0";
    if (member_insert(db, &grace) != ASSOC_OK || member_insert(db, &alan) != ASSOC_OK
        || book_insert(db, &book) != ASSOC_OK)
        return fail(db, "insert");
    if (book_borrowers_add(db, &book, &grace) != ASSOC_OK
        || member_books_add(db, &alan, &book) != ASSOC_OK)
        return fail(db, "add");

    Book found = BOOK_INIT;
    MemberList who = MEMBER_LIST_INIT;
    if (book_get_by_isbn(db, "0-262-01153-0", &found) != ASSOC_OK
        || book_borrowers(db, &found, &who) != ASSOC_OK)
        return fail(db, "load");
    printf("%s:", found.title);
    for (size_t i = 0; i < who.len; i++)
        printf(" %s", who.items[i].name);
    printf("\n");
    int ok = who.len == 2;
    member_list_free(&who);
    book_free(&found);
    assoc_close(db);
    return ok ? 0 : 1;
}
