/* driver.c - the compiler library: load, check, generate, write.  See
 * assocgen.h. */
#define _XOPEN_SOURCE 700     /* realpath */
#include "assocgen.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "emit.h"
#include "load.h"

enum { MAX_OUTPUTS = 4 };

struct assocgen {
    diag_ctx diag;
    arena trees;                 /* syntax trees of every file */
    load_result loaded;
    sch_schema *schema;
    assocgen_reader read;
    void *read_ctx;
    char *source_name;           /* the main file as named */
    char *base;                  /* "models": the outputs' names */
    char *cbase;                 /* the schema's C name: "my_models" for my-models.def */
    assocgen_output outputs[MAX_OUTPUTS];
    size_t noutputs;
};

assocgen *assocgen_create(void)
{
    return calloc(1, sizeof(assocgen));
}

static void free_outputs(assocgen *g)
{
    for (size_t i = 0; i < g->noutputs; i++)
        free(g->outputs[i].text);
    g->noutputs = 0;
}

void assocgen_destroy(assocgen *g)
{
    if (g == NULL)
        return;
    free_outputs(g);
    sch_schema_free(g->schema);
    free(g->loaded.files);
    arena_free(&g->trees);
    diag_free(&g->diag);
    free(g->source_name);
    free(g->base);
    free(g->cbase);
    free(g);
}

void assocgen_set_reader(assocgen *g, assocgen_reader fn, void *ctx)
{
    g->read = fn;
    g->read_ctx = ctx;
}

void assocgen_set_werror(assocgen *g, bool werror) { g->diag.werror = werror; }

/* "dir/models.def" -> "models"; "x.y.def" -> "x.y". */
static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);
    const char *dot = strrchr(b, '.');
    if (dot && dot != b)
        n = (size_t)(dot - b);
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, b, n);
        out[n] = '\0';
    }
    return out;
}

/* The schema's C name (<schema>_create_all, the header guard) from the
 * file's base name: every byte that cannot be in a C identifier becomes
 * '_', so my-models.def gives my_models_create_all (the outputs keep the
 * file's name: my-models.h).  NULL when the name cannot start an
 * identifier (a digit, or nothing of it left); malloc'd. */
static char *schema_c_name(const char *base)
{
    char *out;
    if (!((*base >= 'A' && *base <= 'Z') || (*base >= 'a' && *base <= 'z') || *base == '_'))
        return NULL;
    out = strdup(base);
    for (char *p = out; p && *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            *p = '_';
    return out;
}

/* Diagnostics in reading order: by file (in the order the files were
 * read), line and column, so that syntax errors and the checker's errors
 * of one file come out interleaved as a reader meets them.  Messages
 * without a file come first, except the final "too many errors" note. */
static int diag_group(const diagnostic *x, const diagnostic *note)
{
    return x == note ? 2 : x->at.src ? 1 : 0;
}

/* Sources are listed newest first: a larger index was read earlier. */
static size_t source_index(const diag_ctx *d, const source *src)
{
    size_t n = 0;
    for (const source *s = d->sources; s && s != src; s = s->next)
        n++;
    return n;
}

static bool diag_before(const diag_ctx *d, const diagnostic *note, const diagnostic *x,
                        const diagnostic *y)
{
    int gx = diag_group(x, note), gy = diag_group(y, note);
    if (gx != gy || gx != 1)
        return gx < gy;
    if (x->at.src != y->at.src)
        return source_index(d, x->at.src) > source_index(d, y->at.src);
    if (x->at.line != y->at.line)
        return x->at.line < y->at.line;
    return x->at.col < y->at.col;
}

/* A stable insertion sort: diagnostics are few (DIAG_MAX_ERRORS). */
static void sort_diagnostics(diag_ctx *d)
{
    const diagnostic *note = d->overflowed ? d->last : NULL;   /* "too many errors" */
    diagnostic *sorted = NULL, *x = d->first;
    while (x) {
        diagnostic *next = x->next;
        diagnostic **p = &sorted;
        while (*p && !diag_before(d, note, x, *p))
            p = &(*p)->next;
        x->next = *p;
        *p = x;
        x = next;
    }
    d->first = sorted;
    d->last = NULL;
    for (diagnostic *y = sorted; y; y = y->next)
        d->last = y;
}

/* Headers the generated code includes, with the runtime's and SQLite's:
 * an output named like one would be found in its place wherever the output
 * directory is on the include path (-Iout finds out/stdint.h for
 * <stdint.h>). */
static const char *const included_headers[] = { "stdbool", "stddef", "stdint", "string", "sqlite3", "stdarg" };

/* What in a base name cannot be written into the generated code, or NULL.
 * It lands in the source's `#include "BASE.h"`, in the header's #error
 * string and in comments.  The #include must name the file, so nothing
 * can be escaped, and these are refused: a control byte (a newline would
 * end the line and start code of the file name's choosing), '"' and '\'
 * (they end or escape the string), a single quote (C11 6.4.7: undefined in
 * an #include name), a trigraph ("??=" is '#', "??/" a backslash), a
 * Unicode bidirectional control (gcc refuses one unpaired). */
static const char *base_name_problem(const char *base, char *buf, size_t size)
{
    for (const char *p = base; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            snprintf(buf, size, "a control character (byte 0x%02x)", c);
        else if (c == '"' || c == '\\' || c == '\'')
            snprintf(buf, size, "%s", c == '"' ? "a double quote" : c == '\'' ? "a single quote" : "a backslash");
        else if (c == '?' && p[1] == '?' && p[2] != '\0' && strchr("=(/)'<!>-", p[2]))
            snprintf(buf, size, "the trigraph '??%c'", p[2]);
        else if (load_bidi_at(p))
            snprintf(buf, size, "a Unicode bidirectional control character");
        else
            continue;
        return buf;
    }
    return NULL;
}

/* Report (exit status 2) a base name the outputs cannot take. */
static bool base_name_refused(assocgen *g, const char *path)
{
    char why[64];
    const char *problem = base_name_problem(g->base, why, sizeof why);
    const char *shadowed = NULL;
    for (size_t i = 0; i < sizeof included_headers / sizeof included_headers[0]; i++)
        if (strcmp(g->base, included_headers[i]) == 0)
            shadowed = included_headers[i];
    if (!problem && !shadowed && strcmp(g->base, "assoc") != 0)
        return false;
    char *p = load_show_path(path, false), *b = load_show_path(g->base, false);
    if (p == NULL || b == NULL)
        diag_error(&g->diag, (loc){ 0 }, "out of memory");
    else if (problem)
        diag_error(&g->diag, (loc){ 0 },
                   "'%s': the file's base name '%s' holds %s, which cannot be written into the generated code "
                   "(#include \"%s.h\" and the header's #error string); rename the file",
                   p, b, problem, b);
    else if (shadowed)
        diag_error(&g->diag, (loc){ 0 },
                   "'%s': the outputs would be named %s.h and %s.c, and %s.h would hide <%s.h>, which the generated "
                   "code includes, wherever the output directory is on the include path; rename the file",
                   p, b, b, b, b);
    else
        /* assoc.h would be the generated header and the runtime's at once:
         * the generated one includes "assoc.h" and would find itself. */
        diag_error(&g->diag, (loc){ 0 },
                   "'%s': the outputs would be named assoc.h and assoc.c, which are libassoc's own; rename the file", p);
    free(p);
    free(b);
    return true;
}

static int load_and_check(assocgen *g, const char *path);

int assocgen_load(assocgen *g, const char *path)
{
    int rc = load_and_check(g, path);
    sort_diagnostics(&g->diag);
    return rc;
}

static int load_and_check(assocgen *g, const char *path)
{
    if (g->schema || g->source_name)
        return 2;                /* one load per context */
    g->source_name = strdup(path);
    g->base = base_name(path);
    if (g->source_name == NULL || g->base == NULL) {
        diag_error(&g->diag, (loc){ 0 }, "out of memory");
        return 2;
    }
    g->cbase = schema_c_name(g->base);
    if (g->cbase == NULL) {
        char *p = load_show_path(path, false), *b = load_show_path(g->base, false);
        diag_error(&g->diag, (loc){ 0 },
                   "'%s': the file's base name '%s' names the generated functions (<name>_create_all), so it must start "
                   "with a letter or '_'",
                   p ? p : "?", b ? b : "?");
        free(p);
        free(b);
        return 2;
    }
    if (base_name_refused(g, path))
        return 2;
    int rc = load_schema(&g->trees, &g->diag, g->read, g->read_ctx, path, &g->loaded);
    if (rc == 2)
        return 2;
    if (g->diag.nomem || g->loaded.nfiles == 0)
        return 1;
    /* The checker runs even after syntax errors or a failed import, on
     * what could be read: the parser marks what it dropped, and the checker
     * stays quiet about what that could explain, so the run reports the
     * semantic errors too without echoing the syntax errors.  It returns
     * no schema when anything failed, so nothing partial is generated. */
    g->schema = check_schema(&g->diag, g->loaded.files, g->loaded.nfiles, g->cbase);
    if (g->schema && (rc != 0 || diag_failed(&g->diag))) {
        sch_schema_free(g->schema);     /* cannot happen: an error was reported */
        g->schema = NULL;
    }
    return g->schema ? 0 : 1;
}

const sch_schema *assocgen_schema(const assocgen *g) { return g->schema; }
const char *assocgen_base(const assocgen *g) { return g->base; }

int assocgen_generate(assocgen *g, unsigned emit, const char *prefix)
{
    static const struct {
        unsigned kind;
        const char *suffix;
        bool (*fn)(emit_ctx *);
    } emitters[MAX_OUTPUTS] = {
        { ASSOCGEN_EMIT_HEADER, ".h", emit_header },
        { ASSOCGEN_EMIT_SOURCE, ".c", emit_source },
        { ASSOCGEN_EMIT_SQL, ".sql", emit_sql },
        { ASSOCGEN_EMIT_DOT, ".dot", emit_dot },
    };
    if (g->schema == NULL)
        return 2;
    free_outputs(g);
    /* The source's path as the banner comments show it: escaped so that no
     * byte of it can end the comment, start another, form a trigraph or
     * trip a compiler's warning (load_show_path). */
    char *banner_name = load_show_path(g->source_name, true);
    if (banner_name == NULL) {
        diag_error(&g->diag, (loc){ 0 }, "out of memory while generating %s", g->base);
        return 2;
    }
    for (size_t i = 0; i < MAX_OUTPUTS; i++) {
        if (!(emit & emitters[i].kind))
            continue;
        emit_ctx e = { .s = g->schema, .prefix = prefix ? prefix : "",
                       .source_name = banner_name, .base = g->base };
        if (!emitters[i].fn(&e) || e.out.failed) {
            strbuf_free(&e.out);
            diag_error(&g->diag, (loc){ 0 }, "out of memory while generating %s%s", g->base,
                       emitters[i].suffix);
            free_outputs(g);
            free(banner_name);
            return 2;
        }
        assocgen_output *o = &g->outputs[g->noutputs++];
        o->suffix = emitters[i].suffix;
        o->len = e.out.len;
        o->text = strbuf_take(&e.out);
        if (o->text == NULL) {
            g->noutputs--;
            free_outputs(g);
            free(banner_name);
            return 2;
        }
    }
    free(banner_name);
    return 0;
}

size_t assocgen_output_count(const assocgen *g) { return g->noutputs; }
const assocgen_output *assocgen_output_at(const assocgen *g, size_t i)
{
    return i < g->noutputs ? &g->outputs[i] : NULL;
}

size_t assocgen_input_count(const assocgen *g) { return g->loaded.nfiles; }
const char *assocgen_input_at(const assocgen *g, size_t i)
{
    /* files[] holds imports first and the main file last; report the main
     * file first. */
    size_t n = g->loaded.nfiles;
    if (i >= n)
        return NULL;
    return g->loaded.files[i == 0 ? n - 1 : i - 1]->src->name;
}

const diagnostic *assocgen_diagnostics(const assocgen *g) { return g->diag.first; }
const diag_ctx *assocgen_diag(const assocgen *g) { return &g->diag; }

/* ---------------------------------------------------------------------- */
/* Writing                                                                  */

static int fail(char *err, size_t errsize, const char *what, const char *path, int e)
{
    snprintf(err, errsize, "%s '%s': %s", what, path, strerror(e));
    return 2;
}

/* mkdir -p.  OUT: *created, the length of the shortest prefix of dir
 * this call created (0: none), for remove_dirs to undo. */
static int make_dirs(const char *dir, size_t *created, char *err, size_t errsize)
{
    *created = 0;
    char *p = strdup(dir);
    if (p == NULL)
        return fail(err, errsize, "cannot create directory", dir, ENOMEM);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) == 0) {
                if (*created == 0)
                    *created = (size_t)(s - p);
            } else if (errno != EEXIST) {
                int e = errno;
                int rc = fail(err, errsize, "cannot create directory", p, e);
                free(p);
                return rc;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(err, errsize, "cannot use output directory", dir, ENOTDIR);
    return 0;
}

/* Remove the directories make_dirs created: dir and its parents down to
 * the prefix of length `created`.  Only empty ones go. */
static void remove_dirs(const char *dir, size_t created)
{
    char *p = strdup(dir);
    if (p == NULL)
        return;
    for (size_t len = strlen(p); len >= created && len > 0;) {
        rmdir(p);
        char *slash = strrchr(p, '/');
        if (slash == NULL || slash == p)
            break;
        *slash = '\0';
        len = (size_t)(slash - p);
    }
    free(p);
}

/* True when `path` holds exactly text[0..len). */
static bool same_content(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    bool same = true;
    char buf[8192];
    size_t off = 0, n;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (off + n > len || memcmp(buf, text + off, n) != 0)
            same = false;
        off += n;
    }
    same = same && off == len && !ferror(f);
    fclose(f);
    return same;
}

/* Write text to a new temporary file beside `path`.  OUT: tmp (malloc'd
 * name), NULL when the content is unchanged and nothing needs writing. */
static int write_temp(const char *path, const char *text, size_t len, char **tmp,
                      char *err, size_t errsize)
{
    *tmp = NULL;
    /* Something other than a file in the way would only fail at the rename,
     * after other outputs were renamed, or be replaced (a device): say so now. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return fail(err, errsize, "cannot write", path, EISDIR);
        snprintf(err, errsize, "cannot write '%s': not a regular file (outputs are replaced by renaming)", path);
        return 2;
    }
    if (same_content(path, text, len))
        return 0;
    size_t n = strlen(path) + 16;
    char *name = malloc(n);
    if (name == NULL)
        return fail(err, errsize, "cannot write", path, ENOMEM);
    snprintf(name, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(name);
    if (fd < 0) {
        int e = errno;
        free(name);
        return fail(err, errsize, "cannot write", path, e);
    }
    size_t off = 0;
    int e = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        off += (size_t)w;
    }
    if (e == 0 && fchmod(fd, 0644) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e) {
        unlink(name);
        free(name);
        return fail(err, errsize, "cannot write", path, e);
    }
    *tmp = name;
    return 0;
}

/* Make-style escaping of a path in a depfile: spaces, '#' and '$'. */
static void dep_path(strbuf *sb, const char *p)
{
    for (; *p; p++) {
        if (*p == ' ' || *p == '#' || *p == '\\')
            strbuf_putc(sb, '\\');
        if (*p == '$')
            strbuf_putc(sb, '$');
        strbuf_putc(sb, *p);
    }
}

int assocgen_write(assocgen *g, const char *out_dir, const char *depfile, char *err, size_t errsize)
{
    enum { MAX_FILES = MAX_OUTPUTS + 1 };
    char *paths[MAX_FILES] = { 0 }, *tmps[MAX_FILES] = { 0 };
    size_t n = 0, created = 0;
    int rc = make_dirs(out_dir, &created, err, errsize);
    strbuf dep = STRBUF_INIT;

    for (size_t i = 0; rc == 0 && i < g->noutputs; i++) {
        const assocgen_output *o = &g->outputs[i];
        size_t len = strlen(out_dir) + strlen(g->base) + strlen(o->suffix) + 2;
        paths[n] = malloc(len);
        if (paths[n] == NULL) {
            rc = fail(err, errsize, "cannot write to", out_dir, ENOMEM);
            break;
        }
        snprintf(paths[n], len, "%s/%s%s", out_dir, g->base, o->suffix);
        rc = write_temp(paths[n], o->text, o->len, &tmps[n], err, errsize);
        n++;
    }
    if (rc == 0 && depfile) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                strbuf_putc(&dep, ' ');
            dep_path(&dep, paths[i]);
        }
        strbuf_putc(&dep, ':');
        for (size_t i = 0; i < assocgen_input_count(g); i++) {
            strbuf_puts(&dep, " \\\n  ");
            dep_path(&dep, assocgen_input_at(g, i));
        }
        strbuf_putc(&dep, '\n');
        /* Each input also gets an empty rule, so deleting an import does
         * not break the build (as gcc -MP does). */
        for (size_t i = 1; i < assocgen_input_count(g); i++) {
            strbuf_putc(&dep, '\n');
            dep_path(&dep, assocgen_input_at(g, i));
            strbuf_puts(&dep, ":\n");
        }
        paths[n] = strdup(depfile);
        if (dep.failed || paths[n] == NULL)
            rc = fail(err, errsize, "cannot write", depfile, ENOMEM);
        else
            rc = write_temp(paths[n], dep.data, dep.len, &tmps[n], err, errsize);
        n++;
    }
    /* Every temporary file is complete: rename them into place.  Until now
     * nothing visible has changed. */
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (tmps[i] && rename(tmps[i], paths[i]) != 0)
            rc = fail(err, errsize, "cannot write", paths[i], errno);
    for (size_t i = 0; i < n; i++) {
        if (tmps[i])
            unlink(tmps[i]);     /* left over only on failure */
        free(tmps[i]);
        free(paths[i]);
    }
    if (rc != 0 && created)
        remove_dirs(out_dir, created);   /* a failed run leaves no trace */
    strbuf_free(&dep);
    return rc;
}
