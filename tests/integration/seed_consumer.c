/* seed_consumer.c - a consumer of the seed's generated code, built by the
 * integration tests with nothing but `pkg-config --cflags --libs assoc`. */
#include <stdio.h>

#include "models.h"

int main(void)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK || models_create_all(db) != ASSOC_OK) {
        fprintf(stderr, "seed_consumer: %s\n", db ? assoc_errmsg(db) : "cannot open");
        assoc_close(db);
        return 1;
    }
    User u = USER_INIT;
    u.email = "ada@example.com";
    Product p = PRODUCT_INIT;
    p.title = "keyboard";
    ProductList bought = PRODUCT_LIST_INIT;
    int rc = user_insert(db, &u);
    if (rc == ASSOC_OK)
        rc = product_insert(db, &p);
    if (rc == ASSOC_OK)
        rc = user_products_add(db, &u, &p);
    if (rc == ASSOC_OK)
        rc = user_products(db, &u, &bought);
    if (rc != ASSOC_OK) {
        fprintf(stderr, "seed_consumer: %s\n", assoc_errmsg(db));
        assoc_close(db);
        return 1;
    }
    printf("%s bought %zu: %s (libassoc %s)\n", u.email, bought.len,
           bought.len ? bought.items[0].title : "-", ASSOC_VERSION_STRING);
    product_list_free(&bought);
    assoc_close(db);
    return 0;
}
