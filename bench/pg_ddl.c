/* pg_ddl.c - make the seed's tables in a PostgreSQL database with the
 * generated models_create_all(): the generator's own DDL, for the template
 * database that bench/pg_run.py copies for each run (so the hand-written
 * libpq C and SQLAlchemy start from the same empty tables as the API).
 *
 *   pg_ddl postgresql://HOST:PORT/DB
 */
#include <stdio.h>

#include "models.h"

int main(int argc, char **argv)
{
    assoc_db *db = NULL;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s URI\n", argv[0]);
        return 2;
    }
    rc = assoc_open(argv[1], &db);
    if (rc == ASSOC_OK)
        rc = models_create_all(db);
    if (rc != ASSOC_OK) {
        fprintf(stderr, "pg_ddl: %s\n", db != NULL ? assoc_errmsg(db) : assoc_errmsg(NULL));
        assoc_close(db);
        return 1;
    }
    assoc_close(db);
    return 0;
}
