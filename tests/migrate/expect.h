/* expect.h - the rows the migration tests write, as formulas of their
 * index, shared by fill.c (through the old generated API) and the cases'
 * check.c (reading through the new one).  sqla_base.py writes the same
 * rows through SQLAlchemy: keep the two in step.
 *
 *   users     1..NUSERS
 *   groups    1..3 ("admins", "staff", "guests")
 *   memberships  user i in group i % 3 + 1; also in group 1 when i % 5 == 0 and
 *             i % 3 != 0
 *   posts     two per user i with i % 3 != 0: post ids in order, k = 1, 2
 *   tags      the five CODES
 *   post_tags post p with tags p % 5 and (p + 2) % 5
 *   comments  post p has p % 3 comments, seq 1..
 */
#ifndef MIGRATE_EXPECT_H
#define MIGRATE_EXPECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "assoc.h"

enum { NUSERS = 30, NGROUPS = 3, NTAGS = 5 };

static const char *const GROUPS[NGROUPS] = { "admins", "staff", "guests" };
static const char *const CODES[NTAGS] = { "c", "py", "sql", "rust", "go" };
static const char *const CITIES[4] = { "Paris", "Oslo", NULL, "Lima" };

/* 2000-01-01 00:00:00 UTC */
#define T2000 INT64_C(946684800000000)
#define DAY INT64_C(86400000000)

static inline void email_of(int i, char *buf, size_t n) { snprintf(buf, n, "user%d@example.com", i); }
static inline bool has_name(int i) { return i % 7 != 0; }
static inline void name_of(int i, char *buf, size_t n) { snprintf(buf, n, "Name %d", i); }
static inline bool has_nick(int i) { return i % 3 != 0; }
/* Quotes, a backslash and UTF-8: what SQL must carry as it is. */
static inline void nick_of(int i, char *buf, size_t n) { snprintf(buf, n, "nick'%d\"\\\xc3\xa9", i); }
static inline bool has_age(int i) { return i % 5 != 0; }
static inline int64_t age_of(int i) { return 20 + i; }
static inline bool has_score(int i) { return i % 4 != 0; }
static inline double score_of(int i) { return i * 1.25; }
static inline bool has_active(int i) { return i % 9 != 0; }
static inline bool active_of(int i) { return i % 2 == 1; }
static inline bool has_born(int i) { return i % 6 != 0; }
static inline assoc_time born_of(int i) { return T2000 + i * DAY + i; }
static inline bool has_avatar(int i) { return i % 8 != 0; }
static inline void avatar_of(int i, unsigned char out[4]) { out[0] = (unsigned char)i; out[1] = 0; out[2] = 255; out[3] = (unsigned char)(i % 7); }
static inline bool has_bio(int i) { return i % 2 == 0; }
static inline void bio_of(int i, char *buf, size_t n) { snprintf(buf, n, "bio of user %d, line one\nline two", i); }
static inline const char *city_of(int i) { return CITIES[i % 4]; }
static inline int64_t level_of(int i) { return i % 4; }   /* 0: left unset, the default 1 */
static inline bool has_referrer(int i) { return i > 1; }
static inline int64_t referrer_of(int i) { return i / 2; }

static inline bool has_posts(int i) { return i % 3 != 0; }
static inline void title_of(int user, int k, char *buf, size_t n) { snprintf(buf, n, "Post %d.%d", user, k); }
static inline bool has_body(int post) { return post % 4 != 1; }
static inline void body_of(int post, char *buf, size_t n) { snprintf(buf, n, "body of post %d", post); }
static inline int64_t views_of(int post) { return post % 6; }   /* 0: left unset, the default 0 */
static inline bool has_rating(int post) { return post % 5 != 0; }
static inline double rating_of(int post) { return post * 0.5; }
static inline bool has_published(int post) { return post % 3 != 0; }
static inline assoc_time published_of(int post) { return T2000 + post * DAY / 2; }

static inline int ncomments_of(int post) { return post % 3; }
static inline void comment_of(int post, int seq, char *buf, size_t n) { snprintf(buf, n, "comment %d/%d", post, seq); }
static inline bool has_votes(int seq) { return seq != 2; }

/* A failed expectation: say where, and count it. */
#define EXPECT(ok, ...)                                                                 \
    do {                                                                                \
        if (!(ok)) {                                                                    \
            fprintf(stderr, "%s:%d: expected %s: ", __FILE__, __LINE__, #ok);          \
            fprintf(stderr, __VA_ARGS__);                                               \
            fputc('\n', stderr);                                                        \
            failures++;                                                                 \
        }                                                                               \
    } while (0)

#endif
