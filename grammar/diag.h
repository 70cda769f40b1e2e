/* diag.h - source files and the diagnostics reported against them.
 *
 * The compiler never prints.  Every stage reports through diag_report(),
 * which records the diagnostic (file, line, column, severity, message) and a
 * rendered form:
 *
 *     models.def:12:5: error: unknown type 'strng'; did you mean 'string'?
 *         email strng(255)
 *               ^
 *
 * The driver decides where the rendered text goes (stderr for the CLI, a
 * buffer for tests).  Errors are counted; after DIAG_MAX_ERRORS the rest are
 * dropped and a single "too many errors" note is recorded.
 */
#ifndef ASSOCGEN_DIAG_H
#define ASSOCGEN_DIAG_H

#include <stdbool.h>
#include <stddef.h>

enum { DIAG_MAX_ERRORS = 50 };

/* One source file in memory.  `name` is the path as given on the command line
 * or in the import (used in diagnostics); `text` holds `len` bytes plus a NUL. */
typedef struct source {
    char *name;                /* the path it was read from (for the depfile) */
    /* The name diagnostics give it, as the user wrote it (SPEC 1,
     * Diagnostics): the command line's path for the main file, the
     * import's string for an imported one; NULL: `name`. */
    char *shown;
    char *text;
    size_t len;
    struct source *next;       /* diag_ctx's list of every loaded file */
} source;

/* A position in a source file; lines and columns count from 1.  Columns
 * count bytes.  `src` is NULL for diagnostics about no file (usage errors). */
typedef struct loc {
    const source *src;
    int line, col;
} loc;

typedef enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

typedef struct diagnostic {
    diag_severity severity;
    loc at;
    char *message;             /* the MESSAGE part only */
    char *rendered;            /* the full text with source line and caret */
    struct diagnostic *next;
} diagnostic;

typedef struct diag_ctx {
    diagnostic *first, *last;
    int errors, warnings;
    bool werror;               /* warnings count as errors */
    bool overflowed;           /* DIAG_MAX_ERRORS reached */
    bool nomem;                /* a diagnostic could not be recorded */
    source *sources;           /* owned: every file loaded */
} diag_ctx;

/* Record a diagnostic.  `at.src` may be NULL.  Returns nothing: running out
 * of memory sets ctx->nomem and still counts the error. */
void diag_report(diag_ctx *ctx, diag_severity sev, loc at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define diag_error(ctx, at, ...) diag_report((ctx), DIAG_ERROR, (at), __VA_ARGS__)
#define diag_warning(ctx, at, ...) diag_report((ctx), DIAG_WARNING, (at), __VA_ARGS__)
#define diag_note(ctx, at, ...) diag_report((ctx), DIAG_NOTE, (at), __VA_ARGS__)

/* True when the run has failed: any error, or a warning under -Werror. */
bool diag_failed(const diag_ctx *ctx);

/* Take ownership of a file's text (malloc'd, NUL-terminated, `len` bytes)
 * and name; returns the source, owned by ctx, or NULL on no memory (text and
 * name are then freed). */
source *diag_add_source(diag_ctx *ctx, char *name, char *text, size_t len);
/* The name diagnostics give a source (its `shown`, else its `name`). */
const char *source_shown(const source *s);

/* Free every diagnostic and source. */
void diag_free(diag_ctx *ctx);

/* "did you mean" support: the candidate closest to `word` by edit distance,
 * or NULL when none is close enough to be a plausible typo. */
const char *diag_closest(const char *word, const char *const *candidates, size_t n);

/* Incremental form of diag_closest for candidates that are not in an array. */
typedef struct diag_suggest {
    const char *word;
    const char *best;
    size_t best_dist;
} diag_suggest;
void diag_suggest_init(diag_suggest *s, const char *word);
void diag_suggest_offer(diag_suggest *s, const char *candidate);
const char *diag_suggest_result(const diag_suggest *s);  /* NULL if none close */

#endif
