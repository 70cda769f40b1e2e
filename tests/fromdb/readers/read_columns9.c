/* read_columns9.c - sql/columns9.sql's database read through the code
 * generated from `assocgen --from-db columns9.db`: members with
 * column("...") for names that are no identifiers ("Author Code", "%",
 * "2nd line") or whose C field another column's takes (int_, has_x); json
 * columns (declared JSON, CHECK json_valid) read as their text; enum
 * columns (CHECK IN on a column, as a table constraint, after IS NULL OR)
 * by their values' names; a foreign key between two such members (compare
 * with hand_dump.py columns9). */
#include "columns9.h"
#include "dump.h"

static const char *const states[] = { "draft", "review", "published" };
static const char *const kinds[] = { "memo", "letter" };
static const char *const priorities[] = { "low", "normal", "high" };

#define IDS(label, List, INIT, call, list_free)                                               \
    do {                                                                                      \
        List l_ = INIT;                                                                       \
        CHECK(call);                                                                          \
        printf("  %s:", label);                                                               \
        for (size_t k_ = 0; k_ < l_.len; k_++)                                                \
            printf(" %" PRId64, l_.items[k_].id);                                             \
        printf("\n");                                                                         \
        list_free(&l_);                                                                       \
    } while (0)

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, columns9_create_all, columns9_verify);
    bool found;

    AuthorList authors = AUTHOR_LIST_INIT;
    CHECK(author_all(db, &authors));
    for (size_t i = 0; i < authors.len; i++) {
        const Author *a = &authors.items[i];
        printf("author %" PRId64, a->id);
        p_text("author_code", a->author_code);
        p_text("full_name", a->full_name);
        p_text("note_text", a->note_text);
        p_text("note_text_2", a->note_text_2);
        p_int("int", a->int_, a->has_int_);
        p_int("int_2", a->int_2, a->has_int_2);
        p_int("x", a->x, a->has_x);
        p_int("has_x_2", a->has_x_2, a->has_has_x_2);
        p_text("col_2nd_line", a->col_2nd_line);
        p_real("col", a->col, a->has_col);
        p_text("e_mail", a->e_mail);
        printf("\n");
        IDS("author_code_documents", DocumentList, DOCUMENT_LIST_INIT, author_author_code_documents(db, a, &l_),
            document_list_free);
        IDS("editor_documents", DocumentList, DOCUMENT_LIST_INIT, author_editor_documents(db, a, &l_),
            document_list_free);
        /* the unique members give look-ups */
        Author same = AUTHOR_INIT;
        CHECK(author_get_by_author_code(db, a->author_code, &same));
        if (same.id != a->id)
            return 1;
        author_free(&same);
    }
    author_list_free(&authors);

    DocumentList docs = DOCUMENT_LIST_INIT;
    CHECK(document_all(db, &docs));
    for (size_t i = 0; i < docs.len; i++) {
        const Document *d = &docs.items[i];
        printf("document %" PRId64, d->id);
        p_text("doc_title", d->doc_title);
        p_text("author_code", d->author_code);
        p_int("editor_id", d->editor_id, d->has_editor_id);
        p_text("body", d->body);
        p_text("meta", d->meta);
        p_text("extra", d->extra);
        p_text("tags", d->tags);
        p_text("notjson", d->notjson);
        p_text("indexed", d->indexed);
        p_enum("state", (int)d->state, d->has_state, NAMES(states));
        p_enum("Kind", (int)d->Kind, d->has_Kind, NAMES(kinds));
        p_enum("priority", (int)d->priority, d->has_priority, NAMES(priorities));
        p_text("mood", d->mood);
        p_int("level", d->level, d->has_level);
        p_text("flag", d->flag);
        p_text("list", d->list);
        Author a = AUTHOR_INIT, e = AUTHOR_INIT;
        TO_ONE(document_author(db, d, &a), found);
        if (found)
            printf("\n  author: %" PRId64, a.id);
        else
            printf("\n  author: none");
        TO_ONE(document_editor(db, d, &e), found);
        if (found)
            printf(" editor: %" PRId64 "\n", e.id);
        else
            printf(" editor: none\n");
        author_free(&a);
        author_free(&e);
    }
    document_list_free(&docs);
    /* The enum's index gives a look-up by a value. */
    DocumentList memos = DOCUMENT_LIST_INIT;
    CHECK(document_find_by_Kind(db, DOCUMENT_KIND_MEMO, &memos));
    if (memos.len != 1 || memos.items[0].id != 1) {
        fprintf(stderr, "document_find_by_Kind(memo) found %zu rows\n", memos.len);
        return 1;
    }
    document_list_free(&memos);
    assoc_close(db);
    return 0;
}
