/* The rows there were took the server defaults. */
#include <string.h>

#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    UserList l = USER_LIST_INIT;
    EXPECT(user_all(db, &l) == ASSOC_OK && l.len == NUSERS, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++)
        EXPECT(l.items[i].points == 10 && l.items[i].phone == NULL && !l.items[i].has_mentor_id, "user %zu", i);
    user_list_free(&l);
    Post p = POST_INIT;
    EXPECT(post_get(db, 3, &p) == ASSOC_OK && p.has_draft && !p.draft, "post 3's draft");
    post_free(&p);
    Group g = GROUP_INIT;
    EXPECT(group_get(db, 2, &g) == ASSOC_OK && g.note && strcmp(g.note, "none") == 0, "group 2's note");
    group_free(&g);
    return failures;
}
