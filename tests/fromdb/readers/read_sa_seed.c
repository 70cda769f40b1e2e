/* read_sa_seed.c - the seed's database, as SQLAlchemy wrote it, read
 * through the code generated from `assocgen --from-db sa_seed.db`: every
 * user, product and order, and every relationship (compare with
 * sa_schemas.py dump seed). */
#include "sa_seed.h"
#include "dump.h"

static void ids_orders(const OrderList *l)
{
    printf("  orders:");
    for (size_t i = 0; i < l->len; i++)
        printf(" %" PRId64, l->items[i].id);
    printf("\n");
}

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, sa_seed_create_all, sa_seed_verify);

    UserList users = USER_LIST_INIT;
    CHECK(user_all(db, &users));
    for (size_t i = 0; i < users.len; i++) {
        const User *u = &users.items[i];
        printf("user %" PRId64, u->id);
        p_text("email", u->email);
        p_time("create_dttm", u->create_dttm, u->has_create_dttm);
        printf("\n");
        OrderList orders = ORDER_LIST_INIT;
        CHECK(user_orders(db, u, &orders));
        ids_orders(&orders);
        order_list_free(&orders);
    }
    user_list_free(&users);

    ProductList products = PRODUCT_LIST_INIT;
    CHECK(product_all(db, &products));
    for (size_t i = 0; i < products.len; i++) {
        const Product *p = &products.items[i];
        printf("product %" PRId64, p->id);
        p_text("title", p->title);
        p_time("create_dttm", p->create_dttm, p->has_create_dttm);
        printf("\n");
        OrderList orders = ORDER_LIST_INIT;
        CHECK(product_orders(db, p, &orders));
        ids_orders(&orders);
        order_list_free(&orders);
    }
    product_list_free(&products);

    OrderList orders = ORDER_LIST_INIT;
    CHECK(order_all(db, &orders));
    for (size_t i = 0; i < orders.len; i++) {
        const Order *o = &orders.items[i];
        printf("order %" PRId64, o->id);
        p_int("user_id", o->user_id, o->has_user_id);
        p_int("product_id", o->product_id, o->has_product_id);
        p_time("dttm", o->dttm, o->has_dttm);
        printf("\n");
        User u = USER_INIT;
        Product p = PRODUCT_INIT;
        bool found;
        TO_ONE(order_user(db, o, &u), found);
        if (found)
            printf("  user: %" PRId64 "\n", u.id);
        else
            printf("  user: none\n");
        TO_ONE(order_product(db, o, &p), found);
        if (found)
            printf("  product: %" PRId64 "\n", p.id);
        else
            printf("  product: none\n");
        user_free(&u);
        product_free(&p);
    }
    order_list_free(&orders);
    assoc_close(db);
    return 0;
}
