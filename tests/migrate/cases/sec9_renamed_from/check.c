/* The renamed fields hold the old columns' values; the relationship goes
 * through the renamed foreign key. */
#include <stdlib.h>
#include <string.h>

#include "expect9.h"
#include "new.h"

int case_check(assoc_db *db);

int case_check(assoc_db *db)
{
    int failures = 0;
    TaskList l = TASK_LIST_INIT;
    EXPECT(task_all(db, &l) == ASSOC_OK && l.len == NTASKS, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++) {
        char title[64], meta[64];
        int t = (int)l.items[i].id;
        title_of(t, title, sizeof title);
        meta_of(t, meta, sizeof meta);
        EXPECT(strcmp(l.items[i].headline, title) == 0, "task %d's headline", t);
        EXPECT(l.items[i].owner_id == project_of(t), "task %d's owner_id", t);
        EXPECT(has_meta(t) ? l.items[i].details && strcmp(l.items[i].details, meta) == 0 : l.items[i].details == NULL,
               "task %d's details", t);
    }
    task_list_free(&l);
    Project p = PROJECT_INIT;
    TaskList tl = TASK_LIST_INIT;
    EXPECT(project_get(db, 2, &p) == ASSOC_OK && project_tasks(db, &p, &tl) == ASSOC_OK && tl.len == NTASKS / 4,
           "project 2's tasks");
    task_list_free(&tl);
    project_free(&p);
    return failures;
}
