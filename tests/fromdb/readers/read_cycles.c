/* read_cycles.c - sql/cycles.sql's database read through the code
 * generated from `assocgen --from-db cycles.db`: keys of a table to itself
 * as many-to-one relationships with remote_side (to the key, and to a
 * unique column) and their backrefs; keys of two tables to each other,
 * where post_update was put (topics' first and last post, a widget's
 * favorite entry), where it cannot be (accounts and contacts), and where
 * none is needed (teams and players).  Then, in the copy, deletes: a forum
 * and a board, whose rows refer to each other, which post_update makes
 * possible; a category, whose child keeps its row; an account, refused as
 * the comment in the model says (compare with hand_dump.py cycles). */
#include <string.h>

#include "cycles.h"
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

/* " label: ID" or " label: none" for a to-one relationship. */
#define ONE(label, T, INIT, call, free_fn)                                                    \
    do {                                                                                      \
        T o_ = INIT;                                                                          \
        bool f_;                                                                              \
        TO_ONE(call, f_);                                                                     \
        if (f_)                                                                               \
            printf(" %s: %" PRId64, label, o_.id);                                            \
        else                                                                                  \
            printf(" %s: none", label);                                                       \
        free_fn(&o_);                                                                         \
    } while (0)

static void remaining(const char *what)
{
    printf("after deleting %s:\n", what);
    IDS("forums", ForumList, FORUM_LIST_INIT, forum_all(db, &l_), forum_list_free);
    IDS("topics", TopicList, TOPIC_LIST_INIT, topic_all(db, &l_), topic_list_free);
    IDS("posts", PostList, POST_LIST_INIT, post_all(db, &l_), post_list_free);
    IDS("boards", BoardList, BOARD_LIST_INIT, board_all(db, &l_), board_list_free);
    IDS("widgets", WidgetList, WIDGET_LIST_INIT, widget_all(db, &l_), widget_list_free);
    IDS("entries", EntryList, ENTRY_LIST_INIT, entry_all(db, &l_), entry_list_free);
    IDS("categories", CategoryList, CATEGORY_LIST_INIT, category_all(db, &l_), category_list_free);
}

static void deletes(void)
{
    Forum f = FORUM_INIT;
    CHECK(forum_get(db, 1, &f));
    CHECK(forum_delete(db, &f));
    forum_free(&f);
    remaining("forum 1");
    Board b = BOARD_INIT;
    CHECK(board_get(db, 1, &b));
    CHECK(board_delete(db, &b));
    board_free(&b);
    remaining("board 1");
    Category c = CATEGORY_INIT;
    CHECK(category_get(db, 2, &c));
    CHECK(category_delete(db, &c));
    category_free(&c);
    remaining("category 2");
    CHECK(category_get(db, 3, &c));
    printf("  category 3");
    p_int("parent_id", c.parent_id, c.has_parent_id);
    printf("\n");
    category_free(&c);

    /* Both keys NOT NULL: no post_update, and the delete stops on the
     * cycle with nothing deleted, as the model's comment says. */
    Account a = ACCOUNT_INIT;
    CHECK(account_get(db, 1, &a));
    int rc = account_delete(db, &a);
    account_free(&a);
    if (rc == ASSOC_OK || strstr(assoc_errmsg(db), "circular") == NULL) {
        fprintf(stderr, "account_delete returned %d: %s\n", rc, assoc_errmsg(db));
        exit(1);
    }
    printf("deleting account 1: refused\n");
    AccountList al = ACCOUNT_LIST_INIT;
    ContactList cl = CONTACT_LIST_INIT;
    CHECK(account_all(db, &al));
    CHECK(contact_all(db, &cl));
    printf("  accounts:");
    for (size_t k = 0; k < al.len; k++)
        printf(" %" PRId64, al.items[k].id);
    printf(" contacts:");
    for (size_t k = 0; k < cl.len; k++)
        printf(" %" PRId64, cl.items[k].id);
    printf("\n");
    account_list_free(&al);
    contact_list_free(&cl);
}

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, cycles_create_all, cycles_verify);

    NodeList nodes = NODE_LIST_INIT;
    CHECK(node_all(db, &nodes));
    for (size_t i = 0; i < nodes.len; i++) {
        const Node *n = &nodes.items[i];
        printf("node %" PRId64, n->id);
        p_text("label", n->label);
        p_int("parent_id", n->parent_id, n->has_parent_id);
        p_int("twin_id", n->twin_id, n->has_twin_id);
        p_text("Code", n->Code);
        p_text("alias_of", n->alias_of);
        printf("\n ");
        ONE("parent", Node, NODE_INIT, node_parent(db, n, &o_), node_free);
        ONE("twin", Node, NODE_INIT, node_twin(db, n, &o_), node_free);
        ONE("node", Node, NODE_INIT, node_node(db, n, &o_), node_free);
        ONE("twin_node", Node, NODE_INIT, node_twin_node(db, n, &o_), node_free);
        printf("\n");
        IDS("parent_nodes", NodeList, NODE_LIST_INIT, node_parent_nodes(db, n, &l_), node_list_free);
        IDS("alias_of_nodes", NodeList, NODE_LIST_INIT, node_alias_of_nodes(db, n, &l_), node_list_free);
    }
    node_list_free(&nodes);

    CategoryList cats = CATEGORY_LIST_INIT;
    CHECK(category_all(db, &cats));
    for (size_t i = 0; i < cats.len; i++) {
        const Category *c = &cats.items[i];
        printf("category %" PRId64, c->id);
        p_text("name", c->name);
        p_int("parent_id", c->parent_id, c->has_parent_id);
        printf("\n ");
        ONE("parent", Category, CATEGORY_INIT, category_parent(db, c, &o_), category_free);
        printf("\n");
        IDS("categories", CategoryList, CATEGORY_LIST_INIT, category_categories(db, c, &l_), category_list_free);
    }
    category_list_free(&cats);

    ForumList forums = FORUM_LIST_INIT;
    CHECK(forum_all(db, &forums));
    for (size_t i = 0; i < forums.len; i++) {
        printf("forum %" PRId64, forums.items[i].id);
        p_text("title", forums.items[i].title);
        printf("\n");
        IDS("topics", TopicList, TOPIC_LIST_INIT, forum_topics(db, &forums.items[i], &l_), topic_list_free);
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
        printf("\n ");
        ONE("first_post", Post, POST_INIT, topic_first_post(db, t, &o_), post_free);
        ONE("last_post", Post, POST_INIT, topic_last_post(db, t, &o_), post_free);
        printf("\n");
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
        printf("\n");
        IDS("first_post_topics", TopicList, TOPIC_LIST_INIT, post_first_post_topics(db, p, &l_), topic_list_free);
        IDS("last_post_topics", TopicList, TOPIC_LIST_INIT, post_last_post_topics(db, p, &l_), topic_list_free);
    }
    post_list_free(&posts);

    BoardList boards = BOARD_LIST_INIT;
    CHECK(board_all(db, &boards));
    for (size_t i = 0; i < boards.len; i++) {
        printf("board %" PRId64, boards.items[i].id);
        p_text("name", boards.items[i].name);
        printf("\n");
        IDS("widgets", WidgetList, WIDGET_LIST_INIT, board_widgets(db, &boards.items[i], &l_), widget_list_free);
        IDS("entries", EntryList, ENTRY_LIST_INIT, board_entries(db, &boards.items[i], &l_), entry_list_free);
    }
    board_list_free(&boards);

    WidgetList widgets = WIDGET_LIST_INIT;
    CHECK(widget_all(db, &widgets));
    for (size_t i = 0; i < widgets.len; i++) {
        const Widget *w = &widgets.items[i];
        printf("widget %" PRId64, w->id);
        p_int("board_id", w->board_id, true);
        p_text("name", w->name);
        p_int("favorite_entry_id", w->favorite_entry_id, w->has_favorite_entry_id);
        printf("\n ");
        ONE("favorite_entry", Entry, ENTRY_INIT, widget_favorite_entry(db, w, &o_), entry_free);
        printf("\n");
        IDS("entries", EntryList, ENTRY_LIST_INIT, widget_entries(db, w, &l_), entry_list_free);
    }
    widget_list_free(&widgets);

    EntryList entries = ENTRY_LIST_INIT;
    CHECK(entry_all(db, &entries));
    for (size_t i = 0; i < entries.len; i++) {
        const Entry *e = &entries.items[i];
        printf("entry %" PRId64, e->id);
        p_int("board_id", e->board_id, true);
        p_int("widget_id", e->widget_id, e->has_widget_id);
        p_text("text", e->text);
        printf("\n ");
        ONE("widget", Widget, WIDGET_INIT, entry_widget(db, e, &o_), widget_free);
        printf("\n");
    }
    entry_list_free(&entries);

    AccountList accounts = ACCOUNT_LIST_INIT;
    CHECK(account_all(db, &accounts));
    for (size_t i = 0; i < accounts.len; i++) {
        printf("account %" PRId64, accounts.items[i].id);
        p_text("name", accounts.items[i].name);
        p_int("owner_contact_id", accounts.items[i].owner_contact_id, true);
        printf("\n");
        IDS("contacts", ContactList, CONTACT_LIST_INIT, account_contacts(db, &accounts.items[i], &l_),
            contact_list_free);
    }
    account_list_free(&accounts);

    ContactList contacts = CONTACT_LIST_INIT;
    CHECK(contact_all(db, &contacts));
    for (size_t i = 0; i < contacts.len; i++) {
        printf("contact %" PRId64, contacts.items[i].id);
        p_int("account_id", contacts.items[i].account_id, true);
        p_text("name", contacts.items[i].name);
        printf("\n");
        IDS("accounts", AccountList, ACCOUNT_LIST_INIT, contact_accounts(db, &contacts.items[i], &l_),
            account_list_free);
    }
    contact_list_free(&contacts);

    TeamList teams = TEAM_LIST_INIT;
    CHECK(team_all(db, &teams));
    for (size_t i = 0; i < teams.len; i++) {
        printf("team %" PRId64, teams.items[i].id);
        p_text("name", teams.items[i].name);
        p_int("captain_id", teams.items[i].captain_id, teams.items[i].has_captain_id);
        printf("\n");
        IDS("players", PlayerList, PLAYER_LIST_INIT, team_players(db, &teams.items[i], &l_), player_list_free);
    }
    team_list_free(&teams);

    PlayerList players = PLAYER_LIST_INIT;
    CHECK(player_all(db, &players));
    for (size_t i = 0; i < players.len; i++) {
        printf("player %" PRId64, players.items[i].id);
        p_text("name", players.items[i].name);
        p_int("team_id", players.items[i].team_id, players.items[i].has_team_id);
        printf("\n");
        IDS("teams", TeamList, TEAM_LIST_INIT, player_teams(db, &players.items[i], &l_), team_list_free);
    }
    player_list_free(&players);

    if (open_copy(argc, argv)) {
        deletes();
        assoc_close(db);
    }
    return 0;
}
