/* assocgen.h - the compiler as a library; gen/main.c is a thin CLI over it.
 *
 *   assocgen *g = assocgen_create();
 *   int rc = assocgen_load(g, "schema/models.def");      // parse + check
 *   if (rc == 0) rc = assocgen_generate(g, &opts);       // emit into memory
 *   if (rc == 0) rc = assocgen_write(g, "out", NULL, err, sizeof err);
 *   ... assocgen_diagnostics(g) ...
 *   assocgen_destroy(g);
 *
 * Return codes follow the command's exit status: 0 success, 1 errors in the
 * schema (reported as diagnostics), 2 an unreadable input or a failure to
 * write (reported in the error buffer or as a diagnostic without a file).
 * Nothing here prints or exits.
 */
#ifndef ASSOCGEN_H
#define ASSOCGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "schema.h"

#define ASSOCGEN_VERSION "1.0.0"

enum {
    ASSOCGEN_EMIT_HEADER = 1 << 0,
    ASSOCGEN_EMIT_SOURCE = 1 << 1,
    ASSOCGEN_EMIT_SQL = 1 << 2,
    ASSOCGEN_EMIT_DOT = 1 << 3,
    ASSOCGEN_EMIT_DEFAULT = ASSOCGEN_EMIT_HEADER | ASSOCGEN_EMIT_SOURCE | ASSOCGEN_EMIT_SQL
};

typedef struct assocgen assocgen;

/* Reads a whole file.  OUT: *text (malloc'd, NUL-terminated, owned by the
 * caller), *len.  Returns 0, or an errno value. */
typedef int (*assocgen_reader)(void *ctx, const char *path, char **text, size_t *len);

typedef struct assocgen_output {
    const char *suffix;     /* ".h", ".c", ".sql", ".dot", ".migrate.sql" */
    char *text;
    size_t len;
} assocgen_output;

/* NULL when out of memory. */
assocgen *assocgen_create(void);
void assocgen_destroy(assocgen *g);   /* NULL accepted */

/* Read files through `fn` instead of the file system (fuzzing, tests). */
void assocgen_set_reader(assocgen *g, assocgen_reader fn, void *ctx);
void assocgen_set_werror(assocgen *g, bool werror);

/* Read `path` and every file it imports, parse and check them. */
int assocgen_load(assocgen *g, const char *path);
/* --migrate-from: after a successful load, read and check old_path (the
 * file's previous version) and plan the migration from it (migrate.h);
 * assocgen_generate() then adds the output ".migrate.sql".  A change that
 * loses data is an error unless allow_data_loss.  Returns 0, 1 (errors,
 * as diagnostics) or 2 (old_path unreadable, out of memory).  Its files
 * count as inputs (the depfile names them; no output may be one). */
int assocgen_migrate_from(assocgen *g, const char *old_path, bool allow_data_loss);

/* The checked schema after a successful load, else NULL. */
const sch_schema *assocgen_schema(const assocgen *g);

/* Emit the kinds in `emit` (ASSOCGEN_EMIT_*) into memory; prefix may be NULL. */
int assocgen_generate(assocgen *g, unsigned emit, const char *prefix);
size_t assocgen_output_count(const assocgen *g);
const assocgen_output *assocgen_output_at(const assocgen *g, size_t i);
/* The output base name: "models" for "schema/models.def". */
const char *assocgen_base(const assocgen *g);

/* Every file read by the load, the main file first. */
size_t assocgen_input_count(const assocgen *g);
const char *assocgen_input_at(const assocgen *g, size_t i);

/* Write the outputs into out_dir (created with its parents when missing)
 * and, when depfile is not NULL, a dependency file as GNU make reads it.
 * All or nothing: each file is written to a temporary name beside it, the
 * old files are kept under a second name, and the new ones are renamed into
 * place; if any step fails, every old file is put back (and a new file
 * that had none is removed), so a failed write leaves the files as they
 * were.  A file whose content is unchanged is left alone (its mtime kept).
 * New files are created 0666 less the umask; a replaced file keeps its
 * permission bits.  Refused before anything is written: an output or the
 * depfile that is one of the inputs, the depfile that is an output (same
 * inode, or the same path once directories are resolved), a name make
 * cannot read in the depfile.  SIGINT, SIGTERM and SIGHUP are held while
 * files are replaced (one that comes before the renames stops the write).
 * On failure err gets a one-line message naming the path and the reason,
 * and 2 is returned. */
int assocgen_write(assocgen *g, const char *out_dir, const char *depfile, char *err, size_t errsize);

/* Diagnostics so far, in report order; and the counts. */
const diagnostic *assocgen_diagnostics(const assocgen *g);
const diag_ctx *assocgen_diag(const assocgen *g);

#endif
