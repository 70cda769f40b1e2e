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

/* The length (1 to 4) of the well-formed UTF-8 sequence at s, its code
 * point in *cp; 0 when the bytes there are not UTF-8. */
static size_t utf8_seq(const unsigned char *s, unsigned long *cp)
{
    unsigned long c = s[0], min;
    size_t n;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xe0) == 0xc0)
        n = 2, c &= 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        n = 3, c &= 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
        n = 4, c &= 0x07, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

size_t load_bidi_at(const char *s)
{
    unsigned long cp = 0;
    size_t n = utf8_seq((const unsigned char *)s, &cp);
    bool bidi = cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
                (cp >= 0x2066 && cp <= 0x2069);
    return n > 1 && bidi ? n : 0;
}

char *load_show_path(const char *path, bool comment)
{
    strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)path;
    while (*p) {
        unsigned long cp;
        size_t n = utf8_seq(p, &cp), bidi = load_bidi_at((const char *)p);
        if (*p < 0x20 || *p == 0x7f || bidi || (comment && n == 0)) {
            /* A control byte, a bidirectional control (every byte of it),
             * or in a comment a byte that is no UTF-8. */
            size_t k = bidi ? bidi : 1;
            for (size_t i = 0; i < k; i++)
                strbuf_printf(&sb, "\\x%02x", p[i]);
            p += k;
            continue;
        }
        if (n == 0)
            n = 1;
        strbuf_putn(&sb, (const char *)p, n);
        if (comment && n == 1) {
            /* '\' doubled, so that every backslash starts an escape; "??"
             * (a trigraph's start), "*" "/" and "/" "*" split by one. */
            if (*p == '\\' || (*p == '?' && p[1] == '?') || (*p == '*' && p[1] == '/') || (*p == '/' && p[1] == '*'))
                strbuf_putc(&sb, '\\');
        }
        p += n;
    }
    return strbuf_take(&sb);
}

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

/* Drop the last segment of the path in sb ("a/b" -> "a", "/a" -> "/",
 * "a" -> ""). */
static void drop_segment(strbuf *sb)
{
    const char *s = strbuf_str(sb);
    const char *slash = strrchr(s, '/');
    sb->len = slash == NULL ? 0 : slash == s ? 1 : (size_t)(slash - s);
    if (sb->data)
        sb->data[sb->len] = '\0';
}

/* Tidy `p` as the kernel resolves it when the file is opened: "dir/.."
 * goes only when dir is a directory that is no symbolic link; a link
 * before ".." is replaced by its real path (realpath), so "link/../c.def"
 * names the c.def beside the link's target, as open() finds it, and not
 * the one beside the link; a ".." after something that is no directory
 * stays, so that reading it fails as open() fails.  "." segments and
 * doubled slashes go.  Relative paths stay relative unless a link had to
 * be resolved.  Malloc'd; NULL when out of memory. */
static char *resolve_dots(const char *p)
{
    strbuf sb = STRBUF_INIT;
    bool abs = p[0] == '/';
    size_t floor = 0;             /* sb[0..floor) stays: "/", leading ".." */
    if (abs) {
        strbuf_putc(&sb, '/');
        floor = 1;
    }
    while (*p) {
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - seg);
        if (*p == '/')
            p++;
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.' && sb.len > floor && !sb.failed) {
            struct stat st;
            const char *dir = strbuf_str(&sb);
            if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
                drop_segment(&sb);
                continue;
            }
            char *real = lstat(dir, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(dir, NULL) : NULL;
            if (real && stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
                strbuf_reset(&sb);
                strbuf_puts(&sb, real);
                free(real);
                floor = 1;
                if (sb.len > 1)
                    drop_segment(&sb);
                continue;
            }
            free(real);
            /* Not a directory, or missing: open() fails here, and so shall we. */
        } else if (n == 2 && seg[0] == '.' && seg[1] == '.' && abs && sb.len == 1) {
            continue;             /* "/.." is "/" */
        }
        if (sb.len > 0 && strbuf_str(&sb)[sb.len - 1] != '/')
            strbuf_putc(&sb, '/');
        strbuf_putn(&sb, seg, n);
        if (n == 2 && seg[0] == '.' && seg[1] == '.')
            floor = sb.len;
    }
    if (sb.len == 0)
        strbuf_putc(&sb, '.');
    return strbuf_take(&sb);
}

/* `path` of an import, relative to the directory of the importing file.
 * On the file system, ".." is resolved as the kernel would (resolve_dots);
 * through a reader of the caller's, which has no symbolic links, on the
 * text (clean_path). */
static char *join_relative(const loader *L, const char *importer, const char *path)
{
    const char *slash = strrchr(importer, '/');
    size_t dir = path[0] == '/' ? 0 : slash ? (size_t)(slash - importer) + 1 : 0;
    size_t n = strlen(path);
    char *out = malloc(dir + n + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, importer, dir);
    memcpy(out + dir, path, n + 1);
    if (L->read != load_read_file) {
        clean_path(out);
        return out;
    }
    char *resolved = resolve_dots(out);
    free(out);
    return resolved;
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
    for (; i < L->depth; i++) {
        char *s = load_show_path(L->shown[i], false);
        strbuf_printf(&sb, "%s -> ", s ? s : "?");
        free(s);
    }
    char *s = load_show_path(path, false);
    strbuf_puts(&sb, s ? s : "?");
    free(s);
    return strbuf_take(&sb);
}

/* An import read from the file system must be a regular file (or a
 * directory, which the reader refuses with EISDIR): a pipe would block the
 * build until something writes to it, a device might never end.  Only the
 * file named on the command line may be one (a shell's <(...)). */
static bool not_regular(const loader *L, const char *path)
{
    struct stat st;
    return L->read == load_read_file && stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

/* True when an import that failed would have been found had its path been
 * taken relative to the main file: the likely slip behind the failure. */
static bool found_from_main(loader *L, const ast_decl *from)
{
    if (from->name[0] == '/' || strcmp(from->name_at.src->name, L->main) == 0)
        return false;
    char *alt = join_relative(L, L->main, from->name);
    char *text = NULL;
    size_t len;
    bool found = alt && !not_regular(L, alt) && L->read(L->read_ctx, alt, &text, &len) == 0;
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
            if (chain == NULL) {
                free(canon);
                return L->nomem = true, 1;
            }
            diag_error(L->d, from->name_at, "import cycle: %s; a file cannot import itself, directly or through others",
                       chain);
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
    if (from && not_regular(L, path)) {
        char *p = load_show_path(path, false);
        if (p == NULL)
            return L->nomem = true, 1;
        diag_error(L->d, from->name_at,
                   "cannot read import '%s': not a regular file (a pipe or a device could block the build or never end)",
                   p);
        free(p);
        importer->damaged = true;
        return 1;
    }
    int err = L->read(L->read_ctx, path, &text, &len);
    if (err) {
        /* Names in messages as a terminal can show them: no control bytes. */
        char *p = load_show_path(path, false), *m = load_show_path(L->main, false);
        if (p == NULL || m == NULL) {
            free(p);
            free(m);
            return L->nomem = true, 1;
        }
        if (from) {
            bool slip = found_from_main(L, from);
            diag_error(L->d, from->name_at, "cannot read import '%s': %s%s%s%s", p, strerror(err),
                       slip ? " (an import's path is relative to the file that imports it, not to " : "",
                       slip ? m : "", slip ? ")" : "");
            importer->damaged = true;
        } else {
            diag_error(L->d, (loc){ 0 }, "cannot read '%s': %s", p, strerror(err));
        }
        free(p);
        free(m);
        return from ? 1 : 2;
    }
    char *name = strdup(path);
    source *src = name ? diag_add_source(L->d, name, text, len) : NULL;
    if (src == NULL) {
        if (name == NULL)
            free(text);
        return L->nomem = true, 1;
    }
    /* Diagnostics name an imported file as its import wrote it, and any
     * file without the control bytes its name may hold (a newline would
     * forge a line of the report, an escape sequence drive the terminal). */
    char *shown = load_show_path(from != NULL ? from->name : path, false);
    if (shown == NULL)
        return L->nomem = true, 1;
    if (strcmp(shown, path) != 0)
        src->shown = shown;
    else
        free(shown);
    ast_file *f = ast_parse(L->a, L->d, src);
    if (f == NULL)
        return L->nomem = true, 1;

    int rc = 0;
    L->shown[L->depth] = src->name;
    L->stack[L->depth++] = canon;
    for (const ast_decl *decl = f->decls; decl; decl = decl->next) {
        if (decl->kind != AST_IMPORT)
            continue;
        char *ipath = join_relative(L, path, decl->name);
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
