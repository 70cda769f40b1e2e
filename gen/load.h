/* load.h - reading a .def file and, depth first, everything it imports. */
#ifndef ASSOCGEN_LOAD_H
#define ASSOCGEN_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

/* Reads a whole file (the same type as assocgen.h's assocgen_reader).
 * OUT: *text (malloc'd, NUL-terminated, owned by the caller), *len.
 * Returns 0, or an errno value. */
typedef int (*load_reader)(void *ctx, const char *path, char **text, size_t *len);

typedef struct load_result {
    ast_file **files;       /* imports first, each file once, the main file last */
    size_t nfiles;
} load_result;

/* Load `path` and its imports into trees allocated in `a`; files is malloc'd
 * (free it).  Returns 0; 1 when an import failed (reported as a diagnostic
 * at the import; when the file could not be read, the importing file is
 * marked `damaged`, as the parser marks a file that lost a declaration);
 * 2 when `path` itself cannot be read (reported as a diagnostic without
 * location).  The parser's own errors are diagnostics too: the caller
 * checks diag_failed().  Import paths are relative to the importing file
 * and tidied as the kernel resolves them ("a/../b.def" is "b.def" when a
 * is a directory; through a symbolic link, the b.def beside the link's
 * target), so a file has one name, the one it is read by and that the
 * depfile gives; diagnostics name it as its import wrote it. */
int load_schema(arena *a, diag_ctx *d, load_reader read, void *read_ctx,
                const char *path, load_result *out);

/* A path as it can be shown where its bytes could do harm.  Control bytes
 * and Unicode bidirectional controls become \xHH (a newline would forge a
 * line of a report, an escape sequence drive the terminal, a bidi control
 * reorder what a reader sees; gcc warns about one in code).  With `comment`
 * (the banners of the outputs: C, SQL and DOT comments) also bytes that are
 * no UTF-8 become \xHH, a backslash is doubled, and "??", "*" "/" and
 * "/" "*" are split by a backslash: no trigraph, no end of the comment, no
 * comment inside it.  Malloc'd; NULL when out of memory. */
char *load_show_path(const char *path, bool comment);

/* The length of the Unicode bidirectional control (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069) the UTF-8 at s starts with, else 0. */
size_t load_bidi_at(const char *s);

/* The default reader: the file system. */
int load_read_file(void *ctx, const char *path, char **text, size_t *len);

enum { LOAD_MAX_FILE_SIZE = 64 * 1024 * 1024, LOAD_MAX_IMPORT_DEPTH = 64 };

#endif
