/* read_sa_tags.c - a plain association table (tags) as SQLAlchemy wrote
 * it, read through the code generated from `assocgen --from-db
 * sa_tags.db`: the many-to-many both ways (compare with sa_schemas.py dump
 * tags). */
#include "sa_tags.h"
#include "dump.h"

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, sa_tags_create_all, sa_tags_verify);

    PageList pages = PAGE_LIST_INIT;
    CHECK(page_all(db, &pages));
    for (size_t i = 0; i < pages.len; i++) {
        const Page *p = &pages.items[i];
        printf("page %" PRId64, p->id);
        p_text("title", p->title);
        p_text("body", p->body);
        p_bool("published", p->published, true);
        p_text("published_on", p->published_on);
        p_real("rating", p->rating, p->has_rating);
        p_int("views", p->views, p->has_views);
        p_time("created", p->created, p->has_created);
        printf("\n  tags:");
        TagList tags = TAG_LIST_INIT;
        CHECK(page_tags(db, p, &tags));
        for (size_t k = 0; k < tags.len; k++)
            printf(" %" PRId64, tags.items[k].id);
        printf("\n");
        tag_list_free(&tags);
    }
    page_list_free(&pages);

    TagList tags = TAG_LIST_INIT;
    CHECK(tag_all(db, &tags));
    for (size_t i = 0; i < tags.len; i++) {
        const Tag *t = &tags.items[i];
        printf("tag %" PRId64, t->id);
        p_text("name", t->name);
        printf("\n  pages:");
        PageList tp = PAGE_LIST_INIT;
        CHECK(tag_pages(db, t, &tp));
        for (size_t k = 0; k < tp.len; k++)
            printf(" %" PRId64, tp.items[k].id);
        printf("\n");
        page_list_free(&tp);
    }
    tag_list_free(&tags);
    assoc_close(db);
    return 0;
}
