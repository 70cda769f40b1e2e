/* demo.c - the seed article's "Usage" section, in C, on the generated API.
 *
 *   user = User.query.first()
 *   user.products            # all products the user bought
 *   user.orders              # all orders
 *   user.orders[0].product   # the product of the first order
 *   p1 = Product.query.first()
 *   p1.users                 # all users who bought this product
 *
 * then a query declared in schema/models.def and a batched load:
 *
 *   session.query(Product).filter(~Product.orders.any()).order_by(Product.title)
 *   session.query(User).options(selectinload(User.products))
 *
 * Run with no argument: a fresh in-memory database.  With a path: that file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "models.h"

#define CHECK(call)                                                              \
    do {                                                                         \
        int rc_ = (call);                                                        \
        if (rc_ != ASSOC_OK) {                                                   \
            fprintf(stderr, "demo: %s failed (%d): %s\n", #call, rc_, assoc_errmsg(db)); \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

static void fill(assoc_db *db)
{
    const char *emails[] = { "ada@example.com", "grace@example.com" };
    const char *titles[] = { "keyboard", "monitor", "lamp" };
    User users[2] = { USER_INIT, USER_INIT };
    Product products[3] = { PRODUCT_INIT, PRODUCT_INIT, PRODUCT_INIT };

    CHECK(assoc_begin(db));
    for (int i = 0; i < 2; i++) {
        users[i].email = (char *)emails[i];
        CHECK(user_insert(db, &users[i]));
    }
    for (int i = 0; i < 3; i++) {
        products[i].title = (char *)titles[i];
        CHECK(product_insert(db, &products[i]));
    }
    /* Ada buys the keyboard and the monitor; Grace buys the monitor. */
    CHECK(user_products_add(db, &users[0], &products[0]));
    CHECK(user_products_add(db, &users[0], &products[1]));
    Order order = ORDER_INIT;
    CHECK(user_orders_add(db, &users[1], &order));    /* an order, then its product */
    order.product_id = products[1].id;
    order.has_product_id = true;
    CHECK(order_update(db, &order));
    CHECK(assoc_commit(db));
}

int main(int argc, char **argv)
{
    assoc_db *db = NULL;
    if (assoc_open(argc > 1 ? argv[1] : ":memory:", &db) != ASSOC_OK) {
        fprintf(stderr, "demo: cannot open the database: %s\n", assoc_errmsg(db));
        return 1;
    }
    CHECK(models_create_all(db));
    fill(db);

    User user = USER_INIT;
    CHECK(user_first(db, &user));
    printf("user = User.query.first()        -> User %" PRId64 " <%s>\n", user.id, user.email);

    ProductList products = PRODUCT_LIST_INIT;
    CHECK(user_products(db, &user, &products));
    printf("user.products                    ->");
    for (size_t i = 0; i < products.len; i++)
        printf(" [Product %" PRId64 " %s]", products.items[i].id, products.items[i].title);
    printf("\n");

    OrderList orders = ORDER_LIST_INIT;
    CHECK(user_orders(db, &user, &orders));
    printf("user.orders                      ->");
    for (size_t i = 0; i < orders.len; i++)
        printf(" [Order %" PRId64 ": product %" PRId64 "]", orders.items[i].id, orders.items[i].product_id);
    printf("\n");

    if (orders.len > 0) {
        Product p = PRODUCT_INIT;
        CHECK(order_product(db, &orders.items[0], &p));
        printf("user.orders[0].product           -> Product %" PRId64 " %s\n", p.id, p.title);
        product_free(&p);
    }

    Product p1 = PRODUCT_INIT;
    CHECK(product_first(db, &p1));
    UserList buyers = USER_LIST_INIT;
    CHECK(product_users(db, &p1, &buyers));
    printf("p1 = Product.query.first()       -> Product %" PRId64 " %s\n", p1.id, p1.title);
    printf("p1.users                         ->");
    for (size_t i = 0; i < buyers.len; i++)
        printf(" [User %" PRId64 " <%s>]", buyers.items[i].id, buyers.items[i].email);
    printf("\n");

    /* Product.never_ordered: where orders.none(), by title. */
    ProductList unsold = PRODUCT_LIST_INIT;
    CHECK(product_never_ordered(db, &unsold));
    printf("product_never_ordered            ->");
    for (size_t i = 0; i < unsold.len; i++)
        printf(" [Product %" PRId64 " %s]", unsold.items[i].id, unsold.items[i].title);
    printf("\n");

    /* Every user's products at once: one statement per 100 users, not one
     * per user; a product two users bought is read and stored once. */
    UserList everyone = USER_LIST_INIT;
    ProductGroups bought = PRODUCT_GROUPS_INIT;
    CHECK(user_all(db, &everyone));
    CHECK(user_products_load(db, everyone.items, everyone.len, &bought));
    for (size_t i = 0; i < everyone.len; i++) {
        printf("user_products_load: User %-8" PRId64 "->", everyone.items[i].id);
        for (size_t k = bought.start[i]; k < bought.start[i + 1]; k++) {
            const Product *bp = &bought.rows.items[bought.link[k]];
            printf(" [Product %" PRId64 " %s]", bp->id, bp->title);
        }
        printf("\n");
    }

    product_groups_free(&bought);
    user_list_free(&everyone);
    product_list_free(&unsold);
    user_list_free(&buyers);
    product_free(&p1);
    order_list_free(&orders);
    product_list_free(&products);
    user_free(&user);
    assoc_close(db);
    return 0;
}
