/* seed_ops.h - every generated function of the seed's models
 * (schema/models.def), as a table of operations on a fixed fixture, for the
 * fault-injection tests (test_oom.c, test_ioerr.c).
 *
 * An operation makes one call of the generated API (a few make a short
 * sequence a program would make: a callback that calls back into the API,
 * a caller's transaction), writes what the call returned into a text buffer
 * (records included, with datetimes that come from the clock shown as
 * <now>), and frees what the library allocated. */
#ifndef ASSOCGEN_SEED_OPS_H
#define ASSOCGEN_SEED_OPS_H

#include "rel.h"

#include "models.h"

/* The fixture.  User 1 bought product 1 twice (SPEC section 5) and
 * product 2 once; order 5 has no user. */
static const char seed_fixture_sql[] =
    "INSERT INTO users (id, email, create_dttm) VALUES"
    " (1, 'ada@example.com', '2020-01-01 10:00:00.000000'),"
    " (2, 'bob@example.com', NULL),"
    " (3, NULL, '2021-06-01 12:00:00');"
    "INSERT INTO products (id, title, create_dttm) VALUES"
    " (1, 'lamp', '2020-02-02 02:02:02.000002'),"
    " (2, 'desk', NULL),"
    " (3, 'chair', '1999-12-31 23:59:59.999999');"
    "INSERT INTO orders (id, user_id, product_id, dttm) VALUES"
    " (1, 1, 1, '2020-03-03 03:03:03.000000'),"
    " (2, 1, 1, '2020-03-04 03:03:03.000000'),"
    " (3, 1, 2, NULL),"
    " (4, 2, 3, '2020-03-05 03:03:03.000000'),"
    " (5, NULL, 2, '2020-03-06 03:03:03.000000');";

/* Tables and fixture rows; no allocation failure or fault is armed. */
static inline int seed_setup(assoc_db *db, bool with_rows)
{
    int rc = models_create_all(db);
    if (rc == ASSOC_OK && with_rows)
        rc = assoc_status(db, sqlite3_exec(assoc_sqlite(db), seed_fixture_sql, NULL, NULL, NULL));
    return rc;
}

static inline void ser_time(rbuf *b, assoc_time t, bool has)
{
    char text[ASSOC_TIME_TEXT_SIZE];
    if (!has)
        rbuf_add(b, "null");
    else if (assoc_time_format(t, text) != ASSOC_OK)
        rbuf_add(b, "bad-time(%" PRId64 ")", t);
    else if (rel_is_recent_time(text, strlen(text)))
        rbuf_add(b, "<now>");
    else
        rbuf_add(b, "%s", text);
}

static inline void ser_str(rbuf *b, const char *s)
{
    if (s)
        rbuf_add(b, "'%s'", s);
    else
        rbuf_add(b, "null");
}

static inline void ser_user(rbuf *b, const User *u)
{
    rbuf_add(b, "U(%" PRId64 ",", u->id);
    ser_str(b, u->email);
    rbuf_add(b, ",");
    ser_time(b, u->create_dttm, u->has_create_dttm);
    rbuf_add(b, ")");
}

static inline void ser_product(rbuf *b, const Product *p)
{
    rbuf_add(b, "P(%" PRId64 ",", p->id);
    ser_str(b, p->title);
    rbuf_add(b, ",");
    ser_time(b, p->create_dttm, p->has_create_dttm);
    rbuf_add(b, ")");
}

static inline void ser_order(rbuf *b, const Order *o)
{
    rbuf_add(b, "O(%" PRId64 ",", o->id);
    if (o->has_user_id)
        rbuf_add(b, "%" PRId64, o->user_id);
    else
        rbuf_add(b, "null");
    rbuf_add(b, ",");
    if (o->has_product_id)
        rbuf_add(b, "%" PRId64, o->product_id);
    else
        rbuf_add(b, "null");
    rbuf_add(b, ",");
    ser_time(b, o->dttm, o->has_dttm);
    rbuf_add(b, ")");
}

/* A failed read must leave its output empty (the contract: on failure the
 * record or list is released and zeroed). */
static bool user_is_zero(const User *u) { return u->id == 0 && u->email == NULL && !u->has_create_dttm; }
static bool product_is_zero(const Product *p) { return p->id == 0 && p->title == NULL && !p->has_create_dttm; }
static bool order_is_zero(const Order *o) { return o->id == 0 && !o->has_user_id && !o->has_product_id && !o->has_dttm; }

/* Each operation returns the call's code and describes its result in *b.
 * Where a failed call must leave an output zeroed, a violation is recorded
 * as "OUTPUT-NOT-ZEROED" in *b, which the tests look for. */
typedef int (*seed_op_fn)(assoc_db *db, rbuf *b);

static inline User fx_user(int64_t id)
{
    User u = USER_INIT;
    u.id = id;
    return u;
}
static inline Product fx_product(int64_t id)
{
    Product p = PRODUCT_INIT;
    p.id = id;
    return p;
}
static inline Order fx_order(int64_t id, int64_t user, int64_t product)
{
    Order o = ORDER_INIT;
    o.id = id;
    o.user_id = user;
    o.has_user_id = user != 0;
    o.product_id = product;
    o.has_product_id = product != 0;
    return o;
}

#define FIX_GET(model, Model, id_)                                                                 \
    static int op_##model##_get_##id_(assoc_db *db, rbuf *b)                                       \
    {                                                                                              \
        Model r;                                                                                   \
        int rc = model##_get(db, id_, &r);                                                         \
        if (rc == ASSOC_OK)                                                                        \
            ser_##model(b, &r);                                                                    \
        else if (!model##_is_zero(&r))                                                             \
            rbuf_add(b, "OUTPUT-NOT-ZEROED");                                                      \
        model##_free(&r);                                                                          \
        return rc;                                                                                 \
    }

#define FIX_FIRST(model, Model)                                                                    \
    static int op_##model##_first(assoc_db *db, rbuf *b)                                           \
    {                                                                                              \
        Model r;                                                                                   \
        int rc = model##_first(db, &r);                                                            \
        if (rc == ASSOC_OK)                                                                        \
            ser_##model(b, &r);                                                                    \
        else if (!model##_is_zero(&r))                                                             \
            rbuf_add(b, "OUTPUT-NOT-ZEROED");                                                      \
        model##_free(&r);                                                                          \
        return rc;                                                                                 \
    }

#define SER_LIST(model, l)                                                                         \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < (l).len; i_++)                                                    \
            ser_##model(b, &(l).items[i_]);                                                        \
    } while (0)

#define FIX_ALL(model, Model)                                                                      \
    static int op_##model##_all(assoc_db *db, rbuf *b)                                             \
    {                                                                                              \
        Model##List l;                                                                             \
        int rc = model##_all(db, &l);                                                              \
        if (rc == ASSOC_OK)                                                                        \
            SER_LIST(model, l);                                                                    \
        else if (l.items != NULL || l.len != 0)                                                    \
            rbuf_add(b, "OUTPUT-NOT-ZEROED");                                                      \
        model##_list_free(&l);                                                                     \
        return rc;                                                                                 \
    }

#define FIX_EACH(model, Model)                                                                     \
    static int each_##model(const Model *r, void *ctx)                                             \
    {                                                                                              \
        ser_##model(ctx, r);                                                                       \
        return 0;                                                                                  \
    }                                                                                              \
    static int op_##model##_each(assoc_db *db, rbuf *b)                                            \
    {                                                                                              \
        return model##_each(db, each_##model, b);                                                  \
    }

#define FIX_COUNT(model)                                                                           \
    static int op_##model##_count(assoc_db *db, rbuf *b)                                           \
    {                                                                                              \
        int64_t n = -1;                                                                            \
        int rc = model##_count(db, &n);                                                            \
        if (rc == ASSOC_OK)                                                                        \
            rbuf_add(b, "%" PRId64, n);                                                            \
        return rc;                                                                                 \
    }

/* A collection (one-to-many or many-to-many) read as a list and streamed. */
#define FIX_COLL(model, Model, rel, target, Target, id_)                                           \
    static int op_##model##_##rel##_##id_(assoc_db *db, rbuf *b)                                   \
    {                                                                                              \
        Model r = fx_##model(id_);                                                                 \
        Target##List l;                                                                            \
        int rc = model##_##rel(db, &r, &l);                                                        \
        if (rc == ASSOC_OK)                                                                        \
            SER_LIST(target, l);                                                                   \
        else if (l.items != NULL || l.len != 0)                                                    \
            rbuf_add(b, "OUTPUT-NOT-ZEROED");                                                      \
        target##_list_free(&l);                                                                    \
        return rc;                                                                                 \
    }                                                                                              \
    static int op_##model##_##rel##_each_##id_(assoc_db *db, rbuf *b)                              \
    {                                                                                              \
        Model r = fx_##model(id_);                                                                 \
        return model##_##rel##_each(db, &r, each_##target, b);                                     \
    }

FIX_GET(user, User, 1)
FIX_GET(user, User, 3)
FIX_GET(user, User, 99)
FIX_GET(product, Product, 1)
FIX_GET(product, Product, 2)
FIX_GET(order, Order, 1)
FIX_GET(order, Order, 5)
FIX_FIRST(user, User)
FIX_FIRST(product, Product)
FIX_FIRST(order, Order)
FIX_ALL(user, User)
FIX_ALL(product, Product)
FIX_ALL(order, Order)
FIX_EACH(user, User)
FIX_EACH(product, Product)
FIX_EACH(order, Order)
FIX_COUNT(user)
FIX_COUNT(product)
FIX_COUNT(order)
FIX_COLL(user, User, products, product, Product, 1)
FIX_COLL(user, User, orders, order, Order, 1)
FIX_COLL(product, Product, users, user, User, 1)
FIX_COLL(product, Product, orders, order, Order, 2)

/* A batched load (SPEC 6) for 150 parents -- ids 1, 2, 3, 99 (none) over
 * and over, so two chunks -- each parent's rows described in turn; and
 * streamed.  A failed load leaves its groups empty. */
#define LOAD_PARENTS 150
#define FIX_LOAD(model, Model, rel, target, Target, make)                                              \
    /* the parents: rows 1, 2, 3 and one that does not exist, over and over */                   \
    static void parents_##model##_##rel(Model *p)                                                  \
    {                                                                                              \
        static const int64_t ids[] = { 1, 2, 3, 99 };                                              \
        for (size_t i_ = 0; i_ < LOAD_PARENTS; i_++)                                               \
            p[i_] = make(ids[i_ % 4]);                                                             \
    }                                                                                              \
    static int op_##model##_##rel##_load(assoc_db *db, rbuf *b)                                   \
    {                                                                                              \
        Model p[LOAD_PARENTS];                                                                     \
        Target##Groups g;                                                                          \
        parents_##model##_##rel(p);                                                                \
        int rc = model##_##rel##_load(db, p, LOAD_PARENTS, &g);                                    \
        if (rc == ASSOC_OK) {                                                                      \
            for (size_t i_ = 0; i_ < g.n; i_++) {                                                  \
                rbuf_add(b, "[");                                                                  \
                for (size_t k_ = g.start[i_]; k_ < g.start[i_ + 1]; k_++)                          \
                    ser_##target(b, &g.rows.items[g.link[k_]]);                                    \
                rbuf_add(b, "]");                                                                  \
            }                                                                                      \
        } else if (g.rows.items != NULL || g.rows.len != 0 || g.start != NULL || g.link != NULL || \
                   g.n != 0) {                                                                     \
            rbuf_add(b, "OUTPUT-NOT-ZEROED");                                                      \
        }                                                                                          \
        target##_groups_free(&g);                                                                  \
        return rc;                                                                                 \
    }                                                                                              \
    static int load_each_##model##_##rel(size_t parent, const Target *r, void *ctx)                \
    {                                                                                              \
        rbuf_add(ctx, "%zu:", parent);                                                             \
        ser_##target(ctx, r);                                                                      \
        return 0;                                                                                  \
    }                                                                                              \
    static int op_##model##_##rel##_load_each(assoc_db *db, rbuf *b)                              \
    {                                                                                              \
        Model p[LOAD_PARENTS];                                                                     \
        parents_##model##_##rel(p);                                                                \
        return model##_##rel##_load_each(db, p, LOAD_PARENTS, load_each_##model##_##rel, b);      \
    }

/* Orders as the fixture has them (99: none, and no product). */
static inline Order fx_order_row(int64_t id)
{
    static const int64_t product[] = { 0, 1, 1, 2 };
    return fx_order(id, id <= 3 ? 1 : 0, id <= 3 ? product[id] : 0);
}

FIX_LOAD(user, User, products, product, Product, fx_user)
FIX_LOAD(user, User, orders, order, Order, fx_user)
FIX_LOAD(product, Product, users, user, User, fx_product)
FIX_LOAD(order, Order, product, product, Product, fx_order_row)

/* ---- writes ---- */

static inline int op_user_insert(assoc_db *db, rbuf *b)
{
    User u = USER_INIT;
    u.email = "new@example.com";
    int rc = user_insert(db, &u);
    ser_user(b, &u);    /* on failure: the caller's record, unchanged */
    return rc;
}

static inline int op_user_insert_id(assoc_db *db, rbuf *b)
{
    User u = USER_INIT;
    u.id = 42;
    u.email = "forty-two@example.com";
    u.create_dttm = INT64_C(1600000000000000);
    u.has_create_dttm = true;
    int rc = user_insert(db, &u);
    ser_user(b, &u);
    return rc;
}

/* A duplicate key: the constraint error path. */
static inline int op_user_insert_dup(assoc_db *db, rbuf *b)
{
    User u = USER_INIT;
    u.id = 1;
    u.email = "dup@example.com";
    int rc = user_insert(db, &u);
    ser_user(b, &u);
    return rc;
}

static inline int op_product_insert(assoc_db *db, rbuf *b)
{
    Product p = PRODUCT_INIT;
    p.title = "rug";
    int rc = product_insert(db, &p);
    ser_product(b, &p);
    return rc;
}

static inline int op_order_insert(assoc_db *db, rbuf *b)
{
    Order o = fx_order(0, 2, 1);
    int rc = order_insert(db, &o);
    ser_order(b, &o);
    return rc;
}

/* A foreign key to no user: the constraint error path. */
static inline int op_order_insert_badfk(assoc_db *db, rbuf *b)
{
    Order o = fx_order(0, 77, 1);
    int rc = order_insert(db, &o);
    ser_order(b, &o);
    return rc;
}

static inline int op_user_update(assoc_db *db, rbuf *b)
{
    User u = fx_user(2);
    u.email = "robert@example.com";
    u.create_dttm = INT64_C(1000000);
    u.has_create_dttm = true;
    (void)b;
    return user_update(db, &u);
}

static inline int op_user_update_missing(assoc_db *db, rbuf *b)
{
    User u = fx_user(99);
    u.email = "nobody@example.com";
    (void)b;
    return user_update(db, &u);
}

static inline int op_product_update(assoc_db *db, rbuf *b)
{
    Product p = fx_product(3);
    p.title = "stool";
    (void)b;
    return product_update(db, &p);
}

static inline int op_order_update(assoc_db *db, rbuf *b)
{
    Order o = fx_order(4, 1, 2);
    (void)b;
    return order_update(db, &o);
}

/* Cascades: orders 1-3 go with user 1. */
static inline int op_user_delete(assoc_db *db, rbuf *b)
{
    User u = fx_user(1);
    (void)b;
    return user_delete(db, &u);
}

static inline int op_user_delete_missing(assoc_db *db, rbuf *b)
{
    User u = fx_user(99);
    (void)b;
    return user_delete(db, &u);
}

static inline int op_product_delete(assoc_db *db, rbuf *b)
{
    Product p = fx_product(2);
    (void)b;
    return product_delete(db, &p);
}

static inline int op_order_delete(assoc_db *db, rbuf *b)
{
    Order o = fx_order(4, 0, 0);
    (void)b;
    return order_delete(db, &o);
}

static inline int op_user_products_add(assoc_db *db, rbuf *b)
{
    User u = fx_user(2);
    Product p = fx_product(1);
    (void)b;
    return user_products_add(db, &u, &p);
}

/* Two association rows link user 1 and product 1: both go. */
static inline int op_user_products_remove(assoc_db *db, rbuf *b)
{
    User u = fx_user(1);
    Product p = fx_product(1);
    (void)b;
    return user_products_remove(db, &u, &p);
}

static inline int op_product_users_add(assoc_db *db, rbuf *b)
{
    Product p = fx_product(3);
    User u = fx_user(3);
    (void)b;
    return product_users_add(db, &p, &u);
}

static inline int op_product_users_remove(assoc_db *db, rbuf *b)
{
    Product p = fx_product(3);
    User u = fx_user(2);
    (void)b;
    return product_users_remove(db, &p, &u);
}

static inline int op_user_orders_add_new(assoc_db *db, rbuf *b)
{
    User u = fx_user(3);
    Order o = fx_order(0, 0, 3);
    int rc = user_orders_add(db, &u, &o);
    ser_order(b, &o);
    return rc;
}

/* Order 5 has no user: adding it to user 2 updates it. */
static inline int op_user_orders_add_existing(assoc_db *db, rbuf *b)
{
    User u = fx_user(2);
    Order o = fx_order(5, 0, 2);
    int rc = user_orders_add(db, &u, &o);
    ser_order(b, &o);
    return rc;
}

/* delete-orphan: the order is deleted. */
static inline int op_user_orders_remove(assoc_db *db, rbuf *b)
{
    User u = fx_user(1);
    Order o = fx_order(3, 1, 2);
    (void)b;
    return user_orders_remove(db, &u, &o);
}

static inline int op_product_orders_add(assoc_db *db, rbuf *b)
{
    Product p = fx_product(1);
    Order o = fx_order(0, 3, 0);
    int rc = product_orders_add(db, &p, &o);
    ser_order(b, &o);
    return rc;
}

static inline int op_product_orders_remove(assoc_db *db, rbuf *b)
{
    Product p = fx_product(2);
    Order o = fx_order(5, 0, 2);
    (void)b;
    return product_orders_remove(db, &p, &o);
}

static inline int op_order_user_1(assoc_db *db, rbuf *b)
{
    Order o = fx_order(1, 1, 1);
    User u;
    int rc = order_user(db, &o, &u);
    if (rc == ASSOC_OK)
        ser_user(b, &u);
    else if (!user_is_zero(&u))
        rbuf_add(b, "OUTPUT-NOT-ZEROED");
    user_free(&u);
    return rc;
}

static inline int op_order_product_4(assoc_db *db, rbuf *b)
{
    Order o = fx_order(4, 2, 3);
    Product p;
    int rc = order_product(db, &o, &p);
    if (rc == ASSOC_OK)
        ser_product(b, &p);
    else if (!product_is_zero(&p))
        rbuf_add(b, "OUTPUT-NOT-ZEROED");
    product_free(&p);
    return rc;
}

/* Order 5's user is NULL: ASSOC_NOTFOUND. */
static inline int op_order_user_null(assoc_db *db, rbuf *b)
{
    Order o = fx_order(5, 0, 2);
    User u;
    int rc = order_user(db, &o, &u);
    if (rc == ASSOC_OK)
        ser_user(b, &u);
    user_free(&u);
    return rc;
}

/* A callback that calls back into the API while the outer statement is
 * stepping: the library prepares a private statement for the inner call. */
typedef struct reenter_ctx {
    assoc_db *db;
    rbuf *b;
} reenter_ctx;

static inline int reenter_user(const User *u, void *ctx)
{
    reenter_ctx *x = ctx;
    rbuf *b = x->b;
    OrderList l;
    ser_user(b, u);
    int rc = user_orders(x->db, u, &l);
    if (rc == ASSOC_OK)
        SER_LIST(order, l);
    order_list_free(&l);
    return rc;
}

static inline int op_user_each_reenter(assoc_db *db, rbuf *b)
{
    reenter_ctx x = { db, b };
    return user_each(db, reenter_user, &x);
}

/* A caller's transaction around two generated calls; rolled back by the
 * caller when either fails, as a program would. */
static inline int op_caller_transaction(assoc_db *db, rbuf *b)
{
    int rc = assoc_begin(db);
    if (rc != ASSOC_OK)
        return rc;
    User u = fx_user(2);
    Product p = fx_product(3);
    rc = user_products_add(db, &u, &p);
    if (rc == ASSOC_OK) {
        User gone = fx_user(1);
        rc = user_delete(db, &gone);
    }
    if (rc != ASSOC_OK) {
        int rb = assoc_rollback(db);
        if (rb != ASSOC_OK)
            rbuf_add(b, "ROLLBACK-FAILED(%d)", rb);
        return rc;
    }
    rc = assoc_commit(db);
    if (rc != ASSOC_OK) {
        /* assoc.h: a failed COMMIT leaves the level open unless SQLite
         * ended the transaction itself (an I/O error at commit does), in
         * which case the level is gone and there is nothing to roll back. */
        bool gone = sqlite3_get_autocommit(assoc_sqlite(db)) != 0;
        int rb = assoc_rollback(db);
        if (rb != (gone ? ASSOC_MISUSE : ASSOC_OK))
            rbuf_add(b, "ROLLBACK-FAILED(%d)", rb);
    }
    return rc;
}

/* On a database with the tables but no rows. */
static inline int op_create_all_again(assoc_db *db, rbuf *b)
{
    (void)b;
    return models_create_all(db);
}

typedef struct seed_op {
    const char *name;
    seed_op_fn fn;
    bool empty;         /* run on a database with no tables */
} seed_op;

#define OP(f) { #f, op_##f, false }
static const seed_op seed_ops[] = {
    { "create_all", op_create_all_again, true },
    OP(create_all_again),
    OP(user_insert), OP(user_insert_id), OP(user_insert_dup), OP(product_insert), OP(order_insert),
    OP(order_insert_badfk),
    OP(user_get_1), OP(user_get_3), OP(user_get_99), OP(product_get_1), OP(product_get_2), OP(order_get_1),
    OP(order_get_5),
    OP(user_update), OP(user_update_missing), OP(product_update), OP(order_update),
    OP(user_delete), OP(user_delete_missing), OP(product_delete), OP(order_delete),
    OP(user_first), OP(product_first), OP(order_first),
    OP(user_all), OP(product_all), OP(order_all),
    OP(user_each), OP(product_each), OP(order_each), OP(user_each_reenter),
    OP(user_count), OP(product_count), OP(order_count),
    OP(user_products_1), OP(user_products_each_1), OP(user_products_add), OP(user_products_remove),
    OP(user_orders_1), OP(user_orders_each_1), OP(user_orders_add_new), OP(user_orders_add_existing),
    OP(user_orders_remove),
    OP(product_users_1), OP(product_users_each_1), OP(product_users_add), OP(product_users_remove),
    OP(product_orders_2), OP(product_orders_each_2), OP(product_orders_add), OP(product_orders_remove),
    OP(order_user_1), OP(order_product_4), OP(order_user_null),
    OP(user_products_load), OP(user_products_load_each), OP(user_orders_load), OP(user_orders_load_each),
    OP(product_users_load), OP(product_users_load_each), OP(order_product_load), OP(order_product_load_each),
    OP(caller_transaction),
};
#undef OP
enum { SEED_NOPS = sizeof seed_ops / sizeof seed_ops[0] };

#endif
