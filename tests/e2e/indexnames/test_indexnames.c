/* test_indexnames.c - indexnames_create_all creates every index of the
 * generated DDL (issue 11, item 8), on a model whose natural index names
 * SQLite would take for one another: ix_a_Email_x and ix_a_email_x,
 * ix_a_B_c and ix_a_b_C, and ix_people_email, the name of a table (and
 * its _2, another's in another case).  Before the fix two of the indexes
 * were silently never created (CREATE INDEX IF NOT EXISTS found the other)
 * and create_all failed on the table named like the third.
 *
 * Each index the generated .sql names is in sqlite_master, on its table,
 * after create_all, which runs again without error; the schema verifies;
 * the look-ups each index serves find their rows through it. */
#include "e2e.h"

#include <stdlib.h>
#include <string.h>

#include "indexnames.h"

#define SQL_FILE BUILDDIR "/e2e/indexnames/indexnames.sql"

typedef struct ix {
    char name[64];
    char table[64];
} ix;

/* The CREATE INDEX statements of the generated DDL: name and table. */
static size_t generated_indexes(ix *out, size_t max)
{
    FILE *f = fopen(SQL_FILE, "r");
    if (f == NULL)
        fail_msg("cannot open %s", SQL_FILE);
    char line[512];
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        char name[64], table[64];
        if (sscanf(line, "CREATE INDEX IF NOT EXISTS %63s ON %63s", name, table) != 2)
            continue;
        size_t a = name[0] == '"', b = table[0] == '"';
        snprintf(out[n].name, sizeof out[n].name, "%.*s", (int)(strlen(name) - 2 * a), name + a);
        snprintf(out[n].table, sizeof out[n].table, "%.*s", (int)(strlen(table) - 2 * b), table + b);
        n++;
    }
    fclose(f);
    return n;
}

static int64_t index_on(assoc_db *db, const ix *x)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db),
                                        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1 "
                                        "AND tbl_name = ?2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, x->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, x->table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_every_index_created(void **state)
{
    (void)state;
    assoc_db *db = NULL;
    assert_int_equal(assoc_open(":memory:", &db), ASSOC_OK);
    OK(db, indexnames_create_all(db));
    ix want[16];
    size_t n = generated_indexes(want, 16);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        if (index_on(db, &want[i]) != 1)
            fail_msg("index %s on %s was not created", want[i].name, want[i].table);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                 "AND name NOT LIKE 'sqlite_autoindex_%'"),
                     (int64_t)n);
    OK(db, indexnames_create_all(db));                  /* again: nothing to do */
    OK(db, indexnames_verify(db));
    assoc_close(db);
}

/* Name the index SQLite chooses for a look-up's query plan. */
static void plan_uses(assoc_db *db, const char *query, const char *index)
{
    char sql[512];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", query);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    bool found = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        if (detail && strstr(detail, index))
            found = true;
    }
    sqlite3_finalize(st);
    if (!found)
        fail_msg("%s: no plan through %s", query, index);
}

static void test_lookups(void **state)
{
    (void)state;
    assoc_db *db = NULL;
    assert_int_equal(assoc_open(":memory:", &db), ASSOC_OK);
    OK(db, indexnames_create_all(db));
    Thing t = THING_INIT;
    t.C = 7;
    t.has_C = true;
    OK(db, thing_insert(db, &t));
    Mailbox m = MAILBOX_INIT;
    m.x = 3;
    m.has_x = true;
    OK(db, mailbox_insert(db, &m));
    Person p = PERSON_INIT;
    p.email = "p@example.com";
    OK(db, person_insert(db, &p));

    ThingList tl = THING_LIST_INIT;
    OK(db, thing_find_by_C(db, 7, &tl));
    assert_int_equal(tl.len, 1);
    thing_list_free(&tl);
    MailboxList ml = MAILBOX_LIST_INIT;
    OK(db, mailbox_find_by_x(db, 3, &ml));
    assert_int_equal(ml.len, 1);
    mailbox_list_free(&ml);
    PersonList pl = PERSON_LIST_INIT;
    OK(db, person_find_by_email(db, "p@example.com", &pl));
    assert_int_equal(pl.len, 1);
    person_list_free(&pl);

    plan_uses(db, "SELECT id FROM a_b WHERE \"C\" = 7", "ix_a_b_C_2");
    plan_uses(db, "SELECT id FROM a_email WHERE x = 3", "ix_a_email_x_2");
    plan_uses(db, "SELECT id FROM people WHERE email = 'p@example.com'", "ix_people_email_3");
    assoc_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_index_created),
        cmocka_unit_test(test_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
