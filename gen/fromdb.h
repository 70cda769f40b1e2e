/* fromdb.h - assocgen --from-db: a model file (.def) from an existing SQLite
 * database (SPEC section 7), one made by SQLAlchemy, Django or by hand.
 *
 * The database is opened read-only (a file: URI with mode=ro) and only read:
 * sqlite_master (its CREATE TABLE texts too, for the CHECKs that make json
 * and enum columns) and the table_xinfo, foreign_key_list, index_list and
 * index_xinfo pragmas.  SPEC 9's constructs are used where the database
 * says so: json, enum(...), column("SQL name"), remote_side on a
 * self-referential key, post_update where keys refer to each other.  What
 * the model language cannot say (a partial index,
 * a default expression, a composite foreign key, a table without a primary
 * key's C API...) is left out with a '#' comment in the output saying so,
 * and the result is run through the checker before anything is written, so
 * a file that would not pass --check is never written.
 */
#ifndef ASSOCGEN_FROMDB_H
#define ASSOCGEN_FROMDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Read the database at db_path and make the text of the model file that
 * will be named `base`.def (base names the schema: <base>_create_all).
 * OUT: *text (malloc'd, NUL-terminated, the caller's), *len.  `notes`, when
 * not NULL, receives one line (ending in '\n') per thing left out of the
 * model, for the command to show as warnings.  Returns 0, or 2 with a
 * one-line message in err (an unreadable or empty database, out of memory). */
int fromdb_generate(const char *db_path, const char *base, char **text, size_t *len,
                    char **notes, char *err, size_t errsize);

/* The command: generate, check the result with the compiler's own checker,
 * and unless check_only write out_dir/<base>.def (out_dir created with its
 * parents when missing; a temporary file renamed into place; an unchanged
 * file is left alone), where base is the database file's name without its
 * extension.  Warnings and errors go to `msgs`, each line starting with
 * "assocgen: ".  Returns the exit status: 0, 1 when the model made does not
 * pass the checker (a bug: the diagnostics are shown), 2 for an unreadable
 * database or a failure to write. */
int fromdb_run(const char *db_path, const char *out_dir, bool check_only, FILE *msgs);

#endif
