/* e2e.h - shared by the end-to-end tests: programs that run the code
 * assocgen generated, against a real SQLite database, or a real
 * PostgreSQL server (ASSOC_TEST_PG). */
#ifndef ASSOCGEN_E2E_H
#define ASSOCGEN_E2E_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

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

/* ---------------------------------------------------------------------
 * The database: SQLite, or PostgreSQL when ASSOC_TEST_PG holds a server's
 * URI (make pg-e2e-tests runs every program so, against the server that
 * tests/pg/with_server.sh starts).  Each PostgreSQL connection works in a
 * schema of its own (e2e_<pid>_<n>), made empty at open and dropped at
 * close, so programs and tests never see each other's tables.
 * ------------------------------------------------------------------- */

static inline const char *e2e_pg_uri(void)
{
    const char *u = getenv("ASSOC_TEST_PG");
    return u && *u ? u : NULL;
}

static inline bool e2e_is_pg(assoc_db *db)
{
    return assoc_pg(db) != NULL;
}

/* Run SQL through the raw handle (no parameters; several statements
 * allowed).  Fails the test on error. */
static inline void e2e_raw(assoc_db *db, const char *sql)
{
    if (e2e_is_pg(db)) {
        PGresult *r = PQexec(assoc_pg(db), sql);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
            PQclear(r);
            fail_msg("%s: %s", sql, msg);
        }
        PQclear(r);
        return;
    }
    char *err = NULL;
    if (sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, &err) != SQLITE_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", err ? err : "?");
        sqlite3_free(err);
        fail_msg("%s: %s", sql, msg);
    }
}

/* Open the test database.  SQLite: path (":memory:" for most tests).
 * PostgreSQL: the server's, in a fresh schema; path is ignored. */
static inline int e2e_open_path(const char *path, assoc_db **db)
{
    const char *uri = e2e_pg_uri();
    int rc = assoc_open(uri ? uri : path, db);
    if (rc != ASSOC_OK || uri == NULL)
        return rc;
    static int n;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SET client_min_messages = warning; DROP SCHEMA IF EXISTS e2e_%ld_%d CASCADE; "
             "CREATE SCHEMA e2e_%ld_%d; SET search_path TO e2e_%ld_%d",
             (long)getpid(), n, (long)getpid(), n, (long)getpid(), n);
    n++;
    e2e_raw(*db, sql);
    return ASSOC_OK;
}

static inline int e2e_open(assoc_db **db)
{
    return e2e_open_path(":memory:", db);
}

/* Run SQL on a connection of its own to the server of ASSOC_TEST_PG,
 * outside any test's schema (to make or drop one).  Fails the test when the
 * server cannot be reached or the SQL fails. */
static inline void e2e_pg_admin(const char *sql)
{
    assoc_db *a = NULL;
    if (assoc_open(e2e_pg_uri(), &a) != ASSOC_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", assoc_errmsg(a));
        assoc_close(a);
        fail_msg("cannot reach the server %s: %s", e2e_pg_uri(), msg);
    }
    e2e_raw(a, sql);
    assoc_close(a);
}

/* For a database that another program (SQLAlchemy) opens too: an empty
 * schema of the test's own, named prefix_<pid>_<n> into schema, and into
 * uri the server's URI with that schema as the search_path of every
 * connection made with it (options=-csearch_path=..., as libpq and
 * psycopg2 read it).  Drop it with e2e_pg_drop_schema. */
static inline void e2e_pg_schema(const char *prefix, char *schema, size_t schema_size, char *uri, size_t uri_size)
{
    static int n;
    char sql[256];
    const char *base = e2e_pg_uri();
    snprintf(schema, schema_size, "%s_%ld_%d", prefix, (long)getpid(), n++);
    if ((size_t)snprintf(uri, uri_size, "%s%soptions=-csearch_path%%3D%s", base, strchr(base, '?') ? "&" : "?",
                         schema) >= uri_size)
        fail_msg("the server's URI is too long: %s", base);
    snprintf(sql, sizeof sql, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; "
             "CREATE SCHEMA %s", schema, schema);
    e2e_pg_admin(sql);
}

static inline void e2e_pg_drop_schema(const char *schema)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE", schema);
    e2e_pg_admin(sql);
}

/* Close; on PostgreSQL, drop the connection's schema first. */
static inline void e2e_close(assoc_db *db)
{
    if (db != NULL && e2e_is_pg(db) && PQstatus(assoc_pg(db)) == CONNECTION_OK) {
        PGresult *r = PQexec(assoc_pg(db), "ROLLBACK");
        PQclear(r);
        r = PQexec(assoc_pg(db), "SELECT current_schema()");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
            strncmp(PQgetvalue(r, 0, 0), "e2e_", 4) == 0) {
            char sql[128];
            snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", PQgetvalue(r, 0, 0));
            PQclear(PQexec(assoc_pg(db), sql));
        }
        PQclear(r);
    }
    assoc_close(db);
}

/* Run SQL that writes rows with explicit keys.  On PostgreSQL the identity
 * columns' sequences then move past the largest key, as SQLite's row ids
 * do by themselves, so that the API's next insert takes a new one. */
static inline void e2e_exec(assoc_db *db, const char *sql)
{
    e2e_raw(db, sql);
    if (!e2e_is_pg(db))
        return;
    e2e_raw(db,
            "DO $$ DECLARE r record; BEGIN "
            "FOR r IN SELECT table_name AS t, column_name AS c FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP "
            "EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), "
            "COALESCE((SELECT max(%I) FROM %I), 0) + 1, false)', r.t, r.c, r.c, r.t); "
            "END LOOP; END $$");
}

/* One integer from a SQL query (NULL and no row: -1), for checking what is
 * really in the tables.  Write portable SQL (count(*), sum(...), ...). */
static inline int64_t sql_int(assoc_db *db, const char *sql)
{
    int64_t v = -1;
    if (e2e_is_pg(db)) {
        PGresult *r = PQexec(assoc_pg(db), sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
            PQclear(r);
            fail_msg("%s: %s", sql, msg);
        }
        if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        return v;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(assoc_sqlite(db)));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* One text from a SQL query into buf ("" for NULL or no row). */
static inline const char *sql_text(assoc_db *db, const char *sql, char *buf, size_t size)
{
    buf[0] = '\0';
    if (e2e_is_pg(db)) {
        PGresult *r = PQexec(assoc_pg(db), sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
            PQclear(r);
            fail_msg("%s: %s", sql, msg);
        }
        if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            snprintf(buf, size, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        return buf;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(assoc_sqlite(db)));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static inline uint64_t e2e_hash_row(uint64_t h, const char *t)
{
    for (; t && *t; t++)
        h = (h ^ (unsigned char)*t) * 1099511628211u;
    return (h ^ 0xff) * 1099511628211u;
}

/* A fingerprint of every row of the named tables, to show that a failed
 * call changed nothing: sum of a hash of each row's text form (each
 * database's own text form: compare fingerprints of one database only). */
static inline uint64_t db_fingerprint(assoc_db *db, const char *const *tables, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", tables[i]);
        if (e2e_is_pg(db)) {
            PGresult *r = PQexec(assoc_pg(db), sql);
            if (PQresultStatus(r) != PGRES_TUPLES_OK) {
                PQclear(r);
                fail_msg("%s failed", sql);
            }
            for (int row = 0; row < PQntuples(r); row++) {
                uint64_t h = 1469598103934665603u + i;
                for (int c = 0; c < PQnfields(r); c++)
                    h = e2e_hash_row(h, PQgetisnull(r, row, c) ? NULL : PQgetvalue(r, row, c));
                total += h;
            }
            PQclear(r);
            continue;
        }
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(assoc_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
            fail_msg("prepare %s", sql);
        while (sqlite3_step(st) == SQLITE_ROW) {
            uint64_t h = 1469598103934665603u + i;
            for (int c = 0; c < sqlite3_column_count(st); c++)
                h = e2e_hash_row(h, (const char *)sqlite3_column_text(st, c));
            total += h;
        }
        sqlite3_finalize(st);
    }
    return total;
}

/* A test that needs SQLite itself (its PRAGMAs, its query plans, the
 * raw handle's hooks) is skipped on PostgreSQL. */
#define SQLITE_ONLY(db)                                                                 \
    do {                                                                                \
        if (e2e_is_pg(db)) {                                                            \
            skip();                                                                     \
        }                                                                               \
    } while (0)

#endif
