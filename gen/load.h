/* load.h - reading a .def file and, depth first, everything it imports. */
#ifndef ASSOCGEN_LOAD_H
#define ASSOCGEN_LOAD_H

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
 * and tidied ("a/../b.def" is "b.def"), so a file has one name. */
int load_schema(arena *a, diag_ctx *d, load_reader read, void *read_ctx,
                const char *path, load_result *out);

/* The default reader: the file system. */
int load_read_file(void *ctx, const char *path, char **text, size_t *len);

enum { LOAD_MAX_FILE_SIZE = 64 * 1024 * 1024, LOAD_MAX_IMPORT_DEPTH = 64 };

#endif
