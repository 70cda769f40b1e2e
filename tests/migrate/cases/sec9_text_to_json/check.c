/* The values are kept; the CHECK refuses what is not JSON. */
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
        char meta[64];
        int t = (int)l.items[i].id;
        meta_of(t, meta, sizeof meta);
        EXPECT(has_meta(t) ? l.items[i].meta && strcmp(l.items[i].meta, meta) == 0 : l.items[i].meta == NULL,
               "task %d's meta", t);
    }
    task_list_free(&l);
    EXPECT(raw(db, "UPDATE tasks SET meta = 'plain' WHERE id = 2") != 0, "the CHECK of meta");
    return failures;
}
