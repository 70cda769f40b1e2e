/* NULLs took the defaults. */
#include <string.h>

#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    User u = USER_INIT;
    EXPECT(user_get(db, 5, &u) == ASSOC_OK && u.age == 0, "user 5's age");
    user_free(&u);
    EXPECT(user_get(db, 2, &u) == ASSOC_OK && u.city && strcmp(u.city, "Unknown") == 0, "user 2's city");
    user_free(&u);
    EXPECT(user_get(db, 1, &u) == ASSOC_OK && u.age == age_of(1) && strcmp(u.city, "Oslo") == 0, "user 1");
    user_free(&u);
    return failures;
}
