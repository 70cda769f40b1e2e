/* queries.h - what the C programs of the queries benchmark share
 * (queries_raw.c, queries_api.c): their options, the two phases' checksums
 * and the datetime reading of the hand-written program.  The checksum
 * function h() and the report format are bench.h's; queries_sqla.py and
 * queries_run.py restate these definitions, and README.md in this
 * directory ("Queries and batched loads") is the reference for all of them.
 *
 * The data is the workload's (bench.h): N users, P = N / 10 products, user
 * i with ten orders, order k of user i linking product (7*i + k) mod P + 1,
 * inserted users, products, then orders by user and k.  queries_raw --build
 * writes it once into the database file; every implementation then opens
 * that file and only reads it.
 *
 * The phases (--phases, comma-separated; both by default):
 *   query_pages         every page of "orders whose buyer's email is LIKE
 *                       --pattern, newest (highest id) first", --page rows
 *                       a page, by keyset pagination, each page its own
 *                       statement in autocommit (a request of its own);
 *                       term per row: h(page, order.id, user_id,
 *                       product_id) + [dttm not NULL], pages numbered from
 *                       0, so every row must land on the same page
 *   user_products_load  user.products for every user, in one transaction;
 *                       term per (user, product) pair, each pair once:
 *                       h(user.id, product.id, len(title)) + [create_dttm
 *                       not NULL] (the workload's user_products term)
 */
#ifndef QUERIES_H
#define QUERIES_H

#include "bench.h"

#define Q_PHASES "query_pages user_products_load"

typedef struct q_opts {
    long n;              /* -n: users (the data's size; --build writes it) */
    const char *db;      /* --db: the database file */
    const char *schema;  /* --schema: the DDL, for --build */
    bool build;          /* --build: write the data and stop */
    const char *pattern; /* --pattern: the LIKE pattern of query_pages */
    long page;           /* --page: rows per page of query_pages */
    long chunk;          /* --chunk: users per batched load (API) */
    const char *phases;  /* --phases: which to run */
    const char *variant; /* --variant: implementation-specific choices */
} q_opts;

static inline void q_usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s -n N --db PATH [--build --schema FILE.sql] [--pattern LIKE] [--page ROWS]\n"
            "       [--chunk USERS] [--phases query_pages,user_products_load] [--variant WORDS]\n",
            prog);
    exit(2);
}

static inline long q_long(const char *prog, const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < 1)
        q_usage(prog);
    return v;
}

static inline q_opts q_parse(int argc, char **argv)
{
    q_opts o = { 100000, NULL, NULL, false, "%7@example.com", 20, 100, "query_pages,user_products_load", "" };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--build") == 0) {
            o.build = true;
            continue;
        }
        if (i + 1 >= argc)
            q_usage(argv[0]);
        const char *v = argv[++i];
        if (strcmp(a, "-n") == 0)
            o.n = q_long(argv[0], v);
        else if (strcmp(a, "--db") == 0)
            o.db = v;
        else if (strcmp(a, "--schema") == 0)
            o.schema = v;
        else if (strcmp(a, "--pattern") == 0)
            o.pattern = v;
        else if (strcmp(a, "--page") == 0)
            o.page = q_long(argv[0], v);
        else if (strcmp(a, "--chunk") == 0)
            o.chunk = q_long(argv[0], v);
        else if (strcmp(a, "--phases") == 0)
            o.phases = v;
        else if (strcmp(a, "--variant") == 0)
            o.variant = v;
        else
            q_usage(argv[0]);
    }
    if (o.db == NULL || o.n < 100 || o.n % 10 != 0 || (o.build && o.schema == NULL)) {
        fprintf(stderr, "%s: N must be a multiple of 10, at least 100; --db is required, and --build needs --schema\n",
                argv[0]);
        exit(2);
    }
    return o;
}

/* Whether the comma-separated list has the word. */
static inline bool q_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p != '\0';) {
        const char *e = strchr(p, ',');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0)
            return true;
        p += len + (e != NULL);
    }
    return false;
}

static inline uint64_t q_page_term(int64_t page, int64_t id, int64_t user_id, int64_t product_id, bool has_dttm)
{
    return cs_h4((uint64_t)page, (uint64_t)id, (uint64_t)user_id, (uint64_t)product_id) + has_dttm;
}

static inline uint64_t q_load_term(int64_t user, int64_t product, size_t title_len, bool has_dttm)
{
    return cs_h3((uint64_t)user, (uint64_t)product, (uint64_t)title_len) + has_dttm;
}

#endif /* QUERIES_H */
