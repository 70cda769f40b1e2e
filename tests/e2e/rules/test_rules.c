/* test_rules.c - the delete and orphan rules of SPEC section 3 that the
 * seed's models do not show, value types and defaults, unique and index
 * look-ups and composite keys, through the code generated from rules.def. */
#include "e2e.h"

#include <stdint.h>
#include <stdlib.h>

#include "rules.h"

static const char *const all_tables[] = { "parents", "kids", "toys", "pets", "badges", "stricts", "vals", "slots" };
enum { NTABLES = sizeof all_tables / sizeof all_tables[0] };

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (e2e_open(&db) != ASSOC_OK || rules_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    e2e_close(*state);
    return 0;
}

static Parent new_parent(assoc_db *db, const char *name)
{
    Parent p = PARENT_INIT;
    p.name = (char *)name;
    OK(db, parent_insert(db, &p));
    return p;
}

static Kid new_kid(assoc_db *db, const Parent *p, const char *name)
{
    Kid k = KID_INIT;
    k.name = (char *)name;
    OK(db, parent_kids_add(db, p, &k));
    return k;
}

static Toy new_toy(assoc_db *db, const Kid *k, const char *name)
{
    Toy t = TOY_INIT;
    t.name = (char *)name;
    OK(db, kid_toys_add(db, k, &t));
    return t;
}

/* cascade "all" on Parent.kids and "all, delete-orphan" on Kid.toys:
 * deleting a parent deletes its kids and, recursively, their toys.  The
 * pets (no cascade) get a NULL owner.  The one-to-one badge goes too. */
static void test_recursive_cascade_and_set_null(void **state)
{
    assoc_db *db = *state;
    Parent ann = new_parent(db, "ann"), ben = new_parent(db, "ben");
    Kid k1 = new_kid(db, &ann, "k1"), k2 = new_kid(db, &ann, "k2"), k3 = new_kid(db, &ben, "k3");
    new_toy(db, &k1, "ball");
    new_toy(db, &k1, "kite");
    new_toy(db, &k2, "yoyo");
    new_toy(db, &k3, "drum");
    Pet rex = PET_INIT;
    rex.name = "rex";
    OK(db, parent_pets_add(db, &ann, &rex));
    Badge b = BADGE_INIT;
    b.parent_id = ann.id;
    b.has_parent_id = true;
    OK(db, badge_insert(db, &b));

    OK(db, parent_delete(db, &ann));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM kids"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM toys"), 1);       /* only k3's drum */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM badges"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM pets"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM pets WHERE owner_id IS NULL"), 1);
    Pet back = PET_INIT;
    OK(db, pet_get(db, rex.id, &back));
    assert_false(back.has_owner_id);
    Parent none = PARENT_INIT;
    RC(db, ASSOC_NOTFOUND, pet_owner(db, &back, &none));
    pet_free(&back);
}

/* Without a cascade, the children's key is set to NULL; a not_null key makes
 * that a constraint error, and the whole delete is undone. */
static void test_not_null_key_blocks_delete(void **state)
{
    assoc_db *db = *state;
    Parent ann = new_parent(db, "ann");
    Kid k = new_kid(db, &ann, "k");
    new_toy(db, &k, "ball");
    Strict s = STRICT_INIT;
    OK(db, parent_strict_add(db, &ann, &s));
    assert_int_equal(s.parent_id, ann.id);

    uint64_t before = db_fingerprint(db, all_tables, NTABLES);
    RC(db, ASSOC_CONSTRAINT, parent_delete(db, &ann));
    assert_true(strlen(assoc_errmsg(db)) > 0);
    assert_int_equal(db_fingerprint(db, all_tables, NTABLES), before);    /* kids and toys still there */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM kids"), 1);

    OK(db, strict_delete(db, &s));
    OK(db, parent_delete(db, &ann));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM toys"), 0);
}

/* _remove: delete-orphan deletes the child; without it the key goes NULL;
 * a not_null key without delete-orphan cannot be removed. */
static void test_remove_rules(void **state)
{
    assoc_db *db = *state;
    Parent ann = new_parent(db, "ann");
    Kid k = new_kid(db, &ann, "k");
    Toy t = new_toy(db, &k, "ball");
    OK(db, kid_toys_remove(db, &k, &t));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM toys"), 0);

    OK(db, parent_kids_remove(db, &ann, &k));                    /* cascade "all": no delete-orphan */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM kids"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM kids WHERE parent_id IS NULL"), 1);
    RC(db, ASSOC_NOTFOUND, parent_kids_remove(db, &ann, &k));    /* no longer ann's */

    Strict s = STRICT_INIT;
    OK(db, parent_strict_add(db, &ann, &s));
    RC(db, ASSOC_CONSTRAINT, parent_strict_remove(db, &ann, &s));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM stricts WHERE parent_id IS NOT NULL"), 1);
}

static int count_badge(const Badge *b, void *ctx)
{
    assert_string_equal(b->label, "gold");
    ++*(int *)ctx;
    return 0;
}

/* order_by = name desc, ties by key; the one-to-one returns one row. */
static void test_order_by_and_one_to_one(void **state)
{
    assoc_db *db = *state;
    Parent ann = new_parent(db, "ann");
    Kid k = new_kid(db, &ann, "k");
    Toy a = new_toy(db, &k, "apple"), c1 = new_toy(db, &k, "cart"), b = new_toy(db, &k, "ball");
    Toy c2 = new_toy(db, &k, "cart");
    ToyList ts = TOY_LIST_INIT;
    OK(db, kid_toys(db, &k, &ts));
    assert_int_equal(ts.len, 4);
    assert_int_equal(ts.items[0].id, c1.id);
    assert_int_equal(ts.items[1].id, c2.id);
    assert_int_equal(ts.items[2].id, b.id);
    assert_int_equal(ts.items[3].id, a.id);
    toy_list_free(&ts);

    Badge none = BADGE_INIT;
    RC(db, ASSOC_NOTFOUND, parent_badge(db, &ann, &none));
    Badge bd = BADGE_INIT;
    bd.label = "gold";
    bd.parent_id = ann.id;
    bd.has_parent_id = true;
    OK(db, badge_insert(db, &bd));
    Badge got = BADGE_INIT;
    OK(db, parent_badge(db, &ann, &got));
    assert_int_equal(got.id, bd.id);
    assert_string_equal(got.label, "gold");
    badge_free(&got);

    /* The borrowing form of the one-to-one. */
    int calls = 0;
    OK(db, parent_badge_view(db, &ann, count_badge, &calls));
    assert_int_equal(calls, 1);
    Parent ben = new_parent(db, "ben");
    OK(db, parent_badge_view(db, &ben, count_badge, &calls));
    assert_int_equal(calls, 1);
}

static void test_unique_and_index_lookups(void **state)
{
    assoc_db *db = *state;
    Parent ann = new_parent(db, "ann");
    new_parent(db, "ben");
    Parent dup = PARENT_INIT;
    dup.name = "ann";
    RC(db, ASSOC_CONSTRAINT, parent_insert(db, &dup));       /* unique */
    Parent none = PARENT_INIT;
    none.name = NULL;
    RC(db, ASSOC_CONSTRAINT, parent_insert(db, &none));      /* not_null */

    Parent got = PARENT_INIT;
    OK(db, parent_get_by_name(db, "ann", &got));
    assert_int_equal(got.id, ann.id);
    parent_free(&got);
    RC(db, ASSOC_NOTFOUND, parent_get_by_name(db, "zed", &got));

    new_kid(db, &ann, "twin");
    new_kid(db, &ann, "twin");
    new_kid(db, &ann, "solo");
    KidList ks = KID_LIST_INIT;
    OK(db, kid_find_by_name(db, "twin", &ks));
    assert_int_equal(ks.len, 2);
    assert_true(ks.items[0].id < ks.items[1].id);
    kid_list_free(&ks);
    OK(db, kid_find_by_name(db, "nobody", &ks));
    assert_int_equal(ks.len, 0);
    kid_list_free(&ks);
}

/* Unset columns take their defaults and insert writes them back; NULL stays
 * distinct from zero, false and empty; integer edges and blobs with NUL
 * bytes round-trip. */
static void test_values_and_defaults(void **state)
{
    assoc_db *db = *state;
    Value v = VALUE_INIT;
    OK(db, value_insert(db, &v));
    assert_true(v.has_i);
    assert_int_equal(v.i, 42);
    assert_non_null(v.s);
    assert_string_equal(v.s, "abc");
    assert_true(v.has_flag);
    assert_true(v.flag);
    assert_true(v.has_ratio);
    assert_true(v.ratio == 0.5);
    assert_false(v.has_f);
    assert_false(v.has_b);
    assert_null(v.data.data);
    assert_null(v.t);
    value_free(&v);                           /* the written-back default string is library-owned */

    Value back = VALUE_INIT;
    int64_t id;
    {
        Value w = VALUE_INIT;
        static unsigned char bytes[] = { 'a', 0, 'b', 0 };
        w.f = -0.0;
        w.has_f = true;
        w.b = false;
        w.has_b = true;
        w.data.data = bytes;
        w.data.len = sizeof bytes;
        w.t = "";
        w.d = -1;                             /* one microsecond before 1970 */
        w.has_d = true;
        w.i = INT64_MIN;
        w.has_i = true;
        w.s = "";
        w.flag = false;
        w.has_flag = true;                    /* set: false, not the default */
        OK(db, value_insert(db, &w));
        id = w.id;
    }
    OK(db, value_get(db, id, &back));
    assert_true(back.has_f);
    assert_true(back.has_b);
    assert_false(back.b);
    assert_int_equal(back.data.len, 4);
    assert_memory_equal(back.data.data, "a\0b\0", 4);
    assert_non_null(back.t);
    assert_string_equal(back.t, "");
    assert_true(back.has_d);
    assert_int_equal(back.d, -1);
    assert_int_equal(back.i, INT64_MIN);
    assert_string_equal(back.s, "");
    assert_true(back.has_flag);
    assert_false(back.flag);
    value_free(&back);

    Value m = VALUE_INIT;
    m.i = INT64_MAX;
    m.has_i = true;
    static unsigned char nothing[1];
    m.data.data = nothing;                    /* an empty blob, not NULL */
    m.data.len = 0;
    OK(db, value_insert(db, &m));
    OK(db, value_get(db, m.id, &back));
    assert_int_equal(back.i, INT64_MAX);
    assert_non_null(back.data.data);
    assert_int_equal(back.data.len, 0);
    value_free(&back);
    /* m mixes ownership: its blob is the caller's, the default written back
     * into s (left NULL) is the library's, released on its own. */
    assert_ptr_equal(m.data.data, nothing);
    assert_string_equal(m.s, "abc");
    assoc_free(m.s);

    Value big = VALUE_INIT;
    big.s = "toolong";                        /* string(5) */
    RC(db, ASSOC_CONSTRAINT, value_insert(db, &big));
}

static void test_composite_key(void **state)
{
    assoc_db *db = *state;
    Slot s = SLOT_INIT;
    s.day = 3;
    s.hour = 14;
    s.label = "standup";
    OK(db, slot_insert(db, &s));
    s.hour = 15;
    s.label = "review";
    OK(db, slot_insert(db, &s));
    RC(db, ASSOC_CONSTRAINT, slot_insert(db, &s));
    Slot got = SLOT_INIT;
    OK(db, slot_get(db, 3, 14, &got));
    assert_string_equal(got.label, "standup");
    slot_free(&got);
    RC(db, ASSOC_NOTFOUND, slot_get(db, 3, 16, &got));
    s.label = "retro";
    OK(db, slot_update(db, &s));
    OK(db, slot_get(db, 3, 15, &got));
    assert_string_equal(got.label, "retro");
    slot_free(&got);
    OK(db, slot_delete(db, &s));
    RC(db, ASSOC_NOTFOUND, slot_delete(db, &s));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM slots"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recursive_cascade_and_set_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_null_key_blocks_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_by_and_one_to_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unique_and_index_lookups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_and_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_composite_key, setup, teardown),
    };
    return cmocka_run_group_tests_name("e2e delete rules and values", tests, NULL, NULL);
}
