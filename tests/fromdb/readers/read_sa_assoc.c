/* read_sa_assoc.c - an association object with a composite key, as
 * SQLAlchemy wrote it, read through the code generated from `assocgen
 * --from-db sa_assoc.db` (compare with sa_schemas.py dump assoc). */
#include "sa_assoc.h"
#include "dump.h"

static void pairs(const AssociationTableList *l)
{
    printf("  associations:");
    for (size_t i = 0; i < l->len; i++)
        printf(" %" PRId64 ",%" PRId64, l->items[i].left_id, l->items[i].right_id);
    printf("\n");
}

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, sa_assoc_create_all, sa_assoc_verify);

    LeftTableList parents = LEFT_TABLE_LIST_INIT;
    CHECK(left_table_all(db, &parents));
    for (size_t i = 0; i < parents.len; i++) {
        const LeftTable *p = &parents.items[i];
        printf("parent %" PRId64, p->id);
        p_text("name", p->name);
        printf("\n");
        AssociationTableList l = ASSOCIATION_TABLE_LIST_INIT;
        CHECK(left_table_association_tables(db, p, &l));
        pairs(&l);
        association_table_list_free(&l);
    }
    left_table_list_free(&parents);

    RightTableList children = RIGHT_TABLE_LIST_INIT;
    CHECK(right_table_all(db, &children));
    for (size_t i = 0; i < children.len; i++) {
        const RightTable *c = &children.items[i];
        printf("child %" PRId64, c->id);
        p_text("name", c->name);
        p_time("born", c->born, c->has_born);
        printf("\n");
        AssociationTableList l = ASSOCIATION_TABLE_LIST_INIT;
        CHECK(right_table_association_tables(db, c, &l));
        pairs(&l);
        association_table_list_free(&l);
    }
    right_table_list_free(&children);

    AssociationTableList all = ASSOCIATION_TABLE_LIST_INIT;
    CHECK(association_table_all(db, &all));
    for (size_t i = 0; i < all.len; i++) {
        const AssociationTable *a = &all.items[i];
        printf("association %" PRId64 ",%" PRId64, a->left_id, a->right_id);
        p_text("extra_data", a->extra_data);
        LeftTable p = LEFT_TABLE_INIT;
        RightTable c = RIGHT_TABLE_INIT;
        CHECK(association_table_left(db, a, &p));
        CHECK(association_table_right(db, a, &c));
        printf("\n  parent: %" PRId64 " child: %" PRId64 "\n", p.id, c.id);
        left_table_free(&p);
        right_table_free(&c);
    }
    association_table_list_free(&all);
    assoc_close(db);
    return 0;
}
