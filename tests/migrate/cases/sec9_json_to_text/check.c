/* The values are kept; any text may follow. */
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
        char labels[64];
        int t = (int)l.items[i].id;
        labels_of(t, labels, sizeof labels);
        EXPECT(has_labels(t) ? l.items[i].labels && strcmp(l.items[i].labels, labels) == 0
                             : l.items[i].labels == NULL, "task %d's labels", t);
    }
    task_list_free(&l);
    Project p = PROJECT_INIT;
    char settings[128];
    settings_of(3, settings, sizeof settings);
    EXPECT(project_get(db, 3, &p) == ASSOC_OK && strcmp(p.settings, settings) == 0, "project 3's settings");
    assoc_free(p.settings);
    EXPECT(assoc_strdup(db, "plain text", &p.settings) == ASSOC_OK, "%s", assoc_errmsg(db));
    EXPECT(project_update(db, &p) == ASSOC_OK, "%s", assoc_errmsg(db));
    project_free(&p);
    return failures;
}
