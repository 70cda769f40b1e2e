/* test_golden.c - the emitters' output for every schema in schema/ against
 * the golden files in tests/golden/, byte for byte; the SQL of every schema
 * loads into SQLite; and the seed's tables take the rows SQLAlchemy 1.4
 * writes for the same models.
 *
 * A golden mismatch names the file, the first line that differs and both
 * versions of it.  When the change is intended, `make golden-refresh`
 * rewrites the golden files (tests/golden/refresh.sh); review them with
 * `git diff tests/golden` before committing.
 *
 * Schemas are loaded as `schema/NAME.def` from the repository root, the name
 * refresh.sh gives, since every output starts with a banner naming it.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "assocgen.h"

#define ALL_OUTPUTS (ASSOCGEN_EMIT_HEADER | ASSOCGEN_EMIT_SOURCE | ASSOCGEN_EMIT_SQL | ASSOCGEN_EMIT_DOT)

static const char *const suffixes[] = { ".h", ".c", ".sql", ".dot" };
enum { NSUFFIXES = sizeof suffixes / sizeof suffixes[0] };

/* One schema/NAME.def. */
typedef struct schema_case {
    char name[128];           /* NAME */
    char path[160];           /* schema/NAME.def */
} schema_case;

/* ---------------------------------------------------------------------- */
/* Helpers */

/* The whole file, NUL-terminated (malloc'd), or NULL when unreadable. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (cap - n - 1 == 0) {
            char *p = realloc(buf, cap * 2);
            if (p == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (buf == NULL || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static int cmp_case(const void *a, const void *b)
{
    return strcmp(((const schema_case *)a)->name, ((const schema_case *)b)->name);
}

/* Every schema/NAME.def, sorted by name.  OUT: *n.  NULL when none. */
static schema_case *list_schemas(size_t *n)
{
    *n = 0;
    DIR *d = opendir("schema");
    if (d == NULL)
        return NULL;
    schema_case *cases = NULL;
    size_t cap = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (!has_suffix(de->d_name, ".def") || de->d_name[0] == '.')
            continue;
        size_t len = strlen(de->d_name) - 4;
        if (len >= sizeof cases->name)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            schema_case *p = realloc(cases, cap * sizeof *cases);
            if (p == NULL)
                break;
            cases = p;
        }
        schema_case *c = &cases[(*n)++];
        memcpy(c->name, de->d_name, len);
        c->name[len] = '\0';
        snprintf(c->path, sizeof c->path, "schema/%s.def", c->name);
    }
    closedir(d);
    if (cases)
        qsort(cases, *n, sizeof *cases, cmp_case);
    return cases;
}

static void print_diagnostics(const assocgen *g)
{
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        print_error("%s", d->rendered);
}

/* Load and generate `path`; fails the test on any error or warning. */
static assocgen *generate(const char *path, unsigned emit)
{
    assocgen *g = assocgen_create();
    assert_non_null(g);
    int rc = assocgen_load(g, path);
    if (rc != 0 || assocgen_diag(g)->warnings != 0)
        print_diagnostics(g);
    assert_int_equal(rc, 0);
    assert_int_equal(assocgen_diag(g)->warnings, 0);
    assert_int_equal(assocgen_generate(g, emit, NULL), 0);
    return g;
}

static const assocgen_output *output(const assocgen *g, const char *suffix)
{
    for (size_t i = 0; i < assocgen_output_count(g); i++)
        if (strcmp(assocgen_output_at(g, i)->suffix, suffix) == 0)
            return assocgen_output_at(g, i);
    return NULL;
}

/* Where two texts first differ: the 1-based line, and where that line starts
 * in each (NULL past the end of a text). */
typedef struct difference {
    size_t line;
    const char *a, *b;        /* the differing lines, or NULL at end of text */
    int alen, blen;
} difference;

static int line_len(const char *s, const char *end)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    return (int)((nl ? nl : end) - s);
}

/* false when equal; else true with *d filled. */
static bool first_difference(const char *a, size_t alen, const char *b, size_t blen, difference *d)
{
    size_t i = 0, line = 1, line_start = 0;
    while (i < alen && i < blen && a[i] == b[i]) {
        if (a[i] == '\n') {
            line++;
            line_start = i + 1;
        }
        i++;
    }
    if (i == alen && i == blen)
        return false;
    d->line = line;
    d->a = line_start < alen ? a + line_start : NULL;
    d->b = line_start < blen ? b + line_start : NULL;
    d->alen = d->a ? line_len(d->a, a + alen) : 0;
    d->blen = d->b ? line_len(d->b, b + blen) : 0;
    return true;
}

/* Compare one output with its golden file; print the hint and return false
 * when they differ. */
static bool matches_golden(const char *def_path, const char *golden_path, const assocgen_output *o)
{
    size_t glen = 0;
    char *golden = read_file(golden_path, &glen);
    if (golden == NULL) {
        print_error("%s: missing or unreadable golden file for %s.\n"
                    "    Run `make golden-refresh` to create it, and commit it.\n",
                    golden_path, def_path);
        return false;
    }
    difference d;
    bool differs = first_difference(golden, glen, o->text, o->len, &d);
    if (differs) {
        print_error("%s differs from the %s output of %s, first at line %zu:\n"
                    "--- %s (golden)\n+++ %s (generated now)\n"
                    "@@ line %zu @@\n-%.*s\n+%.*s\n"
                    "    If this change is intended, run `make golden-refresh` and review `git diff tests/golden`.\n",
                    golden_path, o->suffix, def_path, d.line, golden_path, def_path, d.line,
                    d.a ? d.alen : 5, d.a ? d.a : "<EOF>", d.b ? d.blen : 5, d.b ? d.b : "<EOF>");
    }
    free(golden);
    return !differs;
}

/* ---------------------------------------------------------------------- */
/* Tests per schema */

/* Every output of the schema equals its golden file byte for byte. */
static void test_golden_outputs(void **state)
{
    const schema_case *c = *state;
    assocgen *g = generate(c->path, ALL_OUTPUTS);
    assert_string_equal(assocgen_base(g), c->name);
    assert_int_equal(assocgen_output_count(g), NSUFFIXES);
    int mismatches = 0;
    for (size_t k = 0; k < NSUFFIXES; k++) {
        const assocgen_output *o = output(g, suffixes[k]);
        assert_non_null(o);
        char golden_path[256];
        snprintf(golden_path, sizeof golden_path, "tests/golden/%s%s", c->name, suffixes[k]);
        if (!matches_golden(c->path, golden_path, o))
            mismatches++;
    }
    assocgen_destroy(g);
    assert_int_equal(mismatches, 0);
}

static int count_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The schema's SQL loads into an empty in-memory database, creates every
 * table of the schema, and loads again over it (IF NOT EXISTS). */
static void test_sql_loads(void **state)
{
    const schema_case *c = *state;
    assocgen *g = generate(c->path, ASSOCGEN_EMIT_SQL);
    const assocgen_output *o = output(g, ".sql");
    assert_non_null(o);
    const sch_schema *s = assocgen_schema(g);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
    for (int pass = 0; pass < 2; pass++) {
        char *err = NULL;
        int rc = sqlite3_exec(db, o->text, NULL, NULL, &err);
        if (rc != SQLITE_OK)
            print_error("%s: its SQL does not load (pass %d): %s\n", c->path, pass + 1, err ? err : "?");
        sqlite3_free(err);
        assert_int_equal(rc, SQLITE_OK);
    }
    assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), (int)s->ntables);
    for (size_t i = 0; i < s->ntables; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
                 s->tables[i]->name);
        assert_int_equal(count_rows(db, sql), 1);
    }
    assert_int_equal(count_rows(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_close(db);
    assocgen_destroy(g);
}

/* ---------------------------------------------------------------------- */
/* Whole-directory tests */

/* Every schema has its four golden files, and every golden file a schema. */
static void test_golden_set(void **state)
{
    (void)state;
    size_t n;
    schema_case *cases = list_schemas(&n);
    assert_non_null(cases);
    bool seed = false;
    int missing = 0, orphans = 0;
    for (size_t i = 0; i < n; i++) {
        seed = seed || strcmp(cases[i].name, "models") == 0;
        for (size_t k = 0; k < NSUFFIXES; k++) {
            char path[256];
            snprintf(path, sizeof path, "tests/golden/%s%s", cases[i].name, suffixes[k]);
            if (access(path, R_OK) != 0) {
                print_error("%s is missing: run `make golden-refresh`\n", path);
                missing++;
            }
        }
    }
    DIR *d = opendir("tests/golden");
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        const char *dot = strrchr(de->d_name, '.');
        bool golden = false;
        for (size_t k = 0; dot && k < NSUFFIXES; k++)
            golden = golden || strcmp(dot, suffixes[k]) == 0;
        if (!golden || de->d_name[0] == '.')
            continue;
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strlen(cases[i].name) == (size_t)(dot - de->d_name) &&
                    strncmp(cases[i].name, de->d_name, (size_t)(dot - de->d_name)) == 0;
        if (!found) {
            print_error("tests/golden/%s has no schema: run `make golden-refresh` to remove it\n", de->d_name);
            orphans++;
        }
    }
    closedir(d);
    free(cases);
    assert_true(seed);
    assert_int_equal(missing, 0);
    assert_int_equal(orphans, 0);
}

/* The diff hint points at the right line and shows both versions. */
static void test_first_difference(void **state)
{
    (void)state;
    difference d;
    const char *a = "one\ntwo\nthree\n", *b = "one\ntwo\nthrex\n";
    assert_false(first_difference(a, strlen(a), a, strlen(a), &d));
    assert_true(first_difference(a, strlen(a), b, strlen(b), &d));
    assert_int_equal(d.line, 3);
    assert_int_equal(d.alen, 5);
    assert_memory_equal(d.a, "three", 5);
    assert_memory_equal(d.b, "threx", 5);
    /* One text a prefix of the other: the extra line against the end. */
    const char *c = "one\ntwo\n";
    assert_true(first_difference(c, strlen(c), a, strlen(a), &d));
    assert_int_equal(d.line, 3);
    assert_null(d.a);
    assert_memory_equal(d.b, "three", 5);
    /* A difference inside the first line, and a missing final newline. */
    assert_true(first_difference("x", 1, "y\n", 2, &d));
    assert_int_equal(d.line, 1);
    assert_int_equal(d.alen, 1);
    assert_int_equal(d.blen, 1);
    assert_true(first_difference("one\ntwo", 7, "one\ntwo\n", 8, &d));
    assert_int_equal(d.line, 2);
}

/* ---------------------------------------------------------------------- */
/* The seed's tables hold what SQLAlchemy 1.4 writes */

static sqlite3 *seed_db(assocgen **g)
{
    *g = generate("schema/models.def", ASSOCGEN_EMIT_SQL);
    const assocgen_output *o = output(*g, ".sql");
    assert_non_null(o);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, o->text, NULL, NULL, NULL), SQLITE_OK);
    return db;
}

/* Run one statement with text/integer parameters ("s" or "i" per char of
 * `types`); returns the SQLite result of the step. */
static int run(sqlite3 *db, const char *sql, const char *types, ...)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        print_error("%s: %s\n", sql, sqlite3_errmsg(db));
        return rc;
    }
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 's')
            sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
    }
    va_end(ap);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

/* The text of the single value `sql` selects (malloc'd), or NULL for NULL. */
static char *select_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    char *out = t ? strdup((const char *)t) : NULL;
    sqlite3_finalize(st);
    return out;
}

/* The statements and parameters SQLAlchemy 1.4.46 issues for
 *
 *     u = User(email='ann@example.com')
 *     p = Product(title='Widget', create_dttm=datetime(2024, 1, 2, 3, 4, 5, 123456))
 *     session.add_all([u, p]); session.flush()
 *     session.add(Order(user=u, product=p, dttm=datetime(2024, 1, 2, 3, 4, 5, 123456)))
 *     session.add(Order(user=u, product=p, dttm=datetime(2024, 1, 2, 3, 4, 6)))
 *     session.commit()
 *
 * (taken from its echo=True log), run against our DDL. */
static void test_seed_takes_sqlalchemy_rows(void **state)
{
    (void)state;
    assocgen *g;
    sqlite3 *db = seed_db(&g);
    assert_int_equal(run(db, "INSERT INTO products (title, create_dttm) VALUES (?, ?)", "ss",
                         "Widget", "2024-01-02 03:04:05.123456"), SQLITE_DONE);
    assert_int_equal(run(db, "INSERT INTO users (email) VALUES (?)", "s", "ann@example.com"), SQLITE_DONE);
    assert_int_equal(run(db, "INSERT INTO orders (user_id, product_id, dttm) VALUES (?, ?, ?)", "iis",
                         1LL, 1LL, "2024-01-02 03:04:05.123456"), SQLITE_DONE);
    assert_int_equal(run(db, "INSERT INTO orders (user_id, product_id, dttm) VALUES (?, ?, ?)", "iis",
                         1LL, 1LL, "2024-01-02 03:04:06.000000"), SQLITE_DONE);

    /* Row ids assigned as SQLAlchemy reads them back (cursor.lastrowid). */
    assert_int_equal(sqlite3_last_insert_rowid(db), 2);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM orders WHERE user_id = 1 AND product_id = 1"), 2);

    /* Datetimes stay the text SQLAlchemy wrote: the column's DATETIME
     * affinity (NUMERIC) must not turn them into numbers. */
    char *t = select_text(db, "SELECT dttm || '|' || typeof(dttm) FROM orders WHERE id = 1");
    assert_string_equal(t, "2024-01-02 03:04:05.123456|text");
    free(t);
    t = select_text(db, "SELECT create_dttm || '|' || typeof(create_dttm) FROM products WHERE id = 1");
    assert_string_equal(t, "2024-01-02 03:04:05.123456|text");
    free(t);

    /* The server default fills users.create_dttm in CURRENT_TIMESTAMP's
     * form, which readers must accept too. */
    assert_int_equal(count_rows(db, "SELECT count(*) FROM users WHERE id = 1 AND create_dttm GLOB "
                                    "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'"),
                     1);
    /* A client default (Product.create_dttm = now) is not in the DDL:
     * a row written without it holds NULL, as under SQLAlchemy Core. */
    assert_int_equal(run(db, "INSERT INTO products (title) VALUES (?)", "s", "Gadget"), SQLITE_DONE);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM products WHERE title = 'Gadget' AND create_dttm IS NULL"), 1);

    /* SQLAlchemy's delete of the user with its orders (cascade "all,
     * delete-orphan"): the children first, then the parent. */
    assert_int_equal(run(db, "DELETE FROM orders WHERE orders.id = ?", "i", 1LL), SQLITE_DONE);
    assert_int_equal(run(db, "DELETE FROM orders WHERE orders.id = ?", "i", 2LL), SQLITE_DONE);
    assert_int_equal(run(db, "DELETE FROM users WHERE users.id = ?", "i", 1LL), SQLITE_DONE);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM products"), 2);

    sqlite3_close(db);
    assocgen_destroy(g);
}

/* What the DDL enforces beyond SQLAlchemy's own: string(255) in characters,
 * and foreign keys. */
static void test_seed_constraints(void **state)
{
    (void)state;
    assocgen *g;
    sqlite3 *db = seed_db(&g);
    char email[2 * 256 + 1];
    /* 255 two-byte characters fit (510 bytes), 256 do not. */
    for (int i = 0; i < 256; i++)
        memcpy(email + 2 * i, "\xc3\xa9", 2);
    email[2 * 255] = '\0';
    assert_int_equal(run(db, "INSERT INTO users (email) VALUES (?)", "s", email), SQLITE_DONE);
    email[2 * 255] = '\xc3';
    email[2 * 256] = '\0';
    assert_int_equal(run(db, "INSERT INTO users (email) VALUES (?)", "s", email), SQLITE_CONSTRAINT);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM users"), 1);

    /* An order of a user who does not exist. */
    assert_int_equal(run(db, "INSERT INTO orders (user_id, product_id, dttm) VALUES (?, NULL, ?)", "is",
                         99LL, "2024-01-02 03:04:05.000000"), SQLITE_CONSTRAINT);
    /* A NULL key is no violation: the order is simply orphaned. */
    assert_int_equal(run(db, "INSERT INTO orders (user_id, product_id) VALUES (NULL, NULL)", ""), SQLITE_DONE);
    sqlite3_close(db);
    assocgen_destroy(g);
}

/* ---------------------------------------------------------------------- */

int main(void)
{
    if (chdir(SRCDIR) != 0) {
        perror(SRCDIR);
        return 1;
    }
    size_t n;
    schema_case *cases = list_schemas(&n);
    if (cases == NULL || n == 0) {
        fprintf(stderr, "test_golden: no schema/*.def under %s\n", SRCDIR);
        free(cases);
        return 1;
    }

    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_golden_set),
        cmocka_unit_test(test_first_difference),
        cmocka_unit_test(test_seed_takes_sqlalchemy_rows),
        cmocka_unit_test(test_seed_constraints),
    };
    enum { NFIXED = sizeof fixed / sizeof fixed[0] };
    size_t ntests = NFIXED + 2 * n;
    struct CMUnitTest *tests = calloc(ntests, sizeof *tests);
    char (*names)[192] = calloc(2 * n, sizeof *names);
    if (tests == NULL || names == NULL) {
        fprintf(stderr, "test_golden: out of memory\n");
        return 1;
    }
    memcpy(tests, fixed, sizeof fixed);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[2 * i], sizeof names[0], "golden %s", cases[i].path);
        snprintf(names[2 * i + 1], sizeof names[0], "sql loads %s", cases[i].path);
        tests[NFIXED + 2 * i] = (struct CMUnitTest){ names[2 * i], test_golden_outputs, NULL, NULL, &cases[i] };
        tests[NFIXED + 2 * i + 1] = (struct CMUnitTest){ names[2 * i + 1], test_sql_loads, NULL, NULL, &cases[i] };
    }
    int failed = _cmocka_run_group_tests("golden", tests, ntests, NULL, NULL);
    free(names);
    free(tests);
    free(cases);
    return failed;
}
