/* check.h - the checker: syntax trees in, one resolved schema out.
 *
 * It resolves every name (models, tables, columns, types, modifiers,
 * options), infers each relationship's kind as SQLAlchemy does, creates
 * backrefs, links back_populates pairs, orders tables by their foreign keys
 * and reports every problem it finds to the diag context, going on after
 * each so that one run reports many. */
#ifndef ASSOCGEN_CHECK_H
#define ASSOCGEN_CHECK_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"
#include "schema.h"

/* Check the files (imported files first, the main file last) as one schema
 * named `base`.  Returns the schema, owned by the caller (free it with
 * sch_schema_free), or NULL when an error was reported or memory ran out. */
sch_schema *check_schema(diag_ctx *d, ast_file *const *files, size_t nfiles, const char *base);

void sch_schema_free(sch_schema *s);

/* SQLite's limit on the columns of one table. */
enum { CHECK_MAX_COLUMNS = 2000 };

#endif
