/* test_microblog.c - schema/microblog.def against SQLAlchemy 1.4 with the
 * same models (tests/interop/microblog.py, as the Flask Mega-Tutorial writes
 * them) on one database file: users following users (a many-to-many of a
 * model to itself, with its backref), posts by time descending
 * ("desc(Post.timestamp)"), and comments threaded as SQLAlchemy's adjacency
 * list (parent by remote_side = id, replies its backref, cascading).
 *
 *   1. C writes the data, SQLAlchemy reads and checks it;
 *   2. SQLAlchemy writes it (its own DDL), C reads and checks it, unfollows,
 *      follows, deletes a comment with its thread, replies, deletes a post
 *      and updates a user; SQLAlchemy checks the result.
 *
 * The data is microblog.py's (USERS, FOLLOWS, POSTS, COMMENTS): keep them in
 * step. */
#include "sqla.h"

#include "microblog.h"

#define SCRIPT "microblog.py"
#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct user_row { int64_t id; const char *name, *email, *about, *seen; } user_row;
typedef struct post_row { int64_t id, user; const char *body, *ts, *lang; } post_row;
typedef struct comment_row { int64_t id, post, author, parent; const char *body, *ts; } comment_row;

/* seen NULL: left to default(now) */
static const user_row users[] = {
    { 1, "miguel", "miguel@example.com", "I write tutorials", "2024-03-01 10:00:00.000001" },
    { 2, "susan", "susan@example.com", NULL, NULL },
    { 3, "david", "david@example.com", u8"caf\u00e9 \u2615", "2024-03-02 11:30:00.250000" },
};
static const int64_t follows[][2] = { { 1, 2 }, { 1, 3 }, { 2, 1 } };
static const post_row posts[] = {
    { 1, 2, "hi from susan", "2024-03-01 09:00:00.000000", "en" },
    { 2, 1, "hello, world!", "2024-03-01 12:00:00.000000", "en" },
    { 3, 1, "a second post", "2024-03-01 12:00:00.000001", NULL },
};
/* parent 0: a comment on the post itself */
static const comment_row comments[] = {
    { 1, 2, 2, 0, "nice", "2024-03-01 13:00:00.000000" },
    { 2, 2, 1, 1, "thanks", "2024-03-01 13:05:00.000000" },
    { 3, 2, 3, 1, "+1", "2024-03-01 13:01:00.000000" },
    { 4, 2, 2, 2, "you're welcome", "2024-03-01 13:10:00.000000" },
    { 5, 2, 3, 0, "a thread of its own", "2024-03-01 14:00:00.000000" },
};

static assoc_time at(const char *text)
{
    assoc_time t;
    if (assoc_time_parse(text, strlen(text), &t) != ASSOC_OK)
        fail_msg("bad time %s", text);
    return t;
}

/* The ids of a list, for comparing with an expected order. */
#define ASSERT_IDS(list, ...)                                                            \
    do {                                                                                 \
        const int64_t want_[] = { __VA_ARGS__ };                                         \
        size_t n_ = sizeof want_ / sizeof want_[0];                                      \
        if ((list).len != n_)                                                            \
            fail_msg("%s: %zu rows, expected %zu", #list, (list).len, n_);              \
        for (size_t i_ = 0; i_ < n_; i_++)                                               \
            if ((list).items[i_].id != want_[i_])                                        \
                fail_msg("%s[%zu]: id %lld, expected %lld", #list, i_,                  \
                         (long long)(list).items[i_].id, (long long)want_[i_]);          \
    } while (0)

static void write_data(assoc_db *db)
{
    OK(db, microblog_create_all(db));
    User u[N(users)];
    for (size_t i = 0; i < N(users); i++) {
        u[i] = (User)USER_INIT;
        u[i].username = (char *)users[i].name;
        u[i].email = (char *)users[i].email;
        u[i].about_me = (char *)users[i].about;
        if (users[i].seen) {
            u[i].last_seen = at(users[i].seen);
            u[i].has_last_seen = true;
        }
        OK(db, user_insert(db, &u[i]));
        assert_int_equal(u[i].id, users[i].id);
    }
    for (size_t i = 0; i < N(follows); i++)
        OK(db, user_followed_add(db, &u[follows[i][0] - 1], &u[follows[i][1] - 1]));
    for (size_t i = 0; i < N(posts); i++) {
        Post p = POST_INIT;
        p.body = (char *)posts[i].body;
        p.timestamp = at(posts[i].ts);
        p.has_timestamp = true;
        p.language = (char *)posts[i].lang;
        OK(db, user_posts_add(db, &u[posts[i].user - 1], &p));
        assert_int_equal(p.id, posts[i].id);
    }
    /* Comments on the post, and replies to comments (Comment.replies, the
     * backref of parent, remote_side = id). */
    Comment c[N(comments)];
    Post p2 = POST_INIT;
    OK(db, post_get(db, 2, &p2));
    for (size_t i = 0; i < N(comments); i++) {
        c[i] = (Comment)COMMENT_INIT;
        c[i].body = (char *)comments[i].body;
        c[i].timestamp = at(comments[i].ts);
        c[i].has_timestamp = true;
        c[i].author_id = comments[i].author;
        c[i].has_author_id = true;
        if (comments[i].parent) {
            c[i].post_id = comments[i].post;
            OK(db, comment_replies_add(db, &c[comments[i].parent - 1], &c[i]));
        } else {
            OK(db, post_comments_add(db, &p2, &c[i]));
        }
        assert_int_equal(c[i].id, comments[i].id);
    }
    post_free(&p2);
}

static void check_user(assoc_db *db, const user_row *w, assoc_time since)
{
    User u = USER_INIT;
    OK(db, user_get(db, w->id, &u));
    STR_EQ("username", u.username, w->name);
    STR_EQ("email", u.email, w->email);
    STR_EQ("about_me", u.about_me, w->about);
    if (w->seen) {
        assert_true(u.has_last_seen);
        assert_int_equal(u.last_seen, at(w->seen));
    } else {
        sqla_recent("last_seen", u.has_last_seen, u.last_seen, since);
    }
    user_free(&u);
}

static void check_data(assoc_db *db, assoc_time since)
{
    for (size_t i = 0; i < N(users); i++)
        check_user(db, &users[i], since);
    User miguel = USER_INIT, susan = USER_INIT, david = USER_INIT;
    OK(db, user_get(db, 1, &miguel));
    OK(db, user_get(db, 2, &susan));
    OK(db, user_get(db, 3, &david));
    UserList ul = USER_LIST_INIT;
    OK(db, user_followed(db, &miguel, &ul));
    ASSERT_IDS(ul, 2, 3);
    user_list_free(&ul);
    OK(db, user_followers(db, &miguel, &ul));   /* the backref */
    ASSERT_IDS(ul, 2);
    user_list_free(&ul);
    OK(db, user_followers(db, &david, &ul));
    ASSERT_IDS(ul, 1);
    user_list_free(&ul);
    OK(db, user_followed(db, &david, &ul));
    assert_int_equal(ul.len, 0);

    PostList pl = POST_LIST_INIT;
    OK(db, user_posts(db, &miguel, &pl));       /* "desc(Post.timestamp)" */
    ASSERT_IDS(pl, 3, 2);
    STR_EQ("post 3 language", pl.items[0].language, NULL);
    STR_EQ("post 2 language", pl.items[1].language, "en");
    assert_int_equal(pl.items[0].timestamp, at(posts[2].ts));
    CommentList cl = COMMENT_LIST_INIT;
    OK(db, post_comments(db, &pl.items[1], &cl)); /* order_by = Comment.timestamp */
    ASSERT_IDS(cl, 1, 3, 2, 4, 5);
    for (size_t i = 0; i < cl.len; i++) {
        const comment_row *w = &comments[cl.items[i].id - 1];
        STR_EQ("comment body", cl.items[i].body, w->body);
        assert_int_equal(cl.items[i].timestamp, at(w->ts));
        Comment parent = COMMENT_INIT;
        if (w->parent) {
            OK(db, comment_parent(db, &cl.items[i], &parent));   /* remote_side = id */
            assert_int_equal(parent.id, w->parent);
            comment_free(&parent);
        } else {
            RC(db, ASSOC_NOTFOUND, comment_parent(db, &cl.items[i], &parent));
        }
    }
    CommentList replies = COMMENT_LIST_INIT;
    OK(db, comment_replies(db, &cl.items[0], &replies)); /* "Comment.timestamp.asc()" */
    ASSERT_IDS(replies, 3, 2);
    comment_list_free(&replies);
    OK(db, comment_replies(db, &cl.items[2], &replies));
    ASSERT_IDS(replies, 4);
    comment_list_free(&replies);
    comment_list_free(&cl);
    post_list_free(&pl);
    user_list_free(&ul);
    user_free(&miguel);
    user_free(&susan);
    user_free(&david);
}

/* The datetimes as stored, to the microsecond (whoever wrote them). */
static void check_stored(assoc_db *db)
{
    char where[64];
    for (size_t i = 0; i < N(posts); i++) {
        snprintf(where, sizeof where, "posts WHERE id = %lld", (long long)posts[i].id);
        sqla_stored_time(db, "timestamp", where, posts[i].ts);
    }
    for (size_t i = 0; i < N(comments); i++) {
        snprintf(where, sizeof where, "comments WHERE id = %lld", (long long)comments[i].id);
        sqla_stored_time(db, "timestamp", where, comments[i].ts);
    }
    sqla_stored_time(db, "last_seen", "users WHERE id = 1", users[0].seen);
}

static void test_c_writes_sqlalchemy_reads(void **state)
{
    sqla_fixture *f = *state;
    assoc_time since = assoc_now();
    assoc_db *db = sqla_open(f);
    write_data(db);
    check_data(db, since);
    check_stored(db);
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
    OK(db, microblog_verify(db));
    OK(db, microblog_create_all(db));
    check_data(db, since);
    check_stored(db);

    User miguel = USER_INIT, susan = USER_INIT, david = USER_INIT;
    OK(db, user_get(db, 1, &miguel));
    OK(db, user_get(db, 2, &susan));
    OK(db, user_get(db, 3, &david));
    OK(db, user_followed_remove(db, &susan, &miguel));
    OK(db, user_followed_add(db, &david, &susan));

    /* Deleting comment 1 deletes its thread: replies 2, 3, and 2's reply 4. */
    Comment c1 = COMMENT_INIT, c5 = COMMENT_INIT;
    OK(db, comment_get(db, 1, &c1));
    OK(db, comment_delete(db, &c1));
    comment_free(&c1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM comments"), 1);

    /* A reply to comment 5: timestamp by default(now). */
    OK(db, comment_get(db, 5, &c5));
    Comment reply = COMMENT_INIT;
    reply.post_id = c5.post_id;
    reply.author_id = miguel.id;
    reply.has_author_id = true;
    reply.body = "a reply from C";
    OK(db, comment_replies_add(db, &c5, &reply));
    assert_int_equal(reply.id, 6);
    sqla_recent("reply timestamp", reply.has_timestamp, reply.timestamp, since);
    comment_free(&c5);

    Post p1 = POST_INIT;
    OK(db, post_get(db, 1, &p1));
    OK(db, post_delete(db, &p1));
    post_free(&p1);

    assoc_free(miguel.about_me);
    miguel.about_me = NULL;
    OK(db, assoc_strdup(db, "tutorials and more", &miguel.about_me));
    OK(db, user_update(db, &miguel));
    user_free(&miguel);
    user_free(&susan);
    user_free(&david);
    sqla_run(f, SCRIPT, "check-rt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_c_writes_sqlalchemy_reads, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_sqlalchemy_writes_c_reads_and_changes, sqla_setup, sqla_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
