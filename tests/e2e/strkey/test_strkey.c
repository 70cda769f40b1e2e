/* test_strkey.c - a one-to-many joined on a string key: _add writes a copy
 * of the parent's key into the child, so the two records are released on
 * their own (a shared pointer was freed twice). */
#include "e2e.h"

#include "strkey.h"

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (e2e_open(&db) != ASSOC_OK || strkey_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    e2e_close(*state);
    return 0;
}

/* Library-filled records on both sides: each _free releases only its own. */
static void test_add_copies_string_key(void **state)
{
    assoc_db *db = *state;
    User a = USER_INIT, b = USER_INIT;
    a.email = "a@x";
    b.email = "b@x";
    OK(db, user_insert(db, &a));
    OK(db, user_insert(db, &b));
    Post p = POST_INIT;
    OK(db, user_posts_add(db, &a, &p));            /* caller's record: key NULL before */
    assert_non_null(p.author_email);
    assert_ptr_not_equal(p.author_email, a.email);
    assert_string_equal(p.author_email, "a@x");
    assoc_free(p.author_email);                    /* the library's copy */

    User ub = USER_INIT;
    Post pg = POST_INIT;
    OK(db, user_get(db, b.id, &ub));
    OK(db, post_get(db, p.id, &pg));
    char *old = pg.author_email;
    OK(db, user_posts_add(db, &ub, &pg));
    assert_ptr_not_equal(pg.author_email, ub.email);
    assert_string_equal(pg.author_email, "b@x");
    assoc_free(old);                               /* replaced, not freed by _add */
    post_free(&pg);
    user_free(&ub);

    PostList posts = POST_LIST_INIT;
    OK(db, user_posts(db, &b, &posts));
    assert_int_equal(posts.len, 1);
    post_list_free(&posts);

    /* Adding again with an equal key keeps the child's own pointer. */
    OK(db, post_get(db, p.id, &pg));
    old = pg.author_email;
    OK(db, user_posts_add(db, &b, &pg));
    assert_ptr_equal(pg.author_email, old);
    post_free(&pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_copies_string_key, setup, teardown),
    };
    return cmocka_run_group_tests_name("e2e string keys", tests, NULL, NULL);
}
