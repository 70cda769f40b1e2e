/* load.c - see load.h. */
#define _XOPEN_SOURCE 700     /* realpath */
#include "load.h"

#include "strbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int load_read_file(void *ctx, const char *path, char **text, size_t *len)
{
    (void)ctx;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return errno;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return e;
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        return EISDIR;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int err = buf ? 0 : ENOMEM;
    while (err == 0) {
        if (n + 1 >= cap) {
            if (cap >= LOAD_MAX_FILE_SIZE) {
                err = EFBIG;
                break;
            }
            char *p = realloc(buf, cap * 2);
            if (p == NULL) {
                err = ENOMEM;
                break;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                err = EIO;
            break;
        }
    }
    fclose(f);
    if (err) {
        free(buf);
        return err;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

typedef struct loader {
    arena *a;
    diag_ctx *d;
    load_reader read;
    void *read_ctx;
    ast_file **files;
    size_t nfiles, cap;
    char **done;            /* canonical names of files loaded or loading */
    size_t ndone, capdone;
    const char *stack[LOAD_MAX_IMPORT_DEPTH];   /* canonical names being loaded */
    const char *shown[LOAD_MAX_IMPORT_DEPTH];   /* the same, as named (for messages) */
    size_t depth;
    const char *main;       /* the main file, as named */
    bool nomem;
} loader;

/* A name that is the same for two spellings of one file: realpath when the
 * file exists on disk, else the path as written. */
static char *canonical(const char *path)
{
    char *rp = realpath(path, NULL);
    return rp ? rp : strdup(path);
}

/* Tidy a path in place, as Go's path.Clean does: no "." segments, no
 * "dir/.." pairs, no doubled slashes.  "dir/lib/../shared.def" becomes
 * "dir/shared.def", so a file has one name in diagnostics, in the depfile
 * and for cycle detection, whichever file imports it.  A leading ".."
 * stays: "../x.def" cannot be shortened. */
static void clean_path(char *p)
{
    bool abs = p[0] == '/';
    char *start = p + abs, *out = start, *in = start;
    char *floor = start;             /* ".." segments before this stay */
    while (*in) {
        char *seg = in;
        while (*in && *in != '/')
            in++;
        size_t n = (size_t)(in - seg);
        if (*in == '/')
            in++;
        bool dotdot = n == 2 && seg[0] == '.' && seg[1] == '.';
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (dotdot && out > floor) {
            /* Drop the last segment written, and the '/' before it. */
            while (out > floor && out[-1] != '/')
                out--;
            if (out > start)
                out--;
            continue;
        }
        if (dotdot && abs)
            continue;                /* "/.." is "/" */
        if (out > start)
            *out++ = '/';
        memmove(out, seg, n);
        out += n;
        if (dotdot)
            floor = out;
    }
    if (out == p)
        *out++ = '.';
    *out = '\0';
}

/* `path` of an import, relative to the directory of the importing file. */
static char *join_relative(const char *importer, const char *path)
{
    const char *slash = strrchr(importer, '/');
    size_t dir = path[0] == '/' ? 0 : slash ? (size_t)(slash - importer) + 1 : 0;
    size_t n = strlen(path);
    char *out = malloc(dir + n + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, importer, dir);
    memcpy(out + dir, path, n + 1);
    clean_path(out);
    return out;
}

static int load_one(loader *L, const char *path, const ast_decl *from, ast_file *importer);

static int add_file(loader *L, ast_file *f)
{
    if (L->nfiles == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 8;
        ast_file **p = realloc(L->files, cap * sizeof *p);
        if (p == NULL)
            return L->nomem = true, 1;
        L->files = p;
        L->cap = cap;
    }
    L->files[L->nfiles++] = f;
    return 0;
}

static bool seen(loader *L, const char *canon)
{
    for (size_t i = 0; i < L->ndone; i++)
        if (strcmp(L->done[i], canon) == 0)
            return true;
    return false;
}

/* "a.def -> b.def -> a.def": the imports from stack level i to `path`. */
static char *cycle_text(const loader *L, size_t i, const char *path)
{
    strbuf sb = STRBUF_INIT;
    for (; i < L->depth; i++)
        strbuf_printf(&sb, "%s -> ", L->shown[i]);
    strbuf_puts(&sb, path);
    return strbuf_take(&sb);
}

/* True when an import that failed would have been found had its path been
 * taken relative to the main file: the likely slip behind the failure. */
static bool found_from_main(loader *L, const ast_decl *from)
{
    if (from->name[0] == '/' || strcmp(from->name_at.src->name, L->main) == 0)
        return false;
    char *alt = join_relative(L->main, from->name);
    char *text = NULL;
    size_t len;
    bool found = alt && L->read(L->read_ctx, alt, &text, &len) == 0;
    free(text);
    free(alt);
    return found;
}

/* Load `path`, imported by the declaration `from` of `importer` (both NULL
 * for the main file).  An import that cannot be read leaves the importer
 * `damaged`: its declarations are missing, and the checker must not report
 * every name they would have defined as unknown. */
static int load_one(loader *L, const char *path, const ast_decl *from, ast_file *importer)
{
    if (from && from->name[0] == '\0') {
        diag_error(L->d, from->name_at, "import needs a file name, e.g. import \"users.def\"");
        return 1;
    }
    char *canon = canonical(path);
    if (canon == NULL)
        return L->nomem = true, 1;
    for (size_t i = 0; i < L->depth; i++)
        if (strcmp(L->stack[i], canon) == 0) {
            char *chain = cycle_text(L, i, path);
            diag_error(L->d, from->name_at, "import cycle: %s; a file cannot import itself, directly or through others",
                       chain ? chain : path);
            free(chain);
            free(canon);
            return 1;
        }
    if (seen(L, canon)) {
        free(canon);
        return 0;           /* imported twice: loaded once */
    }
    if (L->depth == LOAD_MAX_IMPORT_DEPTH) {
        diag_error(L->d, from->name_at, "imports nested more than %d deep", LOAD_MAX_IMPORT_DEPTH);
        importer->damaged = true;
        free(canon);
        return 1;
    }
    if (L->ndone == L->capdone) {
        size_t cap = L->capdone ? L->capdone * 2 : 8;
        char **p = realloc(L->done, cap * sizeof *p);
        if (p == NULL) {
            free(canon);
            return L->nomem = true, 1;
        }
        L->done = p;
        L->capdone = cap;
    }
    L->done[L->ndone++] = canon;

    char *text = NULL;
    size_t len = 0;
    int err = L->read(L->read_ctx, path, &text, &len);
    if (err) {
        if (from) {
            diag_error(L->d, from->name_at, "cannot read import '%s': %s%s%s%s", path, strerror(err),
                       found_from_main(L, from) ? " (an import's path is relative to the file that imports it, not to " : "",
                       found_from_main(L, from) ? L->main : "", found_from_main(L, from) ? ")" : "");
            importer->damaged = true;
        } else {
            diag_error(L->d, (loc){ 0 }, "cannot read '%s': %s", path, strerror(err));
        }
        return from ? 1 : 2;
    }
    char *name = strdup(path);
    source *src = name ? diag_add_source(L->d, name, text, len) : NULL;
    if (src == NULL) {
        if (name == NULL)
            free(text);
        return L->nomem = true, 1;
    }
    /* Diagnostics name an imported file as its import wrote it. */
    if (from != NULL && strcmp(from->name, path) != 0) {
        src->shown = strdup(from->name);
        if (src->shown == NULL)
            return L->nomem = true, 1;
    }
    ast_file *f = ast_parse(L->a, L->d, src);
    if (f == NULL)
        return L->nomem = true, 1;

    int rc = 0;
    L->shown[L->depth] = src->name;
    L->stack[L->depth++] = canon;
    for (const ast_decl *decl = f->decls; decl; decl = decl->next) {
        if (decl->kind != AST_IMPORT)
            continue;
        char *ipath = join_relative(path, decl->name);
        if (ipath == NULL) {
            L->nomem = true;
            rc = 1;
            break;
        }
        if (load_one(L, ipath, decl, f) != 0)
            rc = 1;
        free(ipath);
        if (L->nomem)
            break;
    }
    L->depth--;
    if (add_file(L, f) != 0)
        rc = 1;
    return rc;
}

int load_schema(arena *a, diag_ctx *d, load_reader read, void *read_ctx,
                const char *path, load_result *out)
{
    loader L = { .a = a, .d = d, .read = read ? read : load_read_file, .read_ctx = read_ctx, .main = path };
    int rc = load_one(&L, path, NULL, NULL);
    if (L.nomem) {
        diag_error(d, (loc){ 0 }, "out of memory");
        d->nomem = true;
    }
    for (size_t i = 0; i < L.ndone; i++)
        free(L.done[i]);
    free(L.done);
    out->files = L.files;
    out->nfiles = L.nfiles;
    return rc;
}
