/* e2e.h - shared by the end-to-end tests: programs that run the code
 * assocgen generated, against a real SQLite database. */
#ifndef ASSOCGEN_E2E_H
#define ASSOCGEN_E2E_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "assoc.h"

/* Assert a call returned ASSOC_OK, showing assoc_errmsg when it did not. */
#define OK(db, call)                                                                    \
    do {                                                                                \
        int rc_ = (call);                                                               \
        if (rc_ != ASSOC_OK)                                                            \
            fail_msg("%s returned %d: %s", #call, rc_, assoc_errmsg(db));               \
    } while (0)

/* Assert a call returned `code`. */
#define RC(db, code, call)                                                              \
    do {                                                                                \
        int rc_ = (call);                                                               \
        if (rc_ != (code))                                                              \
            fail_msg("%s returned %d, expected %d (%s): %s", #call, rc_, (int)(code), #code, \
                     assoc_errmsg(db));                                                 \
    } while (0)

/* One integer from a SQL query, for checking what is really in the tables. */
static inline int64_t sql_int(assoc_db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(assoc_sqlite(db)));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* A fingerprint of every row of the named tables, to show that a failed
 * call changed nothing: sum of a hash of each row's text form. */
static inline uint64_t db_fingerprint(assoc_db *db, const char *const *tables, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", tables[i]);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
            fail_msg("prepare %s", sql);
        while (sqlite3_step(st) == SQLITE_ROW) {
            uint64_t h = 1469598103934665603u + i;
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *t = sqlite3_column_text(st, c);
                for (; t && *t; t++)
                    h = (h ^ *t) * 1099511628211u;
                h = (h ^ 0xff) * 1099511628211u;
            }
            total += h;
        }
        sqlite3_finalize(st);
    }
    return total;
}

#endif
