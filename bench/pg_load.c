/* pg_load.c - user.products for every user on PostgreSQL, through the
 * generated API: the per-user loop against the batched load (SPEC 6), where
 * every query is a round trip to the server.
 *
 *   pg_load -n N --db postgresql://HOST:PORT/DB [--variant rounds=R]
 *
 * The database holds the seed's tables, empty (bench/pg_run.py copies it
 * from a template); the program fills them with the workload's data (users,
 * products and orders as bench.h describes them: user i has id i, product j
 * id j, user i's order k links product (7i + k) mod P + 1) by three
 * set-based INSERT ... SELECT statements through the raw connection, then
 * ANALYZE, all untimed.  Then R rounds (default 3), each timing, one after
 * the other, in one transaction apiece:
 *   loop       user_each, and user_products (a ProductList) for each user:
 *              one query per user
 *   each       user_each, and user_products_each for each user (what
 *              bench/api.c's user_products phase does): one query per user
 *   load100    user_each gathering pages of 100 users, user_products_load
 *              on each page: one query per page
 *   load1000   the same with pages of 1,000 users: ten queries per page
 *              (user_products_load works in chunks of 100), in an atomic
 *              section of its own (SAVEPOINT and RELEASE, two more round
 *              trips)
 * Each phase prints bench.h's PHASE line, with the user_products phase's
 * rows and checksum: h(user, product, len(title)) + [create_dttm not NULL],
 * the same as the workload's. */
#include <libpq-fe.h>

#include "bench.h"
#include "models.h"

static assoc_db *db;

static void check(int rc, const char *what)
{
    if (rc != ASSOC_OK) {
        fprintf(stderr, "pg_load: %s failed (%d): %s\n", what, rc, assoc_errmsg(db));
        exit(1);
    }
}

static void sql(const char *text)
{
    PGresult *r = PQexec(assoc_pg(db), text);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "pg_load: %s: %s", text, PQresultErrorMessage(r));
        exit(1);
    }
    PQclear(r);
}

typedef struct tally {
    uint64_t cs;
    long long rows;
    int64_t owner;
    User *page; /* the batched loads: the page being gathered */
    size_t n, size;
} tally;

static void count_product(tally *t, int64_t owner, const Product *p)
{
    t->cs += cs_h3((uint64_t)owner, (uint64_t)p->id, p->title != NULL ? strlen(p->title) : 0) + p->has_create_dttm;
    t->rows++;
}

/* ---- loop: user_products (a list) per user ---- */

static int on_user_list(const User *u, void *ctx)
{
    ProductList l = PRODUCT_LIST_INIT;
    int rc = user_products(db, u, &l);
    for (size_t i = 0; rc == ASSOC_OK && i < l.len; i++)
        count_product(ctx, u->id, &l.items[i]);
    product_list_free(&l);
    return rc;
}

/* ---- each: user_products_each per user ---- */

static int on_product(const Product *p, void *ctx)
{
    tally *t = ctx;
    count_product(t, t->owner, p);
    return 0;
}

static int on_user_each(const User *u, void *ctx)
{
    tally *t = ctx;
    t->owner = u->id;
    return user_products_each(db, u, on_product, t);
}

/* ---- load: pages of users, user_products_load per page ---- */

static int load_page(tally *t)
{
    ProductGroups g = PRODUCT_GROUPS_INIT;
    int rc = user_products_load(db, t->page, t->n, &g);
    for (size_t i = 0; rc == ASSOC_OK && i < t->n; i++)
        for (size_t k = g.start[i]; k < g.start[i + 1]; k++)
            count_product(t, t->page[i].id, &g.rows.items[g.link[k]]);
    product_groups_free(&g);
    t->n = 0;
    return rc;
}

static int on_user_page(const User *u, void *ctx)
{
    tally *t = ctx;
    /* The user is lent for the call: keep its key (all a load reads). */
    User *k = &t->page[t->n++];
    *k = *u;
    k->email = NULL;
    return t->n == t->size ? load_page(t) : 0;
}

static void phase(const char *name, int (*fn)(const User *, void *), size_t page)
{
    tally t = { 0, 0, 0, NULL, 0, page };
    if (page > 0) {
        t.page = malloc(page * sizeof *t.page);
        if (t.page == NULL) {
            fprintf(stderr, "pg_load: out of memory\n");
            exit(1);
        }
    }
    bench_phase ph = bench_start(name);
    check(assoc_begin(db), "assoc_begin");
    check(user_each(db, fn, &t), name);
    if (page > 0 && t.n > 0)
        check(load_page(&t), name);
    check(assoc_commit(db), "assoc_commit");
    bench_end(ph, t.rows, t.cs);
    free(t.page);
}

int main(int argc, char **argv)
{
    bench_opts o = bench_parse(argc, argv);
    const long N = o.n, P = o.n / 10;
    long rounds = 3;
    char text[512];

    if (strncmp(o.variant, "rounds=", 7) == 0)
        rounds = strtol(o.variant + 7, NULL, 10);
    check(assoc_open(o.db, &db), "assoc_open");
    if (assoc_pg(db) == NULL) {
        fprintf(stderr, "pg_load: --db must be a PostgreSQL URI\n");
        return 2;
    }
    check(models_create_all(db), "models_create_all");

    /* The workload's data, untimed, in the workload's order (ids 1, 2, ...
     * on the fresh tables); users' create_dttm from the column's DEFAULT. */
    sql("BEGIN");
    snprintf(text, sizeof text,
             "INSERT INTO users (email) SELECT 'user' || i || '@example.com' FROM generate_series(1, %ld) i ORDER BY i",
             N);
    sql(text);
    snprintf(text, sizeof text,
             "INSERT INTO products (title, create_dttm) SELECT 'product ' || j, LOCALTIMESTAMP "
             "FROM generate_series(1, %ld) j ORDER BY j",
             P);
    sql(text);
    snprintf(text, sizeof text,
             "INSERT INTO orders (user_id, product_id, dttm) SELECT i, (7 * i + k) %% %ld + 1, LOCALTIMESTAMP "
             "FROM generate_series(1, %ld) i, generate_series(0, 9) k ORDER BY i, k",
             P, N);
    sql(text);
    sql("COMMIT");
    sql("ANALYZE");

    for (long r = 0; r < rounds; r++) {
        phase("loop", on_user_list, 0);
        phase("each", on_user_each, 0);
        phase("load100", on_user_page, 100);
        phase("load1000", on_user_page, 1000);
    }
    assoc_close(db);
    bench_finish();
    return 0;
}
