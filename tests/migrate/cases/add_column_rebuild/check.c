/* Existing rows took the defaults. */
#include <string.h>

#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    PostList l = POST_LIST_INIT;
    EXPECT(post_all(db, &l) == ASSOC_OK && l.len == 40, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++)
        EXPECT(strcmp(l.items[i].lang, "en") == 0, "post %zu's lang", i);
    post_list_free(&l);
    User u = USER_INIT;
    EXPECT(user_get(db, 5, &u) == ASSOC_OK && u.handle == NULL && u.has_joined && u.joined > T2000, "user 5");
    user_free(&u);
    return failures;
}
