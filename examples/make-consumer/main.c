/* main.c - a program that uses the code assocgen generates from shop.def. */
#include <stdio.h>

#include "shop.h"

static int fail(assoc_db *db, const char *what)
{
    fprintf(stderr, "shop: %s: %s\n", what, db ? assoc_errmsg(db) : "cannot open");
    if (db)
        assoc_close(db);
    return 1;
}

int main(void)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK)
        return fail(db, "open");
    if (shop_create_all(db) != ASSOC_OK)
        return fail(db, "create_all");

    Customer ada = CUSTOMER_INIT;
    ada.name = "Ada";
    ada.email = "ada@example.com";
    if (customer_insert(db, &ada) != ASSOC_OK)
        return fail(db, "customer_insert");

    const char *items[] = { "monitor", "keyboard" };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        Purchase p = PURCHASE_INIT;
        p.item = (char *)items[i];
        if (customer_purchases_add(db, &ada, &p) != ASSOC_OK)
            return fail(db, "customer_purchases_add");
    }

    PurchaseList bought = PURCHASE_LIST_INIT;
    if (customer_purchases(db, &ada, &bought) != ASSOC_OK)
        return fail(db, "customer_purchases");
    printf("%s bought", ada.name);
    for (size_t i = 0; i < bought.len; i++)
        printf(" %s", bought.items[i].item);
    printf("\n");
    purchase_list_free(&bought);

    /* cascade = "all, delete-orphan": the purchases go with the customer. */
    int64_t left = -1;
    if (customer_delete(db, &ada) != ASSOC_OK || purchase_count(db, &left) != ASSOC_OK)
        return fail(db, "customer_delete");
    printf("after deleting %s: %lld purchases\n", ada.name, (long long)left);
    assoc_close(db);
    return left == 0 ? 0 : 1;
}
