/* test_corpus.c - the bad-input corpus and the malformed inputs made here.
 *
 * tests/bad/NAME.def is one mistake per file (a directory's main.def is a
 * case of several files).  The comment lines at the top say what must be
 * reported:
 *
 *     # expect: 4: unknown type 'strng'        line 4, message contains ...
 *     # expect: 4:11: unknown type             ... at column 11
 *     # expect: lib.def:3: unknown type        ... in another file of the case
 *     # errors: 2                              exactly two errors, no echoes
 *
 * Every case must fail with status 1, report each expectation, produce no
 * schema and no output, and render every diagnostic as
 * "FILE:LINE:COL: error: MESSAGE", the source line, and a caret under COL.
 *
 * tests/good/NAME.def are valid edge cases (CRLF, no final newline, language
 * words as names...): each must load, generate, and its SQL must run in
 * SQLite.
 *
 * Inputs a file cannot hold well (NUL bytes, huge names, deep nesting,
 * random bytes, every truncation of the seed) are made in memory here.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "assocgen.h"

#define BAD_DIR SRCDIR "/tests/bad"
#define GOOD_DIR SRCDIR "/tests/good"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
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
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static void dump(const assocgen *g)
{
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        fputs(d->rendered, stderr);
}

static int count_errors(const assocgen *g)
{
    int n = 0;
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        n += d->severity == DIAG_ERROR;
    return n;
}

/* Source line `line` (from 1) of src, without its end of line. */
static const char *line_of(const source *src, int line, size_t *len)
{
    const char *p = src->text, *end = src->text + src->len;
    for (int l = 1; l < line && p < end; p++)
        if (*p == '\n')
            l++;
    const char *e = p;
    while (e < end && *e != '\n' && *e != '\r')
        e++;
    *len = (size_t)(e - p);
    return p;
}

static bool plain_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

/* The rendered form of one diagnostic, checked against its fields and its
 * source: "FILE:LINE:COL: error: MESSAGE\n    SOURCE\n    CARET^\n".
 * Returns NULL, or what is wrong. */
static const char *check_rendering(const diagnostic *d)
{
    static char why[512];
    if (d->at.src == NULL)
        return NULL;                     /* usage-level messages have no line */
    char head[1024];
    snprintf(head, sizeof head, "%s:%d:%d: %s: %s\n", source_shown(d->at.src), d->at.line, d->at.col,
             d->severity == DIAG_ERROR ? "error" : d->severity == DIAG_WARNING ? "warning" : "note",
             d->message);
    if (strncmp(d->rendered, head, strlen(head)) != 0) {
        snprintf(why, sizeof why, "first line is not \"FILE:LINE:COL: error: MESSAGE\": %.200s", d->rendered);
        return why;
    }
    if (strchr(d->message, '\n')) {
        snprintf(why, sizeof why, "message spans lines");
        return why;
    }
    const char *text = d->rendered + strlen(head);
    const char *nl = strchr(text, '\n');
    if (strncmp(text, "    ", 4) != 0 || nl == NULL) {
        snprintf(why, sizeof why, "no source line after the message");
        return why;
    }
    const char *caret = nl + 1;
    const char *hat = strchr(caret, '^');
    if (strncmp(caret, "    ", 4) != 0 || hat == NULL || strcmp(hat, "^\n") != 0) {
        snprintf(why, sizeof why, "no caret line (\"    ...^\") after the source line");
        return why;
    }
    for (const char *p = caret + 4; p < hat; p++)
        if (*p != ' ' && *p != '\t') {
            snprintf(why, sizeof why, "caret line holds more than blanks before '^'");
            return why;
        }
    /* For a short, plain line: the line exactly, and the caret under COL. */
    size_t n;
    const char *src = line_of(d->at.src, d->at.line, &n);
    if (n <= 160 && plain_ascii(src, n)) {
        if ((size_t)(nl - text - 4) != n || memcmp(text + 4, src, n) != 0) {
            snprintf(why, sizeof why, "source line shown is not line %d of the file", d->at.line);
            return why;
        }
        if ((size_t)(hat - caret - 4) != (size_t)(d->at.col - 1) && (size_t)d->at.col <= n + 1) {
            snprintf(why, sizeof why, "caret is at column %d, not %d", (int)(hat - caret - 4) + 1, d->at.col);
            return why;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The corpus of files                                                 */

typedef struct expectation {
    char file[64];          /* "" for the case's own file */
    int line, col;          /* col 0: any */
    char message[256];
} expectation;

enum { MAX_EXPECT = 16 };

typedef struct corpus_case {
    char name[300];         /* "unknown_type.def", "import_cycle/main.def" */
    char path[1024];
    expectation expect[MAX_EXPECT];
    int nexpect;
    int errors;             /* exact error count, or -1 */
} corpus_case;

/* Parse "[FILE:]LINE[:COL]: MESSAGE". */
static bool parse_expect(const char *s, expectation *e)
{
    memset(e, 0, sizeof *e);
    while (*s == ' ')
        s++;
    const char *colon = strchr(s, ':');
    if (colon == NULL)
        return false;
    if (!(*s >= '0' && *s <= '9')) {
        size_t n = (size_t)(colon - s);
        if (n >= sizeof e->file)
            return false;
        memcpy(e->file, s, n);
        s = colon + 1;
    }
    char *end;
    e->line = (int)strtol(s, &end, 10);
    if (end == s || *end != ':')
        return false;
    s = end + 1;
    if (*s >= '0' && *s <= '9') {
        e->col = (int)strtol(s, &end, 10);
        if (*end != ':')
            return false;
        s = end + 1;
    }
    while (*s == ' ')
        s++;
    size_t n = strcspn(s, "\r\n");
    if (n == 0 || n >= sizeof e->message)
        return false;
    memcpy(e->message, s, n);
    return true;
}

/* Read the header comments of a case; false when it has no expectation. */
static bool read_case(corpus_case *c)
{
    size_t len;
    char *text = read_all(c->path, &len);
    if (text == NULL)
        return false;
    c->errors = -1;
    const char *p = text;
    while (*p == '#' && c->nexpect < MAX_EXPECT) {
        if (strncmp(p, "# expect:", 9) == 0) {
            if (!parse_expect(p + 9, &c->expect[c->nexpect])) {
                fprintf(stderr, "%s: malformed expect line\n", c->name);
                free(text);
                return false;
            }
            c->nexpect++;
        } else if (strncmp(p, "# errors:", 9) == 0) {
            c->errors = atoi(p + 9);
        }
        p = strchr(p, '\n');
        if (p == NULL)
            break;
        p++;
    }
    free(text);
    return c->nexpect > 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0 && (a == b || s[a - b - 1] == '/');
}

static void test_bad_case(void **state)
{
    const corpus_case *c = *state;
    assocgen *g = assocgen_create();
    assert_non_null(g);
    int rc = assocgen_load(g, c->path);
    int failures = 0;
    if (rc != 1) {
        fprintf(stderr, "%s: load returned %d, not 1\n", c->name, rc);
        failures++;
    }
    for (int i = 0; i < c->nexpect; i++) {
        const expectation *e = &c->expect[i];
        bool found = false;
        for (const diagnostic *d = assocgen_diagnostics(g); d && !found; d = d->next)
            found = d->severity == DIAG_ERROR && d->at.src && d->at.line == e->line &&
                    (e->col == 0 || d->at.col == e->col) && strstr(d->message, e->message) &&
                    (e->file[0] ? ends_with(d->at.src->name, e->file) : strcmp(d->at.src->name, c->path) == 0);
        if (!found) {
            fprintf(stderr, "%s: no error %s%s%d%s%.0d with \"%s\"\n", c->name, e->file, e->file[0] ? ":" : "",
                    e->line, e->col ? ":" : "", e->col, e->message);
            failures++;
        }
    }
    if (c->errors >= 0 && count_errors(g) != c->errors) {
        fprintf(stderr, "%s: %d errors reported, expected exactly %d\n", c->name, count_errors(g), c->errors);
        failures++;
    }
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next) {
        const char *why = check_rendering(d);
        if (why) {
            fprintf(stderr, "%s: badly rendered diagnostic: %s\n", c->name, why);
            failures++;
        }
    }
    /* Nothing partial: no schema, nothing to generate. */
    if (assocgen_schema(g) != NULL || assocgen_generate(g, ASSOCGEN_EMIT_DEFAULT, NULL) == 0 ||
        assocgen_output_count(g) != 0) {
        fprintf(stderr, "%s: a failed load left a schema or output\n", c->name);
        failures++;
    }
    if (failures) {
        fprintf(stderr, "%s: diagnostics were:\n", c->name);
        dump(g);
    }
    assocgen_destroy(g);
    assert_int_equal(failures, 0);
}

/* Every top-level *.def of BAD_DIR, and every BAD_DIR/SUBDIR/main.def. */
static corpus_case *collect_cases(size_t *n)
{
    DIR *dir = opendir(BAD_DIR);
    if (dir == NULL)
        return NULL;
    size_t cap = 64;
    corpus_case *cases = calloc(cap, sizeof *cases);
    *n = 0;
    struct dirent *ent;
    while (cases && (ent = readdir(dir)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        char path[768];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, ent->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        corpus_case c = { 0 };
        if (S_ISDIR(st.st_mode)) {
            snprintf(c.name, sizeof c.name, "%s/main.def", ent->d_name);
            snprintf(c.path, sizeof c.path, "%s/main.def", path);
            if (stat(c.path, &st) != 0)
                continue;
        } else if (strlen(ent->d_name) > 4 && strcmp(ent->d_name + strlen(ent->d_name) - 4, ".def") == 0) {
            snprintf(c.name, sizeof c.name, "%s", ent->d_name);
            snprintf(c.path, sizeof c.path, "%s", path);
        } else {
            continue;
        }
        if (!read_case(&c)) {
            fprintf(stderr, "%s: no '# expect:' line\n", c.name);
            c.nexpect = -1;          /* made a failing case below */
        }
        if (*n == cap) {
            corpus_case *p = realloc(cases, 2 * cap * sizeof *cases);
            if (p == NULL)
                break;
            cases = p;
            cap *= 2;
        }
        cases[(*n)++] = c;
    }
    closedir(dir);
    return cases;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const corpus_case *)a)->name, ((const corpus_case *)b)->name);
}

static void test_case_without_expectation(void **state)
{
    const corpus_case *c = *state;
    fprintf(stderr, "%s: a corpus file must start with '# expect: LINE: MESSAGE'\n", c->name);
    fail();
}

/* ------------------------------------------------------------------ */
/* The good files                                                      */

static int exec_sql(const char *sql, char **err)
{
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return -1;
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    int rc = sqlite3_exec(db, sql, NULL, NULL, err);
    sqlite3_close(db);
    return rc;
}

static const assocgen_output *output(const assocgen *g, const char *suffix)
{
    for (size_t i = 0; i < assocgen_output_count(g); i++)
        if (strcmp(assocgen_output_at(g, i)->suffix, suffix) == 0)
            return assocgen_output_at(g, i);
    return NULL;
}

static void test_good_files(void **state)
{
    (void)state;
    DIR *dir = opendir(GOOD_DIR);
    assert_non_null(dir);
    struct dirent *ent;
    int files = 0, failures = 0;
    while ((ent = readdir(dir)) != NULL) {
        size_t n = strlen(ent->d_name);
        if (n < 5 || strcmp(ent->d_name + n - 4, ".def") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", GOOD_DIR, ent->d_name);
        files++;
        assocgen *g = assocgen_create();
        int rc = assocgen_load(g, path);
        if (rc == 0)
            rc = assocgen_generate(g, ASSOCGEN_EMIT_DEFAULT, NULL);
        const assocgen_output *sql = rc == 0 ? output(g, ".sql") : NULL;
        char *err = NULL;
        if (rc != 0 || assocgen_diag(g)->warnings != 0 || sql == NULL) {
            fprintf(stderr, "%s: expected a clean load and generate; rc %d\n", ent->d_name, rc);
            dump(g);
            failures++;
        } else if (exec_sql(sql->text, &err) != SQLITE_OK) {
            fprintf(stderr, "%s: its SQL does not run in SQLite: %s\n%s\n", ent->d_name, err ? err : "?", sql->text);
            failures++;
        }
        sqlite3_free(err);
        assocgen_destroy(g);
    }
    closedir(dir);
    assert_true(files >= 5);
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------ */
/* Inputs made in memory                                               */

typedef struct memsrc {
    const char *path;
    const char *text;
    size_t len;             /* bytes of text: NUL bytes allowed */
} memsrc;

static int mem_read(void *ctx, const char *path, char **text, size_t *len)
{
    for (const memsrc *f = ctx; f->path; f++) {
        if (strcmp(f->path, path) != 0)
            continue;
        *text = malloc(f->len + 1);
        if (*text == NULL)
            return ENOMEM;
        memcpy(*text, f->text, f->len);
        (*text)[f->len] = '\0';
        *len = f->len;
        return 0;
    }
    return ENOENT;
}

/* Load `len` bytes as "t.def"; returns the compiler (destroy it). */
static assocgen *load_bytes(const char *text, size_t len, int *rc)
{
    static memsrc files[2];
    files[0] = (memsrc){ "t.def", text, len };
    files[1] = (memsrc){ NULL, NULL, 0 };
    assocgen *g = assocgen_create();
    assert_non_null(g);
    assocgen_set_reader(g, mem_read, files);
    *rc = assocgen_load(g, "t.def");
    return g;
}

static const diagnostic *find(const assocgen *g, int line, const char *needle)
{
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        if (d->severity == DIAG_ERROR && (line == 0 || d->at.line == line) && strstr(d->message, needle))
            return d;
    return NULL;
}

/* A failed load, with `needle` at `line` (0: any), `errors` errors exactly
 * (-1: any), every diagnostic well rendered, and nothing generated. */
static void expect_failure(const assocgen *g, int rc, int line, const char *needle, int errors)
{
    if (rc != 1 || find(g, line, needle) == NULL || (errors >= 0 && count_errors(g) != errors)) {
        fprintf(stderr, "expected rc 1 with \"%s\" at line %d (%d errors); got rc %d:\n", needle, line,
                errors, rc);
        dump(g);
    }
    assert_int_equal(rc, 1);
    assert_non_null(find(g, line, needle));
    if (errors >= 0)
        assert_int_equal(count_errors(g), errors);
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next) {
        const char *why = check_rendering(d);
        if (why)
            fprintf(stderr, "%s\n", why);
        assert_null(why);
    }
    assert_null(assocgen_schema(g));
    assert_int_not_equal(assocgen_generate((assocgen *)g, ASSOCGEN_EMIT_DEFAULT, NULL), 0);
}

#define HEAD "model A {\n id integer primary_key\n"

static void test_nul_bytes(void **state)
{
    (void)state;
    static const char outside[] = HEAD " na\0me text\n x strng\n}\n";
    int rc;
    assocgen *g = load_bytes(outside, sizeof outside - 1, &rc);
    /* The line with the NUL is dropped without an echo; the next line's
     * mistake is still reported. */
    expect_failure(g, rc, 3, "NUL byte", 2);
    assert_non_null(find(g, 4, "unknown type 'strng'"));
    assocgen_destroy(g);

    static const char inside[] = HEAD " s text default(\"a\0b\")\n}\n";
    g = load_bytes(inside, sizeof inside - 1, &rc);
    expect_failure(g, rc, 3, "NUL", 1);
    assocgen_destroy(g);

    static const char only[] = "\0\0\0\0";
    g = load_bytes(only, 4, &rc);
    expect_failure(g, rc, 1, "NUL byte", 1);
    assocgen_destroy(g);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char in_string[] = HEAD " s text default(\"caf\xe9\")\n}\n";
    int rc;
    assocgen *g = load_bytes(in_string, sizeof in_string - 1, &rc);
    expect_failure(g, rc, 3, "invalid UTF-8 (byte 0xE9) in a string", 1);
    /* The rendered line shows '?' for the bad byte, never the byte. */
    assert_non_null(strstr(assocgen_diagnostics(g)->rendered, "\"caf?\""));
    assocgen_destroy(g);

    static const char outside[] = HEAD " n\xc3\x28me text\n}\n";
    g = load_bytes(outside, sizeof outside - 1, &rc);
    expect_failure(g, rc, 3, "invalid UTF-8 (byte 0xC3)", 1);
    assocgen_destroy(g);

    static const char in_comment[] = HEAD " n text  # \xff\xfe\n}\n";
    g = load_bytes(in_comment, sizeof in_comment - 1, &rc);
    expect_failure(g, rc, 3, "invalid UTF-8 (byte 0xFF) in a comment", 1);
    assocgen_destroy(g);

    /* Valid UTF-8 outside a string: one clear message, the character shown. */
    static const char accent[] = HEAD " caf\xc3\xa9 text\n}\n";
    g = load_bytes(accent, sizeof accent - 1, &rc);
    expect_failure(g, rc, 3, "unexpected character '\xc3\xa9'", 1);
    assocgen_destroy(g);
}

static void test_huge_identifier(void **state)
{
    (void)state;
    size_t n = 100000;
    char *text = malloc(n + 128);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, HEAD " ");
    memset(text + len, 'x', n);
    len += n;
    len += (size_t)sprintf(text + len, " integer\n y strng\n}\n");
    int rc;
    assocgen *g = load_bytes(text, len, &rc);
    expect_failure(g, rc, 3, "name of 100000 characters is too long", 2);
    assert_non_null(find(g, 4, "unknown type 'strng'"));
    /* The long line is shown cut, not dumped. */
    assert_true(strlen(assocgen_diagnostics(g)->rendered) < 600);
    assocgen_destroy(g);

    /* As a model name and as a type. */
    len = (size_t)sprintf(text, "model ");
    memset(text + len, 'M', n);
    len += n;
    len += (size_t)sprintf(text + len, " {\n id integer primary_key\n}\n");
    g = load_bytes(text, len, &rc);
    expect_failure(g, rc, 1, "too long", 1);
    assocgen_destroy(g);
    free(text);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t n = 10000;
    char *text = malloc(4 * n + 128);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, HEAD " r relationship(A, backref = ");
    for (size_t i = 0; i < n; i++)
        text[len++] = '(';
    for (size_t i = 0; i < n; i++)
        text[len++] = ')';
    len += (size_t)sprintf(text + len, ")\n}\n");
    int rc;
    assocgen *g = load_bytes(text, len, &rc);
    expect_failure(g, rc, 3, "", -1);
    assert_true(count_errors(g) <= 2);
    assocgen_destroy(g);

    /* Nested calls, which the grammar allows, stop at the limit. */
    len = (size_t)sprintf(text, HEAD " r relationship(A, ");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "b=c(");
    len += (size_t)sprintf(text + len, "\n}\n");
    g = load_bytes(text, len, &rc);
    expect_failure(g, rc, 3, "nested more than", 1);
    assocgen_destroy(g);

    /* Braces. */
    len = 0;
    for (size_t i = 0; i < n; i++)
        text[len++] = '{';
    g = load_bytes(text, len, &rc);
    /* The first '{', then the end of the file inside the body it opened
     * (recovery resumes at each line's end, so a later error is reported). */
    expect_failure(g, rc, 1, "unexpected '{'", 2);
    assocgen_destroy(g);
    free(text);
}

static void test_unterminated_string(void **state)
{
    (void)state;
    static const char text[] = HEAD " s string(9) default(\"abc\n t integr\n}\n";
    int rc;
    assocgen *g = load_bytes(text, sizeof text - 1, &rc);
    /* Reported once; the open '(' does not swallow the following lines. */
    expect_failure(g, rc, 3, "unterminated string", 2);
    assert_non_null(find(g, 4, "did you mean 'integer'"));
    assocgen_destroy(g);
}

static void test_crlf_succeeds(void **state)
{
    (void)state;
    static const char text[] = "model A {\r\n id integer primary_key\r\n  s string(9) default(\"x\")\r\n}\r\n";
    int rc;
    assocgen *g = load_bytes(text, sizeof text - 1, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    assert_int_equal(assocgen_schema(g)->models[0]->table->ncolumns, 2);
    assocgen_destroy(g);

    /* An error in a CRLF file: the right column, no CR in the output. */
    static const char bad[] = "model A {\r\n id integer primary_key\r\n  s strng\r\n}\r\n";
    g = load_bytes(bad, sizeof bad - 1, &rc);
    expect_failure(g, rc, 3, "unknown type 'strng'", 1);
    assert_int_equal(assocgen_diagnostics(g)->at.col, 5);
    assert_null(strchr(assocgen_diagnostics(g)->rendered, '\r'));
    assocgen_destroy(g);
}

/* A deterministic generator, so that a failure can be replayed. */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void test_garbage(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    char buf[4096];
    for (int round = 0; round < 200; round++) {
        size_t len = 64 + next_random(&seed) % (sizeof buf - 64);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)(next_random(&seed) & 0xff);
        int rc;
        assocgen *g = load_bytes(buf, len, &rc);
        if (rc != 1)
            fprintf(stderr, "garbage round %d: rc %d\n", round, rc);
        assert_int_equal(rc, 1);
        assert_true(count_errors(g) >= 1);
        assert_null(assocgen_schema(g));
        for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
            assert_null(check_rendering(d));
        assocgen_destroy(g);
    }
    /* Garbage made of the language's own tokens. */
    static const char *const toks[] = { "model", "table", "import", "{", "}", "(", ")", "\n", ",", "=",
                                        ".", "-", "x", "\"s\"", "1", "2.5", "relationship",
                                        "primary_key", "integer", "backref", "#c\n", "\"" };
    for (int round = 0; round < 500; round++) {
        size_t len = 0, ntok = 1 + next_random(&seed) % 60;
        for (size_t i = 0; i < ntok && len < sizeof buf - 32; i++) {
            const char *t = toks[next_random(&seed) % (sizeof toks / sizeof toks[0])];
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s ", t);
        }
        int rc;
        assocgen *g = load_bytes(buf, len, &rc);
        assert_true(rc == 0 || rc == 1);
        assert_true((rc == 0) == (assocgen_schema(g) != NULL));
        assert_true(rc == 0 || count_errors(g) >= 1);
        for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
            assert_null(check_rendering(d));
        assocgen_destroy(g);
    }
}

/* Every prefix of the seed's model file: a valid file, or errors; never a
 * crash, never a schema with errors. */
static void test_truncations(void **state)
{
    (void)state;
    size_t len;
    char *text = read_all(SRCDIR "/schema/models.def", &len);
    assert_non_null(text);
    int failed = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        int rc;
        assocgen *g = load_bytes(text, cut, &rc);
        assert_true(rc == 0 || rc == 1);
        if (rc == 1) {
            failed++;
            assert_true(count_errors(g) >= 1);
            assert_null(assocgen_schema(g));
        } else {
            assert_int_equal(count_errors(g), 0);
        }
        assocgen_destroy(g);
    }
    assert_true(failed > (int)len / 2);     /* most cuts fall inside a declaration */

    /* Cut inside the first model: the open body is named. */
    const char *at = strstr(text, "    email");
    assert_non_null(at);
    int rc;
    assocgen *g = load_bytes(text, (size_t)(at - text) + 20, &rc);
    expect_failure(g, rc, 0, "the '{' at line 2 is never closed", 1);
    assocgen_destroy(g);
    /* Cut inside a relationship's parentheses. */
    at = strstr(text, "secondary = orders");
    g = load_bytes(text, (size_t)(at - text) + 5, &rc);
    expect_failure(g, rc, 0, "the '(' at line 7 is never closed", 1);
    assocgen_destroy(g);
    free(text);
}

static char *wide_model(int columns)
{
    char *text = malloc((size_t)columns * 24 + 64);
    size_t len = (size_t)sprintf(text, "model Wide {\n id integer primary_key\n");
    for (int i = 1; i < columns; i++)
        len += (size_t)sprintf(text + len, " c%d integer\n", i);
    sprintf(text + len, "}\n");
    return text;
}

static void test_column_limit(void **state)
{
    (void)state;
    /* 1,500 columns: loads, generates, and SQLite takes the table. */
    char *text = wide_model(1500);
    int rc;
    assocgen *g = load_bytes(text, strlen(text), &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(assocgen_schema(g)->models[0]->table->ncolumns, 1500);
    assert_int_equal(assocgen_generate(g, ASSOCGEN_EMIT_DEFAULT, NULL), 0);
    char *err = NULL;
    int sqlrc = exec_sql(output(g, ".sql")->text, &err);
    if (sqlrc != SQLITE_OK)
        fprintf(stderr, "%s\n", err);
    sqlite3_free(err);
    assert_int_equal(sqlrc, SQLITE_OK);
    assocgen_destroy(g);
    free(text);

    /* 2,000 is SQLite's limit and still fine; 2,001 is an error at the model. */
    text = wide_model(2000);
    g = load_bytes(text, strlen(text), &rc);
    assert_int_equal(rc, 0);
    assocgen_destroy(g);
    free(text);

    text = wide_model(2001);
    g = load_bytes(text, strlen(text), &rc);
    expect_failure(g, rc, 1, "'Wide' has 2001 columns; SQLite allows at most 2000", 1);
    assocgen_destroy(g);
    free(text);
}

static void test_deep_imports(void **state)
{
    (void)state;
    enum { N = 80 };
    static char names[N][24], texts[N][64];
    memsrc files[N + 1];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "f%d.def", i);
        if (i + 1 < N)
            snprintf(texts[i], sizeof texts[i], "import \"f%d.def\"\n", i + 1);
        else
            snprintf(texts[i], sizeof texts[i], "model A { id integer primary_key }\n");
        files[i] = (memsrc){ names[i], texts[i], strlen(texts[i]) };
    }
    files[N] = (memsrc){ NULL, NULL, 0 };
    assocgen *g = assocgen_create();
    assocgen_set_reader(g, mem_read, files);
    int rc = assocgen_load(g, "f0.def");
    expect_failure(g, rc, 1, "imports nested more than 64 deep", 1);
    assocgen_destroy(g);
}

/* The command: a failed run exits 1, prints the diagnostics, writes nothing. */
static void test_cli_writes_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/assocgen_corpus_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/assocgen -o %s/out %s/unknown_type.def 2>%s/err", BUILDDIR, dir, BAD_DIR, dir);
    int status = system(cmd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    char path[1100];
    snprintf(path, sizeof path, "%s/out", dir);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);       /* not even the directory */
    snprintf(path, sizeof path, "%s/err", dir);
    size_t len;
    char *err = read_all(path, &len);
    assert_non_null(err);
    assert_non_null(strstr(err, "unknown_type.def:"));
    assert_non_null(strstr(err, ": error: unknown type 'strng'; did you mean 'string'?"));
    free(err);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    static const struct CMUnitTest made[] = {
        cmocka_unit_test(test_good_files),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_huge_identifier),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_crlf_succeeds),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_column_limit),
        cmocka_unit_test(test_deep_imports),
        cmocka_unit_test(test_cli_writes_nothing),
    };
    size_t ncases = 0;
    corpus_case *cases = collect_cases(&ncases);
    if (cases == NULL || ncases < 40) {
        fprintf(stderr, "%s: expected the bad-input corpus (40 cases or more), found %zu\n", BAD_DIR, ncases);
        free(cases);
        return 1;
    }
    qsort(cases, ncases, sizeof *cases, by_name);
    size_t ntests = ncases + sizeof made / sizeof made[0];
    struct CMUnitTest *tests = calloc(ntests, sizeof *tests);
    if (tests == NULL)
        return 1;
    for (size_t i = 0; i < ncases; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = cases[i].nexpect > 0 ? test_bad_case : test_case_without_expectation;
        tests[i].initial_state = &cases[i];
    }
    memcpy(tests + ncases, made, sizeof made);
    int rc = _cmocka_run_group_tests("corpus", tests, ntests, NULL, NULL);
    free(tests);
    free(cases);
    return rc;
}
