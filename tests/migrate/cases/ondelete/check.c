/* The database applies the new actions: user 29 (whom nobody refers to)
 * goes, once what refers to its posts is gone, with its two posts
 * (cascade), and its membership keeps its row with user_id NULL (set_null). */
#include "raw.h"
#include "expect.h"
#include "new.h"

int case_check(assoc_db *db);
int case_check(assoc_db *db)
{
    int failures = 0;
    EXPECT(raw(db, "DELETE FROM post_tags WHERE post_id IN (SELECT id FROM posts WHERE author_id = 29);"
                   "DELETE FROM comments WHERE post_id IN (SELECT id FROM posts WHERE author_id = 29);"
                   "DELETE FROM users WHERE id = 29") == 0, "deleting user 29");
    int64_t n = -1;
    EXPECT(post_count(db, &n) == ASSOC_OK && n == 38, "%lld posts left", (long long)n);
    EXPECT(raw_count(db, "SELECT count(*) FROM memberships WHERE user_id IS NULL") == 1, "memberships of user 29");
    return failures;
}
