/* The new relationship reads. */
#include <string.h>

#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    User u = USER_INIT;
    Group g = GROUP_INIT;
    EXPECT(user_get(db, 3, &u) == ASSOC_OK && user_rank(db, &u, &g) == ASSOC_OK && g.id == 3, "user 3's rank");
    group_free(&g);
    user_free(&u);
    return failures;
}
