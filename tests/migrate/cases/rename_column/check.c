/* The renamed fields hold the old columns' values. */
#include <string.h>

#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    UserList l = USER_LIST_INIT;
    EXPECT(user_all(db, &l) == ASSOC_OK && l.len == NUSERS, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++) {
        char name[64];
        int id = (int)l.items[i].id;
        name_of(id, name, sizeof name);
        EXPECT(has_name(id) ? l.items[i].full_name && strcmp(l.items[i].full_name, name) == 0
                            : l.items[i].full_name == NULL, "user %d's full_name", id);
    }
    user_list_free(&l);
    Post p = POST_INIT;
    User w = USER_INIT;
    EXPECT(post_get(db, 1, &p) == ASSOC_OK && p.writer_id == 1, "post 1's writer_id");
    EXPECT(post_author(db, &p, &w) == ASSOC_OK && w.id == 1, "post 1's author");
    TagList t = TAG_LIST_INIT;
    EXPECT(post_tags(db, &p, &t) == ASSOC_OK && t.len == 2, "post 1's tags");
    tag_list_free(&t);
    user_free(&w);
    post_free(&p);
    return failures;
}
