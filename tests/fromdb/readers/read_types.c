/* read_types.c - sql/types.sql's database read through the code generated
 * from `assocgen --from-db types.db`: every declared type as the column it
 * became (DATE and TIME as text, MONEY by affinity...), defaults written by
 * SQLite itself (compare with hand_dump.py types). */
#include "types.h"
#include "dump.h"

int main(int argc, char **argv)
{
    /* items.id is BIGINT PRIMARY KEY: a column, not SQLite's row id, so a
     * generated insert (which leaves the key to SQLite) would store NULL;
     * the rows read all the same. */
    OPEN_REFUSED(argc, argv, types_create_all, types_verify, "table items, column id: the database has BIGINT, which is not SQLite's row id");

    ItemList items = ITEM_LIST_INIT;
    CHECK(item_all(db, &items));
    for (size_t i = 0; i < items.len; i++) {
        const Item *t = &items.items[i];
        printf("item %" PRId64, t->id);
        p_int("small", t->small, t->has_small);
        p_int("hexed", t->hexed, t->has_hexed);
        p_text("name", t->name);
        p_text("code", t->code);
        p_text("bare", t->bare);
        p_text("notes", t->notes);
        p_real("price", t->price, t->has_price);
        p_real("weight", t->weight, t->has_weight);
        p_real("ratio", t->ratio, t->has_ratio);
        p_real("cost", t->cost, t->has_cost);
        p_bool("active", t->active, t->has_active);
        p_bool("deleted", t->deleted, t->has_deleted);
        p_time("created", t->created, t->has_created);
        p_time("changed", t->changed, t->has_changed);
        p_text("born", t->born);
        p_text("opens", t->opens);
        p_text("meta", t->meta);
        p_text("ident", t->ident);
        p_blob("raw", t->raw);
        p_blob("untyped", t->untyped);
        p_time("stamp", t->stamp, t->has_stamp);
        p_text("multi", t->multi);
        p_int("shape", t->shape, t->has_shape);
        printf("\n");
    }
    /* The unique code and the indexed name give look-ups. */
    Item w = ITEM_INIT;
    CHECK(item_get_by_code(db, "W-1", &w));
    ItemList named = ITEM_LIST_INIT;
    CHECK(item_find_by_name(db, "plain", &named));
    if (w.id != 1 || named.len != 1 || named.items[0].id != 2) {
        fprintf(stderr, "look-ups found the wrong rows\n");
        return 1;
    }
    item_free(&w);
    item_list_free(&named);
    item_list_free(&items);
    assoc_close(db);
    return 0;
}
