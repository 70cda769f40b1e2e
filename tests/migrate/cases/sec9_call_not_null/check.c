/* Never run: the script stops.  The program's default, for the link. */
#include <stdlib.h>
#include <string.h>

#include "expect9.h"
#include "new.h"

int case_check(assoc_db *db);

int task_slug(assoc_db *db, char **out);
int task_slug(assoc_db *db, char **out)
{
    return assoc_strdup(db, "slug", out);
}

int case_check(assoc_db *db)
{
    (void)db;
    return 0;
}
