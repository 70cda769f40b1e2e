/* Every row got a version-4 UUID of its own. */
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
        EXPECT(is_uuid4(l.items[i].ref), "task %d's ref: %s", (int)l.items[i].id,
               l.items[i].ref ? l.items[i].ref : "NULL");
        for (size_t k = 0; k < i; k++)
            EXPECT(strcmp(l.items[i].ref, l.items[k].ref) != 0, "tasks %d and %d share a ref", (int)l.items[i].id,
                   (int)l.items[k].id);
    }
    task_list_free(&l);
    return failures;
}
