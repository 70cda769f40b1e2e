/* The views read after the migration. */
#include "expect.h"
#include "new.h"

static int count(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    else
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
    sqlite3_finalize(st);
    return n;
}

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    sqlite3 *h = assoc_sqlite(db);
    EXPECT(count(h, "SELECT count(*) FROM user_names WHERE name IS NOT NULL") == 26, "user_names");
    EXPECT(count(h, "SELECT count(*) FROM post_titles") == 40, "post_titles");
    return failures;
}
