/* test_forum.c - schema/forum.def against SQLAlchemy 1.4 with the same
 * models (tests/interop/forum.py) on one database file: post_update keys
 * (a topic and its first post refer to each other), a mixin's timestamps
 * with onupdate(now), an enum stored as its names, order_by spellings.
 *
 *   1. C writes the data, SQLAlchemy reads and checks it (forum.py check);
 *   2. SQLAlchemy writes the same data (its own DDL), C reads and checks it,
 *      then updates, deletes through post_update cycles and inserts;
 *      SQLAlchemy checks the result (forum.py check-rt);
 *   3. post_update at work in SQL: the insert's second statement, its
 *      atomicity, the delete of rows that refer to each other;
 *   4. an enum name the C type does not have is an error naming the row.
 *
 * The data is forum.py's (USERS, FORUMS, TOPICS, POSTS): keep them in step. */
#include "sqla.h"

#include "forum.h"

#define SCRIPT "forum.py"

/* ------------------------------------------------------------------
 * The data (forum.py)
 * ---------------------------------------------------------------- */

typedef struct topic_row {
    int64_t id, forum_id;
    const char *title;
    int64_t user_id;                /* 0: NULL */
    TopicState state;
    int64_t first, last;
    int64_t posts[2];               /* by id; 0 ends */
} topic_row;

typedef struct post_row {
    int64_t id, topic_id, user_id;  /* user 0: NULL */
    const char *content;
} post_row;

static const topic_row topics[] = {
    { 1, 1, "Welcome", 1, TOPIC_STATE_LOCKED, 1, 2, { 1, 2 } },
    { 2, 2, "Question", 2, TOPIC_STATE_OPEN, 3, 3, { 3, 0 } },
    { 3, 2, "Both ways", 0, TOPIC_STATE_ARCHIVED, 4, 4, { 4, 0 } },
};

static const post_row posts[] = {
    { 1, 1, 1, u8"Hello, forum \u2603" },
    { 2, 1, 2, "Hi! 'quoted' \"twice\"" },
    { 3, 2, 2, "How?" },
    { 4, 3, 0, "The first post of a topic that refers back to it" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------
 * Writing the data through the C API
 * ---------------------------------------------------------------- */

static void insert_user(assoc_db *db, const char *name, const char *email)
{
    User u = USER_INIT;
    u.username = (char *)name;
    u.email = (char *)email;
    OK(db, user_insert(db, &u));
}

/* A post of topic t through Topic.posts (its key is post_update: written
 * by a second statement). */
static int64_t add_post(assoc_db *db, Topic *t, int64_t user, const char *content)
{
    Post p = POST_INIT;
    p.user_id = user;
    p.has_user_id = user != 0;
    p.content = (char *)content;
    OK(db, topic_posts_add(db, t, &p));
    return p.id;
}

static void write_data(assoc_db *db)
{
    OK(db, forum_create_all(db));
    insert_user(db, "ada", "ada@example.com");
    insert_user(db, "bob", "bob@example.com");
    Category cat = CATEGORY_INIT;
    cat.title = "General";                       /* position: default(1) */
    OK(db, category_insert(db, &cat));
    assert_true(cat.has_position && cat.position == 1);
    Forum f1 = FORUM_INIT, f2 = FORUM_INIT;
    f1.title = "Announcements";
    f2.title = "Help";
    f2.position = 5;
    f2.has_position = true;
    OK(db, category_forums_add(db, &cat, &f1));
    OK(db, category_forums_add(db, &cat, &f2));

    /* Topics 1 and 2: the topic, its posts, then its first and last post
     * (an update, whose onupdate(now) moves updated_at). */
    Topic t1 = TOPIC_INIT, t2 = TOPIC_INIT;
    t1.title = "Welcome";
    t1.user_id = 1;
    t1.has_user_id = true;
    t1.state = TOPIC_STATE_LOCKED;
    t1.has_state = true;
    OK(db, forum_topics_add(db, &f1, &t1));
    t2.title = "Question";
    t2.user_id = 2;
    t2.has_user_id = true;                       /* state: default(open) */
    OK(db, forum_topics_add(db, &f2, &t2));
    assert_true(t2.has_state && t2.state == TOPIC_STATE_OPEN);
    int64_t p1 = add_post(db, &t1, 1, posts[0].content);
    int64_t p2 = add_post(db, &t1, 2, posts[1].content);
    int64_t p3 = add_post(db, &t2, 2, posts[2].content);
    t1.first_post_id = p1, t1.has_first_post_id = true;
    t1.last_post_id = p2, t1.has_last_post_id = true;
    OK(db, topic_update(db, &t1));
    t2.first_post_id = t2.last_post_id = p3;
    t2.has_first_post_id = t2.has_last_post_id = true;
    OK(db, topic_update(db, &t2));

    /* Topic 3 the other way round: its post first, then the topic that
     * names it as its first and last (written after the topic's insert),
     * then the post's key to the topic. */
    Post p4 = POST_INIT;
    p4.content = (char *)posts[3].content;
    OK(db, post_insert(db, &p4));
    Topic t3 = TOPIC_INIT;
    t3.forum_id = f2.id;
    t3.title = "Both ways";
    t3.state = TOPIC_STATE_ARCHIVED;
    t3.has_state = true;
    t3.first_post_id = t3.last_post_id = p4.id;
    t3.has_first_post_id = t3.has_last_post_id = true;
    OK(db, topic_insert(db, &t3));
    assert_int_equal(t3.id, 3);
    assert_int_equal(sql_int(db, "SELECT first_post_id FROM topics WHERE id = 3"), p4.id);
    p4.topic_id = t3.id;
    p4.has_topic_id = true;
    OK(db, post_update(db, &p4));
}

/* ------------------------------------------------------------------
 * Reading the data back
 * ---------------------------------------------------------------- */

static void check_topic(assoc_db *db, const topic_row *w, assoc_time since)
{
    Topic t = TOPIC_INIT;
    char what[64];
    snprintf(what, sizeof what, "topic %lld", (long long)w->id);
    OK(db, topic_get(db, w->id, &t));
    assert_int_equal(t.forum_id, w->forum_id);
    STR_EQ(what, t.title, w->title);
    assert_int_equal(t.has_user_id, w->user_id != 0);
    if (w->user_id)
        assert_int_equal(t.user_id, w->user_id);
    assert_true(t.has_state);
    assert_int_equal(t.state, w->state);
    assert_true(t.has_first_post_id && t.has_last_post_id);
    assert_int_equal(t.first_post_id, w->first);
    assert_int_equal(t.last_post_id, w->last);
    sqla_recent("topic created_at", true, t.created_at, since);
    sqla_recent("topic updated_at", t.has_updated_at, t.updated_at, since);

    Post first = POST_INIT;
    OK(db, topic_first_post(db, &t, &first));
    assert_int_equal(first.id, w->first);
    assert_int_equal(first.topic_id, w->id);
    post_free(&first);
    PostList ps = POST_LIST_INIT;
    OK(db, topic_posts(db, &t, &ps));          /* order_by = Post.id */
    size_t n = 0;
    while (n < 2 && w->posts[n])
        n++;
    assert_int_equal(ps.len, n);
    for (size_t i = 0; i < n; i++) {
        const post_row *pw = &posts[w->posts[i] - 1];
        assert_int_equal(ps.items[i].id, pw->id);
        STR_EQ("post content", ps.items[i].content, pw->content);
        assert_int_equal(ps.items[i].has_user_id, pw->user_id != 0);
        Topic back = TOPIC_INIT;
        OK(db, post_topic(db, &ps.items[i], &back));
        assert_int_equal(back.id, w->id);
        topic_free(&back);
    }
    post_list_free(&ps);
    topic_free(&t);
}

static void check_data(assoc_db *db, assoc_time since)
{
    Category cat = CATEGORY_INIT;
    OK(db, category_get(db, 1, &cat));
    STR_EQ("category", cat.title, "General");
    ForumList fl = FORUM_LIST_INIT;
    OK(db, category_forums(db, &cat, &fl));     /* order_by = Forum.position desc */
    assert_int_equal(fl.len, 2);
    assert_int_equal(fl.items[0].id, 2);
    assert_int_equal(fl.items[0].position, 5);
    assert_int_equal(fl.items[1].id, 1);
    TopicList tl = TOPIC_LIST_INIT;
    OK(db, forum_topics(db, &fl.items[0], &tl)); /* "desc(Topic.created_at)" */
    assert_int_equal(tl.len, 2);
    assert_int_equal(tl.items[0].id, 3);
    assert_int_equal(tl.items[1].id, 2);
    assert_true(tl.items[0].created_at > tl.items[1].created_at);
    topic_list_free(&tl);
    forum_list_free(&fl);
    category_free(&cat);
    for (size_t i = 0; i < N(topics); i++)
        check_topic(db, &topics[i], since);
    int64_t n;
    OK(db, post_count(db, &n));
    assert_int_equal(n, N(posts));
    User u = USER_INIT;
    OK(db, user_get_by_username(db, "bob", &u));
    STR_EQ("bob's email", u.email, "bob@example.com");
    PostList up = POST_LIST_INIT;
    OK(db, user_posts(db, &u, &up));
    assert_int_equal(up.len, 2);
    post_list_free(&up);
    user_free(&u);
}

/* ------------------------------------------------------------------
 * The tests
 * ---------------------------------------------------------------- */

static void test_c_writes_sqlalchemy_reads(void **state)
{
    sqla_fixture *f = *state;
    assoc_time since = assoc_now();
    assoc_db *db = sqla_open(f);
    write_data(db);
    check_data(db, since);
    sqla_run(f, SCRIPT, "check");
}

static void test_sqlalchemy_writes_c_reads_and_changes(void **state)
{
    sqla_fixture *f = *state;
    assoc_time since = assoc_now();
    sqla_run(f, SCRIPT, "write");
    assoc_db *db = sqla_open(f);
    /* SQLAlchemy's tables are the schema's (SPEC 7): create_all finds
     * nothing to change. */
    OK(db, forum_verify(db));
    OK(db, forum_create_all(db));
    check_data(db, since);

    /* Topic 2 locked: _update stores the clock in updated_at. */
    Topic t2 = TOPIC_INIT;
    OK(db, topic_get(db, 2, &t2));
    assoc_time before = t2.updated_at;
    t2.state = TOPIC_STATE_LOCKED;
    OK(db, topic_update(db, &t2));
    topic_free(&t2);
    OK(db, topic_get(db, 2, &t2));
    assert_int_equal(t2.state, TOPIC_STATE_LOCKED);
    assert_true(t2.updated_at > before);
    topic_free(&t2);

    /* Topic 3 and its post 4 refer to each other: post_update keys are
     * cleared first, then both go (the topic's posts cascade). */
    Topic t3 = TOPIC_INIT;
    OK(db, topic_get(db, 3, &t3));
    OK(db, topic_delete(db, &t3));
    topic_free(&t3);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM posts WHERE id = 4"), 0);

    /* Forum 1: its topic 1 and posts 1, 2 go with it. */
    Forum f1 = FORUM_INIT;
    OK(db, forum_get(db, 1, &f1));
    OK(db, forum_delete(db, &f1));
    forum_free(&f1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM topics"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM posts"), 1);

    /* A new topic in forum 2, with its first post: ids as SQLite assigns
     * them, the highest + 1; on PostgreSQL the next of the sequences of
     * SQLAlchemy's SERIAL keys, past the 3 topics and 4 posts it made. */
    Forum f2 = FORUM_INIT;
    OK(db, forum_get(db, 2, &f2));
    Topic t4 = TOPIC_INIT;
    t4.title = "Added by C";
    t4.user_id = 1;
    t4.has_user_id = true;
    OK(db, forum_topics_add(db, &f2, &t4));
    assert_int_equal(t4.id, e2e_is_pg(db) ? 4 : 3);
    int64_t p = add_post(db, &t4, 1, "Posted from C");
    assert_int_equal(p, e2e_is_pg(db) ? 5 : 4);
    t4.first_post_id = t4.last_post_id = p;
    t4.has_first_post_id = t4.has_last_post_id = true;
    OK(db, topic_update(db, &t4));              /* t4's strings are ours: no topic_free */
    forum_free(&f2);
    sqla_run(f, SCRIPT, "check-rt");
}

static void test_post_update_statements(void **state)
{
    sqla_fixture *f = *state;
    assoc_db *db = sqla_open(f);
    write_data(db);
    static const char *const tables[] = { "users", "categories", "forums", "topics", "posts" };
    uint64_t before = db_fingerprint(db, tables, N(tables));

    /* The second statement fails (no post 99): nothing of the insert
     * stays, and the record is as it was. */
    Topic bad = TOPIC_INIT;
    bad.forum_id = 1;
    bad.title = "points nowhere";
    bad.first_post_id = 99;
    bad.has_first_post_id = true;
    RC(db, ASSOC_CONSTRAINT, topic_insert(db, &bad));
    assert_int_equal(bad.id, 0);
    assert_false(bad.has_created_at);
    assert_true(db_fingerprint(db, tables, N(tables)) == before);

    /* Inside the caller's transaction, rolled back with it. */
    OK(db, assoc_begin(db));
    Topic t = TOPIC_INIT;
    t.forum_id = 2;
    t.title = "in a transaction";
    t.first_post_id = 3;
    t.has_first_post_id = true;
    OK(db, topic_insert(db, &t));
    assert_int_equal(sql_int(db, "SELECT first_post_id FROM topics WHERE title = 'in a transaction'"), 3);
    OK(db, assoc_rollback(db));
    assert_true(db_fingerprint(db, tables, N(tables)) == before);

    /* Deleting a topic's first post: the database sets the key to NULL
     * (ondelete = set_null), as with SQLAlchemy. */
    Post p1 = POST_INIT;
    OK(db, post_get(db, 1, &p1));
    OK(db, post_delete(db, &p1));
    post_free(&p1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM topics WHERE id = 1 AND first_post_id IS NULL"), 1);

    /* A category: forums, topics and posts, all referring to each other. */
    Category cat = CATEGORY_INIT;
    OK(db, category_get(db, 1, &cat));
    OK(db, category_delete(db, &cat));
    category_free(&cat);
    assert_int_equal(sql_int(db, "SELECT (SELECT count(*) FROM forums) + (SELECT count(*) FROM topics)"
                                 " + (SELECT count(*) FROM posts)"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM users"), 2);
}

static void test_enum_name_unknown_to_c(void **state)
{
    sqla_fixture *f = *state;
    assoc_db *db = sqla_open(f);
    write_data(db);
    /* A value written behind the CHECK's back (another program's): SQLite
     * lets a connection ignore CHECKs; on PostgreSQL the other program's
     * table has none (it was dropped). */
    if (e2e_is_pg(db))
        e2e_raw(db, "ALTER TABLE topics DROP CONSTRAINT topics_state_check");
    else
        e2e_raw(db, "PRAGMA ignore_check_constraints = 1");
    e2e_raw(db, "UPDATE topics SET state = 'pinned' WHERE id = 2");
    Topic t = TOPIC_INIT;
    RC(db, ASSOC_ERROR, topic_get(db, 2, &t));
    const char *msg = assoc_errmsg(db);
    if (strstr(msg, "topics.state") == NULL || strstr(msg, "2") == NULL || strstr(msg, "'pinned'") == NULL ||
        strstr(msg, "open, locked, archived") == NULL)
        fail_msg("the message does not name the table, column, row and value: %s", msg);
    /* A value C has no name for is refused before it is written. */
    OK(db, topic_get(db, 1, &t));
    t.state = (TopicState)7;
    RC(db, ASSOC_MISUSE, topic_update(db, &t));
    t.state = (TopicState)0;
    RC(db, ASSOC_MISUSE, topic_update(db, &t));
    topic_free(&t);
}

/* create_all makes every foreign key of the tables it makes, also those it
 * adds after both tables exist on PostgreSQL (topics' keys to posts, a
 * cycle), when another schema of the same database already holds tables
 * of the same names (another tenant's, another test's); and it can run
 * again.  On SQLite, two databases. */
static int64_t topic_foreign_keys(assoc_db *db)
{
    return sql_int(db, e2e_is_pg(db) ? "SELECT count(*) FROM pg_constraint WHERE conrelid = 'topics'::regclass"
                                       " AND contype = 'f'"
                                     : "SELECT count(*) FROM pragma_foreign_key_list('topics')");
}

static void test_create_all_beside_another_schema(void **state)
{
    sqla_fixture *f = *state;
    assoc_db *other = NULL;
    OK(other, e2e_open(&other));
    OK(other, forum_create_all(other));
    assoc_db *db = sqla_open(f);
    OK(db, forum_create_all(db));
    assert_int_equal(topic_foreign_keys(other), 4);
    assert_int_equal(topic_foreign_keys(db), 4);    /* forum, user, first and last post */
    OK(db, forum_verify(db));
    OK(db, forum_create_all(db));                   /* again: nothing to add */
    assert_int_equal(topic_foreign_keys(db), 4);
    /* The keys are there: a first post that does not exist is refused. */
    Category cat = CATEGORY_INIT;
    cat.title = "General";
    OK(db, category_insert(db, &cat));
    Forum fo = FORUM_INIT;
    fo.title = "Help";
    OK(db, category_forums_add(db, &cat, &fo));
    Topic t = TOPIC_INIT;
    t.forum_id = fo.id;
    t.title = "points nowhere";
    t.first_post_id = 99;
    t.has_first_post_id = true;
    RC(db, ASSOC_CONSTRAINT, topic_insert(db, &t));
    e2e_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_c_writes_sqlalchemy_reads, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_sqlalchemy_writes_c_reads_and_changes, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_post_update_statements, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_enum_name_unknown_to_c, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_create_all_beside_another_schema, sqla_setup, sqla_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
