/* queries_api.c - the queries benchmark through the generated API (models.h
 * from schema/models.def), as an application writes it; queries.h has the
 * options, the phases and checksums.
 *
 *   query_pages  the seed's Order.newest with its optional :buyer
 *                (user.email like :buyer?, order_by id desc, paginate):
 *                order_newest_page from NULL, then after the last row of
 *                each page until a page comes back empty; each page a list
 *                the program owns and frees.
 *   user_products_load  user_all (every user, by id), then
 *                user_products_load over --chunk users at a time, each
 *                user's products read from the groups, in one transaction.
 *
 * The connection is assoc_open()'s.  Variants (--variant, comma-separated):
 *   tuned   the settings the hand-written C chooses, through the public
 *           API: assoc_open_with() with a 64 MiB cache, and SQLite's memory
 *           statistics off (sqlite3_config, before anything is opened)
 *   qpsg    SQLite's query planner stability guarantee on the connection
 *           (sqlite3_db_config through assoc_sqlite()): a statement no longer
 *           depends on the value bound to a LIKE pattern, so binding the
 *           pattern again does not make SQLite prepare it again
 *   each    user_products_load_each (the pairs streamed to a callback, no
 *           groups built) instead of user_products_load
 */
#include "models.h"
#include "queries.h"

static assoc_db *db;

static void check(int rc, const char *what)
{
    if (rc != ASSOC_OK) {
        fprintf(stderr, "queries_api: %s failed (%d): %s\n", what, rc, assoc_errmsg(db));
        exit(1);
    }
}

/* ---- query_pages ---- */

static void phase_pages(const q_opts *o)
{
    OrderNewestArgs args = { .buyer = o->pattern };
    OrderList page = ORDER_LIST_INIT;
    uint64_t cs = 0;
    long long rows = 0;
    int64_t pages = 0;

    bench_phase ph = bench_start("query_pages");
    check(order_newest_page(db, &args, NULL, o->page, &page), "order_newest_page");
    while (page.len > 0) {
        for (size_t i = 0; i < page.len; i++) {
            const Order *r = &page.items[i];
            cs += q_page_term(pages, r->id, r->user_id, r->product_id, r->has_dttm);
        }
        rows += (long long)page.len;
        pages++;
        OrderList next = ORDER_LIST_INIT;
        check(order_newest_page(db, &args, &page.items[page.len - 1], o->page, &next), "order_newest_page");
        order_list_free(&page);
        page = next;
    }
    order_list_free(&page);
    bench_end(ph, rows, cs);
}

/* ---- user_products_load ---- */

typedef struct each_ctx {
    const User *users;
    uint64_t cs;
    long long rows;
} each_ctx;

static int on_pair(size_t parent, const Product *p, void *ctx)
{
    each_ctx *e = ctx;
    e->cs += q_load_term(e->users[parent].id, p->id, p->title != NULL ? strlen(p->title) : 0, p->has_create_dttm);
    e->rows++;
    return 0;
}

static void phase_load(const q_opts *o)
{
    const bool each = q_has(o->variant, "each");
    UserList users = USER_LIST_INIT;
    uint64_t cs = 0;
    long long rows = 0;

    bench_phase ph = bench_start("user_products_load");
    check(assoc_begin(db), "assoc_begin");
    check(user_all(db, &users), "user_all");
    for (size_t base = 0; base < users.len; base += (size_t)o->chunk) {
        size_t n = users.len - base < (size_t)o->chunk ? users.len - base : (size_t)o->chunk;
        const User *page = users.items + base;
        if (each) {
            each_ctx e = { page, 0, 0 };
            check(user_products_load_each(db, page, n, on_pair, &e), "user_products_load_each");
            cs += e.cs;
            rows += e.rows;
            continue;
        }
        ProductGroups bought = PRODUCT_GROUPS_INIT;
        check(user_products_load(db, page, n, &bought), "user_products_load");
        for (size_t i = 0; i < n; i++)
            for (size_t k = bought.start[i]; k < bought.start[i + 1]; k++) {
                const Product *p = &bought.rows.items[bought.link[k]];
                cs += q_load_term(page[i].id, p->id, p->title != NULL ? strlen(p->title) : 0, p->has_create_dttm);
                rows++;
            }
        product_groups_free(&bought);
    }
    user_list_free(&users);
    check(assoc_commit(db), "assoc_commit");
    bench_end(ph, rows, cs);
}

int main(int argc, char **argv)
{
    q_opts o = q_parse(argc, argv);

    if (o.build) {
        fprintf(stderr, "queries_api: --build is queries_raw's\n");
        return 2;
    }
    if (q_has(o.variant, "tuned")) {
        assoc_options opts = ASSOC_OPTIONS_INIT;
        opts.cache_kib = 65536;
        if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
            fprintf(stderr, "queries_api: sqlite3_config(SQLITE_CONFIG_MEMSTATUS) failed\n");
            return 1;
        }
        check(assoc_open_with(o.db, &opts, &db), "assoc_open_with");
    } else {
        check(assoc_open(o.db, &db), "assoc_open");
    }
    if (q_has(o.variant, "qpsg") &&
        sqlite3_db_config(assoc_sqlite(db), SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL) != SQLITE_OK) {
        fprintf(stderr, "queries_api: SQLITE_DBCONFIG_ENABLE_QPSG failed\n");
        return 1;
    }
    if (q_has(o.phases, "query_pages"))
        phase_pages(&o);
    if (q_has(o.phases, "user_products_load"))
        phase_load(&o);
    assoc_close(db);
    bench_finish();
    return 0;
}
