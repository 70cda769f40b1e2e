/* The rows took the default; the CHECKs hold the names. */
#include <stdlib.h>
#include <string.h>

#include "raw.h"
#include "expect9.h"
#include "new.h"

int case_check(assoc_db *db);

int case_check(assoc_db *db)
{
    int failures = 0;
    TaskList l = TASK_LIST_INIT;
    EXPECT(task_all(db, &l) == ASSOC_OK && l.len == NTASKS, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++)
        EXPECT(l.items[i].priority == TASK_PRIORITY_NORMAL, "task %d's priority", (int)l.items[i].id);
    task_list_free(&l);
    Project p = PROJECT_INIT;
    EXPECT(project_get(db, 1, &p) == ASSOC_OK && !p.has_tier, "project 1's tier is NULL");
    p.tier = PROJECT_TIER_PRO;
    p.has_tier = true;
    EXPECT(project_update(db, &p) == ASSOC_OK, "%s", assoc_errmsg(db));
    project_free(&p);
    EXPECT(project_get(db, 1, &p) == ASSOC_OK && p.has_tier && p.tier == PROJECT_TIER_PRO, "project 1's tier");
    project_free(&p);
    EXPECT(raw(db, "UPDATE projects SET tier = 'gold' WHERE id = 2") != 0, "the CHECK of tier");
    EXPECT(raw(db, "UPDATE tasks SET \"Priority\" = 'urgent' WHERE id = 2") != 0, "the CHECK of Priority");
    EXPECT(raw(db, "UPDATE tasks SET \"Priority\" = 'high' WHERE id = 2") == 0, "high is a priority");
    return failures;
}
