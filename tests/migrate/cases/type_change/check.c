/* The converted values read through the new types. */
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    User u = USER_INIT;
    EXPECT(user_get(db, 4, &u) == ASSOC_OK, "%s", assoc_errmsg(db));
    EXPECT(u.has_age && u.age == (double)age_of(4), "age %g", u.age);
    user_free(&u);
    EXPECT(user_get(db, 2, &u) == ASSOC_OK && u.score && strtod(u.score, NULL) == score_of(2), "score %s", u.score);
    user_free(&u);
    Post p = POST_INIT;
    EXPECT(post_get(db, 5, &p) == ASSOC_OK && strcmp(p.views, "5") == 0, "views %s", p.views);
    post_free(&p);
    return failures;
}
