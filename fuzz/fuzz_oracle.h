/* fuzz_oracle.h - one fuzz input through the whole front end, with checks.
 *
 * Shared by the libFuzzer harness (fuzz/fuzz_frontend.c) and the regression
 * test that replays every saved input under the normal test build
 * (tests/reliability/test_fuzz_regress.c).
 *
 * An input is a bundle of model files, so that imports are fuzzed too.  The
 * text up to the first line "#@ NAME" is /fuzz/main.def; each "#@ NAME" line
 * starts the file /fuzz/NAME (NAME may contain '/').  Since '#' begins a
 * comment, a bundle is also a valid single model file.  The reader serves
 * only those names: any other path is ENOENT, and nothing touches the disk
 * (load.c's realpath() of /fuzz/... finds nothing and keeps the name).
 *
 * The options come from the input's bytes so the corpus stays plain text:
 * -Werror when the length is odd, and a --prefix when the last byte is odd.
 *
 * Checks (a failed check returns a message; the harness aborts with it):
 *   - load returns 0, 1 or 2; every diagnostic has a message and a rendered
 *     form; load fails exactly when an error was reported;
 *   - after a successful load, generation into memory succeeds and every
 *     output is a NUL-terminated text of the length it claims; the .c and
 *     .h hold no control byte but newlines and no trigraph;
 *   - the generated DDL (.sql) runs in a fresh in-memory SQLite database, and
 *     every SQL string constant of the generated C source prepares against
 *     that schema: a model that passed the checker yields SQL that SQLite
 *     accepts (identifiers quoted where needed, no text spliced wrongly).
 * Memory errors, leaks and undefined behaviour are the sanitizers' job.
 */
#ifndef ASSOCGEN_FUZZ_ORACLE_H
#define ASSOCGEN_FUZZ_ORACLE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "assocgen.h"

#define FUZZ_DIR "/fuzz/"
#define FUZZ_MAIN FUZZ_DIR "main.def"
enum { FUZZ_MAX_FILES = 16 };

typedef struct fuzz_file {
    char path[128];
    const char *text;
    size_t len;
} fuzz_file;

typedef struct fuzz_bundle {
    fuzz_file files[FUZZ_MAX_FILES];
    size_t n;
} fuzz_bundle;

/* Does the line at p (len bytes left) start with "#@ "? */
static inline bool fuzz_is_marker(const char *p, size_t left)
{
    return left >= 3 && p[0] == '#' && p[1] == '@' && p[2] == ' ';
}

/* Split data into files.  The texts point into data (not NUL-terminated). */
static inline void fuzz_split(const char *data, size_t size, fuzz_bundle *b)
{
    size_t i = 0, start = 0;
    fuzz_file *cur = &b->files[0];

    b->n = 1;
    snprintf(cur->path, sizeof cur->path, "%s", FUZZ_MAIN);
    cur->text = data;
    while (i <= size) {
        bool bol = i == 0 || data[i - 1] == '\n';
        if (i < size && bol && fuzz_is_marker(data + i, size - i) && b->n < FUZZ_MAX_FILES) {
            size_t name = i + 3, end = name;
            while (end < size && data[end] != '\n')
                end++;
            cur->len = i - start;
            cur = &b->files[b->n++];
            size_t nlen = end - name;
            if (nlen > sizeof cur->path - sizeof FUZZ_DIR)
                nlen = sizeof cur->path - sizeof FUZZ_DIR;
            memcpy(cur->path, FUZZ_DIR, sizeof FUZZ_DIR - 1);
            memcpy(cur->path + sizeof FUZZ_DIR - 1, data + name, nlen);
            cur->path[sizeof FUZZ_DIR - 1 + nlen] = '\0';
            start = end < size ? end + 1 : end;
            cur->text = data + start;
            i = start;
            continue;
        }
        i++;
    }
    cur->len = size - start;
}

/* The reader: the last file of that name wins, as a later part overrides. */
static inline int fuzz_read(void *ctx, const char *path, char **text, size_t *len)
{
    const fuzz_bundle *b = ctx;

    for (size_t k = b->n; k-- > 0;) {
        const fuzz_file *f = &b->files[k];
        if (strcmp(f->path, path) != 0)
            continue;
        *text = malloc(f->len + 1);
        if (*text == NULL)
            return ENOMEM;
        if (f->len)
            memcpy(*text, f->text, f->len);
        (*text)[f->len] = '\0';
        *len = f->len;
        return 0;
    }
    return ENOENT;
}

/* Decode the C string literals that follow "static const char NAME[] =" in
 * generated source, starting at *pos; the SQL text goes to a malloc'd
 * buffer.  Returns NULL when there are no more.  *bad_c is set when the
 * declaration is not "literals;" as C needs. */
static inline char *fuzz_next_sql(const char *c, size_t len, size_t *pos, bool *bad_c)
{
    static const char key[] = "static const char ";
    const char *p = c + *pos, *end = c + len;

    for (;;) {
        const char *k = strstr(p, key);
        if (k == NULL || k >= end) {
            *pos = len;
            return NULL;
        }
        const char *eq = strchr(k, '\n');
        if (eq == NULL) {
            *pos = len;
            return NULL;
        }
        /* Only "static const char x[] =\n" declarations hold SQL. */
        if (eq - k < 4 || eq[-1] != '=' || eq[-2] != ' ' || eq[-3] != ']') {
            p = eq;
            continue;
        }
        size_t cap = 256, n = 0;
        char *out = malloc(cap);
        if (out == NULL)
            return NULL;
        const char *q = eq + 1;
        for (;;) {
            while (q < end && (*q == ' ' || *q == '\n'))
                q++;
            if (q >= end || *q != '"')
                break;
            q++;
            while (q < end && *q != '"') {
                char ch = *q++;
                if (ch == '\\' && q < end) {
                    ch = *q++;
                    if (ch >= '0' && ch <= '7') {   /* \ooo: 1 to 3 octal digits */
                        int v = ch - '0';
                        for (int d = 1; d < 3 && q < end && *q >= '0' && *q <= '7'; d++)
                            v = v * 8 + (*q++ - '0');
                        ch = (char)v;
                    } else {
                        switch (ch) {
                        case 'n': ch = '\n'; break;
                        case 't': ch = '\t'; break;
                        case 'r': ch = '\r'; break;
                        default: break;   /* \" \\ \' \? */
                        }
                    }
                }
                if (n + 2 > cap) {
                    char *grown = realloc(out, cap *= 2);
                    if (grown == NULL) {
                        free(out);
                        return NULL;
                    }
                    out = grown;
                }
                out[n++] = ch;
            }
            q++;    /* the closing quote */
        }
        out[n] = '\0';
        /* The declaration must end right after its literals (an empty run
         * of literals once left "static const char ddl[] =" dangling). */
        if (q >= end || *q != ';')
            *bad_c = true;
        *pos = (size_t)(q - c);
        return out;
    }
}

static inline const assocgen_output *fuzz_output(const assocgen *g, const char *suffix)
{
    for (size_t i = 0; i < assocgen_output_count(g); i++) {
        const assocgen_output *o = assocgen_output_at(g, i);
        if (strcmp(o->suffix, suffix) == 0)
            return o;
    }
    return NULL;
}

/* The SQL oracle: run the DDL, then prepare every statement constant of the
 * C source.  Returns NULL or a message in msg. */
static inline const char *fuzz_check_sql(const assocgen *g, char *msg, size_t msgsize)
{
    const assocgen_output *sql = fuzz_output(g, ".sql"), *src = fuzz_output(g, ".c");
    sqlite3 *db = NULL;
    const char *fail = NULL;
    char *err = NULL;

    if (sql == NULL || src == NULL)
        return "missing .sql or .c output";
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;    /* cannot test: not a finding */
    }
    if (sqlite3_exec(db, sql->text, NULL, NULL, &err) != SQLITE_OK) {
        snprintf(msg, msgsize, "generated DDL fails in SQLite: %s", err ? err : "?");
        fail = msg;
        goto out;
    }
    size_t pos = 0;
    char *stmt;
    bool bad_c = false;
    while (fail == NULL && (stmt = fuzz_next_sql(src->text, src->len, &pos, &bad_c)) != NULL) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        int rc = bad_c ? SQLITE_OK : sqlite3_prepare_v2(db, stmt, -1, &st, &tail);
        if (bad_c) {
            snprintf(msg, msgsize, "a SQL constant of the generated C is not a complete declaration: %.300s", stmt);
            fail = msg;
        } else if (rc != SQLITE_OK) {
            snprintf(msg, msgsize, "generated SQL does not prepare (%s): %.300s", sqlite3_errmsg(db), stmt);
            fail = msg;
        } else if (st == NULL && stmt[0] != '\0') {
            snprintf(msg, msgsize, "generated SQL constant holds no statement: %.300s", stmt);
            fail = msg;
        }
        sqlite3_finalize(st);
        free(stmt);
    }
out:
    sqlite3_free(err);
    sqlite3_close(db);
    return fail;
}

/* The generated C must be plain text a C11 compiler reads as written: no
 * control byte but the newline (a string's tab or CR is written as an
 * escape), and no trigraph ("??/" in a default would turn into a
 * backslash under -std=c11). */
static inline const char *fuzz_check_c_text(const assocgen_output *o, char *msg, size_t msgsize)
{
    for (size_t i = 0; i < o->len; i++) {
        unsigned char ch = (unsigned char)o->text[i];
        if ((ch < 0x20 && ch != '\n') || ch == 0x7f) {
            snprintf(msg, msgsize, "generated %s holds the control byte 0x%02x at offset %zu", o->suffix, ch, i);
            return msg;
        }
        if (ch == '?' && i + 2 < o->len && o->text[i + 1] == '?' && strchr("=/'()!<>-", o->text[i + 2])) {
            snprintf(msg, msgsize, "generated %s holds the trigraph ??%c at offset %zu", o->suffix, o->text[i + 2],
                     i);
            return msg;
        }
    }
    return NULL;
}

/* Run one input.  Returns NULL when every check held, else a message
 * (in msg, or a constant). */
static inline const char *fuzz_one(const uint8_t *data, size_t size, bool sql_oracle, char *msg, size_t msgsize)
{
    fuzz_bundle b;
    const char *fail = NULL;
    bool werror = size % 2 == 1;
    const char *prefix = size > 0 && data[size - 1] % 2 == 1 ? "fz_" : NULL;

    fuzz_split((const char *)data, size, &b);
    assocgen *g = assocgen_create();
    if (g == NULL)
        return NULL;
    assocgen_set_reader(g, fuzz_read, &b);
    assocgen_set_werror(g, werror);
    int rc = assocgen_load(g, FUZZ_MAIN);

    const diag_ctx *d = assocgen_diag(g);
    int errors = 0;
    for (const diagnostic *x = assocgen_diagnostics(g); x; x = x->next) {
        if (x->message == NULL || x->rendered == NULL) {
            fail = "a diagnostic without a message";
            goto out;
        }
        /* Touch every byte, so that a bad string shows under ASan. */
        if (strlen(x->message) > strlen(x->rendered)) {
            fail = "a diagnostic whose rendered form is shorter than its message";
            goto out;
        }
        errors += x->severity == DIAG_ERROR;
    }
    if (rc != 0 && rc != 1 && rc != 2) {
        snprintf(msg, msgsize, "assocgen_load returned %d", rc);
        fail = msg;
        goto out;
    }
    if (rc == 0 && (errors > 0 || diag_failed(d))) {
        fail = "load succeeded although an error was reported";
        goto out;
    }
    if (rc != 0 && !diag_failed(d) && !d->nomem) {
        fail = "load failed without reporting an error";
        goto out;
    }
    if ((rc == 0) != (assocgen_schema(g) != NULL)) {
        fail = "load's result and assocgen_schema() disagree";
        goto out;
    }
    if (rc != 0)
        goto out;

    rc = assocgen_generate(g, ASSOCGEN_EMIT_DEFAULT | ASSOCGEN_EMIT_DOT, prefix);
    if (rc != 0) {
        snprintf(msg, msgsize, "assocgen_generate returned %d after a clean load", rc);
        fail = msg;
        goto out;
    }
    if (assocgen_output_count(g) != 4) {
        fail = "generation did not produce four outputs";
        goto out;
    }
    for (size_t i = 0; i < assocgen_output_count(g); i++) {
        const assocgen_output *o = assocgen_output_at(g, i);
        if (o == NULL || o->text == NULL || strlen(o->text) != o->len) {
            fail = "an output whose length is wrong";
            goto out;
        }
        if ((strcmp(o->suffix, ".c") == 0 || strcmp(o->suffix, ".h") == 0) &&
            (fail = fuzz_check_c_text(o, msg, msgsize)) != NULL)
            goto out;
    }
    if (sql_oracle)
        fail = fuzz_check_sql(g, msg, msgsize);
out:
    assocgen_destroy(g);
    return fail;
}

#endif
