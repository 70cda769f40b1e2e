/* The renamed columns hold their values; the CHECK of the enum and the
 * unique(project_id, title) followed them. */
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
    for (size_t i = 0; i < l.len; i++) {
        char title[64], notes[64];
        int t = (int)l.items[i].id;
        title_of(t, title, sizeof title);
        notes_of(t, notes, sizeof notes);
        EXPECT(strcmp(l.items[i].title, title) == 0, "task %d's title", t);
        EXPECT(l.items[i].project_id == project_of(t), "task %d's project", t);
        EXPECT((int)l.items[i].status == (status_set(t) ? status_set(t) : 1), "task %d's status", t);
        EXPECT(has_notes(t) ? l.items[i].notes && strcmp(l.items[i].notes, notes) == 0 : l.items[i].notes == NULL,
               "task %d's notes", t);
    }
    task_list_free(&l);
    Project p = PROJECT_INIT;
    EXPECT(project_get_by_name(db, "Project 2", &p) == ASSOC_OK && p.id == 2, "project 2 by its name");
    project_free(&p);
    EXPECT(raw(db, "UPDATE tasks SET \"Status\" = 'nope' WHERE id = 1") != 0, "the enum's CHECK on Status");
    EXPECT(raw(db, "UPDATE tasks SET \"Heading\" = 'Task 2''s \xc3\xa9', project_id = 3 WHERE id = 6") != 0,
           "unique(project_id, title) on the renamed columns");
    return failures;
}
