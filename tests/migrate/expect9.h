/* expect9.h - the rows of the section 9 migration tests (base9.def), as
 * formulas of their index, shared by fill9.c (through base9.def's generated
 * API) and the base9 cases' check.c (through their new.def's).
 * sqla_base9.py writes the same rows through SQLAlchemy: keep the two in
 * step.  Where JSON is written, its text is what Python's json.dumps makes
 * of the same value, so both databases hold the same text.
 *
 *   projects  1..NPROJECTS: settings given to the odd ones, the default
 *             "{}" to the others; token and the stamps left to their
 *             defaults
 *   tasks     1..NTASKS, task i in project i % 4 + 1, its parent i / 2
 *             from task 5 on; no task is wontfix
 */
#ifndef MIGRATE_EXPECT9_H
#define MIGRATE_EXPECT9_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "assoc.h"

enum { NPROJECTS = 4, NTASKS = 40 };

/* base9.def's enum(todo, doing, done, wontfix), in its order. */
static const char *const STATUS9[4] = { "todo", "doing", "done", "wontfix" };

static inline void project_name_of(int p, char *buf, size_t n) { snprintf(buf, n, "Project %d", p); }
static inline bool has_settings(int p) { return p % 2 == 1; }
/* The default "{}" where !has_settings. */
static inline void settings_of(int p, char *buf, size_t n)
{
    if (has_settings(p))
        snprintf(buf, n, "{\"color\": \"c%d\", \"public\": true}", p);
    else
        snprintf(buf, n, "{}");
}

static inline int project_of(int t) { return t % 4 + 1; }
/* A quote and UTF-8: what SQL must carry as it is. */
static inline void title_of(int t, char *buf, size_t n) { snprintf(buf, n, "Task %d's \xc3\xa9", t); }
/* 0: left unset, the default todo; else 1-based in STATUS9 (never wontfix). */
static inline int status_set(int t) { return t % 4 == 0 ? 0 : t % 3 + 1; }
static inline const char *status_of(int t) { return STATUS9[status_set(t) ? status_set(t) - 1 : 0]; }
static inline const char *kind_of(int t) { return t % 5 == 0 ? NULL : t % 2 ? "bug" : "feature"; }
static inline bool has_labels(int t) { return t % 3 != 0; }
static inline void labels_of(int t, char *buf, size_t n) { snprintf(buf, n, "[\"l%d\", \"x\"]", t); }
/* JSON text in a text column (a text to json migration keeps it). */
static inline bool has_meta(int t) { return t % 4 != 1; }
static inline void meta_of(int t, char *buf, size_t n) { snprintf(buf, n, "{\"k\": %d, \"s\": \"m%d\"}", t, t); }
/* Text that is not JSON. */
static inline bool has_notes(int t) { return t % 2 == 1; }
static inline void notes_of(int t, char *buf, size_t n) { snprintf(buf, n, "note %d: plain text", t); }
static inline bool has_estimate(int t) { return t % 3 != 1; }
static inline int64_t estimate_of(int t) { return t * 2; }
static inline bool has_parent(int t) { return t > 4; }
static inline int64_t parent_of(int t) { return t / 2; }

/* Whether s is a version-4 UUID's text. */
static inline bool is_uuid4(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL || s[i] == '\0')
            return false;
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

#ifndef EXPECT
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

#endif
