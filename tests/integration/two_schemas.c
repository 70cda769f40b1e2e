/* two_schemas.c - the seed's schema compiled twice, with --prefix a_ and
 * --prefix b_, in one program: every name of the one must differ from the
 * other's, both headers must go into one translation unit, and both must work. */
#include <stdio.h>

#include "a/models.h"
#include "b/models.h"

static int count_orders(assoc_db *db, int64_t *n)
{
    return b_order_count(db, n);
}

int main(void)
{
    assoc_db *da = NULL, *db = NULL;
    if (assoc_open(":memory:", &da) != ASSOC_OK || assoc_open(":memory:", &db) != ASSOC_OK
        || a_models_create_all(da) != ASSOC_OK || b_models_create_all(db) != ASSOC_OK) {
        fprintf(stderr, "two_schemas: cannot open\n");
        return 1;
    }
    a_User ua = a_USER_INIT;
    ua.email = "a@example.com";
    b_User ub = b_USER_INIT;
    ub.email = "b@example.com";
    b_Product pb = b_PRODUCT_INIT;
    pb.title = "monitor";
    int64_t na = -1, nb = -1;
    if (a_user_insert(da, &ua) != ASSOC_OK || b_user_insert(db, &ub) != ASSOC_OK
        || b_product_insert(db, &pb) != ASSOC_OK || b_user_products_add(db, &ub, &pb) != ASSOC_OK
        || a_user_count(da, &na) != ASSOC_OK || count_orders(db, &nb) != ASSOC_OK) {
        fprintf(stderr, "two_schemas: %s / %s\n", assoc_errmsg(da), assoc_errmsg(db));
        return 1;
    }
    printf("a: %lld user, b: %lld order\n", (long long)na, (long long)nb);
    assoc_close(da);
    assoc_close(db);
    return na == 1 && nb == 1 ? 0 : 1;
}
