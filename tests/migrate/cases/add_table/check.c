/* The new tables exist, empty, and take rows through the new API. */
#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    int64_t n = -1;
    User u = USER_INIT, v = USER_INIT;
    EXPECT(badge_count(db, &n) == ASSOC_OK && n == 0, "%lld badges", (long long)n);
    EXPECT(user_get(db, 1, &u) == ASSOC_OK && user_get(db, 2, &v) == ASSOC_OK, "%s", assoc_errmsg(db));
    Badge b = BADGE_INIT;
    b.label = (char *)"first";
    EXPECT(user_badges_add(db, &u, &b) == ASSOC_OK, "%s", assoc_errmsg(db));
    EXPECT(user_following_add(db, &u, &v) == ASSOC_OK, "%s", assoc_errmsg(db));
    UserList l = USER_LIST_INIT;
    EXPECT(user_following(db, &u, &l) == ASSOC_OK && l.len == 1 && l.items[0].id == 2, "%s", assoc_errmsg(db));
    user_list_free(&l);
    user_free(&u);
    user_free(&v);
    return failures;
}
