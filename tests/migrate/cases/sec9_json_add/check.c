/* The rows took the default; the CHECKs refuse what is not JSON. */
#include <stdlib.h>
#include <string.h>

#include "raw.h"
#include "expect9.h"
#include "new.h"

int case_check(assoc_db *db);

int case_check(assoc_db *db)
{
    int failures = 0;
    ProjectList l = PROJECT_LIST_INIT;
    EXPECT(project_all(db, &l) == ASSOC_OK && l.len == NPROJECTS, "%s", assoc_errmsg(db));
    for (size_t i = 0; i < l.len; i++)
        EXPECT(l.items[i].limits && strcmp(l.items[i].limits, "{\"max\": 10}") == 0, "project %d's limits",
               (int)l.items[i].id);
    project_list_free(&l);
    Task t = TASK_INIT;
    EXPECT(task_get(db, 2, &t) == ASSOC_OK && t.extra == NULL, "task 2's extra is NULL");
    EXPECT(assoc_strdup(db, "[1, {\"a\": null}]", &t.extra) == ASSOC_OK, "%s", assoc_errmsg(db));
    EXPECT(task_update(db, &t) == ASSOC_OK, "%s", assoc_errmsg(db));
    assoc_free(t.extra);
    EXPECT(assoc_strdup(db, "not json", &t.extra) == ASSOC_OK, "%s", assoc_errmsg(db));
    /* SQLite's CHECK refuses it; PostgreSQL's json type does not take it
     * in (an error of the value's text, not of a constraint). */
    int rc = task_update(db, &t);
    EXPECT(assoc_sqlite(db) ? rc == ASSOC_CONSTRAINT : rc != ASSOC_OK, "not JSON is refused: %d", rc);
    task_free(&t);
    EXPECT(raw(db, "UPDATE projects SET limits = '{' WHERE id = 1") != 0, "the CHECK of limits");
    EXPECT(raw(db, "UPDATE tasks SET \"Extra Data\" = 'x' WHERE id = 1") != 0, "the CHECK of Extra Data");
    return failures;
}
