/* The names are kept; the one removed is refused. */
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
    static const char *const names[] = { "todo", "doing", "done" };
    int failures = check_statuses(db, names);
    EXPECT(raw(db, "UPDATE tasks SET \"State\" = 'wontfix' WHERE id = 2") != 0, "wontfix is gone");
    EXPECT(raw(db, "UPDATE tasks SET \"State\" = 'done' WHERE id = 2") == 0, "done stays");
    return failures;
}
