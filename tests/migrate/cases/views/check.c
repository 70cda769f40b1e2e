/* The views read after the migration. */
#include "raw.h"
#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    EXPECT(raw_count(db, "SELECT count(*) FROM user_names WHERE name IS NOT NULL") == 26, "user_names");
    EXPECT(raw_count(db, "SELECT count(*) FROM post_titles") == 40, "post_titles");
    return failures;
}
