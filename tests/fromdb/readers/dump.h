/* dump.h - printing for the readers: every value in the form the Python
 * side prints it (sa_schemas.py dump, hand_dump.py), so that the two
 * outputs compare line by line.  Each reader opens the database named on
 * its command line through the generated API only, prints every row and
 * every relationship, and exits non-zero on any failure. */
#ifndef FROMDB_DUMP_H
#define FROMDB_DUMP_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc.h"

static assoc_db *db;

#define CHECK(call)                                                                           \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != ASSOC_OK) {                                                                \
            fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, rc_,      \
                    assoc_errmsg(db));                                                        \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

/* A to-one relationship: ASSOC_OK or ASSOC_NOTFOUND, else a failure. */
#define TO_ONE(call, found)                                                                   \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != ASSOC_OK && rc_ != ASSOC_NOTFOUND) {                                       \
            fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, rc_,      \
                    assoc_errmsg(db));                                                        \
            exit(1);                                                                          \
        }                                                                                     \
        (found) = rc_ == ASSOC_OK;                                                            \
    } while (0)

static inline void p_text(const char *key, const char *v)
{
    printf(" %s=%s", key, v ? v : "NULL");
}

static inline void p_int(const char *key, int64_t v, bool has)
{
    if (has)
        printf(" %s=%" PRId64, key, v);
    else
        printf(" %s=NULL", key);
}

static inline void p_real(const char *key, double v, bool has)
{
    if (has)
        printf(" %s=%.6f", key, v);
    else
        printf(" %s=NULL", key);
}

static inline void p_bool(const char *key, bool v, bool has)
{
    printf(" %s=%s", key, has ? (v ? "true" : "false") : "NULL");
}

static inline void p_time(const char *key, assoc_time v, bool has)
{
    char buf[ASSOC_TIME_TEXT_SIZE];
    if (!has) {
        printf(" %s=NULL", key);
        return;
    }
    if (assoc_time_format(v, buf) != ASSOC_OK) {
        fprintf(stderr, "time %s out of range\n", key);
        exit(1);
    }
    printf(" %s=%s", key, buf);
}

static inline void p_blob(const char *key, assoc_blob v)
{
    if (v.data == NULL) {
        printf(" %s=NULL", key);
        return;
    }
    printf(" %s=x'", key);
    for (size_t i = 0; i < v.len; i++)
        printf("%02x", v.data[i]);
    printf("'");
}

/* An enum field (SPEC 9), by its value's name: names[v - 1]; 0 is unset. */
static inline void p_enum(const char *key, int v, bool has, const char *const *names, size_t n)
{
    if (!has || v == 0) {
        printf(" %s=NULL", key);
        return;
    }
    if (v < 1 || (size_t)v > n) {
        fprintf(stderr, "enum %s: no value %d\n", key, v);
        exit(1);
    }
    printf(" %s=%s", key, names[v - 1]);
}
#define NAMES(a) (a), sizeof(a) / sizeof((a)[0])

/* After reading the original: close it and open the copy (argv[2], which
 * OPEN_AND_CREATE_ALL gave to create_all), where the reader deletes rows;
 * false when there is no copy. */
static inline bool open_copy(int argc, char **argv)
{
    assoc_close(db);
    db = NULL;
    if (argc < 3)
        return false;
    CHECK(assoc_open(argv[2], &db));
    return true;
}

/* <schema>_verify (SPEC 7) where the generated code has it: run.sh
 * defines FROMDB_VERIFY when the generated header declares it. */
#ifdef FROMDB_VERIFY
#define VERIFY(verify) CHECK(verify(db))
#else
#define VERIFY(verify) ((void)0)
#endif

/* Open the database to read, and verify it against the generated code;
 * with a second path, run <schema>_create_all on that copy of it first,
 * which must find the tables it expects. */
#define OPEN_AND_CREATE_ALL(argc, argv, create_all, verify)                                   \
    do {                                                                                      \
        if ((argc) < 2) {                                                                     \
            fprintf(stderr, "usage: %s DB [COPY]\n", (argv)[0]);                              \
            return 2;                                                                         \
        }                                                                                     \
        if ((argc) > 2) {                                                                     \
            CHECK(assoc_open((argv)[2], &db));                                                \
            CHECK(create_all(db));                                                            \
            assoc_close(db);                                                                  \
        }                                                                                     \
        CHECK(assoc_open((argv)[1], &db));                                                    \
        VERIFY(verify);                                                                       \
    } while (0)


/* `call` must be ASSOC_SCHEMA with `needle` in the message: a database the
 * generated code reads but cannot write as it is (a BIGINT key is not
 * SQLite's row id, so inserts would leave it NULL), which create_all and
 * verify refuse, saying why. */
#define EXPECT_SCHEMA(call, needle)                                                           \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != ASSOC_SCHEMA || strstr(assoc_errmsg(db), (needle)) == NULL) {              \
            fprintf(stderr, "%s:%d: %s returned %d, expected ASSOC_SCHEMA saying \"%s\": %s\n", \
                    __FILE__, __LINE__, #call, rc_, (needle), assoc_errmsg(db));              \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

/* OPEN_AND_CREATE_ALL for such a database: create_all on the copy and
 * verify on the original both refuse it with ASSOC_SCHEMA saying `needle`. */
#define OPEN_REFUSED(argc, argv, create_all, verify, needle)                                  \
    do {                                                                                      \
        if ((argc) < 2) {                                                                     \
            fprintf(stderr, "usage: %s DB [COPY]\n", (argv)[0]);                              \
            return 2;                                                                         \
        }                                                                                     \
        if ((argc) > 2) {                                                                     \
            CHECK(assoc_open((argv)[2], &db));                                                \
            EXPECT_SCHEMA(create_all(db), (needle));                                          \
            assoc_close(db);                                                                  \
        }                                                                                     \
        CHECK(assoc_open((argv)[1], &db));                                                    \
        EXPECT_SCHEMA(verify(db), (needle));                                                  \
    } while (0)

#endif
