/* test_injection.c - values never become SQL text.
 *
 *   - Every printable ASCII character (alone, between letters, doubled) and
 *     a list of SQL-looking strings are stored in every string column of the
 *     seed's models (users.email, products.title) and of edges.def (a
 *     string(10), texts, a unique text looked up with get_by, an indexed
 *     text looked up with find_by, a string primary key and the association
 *     table's string foreign key), through insert and update, and read back
 *     byte for byte through get, first, all, each, the look-ups and the
 *     relationship collections.  The schema and the row counts stay as
 *     they were.
 *   - The generated source of both schemas builds no SQL at run time: every
 *     statement acquired and every script run (assoc_exec) is a static
 *     assoc_sql constant, no printf-family or string-splicing call appears,
 *     nor sqlite3_exec; libassoc's own SQL is constant too, and the words
 *     of assoc_options that reach a PRAGMA refuse anything but a word.
 *   - Model files whose identifiers are SQL keywords generate SQL that runs
 *     (the DDL, and every statement prepares), and a table name that is
 *     not an identifier is refused. */
#include "rel.h"

#include <ctype.h>

#include "edges.h"
#include "fuzz_oracle.h"
#include "models.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif
#ifndef BUILDDIR
#define BUILDDIR "build"
#endif

static const char *const sql_like[] = {
    "'; DROP TABLE users; --",
    "\"); DELETE FROM orders; --",
    "' OR '1'='1",
    "1 OR 1=1",
    "'||(SELECT sqlite_version())||'",
    "x'00'",
    "?1",
    "?",
    "?999",
    ":email",
    "@x",
    "$x",
    "%s%s%s%n",
    "NULL",
    "null",
    "CURRENT_TIMESTAMP",
    "/* open comment",
    "*/",
    "--",
    ";",
    "\\",
    "\\'",
    "'",
    "''",
    "\"",
    "`users`",
    "[users]",
    "0x41",
    "1e999",
    "-9223372036854775808",
    " leading and trailing ",
    "tab\there, newline\nthere, cr\r",
    "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80",
    "); PRAGMA foreign_keys=OFF; --",
    "ATTACH DATABASE '/tmp/x' AS x; --",
};

/* The strings to store: printable ASCII, then the SQL-looking ones. */
static size_t nvalues;
static char values[400][128];

static void make_values(void)
{
    nvalues = 0;
    for (int c = 0x20; c <= 0x7e; c++) {
        snprintf(values[nvalues++], sizeof values[0], "%c", c);
        snprintf(values[nvalues++], sizeof values[0], "a%cb", c);
        snprintf(values[nvalues++], sizeof values[0], "%c%c", c, c);
    }
    char *all = values[nvalues++];
    for (int c = 0x20; c <= 0x7e; c++)
        all[c - 0x20] = (char)c;
    all[0x7f - 0x20] = '\0';
    for (size_t i = 0; i < sizeof sql_like / sizeof *sql_like; i++) {
        bool dup = false;
        for (size_t k = 0; k < nvalues && !dup; k++)
            dup = strcmp(values[k], sql_like[i]) == 0;  /* "'", "--", ... are both */
        if (!dup)
            snprintf(values[nvalues++], sizeof values[0], "%s", sql_like[i]);
    }
    /* The empty string is a value too (not NULL). */
    values[nvalues++][0] = '\0';
}

static char *schema_text(assoc_db *db)
{
    return rel_query_text(assoc_sqlite(db), "SELECT type, name, sql FROM sqlite_master ORDER BY name");
}

/* ---- the seed's models ---- */

static int collect_user(const User *u, void *ctx)
{
    rbuf *b = ctx;
    rbuf_add(b, "[%s]", u->email ? u->email : "(null)");
    return 0;
}

static void test_seed_strings(void **state)
{
    (void)state;
    assoc_db *db = NULL;
    OK(db, assoc_open(":memory:", &db));
    OK(db, models_create_all(db));
    char *schema = schema_text(db);

    static User users[400];
    static Product products[400];
    for (size_t i = 0; i < nvalues; i++) {
        users[i] = (User)USER_INIT;
        users[i].email = values[i];
        OK(db, user_insert(db, &users[i]));
        products[i] = (Product)PRODUCT_INIT;
        products[i].title = values[i];
        OK(db, product_insert(db, &products[i]));
        OK(db, user_products_add(db, &users[i], &products[i]));
    }
    for (size_t i = 0; i < nvalues; i++) {
        User u;
        Product p;
        OK(db, user_get(db, users[i].id, &u));
        assert_non_null(u.email);
        assert_string_equal(u.email, values[i]);
        user_free(&u);
        OK(db, product_get(db, products[i].id, &p));
        assert_string_equal(p.title, values[i]);
        product_free(&p);
        /* Through the many-to-many both ways. */
        ProductList pl;
        OK(db, user_products(db, &users[i], &pl));
        assert_int_equal(pl.len, 1);
        assert_string_equal(pl.items[0].title, values[i]);
        product_list_free(&pl);
        UserList ul;
        OK(db, product_users(db, &products[i], &ul));
        assert_int_equal(ul.len, 1);
        assert_string_equal(ul.items[0].email, values[i]);
        user_list_free(&ul);
    }
    /* all and each, in key order. */
    UserList all;
    OK(db, user_all(db, &all));
    assert_int_equal(all.len, nvalues);
    rbuf a = { 0 }, e = { 0 };
    for (size_t i = 0; i < all.len; i++) {
        assert_string_equal(all.items[i].email, values[i]);
        collect_user(&all.items[i], &a);
    }
    user_list_free(&all);
    OK(db, user_each(db, collect_user, &e));
    assert_string_equal(rbuf_str(&a), rbuf_str(&e));
    rbuf_free(&a);
    rbuf_free(&e);
    /* Update each to the value at the other end of the list. */
    for (size_t i = 0; i < nvalues; i++) {
        users[i].email = values[nvalues - 1 - i];
        OK(db, user_update(db, &users[i]));
        products[i].title = values[nvalues - 1 - i];
        OK(db, product_update(db, &products[i]));
    }
    for (size_t i = 0; i < nvalues; i++) {
        User u;
        OK(db, user_get(db, users[i].id, &u));
        assert_string_equal(u.email, values[nvalues - 1 - i]);
        user_free(&u);
        Product p;
        OK(db, product_get(db, products[i].id, &p));
        assert_string_equal(p.title, values[nvalues - 1 - i]);
        product_free(&p);
    }
    User first;
    OK(db, user_first(db, &first));
    assert_string_equal(first.email, values[nvalues - 1]);
    user_free(&first);

    char *after = schema_text(db);
    assert_string_equal(schema, after);
    free(schema);
    free(after);
    int64_t n = 0;
    OK(db, user_count(db, &n));
    assert_int_equal(n, (int64_t)nvalues);
    OK(db, product_count(db, &n));
    assert_int_equal(n, (int64_t)nvalues);
    OK(db, order_count(db, &n));
    assert_int_equal(n, (int64_t)nvalues);
    assert_int_equal(sqlite3_get_autocommit(assoc_sqlite(db)), 1);
    /* Foreign keys are still enforced (no "PRAGMA foreign_keys=OFF" ran). */
    char *fk = rel_query_text(assoc_sqlite(db), "PRAGMA foreign_keys");
    assert_string_equal(fk, "1");
    free(fk);
    printf("%zu strings through users.email and products.title\n", nvalues);
    assoc_close(db);
}

/* ---- edges.def: every kind of string column ---- */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void test_edges_strings(void **state)
{
    (void)state;
    assoc_db *db = NULL;
    OK(db, assoc_open(":memory:", &db));
    OK(db, edges_create_all(db));
    char *schema = schema_text(db);
    static Thing things[400];
    size_t too_long = 0;

    for (size_t i = 0; i < nvalues; i++) {
        Thing t = { 0 };
        t.s = values[i];
        t.t = values[i];
        t.u = values[i];
        t.x = values[i];
        t.nbl.data = (unsigned char *)values[i];
        t.nbl.len = strlen(values[i]);
        int rc = thing_insert(db, &t);
        if (utf8_chars(values[i]) > 10) {
            /* string(10): the DDL's check refuses it, and nothing is stored. */
            RC(db, ASSOC_CONSTRAINT, rc);
            too_long++;
            t.s = NULL;
            OK(db, thing_insert(db, &t));
        } else {
            OK(db, rc);
        }
        things[i] = t;

        Tag tag = { values[i], values[nvalues - 1 - i] };
        if (utf8_chars(values[i]) > 40 || values[i][0] == '\0') {
            /* string(40); and "" is a key value SQLite accepts: keep it. */
            int trc = tag_insert(db, &tag);
            if (utf8_chars(values[i]) > 40)
                RC(db, ASSOC_CONSTRAINT, trc);
            else
                OK(db, trc);
        } else {
            OK(db, tag_insert(db, &tag));
        }
        if (utf8_chars(values[i]) <= 40)
            OK(db, tag_things_add(db, &tag, &things[i]));
    }
    for (size_t i = 0; i < nvalues; i++) {
        Thing t;
        OK(db, thing_get(db, things[i].id, &t));
        if (things[i].s)
            assert_string_equal(t.s, values[i]);
        else
            assert_null(t.s);
        assert_string_equal(t.t, values[i]);
        assert_string_equal(t.u, values[i]);
        assert_string_equal(t.x, values[i]);
        assert_int_equal(t.nbl.len, strlen(values[i]));
        assert_true(t.nbl.len == 0 || memcmp(t.nbl.data, values[i], t.nbl.len) == 0);
        thing_free(&t);
        /* The look-ups by the value itself. */
        OK(db, thing_get_by_u(db, values[i], &t));
        assert_int_equal(t.id, things[i].id);
        thing_free(&t);
        ThingList l;
        OK(db, thing_find_by_x(db, values[i], &l));
        assert_int_equal(l.len, 1);
        assert_int_equal(l.items[0].id, things[i].id);
        thing_list_free(&l);
        if (utf8_chars(values[i]) <= 40) {
            Tag tag;
            OK(db, tag_get(db, values[i], &tag));
            assert_string_equal(tag.name, values[i]);
            assert_string_equal(tag.note, values[nvalues - 1 - i]);
            OK(db, tag_things(db, &tag, &l));
            assert_int_equal(l.len, 1);
            assert_string_equal(l.items[0].t, values[i]);
            thing_list_free(&l);
            OK(db, tag_things_remove(db, &tag, &things[i]));
            OK(db, tag_delete(db, &tag));
            tag_free(&tag);
        }
    }
    /* A look-up by a string that was never stored finds nothing. */
    Thing none;
    RC(db, ASSOC_NOTFOUND, thing_get_by_u(db, "' OR 1=1 --x", &none));
    ThingList empty;
    OK(db, thing_find_by_x(db, "no such %_ value", &empty));  /* no LIKE */
    assert_int_equal(empty.len, 0);
    thing_list_free(&empty);

    char *after = schema_text(db);
    assert_string_equal(schema, after);
    free(schema);
    free(after);
    int64_t n = 0;
    OK(db, thing_count(db, &n));
    assert_int_equal(n, (int64_t)nvalues);
    OK(db, tag_count(db, &n));
    assert_int_equal(n, 0);
    printf("%zu strings through every string column of edges.def (%zu too long for string(10))\n", nvalues,
           too_long);
    assoc_close(db);
}

/* ---- no SQL built at run time ---- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    rbuf b = { 0 };
    char line[4096];
    while (fgets(line, sizeof line, f))
        rbuf_add(&b, "%s", line);
    fclose(f);
    return b.s;
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Is name (len bytes) a static assoc_sql constant of c whose text is a
 * string literal? */
static bool is_static_sql(const char *c, const char *name, size_t len)
{
    char decl[192];
    snprintf(decl, sizeof decl, "static const assoc_sql %.*s = {\n    \"", (int)len, name);
    return len > 0 && strstr(c, decl) != NULL;
}

/* Is name (len bytes) a table of statements (a declared query's variants,
 * SPEC 6: `static const assoc_sql *const name[N] = { &a, &b, ... };`)
 * whose every entry is a static assoc_sql constant with a literal text? */
static bool is_static_table(const char *path, const char *c, const char *name, size_t len)
{
    char decl[192];
    snprintf(decl, sizeof decl, "static const assoc_sql *const %.*s[", (int)len, name);
    const char *p = len > 0 ? strstr(c, decl) : NULL;
    if (p == NULL)
        return false;
    const char *open = strstr(p, "= {\n"), *end = strstr(p, "\n};\n");
    if (open == NULL || end == NULL || end < open)
        fail_msg("%s: table %.*s is not one initializer", path, (int)len, name);
    size_t entries = 0;
    for (const char *q = open + 4; q < end; q++) {
        if (*q == ' ' || *q == ',' || *q == '\n')
            continue;
        if (*q != '&')
            fail_msg("%s: table %.*s holds '%.20s', not &constant", path, (int)len, name, q);
        size_t k = 1;
        while (isalnum((unsigned char)q[k]) || q[k] == '_')
            k++;
        if (!is_static_sql(c, q + 1, k - 1))
            fail_msg("%s: table %.*s holds %.*s, not a static assoc_sql constant", path, (int)len, name, (int)k, q);
        entries++;
        q += k - 1;
    }
    return entries > 1;
}

/* The argument arg (len bytes) of an acquire or exec: one or more
 * &constant, each a static assoc_sql, chosen between by a condition at
 * most (`v.id != 0 ? &a : &b`) -- no string literal, no call.  Returns how
 * many constants it names. */
static size_t check_sql_arg(const char *path, const char *c, const char *what, const char *arg, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (arg[i] == '"' || arg[i] == '(')
            fail_msg("%s: %s with '%.*s', not a static SQL constant", path, what, (int)len, arg);
        /* NAME[v]: one of a table of constants, picked by the variant. */
        if (i == 0 && (isalpha((unsigned char)arg[0]) || arg[0] == '_')) {
            size_t k = 0;
            while (k < len && (isalnum((unsigned char)arg[k]) || arg[k] == '_'))
                k++;
            if (k + 3 == len && memcmp(arg + k, "[v]", 3) == 0 && is_static_table(path, c, arg, k))
                return 1;
        }
        if (arg[i] != '&')
            continue;
        size_t k = i + 1;
        while (k < len && (isalnum((unsigned char)arg[k]) || arg[k] == '_'))
            k++;
        if (!is_static_sql(c, arg + i + 1, k - i - 1))
            fail_msg("%s: %s with '%.*s': '%.*s' is not a static assoc_sql constant", path, what, (int)len, arg,
                     (int)(k - i), arg + i);
        n++;
        i = k - 1;
    }
    if (n == 0)
        fail_msg("%s: %s with '%.*s', not a static SQL constant", path, what, (int)len, arg);
    return n;
}

static void check_generated(const char *path)
{
    char *c = read_text(path);
    static const char *const banned[] = { "printf", "strcat", "strcpy", "strncpy", "memcpy", "sqlite3_str",
                                          "sqlite3_prepare", "snprintf", "sqlite3_exec" };
    for (size_t i = 0; i < sizeof banned / sizeof *banned; i++)
        if (count(c, banned[i]) != 0)
            fail_msg("%s calls %s: generated code must not build SQL text", path, banned[i]);
    /* Every SQL constant is static and const, its text a literal. */
    size_t decls = count(c, "assoc_sql ");
    if (decls != count(c, "static const assoc_sql "))
        fail_msg("%s: an assoc_sql that is not a static constant", path);
    for (const char *p = c; (p = strstr(p, "static const assoc_sql ")) != NULL; p++) {
        const char *name = p + strlen("static const assoc_sql ");
        if (strncmp(name, "*const ", 7) == 0) {
            name += 7;
            if (!is_static_table(path, c, name, strcspn(name, "[")))
                fail_msg("%s: a table of statements that is not of static constants: %.60s", path, p);
            continue;
        }
        if (!is_static_sql(c, name, strcspn(name, " ")))
            fail_msg("%s: an assoc_sql whose text is not a literal: %.60s", path, p);
    }
    /* Every statement acquired is one of them, and so is every script run. */
    size_t acquires = 0, execs = 0;
    for (const char *p = c; (p = strstr(p, "assoc_stmt_acquire(db, ")) != NULL; p++) {
        const char *arg = p + strlen("assoc_stmt_acquire(db, ");
        const char *end = strstr(arg, ", &st);");
        if (end == NULL)
            fail_msg("%s: an assoc_stmt_acquire not into &st: %.60s", path, p);
        check_sql_arg(path, c, "assoc_stmt_acquire", arg, (size_t)(end - arg));
        acquires++;
    }
    for (const char *p = c; (p = strstr(p, "assoc_exec(db, ")) != NULL; p++) {
        const char *arg = p + strlen("assoc_exec(db, ");
        check_sql_arg(path, c, "assoc_exec", arg, strcspn(arg, ")"));
        execs++;
    }
    printf("%s: %zu statements and %zu scripts, all static constants (%zu)\n", path, acquires, execs, decls);
    assert_true(acquires > 20);
    assert_true(execs >= 1);
    free(c);
}

static void test_no_sql_built_from_values(void **state)
{
    (void)state;
    check_generated(BUILDDIR "/e2e/models/models.c");
    check_generated(BUILDDIR "/reliability/edges/edges.c");

    /* libassoc: SQL reaches SQLite only through these calls, each with a
     * constant or the caller's statement text. */
    char *rt = read_text(SRCDIR "/runtime/assoc.c");
    static const char *const allowed[] = {
        "sqlite3_prepare_v2(db->handle, sql, -1, &st, NULL)",                                  /* query_int: PRAGMA literals */
        "sqlite3_prepare_v3(db->handle, sys_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)", /* constants */
        "sqlite3_prepare_v3(db->handle, sql->text, -1,",                                       /* the generated code's constants */
        "sqlite3_exec(db->handle, sql->text, NULL, NULL, NULL)",                               /* assoc_exec: the same */
        "sqlite3_exec(db->handle, sql, NULL, NULL, NULL)",                                     /* pragma(): below */
        "sqlite3_exec(db->handle, \"ROLLBACK\"",
    };
    size_t calls = count(rt, "sqlite3_prepare") + count(rt, "sqlite3_exec(");
    size_t ok = 0;
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        ok += count(rt, allowed[i]);
    if (ok != calls)
        fail_msg("runtime/assoc.c: %zu calls that hand SQL to SQLite, %zu of them known to pass constants", calls,
                 ok);
    /* query_int is only given literals, and pragma() literal formats (the
     * words of assoc_options it formats in are checked: see below). */
    for (const char *p = rt; (p = strstr(p, "query_int(db, ")) != NULL; p++)
        if (p[strlen("query_int(db, ")] != '"')
            fail_msg("runtime/assoc.c: query_int with a non-literal: %.60s", p);
    size_t pragmas = 0;
    for (const char *p = rt; (p = strstr(p, "pragma(db, ")) != NULL; p++, pragmas++)
        if (strncmp(p + strlen("pragma(db, "), "\"PRAGMA ", 8) != 0)
            fail_msg("runtime/assoc.c: pragma() with a non-literal: %.60s", p);
    assert_true(pragmas >= 6);
    free(rt);
}

/* The words of assoc_options that reach a PRAGMA's text: anything but a
 * plain word is refused with ASSOC_MISUSE before the database is opened,
 * so a file opened with them is neither created nor changed. */
static void test_option_words(void **state)
{
    (void)state;
    static const char *const words[] = { "WAL; DROP TABLE users", "DELETE --", "WAL'", "OFF)", "", "FULL\n",
                                         "NORMAL;", "WAL/*", "TRUNCATEXXXXXXXXXXXXXX" };
    char dir[] = "/tmp/assoc-inject-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/x.db", dir);
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        for (int which = 0; which < 2; which++) {
            assoc_options o;
            assoc_db *db = (assoc_db *)&o;
            assoc_options_init(&o);
            if (which == 0)
                o.journal = words[i];
            else
                o.synchronous = words[i];
            if (assoc_open_with(path, &o, &db) != ASSOC_MISUSE)
                fail_msg("%s \"%s\" was not refused", which == 0 ? "journal" : "synchronous", words[i]);
            assert_null(db);
            assert_int_equal(access(path, F_OK), -1); /* not even created */
        }
    }
    rmdir(dir);
}

/* ---- identifiers from the model file ---- */

static void test_keyword_identifiers(void **state)
{
    (void)state;
    static const char model[] =
        "model Order table order {\n"
        "    id      integer primary_key\n"
        "    select  string(20) unique\n"
        "    from    integer index\n"
        "    where   text\n"
        "    group   datetime\n"
        "    table   blob\n"
        "    index   boolean\n"
        "    lines   relationship(Group, backref = order, cascade = \"all, delete-orphan\")\n"
        "}\n"
        "model Group table group {\n"
        "    id       integer primary_key\n"
        "    order_id integer foreign_key(order.id, ondelete = cascade)\n"
        "    default  float\n"
        "    values   relationship(Select, secondary = where)\n"
        "}\n"
        "model Select table select {\n"
        "    id       integer primary_key\n"
        "    check    string(5) not_null default(\"?'\\\"\")\n"
        "}\n"
        "table where {\n"
        "    group_id  integer primary_key foreign_key(group.id)\n"
        "    select_id integer primary_key foreign_key(select.id)\n"
        "}\n";
    char msg[512];
    const char *fail = fuzz_one((const uint8_t *)model, sizeof model - 1, true, msg, sizeof msg);
    if (fail != NULL)
        fail_msg("%s", fail);
    /* And it loaded: no error at all. */
    fuzz_bundle b;
    fuzz_split(model, sizeof model - 1, &b);
    assocgen *g = assocgen_create();
    assocgen_set_reader(g, fuzz_read, &b);
    int rc = assocgen_load(g, FUZZ_MAIN);
    if (rc != 0)
        fail_msg("the keyword schema does not load: %s",
                 assocgen_diagnostics(g) ? assocgen_diagnostics(g)->rendered : "?");
    assocgen_destroy(g);
}

static void test_bad_table_names(void **state)
{
    (void)state;
    static const char *const names[] = { "\"we\\\"ird; DROP TABLE x; --\"", "\"a b\"", "\"1abc\"", "\"x-y\"",
                                         "\"\"", "\"caf\xc3\xa9\"", "\"t]\"", "\"t`\"" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char model[256];
        int n = snprintf(model, sizeof model, "model T table %s {\n    id integer primary_key\n}\n", names[i]);
        fuzz_bundle b;
        fuzz_split(model, (size_t)n, &b);
        assocgen *g = assocgen_create();
        assocgen_set_reader(g, fuzz_read, &b);
        int rc = assocgen_load(g, FUZZ_MAIN);
        if (rc != 1)
            fail_msg("table %s: load returned %d, expected an error", names[i], rc);
        assocgen_destroy(g);
    }
}

int main(void)
{
    make_values();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_strings),
        cmocka_unit_test(test_edges_strings),
        cmocka_unit_test(test_no_sql_built_from_values),
        cmocka_unit_test(test_option_words),
        cmocka_unit_test(test_keyword_identifiers),
        cmocka_unit_test(test_bad_table_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
