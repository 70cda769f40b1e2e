/* seed.h - the seed's three models (schema/models.def) as text, for the
 * unit tests that load them through an in-memory reader. */
#ifndef ASSOCGEN_TEST_SEED_H
#define ASSOCGEN_TEST_SEED_H

static const char seed[] =
    "model User table users {\n"
    "    id          integer primary_key\n"
    "    email       string(255)\n"
    "    create_dttm datetime server_default(current_timestamp)\n"
    "    products    relationship(Product, secondary = orders)\n"
    "}\n"
    "model Product table products {\n"
    "    id          integer primary_key\n"
    "    title       string(255)\n"
    "    create_dttm datetime default(now)\n"
    "    users       relationship(User, secondary = orders)\n"
    "}\n"
    "model Order table orders {\n"
    "    id          integer primary_key\n"
    "    user_id     integer foreign_key(users.id)\n"
    "    product_id  integer foreign_key(products.id)\n"
    "    dttm        datetime default(now)\n"
    "    user        relationship(User, backref = backref(orders, cascade = \"all, delete-orphan\"))\n"
    "    product     relationship(Product, backref = backref(orders, cascade = \"all, delete-orphan\"))\n"
    "}\n";

#endif
