/* The renamed members read the columns they kept. */
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
        char title[64];
        int t = (int)l.items[i].id;
        title_of(t, title, sizeof title);
        EXPECT(strcmp(l.items[i].heading, title) == 0, "task %d's heading", t);
        EXPECT(kind_of(t) ? l.items[i].category && strcmp(l.items[i].category, kind_of(t)) == 0
                          : l.items[i].category == NULL, "task %d's category", t);
    }
    task_list_free(&l);
    Project p = PROJECT_INIT;
    EXPECT(project_get_by_label(db, "Project 3", &p) == ASSOC_OK && p.id == 3, "project 3 by its label");
    project_free(&p);
    return failures;
}
