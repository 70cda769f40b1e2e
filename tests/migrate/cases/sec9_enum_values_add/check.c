/* The names are kept under the new numbers; the new one can be written. */
#include <stdlib.h>
#include <string.h>

#include "raw.h"
#include "expect9.h"
#include "new.h"

int case_check(assoc_db *db);

/* Each task's status by its name, in this file's enum's order. */
static int check_statuses(assoc_db *db, const char *const *names)
{
    int failures = 0;
    TaskList l = TASK_LIST_INIT;
    EXPECT(task_all(db, &l) == ASSOC_OK && l.len == NTASKS, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++) {
        int t = (int)l.items[i].id;
        int s = (int)l.items[i].status;
        EXPECT(s >= 1 && strcmp(names[s - 1], status_of(t)) == 0, "task %d's status: %d, not %s", t, s,
               status_of(t));
    }
    task_list_free(&l);
    return failures;
}

int case_check(assoc_db *db)
{
    static const char *const names[] = { "todo", "in_review", "doing", "done", "wontfix" };
    int failures = check_statuses(db, names);
    Task t = TASK_INIT;
    EXPECT(task_get(db, 1, &t) == ASSOC_OK, "%s", assoc_errmsg(db));
    t.status = TASK_STATUS_IN_REVIEW;
    EXPECT(task_update(db, &t) == ASSOC_OK, "%s", assoc_errmsg(db));
    task_free(&t);
    EXPECT(task_get(db, 1, &t) == ASSOC_OK && t.status == TASK_STATUS_IN_REVIEW, "task 1 in review");
    task_free(&t);
    EXPECT(raw(db, "UPDATE tasks SET \"State\" = 'nope' WHERE id = 2") != 0, "the CHECK of State");
    return failures;
}
