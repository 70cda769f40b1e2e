/* test_pg_backend.c - libassoc's PostgreSQL backend (runtime/pg.c) against a
 * real server: the URI comes from $ASSOC_PG_URI (tests/pg/with_server.sh
 * sets it).  Connections and session settings, scripts, every binder and
 * reader with their edge values, binary results read as text results are
 * (every reader, every decoded type, printed as the server prints),
 * SQLSTATE mapping, statement-level atomicity
 * inside transactions, re-entrance, reset and re-execution, change counts,
 * serialization failures, deadlocks and lock timeouts between two
 * connections, a connection killed by the server (and, when $ASSOC_PG_DIR
 * names the server's directory, the server stopped), bound injection
 * strings, and the server-side life of prepared statements. */
#include "../unit/testutil.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include <libpq-fe.h>

#include "pg.h"

static const char *uri;

/* ---------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------- */

#define EXPECT(c, expr, want)                                                                              \
    do {                                                                                                   \
        int rc_ = (expr);                                                                                  \
        if (rc_ != (want))                                                                                 \
            print_error("%s:%d: %s returned %d, want %d: %s\n", __FILE__, __LINE__, #expr, rc_, (int)(want), \
                        assoc_pg_errmsg(c));                                                               \
        assert_int_equal(rc_, (want));                                                                     \
    } while (0)

#define OK(c, expr) EXPECT(c, expr, ASSOC_OK)

static assoc_pgconn *connect_ok(void)
{
    assoc_pgconn *c = NULL;
    int rc = assoc_pg_connect(uri, &c);
    if (rc != ASSOC_OK)
        print_error("connect %s: %s\n", uri, assoc_pg_errmsg(c));
    assert_int_equal(rc, ASSOC_OK);
    assert_non_null(c);
    return c;
}

static void exec_ok(assoc_pgconn *c, const char *sql)
{
    OK(c, assoc_pg_exec(c, sql));
}

static assoc_pg_stmt *prepare_ok(assoc_pgconn *c, const char *sql)
{
    assoc_pg_stmt *s = NULL;
    OK(c, assoc_pg_prepare(c, sql, &s));
    assert_non_null(s);
    return s;
}

/* The first column of the only row of sql, as an integer. */
static int64_t q_i64(assoc_pgconn *c, const char *sql)
{
    assoc_pg_stmt *s = prepare_ok(c, sql);
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    int64_t v = -1;
    OK(c, assoc_pg_col_int64(s, 0, &v));
    EXPECT(c, assoc_pg_step(s), ASSOC_OK);
    assoc_pg_finalize(s);
    return v;
}

/* The first column of the only row of sql, as text, into buf. */
static const char *q_text(assoc_pgconn *c, const char *sql, char *buf, size_t size)
{
    assoc_pg_stmt *s = prepare_ok(c, sql);
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    const char *t = assoc_pg_col_text(s, 0, NULL);
    snprintf(buf, size, "%s", t ? t : "(null)");
    assoc_pg_finalize(s);
    return buf;
}

static bool contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* A second connection through libpq alone, for the other side of the
 * concurrency tests. */
static PGconn *raw_connect(void)
{
    PGconn *r = PQconnectdb(uri);
    assert_non_null(r);
    assert_int_equal(PQstatus(r), CONNECTION_OK);
    return r;
}

static void raw_exec(PGconn *r, const char *sql)
{
    PGresult *res = PQexec(r, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        print_error("raw %s: %s\n", sql, PQerrorMessage(r));
    assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
    PQclear(res);
}

/* ---------------------------------------------------------------------
 * Connections
 * ------------------------------------------------------------------- */

static void test_connect_and_session(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    assert_string_equal(assoc_pg_errmsg(c), "not an error");
    assert_string_equal(assoc_pg_sqlstate(c), "");
    assert_true(assoc_pg_connected(c));
    assert_non_null(assoc_pg_conn(c));
    assert_false(assoc_pg_in_transaction(c));
    assert_int_equal(assoc_pg_changes(c), 0);
    char buf[128];
    assert_string_equal(q_text(c, "SHOW TimeZone", buf, sizeof buf), "UTC");
    assert_string_equal(q_text(c, "SHOW client_encoding", buf, sizeof buf), "UTF8");
    assert_string_equal(q_text(c, "SHOW DateStyle", buf, sizeof buf), "ISO, YMD");
    assert_string_equal(q_text(c, "SHOW standard_conforming_strings", buf, sizeof buf), "on");
    assert_string_equal(q_text(c, "SHOW extra_float_digits", buf, sizeof buf), "3");
    assert_string_equal(q_text(c, "SHOW bytea_output", buf, sizeof buf), "hex");
    /* Notices (here: "already exists, skipping") are dropped, not printed. */
    exec_ok(c, "CREATE TEMP TABLE IF NOT EXISTS n(x int); CREATE TEMP TABLE IF NOT EXISTS n(x int)");
    assoc_pg_close(c);

    /* Misuse, and NULL everywhere. */
    c = (assoc_pgconn *)&c;
    assert_int_equal(assoc_pg_connect(NULL, &c), ASSOC_MISUSE);
    assert_null(c);
    assert_int_equal(assoc_pg_connect(uri, NULL), ASSOC_MISUSE);
    assoc_pg_close(NULL);
    assert_null(assoc_pg_conn(NULL));
    assert_non_null(assoc_pg_errmsg(NULL));
    assert_string_equal(assoc_pg_sqlstate(NULL), "");
    assert_false(assoc_pg_connected(NULL));
    assert_false(assoc_pg_in_transaction(NULL));
    assert_int_equal(assoc_pg_changes(NULL), 0);
    assert_int_equal(assoc_pg_exec(NULL, "SELECT 1"), ASSOC_MISUSE);
    assoc_pg_stmt *s = NULL;
    assert_int_equal(assoc_pg_prepare(NULL, "SELECT 1", &s), ASSOC_MISUSE);
    assert_int_equal(assoc_pg_step(NULL), ASSOC_MISUSE);
    assert_int_equal(assoc_pg_bind_int64(NULL, 1, 1), ASSOC_MISUSE);
    assert_int_equal(assoc_pg_column_count(NULL), 0);
    assert_int_equal(assoc_pg_param_count(NULL), 0);
    assert_true(assoc_pg_col_null(NULL, 0));
    assert_null(assoc_pg_col_text(NULL, 0, NULL));
    assoc_pg_reset(NULL);
    assoc_pg_finalize(NULL);
}

/* A failed connect still hands out a handle with the reason; every call on
 * it fails cleanly. */
static void check_failed_connect(const char *bad, const char *why)
{
    assoc_pgconn *c = NULL;
    int rc = assoc_pg_connect(bad, &c);
    assert_int_equal(rc, ASSOC_ERROR);
    assert_non_null(c);
    if (!contains(assoc_pg_errmsg(c), why))
        print_error("connect %s: message '%s' lacks '%s'\n", bad, assoc_pg_errmsg(c), why);
    assert_true(contains(assoc_pg_errmsg(c), why));
    assert_null(strchr(assoc_pg_errmsg(c), '\n'));
    assert_false(assoc_pg_connected(c));
    assert_false(assoc_pg_in_transaction(c));
    assert_int_equal(assoc_pg_exec(c, "SELECT 1"), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "no connection to the server"));
    assoc_pg_stmt *s = (assoc_pg_stmt *)&s;
    assert_int_equal(assoc_pg_prepare(c, "SELECT 1", &s), ASSOC_ERROR);
    assert_null(s);
    assoc_pg_close(c);
}

static void test_connect_failures(void **state)
{
    (void)state;
    check_failed_connect("postgresql:///assoc?host=/nonexistent/assoc-pg-test", "No such file or directory");
    char bad[1024];
    const char *q = strchr(uri, '?');
    snprintf(bad, sizeof bad, "postgresql:///no_such_database_here%s", q ? q : "");
    check_failed_connect(bad, "no_such_database_here");
    check_failed_connect("postgresql://[::1", "matching \"]\"");
}

/* ---------------------------------------------------------------------
 * Scripts
 * ------------------------------------------------------------------- */

static void test_exec(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS ex; CREATE TABLE ex(id bigint PRIMARY KEY, v text)");
    exec_ok(c, "INSERT INTO ex VALUES (1, 'a'); INSERT INTO ex VALUES (2, 'b'), (3, 'c')");
    assert_int_equal(assoc_pg_changes(c), 2);
    exec_ok(c, "");
    exec_ok(c, "SELECT * FROM ex"); /* rows are ignored */

    EXPECT(c, assoc_pg_exec(c, "SELEC 1"), ASSOC_ERROR);
    assert_string_equal(assoc_pg_sqlstate(c), "42601");
    assert_true(contains(assoc_pg_errmsg(c), "syntax error at or near \"SELEC\""));

    /* Outside a transaction block a script is one transaction: the
     * failure of its second statement undoes its first. */
    EXPECT(c, assoc_pg_exec(c, "INSERT INTO ex VALUES (4, 'd'); INSERT INTO ex VALUES (1, 'dup')"),
           ASSOC_CONSTRAINT);
    assert_int_equal(q_i64(c, "SELECT count(*) FROM ex"), 3);
    assert_false(assoc_pg_in_transaction(c));

    EXPECT(c, assoc_pg_exec(c, "COPY ex TO STDOUT"), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "COPY"));
    EXPECT(c, assoc_pg_exec(c, "COPY ex FROM STDIN"), ASSOC_ERROR);
    assert_int_equal(q_i64(c, "SELECT count(*) FROM ex"), 3); /* still usable */
    EXPECT(c, assoc_pg_exec(c, NULL), ASSOC_MISUSE);
    exec_ok(c, "DROP TABLE ex");
    assoc_pg_close(c);
}

/* BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO, COMMIT, ROLLBACK through exec. */
static void test_exec_transaction_control(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS tc; CREATE TABLE tc(v bigint)");
    exec_ok(c, "BEGIN");
    assert_true(assoc_pg_in_transaction(c));
    exec_ok(c, "INSERT INTO tc VALUES (1)");
    exec_ok(c, "SAVEPOINT x");
    exec_ok(c, "INSERT INTO tc VALUES (2)");
    exec_ok(c, "ROLLBACK TO x");
    exec_ok(c, "INSERT INTO tc VALUES (3)");
    exec_ok(c, "RELEASE x");
    EXPECT(c, assoc_pg_exec(c, "RELEASE nosuch"), ASSOC_ERROR);
    assert_string_equal(assoc_pg_sqlstate(c), "3B001");
    assert_true(assoc_pg_in_transaction(c)); /* aborted, still a block */
    exec_ok(c, "ROLLBACK");
    assert_false(assoc_pg_in_transaction(c));
    assert_int_equal(q_i64(c, "SELECT count(*) FROM tc"), 0);

    exec_ok(c, "BEGIN; INSERT INTO tc VALUES (1)");
    exec_ok(c, "SAVEPOINT y; INSERT INTO tc VALUES (2); RELEASE y");
    exec_ok(c, "COMMIT");
    assert_false(assoc_pg_in_transaction(c));
    assert_int_equal(q_i64(c, "SELECT sum(v) FROM tc"), 3);
    exec_ok(c, "DROP TABLE tc");
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------- */

static void test_int64(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS ti; CREATE TABLE ti(id bigint GENERATED ALWAYS AS IDENTITY, v bigint)");
    const int64_t vals[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, 42, INT64_MAX - 1, INT64_MAX};
    const size_t n = sizeof vals / sizeof vals[0];
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO ti(v) VALUES ($1)");
    assert_int_equal(assoc_pg_param_count(ins), 1);
    for (size_t i = 0; i < n; i++) {
        OK(c, assoc_pg_bind_int64(ins, 1, vals[i]));
        OK(c, assoc_pg_step(ins));
        assert_int_equal(assoc_pg_changes(c), 1);
        assoc_pg_reset(ins);
    }
    assoc_pg_finalize(ins);
    assoc_pg_stmt *sel = prepare_ok(c, "SELECT v, $1::bigint FROM ti ORDER BY id");
    OK(c, assoc_pg_bind_int64(sel, 1, INT64_MIN));
    for (size_t i = 0; i < n; i++) {
        EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
        int64_t v = 0, echo = 0;
        OK(c, assoc_pg_col_int64(sel, 0, &v));
        OK(c, assoc_pg_col_int64(sel, 1, &echo));
        assert_true(v == vals[i]);
        assert_true(echo == INT64_MIN);
    }
    EXPECT(c, assoc_pg_step(sel), ASSOC_OK);
    assoc_pg_finalize(sel);

    /* Text that is not a 64-bit integer: ASSOC_ERROR naming column and text. */
    sel = prepare_ok(c, "SELECT 'abc', 9223372036854775808::numeric, 1.5, '', NULL::bigint, ' 1', '12x'");
    EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
    int64_t v = 7;
    EXPECT(c, assoc_pg_col_int64(sel, 0, &v), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "column 0"));
    assert_true(contains(assoc_pg_errmsg(c), "'abc'"));
    EXPECT(c, assoc_pg_col_int64(sel, 1, &v), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "'9223372036854775808'"));
    EXPECT(c, assoc_pg_col_int64(sel, 2, &v), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "column 2"));
    EXPECT(c, assoc_pg_col_int64(sel, 3, &v), ASSOC_ERROR);
    EXPECT(c, assoc_pg_col_int64(sel, 5, &v), ASSOC_ERROR);
    EXPECT(c, assoc_pg_col_int64(sel, 6, &v), ASSOC_ERROR);
    v = 7;
    OK(c, assoc_pg_col_int64(sel, 4, &v)); /* NULL reads as 0 */
    assert_int_equal(v, 0);
    assert_true(assoc_pg_col_null(sel, 4));
    assert_false(assoc_pg_col_null(sel, 0));
    assoc_pg_finalize(sel);
    exec_ok(c, "DROP TABLE ti");
    assoc_pg_close(c);
}

/* A small deterministic generator for bit patterns. */
static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static bool same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0; /* -0.0 is not 0.0 */
}

static void test_double(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS td; CREATE TABLE td(id bigint, v double precision)");
    enum { N_FIXED = 22, N_RANDOM = 1000 };
    double vals[N_FIXED + N_RANDOM] = {
        0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 3.141592653589793, 1e308, -1e308, DBL_MAX, -DBL_MAX,
        DBL_MIN, -DBL_MIN, 4.9406564584124654e-324, -4.9406564584124654e-324, 2.2250738585072009e-308,
        1e-310, 123456789012345678.0, 9007199254740993.0, NAN, INFINITY, -INFINITY,
    };
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (int i = N_FIXED; i < N_FIXED + N_RANDOM; i++) {
        uint64_t bits = xorshift(&seed);
        memcpy(&vals[i], &bits, sizeof bits);
    }
    const int n = N_FIXED + N_RANDOM;
    exec_ok(c, "BEGIN");
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO td VALUES ($1, $2)");
    for (int i = 0; i < n; i++) {
        OK(c, assoc_pg_bind_int64(ins, 1, i));
        OK(c, assoc_pg_bind_double(ins, 2, vals[i]));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    assoc_pg_finalize(ins);
    exec_ok(c, "COMMIT");

    assoc_pg_stmt *sel = prepare_ok(c, "SELECT v FROM td ORDER BY id");
    for (int i = 0; i < n; i++) {
        EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
        double v = 0;
        OK(c, assoc_pg_col_double(sel, 0, &v));
        if (!same_double(v, vals[i]))
            print_error("double %d: sent %.17g, got %.17g (text %s)\n", i, vals[i], v,
                        assoc_pg_col_text(sel, 0, NULL));
        assert_true(same_double(v, vals[i]));
    }
    EXPECT(c, assoc_pg_step(sel), ASSOC_OK);
    assoc_pg_finalize(sel);

    /* PostgreSQL's spellings, read back; a parameter echoed. */
    sel = prepare_ok(c, "SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, '-0'::float8, $1::float8,"
                        " 'x', 7::bigint, 2.5::numeric");
    OK(c, assoc_pg_bind_double(sel, 1, -0.0));
    EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
    char buf[64];
    double v;
    OK(c, assoc_pg_col_double(sel, 0, &v));
    assert_true(isnan(v));
    assert_string_equal(assoc_pg_col_text(sel, 0, NULL), "NaN");
    OK(c, assoc_pg_col_double(sel, 1, &v));
    assert_true(isinf(v) && v > 0);
    OK(c, assoc_pg_col_double(sel, 2, &v));
    assert_true(isinf(v) && v < 0);
    OK(c, assoc_pg_col_double(sel, 3, &v));
    assert_true(v == 0 && signbit(v));
    OK(c, assoc_pg_col_double(sel, 4, &v));
    assert_true(v == 0 && signbit(v));
    EXPECT(c, assoc_pg_col_double(sel, 5, &v), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "column 5: 'x' is not a number"));
    OK(c, assoc_pg_col_double(sel, 6, &v));
    assert_true(v == 7.0);
    OK(c, assoc_pg_col_double(sel, 7, &v));
    assert_true(v == 2.5);
    assoc_pg_finalize(sel);
    /* The shortest exact text for a double, as PostgreSQL 12+ prints it. */
    assert_string_equal(q_text(c, "SELECT 0.1::float8", buf, sizeof buf), "0.1");
    exec_ok(c, "DROP TABLE td");
    assoc_pg_close(c);
}

static void test_bool_and_null(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    assoc_pg_stmt *s = prepare_ok(c, "SELECT $1::boolean, $2::boolean, $3::boolean, $4::text, $5::bigint, 'x'");
    assert_int_equal(assoc_pg_param_count(s), 5);
    OK(c, assoc_pg_bind_bool(s, 1, true));
    OK(c, assoc_pg_bind_bool(s, 2, false));
    OK(c, assoc_pg_bind_null(s, 3));
    /* $4 and $5 never bound: NULL, as in SQLite. */
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    assert_int_equal(assoc_pg_column_count(s), 6);
    bool b = false;
    OK(c, assoc_pg_col_bool(s, 0, &b));
    assert_true(b);
    OK(c, assoc_pg_col_bool(s, 1, &b));
    assert_false(b);
    b = true;
    OK(c, assoc_pg_col_bool(s, 2, &b));
    assert_false(b);
    for (int i = 2; i <= 4; i++) {
        assert_true(assoc_pg_col_null(s, i));
        size_t len = 99;
        assert_null(assoc_pg_col_text(s, i, &len));
        assert_int_equal(len, 0);
    }
    EXPECT(c, assoc_pg_col_bool(s, 5, &b), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "'x'"));
    assoc_pg_reset(s);
    /* Bound values stay bound across a reset; NULL through the NULL pointers. */
    OK(c, assoc_pg_bind_text(s, 4, NULL, 0));
    OK(c, assoc_pg_bind_blob(s, 4, NULL, 0));
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    OK(c, assoc_pg_col_bool(s, 0, &b));
    assert_true(b);
    assert_true(assoc_pg_col_null(s, 3));
    assoc_pg_finalize(s);
    assoc_pg_close(c);
}

static void test_text(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS tt; CREATE TABLE tt(id bigint, v text)");
    size_t big_len = 1u << 20;
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)('a' + i % 26);
    big[big_len] = '\0';
    const char *vals[] = {
        "",
        "plain",
        "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
        "quote ' and \" and \\ backslash",
        "line\nbreak\ttab\r",
        big,
    };
    const size_t n = sizeof vals / sizeof vals[0];
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO tt VALUES ($1, $2)");
    for (size_t i = 0; i < n; i++) {
        OK(c, assoc_pg_bind_int64(ins, 1, (int64_t)i));
        OK(c, assoc_pg_bind_text(ins, 2, vals[i], strlen(vals[i])));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    /* A length shorter than the buffer: only those bytes (no NUL needed). */
    char part[] = "abcdefXYZ";
    OK(c, assoc_pg_bind_int64(ins, 1, 100));
    OK(c, assoc_pg_bind_text(ins, 2, part, 6));
    part[0] = 'Z'; /* copied at bind time */
    OK(c, assoc_pg_step(ins));
    assoc_pg_reset(ins);
    /* A NUL byte cannot be stored in PostgreSQL text. */
    EXPECT(c, assoc_pg_bind_text(ins, 2, "a\0b", 3), ASSOC_MISUSE);
    assert_true(contains(assoc_pg_errmsg(c), "NUL"));
    /* Invalid UTF-8: the server refuses it. */
    OK(c, assoc_pg_bind_text(ins, 2, "\xff\xfe", 2));
    EXPECT(c, assoc_pg_step(ins), ASSOC_ERROR);
    assert_string_equal(assoc_pg_sqlstate(c), "22021");
    assoc_pg_finalize(ins);

    assoc_pg_stmt *sel = prepare_ok(c, "SELECT v FROM tt ORDER BY id");
    for (size_t i = 0; i < n; i++) {
        EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
        size_t len = 0;
        const char *t = assoc_pg_col_text(sel, 0, &len);
        assert_non_null(t);
        assert_false(assoc_pg_col_null(sel, 0));
        assert_int_equal(len, strlen(vals[i]));
        assert_memory_equal(t, vals[i], len);
        assert_int_equal(t[len], '\0');
    }
    EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
    assert_string_equal(assoc_pg_col_text(sel, 0, NULL), "abcdef");
    EXPECT(c, assoc_pg_step(sel), ASSOC_OK);
    assoc_pg_finalize(sel);
    free(big);
    exec_ok(c, "DROP TABLE tt");
    assoc_pg_close(c);
}

static void test_blob(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS tb; CREATE TABLE tb(id bigint, a bytea, b bytea)");
    unsigned char all[1024];
    for (size_t i = 0; i < sizeof all; i++)
        all[i] = (unsigned char)(i % 256);
    unsigned char zeros[64] = {0};
    size_t big_len = 1u << 20;
    unsigned char *big = malloc(big_len);
    assert_non_null(big);
    uint64_t seed = 12345;
    for (size_t i = 0; i < big_len; i++)
        big[i] = (unsigned char)xorshift(&seed);

    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO tb VALUES ($1, $2, $3)");
    struct {
        const void *a;
        size_t alen;
        const void *b;
        size_t blen;
    } rows[] = {
        {all, sizeof all, zeros, sizeof zeros},
        {"", 0, NULL, 0},  /* empty, NULL */
        {big, big_len, "\0x\0", 3},
    };
    const size_t n = sizeof rows / sizeof rows[0];
    for (size_t i = 0; i < n; i++) {
        OK(c, assoc_pg_bind_int64(ins, 1, (int64_t)i));
        OK(c, assoc_pg_bind_blob(ins, 2, rows[i].a, rows[i].alen));
        OK(c, assoc_pg_bind_blob(ins, 3, rows[i].b, rows[i].blen));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    assoc_pg_finalize(ins);

    assoc_pg_stmt *sel = prepare_ok(c, "SELECT a, b, 'text'::text FROM tb ORDER BY id");
    for (size_t i = 0; i < n; i++) {
        EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
        const unsigned char *a = NULL, *b = NULL;
        size_t alen = 99, blen = 99;
        OK(c, assoc_pg_col_blob(sel, 0, &a, &alen));
        OK(c, assoc_pg_col_blob(sel, 1, &b, &blen));
        /* Both columns' buffers are valid at once. */
        assert_int_equal(alen, rows[i].alen);
        assert_non_null(a);
        if (alen)
            assert_memory_equal(a, rows[i].a, alen);
        if (rows[i].b) {
            assert_non_null(b);
            assert_int_equal(blen, rows[i].blen);
            assert_memory_equal(b, rows[i].b, blen);
        } else {
            assert_null(b);
            assert_int_equal(blen, 0);
            assert_true(assoc_pg_col_null(sel, 1));
        }
        /* A column of another type: its text's bytes. */
        const unsigned char *t = NULL;
        size_t tlen = 0;
        OK(c, assoc_pg_col_blob(sel, 2, &t, &tlen));
        assert_int_equal(tlen, 4);
        assert_memory_equal(t, "text", 4);
    }
    EXPECT(c, assoc_pg_step(sel), ASSOC_OK);
    const unsigned char *d = NULL;
    size_t dlen = 0;
    EXPECT(c, assoc_pg_col_blob(sel, 0, &d, &dlen), ASSOC_MISUSE); /* no current row */
    assoc_pg_finalize(sel);
    free(big);
    exec_ok(c, "DROP TABLE tb");
    assoc_pg_close(c);
}

static void test_time(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS tm; CREATE TABLE tm(id bigint, v timestamp without time zone,"
               " d timestamp without time zone DEFAULT CURRENT_TIMESTAMP)");
    /* Text in, PostgreSQL's text out (fraction trimmed), and the time. */
    struct {
        const char *in, *out;
    } texts[] = {
        {"0001-01-01 00:00:00", "0001-01-01 00:00:00"},
        {"0001-01-01 00:00:00.000001", "0001-01-01 00:00:00.000001"},
        {"0999-12-31 23:59:59.123000", "0999-12-31 23:59:59.123"},
        {"1969-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999"},
        {"1970-01-01 00:00:00", "1970-01-01 00:00:00"},
        {"2000-02-29 12:34:56.500000", "2000-02-29 12:34:56.5"},
        {"2024-06-30 08:09:10.654321", "2024-06-30 08:09:10.654321"},
        {"9999-12-31 23:59:59.999999", "9999-12-31 23:59:59.999999"},
    };
    const size_t n = sizeof texts / sizeof texts[0];
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO tm(id, v) VALUES ($1, $2)");
    for (size_t i = 0; i < n; i++) {
        OK(c, assoc_pg_bind_int64(ins, 1, (int64_t)i));
        OK(c, assoc_pg_bind_text(ins, 2, texts[i].in, strlen(texts[i].in)));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    /* The same instants through assoc_pg_bind_time, from libassoc's parser. */
    for (size_t i = 0; i < n; i++) {
        assoc_time t = 0;
        assert_int_equal(assoc_time_parse(texts[i].in, strlen(texts[i].in), &t), ASSOC_OK);
        OK(c, assoc_pg_bind_int64(ins, 1, (int64_t)(100 + i)));
        OK(c, assoc_pg_bind_time(ins, 2, t));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    /* Outside years 0001-9999: refused before the server sees it. */
    EXPECT(c, assoc_pg_bind_time(ins, 2, INT64_C(-62135596800000001)), ASSOC_MISUSE);
    EXPECT(c, assoc_pg_bind_time(ins, 2, INT64_C(253402300800000000)), ASSOC_MISUSE);
    assoc_pg_finalize(ins);
    /* A parameter of another type than timestamp gets the text. */
    assoc_pg_stmt *as_text = prepare_ok(c, "SELECT $1::text");
    for (size_t i = 0; i < n; i++) {
        assoc_time t = 0;
        assert_int_equal(assoc_time_parse(texts[i].in, strlen(texts[i].in), &t), ASSOC_OK);
        OK(c, assoc_pg_bind_time(as_text, 1, t));
        EXPECT(c, assoc_pg_step(as_text), ASSOC_ROW);
        char want[40];
        snprintf(want, sizeof want, "%s%s", texts[i].in, strlen(texts[i].in) == 19 ? ".000000" : "");
        assert_string_equal(assoc_pg_col_text(as_text, 0, NULL), want);
        assoc_pg_reset(as_text);
    }
    assoc_pg_finalize(as_text);

    assoc_pg_stmt *sel = prepare_ok(c, "SELECT v FROM tm WHERE id % 100 = $1 ORDER BY id");
    for (size_t i = 0; i < n; i++) {
        assoc_time want = 0;
        assert_int_equal(assoc_time_parse(texts[i].in, strlen(texts[i].in), &want), ASSOC_OK);
        OK(c, assoc_pg_bind_int64(sel, 1, (int64_t)i));
        for (int k = 0; k < 2; k++) {
            EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
            assert_string_equal(assoc_pg_col_text(sel, 0, NULL), texts[i].out);
            assoc_time got = 0;
            OK(c, assoc_pg_col_time(sel, 0, &got));
            assert_true(got == want);
            /* libassoc's parser reads PostgreSQL's text the same way. */
            assoc_time lib = 0;
            assert_int_equal(assoc_time_parse(texts[i].out, strlen(texts[i].out), &lib), ASSOC_OK);
            assert_true(lib == want);
        }
        EXPECT(c, assoc_pg_step(sel), ASSOC_OK);
        assoc_pg_reset(sel);
    }
    assoc_pg_finalize(sel);

    /* What libassoc cannot represent is an error naming column and text. */
    sel = prepare_ok(c, "SELECT '0001-01-01 00:00:00 BC'::timestamp, 'infinity'::timestamp,"
                        " '2000-01-01 00:00:00+00'::timestamptz, 'garbage', NULL::timestamp");
    EXPECT(c, assoc_pg_step(sel), ASSOC_ROW);
    assoc_time t = 1;
    EXPECT(c, assoc_pg_col_time(sel, 0, &t), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "column 0: '0001-01-01 00:00:00 BC'"));
    assert_string_equal(assoc_pg_col_text(sel, 0, NULL), "0001-01-01 00:00:00 BC");
    EXPECT(c, assoc_pg_col_time(sel, 1, &t), ASSOC_ERROR);
    EXPECT(c, assoc_pg_col_time(sel, 2, &t), ASSOC_ERROR);
    EXPECT(c, assoc_pg_col_time(sel, 3, &t), ASSOC_ERROR);
    t = 1;
    OK(c, assoc_pg_col_time(sel, 4, &t));
    assert_true(t == 0 && assoc_pg_col_null(sel, 4));
    assoc_pg_finalize(sel);

    /* server_default(current_timestamp) stores UTC: the session is UTC. */
    ins = prepare_ok(c, "INSERT INTO tm(id) VALUES (999) RETURNING d");
    EXPECT(c, assoc_pg_step(ins), ASSOC_ROW);
    OK(c, assoc_pg_col_time(ins, 0, &t));
    assoc_time now = assoc_now();
    assert_true(llabs(now - t) < INT64_C(5000000));
    assoc_pg_finalize(ins);
    exec_ok(c, "DROP TABLE tm");
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Binary results: the same readings as from text
 * ------------------------------------------------------------------- */

/* FNV-1a, to compare blobs in a line. */
static uint64_t fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

/* What every reader makes of (s's current row, col) -- codes, values,
 * messages -- as one line in buf. */
static void read_all(assoc_pgconn *c, assoc_pg_stmt *s, int col, char *buf, size_t size)
{
    size_t k = 0;
#define APPEND(...) (k += (size_t)snprintf(buf + k, k < size ? size - k : 0, __VA_ARGS__))
    int64_t i = 7;
    double d = 7;
    bool b = true;
    assoc_time t = 7;
    const unsigned char *data = NULL;
    size_t len = 99;
    APPEND("null=%d", assoc_pg_col_null(s, col));
    int rc = assoc_pg_col_int64(s, col, &i);
    APPEND(" int64=%d:%" PRId64 ":%s", rc, i, rc ? assoc_pg_errmsg(c) : "");
    rc = assoc_pg_col_double(s, col, &d);
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    APPEND(" double=%d:%016" PRIx64 ":%s", rc, isnan(d) ? 0 : bits, rc ? assoc_pg_errmsg(c) : "");
    rc = assoc_pg_col_bool(s, col, &b);
    APPEND(" bool=%d:%d:%s", rc, b, rc ? assoc_pg_errmsg(c) : "");
    const char *text = assoc_pg_col_text(s, col, &len);
    APPEND(" text=%zu:%.200s", len, text ? text : "(null)");
    const char *str = NULL;
    rc = assoc_pg_col_string(s, col, &str, &len);
    APPEND(" string=%d:%d:%zu", rc, str == text, len);
    rc = assoc_pg_col_blob(s, col, &data, &len);
    APPEND(" blob=%d:%d:%zu:%016" PRIx64 ":%s", rc, data != NULL, len, data ? fnv(data, len) : 0,
           rc ? assoc_pg_errmsg(c) : "");
    rc = assoc_pg_col_time(s, col, &t);
    APPEND(" time=%d:%" PRId64 ":%s", rc, t, rc ? assoc_pg_errmsg(c) : "");
#undef APPEND
}

/* query's rows read by every reader, its result in binary format (when
 * want_binary) and, with a numeric column added, in text: every reading
 * the same.  Returns the rows. */
static int same_in_both_formats(assoc_pgconn *c, const char *query, bool want_binary)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "SELECT * FROM (%s) q", query);
    assoc_pg_stmt *bin = prepare_ok(c, sql);
    snprintf(sql, sizeof sql, "SELECT *, 0::numeric FROM (%s) q", query);
    assoc_pg_stmt *txt = prepare_ok(c, sql);
    assert_int_equal(assoc_pg_binary_results(bin), want_binary);
    assert_false(assoc_pg_binary_results(txt));
    int rows = 0;
    for (;;) {
        int rb = assoc_pg_step(bin), rt = assoc_pg_step(txt);
        assert_int_equal(rb, rt);
        if (rb != ASSOC_ROW)
            break;
        rows++;
        int n = assoc_pg_column_count(bin);
        assert_int_equal(assoc_pg_column_count(txt), n + 1);
        for (int col = 0; col < n; col++) {
            static char a[2048], b[2048];
            read_all(c, bin, col, a, sizeof a);
            read_all(c, txt, col, b, sizeof b);
            if (strcmp(a, b) != 0)
                print_error("%s\nrow %d column %d\n binary: %s\n text:   %s\n", query, rows, col, a, b);
            assert_string_equal(a, b);
        }
    }
    assoc_pg_finalize(bin);
    assoc_pg_finalize(txt);
    return rows;
}

/* Column 0's text (a binary value printed by libassoc) against column 1
 * (the server's ::text of it), for every row of sql. */
static int printed_as_server_prints(assoc_pgconn *c, const char *sql)
{
    assoc_pg_stmt *s = prepare_ok(c, sql);
    assert_true(assoc_pg_binary_results(s));
    int rows = 0;
    while (assoc_pg_step(s) == ASSOC_ROW) {
        rows++;
        const char *ours = assoc_pg_col_text(s, 0, NULL), *theirs = assoc_pg_col_text(s, 1, NULL);
        if (!ours || !theirs || strcmp(ours, theirs) != 0)
            print_error("%s: row %d: printed %s, the server prints %s\n", sql, rows, ours ? ours : "(null)",
                        theirs ? theirs : "(null)");
        assert_true(ours && theirs && strcmp(ours, theirs) == 0);
    }
    assoc_pg_finalize(s);
    return rows;
}

/* Append to buf (of size) an array element for v, as bind_double spells it. */
static void add_double(char *buf, size_t size, size_t *k, double v)
{
    if (isnan(v))
        *k += (size_t)snprintf(buf + *k, size - *k, "%sNaN", *k > 1 ? "," : "");
    else if (isinf(v))
        *k += (size_t)snprintf(buf + *k, size - *k, "%s%sInfinity", *k > 1 ? "," : "", v < 0 ? "-" : "");
    else
        *k += (size_t)snprintf(buf + *k, size - *k, "%s%.17g", *k > 1 ? "," : "", v);
    assert_true(*k < size);
}

/* The double next to v (finite, positive) away from or towards zero: its
 * bit pattern plus or minus one (no libm in this program). */
static double next_double(double v, int dir)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bits += dir > 0 ? 1 : (uint64_t)-1;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static void test_binary_doubles(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS tf; CREATE TABLE tf(id bigint GENERATED ALWAYS AS IDENTITY, v float8)");
    /* Powers of two (whose neighbours are closer below than above: the
     * shortest decimal may lie above them), their neighbours, powers of
     * ten and integers around the switch to exponents, the extremes, and
     * random bit patterns. */
    size_t size = 1u << 21, k = 0;
    char *arr = malloc(size);
    assert_non_null(arr);
    arr[k++] = '{';
    for (int e = -1074; e <= 1023; e++) {
        char t[16];
        snprintf(t, sizeof t, "0x1p%d", e);
        double p = strtod(t, NULL);
        add_double(arr, size, &k, p);
        add_double(arr, size, &k, -p);
        add_double(arr, size, &k, next_double(p, -1));
        add_double(arr, size, &k, next_double(p, 1));
        add_double(arr, size, &k, p * 3);
    }
    for (int e = -323; e <= 308; e++) {
        char t[16];
        snprintf(t, sizeof t, "1e%d", e);
        double p = strtod(t, NULL);
        add_double(arr, size, &k, p);
        add_double(arr, size, &k, next_double(p, -1));
        add_double(arr, size, &k, 1.5 * p);
        add_double(arr, size, &k, 123456789012345678.0 * p);
    }
    /* Doubles next to a short decimal that lies exactly halfway to their
     * neighbour (found with exact arithmetic): strtod reads the decimal
     * back as the double of even mantissa, but PostgreSQL does not print
     * it (1e23 is 9.999999999999999e+22). */
    static const char ties[] =
        "3.60571935808039e+16 4.18106657498073e+16 4.43081268802145e+16 6.82398284930079e+16 "
        "8.1903138003267e+16 8.3548380792063e+16 8.6343186664439e+16 9.1403725268657e+16 9.6497929691689e+16 "
        "1.4676194494657e+17 1.6395971245913e+17 1.6921243297055e+17 1.9547450546645e+17 "
        "1.97415708658858e+17 2.2288023213789e+17 2.3158097122281e+17 2.40978937406538e+17 "
        "2.7612992819349e+17 3.461491799801e+17 4.058095278317e+17 4.12467381098964e+17 4.495312278023e+17 "
        "4.525365199181e+17 4.704752487961e+17 4.827746596941e+17 5.387013268717e+17 5.399703757279e+17 "
        "5.559203674713e+17 7.0026403593116e+17 7.00894721473e+17 7.78772997599e+17 7.888697245322e+17 "
        "8.15738586039e+17 8.17003247905e+17 8.42630922937e+17 8.90847495935e+17 9.76094099151e+17 "
        "9.770935104446e+17 9.87133200351e+17 9.92705556900968e+17 1.48034747621e+18 1.74185967547e+18 "
        "2.5068438191e+18 3.1777676999e+18 3.5387108115e+18 4.0604414713e+18 4.51977497306e+18 "
        "4.5853980133e+18 5.2737206782e+18 5.4305529606e+18 5.972955127e+18 6.151838691e+18 6.2935382178e+18 "
        "6.726319851336e+18 7.623099009e+18 7.7425395634e+18 7.9449113002e+18 8.026292671e+18 "
        "8.14593238668e+18 8.5498995786e+18 8.859578107e+18 1.112765831e+19 2.01336325e+19 2.30480071e+19 "
        "2.435549285872e+19 2.98670861861696e+19 3.52864965e+19 4.22411954e+19 6.4322197e+19 6.5782061e+19 "
        "7.10455382e+19 7.418605e+19 7.4924367216e+19 7.76640588e+19 8.0835498e+19 8.967807e+19 "
        "1.8661346e+20 1.955321e+20 2.17047684e+20 2.932335784e+20 3.44223e+20 4.068814e+20 4.66179e+20 "
        "4.71081e+20 5.9409e+20 6.0053e+20 6.30134e+20 6.83202e+20 6.8569e+20 6.953748e+20 6.9843e+20 "
        "7.01799088e+20 7.152476e+20 7.44098e+20 7.6457e+20 7.6607e+20 8.0789e+20 8.3465976e+20 9.3899e+20 "
        "1.66633008e+21 1.7159e+21 1.7355e+21 1.7871e+21 1.8231e+21 1.9811e+21 2.12056848e+21 2.60684e+21 "
        "2.747e+21 2.8202e+21 3.0986e+21 3.715e+21 5.1843104e+21 5.362e+21 5.36744e+21 5.61e+21 5.89e+21 "
        "7.486e+21 7.71e+21 8.9860192e+21 9.5e+21 9.691808e+21 9.7e+21 9.82e+21 9.9e+21 1.01e+22 1.03e+22 "
        "1.05e+22 1.07e+22 1.09e+22 1.11e+22 1.13e+22 1.15e+22 1.17e+22 1.19e+22 1.21e+22 1.23e+22 1.25e+22 "
        "1.27e+22 1.29e+22 1.31e+22 1.33e+22 1.35e+22 1.37e+22 1.39e+22 1.41e+22 1.43e+22 1.45e+22 1.47e+22 "
        "1.49e+22 1.51e+22 1.53e+22 1.55e+22 1.57e+22 1.59e+22 1.61e+22 1.63e+22 1.65e+22 1.67e+22 1.69e+22 "
        "1.71e+22 1.73e+22 1.75e+22 1.77e+22 1.79e+22 1.81e+22 1.83e+22 1.85e+22 1.87e+22 1.9e+22 1.94e+22 "
        "1.98e+22 2.1e+22 2.3e+22 2.5e+22 2.7e+22 2.9e+22 3.1e+22 3.3e+22 3.5e+22 3.7e+22 3.8e+22 3.88e+22 "
        "4.2e+22 4.6e+22 5e+22 5.4e+22 5.6016e+22 5.72e+22 5.8e+22 6.2e+22 6.6e+22 7e+22 7.4e+22 7.6e+22 "
        "8.4e+22 9.2e+22 1e+23 1.08e+23 1.16e+23 1.24e+23 1.32e+23 1.4e+23 1.48e+23 1.52e+23 1.68e+23 "
        "1.84e+23 2e+23 2.8e+23 4e+23 5.6e+23 8e+23 9.28e+23 1.12e+24 1.6e+24 3.2e+24 6.4e+24 1.28e+25 ";
    for (const char *t = ties;;) {
        char *end;
        double v = strtod(t, &end);
        if (end == t)
            break;
        add_double(arr, size, &k, v);
        add_double(arr, size, &k, -v);
        add_double(arr, size, &k, next_double(v, 1));
        add_double(arr, size, &k, next_double(v, -1));
        t = end;
    }
    const double fixed[] = {0.0, -0.0, 1.0, 0.1, 1e23, 1.0 / 3.0, 100.0, 1e14, 1e15, 123456789012345.0,
                            1234567890123456.0, 0.0001, 0.00001, 1.5e-7, DBL_MAX, -DBL_MAX, DBL_MIN,
                            4.9406564584124654e-324, 9007199254740993.0, 9007199254740992.0, 5e-324,
                            NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        add_double(arr, size, &k, fixed[i]);
    uint64_t seed = 0x2545f4914f6cdd1du;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = xorshift(&seed);
        double v;
        memcpy(&v, &bits, sizeof v);
        add_double(arr, size, &k, v);
    }
    arr[k++] = '}';
    arr[k] = '\0';
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO tf(v) SELECT unnest($1::float8[])");
    OK(c, assoc_pg_bind_text(ins, 1, arr, k));
    OK(c, assoc_pg_step(ins));
    assoc_pg_finalize(ins);
    free(arr);

    int rows = printed_as_server_prints(c, "SELECT v, v::text FROM tf ORDER BY id");
    print_message("binary doubles: %d printed as the server prints them\n", rows);
    assert_true(rows > 30000);
    /* Read back exactly. */
    assoc_pg_stmt *s = prepare_ok(c, "SELECT v, v::text FROM tf ORDER BY id");
    while (assoc_pg_step(s) == ASSOC_ROW) {
        double v = 0;
        OK(c, assoc_pg_col_double(s, 0, &v));
        double want = strtod(assoc_pg_col_text(s, 1, NULL), NULL);
        assert_true(same_double(v, want));
    }
    assoc_pg_finalize(s);
    /* Every reader as from text, on a sample (reading every row twice over
     * is slow under the sanitizers). */
    same_in_both_formats(c, "SELECT v FROM tf WHERE id % 97 = 1 OR id < 40 ORDER BY id", true);
    exec_ok(c, "DROP TABLE tf");
    assoc_pg_close(c);
}

static void test_binary_timestamps(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS tt; CREATE TABLE tt(id bigint GENERATED ALWAYS AS IDENTITY,"
               " v timestamp without time zone)");
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO tt(v) VALUES ($1::timestamp)");
    const char *fixed[] = {
        "0001-01-01 00:00:00", "0001-01-01 00:00:00.000001", "9999-12-31 23:59:59.999999",
        "9999-12-31 23:59:59", "1970-01-01 00:00:00", "1969-12-31 23:59:59.999999",
        "2000-01-01 00:00:00", "1999-12-31 23:59:59.999999", "2000-01-01 00:00:00.000001",
        "2000-02-29 12:34:56.5", "1900-02-28 23:00:00.12", "2024-06-30 08:09:10.654321",
        "0001-12-31 23:59:59.999999 BC", "0001-01-01 00:00:00 BC", "4713-01-01 00:00:00 BC",
        "10000-01-01 00:00:00", "294276-12-31 23:59:59.999999", "infinity", "-infinity",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        OK(c, assoc_pg_bind_text(ins, 1, fixed[i], strlen(fixed[i])));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    /* Random instants of every year from 4000 BC to 12000. */
    uint64_t seed = 0x9e3779b97f4a7c15u;
    exec_ok(c, "BEGIN");
    for (int i = 0; i < 2000; i++) {
        uint64_t r = xorshift(&seed);
        int y = (int)(r % 16000) - 3999;
        char buf[64];
        int us = (int)((r >> 20) % 1000000);
        if (i % 3 == 0)
            us -= us % 1000;
        snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d%s", y > 0 ? y : 1 - y,
                 (int)((r >> 14) % 12) + 1, (int)((r >> 24) % 28) + 1, (int)((r >> 32) % 24),
                 (int)((r >> 40) % 60), (int)((r >> 48) % 60), us, y > 0 ? "" : " BC");
        OK(c, assoc_pg_bind_text(ins, 1, buf, strlen(buf)));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    exec_ok(c, "COMMIT");
    assoc_pg_finalize(ins);

    int rows = printed_as_server_prints(c, "SELECT v, v::text FROM tt ORDER BY id");
    assert_int_equal(rows, 2000 + (int)(sizeof fixed / sizeof fixed[0]));
    same_in_both_formats(c, "SELECT v FROM tt ORDER BY id", true);

    /* The extremes of years 0001-9999 read; past them, refused by name. */
    assoc_pg_stmt *s = prepare_ok(c, "SELECT v FROM tt ORDER BY id");
    assoc_time t = 1;
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    OK(c, assoc_pg_col_time(s, 0, &t));
    assert_true(t == INT64_C(-62135596800000000));
    assoc_time fast = 1;
    assert_true(assoc_pg_col_time_binary(s, 0, &fast) && fast == t);
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    OK(c, assoc_pg_col_time(s, 0, &t));
    assert_true(t == INT64_C(253402300799999999));
    for (size_t i = 3; i < sizeof fixed / sizeof fixed[0]; i++) {
        EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
        bool refused = i >= 12;
        char want[128];
        snprintf(want, sizeof want, "column 0: '%s' is not a datetime of years 0001-9999", fixed[i]);
        fast = 5;
        if (refused) {
            EXPECT(c, assoc_pg_col_time(s, 0, &t), ASSOC_ERROR);
            assert_string_equal(assoc_pg_errmsg(c), want);
            assert_false(assoc_pg_col_time_binary(s, 0, &fast));
            assert_true(fast == 5);
        } else {
            OK(c, assoc_pg_col_time(s, 0, &t));
            assoc_time parsed = 0;
            assert_int_equal(assoc_time_parse(fixed[i], strlen(fixed[i]), &parsed), ASSOC_OK);
            assert_true(t == parsed);
            assert_true(assoc_pg_col_time_binary(s, 0, &fast) && fast == t);
        }
    }
    assoc_pg_finalize(s);
    exec_ok(c, "DROP TABLE tt");
    assoc_pg_close(c);
}

static void test_binary_other_types(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    /* Integers of three widths, their extremes, NULL; literals are int4. */
    same_in_both_formats(c,
                         "SELECT * FROM (VALUES (1, (-9223372036854775808)::bigint, (-2147483648)::int4,"
                         " (-32768)::int2), (2, 9223372036854775807, 2147483647, 32767), (3, 0, 0, 0),"
                         " (4, -1, -1, -1), (5, NULL, NULL, NULL), (6, 253402300799, 1, 2)) v(id, a, b, c)"
                         " ORDER BY id",
                         true);
    assoc_pg_stmt *s = prepare_ok(c, "SELECT (-9223372036854775808)::bigint, 9223372036854775807::bigint,"
                                     " (-2147483648)::int4, (-32768)::int2, count(*) FROM (VALUES (1)) v");
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    int64_t v = 0;
    OK(c, assoc_pg_col_int64(s, 0, &v));
    assert_true(v == INT64_MIN);
    OK(c, assoc_pg_col_int64(s, 1, &v));
    assert_true(v == INT64_MAX);
    OK(c, assoc_pg_col_int64(s, 2, &v));
    assert_true(v == INT32_MIN);
    OK(c, assoc_pg_col_int64(s, 3, &v));
    assert_true(v == -32768);
    OK(c, assoc_pg_col_int64(s, 4, &v));
    assert_true(v == 1);
    assert_string_equal(assoc_pg_col_text(s, 0, NULL), "-9223372036854775808");
    double d = 0;
    OK(c, assoc_pg_col_double(s, 1, &d));
    assert_true(d == 9223372036854775808.0);
    assoc_pg_finalize(s);

    /* Booleans, and text that other readers take or refuse. */
    same_in_both_formats(c,
                         "SELECT * FROM (VALUES (1, true, 't'::text, '12'::varchar(5)), (2, false, 'f', ' 1'),"
                         " (3, NULL, 'x', '1.5'), (4, true, '', '2020-01-01 00:00:00'), (5, false, 'NaN',"
                         " '\\x41'), (6, true, '-0', 'abc')) v(id, b, t, s) ORDER BY id",
                         true);
    /* Every text type, json and jsonb (whose binary form has a version
     * byte before the text). */
    same_in_both_formats(c,
                         "SELECT 'ab'::char(4), 'ünïcödé'::text, 'pg_class'::name, '{\"a\": [1, 2]}'::json,"
                         " '{\"b\": 1, \"a\": [1, 2.50]}'::jsonb, '\"x\"'::jsonb, NULL::jsonb, ''::varchar",
                         true);
    s = prepare_ok(c, "SELECT '{\"b\": 1, \"a\": [1, 2.50]}'::jsonb, '12'::jsonb");
    assert_true(assoc_pg_binary_results(s));
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    size_t len = 0;
    assert_string_equal(assoc_pg_col_text(s, 0, &len), "{\"a\": [1, 2.50], \"b\": 1}");
    assert_int_equal(len, strlen("{\"a\": [1, 2.50], \"b\": 1}"));
    OK(c, assoc_pg_col_int64(s, 1, &v));
    assert_true(v == 12);
    assoc_pg_finalize(s);

    /* bytea: its bytes as they are; its text the server's hex. */
    same_in_both_formats(c,
                         "SELECT * FROM (VALUES (1, '\\x'::bytea), (2, '\\x00ff41'::bytea), (3, NULL),"
                         " (4, decode(repeat('ab01', 3000), 'hex')), (5, '\\x3132'::bytea)) v(id, b) ORDER BY id",
                         true);
    s = prepare_ok(c, "SELECT '\\x'::bytea, '\\x00ff41'::bytea");
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    const unsigned char *data = NULL;
    OK(c, assoc_pg_col_blob(s, 0, &data, &len));
    assert_non_null(data);
    assert_int_equal(len, 0);
    OK(c, assoc_pg_col_blob(s, 1, &data, &len));
    assert_int_equal(len, 3);
    assert_memory_equal(data, "\x00\xff\x41", 3);
    assert_string_equal(assoc_pg_col_text(s, 1, NULL), "\\x00ff41");
    assoc_pg_finalize(s);

    /* A type the readers do not decode: the whole statement in text. */
    same_in_both_formats(c, "SELECT 1::bigint, 2.50::numeric, '2020-01-02'::date", false);
    /* Rows and no rows; a statement without a result. */
    assert_int_equal(same_in_both_formats(c, "SELECT 1::bigint WHERE false", true), 0);
    s = prepare_ok(c, "SELECT 1 WHERE false");
    EXPECT(c, assoc_pg_step(s), ASSOC_OK);
    assoc_pg_finalize(s);
    assoc_pg_close(c);
}

/* Numbers for parameters of their own type go in binary, the others as
 * text: the same values, the same conversions and refusals either way. */
static void test_binary_parameters(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    assoc_pg_stmt *s = prepare_ok(c, "SELECT $1::bigint, $2::float8, $3::boolean, $4::numeric, $5::text,"
                                     " $6::float8::text, $7::int4, $8::text, $9::bigint::text");
    const int64_t ints[] = {INT64_MIN, -1, 0, INT64_MAX};
    uint64_t nan_bits = UINT64_C(0xfff4000000000123); /* a negative signalling NaN with a payload */
    double odd_nan;
    memcpy(&odd_nan, &nan_bits, sizeof odd_nan);
    const double dbls[] = {-0.0, 4.9406564584124654e-324, DBL_MAX, odd_nan};
    for (int i = 0; i < 4; i++) {
        char want[32];
        OK(c, assoc_pg_bind_int64(s, 1, ints[i]));
        OK(c, assoc_pg_bind_double(s, 2, dbls[i]));
        OK(c, assoc_pg_bind_bool(s, 3, i % 2 == 0));
        OK(c, assoc_pg_bind_int64(s, 4, ints[i]));
        OK(c, assoc_pg_bind_int64(s, 5, ints[i]));
        OK(c, assoc_pg_bind_double(s, 6, dbls[i]));
        OK(c, assoc_pg_bind_int64(s, 7, i));
        OK(c, assoc_pg_bind_bool(s, 8, i % 2 == 0));
        OK(c, assoc_pg_bind_int64(s, 9, ints[i]));
        EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
        int64_t v = 0;
        OK(c, assoc_pg_col_int64(s, 0, &v));
        assert_true(v == ints[i]);
        double d = 0;
        OK(c, assoc_pg_col_double(s, 1, &d));
        assert_true(same_double(d, dbls[i]));
        if (isnan(dbls[i])) { /* the server's NaN, as its text "NaN" gives */
            double canon = strtod("NaN", NULL);
            assert_memory_equal(&d, &canon, sizeof d);
        }
        bool b = i % 2 != 0;
        OK(c, assoc_pg_col_bool(s, 2, &b));
        assert_true(b == (i % 2 == 0));
        snprintf(want, sizeof want, "%" PRId64, ints[i]);
        assert_string_equal(assoc_pg_col_text(s, 3, NULL), want);
        assert_string_equal(assoc_pg_col_text(s, 4, NULL), want);
        assert_string_equal(assoc_pg_col_text(s, 8, NULL), want);
        const char *dt[] = {"-0", "5e-324", "1.7976931348623157e+308", "NaN"};
        assert_string_equal(assoc_pg_col_text(s, 5, NULL), dt[i]);
        OK(c, assoc_pg_col_int64(s, 6, &v));
        assert_true(v == i);
        assert_string_equal(assoc_pg_col_text(s, 7, NULL), i % 2 == 0 ? "t" : "f"); /* text: as before */
        assoc_pg_reset(s);
    }
    /* An int64 an integer parameter cannot hold: the server's refusal. */
    OK(c, assoc_pg_bind_int64(s, 7, INT64_C(3000000000)));
    EXPECT(c, assoc_pg_step(s), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "out of range for type integer"));
    assoc_pg_finalize(s);
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------- */

static void test_constraints(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS kid; DROP TABLE IF EXISTS par;"
               "CREATE TABLE par(id bigint PRIMARY KEY);"
               "CREATE TABLE kid(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
               " email varchar(5) UNIQUE, n bigint NOT NULL CHECK (n >= 0), par_id bigint REFERENCES par(id))");
    exec_ok(c, "INSERT INTO par VALUES (1)");
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO kid(email, n, par_id) VALUES ($1, $2, $3)");
    struct {
        const char *email;
        int64_t n;
        bool has_n;
        int64_t par;
        int want;
        const char *state, *msg;
    } cases[] = {
        {"a@b", 1, true, 1, ASSOC_OK, "", ""},
        {"a@b", 1, true, 1, ASSOC_CONSTRAINT, "23505", "duplicate key value violates unique constraint \"kid_email_key\" (Key (email)=(a@b) already exists.)"},
        {"c@d", 0, false, 1, ASSOC_CONSTRAINT, "23502", "null value in column \"n\""},
        {"c@d", -1, true, 1, ASSOC_CONSTRAINT, "23514", "violates check constraint \"kid_n_check\""},
        {"c@d", 1, true, 2, ASSOC_CONSTRAINT, "23503", "violates foreign key constraint \"kid_par_id_fkey\""},
        {"toolong", 1, true, 1, ASSOC_CONSTRAINT, "22001", "value too long for type character varying(5)"},
    };
    for (size_t pass = 0; pass < 2; pass++) {
        /* Outside, then inside a transaction (protected statements). */
        if (pass == 1)
            exec_ok(c, "DELETE FROM kid; BEGIN");
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            OK(c, assoc_pg_bind_text(ins, 1, cases[i].email, strlen(cases[i].email)));
            if (cases[i].has_n)
                OK(c, assoc_pg_bind_int64(ins, 2, cases[i].n));
            else
                OK(c, assoc_pg_bind_null(ins, 2));
            OK(c, assoc_pg_bind_int64(ins, 3, cases[i].par));
            EXPECT(c, assoc_pg_step(ins), cases[i].want);
            if (cases[i].want != ASSOC_OK) {
                assert_string_equal(assoc_pg_sqlstate(c), cases[i].state);
                if (!contains(assoc_pg_errmsg(c), cases[i].msg))
                    print_error("message '%s' lacks '%s'\n", assoc_pg_errmsg(c), cases[i].msg);
                assert_true(contains(assoc_pg_errmsg(c), cases[i].msg));
            }
            assoc_pg_reset(ins);
        }
        if (pass == 1) {
            assert_true(assoc_pg_in_transaction(c));
            exec_ok(c, "COMMIT");
        }
        assert_int_equal(q_i64(c, "SELECT count(*) FROM kid"), 1);
    }
    assoc_pg_finalize(ins);
    /* The same mapping for scripts, and for a deleted parent. */
    EXPECT(c, assoc_pg_exec(c, "DELETE FROM par"), ASSOC_CONSTRAINT);
    assert_string_equal(assoc_pg_sqlstate(c), "23503");
    EXPECT(c, assoc_pg_exec(c, "UPDATE kid SET email = 'xxxxxx'"), ASSOC_CONSTRAINT);
    exec_ok(c, "DROP TABLE kid; DROP TABLE par");
    assoc_pg_close(c);
}

/* A bound value that the column's type refuses is a constraint failure,
 * as SQLite's CHECKs make it: text that is not JSON for a JSON column (SPEC
 * 9: ASSOC_CONSTRAINT), a name that a native ENUM type (SQLAlchemy's Enum on
 * PostgreSQL) does not have.  The statement's failure leaves the
 * transaction usable. */
static void test_values_the_type_refuses(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS typed; DROP TYPE IF EXISTS mood;"
               "CREATE TYPE mood AS ENUM ('happy', 'sad');"
               "CREATE TABLE typed(id bigint PRIMARY KEY, doc json, m mood)");
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO typed(id, doc, m) VALUES ($1, $2, $3)");
    struct {
        const char *doc, *mood;
        int want;
        const char *msg;
    } cases[] = {
        {"{\"a\": [1, 2]}", "happy", ASSOC_OK, ""},
        {"{\"unclosed\": [1, 2}", "sad", ASSOC_CONSTRAINT, "invalid input syntax for type json"},
        {"not json", "sad", ASSOC_CONSTRAINT, "invalid input syntax for type json"},
        {"[]", "pinned", ASSOC_CONSTRAINT, "invalid input value for enum mood: \"pinned\""},
    };
    for (size_t pass = 0; pass < 2; pass++) {
        if (pass == 1)
            exec_ok(c, "DELETE FROM typed; BEGIN");
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            OK(c, assoc_pg_bind_int64(ins, 1, (int64_t)i));
            OK(c, assoc_pg_bind_text(ins, 2, cases[i].doc, strlen(cases[i].doc)));
            OK(c, assoc_pg_bind_text(ins, 3, cases[i].mood, strlen(cases[i].mood)));
            EXPECT(c, assoc_pg_step(ins), cases[i].want);
            if (cases[i].want != ASSOC_OK) {
                assert_string_equal(assoc_pg_sqlstate(c), "22P02");
                if (!contains(assoc_pg_errmsg(c), cases[i].msg))
                    print_error("message '%s' lacks '%s'\n", assoc_pg_errmsg(c), cases[i].msg);
                assert_true(contains(assoc_pg_errmsg(c), cases[i].msg));
            }
            assoc_pg_reset(ins);
        }
        if (pass == 1) {
            assert_true(assoc_pg_in_transaction(c));
            exec_ok(c, "COMMIT");
        }
        assert_int_equal(q_i64(c, "SELECT count(*) FROM typed"), 1);
    }
    assoc_pg_finalize(ins);
    exec_ok(c, "DROP TABLE typed; DROP TYPE mood");
    assoc_pg_close(c);
}

/* Every SQLSTATE the backend maps, raised on purpose. */
static void test_sqlstate_mapping(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "CREATE OR REPLACE FUNCTION assoc_raise(code text) RETURNS bigint LANGUAGE plpgsql AS $$"
               " BEGIN RAISE EXCEPTION 'raised %', code USING ERRCODE = code, DETAIL = 'on purpose'; END $$");
    struct {
        const char *state;
        int want;
    } cases[] = {
        {"23505", ASSOC_CONSTRAINT}, {"23000", ASSOC_CONSTRAINT}, {"23P01", ASSOC_CONSTRAINT},
        {"22001", ASSOC_CONSTRAINT}, {"22P02", ASSOC_CONSTRAINT}, {"40001", ASSOC_BUSY},
        {"40P01", ASSOC_BUSY},
        {"55P03", ASSOC_BUSY},       {"53200", ASSOC_NOMEM},      {"53100", ASSOC_ERROR},
        {"42P01", ASSOC_ERROR},      {"22012", ASSOC_ERROR},      {"P0001", ASSOC_ERROR},
        {"57014", ASSOC_ERROR},      {"08006", ASSOC_ERROR},      {"40002", ASSOC_ERROR},
    };
    assoc_pg_stmt *s = prepare_ok(c, "SELECT assoc_raise($1)");
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        if (in_tx)
            exec_ok(c, "BEGIN");
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            OK(c, assoc_pg_bind_text(s, 1, cases[i].state, 5));
            EXPECT(c, assoc_pg_step(s), cases[i].want);
            assert_string_equal(assoc_pg_sqlstate(c), cases[i].state);
            char msg[64];
            snprintf(msg, sizeof msg, "raised %s (on purpose)", cases[i].state);
            assert_string_equal(assoc_pg_errmsg(c), msg);
            assoc_pg_reset(s);
            /* A raised 08006 is not a lost connection. */
            assert_true(assoc_pg_connected(c));
            char sql[64];
            snprintf(sql, sizeof sql, "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '%s'; END $$", cases[i].state);
            if (!in_tx) /* a failed script would abort the transaction */
                EXPECT(c, assoc_pg_exec(c, sql), cases[i].want);
        }
        if (in_tx) {
            assert_int_equal(q_i64(c, "SELECT 1"), 1); /* still usable */
            exec_ok(c, "COMMIT");
        }
    }
    assoc_pg_finalize(s);
    exec_ok(c, "DROP FUNCTION assoc_raise(text)");
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Statement-level atomicity
 * ------------------------------------------------------------------- */

static void test_failed_statement_keeps_transaction(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS ta; CREATE TABLE ta(v bigint PRIMARY KEY)");
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO ta VALUES ($1)");
    assoc_pg_stmt *div = prepare_ok(c, "SELECT 1 / $1::bigint");
    exec_ok(c, "BEGIN");
    OK(c, assoc_pg_bind_int64(ins, 1, 1));
    OK(c, assoc_pg_step(ins));
    assoc_pg_reset(ins);
    EXPECT(c, assoc_pg_step(ins), ASSOC_CONSTRAINT); /* the same row again */
    assoc_pg_reset(ins);
    assert_true(assoc_pg_in_transaction(c));
    /* A failing SELECT, and a statement that does not even prepare. */
    OK(c, assoc_pg_bind_int64(div, 1, 0));
    EXPECT(c, assoc_pg_step(div), ASSOC_ERROR);
    assert_string_equal(assoc_pg_sqlstate(c), "22012");
    assoc_pg_stmt *bad = (assoc_pg_stmt *)&bad;
    EXPECT(c, assoc_pg_prepare(c, "INSERT INTO no_such_table VALUES ($1)", &bad), ASSOC_ERROR);
    assert_null(bad);
    assert_string_equal(assoc_pg_sqlstate(c), "42P01");
    EXPECT(c, assoc_pg_prepare(c, "SELEC 1", &bad), ASSOC_ERROR);
    /* Inside the caller's own savepoint too. */
    exec_ok(c, "SAVEPOINT mine");
    OK(c, assoc_pg_bind_int64(ins, 1, 2));
    OK(c, assoc_pg_step(ins));
    assoc_pg_reset(ins);
    EXPECT(c, assoc_pg_step(ins), ASSOC_CONSTRAINT);
    assoc_pg_reset(ins);
    exec_ok(c, "RELEASE mine");
    OK(c, assoc_pg_bind_int64(ins, 1, 3));
    OK(c, assoc_pg_step(ins));
    assoc_pg_reset(ins);
    exec_ok(c, "COMMIT");
    assert_false(assoc_pg_in_transaction(c));
    assert_int_equal(q_i64(c, "SELECT count(*) * 100 + sum(v) FROM ta"), 306);

    /* Protection off (the caller has a savepoint of its own): PostgreSQL's
     * behaviour, the failure aborts the transaction, and COMMIT fails. */
    assert_true(assoc_pg_set_protect(c, false));
    exec_ok(c, "BEGIN");
    OK(c, assoc_pg_bind_int64(ins, 1, 4));
    OK(c, assoc_pg_step(ins));
    assoc_pg_reset(ins);
    EXPECT(c, assoc_pg_step(ins), ASSOC_CONSTRAINT);
    assoc_pg_reset(ins);
    EXPECT(c, assoc_pg_step(ins), ASSOC_ERROR);
    assert_string_equal(assoc_pg_sqlstate(c), "25P02");
    assoc_pg_reset(ins);
    assert_true(assoc_pg_in_transaction(c));
    EXPECT(c, assoc_pg_exec(c, "COMMIT"), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "COMMIT failed"));
    assert_false(assoc_pg_in_transaction(c));
    assert_int_equal(q_i64(c, "SELECT count(*) FROM ta"), 3);
    /* The caller's way: its savepoint, rolled back to. */
    exec_ok(c, "BEGIN; SAVEPOINT s1");
    OK(c, assoc_pg_bind_int64(ins, 1, 1));
    EXPECT(c, assoc_pg_step(ins), ASSOC_CONSTRAINT);
    assoc_pg_reset(ins);
    exec_ok(c, "ROLLBACK TO s1; RELEASE s1; END");
    assert_false(assoc_pg_set_protect(c, true));
    EXPECT(c, assoc_pg_exec(c, "end"), ASSOC_OK); /* no transaction: a warning only */
    /* Protection off for one statement only. */
    assert_true(assoc_pg_stmt_set_protect(div, false));
    exec_ok(c, "BEGIN");
    OK(c, assoc_pg_bind_int64(ins, 1, 1));
    EXPECT(c, assoc_pg_step(ins), ASSOC_CONSTRAINT); /* protected: goes on */
    assoc_pg_reset(ins);
    EXPECT(c, assoc_pg_step(div), ASSOC_ERROR);      /* not: aborts */
    EXPECT(c, assoc_pg_step(ins), ASSOC_ERROR);
    assert_string_equal(assoc_pg_sqlstate(c), "25P02");
    assoc_pg_reset(ins);
    exec_ok(c, "ROLLBACK");
    assert_false(assoc_pg_stmt_set_protect(div, true));
    assert_false(assoc_pg_stmt_set_protect(NULL, true));
    assoc_pg_finalize(ins);
    assoc_pg_finalize(div);
    exec_ok(c, "DROP TABLE ta");
    assoc_pg_close(c);
}

/* The savepoint that protects statements stands across reads (pg.h):
 * whatever fails is undone alone, never with a write before it, and never
 * past a savepoint of the caller's (set through exec or the raw handle). */

/* step s once and reset it, expecting want. */
#define STEP(c, s, want)                                                                                   \
    do {                                                                                                   \
        EXPECT(c, assoc_pg_step(s), want);                                                                 \
        assoc_pg_reset(s);                                                                                 \
    } while (0)

static void ins_v(assoc_pgconn *c, assoc_pg_stmt *ins, int64_t v, int want)
{
    OK(c, assoc_pg_bind_int64(ins, 1, v));
    STEP(c, ins, want);
}

/* The values in ts, as a number: each v adds 1 << v. */
static int64_t ts_bits(assoc_pgconn *c)
{
    return q_i64(c, "SELECT COALESCE(sum(1::bigint << v::int), 0) FROM ts");
}

/* A read that fails (division by zero) after writes, and one right after a
 * write: the writes stay, the transaction goes on. */
static void test_standing_failed_read_keeps_writes(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "CREATE TEMP TABLE ts(v bigint PRIMARY KEY)"); /* the session's own */
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO ts VALUES ($1)");
    assoc_pg_stmt *div = prepare_ok(c, "SELECT 1 / $1::bigint");
    assoc_pg_stmt *cnt = prepare_ok(c, "SELECT count(*) FROM ts WHERE v >= $1");
    OK(c, assoc_pg_bind_int64(cnt, 1, 0));
    exec_ok(c, "BEGIN");
    ins_v(c, ins, 1, ASSOC_OK);
    STEP(c, cnt, ASSOC_ROW); /* a read: its savepoint stands */
    ins_v(c, ins, 2, ASSOC_OK); /* a write under it: it goes */
    STEP(c, cnt, ASSOC_ROW);
    STEP(c, cnt, ASSOC_ROW);
    OK(c, assoc_pg_bind_int64(div, 1, 0));
    STEP(c, div, ASSOC_ERROR);
    assert_string_equal(assoc_pg_sqlstate(c), "22012");
    assert_true(assoc_pg_in_transaction(c));
    OK(c, assoc_pg_bind_int64(div, 1, 1));
    STEP(c, div, ASSOC_ROW); /* the transaction goes on */
    ins_v(c, ins, 3, ASSOC_OK);
    OK(c, assoc_pg_bind_int64(div, 1, 0));
    STEP(c, div, ASSOC_ERROR); /* right after a write: the write stays */
    STEP(c, div, ASSOC_ERROR); /* twice */
    assert_int_equal(ts_bits(c), 2 + 4 + 8);
    exec_ok(c, "COMMIT");
    assert_int_equal(ts_bits(c), 2 + 4 + 8);
    assoc_pg_finalize(ins);
    assoc_pg_finalize(div);
    assoc_pg_finalize(cnt);
    assoc_pg_close(c);
}

/* A write that fails after reads (one of which failed too) is undone alone,
 * under the savepoint that stood since before the reads. */
static void test_standing_failed_write_after_reads(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "CREATE TEMP TABLE ts(v bigint PRIMARY KEY)"); /* the session's own */
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO ts VALUES ($1)");
    assoc_pg_stmt *div = prepare_ok(c, "SELECT 1 / $1::bigint");
    assoc_pg_stmt *cnt = prepare_ok(c, "WITH t AS (SELECT v FROM ts) SELECT count(*) FROM t WHERE v >= $1");
    OK(c, assoc_pg_bind_int64(cnt, 1, 0));
    exec_ok(c, "BEGIN");
    ins_v(c, ins, 1, ASSOC_OK);
    STEP(c, cnt, ASSOC_ROW);
    OK(c, assoc_pg_bind_int64(div, 1, 0));
    STEP(c, div, ASSOC_ERROR);
    STEP(c, cnt, ASSOC_ROW);
    ins_v(c, ins, 1, ASSOC_CONSTRAINT); /* the same key again */
    assert_true(assoc_pg_in_transaction(c));
    ins_v(c, ins, 1, ASSOC_CONSTRAINT); /* again, with nothing between */
    /* A statement prepared inside the transaction, and one that does not
     * prepare: neither takes anything with it. */
    assoc_pg_stmt *bad = NULL;
    EXPECT(c, assoc_pg_prepare(c, "SELECT * FROM no_such_table", &bad), ASSOC_ERROR);
    assoc_pg_stmt *later = prepare_ok(c, "SELECT count(*) FROM ts");
    ins_v(c, ins, 2, ASSOC_OK);
    STEP(c, later, ASSOC_ROW);
    STEP(c, div, ASSOC_ERROR);
    assert_int_equal(ts_bits(c), 2 + 4);
    exec_ok(c, "COMMIT");
    assert_int_equal(ts_bits(c), 2 + 4);
    assoc_pg_finalize(later);
    assoc_pg_finalize(ins);
    assoc_pg_finalize(div);
    assoc_pg_finalize(cnt);
    assoc_pg_close(c);
}

/* The caller's savepoints, set by exec or through the raw handle, are never
 * crossed: a failed read inside one undoes only itself, and the caller's
 * savepoint is still there to roll back to.  Work done through the raw
 * handle is never undone by a failed read. */
static void test_standing_callers_savepoints(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "CREATE TEMP TABLE ts(v bigint PRIMARY KEY)"); /* the session's own */
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO ts VALUES ($1)");
    assoc_pg_stmt *div = prepare_ok(c, "SELECT 1 / $1::bigint");
    assoc_pg_stmt *cnt = prepare_ok(c, "SELECT count(*) FROM ts");

    /* exec's savepoints, nested. */
    exec_ok(c, "BEGIN");
    ins_v(c, ins, 1, ASSOC_OK);
    STEP(c, cnt, ASSOC_ROW);
    exec_ok(c, "SAVEPOINT mine");
    ins_v(c, ins, 2, ASSOC_OK);
    STEP(c, cnt, ASSOC_ROW);
    exec_ok(c, "SAVEPOINT inner_one");
    STEP(c, cnt, ASSOC_ROW);
    ins_v(c, ins, 3, ASSOC_OK);
    OK(c, assoc_pg_bind_int64(div, 1, 0));
    STEP(c, div, ASSOC_ERROR);
    assert_int_equal(ts_bits(c), 2 + 4 + 8);
    exec_ok(c, "ROLLBACK TO SAVEPOINT inner_one");
    assert_int_equal(ts_bits(c), 2 + 4);
    STEP(c, cnt, ASSOC_ROW);
    STEP(c, div, ASSOC_ERROR);
    exec_ok(c, "ROLLBACK TO SAVEPOINT mine");
    assert_int_equal(ts_bits(c), 2);
    STEP(c, div, ASSOC_ERROR);
    exec_ok(c, "RELEASE mine");
    STEP(c, div, ASSOC_ERROR);
    /* exec released the savepoint that stood, as it set the caller's: none
     * of libassoc's is left under the caller's. */
    STEP(c, cnt, ASSOC_ROW);
    exec_ok(c, "SAVEPOINT mine; RELEASE mine");
    raw_exec(assoc_pg_conn(c), "SAVEPOINT probe");
    PGresult *res = PQexec(assoc_pg_conn(c), "RELEASE SAVEPOINT assoc_stmt");
    assert_int_equal(PQresultStatus(res), PGRES_FATAL_ERROR);
    assert_string_equal(PQresultErrorField(res, PG_DIAG_SQLSTATE), "3B001"); /* no such savepoint */
    PQclear(res);
    exec_ok(c, "ROLLBACK");
    exec_ok(c, "BEGIN");
    ins_v(c, ins, 1, ASSOC_OK);
    exec_ok(c, "COMMIT");
    assert_int_equal(ts_bits(c), 2);

    /* The raw handle: a savepoint set through it (libassoc's standing one
     * is below it), then a failed read. */
    PGconn *raw = assoc_pg_conn(c);
    exec_ok(c, "BEGIN");
    ins_v(c, ins, 4, ASSOC_OK);
    STEP(c, cnt, ASSOC_ROW);
    raw_exec(raw, "SAVEPOINT raw_sp");
    ins_v(c, ins, 5, ASSOC_OK);
    STEP(c, cnt, ASSOC_ROW);
    STEP(c, div, ASSOC_ERROR);
    assert_int_equal(ts_bits(c), 2 + 16 + 32);
    raw_exec(raw, "ROLLBACK TO SAVEPOINT raw_sp"); /* it is still there */
    assert_int_equal(ts_bits(c), 2 + 16);
    STEP(c, div, ASSOC_ERROR);
    raw_exec(raw, "RELEASE SAVEPOINT raw_sp");
    STEP(c, div, ASSOC_ERROR);
    ins_v(c, ins, 6, ASSOC_OK);
    exec_ok(c, "COMMIT");
    assert_int_equal(ts_bits(c), 2 + 16 + 64);

    /* The raw handle's writes between reads, and a failed read after them. */
    exec_ok(c, "BEGIN");
    STEP(c, cnt, ASSOC_ROW);
    raw_exec(raw, "INSERT INTO ts VALUES (7)");
    STEP(c, div, ASSOC_ERROR);
    assert_int_equal(ts_bits(c), 2 + 16 + 64 + 128);
    STEP(c, cnt, ASSOC_ROW);
    raw_exec(raw, "INSERT INTO ts VALUES (8)");
    ins_v(c, ins, 8, ASSOC_CONSTRAINT);
    STEP(c, div, ASSOC_ERROR);
    assert_int_equal(ts_bits(c), 2 + 16 + 64 + 128 + 256);
    exec_ok(c, "COMMIT");
    assert_int_equal(ts_bits(c), 2 + 16 + 64 + 128 + 256);

    /* Protection off for a write (the caller's own savepoint covers it):
     * the standing savepoint no longer serves after it. */
    exec_ok(c, "BEGIN");
    STEP(c, cnt, ASSOC_ROW);
    assert_true(assoc_pg_stmt_set_protect(ins, false));
    ins_v(c, ins, 9, ASSOC_OK);
    assert_false(assoc_pg_stmt_set_protect(ins, true));
    STEP(c, div, ASSOC_ERROR);
    assert_int_equal(ts_bits(c), 2 + 16 + 64 + 128 + 256 + 512);
    exec_ok(c, "COMMIT");
    assert_int_equal(ts_bits(c), 2 + 16 + 64 + 128 + 256 + 512);

    assoc_pg_finalize(ins);
    assoc_pg_finalize(div);
    assoc_pg_finalize(cnt);
    assoc_pg_close(c);
}

/* Whether another connection finds row 1 of ts_rd locked. */
static bool row_locked(PGconn *other)
{
    PGresult *r = PQexec(other, "SELECT v FROM ts_rd WHERE v = 1 FOR UPDATE NOWAIT");
    bool locked = PQresultStatus(r) != PGRES_TUPLES_OK;
    if (locked)
        assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "55P03");
    PQclear(r);
    return locked;
}

/* Which statements count as reads: the savepoint stands after a read (a
 * later failure rolls back to it, which undoes nothing of the read's), and
 * not after a statement that may change data, settings or row locks: a
 * failed read after it leaves its effect. */
static void test_standing_which_statements_read(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    PGconn *other = raw_connect();
    exec_ok(c, "DROP TABLE IF EXISTS ts_rd; CREATE TABLE ts_rd(v bigint PRIMARY KEY); INSERT INTO ts_rd VALUES (1);"
               " DROP SEQUENCE IF EXISTS ts_seq; CREATE SEQUENCE ts_seq;"
               " CREATE OR REPLACE FUNCTION ts_fn(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT $1'");
    assoc_pg_stmt *div = prepare_ok(c, "SELECT 1 / $1::bigint");
    OK(c, assoc_pg_bind_int64(div, 1, 0));
    static const struct {
        const char *sql;
        const char *check; /* 1 after the failed read, or NULL: row 1 is locked */
    } writers[] = {
        {"WITH i AS (INSERT INTO ts_rd VALUES (2) RETURNING v) SELECT v FROM i", "SELECT count(*) FROM ts_rd WHERE v = 2"},
        {"SELECT set_config('assoc.test', 'kept', true)", "SELECT (current_setting('assoc.test') = 'kept')::int"},
        {"SELECT 2 AS v INTO TEMP tmp_ts", "SELECT count(*) FROM tmp_ts"},
        {"SELECT v FROM ts_rd FOR UPDATE", NULL},
        {"select/**/v\nfrom \"ts_rd\" -- the row\n for key share", NULL},
        {"SELECT v FROM ts_rd WHERE v = 1 AND pg_catalog.pg_try_advisory_xact_lock(7) FOR NO KEY UPDATE", NULL},
    };
    for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++) {
        exec_ok(c, "BEGIN");
        assoc_pg_stmt *w = prepare_ok(c, writers[i].sql);
        assert_false(assoc_pg_stmt_reads_only(w));
        int rc = assoc_pg_step(w);
        if (rc != ASSOC_ROW && rc != ASSOC_OK)
            print_error("%s: %d %s\n", writers[i].sql, rc, assoc_pg_errmsg(c));
        assert_true(rc == ASSOC_ROW || rc == ASSOC_OK);
        assoc_pg_finalize(w);
        STEP(c, div, ASSOC_ERROR);
        if (writers[i].check)
            assert_int_equal(q_i64(c, writers[i].check), 1);
        else
            assert_true(row_locked(other));
        exec_ok(c, "ROLLBACK");
        assert_false(row_locked(other));
    }
    /* Reads: the failed read after them rolls back to the savepoint set
     * before them, which leaves the transaction as it was. */
    static const char *const readers[] = {
        "SELECT v FROM ts_rd WHERE v = $1",
        "WITH t(x) AS (SELECT v FROM ts_rd) SELECT count(*), max(x) FROM t WHERE x <> $1",
        "SELECT 'INSERT INTO ts_rd VALUES (3)', \"v\" FROM ts_rd WHERE v = $1::bigint",
        "VALUES ($1::bigint)",
        "SELECT $$ DELETE $$, E'\\' UPDATE', v FROM ts_rd WHERE EXISTS (SELECT 1 WHERE $1 = 1)",
    };
    exec_ok(c, "BEGIN");
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO ts_rd VALUES ($1)");
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        assoc_pg_stmt *r = prepare_ok(c, readers[i]);
        if (!assoc_pg_stmt_reads_only(r))
            print_error("not taken as a read: %s\n", readers[i]);
        assert_true(assoc_pg_stmt_reads_only(r));
        OK(c, assoc_pg_bind_int64(r, 1, 1));
        int rc = assoc_pg_step(r);
        assert_true(rc == ASSOC_ROW || rc == ASSOC_OK);
        assoc_pg_finalize(r);
        STEP(c, div, ASSOC_ERROR);
        ins_v(c, ins, 10 + (int64_t)i, ASSOC_OK);
        STEP(c, div, ASSOC_ERROR);
    }
    exec_ok(c, "COMMIT");
    assert_int_equal(q_i64(c, "SELECT count(*) FROM ts_rd WHERE v >= 10"), 5);
    /* The rule on its own, on statements that prepare. */
    static const struct {
        const char *sql;
        bool reads;
    } texts[] = {
        {"SELECT 1", true},
        {"  (select 1)", true},
        {"TABLE ts_rd", true},
        {"WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t", true},
        {"SELECT count(*), COALESCE(max(v), 0), $1::varchar(10) FROM ts_rd /* nested /* comment */ */", true},
        {"SELECT v FROM ts_rd WHERE v IN (SELECT v FROM ts_rd) AND NOT EXISTS (SELECT 1)", true},
        {"SELECT nextval('ts_seq')", false},
        {"SELECT \"count\"(*) FROM ts_rd", false},
        {"SELECT ts_fn(v) FROM ts_rd", false},
        {"SELECT ts_fn (v) FROM ts_rd", false},
        {"SELECT public.ts_fn(v) FROM ts_rd", false},
        {"SELECT 1;", true},
        {"SELECT $a$ $b$ DELETE $a$ AS t, v FROM ts_rd", true},
        {"INSERT INTO ts_rd VALUES (1)", false},
        {"UPDATE ts_rd SET v = 1", false},
        {"DELETE FROM ts_rd", false},
        {"MERGE INTO ts_rd USING ts_rd s ON true WHEN MATCHED THEN DO NOTHING", false},
        {"WITH d AS (DELETE FROM ts_rd RETURNING v) SELECT v FROM d", false},
        {"WITH d AS (SELECT 1) UPDATE ts_rd SET v = v", false},
        {"SELECT * FROM ts_rd FOR UPDATE SKIP LOCKED", false},
        {"SELECT * FROM ts_rd FOR SHARE", false},
        {"SAVEPOINT x", false},
        {"SET search_path TO public", false},
        {"", false},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        assoc_pg_stmt *t = NULL;
        OK(c, assoc_pg_prepare(c, texts[i].sql, &t));
        if (assoc_pg_stmt_reads_only(t) != texts[i].reads)
            print_error("%s: reads_only %d\n", texts[i].sql, (int)texts[i].reads);
        assert_int_equal(assoc_pg_stmt_reads_only(t), texts[i].reads);
        assoc_pg_finalize(t);
    }
    assert_false(assoc_pg_stmt_reads_only(NULL));
    assoc_pg_finalize(ins);
    assoc_pg_finalize(div);
    exec_ok(c, "DROP TABLE ts_rd; DROP SEQUENCE ts_seq; DROP FUNCTION ts_fn(bigint)");
    PQfinish(other);
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Statements: reset, re-execution, re-entrance, changes
 * ------------------------------------------------------------------- */

static void test_reset_and_reexecute(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    assoc_pg_stmt *s = prepare_ok(c, "SELECT $1::bigint + 1, g FROM generate_series(1, 2) g");
    assert_int_equal(assoc_pg_column_count(s), 0);
    assert_true(assoc_pg_col_null(s, 0));
    int64_t v = 0;
    EXPECT(c, assoc_pg_col_int64(s, 0, &v), ASSOC_MISUSE);
    EXPECT(c, assoc_pg_bind_int64(s, 0, 1), ASSOC_MISUSE);
    EXPECT(c, assoc_pg_bind_int64(s, 2, 1), ASSOC_MISUSE);
    assert_true(contains(assoc_pg_errmsg(c), "out of range"));
    OK(c, assoc_pg_bind_int64(s, 1, 1));
    for (int round = 0; round < 3; round++) {
        EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
        assert_int_equal(assoc_pg_column_count(s), 2);
        OK(c, assoc_pg_col_int64(s, 0, &v));
        assert_int_equal(v, 2);
        EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
        OK(c, assoc_pg_col_int64(s, 1, &v));
        assert_int_equal(v, 2);
        EXPECT(c, assoc_pg_step(s), ASSOC_OK);
        EXPECT(c, assoc_pg_step(s), ASSOC_OK); /* done stays done */
        EXPECT(c, assoc_pg_col_int64(s, 0, &v), ASSOC_MISUSE);
        EXPECT(c, assoc_pg_bind_int64(s, 1, 5), ASSOC_MISUSE); /* not reset */
        assoc_pg_reset(s);
        assert_int_equal(assoc_pg_column_count(s), 0);
    }
    /* Reset mid-way, then new bindings. */
    OK(c, assoc_pg_bind_int64(s, 1, 5));
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    EXPECT(c, assoc_pg_col_int64(s, 2, &v), ASSOC_MISUSE);
    assert_true(assoc_pg_col_null(s, 2));
    assert_true(assoc_pg_col_null(s, -1));
    assoc_pg_reset(s);
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    OK(c, assoc_pg_col_int64(s, 0, &v));
    assert_int_equal(v, 6);
    assoc_pg_finalize(s);

    /* A failed step leaves the statement as after a reset. */
    s = prepare_ok(c, "SELECT 10 / $1::bigint");
    OK(c, assoc_pg_bind_int64(s, 1, 0));
    EXPECT(c, assoc_pg_step(s), ASSOC_ERROR);
    OK(c, assoc_pg_bind_int64(s, 1, 5));
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    OK(c, assoc_pg_col_int64(s, 0, &v));
    assert_int_equal(v, 2);
    assoc_pg_finalize(s);
    assoc_pg_close(c);
}

struct reent {
    assoc_pgconn *c;
    assoc_pg_stmt *ins, *count, *outer_again;
};

static void test_reentrant(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS ra; DROP TABLE IF EXISTS rb;"
               "CREATE TABLE ra(v bigint); CREATE TABLE rb(v bigint);"
               "INSERT INTO ra SELECT g FROM generate_series(1, 50) g");
    const char *outer_sql = "SELECT v FROM ra ORDER BY v";
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        exec_ok(c, "DELETE FROM rb");
        if (in_tx)
            exec_ok(c, "BEGIN");
        assoc_pg_stmt *outer = prepare_ok(c, outer_sql);
        assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO rb VALUES ($1)");
        assoc_pg_stmt *cnt = prepare_ok(c, "SELECT count(*) FROM rb");
        /* The same SQL prepared again: a second statement (libassoc's
         * cache does this when a statement is already in use). */
        assoc_pg_stmt *outer2 = prepare_ok(c, outer_sql);
        int64_t expect = 1;
        int rc;
        while ((rc = assoc_pg_step(outer)) == ASSOC_ROW) {
            int64_t v = 0;
            OK(c, assoc_pg_col_int64(outer, 0, &v));
            assert_int_equal(v, expect);
            OK(c, assoc_pg_bind_int64(ins, 1, v * 10));
            OK(c, assoc_pg_step(ins));
            assoc_pg_reset(ins);
            EXPECT(c, assoc_pg_step(cnt), ASSOC_ROW);
            int64_t n = 0;
            OK(c, assoc_pg_col_int64(cnt, 0, &n));
            assert_int_equal(n, expect);
            assoc_pg_reset(cnt);
            if (v % 10 == 0) {
                exec_ok(c, "UPDATE ra SET v = v"); /* a script in between */
                EXPECT(c, assoc_pg_step(outer2), ASSOC_ROW);
                OK(c, assoc_pg_col_int64(outer2, 0, &n));
                assert_int_equal(n, 1);
                assoc_pg_reset(outer2);
            }
            /* The outer row is still readable after all that. */
            OK(c, assoc_pg_col_int64(outer, 0, &v));
            assert_int_equal(v, expect);
            expect++;
        }
        EXPECT(c, rc, ASSOC_OK);
        assert_int_equal(expect, 51);
        assoc_pg_finalize(outer2);
        assoc_pg_finalize(cnt);
        assoc_pg_finalize(ins);
        assoc_pg_finalize(outer);
        if (in_tx)
            exec_ok(c, "COMMIT");
        assert_int_equal(q_i64(c, "SELECT sum(v) FROM rb"), 12750);
    }
    exec_ok(c, "DROP TABLE ra; DROP TABLE rb");
    assoc_pg_close(c);
}

static void test_changes(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS tch; CREATE TABLE tch(id bigint GENERATED ALWAYS AS IDENTITY, v bigint)");
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO tch(v) VALUES ($1), ($1), ($1)");
    OK(c, assoc_pg_bind_int64(ins, 1, 7));
    OK(c, assoc_pg_step(ins));
    assert_int_equal(assoc_pg_changes(c), 3);
    assoc_pg_finalize(ins);
    assoc_pg_stmt *upd = prepare_ok(c, "UPDATE tch SET v = v + 1 WHERE id <= $1");
    OK(c, assoc_pg_bind_int64(upd, 1, 2));
    OK(c, assoc_pg_step(upd));
    assert_int_equal(assoc_pg_changes(c), 2);
    assoc_pg_reset(upd);
    OK(c, assoc_pg_bind_int64(upd, 1, 0));
    OK(c, assoc_pg_step(upd));
    assert_int_equal(assoc_pg_changes(c), 0);
    assoc_pg_finalize(upd);
    exec_ok(c, "UPDATE tch SET v = 0");
    assert_int_equal(assoc_pg_changes(c), 3);
    assert_int_equal(q_i64(c, "SELECT count(*) FROM tch"), 3); /* a SELECT leaves it */
    assert_int_equal(assoc_pg_changes(c), 3);
    assoc_pg_stmt *ret = prepare_ok(c, "INSERT INTO tch(v) VALUES (9) RETURNING id");
    EXPECT(c, assoc_pg_step(ret), ASSOC_ROW);
    int64_t id = 0;
    OK(c, assoc_pg_col_int64(ret, 0, &id));
    assert_int_equal(id, 4); /* the identity the server assigned */
    assert_int_equal(assoc_pg_changes(c), 1);
    EXPECT(c, assoc_pg_step(ret), ASSOC_OK);
    assoc_pg_finalize(ret);
    exec_ok(c, "BEGIN"); /* protected statements count the same */
    assoc_pg_stmt *del = prepare_ok(c, "DELETE FROM tch WHERE v = $1");
    OK(c, assoc_pg_bind_int64(del, 1, 0));
    OK(c, assoc_pg_step(del));
    assert_int_equal(assoc_pg_changes(c), 3);
    assoc_pg_finalize(del);
    exec_ok(c, "COMMIT; DROP TABLE tch");
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Two connections: serialization failures, deadlocks, lock timeouts
 * ------------------------------------------------------------------- */

static void test_serialization_failure(void **state)
{
    (void)state;
    assoc_pgconn *a = connect_ok(), *b = connect_ok();
    exec_ok(a, "DROP TABLE IF EXISTS acct; CREATE TABLE acct(id bigint PRIMARY KEY, bal bigint);"
               "INSERT INTO acct VALUES (1, 100), (2, 100)");
    /* REPEATABLE READ: b updates a row a changed after b's snapshot. */
    assoc_pg_stmt *upd = prepare_ok(b, "UPDATE acct SET bal = bal - $1 WHERE id = 1");
    exec_ok(a, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    exec_ok(b, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    assert_int_equal(q_i64(a, "SELECT bal FROM acct WHERE id = 1"), 100);
    assert_int_equal(q_i64(b, "SELECT bal FROM acct WHERE id = 1"), 100);
    exec_ok(a, "UPDATE acct SET bal = bal - 10 WHERE id = 1; COMMIT");
    OK(b, assoc_pg_bind_int64(upd, 1, 20));
    EXPECT(b, assoc_pg_step(upd), ASSOC_BUSY);
    assert_string_equal(assoc_pg_sqlstate(b), "40001");
    assert_true(contains(assoc_pg_errmsg(b), "could not serialize access due to concurrent update"));
    assoc_pg_reset(upd);
    assert_true(assoc_pg_in_transaction(b));
    exec_ok(b, "ROLLBACK");
    /* The caller retries, and it goes through. */
    exec_ok(b, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    OK(b, assoc_pg_step(upd));
    assoc_pg_reset(upd);
    exec_ok(b, "COMMIT");
    assert_int_equal(q_i64(a, "SELECT bal FROM acct WHERE id = 1"), 70);

    /* SERIALIZABLE write skew: the second COMMIT fails, ASSOC_BUSY too. */
    exec_ok(a, "BEGIN ISOLATION LEVEL SERIALIZABLE");
    exec_ok(b, "BEGIN ISOLATION LEVEL SERIALIZABLE");
    assert_int_equal(q_i64(a, "SELECT sum(bal) FROM acct"), 170);
    assert_int_equal(q_i64(b, "SELECT sum(bal) FROM acct"), 170);
    exec_ok(a, "UPDATE acct SET bal = 0 WHERE id = 1");
    exec_ok(b, "UPDATE acct SET bal = 0 WHERE id = 2");
    exec_ok(a, "COMMIT");
    EXPECT(b, assoc_pg_exec(b, "COMMIT"), ASSOC_BUSY);
    assert_string_equal(assoc_pg_sqlstate(b), "40001");
    assert_false(assoc_pg_in_transaction(b));
    assoc_pg_finalize(upd);
    exec_ok(a, "DROP TABLE acct");
    assoc_pg_close(b);
    assoc_pg_close(a);
}

static void test_deadlock(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    PGconn *r = raw_connect();
    exec_ok(c, "DROP TABLE IF EXISTS dl; CREATE TABLE dl(id bigint PRIMARY KEY, v bigint);"
               "INSERT INTO dl VALUES (1, 0), (2, 0)");
    /* c detects the deadlock (its check runs first), r waits. */
    exec_ok(c, "SET deadlock_timeout = '100ms'");
    raw_exec(r, "SET deadlock_timeout = '30s'");
    assoc_pg_stmt *upd = prepare_ok(c, "UPDATE dl SET v = v + 1 WHERE id = $1");
    exec_ok(c, "BEGIN");
    raw_exec(r, "BEGIN");
    OK(c, assoc_pg_bind_int64(upd, 1, 1));
    OK(c, assoc_pg_step(upd)); /* c holds row 1 */
    assoc_pg_reset(upd);
    raw_exec(r, "UPDATE dl SET v = v + 1 WHERE id = 2"); /* r holds row 2 */
    assert_int_equal(PQsendQuery(r, "UPDATE dl SET v = v + 1 WHERE id = 1"), 1); /* r waits for c */
    OK(c, assoc_pg_bind_int64(upd, 1, 2));
    EXPECT(c, assoc_pg_step(upd), ASSOC_BUSY); /* c would wait for r */
    assert_string_equal(assoc_pg_sqlstate(c), "40P01");
    assert_true(contains(assoc_pg_errmsg(c), "deadlock detected"));
    assoc_pg_reset(upd);
    assert_true(assoc_pg_in_transaction(c));
    exec_ok(c, "ROLLBACK"); /* releases row 1: r goes on */
    PGresult *res;
    int results = 0;
    while ((res = PQgetResult(r)) != NULL) {
        assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
        PQclear(res);
        results++;
    }
    assert_int_equal(results, 1);
    raw_exec(r, "COMMIT");
    assert_int_equal(q_i64(c, "SELECT sum(v) FROM dl"), 2);
    assoc_pg_finalize(upd);
    exec_ok(c, "DROP TABLE dl");
    PQfinish(r);
    assoc_pg_close(c);
}

static void test_lock_not_available(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    PGconn *r = raw_connect();
    exec_ok(c, "DROP TABLE IF EXISTS lk; CREATE TABLE lk(id bigint PRIMARY KEY); INSERT INTO lk VALUES (1)");
    raw_exec(r, "BEGIN; SELECT * FROM lk WHERE id = 1 FOR UPDATE");
    assoc_pg_stmt *s = prepare_ok(c, "SELECT id FROM lk WHERE id = $1 FOR UPDATE NOWAIT");
    OK(c, assoc_pg_bind_int64(s, 1, 1));
    EXPECT(c, assoc_pg_step(s), ASSOC_BUSY);
    assert_string_equal(assoc_pg_sqlstate(c), "55P03");
    /* lock_timeout reports the same. */
    exec_ok(c, "SET lock_timeout = '50ms'");
    EXPECT(c, assoc_pg_exec(c, "UPDATE lk SET id = 1"), ASSOC_BUSY);
    exec_ok(c, "RESET lock_timeout");
    raw_exec(r, "ROLLBACK");
    EXPECT(c, assoc_pg_step(s), ASSOC_ROW);
    assoc_pg_finalize(s);
    exec_ok(c, "DROP TABLE lk");
    PQfinish(r);
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Lost connections
 * ------------------------------------------------------------------- */

/* Every call on a dead connection fails cleanly. */
static void check_dead(assoc_pgconn *c, assoc_pg_stmt *s)
{
    assert_false(assoc_pg_connected(c));
    assert_false(assoc_pg_in_transaction(c));
    EXPECT(c, assoc_pg_exec(c, "SELECT 1"), ASSOC_ERROR);
    assert_true(contains(assoc_pg_errmsg(c), "no connection to the server"));
    assoc_pg_stmt *t = (assoc_pg_stmt *)&t;
    EXPECT(c, assoc_pg_prepare(c, "SELECT 1", &t), ASSOC_ERROR);
    assert_null(t);
    assoc_pg_reset(s);
    EXPECT(c, assoc_pg_step(s), ASSOC_ERROR);
    EXPECT(c, assoc_pg_step(s), ASSOC_ERROR);
    EXPECT(c, assoc_pg_exec(c, "ROLLBACK"), ASSOC_ERROR);
    (void)assoc_pg_changes(c);
    (void)assoc_pg_errmsg(c);
}

static void test_connection_killed(void **state)
{
    (void)state;
    assoc_pgconn *killer = connect_ok();
    assoc_pg_stmt *kill = prepare_ok(killer, "SELECT pg_terminate_backend($1::int)");
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        assoc_pgconn *c = connect_ok();
        assoc_pg_stmt *rows = prepare_ok(c, "SELECT g FROM generate_series(1, 3) g");
        assoc_pg_stmt *one = prepare_ok(c, "SELECT $1::bigint");
        OK(c, assoc_pg_bind_int64(one, 1, 1));
        if (in_tx)
            exec_ok(c, "BEGIN");
        EXPECT(c, assoc_pg_step(rows), ASSOC_ROW); /* a result being read */
        OK(killer, assoc_pg_bind_int64(kill, 1, PQbackendPID(assoc_pg_conn(c))));
        EXPECT(killer, assoc_pg_step(kill), ASSOC_ROW);
        assoc_pg_reset(kill);
        nanosleep(&(struct timespec){0, 100000000}, NULL);
        EXPECT(c, assoc_pg_step(one), ASSOC_ERROR);
        assert_true(contains(assoc_pg_errmsg(c), "terminating connection due to administrator command") ||
                    contains(assoc_pg_errmsg(c), "server closed the connection"));
        assert_null(strchr(assoc_pg_errmsg(c), '\n'));
        /* The rows already fetched stay readable. */
        int64_t v = 0;
        OK(c, assoc_pg_col_int64(rows, 0, &v));
        assert_int_equal(v, 1);
        EXPECT(c, assoc_pg_step(rows), ASSOC_ROW);
        check_dead(c, one);
        assoc_pg_finalize(one);
        assoc_pg_close(c); /* rows is freed by close */
    }
    assoc_pg_finalize(kill);
    assoc_pg_close(killer);
}

/* ---------------------------------------------------------------------
 * Out of memory: every allocation of the module comes from assoc_malloc
 * (SQLite's allocator, per assoc.h), so a failing allocator installed with
 * sqlite3_config reaches each of them in turn.
 * ------------------------------------------------------------------- */

static struct {
    sqlite3_mem_methods real;
    long countdown; /* allocations until the one that fails; -1: none */
    long requests;
} fault;

static bool fault_now(void)
{
    fault.requests++;
    if (fault.countdown < 0)
        return false;
    if (fault.countdown-- == 0) {
        fault.countdown = -1; /* one failure, then memory again */
        return true;
    }
    return false;
}

static void *faulty_malloc(int n)
{
    return fault_now() ? NULL : fault.real.xMalloc(n);
}

static void *faulty_realloc(void *p, int n)
{
    return fault_now() ? NULL : fault.real.xRealloc(p, n);
}

/* Connect, prepare inside a transaction, bind text and blob, step, decode a
 * blob, finalize (queued), commit, close: each step ASSOC_OK or
 * ASSOC_NOMEM, and nothing leaks (the sanitizer and valgrind runs check). */
static int oom_session(void)
{
    assoc_pgconn *c = NULL;
    int rc = assoc_pg_connect(uri, &c);
    if (rc != ASSOC_OK) {
        assert_int_equal(rc, ASSOC_NOMEM);
        assert_non_null(assoc_pg_errmsg(c));
        assoc_pg_close(c);
        return rc;
    }
    assoc_pg_stmt *s = NULL;
    rc = assoc_pg_exec(c, "BEGIN");
    if (rc == ASSOC_OK)
        rc = assoc_pg_prepare(c, "SELECT $1::text, $2::bytea, '\\x00ff'::bytea", &s);
    if (rc == ASSOC_OK)
        rc = assoc_pg_bind_text(s, 1, "some text that is long enough to need its own buffer", 52);
    if (rc == ASSOC_OK)
        rc = assoc_pg_bind_blob(s, 2, "\0\1\2", 3);
    if (rc == ASSOC_OK)
        rc = assoc_pg_step(s) == ASSOC_ROW ? ASSOC_OK : ASSOC_ERROR;
    if (rc == ASSOC_OK) {
        const unsigned char *d = NULL;
        size_t len = 0;
        rc = assoc_pg_col_blob(s, 1, &d, &len);
        if (rc == ASSOC_OK)
            assert_int_equal(len, 3);
        if (rc == ASSOC_OK)
            rc = assoc_pg_col_blob(s, 2, &d, &len);
        if (rc == ASSOC_OK)
            assert_true(len == 2 && d[1] == 0xff);
    }
    assoc_pg_finalize(s);
    if (assoc_pg_in_transaction(c))
        OK(c, assoc_pg_exec(c, "COMMIT"));
    assoc_pg_close(c);
    assert_true(rc == ASSOC_OK || rc == ASSOC_NOMEM);
    return rc;
}

static void test_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(sqlite3_shutdown(), SQLITE_OK);
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &fault.real), SQLITE_OK);
    sqlite3_mem_methods m = fault.real;
    m.xMalloc = faulty_malloc;
    m.xRealloc = faulty_realloc;
    fault.countdown = -1;
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
    assert_int_equal(sqlite3_initialize(), SQLITE_OK);

    int nomem = 0;
    bool done = false;
    for (long n = 0; n < 200 && !done; n++) {
        fault.countdown = n;
        int rc = oom_session();
        if (fault.countdown >= 0) { /* ran without reaching the failure */
            done = true;
            assert_int_equal(rc, ASSOC_OK);
        } else if (rc == ASSOC_NOMEM) {
            nomem++;
        }
    }
    fault.countdown = -1;
    print_message("out of memory: %d of the sessions failed with ASSOC_NOMEM\n", nomem);
    assert_true(done);
    assert_true(nomem >= 5);

    assert_int_equal(sqlite3_shutdown(), SQLITE_OK);
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &fault.real), SQLITE_OK);
    assert_int_equal(sqlite3_initialize(), SQLITE_OK);
}

/* The server itself stopped (and started again): only when the test knows
 * the server's directory ($ASSOC_PG_DIR, set by tests/pg/with_server.sh).
 * Runs last. */
static void test_server_stopped(void **state)
{
    (void)state;
    const char *dir = getenv("ASSOC_PG_DIR");
    if (!dir || !*dir) {
        print_message("ASSOC_PG_DIR not set: the server is not stopped\n");
        return;
    }
    assoc_pgconn *c = connect_ok();
    assoc_pg_stmt *s = prepare_ok(c, "SELECT 1");
    exec_ok(c, "BEGIN");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh %s/tests/pg/server.sh stop '%s' >/dev/null 2>&1", SRCDIR, dir);
    assert_int_equal(system(cmd), 0);
    EXPECT(c, assoc_pg_step(s), ASSOC_ERROR);
    check_dead(c, s);
    assoc_pgconn *d = NULL;
    EXPECT(d, assoc_pg_connect(uri, &d), ASSOC_ERROR);
    assert_non_null(d);
    assoc_pg_close(d);
    assoc_pg_close(c);
    snprintf(cmd, sizeof cmd, "sh %s/tests/pg/server.sh start '%s' >/dev/null 2>&1", SRCDIR, dir);
    assert_int_equal(system(cmd), 0);
    c = connect_ok();
    assert_int_equal(q_i64(c, "SELECT 42"), 42);
    assoc_pg_close(c);
}

/* ---------------------------------------------------------------------
 * Injection, prepared statements on the server, close
 * ------------------------------------------------------------------- */

static void test_injection_strings(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    exec_ok(c, "DROP TABLE IF EXISTS inj; CREATE TABLE inj(id bigint, v text)");
    const char *vals[] = {
        "'; DROP TABLE inj; --",
        "Robert'); DROP TABLE inj;--",
        "' OR '1'='1",
        "\\'; SELECT pg_sleep(10); --",
        "$1",
        "$$; DROP TABLE inj; $$",
        "E'\\x00'",
        "%s%n%x",
        "\"; DROP TABLE \"inj",
        "/* comment */ --",
        ";",
        "\\",
        "''",
    };
    const size_t n = sizeof vals / sizeof vals[0];
    assoc_pg_stmt *ins = prepare_ok(c, "INSERT INTO inj VALUES ($1, $2)");
    for (size_t i = 0; i < n; i++) {
        OK(c, assoc_pg_bind_int64(ins, 1, (int64_t)i));
        OK(c, assoc_pg_bind_text(ins, 2, vals[i], strlen(vals[i])));
        OK(c, assoc_pg_step(ins));
        assoc_pg_reset(ins);
    }
    assoc_pg_finalize(ins);
    assoc_pg_stmt *get = prepare_ok(c, "SELECT id, v FROM inj WHERE v = $1");
    for (size_t i = 0; i < n; i++) {
        OK(c, assoc_pg_bind_text(get, 1, vals[i], strlen(vals[i])));
        EXPECT(c, assoc_pg_step(get), ASSOC_ROW);
        int64_t id = -1;
        OK(c, assoc_pg_col_int64(get, 0, &id));
        assert_int_equal(id, (int64_t)i);
        assert_string_equal(assoc_pg_col_text(get, 1, NULL), vals[i]);
        EXPECT(c, assoc_pg_step(get), ASSOC_OK);
        assoc_pg_reset(get);
    }
    assoc_pg_finalize(get);
    assert_int_equal(q_i64(c, "SELECT count(*) FROM inj"), (int64_t)n);
    exec_ok(c, "DROP TABLE inj");
    assoc_pg_close(c);
}

static void test_prepared_on_server(void **state)
{
    (void)state;
    assoc_pgconn *c = connect_ok();
    const char *count_sql = "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'assoc_pg_%'";
    int64_t base = q_i64(c, count_sql);
    assoc_pg_stmt *a = prepare_ok(c, "SELECT 1");
    assoc_pg_stmt *b = prepare_ok(c, "SELECT 2");
    assert_int_equal(q_i64(c, count_sql), base + 2);
    assoc_pg_finalize(a);
    assert_int_equal(q_i64(c, count_sql), base + 1);
    /* Finalized inside a transaction: deallocated after it, never in it. */
    exec_ok(c, "BEGIN");
    assoc_pg_finalize(b);
    assert_int_equal(q_i64(c, count_sql), base + 1);
    exec_ok(c, "COMMIT");
    assert_int_equal(q_i64(c, count_sql), base);
    /* Also after an aborted one (protection off). */
    assoc_pg_set_protect(c, false);
    a = prepare_ok(c, "SELECT 3");
    exec_ok(c, "BEGIN");
    EXPECT(c, assoc_pg_exec(c, "SELECT 1/0"), ASSOC_ERROR);
    assoc_pg_finalize(a);
    exec_ok(c, "ROLLBACK");
    assoc_pg_set_protect(c, true);
    assert_int_equal(q_i64(c, count_sql), base);
    /* A failed prepare leaves nothing, inside a transaction or not. */
    assoc_pg_stmt *bad = NULL;
    EXPECT(c, assoc_pg_prepare(c, "SELECT * FROM nowhere", &bad), ASSOC_ERROR);
    exec_ok(c, "BEGIN");
    EXPECT(c, assoc_pg_prepare(c, "SELECT * FROM nowhere", &bad), ASSOC_ERROR);
    exec_ok(c, "COMMIT");
    assert_int_equal(q_i64(c, count_sql), base);
    /* Statements outlive transactions, committed or rolled back. */
    a = prepare_ok(c, "SELECT 4");
    exec_ok(c, "BEGIN; ROLLBACK");
    EXPECT(c, assoc_pg_step(a), ASSOC_ROW);
    assoc_pg_finalize(a);
    /* Closing with statements still prepared (one with a result) frees them. */
    a = prepare_ok(c, "SELECT 5");
    b = prepare_ok(c, "SELECT $1::text");
    OK(c, assoc_pg_bind_text(b, 1, "x", 1));
    EXPECT(c, assoc_pg_step(b), ASSOC_ROW);
    (void)prepare_ok(c, "SELECT 6");
    assoc_pg_close(c);
}

static int setup_group(void **state)
{
    (void)state;
    uri = getenv("ASSOC_PG_URI");
    if (!uri || !*uri) {
        fprintf(stderr, "test_pg_backend: ASSOC_PG_URI is not set; run it under tests/pg/with_server.sh\n");
        return -1;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_and_session),
        cmocka_unit_test(test_connect_failures),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_exec_transaction_control),
        cmocka_unit_test(test_int64),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_bool_and_null),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_blob),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_binary_doubles),
        cmocka_unit_test(test_binary_timestamps),
        cmocka_unit_test(test_binary_other_types),
        cmocka_unit_test(test_binary_parameters),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_values_the_type_refuses),
        cmocka_unit_test(test_sqlstate_mapping),
        cmocka_unit_test(test_failed_statement_keeps_transaction),
        cmocka_unit_test(test_standing_failed_read_keeps_writes),
        cmocka_unit_test(test_standing_failed_write_after_reads),
        cmocka_unit_test(test_standing_callers_savepoints),
        cmocka_unit_test(test_standing_which_statements_read),
        cmocka_unit_test(test_reset_and_reexecute),
        cmocka_unit_test(test_reentrant),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_serialization_failure),
        cmocka_unit_test(test_deadlock),
        cmocka_unit_test(test_lock_not_available),
        cmocka_unit_test(test_connection_killed),
        cmocka_unit_test(test_injection_strings),
        cmocka_unit_test(test_prepared_on_server),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_server_stopped), /* last: it restarts the server */
    };
    return cmocka_run_group_tests(tests, setup_group, NULL);
}
