/* The strings are the names. */
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
        int t = (int)l.items[i].id;
        const char *k = kind_of(t);
        EXPECT(k == NULL ? !l.items[i].has_kind
                         : l.items[i].has_kind && l.items[i].kind == (strcmp(k, "bug") == 0 ? TASK_KIND_BUG
                                                                                          : TASK_KIND_FEATURE),
               "task %d's kind", t);
    }
    task_list_free(&l);
    EXPECT(raw(db, "UPDATE tasks SET kind = 'chore' WHERE id = 2") != 0, "the CHECK of kind");
    return failures;
}
