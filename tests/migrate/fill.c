/* fill.c DATABASE - make DATABASE with base.def's create_all and fill it
 * through base.def's generated API with the rows of expect.h.  Exit status
 * 0, else 1 with the reason on stderr. */
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "expect.h"

#define TRY(call)                                                                       \
    do {                                                                                \
        int rc_ = (call);                                                               \
        if (rc_ != ASSOC_OK) {                                                          \
            fprintf(stderr, "fill: %s: %d %s\n", #call, rc_, assoc_errmsg(db));         \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

static int fill(assoc_db *db)
{
    Group groups[NGROUPS];
    for (int g = 0; g < NGROUPS; g++) {
        groups[g] = (Group)GROUP_INIT;
        groups[g].name = (char *)GROUPS[g];
        TRY(group_insert(db, &groups[g]));
    }
    Tag tags[NTAGS];
    for (int t = 0; t < NTAGS; t++) {
        tags[t] = (Tag)TAG_INIT;
        tags[t].code = (char *)CODES[t];
        tags[t].label = t % 2 ? NULL : (char *)"a label";
        TRY(tag_insert(db, &tags[t]));
    }
    int post = 0;
    for (int i = 1; i <= NUSERS; i++) {
        char email[64], name[64], nick[64], bio[128];
        unsigned char avatar[4];
        User u = USER_INIT;
        email_of(i, email, sizeof email);
        u.email = email;
        if (has_name(i)) {
            name_of(i, name, sizeof name);
            u.name = name;
        }
        if (has_nick(i)) {
            nick_of(i, nick, sizeof nick);
            u.nick = nick;
        }
        u.age = age_of(i);
        u.has_age = has_age(i);
        u.score = score_of(i);
        u.has_score = has_score(i);
        u.active = active_of(i);
        u.has_active = has_active(i);
        u.born = born_of(i);
        u.has_born = has_born(i);
        if (has_avatar(i)) {
            avatar_of(i, avatar);
            u.avatar.data = avatar;
            u.avatar.len = sizeof avatar;
        }
        if (has_bio(i)) {
            bio_of(i, bio, sizeof bio);
            u.bio = bio;
        }
        u.city = (char *)city_of(i);
        u.level = level_of(i);
        u.has_level = level_of(i) != 0;
        u.referrer_id = referrer_of(i);
        u.has_referrer_id = has_referrer(i);
        TRY(user_insert(db, &u));
        TRY(user_groups_add(db, &u, &groups[i % 3]));
        if (i % 5 == 0 && i % 3 != 0)
            TRY(user_groups_add(db, &u, &groups[0]));
        for (int k = 1; has_posts(i) && k <= 2; k++) {
            char title[64], body[64];
            Post p = POST_INIT;
            post++;
            title_of(i, k, title, sizeof title);
            p.title = title;
            if (has_body(post)) {
                body_of(post, body, sizeof body);
                p.body = body;
            }
            p.views = views_of(post);
            p.has_views = views_of(post) != 0;
            p.rating = rating_of(post);
            p.has_rating = has_rating(post);
            p.published = published_of(post);
            p.has_published = has_published(post);
            TRY(user_posts_add(db, &u, &p));
            TRY(post_tags_add(db, &p, &tags[post % 5]));
            TRY(post_tags_add(db, &p, &tags[(post + 2) % 5]));
            for (int s = 1; s <= ncomments_of(post); s++) {
                char text[64];
                Comment c = COMMENT_INIT;
                c.seq = s;
                comment_of(post, s, text, sizeof text);
                c.body = text;
                c.votes = s;
                c.has_votes = has_votes(s);
                TRY(post_comments_add(db, &p, &c));
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    assoc_db *db = NULL;
    if (argc != 2 || assoc_open(argv[1], &db) != ASSOC_OK) {
        fprintf(stderr, "usage: fill DATABASE (a file assoc_open can open)\n");
        return 1;
    }
    int rc = base_create_all(db);
    if (rc != ASSOC_OK) {
        fprintf(stderr, "fill: base_create_all: %s\n", assoc_errmsg(db));
        assoc_close(db);
        return 1;
    }
    rc = assoc_begin(db) == ASSOC_OK && fill(db) == 0 && assoc_commit(db) == ASSOC_OK ? 0 : 1;
    assoc_close(db);
    return rc;
}
