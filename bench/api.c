/* api.c - the benchmark's workload through the generated API (models.h
 * generated from schema/models.def), as an application would write it.
 *
 * One transaction per phase (assoc_begin/assoc_commit).  Inserts: each user
 * and product by its _insert, a user's ten orders together by
 * order_insert_many.  The loading phases stream: user_each with
 * user_products_each, product_each with product_users_each, and user_each
 * with user_orders_with_product_each (each order lent with its product, one
 * statement per user), so memory stays flat whatever N is.  Deletes: each
 * tenth user by user_delete, its orders going by the relationship's cascade.
 * Memory statistics are turned off before SQLite is used, as the
 * hand-written C does (a program's choice, process-wide).
 *
 * --variant words (comma-separated), for the comparisons in README.md:
 *   single     each order by its own order_insert
 *   load       user_orders, then order_product_load_each over the list (the
 *              batched load: two statements per user)
 *   view       user_orders, then order_product_view per order
 *   owned      user_orders, then order_product per order, a Product of its
 *              own (its title copied) freed after use
 *   memstatus  leave SQLite's memory statistics on
 *   cache_kib=K  open with assoc_open_with, a page cache of K KiB instead of
 *              the default (make bench-memory BENCH_MEM_CACHE_KIB=K runs
 *              both C programs with it)
 */
#include "bench.h"
#include "models.h"

static assoc_db *db;
static bool owned; /* --variant owned */
static bool view;  /* --variant view */
static bool single; /* --variant single */
static bool load;   /* --variant load */

/* Is `word` one of the comma-separated words of the variant? */
static bool has(const char *variant, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = variant; *p != '\0';) {
        const char *e = strchr(p, ',');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0)
            return true;
        p += len + (e != NULL);
    }
    return false;
}

/* The value of the variant's word NAME=VALUE (ending at its comma), or
 * NULL. */
static const char *value_of(const char *variant, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = variant; *p != '\0';) {
        const char *e = strchr(p, ',');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        if (len > n && memcmp(p, name, n) == 0 && p[n] == '=')
            return p + n + 1;
        p += len + (e != NULL);
    }
    return NULL;
}

static void check(int rc, const char *what)
{
    if (rc != ASSOC_OK) {
        fprintf(stderr, "api: %s failed (%d): %s\n", what, rc, assoc_errmsg(db));
        exit(1);
    }
}

typedef struct loop {
    uint64_t cs;
    long long rows;
    int64_t owner; /* the id of the row whose collection is being walked */
} loop;

/* ---- user.products for every user ---- */

static int on_user_product(const Product *p, void *ctx)
{
    loop *l = ctx;
    l->cs += cs_h3((uint64_t)l->owner, (uint64_t)p->id, p->title != NULL ? strlen(p->title) : 0) + p->has_create_dttm;
    l->rows++;
    return 0;
}

static int on_user_for_products(const User *u, void *ctx)
{
    loop *l = ctx;
    l->owner = u->id;
    return user_products_each(db, u, on_user_product, l);
}

/* ---- product.users for every product ---- */

static int on_product_user(const User *u, void *ctx)
{
    loop *l = ctx;
    l->cs += cs_h3((uint64_t)l->owner, (uint64_t)u->id, u->email != NULL ? strlen(u->email) : 0) + u->has_create_dttm;
    l->rows++;
    return 0;
}

static int on_product_for_users(const Product *p, void *ctx)
{
    loop *l = ctx;
    l->owner = p->id;
    return product_users_each(db, p, on_product_user, l);
}

/* ---- user.orders, and each order's product ---- */

typedef struct order_visit {
    loop *l;
    int64_t user;
    const Order *order;
} order_visit;

static void count_product(order_visit *v, const Product *p)
{
    v->l->cs += cs_h4((uint64_t)v->user, (uint64_t)v->order->id, (uint64_t)p->id,
                      p->title != NULL ? strlen(p->title) : 0) +
                v->order->has_dttm + p->has_create_dttm;
    v->l->rows++;
}

static int on_order_product(const Product *p, void *ctx)
{
    count_product(ctx, p);
    return 0;
}

/* The batched load's rows: the product of order `parent` of the list. */
typedef struct orders_visit {
    loop *l;
    int64_t user;
    const OrderList *orders;
} orders_visit;

static int on_order_product_at(size_t parent, const Product *p, void *ctx)
{
    orders_visit *w = ctx;
    order_visit v = { w->l, w->user, &w->orders->items[parent] };
    count_product(&v, p);
    return 0;
}

/* The joined loader's rows: an order and its product (NULL: none). */
static int on_order_with_product(const Order *o, const Product *p, void *ctx)
{
    order_visit *v = ctx;
    if (p == NULL)
        return 0; /* an order without a product: nothing to count */
    v->order = o;
    count_product(v, p);
    return 0;
}

static int on_user_for_orders(const User *u, void *ctx)
{
    loop *l = ctx;
    if (!load && !view && !owned) {
        order_visit v = { l, u->id, NULL };
        return user_orders_with_product_each(db, u, on_order_with_product, &v);
    }
    OrderList orders = ORDER_LIST_INIT;
    int rc = user_orders(db, u, &orders);

    if (rc == ASSOC_OK && load) {
        orders_visit w = { l, u->id, &orders };
        rc = order_product_load_each(db, orders.items, orders.len, on_order_product_at, &w);
    }
    for (size_t j = 0; rc == ASSOC_OK && (view || owned) && j < orders.len; j++) {
        order_visit v = { l, u->id, &orders.items[j] };
        if (view) {
            rc = order_product_view(db, v.order, on_order_product, &v);
            continue;
        }
        Product p = PRODUCT_INIT;
        rc = order_product(db, v.order, &p);
        if (rc == ASSOC_NOTFOUND && !v.order->has_product_id) {
            rc = ASSOC_OK; /* an order without a product: nothing to load */
            continue;
        }
        if (rc == ASSOC_OK)
            count_product(&v, &p);
        product_free(&p);
    }
    order_list_free(&orders);
    return rc;
}

int main(int argc, char **argv)
{
    bench_opts o = bench_parse(argc, argv);
    const int64_t N = o.n, P = o.n / 10;
    char text[64];

    owned = has(o.variant, "owned");
    view = has(o.variant, "view");
    single = has(o.variant, "single");
    load = has(o.variant, "load");

    /* The program's choice, made once before SQLite is used, as the
     * hand-written C makes it: no statistics of every allocation (they take
     * a process-wide mutex each time; nothing here reads them).
     * --variant memstatus leaves them on. */
    if (!has(o.variant, "memstatus") && sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
        fprintf(stderr, "api: sqlite3_config(SQLITE_CONFIG_MEMSTATUS) failed\n");
        return 1;
    }
    assoc_options opts = ASSOC_OPTIONS_INIT;
    const char *cache = value_of(o.variant, "cache_kib");
    if (cache != NULL)
        opts.cache_kib = strtoll(cache, NULL, 10);
    check(assoc_open_with(o.db, &opts, &db), "assoc_open_with");
    check(models_create_all(db), "models_create_all");

    int64_t *uid = malloc((size_t)N * sizeof *uid), *pid = malloc((size_t)P * sizeof *pid);
    if (uid == NULL || pid == NULL) {
        fprintf(stderr, "api: out of memory\n");
        return 1;
    }

    /* ---- insert ---- */
    {
        uint64_t cs = 0;
        bench_phase ph = bench_start("insert");
        check(assoc_begin(db), "assoc_begin");
        for (int64_t i = 1; i <= N; i++) {
            User u = USER_INIT;
            snprintf(text, sizeof text, "user%lld@example.com", (long long)i);
            u.email = text;
            check(user_insert(db, &u), "user_insert");
            uid[i - 1] = u.id;
            cs += cs_h2(0, (uint64_t)u.id);
        }
        for (int64_t j = 1; j <= P; j++) {
            Product p = PRODUCT_INIT;
            snprintf(text, sizeof text, "product %lld", (long long)j);
            p.title = text;
            check(product_insert(db, &p), "product_insert");
            pid[j - 1] = p.id;
            cs += cs_h2(1, (uint64_t)p.id);
        }
        for (int64_t i = 1; i <= N; i++) {
            Order od[10];
            for (int64_t k = 0; k < 10; k++) {
                od[k] = (Order)ORDER_INIT;
                od[k].user_id = uid[i - 1];
                od[k].has_user_id = true;
                od[k].product_id = pid[(7 * i + k) % P];
                od[k].has_product_id = true;
                if (single)
                    check(order_insert(db, &od[k]), "order_insert");
            }
            if (!single)
                check(order_insert_many(db, od, 10), "order_insert_many");
            for (int k = 0; k < 10; k++)
                cs += cs_h3((uint64_t)od[k].id, (uint64_t)od[k].user_id, (uint64_t)od[k].product_id);
        }
        check(assoc_commit(db), "assoc_commit");
        bench_end(ph, N + P + 10 * N, cs);
    }

    /* PostgreSQL: the planner's statistics of what was inserted, untimed, as
     * every PostgreSQL implementation gathers them after its insert phase
     * (bench/pg_run.py runs the server without autovacuum, so that none
     * starts in the middle of a timed phase).  Nothing on SQLite. */
    if (assoc_pg(db) != NULL) {
        static const assoc_sql analyze = { "ANALYZE", NULL };
        check(assoc_exec(db, &analyze), "ANALYZE");
    }

    /* ---- user.products for every user ---- */
    {
        loop l = { 0, 0, 0 };
        bench_phase ph = bench_start("user_products");
        check(assoc_begin(db), "assoc_begin");
        check(user_each(db, on_user_for_products, &l), "user_each / user_products_each");
        check(assoc_commit(db), "assoc_commit");
        bench_end(ph, l.rows, l.cs);
    }

    /* ---- product.users for every product ---- */
    {
        loop l = { 0, 0, 0 };
        bench_phase ph = bench_start("product_users");
        check(assoc_begin(db), "assoc_begin");
        check(product_each(db, on_product_for_users, &l), "product_each / product_users_each");
        check(assoc_commit(db), "assoc_commit");
        bench_end(ph, l.rows, l.cs);
    }

    /* ---- user.orders, and each order's product ---- */
    {
        loop l = { 0, 0, 0 };
        bench_phase ph = bench_start("user_orders_product");
        check(assoc_begin(db), "assoc_begin");
        check(user_each(db, on_user_for_orders, &l), "user_each / user_orders / order_product");
        check(assoc_commit(db), "assoc_commit");
        bench_end(ph, l.rows, l.cs);
    }

    /* ---- delete every tenth user with its orders ---- */
    {
        int64_t users0, orders0, users1, orders1;
        uint64_t cs = 0;
        check(user_count(db, &users0), "user_count");
        check(order_count(db, &orders0), "order_count");
        bench_phase ph = bench_start("delete");
        check(assoc_begin(db), "assoc_begin");
        for (int64_t i = 10; i <= N; i += 10) {
            User u = USER_INIT;
            u.id = uid[i - 1];
            check(user_delete(db, &u), "user_delete");
            cs += cs_h2(0, (uint64_t)u.id);
        }
        check(assoc_commit(db), "assoc_commit");
        double ms = bench_stop(&ph);
        check(user_count(db, &users1), "user_count");
        check(order_count(db, &orders1), "order_count");
        cs += cs_h2((uint64_t)users1, (uint64_t)orders1);
        bench_report(&ph, ms, (users0 - users1) + (orders0 - orders1), cs);
    }

    free(uid);
    free(pid);
    assoc_close(db);
    bench_finish();
    return 0;
}
