-- names.sql: names C, SQL or the model language would trip on.
-- SQL keywords as table and column names, C keywords as columns, fields
-- that clash in C, tables whose model names would collide, names that are
-- no identifiers, relationship names that would clash with generated code.
CREATE TABLE "order" (
    "id" INTEGER PRIMARY KEY,
    "select" TEXT,
    "group" INTEGER,
    "int" INTEGER,
    "int_" INTEGER,
    "default" VARCHAR(10) DEFAULT 'it''s "x"',
    "table" TEXT,
    "model" INTEGER,
    "import" BLOB,
    "index" INTEGER,
    "unique" INTEGER,
    "x" INTEGER,
    "has_x" INTEGER,
    "first name" TEXT,
    "struct" REAL NOT NULL DEFAULT 0
);
CREATE INDEX order_group ON "order" ("group");
CREATE UNIQUE INDEX order_unique ON "order" ("unique");
CREATE INDEX order_select_table ON "order" ("select", "table");

-- 'table' as a table name; an 'all_id' key (order_all would be a
-- model function), an 'order_id' key and an 'index' column
CREATE TABLE "table" (
    id INTEGER PRIMARY KEY,
    order_id INTEGER REFERENCES "order"(id),
    all_id INTEGER REFERENCES "order"(id),
    "import" TEXT
);

-- tables whose models would both be called Person, and User / Users
CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, person_id INTEGER REFERENCES person(id));
CREATE TABLE USERS (ID INTEGER PRIMARY KEY, EMAIL TEXT);
CREATE TABLE user (id INTEGER PRIMARY KEY, users_id INTEGER REFERENCES USERS(ID));
CREATE TABLE user_list (id INTEGER PRIMARY KEY);

-- names that are not identifiers, libassoc's prefix, a C library name
CREATE TABLE "line items" (id INTEGER PRIMARY KEY, qty INTEGER);
CREATE TABLE assoc_things (id INTEGER PRIMARY KEY, "NULL" INTEGER, errno TEXT, db TEXT);
CREATE TABLE files (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES user(id));
CREATE TABLE "2fa_codes" (id INTEGER PRIMARY KEY, code TEXT);
CREATE TABLE _private (id INTEGER PRIMARY KEY);

INSERT INTO "order" ("id", "select", "group", "int", "int_", "table", "model", "import", "index", "unique", "x", "has_x", "first name")
    VALUES (1, 'a', 2, 3, 4, 't', 5, X'0102', 6, 7, 8, 9, 'Ann'), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO "table" VALUES (1, 1, 2, 'i'), (2, 1, NULL, NULL);
INSERT INTO person VALUES (1, 'p');
INSERT INTO people VALUES (1, 'q', 1);
INSERT INTO USERS VALUES (1, 'e@x');
INSERT INTO user VALUES (1, 1);
INSERT INTO files VALUES (1, 1), (2, 1);
