/* Group reads from teams, and its members through memberships. */
#include <string.h>

#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    GroupList l = GROUP_LIST_INIT;
    EXPECT(group_all(db, &l) == ASSOC_OK && l.len == NGROUPS, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++)
        EXPECT(strcmp(l.items[i].name, GROUPS[i]) == 0, "group %zu is %s", i, l.items[i].name);
    User u = USER_INIT;
    EXPECT(user_get(db, 4, &u) == ASSOC_OK, "%s", assoc_errmsg(db));
    GroupList g = GROUP_LIST_INIT;
    EXPECT(user_groups(db, &u, &g) == ASSOC_OK && g.len == 1 && g.items[0].id == 4 % 3 + 1, "user 4's groups");
    group_list_free(&g);
    group_list_free(&l);
    user_free(&u);
    return failures;
}
