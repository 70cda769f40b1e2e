/* The database applies the new actions: user 29 (whom nobody refers to)
 * goes, once what refers to its posts is gone, with its two posts
 * (cascade), and its membership keeps its row with user_id NULL (set_null). */
#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    sqlite3 *h = assoc_sqlite(db);
    EXPECT(sqlite3_exec(h, "DELETE FROM post_tags WHERE post_id IN (SELECT id FROM posts WHERE author_id = 29);"
                           "DELETE FROM comments WHERE post_id IN (SELECT id FROM posts WHERE author_id = 29);"
                           "DELETE FROM users WHERE id = 29", NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
    int64_t n = -1;
    EXPECT(post_count(db, &n) == ASSOC_OK && n == 38, "%lld posts left", (long long)n);
    sqlite3_stmt *st = NULL;
    EXPECT(sqlite3_prepare_v2(h, "SELECT count(*) FROM memberships WHERE user_id IS NULL", -1, &st, NULL) == SQLITE_OK &&
           sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1, "memberships of user 29");
    sqlite3_finalize(st);
    return failures;
}
