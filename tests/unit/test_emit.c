/* test_emit.c - emitter rules the golden files do not pin down by name:
 * index names stay unique across a schema, a column leading a composite
 * index gets no index of its own, and key columns named like the generated
 * code's own variables still make code that compiles. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "api.h"
#include "arena.h"
#include "cnames.h"
#include "memfs.h"

/* Generate `text` as t.def; returns the output with `suffix` (malloc'd). */
static char *generate(const char *text, unsigned emit, const char *suffix)
{
    memfile files[] = { { "t.def", text }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        fputs(d->rendered, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(assocgen_generate(g, emit, NULL), 0);
    char *out = NULL;
    for (size_t i = 0; i < assocgen_output_count(g); i++) {
        const assocgen_output *o = assocgen_output_at(g, i);
        if (strcmp(o->suffix, suffix) == 0)
            out = strdup(o->text);
    }
    assocgen_destroy(g);
    assert_non_null(out);
    return out;
}

/* Write h and c as t.h and t.c in a fresh directory and assert that the
 * source compiles as C11 and the header as C++, warnings as errors. */
static void assert_compiles(const char *h, const char *c)
{
    char dir[] = "/tmp/assocgen-emit-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const char *const names[] = { "t.h", "t.c" };
    const char *texts[] = { h, c };
    for (int i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(texts[i], f);
        fclose(f);
    }
    char cmd[1536];
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I%s/runtime -I%s -c -o %s/t.o %s/t.c 2>&1 && "
             "printf '#include \"t.h\"\\n' > %s/u.cc && "
             "c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I%s/runtime -I%s %s/u.cc 2>&1 && rm -rf %s",
             SRCDIR, dir, dir, dir, dir, SRCDIR, dir, dir, dir);
    assert_int_equal(system(cmd), 0);
}

static int64_t count_indexes(const char *ddl)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, ddl, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("DDL failed: %s\n%s", err, ddl);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                            "AND name NOT LIKE 'sqlite_autoindex%'", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Table a_b column c and table a column b_c both make SQLAlchemy's name
 * ix_a_b_c: the second must get another name, or IF NOT EXISTS skips it. */
static void test_index_names_unique(void **state)
{
    (void)state;
    char *sql = generate("model A table a_b {\n id integer primary_key\n c integer index\n}\n"
                         "model B table a {\n id integer primary_key\n b_c integer index\n}\n",
                         ASSOCGEN_EMIT_SQL, ".sql");
    assert_non_null(strstr(sql, "ix_a_b_c ON a_b"));
    assert_non_null(strstr(sql, "ix_a_b_c_2 ON a"));
    assert_int_equal(count_indexes(sql), 2);
    free(sql);
}

/* The text of a file of the source tree (malloc'd). */
static char *read_source(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SRCDIR, rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    assert_true(n > 0 && feof(f));
    fclose(f);
    return text;
}

/* The name of each CREATE INDEX of ddl, in order, unquoted, into names[]. */
static size_t index_names_of(const char *ddl, char names[][64], size_t max)
{
    static const char stem[] = "CREATE INDEX IF NOT EXISTS ";
    size_t n = 0;
    for (const char *p = strstr(ddl, stem); p && n < max; p = strstr(p, stem)) {
        p += sizeof stem - 1;
        bool quoted = *p == '"';
        p += quoted;
        size_t len = 0;
        while (p[len] && p[len] != (quoted ? '"' : ' ') && len < 63)
            len++;
        memcpy(names[n], p, len);
        names[n++][len] = '\0';
    }
    return n;
}

static bool same_without_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* SQLite compares index and table names without case, in one namespace
 * (issue 11, item 8): ix_a_b_C and ix_a_B_c are one name; an index named
 * like a table, in any case, fails create_all.  tests/e2e/indexnames'
 * model file has each collision: every index gets a name of its own, none
 * a table's, and all of them exist after the DDL runs.  (The names before
 * the fix: ix_a_email_x, ix_a_b_C and ix_people_email, two of them
 * skipped by IF NOT EXISTS and the third failing the DDL.) */
static void test_index_names_unique_without_case(void **state)
{
    (void)state;
    static const char *const want[] = { "ix_a_B_c", "ix_a_Email_x", "ix_a_email_x_2", "ix_a_b_C_2",
                                        "ix_people_email_3" };
    static const char *const tables[] = { "a", "a_email", "a_b", "people", "ix_people_email",
                                          "IX_People_Email_2" };
    char *def = read_source("tests/e2e/indexnames/indexnames.def");
    char *sql = generate(def, ASSOCGEN_EMIT_SQL, ".sql");
    char names[16][64];
    size_t n = index_names_of(sql, names, 16);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(names[i], want[i]);
        for (size_t j = 0; j < i; j++)
            if (same_without_case(names[i], names[j]))
                fail_msg("indexes %s and %s: one name to SQLite", names[j], names[i]);
        for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
            if (same_without_case(names[i], tables[t]))
                fail_msg("index %s is named like table %s", names[i], tables[t]);
    }
    assert_int_equal(count_indexes(sql), (int64_t)n);
    free(sql);
    free(def);
}

/* index(a, b) serves look-ups by a: no separate index on a. */
static void test_leading_column_needs_no_index(void **state)
{
    (void)state;
    char *sql = generate("model P {\n id integer primary_key\n}\n"
                         "model L {\n id integer primary_key\n p_id integer foreign_key(p.id)\n"
                         " day integer\n p relationship(P, backref = ls)\n index(p_id, day)\n}\n",
                         ASSOCGEN_EMIT_SQL, ".sql");
    assert_null(strstr(sql, "ix_l_p_id ON"));
    assert_non_null(strstr(sql, "ix_l_p_id_day ON l (p_id, day)"));
    assert_int_equal(count_indexes(sql), 1);
    free(sql);
}

/* Key columns named out, rc, st, sql, db: _get's parameters are renamed
 * where they would clash, and the code compiles. */
static void test_key_names_clashing_with_locals(void **state)
{
    (void)state;
    static const char def[] = "model Slot {\n out integer primary_key\n rc string(10) primary_key\n"
                              " st text\n sql integer\n db integer\n}\n";
    char *h = generate(def, ASSOCGEN_EMIT_HEADER, ".h");
    assert_non_null(strstr(h, "int slot_get(assoc_db *db, int64_t out_key, const char *rc_key, Slot *out);"));
    char *c = generate(def, ASSOCGEN_EMIT_SOURCE, ".c");

    assert_compiles(h, c);
    free(h);
    free(c);
}

/* Datetimes bind from buffers of the generated function's own, declared
 * with its other locals (before any statement, so the code reads as C89
 * would have it), one per datetime parameter; a key column named like one
 * of them gets a renamed parameter. */
static void test_datetime_buffers(void **state)
{
    (void)state;
    static const char def[] = "model Slot {\n time_text_1 datetime primary_key\n a datetime\n b datetime not_null\n}\n";
    char *h = generate(def, ASSOCGEN_EMIT_HEADER, ".h");
    assert_non_null(strstr(h, "int slot_get(assoc_db *db, assoc_time time_text_1_key, Slot *out);"));
    char *c = generate(def, ASSOCGEN_EMIT_SOURCE, ".c");
    const char *upd = strstr(c, "int slot_update(");
    assert_non_null(upd);
    /* The locals: the lines from the opening brace to the first blank
     * line, whatever their order. */
    const char *body = strstr(upd, "{\n");
    assert_non_null(body);
    body += 2;
    const char *blank = strstr(body, "\n\n");
    assert_non_null(blank);
    size_t nlocals = (size_t)(blank - body) + 1;
    char *locals = strndup(body, nlocals);
    static const char *const decls[] = { "    int rc;\n", "    char time_text_1[ASSOC_TIME_TEXT_SIZE];\n",
                                         "    char time_text_2[ASSOC_TIME_TEXT_SIZE];\n",
                                         "    char time_text_3[ASSOC_TIME_TEXT_SIZE];\n" };
    for (size_t i = 0; i < sizeof decls / sizeof *decls; i++)
        if (strstr(locals, decls[i]) == NULL)
            fail_msg("slot_update's locals lack %s:\n%s", decls[i], locals);
    free(locals);
    const char *end = strstr(upd, "\n}\n");
    size_t buffers = 0;
    for (const char *p = upd; (p = strstr(p, "[ASSOC_TIME_TEXT_SIZE];")) != NULL && p < end; p++)
        buffers++;
    assert_int_equal(buffers, 3); /* one per datetime parameter, all among the locals */
    /* 2.0: parameters are numbered in order of first appearance, so a
     * (SET a = $1) is the first (1.0: ?2, after the key ?1). */
    const char *bind = strstr(upd, "assoc_bind_time_buf(db, st, 1, r->a, r->has_a, time_text_");
    assert_true(bind != NULL && bind < end);
    assert_null(strstr(c, "assoc_bind_time(")); /* never SQLite's copy */
    assert_compiles(h, c);
    free(h);
    free(c);
}

/* unique(col) and index(col) are the column's own modifiers: the column gets
 * its _get_by_ / _find_by_ look-up. */
static void test_one_column_constraints_give_lookups(void **state)
{
    (void)state;
    static const char def[] = "model U table u {\n id integer primary_key\n email string\n name string\n"
                              " unique(email)\n index(name)\n}\n";
    char *h = generate(def, ASSOCGEN_EMIT_HEADER, ".h");
    assert_non_null(strstr(h, "int u_get_by_email(assoc_db *db, const char *value, U *out);"));
    assert_non_null(strstr(h, "int u_find_by_name(assoc_db *db, const char *value, UList *out);"));
    free(h);
    char *sql = generate(def, ASSOCGEN_EMIT_SQL, ".sql");
    assert_non_null(strstr(sql, "email VARCHAR UNIQUE"));
    assert_int_equal(count_indexes(sql), 1);
    free(sql);
}

/* A rejected constraint leaves its slot to the next one: a shorter
 * constraint after a longer rejected one used to write past its columns
 * (inside the arena, so only a crash or later garbage would show it). */
static void test_rejected_constraint_slot_reused(void **state)
{
    (void)state;
    memfile files[] = { { "t.def", "model U table u {\n id integer primary_key\n a integer\n b integer\n"
                                   " c integer\n d integer\n unique(a, b, c, nosuch)\n unique(d, a)\n}\n" },
                        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 1);
    assert_non_null(memfs_find(g, "unknown column 'nosuch'"));
    assocgen_destroy(g);
}

/* Columns named like a C keyword, macro or type of the included headers
 * get a trailing '_' in C; the source compiles as C and the header as C++. */
static void test_columns_named_like_c_library(void **state)
{
    (void)state;
    static const char def[] = "model T table t {\n id integer primary_key\n NULL integer\n int64_t integer\n"
                              " errno text\n float float\n}\n";
    char *h = generate(def, ASSOCGEN_EMIT_HEADER, ".h");
    assert_non_null(strstr(h, "int64_t NULL_;"));
    assert_non_null(strstr(h, "int64_t int64_t_;"));
    assert_non_null(strstr(h, "char *errno_;"));
    char *c = generate(def, ASSOCGEN_EMIT_SOURCE, ".c");
    assert_compiles(h, c);
    free(h);
    free(c);
}

/* Models named like the locals of the generated loads (and of what they
 * were: m, i, k, start, link, len, base, acc, first, places, j, idx,
 * chunk, stop), as a relationship's owner
 * and as its target: the code compiles, as C11 and the header as C++
 * (a local declared before a use of the model's type would hide it). */
static void test_models_named_like_load_locals(void **state)
{
    (void)state;
    static const char *const names[] = { "m", "i", "k", "start", "link", "len", "base", "acc", "first", "places",
                                         "j", "idx", "chunk", "stop" };
    for (size_t w = 0; w < sizeof names / sizeof names[0]; w++) {
        const char *nm = names[w];
        char def[1024];
        snprintf(def, sizeof def,
                 "model User table users {\n id integer primary_key\n things relationship(%s)\n"
                 " tags relationship(Tag, secondary = taggings)\n}\n"
                 "model %s table %s_t {\n id integer primary_key\n user_id integer foreign_key(users.id)\n"
                 " title string(20)\n owner relationship(User)\n kids relationship(Kid)\n}\n"
                 "model Kid table kids {\n id integer primary_key\n parent_id integer foreign_key(%s_t.id)\n}\n"
                 "model Tag table tags {\n id integer primary_key\n}\n"
                 "table taggings {\n user_id integer foreign_key(users.id)\n tag_id integer foreign_key(tags.id)\n}\n",
                 nm, nm, nm, nm);
        char *h = generate(def, ASSOCGEN_EMIT_HEADER, ".h");
        char *c = generate(def, ASSOCGEN_EMIT_SOURCE, ".c");
        assert_compiles(h, c);
        free(h);
        free(c);
    }
}

/* The to-one borrowing loader <m>_<rel>_view is beyond the spec's names:
 * generated where its name is free, left out (silently) where a spec name
 * takes it, so no schema the spec accepts is refused for it.  A model
 * UserProfile beside User.profile is fine either way. */
static void test_view_only_where_free(void **state)
{
    (void)state;
    static const char def[] =
        "model User table users {\n id integer primary_key\n"
        " profile relationship(UserProfile, uselist = false)\n}\n"
        "model UserProfile table user_profiles {\n id integer primary_key\n"
        " user_id integer foreign_key(users.id)\n}\n"
        "model Order table orders {\n id integer primary_key\n user_id integer foreign_key(users.id)\n"
        " buyer_id integer foreign_key(users.id)\n"
        " user relationship(User, foreign_keys = user_id)\n"
        " user_view relationship(User, foreign_keys = buyer_id)\n}\n";
    char *h = generate(def, ASSOCGEN_EMIT_HEADER, ".h");
    /* User.profile and UserProfile: both sets of names. */
    assert_non_null(strstr(h, "int user_profile(assoc_db *db, const User *r, UserProfile *out);"));
    assert_non_null(strstr(h, "int user_profile_view(assoc_db *db, const User *r, int (*fn)(const UserProfile *, void *), void *ctx);"));
    assert_non_null(strstr(h, "int user_profile_each(assoc_db *db, int (*fn)(const UserProfile *, void *), void *ctx);"));
    /* Order.user_view takes order_user_view: Order.user has no _view. */
    assert_non_null(strstr(h, "int order_user_view(assoc_db *db, const Order *r, User *out);"));
    assert_null(strstr(h, "int order_user_view(assoc_db *db, const Order *r, int (*fn)"));
    assert_non_null(strstr(h, "int order_user_view_view(assoc_db *db, const Order *r, int (*fn)(const User *, void *), void *ctx);"));
    char *c = generate(def, ASSOCGEN_EMIT_SOURCE, ".c");
    assert_compiles(h, c);
    free(h);
    free(c);
}

/* Every C name api_build gives a model, its columns and relationships is
 * one the tables of api.h describe (what --from-db claims before it picks a
 * name), and every <model>__ static the generated source defines is one the
 * api table lists (what the checker refuses a clash with): a name the
 * emitter invents and neither knows is a clash nobody checks. */
static bool in_list(const char *name, const char *stem, const char *sep, const char *const *list)
{
    size_t n = strlen(stem), m = strlen(sep);
    if (strncmp(name, stem, n) != 0 || strncmp(name + n, sep, m) != 0)
        return false;
    for (size_t k = 0; list[k] != NULL; k++)
        if (strcmp(name + n + m, list[k]) == 0)
            return true;
    return false;
}

static bool starts(const char *s, const char *a, const char *b)
{
    size_t n = strlen(a);
    return strncmp(s, a, n) == 0 && strncmp(s + n, b, strlen(b)) == 0;
}

static void test_api_names_in_tables(void **state)
{
    (void)state;
    static const char def[] =
        "model User table users {\n id integer primary_key\n email string(255) unique\n"
        " state enum(active, gone)\n nick string(40) index\n"
        " products relationship(Product, secondary = orders)\n"
        " profile relationship(Profile, uselist = false)\n"
        " query by_state {\n where state = :state\n order_by email\n }\n}\n"
        "model Profile table profiles {\n id integer primary_key\n user_id integer foreign_key(users.id)\n"
        " bio text\n picture blob\n"
        " user relationship(User)\n}\n"
        "model Product table products {\n id integer primary_key\n title string(255)\n"
        " users relationship(User, secondary = orders)\n}\n"
        "model Order table orders {\n id integer primary_key\n user_id integer foreign_key(users.id)\n"
        " product_id integer foreign_key(products.id)\n"
        " user relationship(User, backref = backref(orders, cascade = \"all, delete-orphan\"))\n"
        " product relationship(Product, backref = backref(orders, cascade = \"all, delete-orphan\"))\n}\n"
        "model Tag table tags {\n name string(40) primary_key\n}\n"
        "table item_tags {\n item_id integer foreign_key(products.id)\n tag string(40) foreign_key(tags.name)\n}\n";
    memfile files[] = { { "t.def", def }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        fputs(d->rendered, stderr);
    assert_int_equal(rc, 0);
    const sch_schema *s = assocgen_schema(g);
    arena mem = { 0 };
    api *a = api_build(s, "", &mem);
    assert_non_null(a);
    char buf[512];
    size_t checked = 0;
    for (size_t i = 0; i < a->nnames; i++) {
        const char *n = a->names[i].name, *what = a->names[i].what;
        bool ok = strcmp(what, "the schema") == 0 || strncmp(what, "query ", 6) == 0;
        for (size_t k = 0; k < s->nmodels && !ok; k++) {
            const sch_model *m = s->models[k];
            char up[256];
            c_upper(up, sizeof up, m->snake);
            snprintf(buf, sizeof buf, "model %s", m->name);
            if (strcmp(what, buf) == 0) {
                const char *own[] = { "", "List", "Groups" }, *macros[] = { "_INIT", "_LIST_INIT", "_GROUPS_INIT" };
                for (size_t j = 0; j < 3 && !ok; j++)
                    ok = (starts(n, m->name, own[j]) && strlen(n) == strlen(m->name) + strlen(own[j])) ||
                         (starts(n, up, macros[j]) && strlen(n) == strlen(up) + strlen(macros[j]));
                ok = ok || in_list(n, m->snake, "_", api_model_fns) || in_list(n, m->snake, "__", api_model_statics) ||
                     starts(n, m->snake, "__enum_");
                checked++;
            }
            snprintf(buf, sizeof buf, "column %s.", m->name);
            if (strncmp(what, buf, strlen(buf)) == 0)
                ok = starts(n, m->snake, "_get_by_") || starts(n, m->snake, "_find_by_") ||
                     strstr(what, "(an enum)") != NULL;
            for (size_t r = 0; r < m->nrels && !ok; r++) {
                snprintf(buf, sizeof buf, "relationship %s.%s", m->name, m->rels[r]->name);
                if (strncmp(what, buf, strlen(buf)) != 0)
                    continue;
                char stem[300];
                snprintf(stem, sizeof stem, "%s_%s", m->snake, m->rels[r]->name);
                ok = in_list(n, stem, "", api_rel_fns) || (starts(n, stem, "_with_") && strstr(n, "_each") != NULL);
                checked++;
            }
        }
        if (!ok)
            fail_msg("%s: %s makes a name api.h's tables do not describe", n, what);
    }
    assert_true(checked > 40);

    /* The source's statics named after a model: each one the api lists. */
    assert_int_equal(assocgen_generate(g, ASSOCGEN_EMIT_SOURCE, NULL), 0);
    const char *c = NULL;
    for (size_t i = 0; i < assocgen_output_count(g); i++)
        if (strcmp(assocgen_output_at(g, i)->suffix, ".c") == 0)
            c = assocgen_output_at(g, i)->text;
    assert_non_null(c);
    size_t statics = 0;
    for (const char *p = strstr(c, "\nstatic "); p != NULL; p = strstr(p + 1, "\nstatic ")) {
        const char *open = strpbrk(p + 1, "(=[;");
        if (open == NULL)
            break;
        const char *end = open;
        while (end > p && end[-1] == ' ')
            end--;
        const char *start = end;
        while (start > p && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
                             (start[-1] >= '0' && start[-1] <= '9') || (start[-1] >= 'A' && start[-1] <= 'Z')))
            start--;
        snprintf(buf, sizeof buf, "%.*s", (int)(end - start), start);
        const char *dunder = strstr(buf, "__");
        if (dunder == NULL || strstr(buf, "__sql") != NULL)
            continue;
        bool listed = false;
        for (size_t i = 0; i < a->nnames && !listed; i++)
            listed = strcmp(a->names[i].name, buf) == 0;
        if (!listed)
            fail_msg("the source defines %s, a name the api table does not list", buf);
        statics++;
    }
    assert_true(statics >= 10);
    arena_free(&mem);
    assocgen_destroy(g);
}

/* Two server_default(current_timestamp) columns: one reading of the
 * database's clock for both, as one DEFAULT-applying statement would give. */
static void test_one_clock_reading_per_insert(void **state)
{
    (void)state;
    static const char def[] = "model Stamp table stamps {\n id integer primary_key\n"
                              " made datetime server_default(current_timestamp)\n"
                              " seen datetime not_null server_default(current_timestamp)\n}\n";
    char *h = generate(def, ASSOCGEN_EMIT_HEADER, ".h");
    char *c = generate(def, ASSOCGEN_EMIT_SOURCE, ".c");
    const char *ins = strstr(c, "int stamp_insert(");
    assert_non_null(ins);
    const char *end = strstr(ins, "\n}\n");
    assert_non_null(end);
    size_t reads = 0;
    for (const char *p = ins; (p = strstr(p, "assoc_current_timestamp(")) != NULL && p < end; p++)
        reads++;
    assert_int_equal(reads, 1);
    /* SQLite's clock, in C; PostgreSQL's statement reads its own and
     * returns both stamps */
    assert_non_null(strstr(ins, "if ((!v.has_made || !v.has_seen) && assoc_sqlite(db) != NULL) {"));
    assert_non_null(strstr(c, "RETURNING id, made, seen\""));
    assert_compiles(h, c);
    free(h);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_names_unique),
        cmocka_unit_test(test_index_names_unique_without_case),
        cmocka_unit_test(test_leading_column_needs_no_index),
        cmocka_unit_test(test_key_names_clashing_with_locals),
        cmocka_unit_test(test_datetime_buffers),
        cmocka_unit_test(test_one_column_constraints_give_lookups),
        cmocka_unit_test(test_rejected_constraint_slot_reused),
        cmocka_unit_test(test_columns_named_like_c_library),
        cmocka_unit_test(test_models_named_like_load_locals),
        cmocka_unit_test(test_view_only_where_free),
        cmocka_unit_test(test_api_names_in_tables),
        cmocka_unit_test(test_one_clock_reading_per_insert),
    };
    return cmocka_run_group_tests_name("emitters", tests, NULL, NULL);
}
