/* test_cascade.c - deletes whose cascades the generator cannot turn into a
 * fixed list of statements, run by libassoc's set-based engine (issue 11,
 * items 2 and 3): a subtree of a self-referential table, chains far deeper
 * than any stack, rows that are each other's parent (an error, as
 * SQLAlchemy's CircularDependencyError, with nothing changed), a cascade to
 * a parent ("all" on both User.posts and its backref author), a cascade
 * through a many-to-many.  The expected rows are what SQLAlchemy 1.4 leaves
 * with the same models and data (tests/e2e/cascade/cascade.def says which). */
#include "e2e.h"

#include <stdlib.h>
#include <string.h>

#include "cascade.h"

static const char *const all_tables[] = { "nodes", "authors", "posts", "post_tags", "tags", "notes" };
enum { NTABLES = sizeof all_tables / sizeof all_tables[0] };

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (e2e_open(&db) != ASSOC_OK || cascade_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    e2e_close(*state);
    return 0;
}

static void exec(assoc_db *db, const char *sql)
{
    e2e_exec(db, sql);
}

static Node node(int64_t id)
{
    Node n = NODE_INIT;
    n.id = id;
    return n;
}

/* Deleting a node deletes its subtree, and nothing else. */
static void test_subtree(void **state)
{
    assoc_db *db = *state;
    exec(db, "INSERT INTO nodes (id, parent_id) VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 4), (6, NULL), (7, 6)");
    Node n2 = node(2);
    OK(db, node_delete(db, &n2));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 4);          /* 1, 3, 6, 7 */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes WHERE id IN (2, 4, 5)"), 0);
    RC(db, ASSOC_NOTFOUND, node_delete(db, &n2));
}

/* SQLite's virtual-machine instructions, counted by a progress handler
 * called after every one: a measure of work that does not depend on the
 * machine's speed or load, so the test can say "linear" without a clock. */
static int count_op(void *arg)
{
    ++*(uint64_t *)arg;
    return 0;
}

/* Deletes the chain 1 <- 2 <- ... <- depth (and keeps a row beside it);
 * returns the instructions the delete ran. */
static uint64_t delete_chain(assoc_db *db, int depth)
{
    char sql[256];
    uint64_t ops = 0;
    exec(db, "DELETE FROM nodes");
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d) "
             "INSERT INTO nodes (id, parent_id) SELECT i, CASE WHEN i = 1 THEN NULL ELSE i - 1 END FROM c",
             depth);
    exec(db, sql);
    exec(db, "INSERT INTO nodes (id, parent_id) VALUES (-1, NULL)");
    Node root = node(1);
    if (!e2e_is_pg(db))
        sqlite3_progress_handler(assoc_sqlite(db), 1, count_op, &ops);
    OK(db, node_delete(db, &root));
    if (!e2e_is_pg(db))
        sqlite3_progress_handler(assoc_sqlite(db), 0, NULL, NULL);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 1);
    return ops;
}

/* A chain far deeper than any recursion could go: deleted in constant
 * stack (a 100,000-deep one overflowed the stack when deletes recursed)
 * and in work linear in its length (a 50,000-deep chain took 22 s when
 * each level was a statement of its own).  Ten times the depth must cost
 * about ten times the instructions, not a hundred.  Under valgrind
 * (LD_PRELOAD names its core) the chains are ten times shorter: the
 * instruction counts are the same, the clock is not. */
static void test_deep_chain(void **state)
{
    assoc_db *db = *state;
    if (e2e_is_pg(db)) {
        /* The rows go as on SQLite (each level of the chain is one round
         * trip there, so a shorter chain); SQLite's instruction count has
         * no counterpart here. */
        delete_chain(db, 2000);
        return;
    }
    const char *preload = getenv("LD_PRELOAD");
    int depth = preload != NULL && strstr(preload, "vgpreload") != NULL ? 10000 : 100000;
    uint64_t small = delete_chain(db, depth / 10);
    uint64_t big = delete_chain(db, depth);
    if (big > 15 * small)
        fail_msg("a %d-deep chain ran %llu instructions, a %d-deep one %llu: not linear", depth,
                 (unsigned long long)big, depth / 10, (unsigned long long)small);
}

/* A row that is its own parent, and two rows that are each other's: no
 * order of deletes removes them (SQLAlchemy: CircularDependencyError).  An
 * error, with every row as it was, also inside the caller's transaction,
 * which goes on. */
static void test_cycles(void **state)
{
    assoc_db *db = *state;
    exec(db, "INSERT INTO nodes (id, parent_id) VALUES (1, NULL), (2, 2), (3, NULL), (4, 3)");
    exec(db, "UPDATE nodes SET parent_id = 4 WHERE id = 3");   /* 3 <-> 4 */
    exec(db, "INSERT INTO nodes (id, parent_id) VALUES (5, 4), (6, 1)");
    uint64_t before = db_fingerprint(db, all_tables, NTABLES);
    Node n2 = node(2), n3 = node(3), n4 = node(4);
    RC(db, ASSOC_CONSTRAINT, node_delete(db, &n2));
    assert_non_null(strstr(assoc_errmsg(db), "circular"));
    RC(db, ASSOC_CONSTRAINT, node_delete(db, &n3));
    RC(db, ASSOC_CONSTRAINT, node_delete(db, &n4));
    assert_true(db_fingerprint(db, all_tables, NTABLES) == before);

    OK(db, assoc_begin(db));
    Node n6 = node(6);
    OK(db, node_delete(db, &n6));
    RC(db, ASSOC_CONSTRAINT, node_delete(db, &n3));
    OK(db, assoc_commit(db));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 5);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes WHERE id = 6"), 0);
}

/* A cycle below, not among the rows to delete, does not matter. */
static void test_cycle_elsewhere(void **state)
{
    assoc_db *db = *state;
    exec(db, "INSERT INTO nodes (id, parent_id) VALUES (1, NULL), (2, 1), (3, NULL), (4, 3)");
    exec(db, "UPDATE nodes SET parent_id = 4 WHERE id = 3");
    Node n1 = node(1);
    OK(db, node_delete(db, &n1));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 2);
}

/* _remove of a delete-orphan child: the orphan is deleted with its
 * subtree; a node removed from itself is not its own child. */
static void test_remove_orphan(void **state)
{
    assoc_db *db = *state;
    exec(db, "INSERT INTO nodes (id, parent_id) VALUES (1, NULL), (2, 1), (3, 2), (4, 4)");
    Node n1 = node(1), n2 = node(2), n4 = node(4);
    n2.parent_id = 1;
    n2.has_parent_id = true;
    OK(db, node_children_remove(db, &n1, &n2));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 2);       /* 1 and 4 */
    RC(db, ASSOC_NOTFOUND, node_children_remove(db, &n1, &n4));
    n4.parent_id = 4;
    n4.has_parent_id = true;
    RC(db, ASSOC_CONSTRAINT, node_children_remove(db, &n4, &n4));       /* its own parent: a cycle */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM nodes"), 2);
}

static void forum(assoc_db *db)
{
    exec(db, "INSERT INTO authors (id, name) VALUES (1, 'a'), (2, 'b');"
             "INSERT INTO posts (id, author_id) VALUES (1, 1), (2, 1), (3, 2);"
             "INSERT INTO tags (id, word) VALUES (1, 'x'), (2, 'y');"
             "INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1), (3, 2);"
             "INSERT INTO notes (id, post_id) VALUES (1, 1), (2, 2), (3, 3)");
}

/* cascade "all" on Author.posts and on its backref Post.author: deleting a
 * post deletes its author and so the author's other post; Post.tags
 * cascades to the post's tag; the notes stay with a NULL post.  What
 * SQLAlchemy 1.4 leaves: author 2, post 3, tag 2 and its link, notes 1
 * and 2 without a post. */
static void test_cascade_to_parent(void **state)
{
    assoc_db *db = *state;
    forum(db);
    Post p1 = POST_INIT;
    p1.id = 1;
    OK(db, post_delete(db, &p1));
    assert_int_equal(sql_int(db, "SELECT CASE WHEN count(*) = 1 THEN max(id) END FROM authors"), 2);
    assert_int_equal(sql_int(db, "SELECT CASE WHEN count(*) = 1 THEN max(id) END FROM posts"), 3);
    assert_int_equal(sql_int(db, "SELECT CASE WHEN count(*) = 1 THEN max(id) END FROM tags"), 2);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM post_tags"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM notes WHERE post_id IS NULL"), 2);
    assert_int_equal(sql_int(db, "SELECT post_id FROM notes WHERE id = 3"), 3);
}

/* Deleting an author deletes its posts (and their tags), keeps the rest. */
static void test_cascade_to_children(void **state)
{
    assoc_db *db = *state;
    forum(db);
    Author a2 = AUTHOR_INIT;
    a2.id = 2;
    OK(db, author_delete(db, &a2));
    assert_int_equal(sql_int(db, "SELECT CASE WHEN count(*) = 1 THEN max(id) END FROM authors"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM posts"), 2);
    assert_int_equal(sql_int(db, "SELECT CASE WHEN count(*) = 1 THEN max(id) END FROM tags"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM post_tags"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM notes WHERE post_id IS NULL"), 1);
}

/* A tag that a post links: Tag has no relationship of its own, so its
 * association rows are not its to delete (SQLAlchemy: FOREIGN KEY
 * constraint failed), and nothing changes. */
static void test_unrelated_link_blocks(void **state)
{
    assoc_db *db = *state;
    forum(db);
    uint64_t before = db_fingerprint(db, all_tables, NTABLES);
    Tag t1 = TAG_INIT;
    t1.id = 1;
    RC(db, ASSOC_CONSTRAINT, tag_delete(db, &t1));
    assert_true(db_fingerprint(db, all_tables, NTABLES) == before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_subtree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cycles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cycle_elsewhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_orphan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade_to_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade_to_children, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unrelated_link_blocks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
