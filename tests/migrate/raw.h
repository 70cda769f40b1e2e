/* raw.h - SQL straight to the database a case's check.c is given, on
 * SQLite or on PostgreSQL (tests/migrate/run.py runs each case on both),
 * for what the generated API does not say: a CHECK that refuses a value, a
 * view, ON DELETE.  Include before the generated header. */
#ifndef MIGRATE_RAW_H
#define MIGRATE_RAW_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "assoc.h"

/* Run sql (one statement or several): 0 when it ran. */
static inline int raw(assoc_db *db, const char *sql)
{
    if (assoc_sqlite(db) != NULL)
        return sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, NULL);
    PGresult *r = PQexec(assoc_pg(db), sql);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : 1;
}

/* The integer in the first column of sql's first row; -1 when it failed
 * (said on stderr). */
static inline long raw_count(assoc_db *db, const char *sql)
{
    long n = -1;
    if (assoc_sqlite(db) != NULL) {
        sqlite3 *h = assoc_sqlite(db);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            n = (long)sqlite3_column_int64(st, 0);
        else
            fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
        sqlite3_finalize(st);
        return n;
    }
    PGresult *r = PQexec(assoc_pg(db), sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
        n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    else
        fprintf(stderr, "%s: %s\n", sql, PQresultErrorMessage(r));
    PQclear(r);
    return n;
}

#endif
