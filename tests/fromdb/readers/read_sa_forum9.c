/* read_sa_forum9.c - topics and posts whose keys refer to each other, as
 * SQLAlchemy wrote them, read through the code generated from `assocgen
 * --from-db sa_forum9.db`, whose model puts post_update on the topic's
 * first_post and last_post as the SQLAlchemy models do.  Then, in the
 * copy, the deletes sa_schemas.py makes through SQLAlchemy's ORM: a topic
 * with its posts, a forum with its topics and theirs, which only
 * post_update makes possible (compare with sa_schemas.py dump forum9). */
#include "sa_forum9.h"
#include "dump.h"

#define IDS(label, List, INIT, call, list_free)                                               \
    do {                                                                                      \
        List l_ = INIT;                                                                       \
        CHECK(call);                                                                          \
        printf("  %s:", label);                                                               \
        for (size_t k_ = 0; k_ < l_.len; k_++)                                                \
            printf(" %" PRId64, l_.items[k_].id);                                             \
        printf("\n");                                                                         \
        list_free(&l_);                                                                       \
    } while (0)

static void remaining(const char *what)
{
    printf("after deleting %s:\n", what);
    IDS("forums", ForumList, FORUM_LIST_INIT, forum_all(db, &l_), forum_list_free);
    IDS("topics", TopicList, TOPIC_LIST_INIT, topic_all(db, &l_), topic_list_free);
    IDS("posts", PostList, POST_LIST_INIT, post_all(db, &l_), post_list_free);
}

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, sa_forum9_create_all, sa_forum9_verify);
    bool found;

    ForumList forums = FORUM_LIST_INIT;
    CHECK(forum_all(db, &forums));
    for (size_t i = 0; i < forums.len; i++) {
        const Forum *f = &forums.items[i];
        printf("forum %" PRId64, f->id);
        p_text("title", f->title);
        printf("\n");
        IDS("topics", TopicList, TOPIC_LIST_INIT, forum_topics(db, f, &l_), topic_list_free);
    }
    forum_list_free(&forums);

    TopicList topics = TOPIC_LIST_INIT;
    CHECK(topic_all(db, &topics));
    for (size_t i = 0; i < topics.len; i++) {
        const Topic *t = &topics.items[i];
        printf("topic %" PRId64, t->id);
        p_int("forum_id", t->forum_id, true);
        p_text("title", t->title);
        p_int("first_post_id", t->first_post_id, t->has_first_post_id);
        p_int("last_post_id", t->last_post_id, t->has_last_post_id);
        printf("\n");
        Post first = POST_INIT, last = POST_INIT;
        TO_ONE(topic_first_post(db, t, &first), found);
        if (found)
            printf("  first_post: %" PRId64, first.id);
        else
            printf("  first_post: none");
        TO_ONE(topic_last_post(db, t, &last), found);
        if (found)
            printf(" last_post: %" PRId64 "\n", last.id);
        else
            printf(" last_post: none\n");
        post_free(&first);
        post_free(&last);
        IDS("posts", PostList, POST_LIST_INIT, topic_posts(db, t, &l_), post_list_free);
    }
    topic_list_free(&topics);

    PostList posts = POST_LIST_INIT;
    CHECK(post_all(db, &posts));
    for (size_t i = 0; i < posts.len; i++) {
        const Post *p = &posts.items[i];
        printf("post %" PRId64, p->id);
        p_int("topic_id", p->topic_id, true);
        p_text("body", p->body);
        Topic t = TOPIC_INIT;
        CHECK(post_topic(db, p, &t));
        printf("\n  topic: %" PRId64 "\n", t.id);
        topic_free(&t);
    }
    post_list_free(&posts);

    if (open_copy(argc, argv)) {
        Topic t = TOPIC_INIT;
        CHECK(topic_get(db, 1, &t));
        CHECK(topic_delete(db, &t));
        topic_free(&t);
        remaining("topic 1");
        Forum f = FORUM_INIT;
        CHECK(forum_get(db, 2, &f));
        CHECK(forum_delete(db, &f));
        forum_free(&f);
        remaining("forum 2");
        assoc_close(db);
    }
    return 0;
}
