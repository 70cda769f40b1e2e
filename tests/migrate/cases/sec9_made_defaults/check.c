/* The new defaults work on the database as it is. */
#include <stdlib.h>
#include <string.h>

#include "expect9.h"
#include "new.h"

int case_check(assoc_db *db);

int task_kind(assoc_db *db, char **out);
int task_kind(assoc_db *db, char **out)
{
    return assoc_strdup(db, "made", out);
}

int case_check(assoc_db *db)
{
    int failures = 0;
    Task t = TASK_INIT;
    t.project_id = 1;
    t.parent_id = 3;
    t.has_parent_id = true;
    EXPECT(task_insert(db, &t) == ASSOC_OK, "%s", assoc_errmsg(db));
    task_free(&t);
    EXPECT(task_get(db, NTASKS + 1, &t) == ASSOC_OK, "%s", assoc_errmsg(db));
    EXPECT(t.kind && strcmp(t.kind, "made") == 0, "the new task's kind");
    EXPECT(is_uuid4(t.title), "the new task's title");
    EXPECT(t.parent_id == 3, "the new task's parent");
    task_free(&t);
    Project p = PROJECT_INIT;
    EXPECT(assoc_strdup(db, "Project new", &p.name) == ASSOC_OK, "%s", assoc_errmsg(db));
    EXPECT(project_insert(db, &p) == ASSOC_OK && p.token == NULL, "no token made");
    project_free(&p);
    return failures;
}
