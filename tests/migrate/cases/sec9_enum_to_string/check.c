/* The names are the strings. */
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
        EXPECT(strcmp(l.items[i].status, status_of((int)l.items[i].id)) == 0, "task %d's status",
               (int)l.items[i].id);
    task_list_free(&l);
    EXPECT(raw(db, "UPDATE tasks SET \"State\" = 'any text' WHERE id = 2") == 0, "no CHECK of names");
    return failures;
}
