/* read_names.c - sql/names.sql's database read through the code generated
 * from `assocgen --from-db names.db`: SQL keywords as table and column
 * names, C keywords as fields (int_, default_, struct_), columns whose
 * names are no identifiers or whose C field another column's takes read
 * through members with column("...") (first_name, int_2, has_x_2), models
 * renamed so that no two share a name (compare with hand_dump.py names). */
#include "names.h"
#include "dump.h"

#define IDS(label, List, INIT, call, list_free)                                               \
    do {                                                                                      \
        List l_ = INIT;                                                                       \
        CHECK(call);                                                                          \
        printf("  %s:", label);                                                               \
        for (size_t k_ = 0; k_ < l_.len; k_++)                                                \
            printf(" %" PRId64, l_.items[k_].id);                                             \
        printf("\n");                                                                         \
        list_free(&l_);                                                                       \
    } while (0)

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, names_create_all, names_verify);
    bool found;

    OrderList orders = ORDER_LIST_INIT;
    CHECK(order_all(db, &orders));
    for (size_t i = 0; i < orders.len; i++) {
        const Order *o = &orders.items[i];
        printf("order %" PRId64, o->id);
        p_text("select", o->select);
        p_int("group", o->group, o->has_group);
        p_int("int", o->int_, o->has_int_);
        p_int("int_2", o->int_2, o->has_int_2);     /* "int_", whose field int_ is int's */
        p_text("default", o->default_);
        p_text("table", o->table);
        p_int("model", o->model, o->has_model);
        p_blob("import", o->import);
        p_int("index", o->index, o->has_index);
        p_int("unique", o->unique, o->has_unique);
        p_int("x", o->x, o->has_x);
        p_int("has_x_2", o->has_x_2, o->has_has_x_2);     /* "has_x", x's flag */
        p_text("first_name", o->first_name);        /* "first name" */
        p_real("struct", o->struct_, true);
        printf("\n");
        IDS("order_tables", TableList, TABLE_LIST_INIT, order_order_tables(db, o, &l_), table_list_free);
        IDS("all_tables", TableList, TABLE_LIST_INIT, order_all_tables(db, o, &l_), table_list_free);
        if (o->has_unique) {     /* the unique index gives a look-up */
            Order same = ORDER_INIT;
            CHECK(order_get_by_unique(db, o->unique, &same));
            if (same.id != o->id)
                return 1;
            order_free(&same);
        }
    }
    order_list_free(&orders);

    TableList tables = TABLE_LIST_INIT;
    CHECK(table_all(db, &tables));
    for (size_t i = 0; i < tables.len; i++) {
        const Table *t = &tables.items[i];
        printf("table %" PRId64, t->id);
        p_int("order_id", t->order_id, t->has_order_id);
        p_int("all_id", t->all_id, t->has_all_id);
        p_text("import", t->import);
        Order a = ORDER_INIT, b = ORDER_INIT;
        TO_ONE(table_order(db, t, &a), found);
        if (found)
            printf("\n  order: %" PRId64, a.id);
        else
            printf("\n  order: none");
        TO_ONE(table_all_2(db, t, &b), found);
        if (found)
            printf(" all_2: %" PRId64 "\n", b.id);
        else
            printf(" all_2: none\n");
        order_free(&a);
        order_free(&b);
    }
    table_list_free(&tables);

    PersonList persons = PERSON_LIST_INIT;
    CHECK(person_all(db, &persons));
    for (size_t i = 0; i < persons.len; i++) {
        printf("person %" PRId64, persons.items[i].id);
        p_text("name", persons.items[i].name);
        printf("\n");
        IDS("people", PeopleList, PEOPLE_LIST_INIT, person_people(db, &persons.items[i], &l_), people_list_free);
    }
    person_list_free(&persons);

    PeopleList people = PEOPLE_LIST_INIT;
    CHECK(people_all(db, &people));
    for (size_t i = 0; i < people.len; i++) {
        printf("people %" PRId64, people.items[i].id);
        p_text("name", people.items[i].name);
        p_int("person_id", people.items[i].person_id, people.items[i].has_person_id);
        printf("\n");
    }
    people_list_free(&people);

    UserList users = USER_LIST_INIT;
    CHECK(user_all(db, &users));
    for (size_t i = 0; i < users.len; i++) {
        printf("user %" PRId64, users.items[i].ID);
        p_text("EMAIL", users.items[i].EMAIL);
        User2List l = USER2_LIST_INIT;
        CHECK(user_users(db, &users.items[i], &l));
        printf("\n  users:");
        for (size_t k = 0; k < l.len; k++)
            printf(" %" PRId64, l.items[k].id);
        printf("\n");
        user2_list_free(&l);
    }
    user_list_free(&users);

    User2List users2 = USER2_LIST_INIT;
    CHECK(user2_all(db, &users2));
    for (size_t i = 0; i < users2.len; i++) {
        printf("user2 %" PRId64, users2.items[i].id);
        p_int("users_id", users2.items[i].users_id, users2.items[i].has_users_id);
        printf("\n");
        IDS("files", FileList, FILE_LIST_INIT, user2_files(db, &users2.items[i], &l_), file_list_free);
    }
    user2_list_free(&users2);

    FileList files = FILE_LIST_INIT;
    CHECK(file_all(db, &files));
    for (size_t i = 0; i < files.len; i++) {
        printf("file %" PRId64, files.items[i].id);
        p_int("user_id", files.items[i].user_id, files.items[i].has_user_id);
        printf("\n");
    }
    file_list_free(&files);
    assoc_close(db);
    return 0;
}
