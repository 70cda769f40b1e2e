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
#include "migrate.h"

enum { MAX_OUTPUTS = 6 };

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
    arena gen_mem;               /* the api table and the plans of a generation */
    assocgen_output outputs[MAX_OUTPUTS];
    size_t noutputs;
    /* --migrate-from: the old file's trees and schema, the plan */
    arena old_trees;
    load_result old_loaded;
    sch_schema *old_schema;
    arena mig_mem;
    mig_plan *migration;
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
    arena_free(&g->gen_mem);
    arena_free(&g->mig_mem);
    sch_schema_free(g->old_schema);
    free(g->old_loaded.files);
    arena_free(&g->old_trees);
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

int assocgen_migrate_from(assocgen *g, const char *old_path, bool allow_data_loss)
{
    if (g->schema == NULL || g->old_schema != NULL)
        return 2;                /* after a successful load, once */
    int rc = load_schema(&g->old_trees, &g->diag, g->read, g->read_ctx, old_path, &g->old_loaded);
    if (rc == 2 || g->diag.nomem) {
        sort_diagnostics(&g->diag);
        return 2;
    }
    /* Checked as the schema it was: under the new file's C name, so that
     * the names it generated are judged as they were. */
    if (rc == 0 && g->old_loaded.nfiles > 0)
        g->old_schema = check_schema(&g->diag, g->old_loaded.files, g->old_loaded.nfiles, g->cbase);
    if (g->old_schema == NULL || diag_failed(&g->diag)) {
        sort_diagnostics(&g->diag);
        return 1;
    }
    char *old_name = load_show_path(old_path, false), *new_name = load_show_path(g->source_name, false);
    if (old_name == NULL || new_name == NULL) {
        diag_error(&g->diag, (loc){ 0 }, "out of memory");
        free(old_name);
        free(new_name);
        return 2;
    }
    mig_options o = { allow_data_loss, old_name, new_name };
    g->migration = mig_build(g->old_schema, g->schema, &o, &g->diag, &g->mig_mem);
    /* The plan keeps the names: copies in its arena. */
    if (g->migration) {
        g->migration->old_file = arena_strdup(&g->mig_mem, old_name);
        g->migration->new_file = arena_strdup(&g->mig_mem, new_name);
        if (g->migration->old_file == NULL || g->migration->new_file == NULL) {
            diag_error(&g->diag, (loc){ 0 }, "out of memory");
            g->migration = NULL;
        }
    }
    free(old_name);
    free(new_name);
    sort_diagnostics(&g->diag);
    if (g->migration == NULL)
        return g->diag.nomem ? 2 : 1;
    return diag_failed(&g->diag) ? 1 : 0;
}

const sch_schema *assocgen_schema(const assocgen *g) { return g->schema; }
const char *assocgen_base(const assocgen *g) { return g->base; }

int assocgen_generate(assocgen *g, unsigned emit, const char *prefix)
{
    static const struct {
        unsigned kind;
        const char *suffix;
        bool (*fn)(emit_ctx *);
    } emitters[] = {
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
    /* The one description of the generated API, and what each of its
     * functions does: built once, read by every emitter. */
    arena_free(&g->gen_mem);
    api *a = api_build(g->schema, prefix ? prefix : "", &g->gen_mem);
    plan_schema *ps = a ? plan_build(a, &g->gen_mem) : NULL;
    if (ps == NULL) {
        diag_error(&g->diag, (loc){ 0 }, "out of memory while generating %s", g->base);
        free(banner_name);
        return 2;
    }
    for (size_t i = 0; i < sizeof emitters / sizeof emitters[0]; i++) {
        if (!(emit & emitters[i].kind))
            continue;
        emit_ctx e = { .s = g->schema, .a = a, .ps = ps, .prefix = prefix ? prefix : "",
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
    /* The migration: SQLite's script, then PostgreSQL's. */
    for (int pg = 0; g->migration && pg <= 1; pg++) {
        const char *suffix = pg ? ".migrate.pg.sql" : ".migrate.sql";
        emit_ctx e = { .s = g->schema, .a = a, .ps = ps, .prefix = prefix ? prefix : "",
                       .source_name = banner_name, .base = g->base };
        bool ok = emit_migrate(&e, g->migration, pg) && !e.out.failed;
        assocgen_output *o = &g->outputs[g->noutputs];
        o->suffix = suffix;
        o->len = e.out.len;
        o->text = ok ? strbuf_take(&e.out) : NULL;
        strbuf_free(&e.out);
        if (o->text == NULL) {
            diag_error(&g->diag, (loc){ 0 }, "out of memory while generating %s%s", g->base, suffix);
            free_outputs(g);
            free(banner_name);
            return 2;
        }
        g->noutputs++;
    }
    free(banner_name);
    return 0;
}

size_t assocgen_output_count(const assocgen *g) { return g->noutputs; }
const assocgen_output *assocgen_output_at(const assocgen *g, size_t i)
{
    return i < g->noutputs ? &g->outputs[i] : NULL;
}

size_t assocgen_input_count(const assocgen *g) { return g->loaded.nfiles + g->old_loaded.nfiles; }
const char *assocgen_input_at(const assocgen *g, size_t i)
{
    /* files[] holds imports first and the main file last; report the main
     * file first.  The old file of --migrate-from and its imports follow,
     * in the same order. */
    const load_result *l = &g->loaded;
    if (i >= l->nfiles) {
        i -= l->nfiles;
        l = &g->old_loaded;
    }
    size_t n = l->nfiles;
    if (i >= n)
        return NULL;
    return l->files[i == 0 ? n - 1 : i - 1]->src->name;
}

const diagnostic *assocgen_diagnostics(const assocgen *g) { return g->diag.first; }
const diag_ctx *assocgen_diag(const assocgen *g) { return &g->diag; }

/* ---------------------------------------------------------------------- */
/* Writing                                                                  */
/*
 * assocgen_write replaces up to seven files (the outputs and the depfile) as
 * one: every new text goes to a temporary file beside its output; the old
 * files get a second name (a hard link, the backup); then the new files are
 * renamed into place.  If any step fails, every output that was renamed is
 * put back from its backup (or removed, when it had no old file), so the
 * directory is as it was; only then are temporary and backup files removed.
 * SIGINT, SIGTERM and SIGHUP are held meanwhile: one that comes while the
 * temporary files are written stops the write (cleaned up, then delivered);
 * one that comes during the renames waits until they are over.
 */

/* err gets "WHAT 'PATH': REASON", the path shown without control bytes. */
static int fail(char *err, size_t errsize, const char *what, const char *path, int e)
{
    char *shown = load_show_path(path, false);
    snprintf(err, errsize, "%s '%s': %s", what, shown ? shown : "?", strerror(e));
    free(shown);
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

/* One file assocgen_write replaces. */
typedef struct out_file {
    char *path;
    const char *text;
    size_t len;
    char *tmp;          /* the new text, written aside; NULL: unchanged, nothing to do */
    bool existed;       /* an old file is at path */
    char *bak;          /* the old file's second name, while it may be needed */
    bool bak_moved;     /* no hard links here: the old file is renamed to bak at commit */
    bool old_moved;     /* ... and was */
    bool placed;        /* tmp renamed to path */
} out_file;

/* A name beside `path` that no file has, for creating with O_EXCL:
 * "<path>.<tag>XXXXXX", or ".assocgen-<tag>XXXXXX" in its directory when
 * that would be longer than a file name may be (an output's own name may
 * take all 255 bytes).  Malloc'd; NULL when out of memory. */
static char *side_name(const char *path, const char *tag)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static unsigned long counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long x = (unsigned long)ts.tv_nsec * 2654435761ul ^ (unsigned long)ts.tv_sec ^
                      (unsigned long)getpid() << 20 ^ ++counter * 40503ul;
    size_t n = strlen(path) + strlen(tag) + 20;
    char *name = malloc(n);
    if (name == NULL)
        return NULL;
    char suffix[7];
    for (size_t i = 0; i < 6; i++) {
        suffix[i] = chars[x % 62];
        x /= 62;
    }
    suffix[6] = '\0';
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    if (strlen(path) - dir + 1 + strlen(tag) + 6 > 255)
        snprintf(name, n, "%.*s.assocgen-%s%s", (int)dir, path, tag, suffix);
    else
        snprintf(name, n, "%s.%s%s", path, tag, suffix);
    return name;
}

/* Write f's text to a new temporary file beside it, unless the file holds
 * that text already.  The file is created 0666 less the umask, as any
 * program creates files; it takes the old file's permissions when it
 * replaces one (as editors do), so a chmod of an output survives. */
static int write_temp(out_file *f, char *err, size_t errsize)
{
    /* Something other than a file in the way would only fail at the rename,
     * or be replaced (a device): say so now. */
    struct stat st;
    bool followed = stat(f->path, &st) == 0;
    /* A symbolic link (even a dangling one) is an old file too: it is
     * replaced, and must be put back on a failure. */
    struct stat lst;
    f->existed = followed || lstat(f->path, &lst) == 0;
    if (followed && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return fail(err, errsize, "cannot write", f->path, EISDIR);
        char *shown = load_show_path(f->path, false);
        snprintf(err, errsize, "cannot write '%s': not a regular file (outputs are replaced by renaming)",
                 shown ? shown : "?");
        free(shown);
        return 2;
    }
    if (followed && same_content(f->path, f->text, f->len))
        return 0;
    int fd = -1, e = 0;
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        free(f->tmp);
        f->tmp = side_name(f->path, "tmp");
        if (f->tmp == NULL)
            return fail(err, errsize, "cannot write", f->path, ENOMEM);
        fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        e = fd < 0 ? errno : 0;
        if (fd < 0 && e != EEXIST)
            break;
    }
    if (fd < 0) {
        free(f->tmp);
        f->tmp = NULL;
        return fail(err, errsize, "cannot write", f->path, e);
    }
    size_t off = 0;
    while (off < f->len) {
        ssize_t w = write(fd, f->text + off, f->len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        off += (size_t)w;
    }
    struct stat now;
    if (e == 0 && followed && fstat(fd, &now) == 0 && (now.st_mode & 0777) != (st.st_mode & 0777) &&
        fchmod(fd, st.st_mode & 0777) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e) {
        unlink(f->tmp);
        free(f->tmp);
        f->tmp = NULL;
        return fail(err, errsize, "cannot write", f->path, e);
    }
    return 0;
}

/* Give the old file a second name, f->bak, to restore it from.  Where the
 * file system has no hard links (or refuses one to a file of another
 * user), a name is reserved and the old file is renamed to it just
 * before the new one takes its place. */
static int make_backup(out_file *f, char *err, size_t errsize)
{
    for (int tries = 0; tries < 100; tries++) {
        f->bak = side_name(f->path, "old");
        if (f->bak == NULL)
            return fail(err, errsize, "cannot keep the old", f->path, ENOMEM);
        if (link(f->path, f->bak) == 0)
            return 0;
        int e = errno;
        if (e == EPERM || e == EMLINK || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS || e == EXDEV) {
            int fd = open(f->bak, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd >= 0) {
                close(fd);
                f->bak_moved = true;
                return 0;
            }
            e = errno;
        }
        free(f->bak);
        f->bak = NULL;
        if (e != EEXIST)
            return fail(err, errsize, "cannot keep the old", f->path, e);
    }
    return fail(err, errsize, "cannot keep the old", f->path, EEXIST);
}

/* Put every file back as it was after a failed commit.  Appends to err
 * what could not be put back, and where the old file is then kept. */
static void roll_back(out_file *files, size_t n, char *err, size_t errsize)
{
    for (size_t i = n; i-- > 0;) {
        out_file *f = &files[i];
        if (!f->placed && !f->old_moved)
            continue;
        int rc = f->existed ? rename(f->bak, f->path) : unlink(f->path);
        int e = errno;
        if (rc == 0) {
            if (f->existed) {
                free(f->bak);      /* the backup's name is gone with the rename */
                f->bak = NULL;
            }
            continue;
        }
        size_t used = strlen(err);
        char *p = load_show_path(f->path, false), *b = f->bak ? load_show_path(f->bak, false) : NULL;
        if (f->existed)
            snprintf(err + used, errsize - used, "; the old '%s' could not be put back (%s): it is kept as '%s'",
                     p ? p : "?", strerror(e), b ? b : "?");
        else
            snprintf(err + used, errsize - used, "; the new '%s' could not be removed (%s)", p ? p : "?",
                     strerror(e));
        free(p);
        free(b);
        free(f->bak);              /* kept on disk: the message names it */
        f->bak = NULL;
    }
}

/* Rename every temporary file into place (and, without hard links, each old
 * file aside first); on a failure, put everything back. */
static int commit(out_file *files, size_t n, char *err, size_t errsize)
{
    for (size_t i = 0; i < n; i++) {
        out_file *f = &files[i];
        if (f->tmp == NULL)
            continue;
        if (f->bak_moved) {
            if (rename(f->path, f->bak) != 0) {
                int rc = fail(err, errsize, "cannot write", f->path, errno);
                roll_back(files, n, err, errsize);
                return rc;
            }
            f->old_moved = true;
        }
        if (rename(f->tmp, f->path) != 0) {
            int rc = fail(err, errsize, "cannot write", f->path, errno);
            roll_back(files, n, err, errsize);
            return rc;
        }
        f->placed = true;
        free(f->tmp);
        f->tmp = NULL;
    }
    return 0;
}

/* The signals that end a build: held while files are replaced. */
static void hold_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* True when one of the held signals came (it is delivered once released). */
static bool signal_waiting(void)
{
    sigset_t set;
    if (sigpending(&set) != 0)
        return false;
    return sigismember(&set, SIGINT) == 1 || sigismember(&set, SIGTERM) == 1 || sigismember(&set, SIGHUP) == 1;
}

/* ---- the depfile ---- */

/* Append `name` as GNU make reads a file name in a rule: ' ', '#', ':',
 * and the wildcards '*', '?', '[' after a backslash, and in a target '%'
 * too (it would make a pattern rule); '$' as "$$"; a run of backslashes
 * before one of those, or at the end of the name (before the ' ' or ':'
 * that follows it), doubled; any other backslash as it is.  Returns NULL,
 * or what make cannot read in a rule at all (then nothing is appended). */
static const char *make_word(strbuf *sb, const char *name, bool target)
{
    size_t n = strlen(name);
    const char *q = name;
    while (q[0] == '.' && q[1] == '/') {      /* make drops "./" first */
        q += 2;
        while (*q == '/')
            q++;
    }
    if (*q == '~')
        return "a leading '~', which make reads as a home directory";
    const char *paren = strchr(name, '(');
    if (paren && paren != name && name[n - 1] == ')' && paren + 1 != name + n - 1)
        return "the form 'archive(member)', which make reads as a member of an archive";
    if (target && n > 0 && name[n - 1] == '&')
        return "a final '&' in a target, which make reads as a grouped target";
    for (const char *p = name; *p; p++) {
        switch (*p) {
        case '\n': return "a newline";
        case '\t': return "a tab";
        case '=': return "'=', which make reads as a variable assignment";
        case ';': return "';', which make reads as the start of a recipe";
        case '|': return "'|', which make reads as the start of order-only prerequisites";
        default: break;
        }
    }
    /* Special targets (.PHONY, .SUFFIXES, ...) start with '.': "./.X" is
     * the file .X to make. */
    if (target && name[0] == '.' && strchr(name, '/') == NULL)
        strbuf_puts(sb, "./");
    for (size_t i = 0; i < n;) {
        char c = name[i];
        if (c == '\\') {
            size_t j = i;
            while (name[j] == '\\')
                j++;
            char next = name[j];
            bool special = next == '\0' || strchr(" #:*?[", next) != NULL || (target && next == '%');
            for (size_t k = i; k < j; k++)
                strbuf_puts(sb, special ? "\\\\" : "\\");
            i = j;
            continue;
        }
        if (c == '$') {
            strbuf_puts(sb, "$$");
        } else {
            if (strchr(" #:*?[", c) != NULL || (target && c == '%'))
                strbuf_putc(sb, '\\');
            strbuf_putc(sb, c);
        }
        i++;
    }
    return NULL;
}

/* The depfile: the outputs depend on the file and every import; each
 * import also gets an empty rule, so deleting one does not break the build
 * (as gcc -MP does).  2 with err set when a name cannot be written so that
 * make reads it. */
static int dep_text(assocgen *g, out_file *outs, size_t nouts, const char *depfile, strbuf *dep, char *err,
                    size_t errsize)
{
    const char *why = NULL, *bad = NULL;
    for (size_t i = 0; i < nouts && !why; i++) {
        if (i)
            strbuf_putc(dep, ' ');
        why = make_word(dep, outs[i].path, true);
        bad = outs[i].path;
    }
    strbuf_putc(dep, ':');
    /* A name ending in a backslash cannot end a line (make would read the
     * backslashes as they are): one that does not comes last. */
    size_t n = assocgen_input_count(g), last = n;
    for (size_t i = n; i-- > 0 && last == n;) {
        const char *in = assocgen_input_at(g, i);
        if (in[strlen(in) - 1] != '\\')
            last = i;
    }
    if (last == n && !why) {
        why = "a final '\\', which make cannot read at the end of a line";
        bad = assocgen_input_at(g, n - 1);
    }
    for (size_t k = 0; k < n && !why; k++) {
        size_t i = k == n - 1 ? last : k < last ? k : k + 1;
        strbuf_puts(dep, " \\\n  ");
        why = make_word(dep, assocgen_input_at(g, i), false);
        bad = assocgen_input_at(g, i);
    }
    strbuf_putc(dep, '\n');
    for (size_t i = 1; i < n && !why; i++) {
        strbuf_putc(dep, '\n');
        why = make_word(dep, assocgen_input_at(g, i), true);
        bad = assocgen_input_at(g, i);
        strbuf_puts(dep, ":\n");
    }
    if (why) {
        char *d = load_show_path(depfile, false), *b = load_show_path(bad, false);
        snprintf(err, errsize, "cannot write the depfile '%s': make cannot read the file name '%s' in a rule: it holds %s",
                 d ? d : "?", b ? b : "?", why);
        free(d);
        free(b);
        return 2;
    }
    if (dep->failed)
        return fail(err, errsize, "cannot write", depfile, ENOMEM);
    return 0;
}

/* ---- which file is which ---- */

/* A file as the file system knows it: its device and inode when it exists;
 * in any case the real path of its directory with its name, when that
 * directory exists. */
typedef struct file_id {
    bool exists;
    dev_t dev;
    ino_t ino;
    char *entry;
} file_id;

static void identify(const char *path, file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->exists = true;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    }
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return;
    char *dir = slash == NULL ? strdup(".") : slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
    char *real = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    if (real == NULL)
        return;
    size_t n = strlen(real) + strlen(name) + 2;
    id->entry = malloc(n);
    if (id->entry)
        snprintf(id->entry, n, "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", name);
    free(real);
}

static bool same_file(const file_id *a, const file_id *b)
{
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return a->entry && b->entry && strcmp(a->entry, b->entry) == 0;
}

/* Refuse to write over an input (the file or an import), and the depfile
 * over an output: -M naming one, or an output named like an input. */
static int check_clobber(assocgen *g, out_file *files, size_t nouts, const char *depfile, char *err,
                         size_t errsize)
{
    size_t nin = assocgen_input_count(g), nfiles = nouts + (depfile != NULL);
    file_id *ids = calloc(nin + nfiles, sizeof *ids);
    if (ids == NULL)
        return fail(err, errsize, "cannot write", files[0].path, ENOMEM);
    for (size_t i = 0; i < nin; i++)
        identify(assocgen_input_at(g, i), &ids[i]);
    for (size_t i = 0; i < nfiles; i++)
        identify(files[i].path, &ids[nin + i]);
    int rc = 0;
    for (size_t i = 0; i < nfiles && rc == 0; i++) {
        bool is_dep = i == nouts;
        const char *other = NULL, *kind = NULL;
        for (size_t k = 0; k < nin && !other; k++)
            if (same_file(&ids[nin + i], &ids[k]))
                other = assocgen_input_at(g, k), kind = "input";
        for (size_t k = 0; is_dep && k < nouts && !other; k++)
            if (same_file(&ids[nin + i], &ids[nin + k]))
                other = files[k].path, kind = "output";
        if (other) {
            char *p = load_show_path(files[i].path, false), *o = load_show_path(other, false);
            snprintf(err, errsize, "cannot write %s'%s': it is the %s '%s'; refusing to overwrite it",
                     is_dep ? "the depfile " : "", p ? p : "?", kind, o ? o : "?");
            free(p);
            free(o);
            rc = 2;
        }
    }
    for (size_t i = 0; i < nin + nfiles; i++)
        free(ids[i].entry);
    free(ids);
    return rc;
}

int assocgen_write(assocgen *g, const char *out_dir, const char *depfile, char *err, size_t errsize)
{
    enum { MAX_FILES = MAX_OUTPUTS + 1 };
    out_file files[MAX_FILES];
    size_t n = 0, nouts = 0, created = 0;
    strbuf dep = STRBUF_INIT;
    int rc = 0;
    memset(files, 0, sizeof files);
    err[0] = '\0';

    /* The paths, and the depfile's text (it names them), before anything
     * is created.  "out/" gives "out/models.h", as make must read it. */
    size_t dirlen = strlen(out_dir);
    if (dirlen == 0)
        return fail(err, errsize, "cannot write to", out_dir, ENOENT);
    while (dirlen > 1 && out_dir[dirlen - 1] == '/')
        dirlen--;
    for (size_t i = 0; rc == 0 && i < g->noutputs; i++) {
        const assocgen_output *o = &g->outputs[i];
        size_t len = dirlen + strlen(g->base) + strlen(o->suffix) + 2;
        out_file *f = &files[n++];
        f->path = malloc(len);
        if (f->path == NULL) {
            rc = fail(err, errsize, "cannot write to", out_dir, ENOMEM);
            break;
        }
        snprintf(f->path, len, "%.*s%s%s%s", (int)dirlen, out_dir, out_dir[dirlen - 1] == '/' ? "" : "/", g->base,
                 o->suffix);
        f->text = o->text;
        f->len = o->len;
    }
    nouts = n;
    if (rc == 0 && depfile) {
        rc = dep_text(g, files, nouts, depfile, &dep, err, errsize);
        out_file *f = &files[n++];
        f->path = strdup(depfile);
        f->text = dep.data;
        f->len = dep.len;
        if (rc == 0 && f->path == NULL)
            rc = fail(err, errsize, "cannot write", depfile, ENOMEM);
    }
    if (rc == 0)
        rc = make_dirs(out_dir, &created, err, errsize);
    if (rc == 0)
        rc = check_clobber(g, files, nouts, depfile, err, errsize);

    sigset_t old_mask;
    hold_signals(&old_mask);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = write_temp(&files[i], err, errsize);
        if (rc == 0 && signal_waiting()) {
            snprintf(err, errsize, "interrupted: nothing written");
            rc = 2;
        }
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (files[i].tmp && files[i].existed)
            rc = make_backup(&files[i], err, errsize);
    /* Until now nothing visible has changed. */
    if (rc == 0)
        rc = commit(files, n, err, errsize);
    for (size_t i = 0; i < n; i++) {
        out_file *f = &files[i];
        if (f->tmp)
            unlink(f->tmp);         /* left over only on failure */
        if (f->bak)
            unlink(f->bak);         /* a second name of the old file, or a placeholder */
        free(f->tmp);
        free(f->bak);
        free(f->path);
    }
    if (rc != 0 && created)
        remove_dirs(out_dir, created);   /* a failed run leaves no trace */
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    strbuf_free(&dep);
    return rc;
}
