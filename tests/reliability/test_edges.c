/* test_edges.c - the generated code (tests/reliability/edges.def) and
 * libassoc at the edges of their value ranges, under ASan and UBSan:
 * INT64_MIN/MAX in every integer position (row ids, composite keys,
 * nullable and unique columns), doubles at their limits, datetimes at and
 * past the ends of their range, strings empty versus NULL, a string(N) at
 * N characters of several bytes each, huge strings and blobs, blobs full of
 * NUL bytes, values past SQLite's length limit; and the runtime's own
 * arithmetic (time formatting and parsing, list growth) at SIZE_MAX and
 * INT64_MIN/MAX.  Every call returns a code; nothing crashes or overflows. */
#include "rel.h"

#include <float.h>
#include <math.h>

#include "edges.h"

static int setup(void **state)
{
    assoc_db *db = NULL;
    if (assoc_open(":memory:", &db) != ASSOC_OK || edges_create_all(db) != ASSOC_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    assoc_close(*state);
    return 0;
}

static Thing thing(void)
{
    Thing t = THING_INIT;
    static unsigned char one = 1;
    t.nbl.data = &one;  /* not_null blob */
    t.nbl.len = 1;
    return t;
}

static void test_int64_columns(void **state)
{
    assoc_db *db = *state;
    static const int64_t vals[] = { INT64_MIN, INT64_MIN + 1, -1, 1, INT64_MAX - 1, INT64_MAX };
    int64_t ids[6];
    for (size_t i = 0; i < 6; i++) {
        Thing t = thing();
        t.i = vals[i];
        t.has_i = true;
        t.n = vals[5 - i];
        t.has_n = true;
        t.big = vals[i];
        t.has_big = true;
        OK(db, thing_insert(db, &t));
        ids[i] = t.id;
    }
    for (size_t i = 0; i < 6; i++) {
        Thing t;
        OK(db, thing_get(db, ids[i], &t));
        assert_true(t.has_i && t.i == vals[i]);
        assert_true(t.n == vals[5 - i]);
        assert_true(t.has_big && t.big == vals[i]);
        thing_free(&t);
        OK(db, thing_get_by_big(db, vals[i], &t));
        assert_int_equal(t.id, ids[i]);
        thing_free(&t);
    }
    /* Unset not_null column with a default: n takes 0. */
    Thing d = thing();
    OK(db, thing_insert(db, &d));
    assert_true(d.has_n && d.n == 0);
    /* A unique column refuses a second INT64_MIN. */
    Thing dup = thing();
    dup.big = INT64_MIN;
    dup.has_big = true;
    RC(db, ASSOC_CONSTRAINT, thing_insert(db, &dup));
    assert_int_equal(dup.id, 0);
}

static void test_row_ids_at_the_edges(void **state)
{
    assoc_db *db = *state;
    Thing max = thing(), min = thing(), next = thing(), neg = thing();
    max.id = INT64_MAX;
    OK(db, thing_insert(db, &max));
    assert_true(max.id == INT64_MAX);
    min.id = INT64_MIN;
    OK(db, thing_insert(db, &min));
    assert_true(min.id == INT64_MIN);
    neg.id = -1;
    OK(db, thing_insert(db, &neg));
    /* With INT64_MAX taken, SQLite picks an unused id at random. */
    OK(db, thing_insert(db, &next));
    assert_true(next.id != 0 && next.id != INT64_MAX && next.id != INT64_MIN);

    Thing t;
    OK(db, thing_get(db, INT64_MIN, &t));
    assert_true(t.id == INT64_MIN);
    thing_free(&t);
    OK(db, thing_first(db, &t));
    assert_true(t.id == INT64_MIN);  /* the lowest key */
    thing_free(&t);
    max.f = 1.5;
    max.has_f = true;
    OK(db, thing_update(db, &max));
    OK(db, thing_delete(db, &min));
    RC(db, ASSOC_NOTFOUND, thing_get(db, INT64_MIN, &t));
    RC(db, ASSOC_NOTFOUND, thing_delete(db, &min));
    int64_t n = 0;
    OK(db, thing_count(db, &n));
    assert_int_equal(n, 3);

    /* A composite key at both ends. */
    Pair p = { INT64_MIN, INT64_MAX, { NULL, 0 } }, q = { INT64_MAX, INT64_MIN, { NULL, 0 } };
    OK(db, pair_insert(db, &p));
    OK(db, pair_insert(db, &q));
    Pair g;
    OK(db, pair_get(db, INT64_MIN, INT64_MAX, &g));
    assert_true(g.a == INT64_MIN && g.b == INT64_MAX && g.v.data == NULL);
    pair_free(&g);
    RC(db, ASSOC_NOTFOUND, pair_get(db, INT64_MIN, INT64_MIN, &g));
    static unsigned char nul3[3] = { 0, 0, 0 };
    p.v.data = nul3;
    p.v.len = 3;
    OK(db, pair_update(db, &p));
    OK(db, pair_get(db, INT64_MIN, INT64_MAX, &g));
    assert_int_equal(g.v.len, 3);
    assert_memory_equal(g.v.data, nul3, 3);
    pair_free(&g);
    PairList l;
    OK(db, pair_all(db, &l));
    assert_int_equal(l.len, 2);
    assert_true(l.items[0].a == INT64_MIN);
    pair_list_free(&l);
    OK(db, pair_delete(db, &q));
}

static void test_doubles(void **state)
{
    assoc_db *db = *state;
    const double vals[] = { DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, DBL_TRUE_MIN, -0.0, 0.0, INFINITY, -INFINITY,
                            9007199254740993.0 };
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        Thing t = thing(), r;
        t.f = vals[i];
        t.has_f = true;
        OK(db, thing_insert(db, &t));
        OK(db, thing_get(db, t.id, &r));
        assert_true(r.has_f);
        assert_true(memcmp(&r.f, &vals[i], sizeof r.f) == 0 || (r.f == 0 && vals[i] == 0));
        thing_free(&r);
    }
    /* SQLite stores NaN as NULL: it reads back unset, without a crash. */
    Thing t = thing(), r;
    t.f = NAN;
    t.has_f = true;
    OK(db, thing_insert(db, &t));
    OK(db, thing_get(db, t.id, &r));
    assert_false(r.has_f);
    thing_free(&r);
}

static void test_datetimes(void **state)
{
    assoc_db *db = *state;
    /* The range: 0001-01-01 00:00:00 to 9999-12-31 23:59:59.999999. */
    const assoc_time lo = INT64_C(-62135596800) * 1000000, hi = INT64_C(253402300799) * 1000000 + 999999;
    const assoc_time good[] = { lo, lo + 1, -1, 0, 1, hi - 1, hi };
    const assoc_time bad[] = { INT64_MIN, INT64_MIN + 1, lo - 1, hi + 1, INT64_MAX - 1, INT64_MAX };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        Thing t = thing(), r;
        t.d = good[i];
        t.has_d = true;
        OK(db, thing_insert(db, &t));
        OK(db, thing_get(db, t.id, &r));
        assert_true(r.has_d && r.d == good[i]);
        thing_free(&r);
    }
    int64_t before = sql_int(db, "SELECT count(*) FROM things");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        Thing t = thing();
        t.d = bad[i];
        t.has_d = true;
        RC(db, ASSOC_MISUSE, thing_insert(db, &t));
        assert_int_equal(t.id, 0);
    }
    assert_int_equal(sql_int(db, "SELECT count(*) FROM things"), before);

    /* Whatever another program stored in the column: a code, never a crash. */
    static const char *const stored[] = {
        "9223372036854775807", "-9223372036854775808", "253402300800", "-62135596801", "1e300", "-1e300",
        "'9999-12-31 23:59:59.9999999'", "'10000-01-01 00:00:00'", "'0000-01-01 00:00:00'",
        "'2020-02-30 00:00:00'", "'2020-01-01 24:00:00'", "''", "'x'", "x'00'", "'2020-01-01 00:00:00.'",
        "'2020-01-01T00:00:00.5'", "253402300799.9999999",
    };
    for (size_t i = 0; i < sizeof stored / sizeof *stored; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "UPDATE things SET d = %s WHERE rowid = (SELECT min(rowid) FROM things)",
                 stored[i]);
        assert_int_equal(sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, NULL), SQLITE_OK);
        Thing r;
        int rc = thing_first(db, &r);
        if (rc != ASSOC_OK && rc != ASSOC_ERROR)
            fail_msg("d = %s: rc %d", stored[i], rc);
        if (rc == ASSOC_OK)
            assert_true(!r.has_d || (r.d >= lo && r.d <= hi));
        else
            assert_null(r.t);  /* a failed read leaves the record zeroed */
        thing_free(&r);
    }
}

static int count_things(const Thing *t, void *ctx)
{
    (void)t;
    ++*(int *)ctx;
    return 0;
}

/* Numbers of the wrong kind, stored by another program (the CHECK on b
 * turned off for it): libassoc 2.0's readers refuse them, so every
 * generated read of the row fails with ASSOC_ERROR naming the table, the
 * column, the row and the value -- where 1.0's code read text as 0, 1.5
 * as 1 and 2 as true.  The list and each loops give nothing back. */
static void test_numbers_of_the_wrong_kind(void **state)
{
    assoc_db *db = *state;
    static const struct {
        const char *col, *value, *shown;
    } bad[] = {
        { "i", "'abc'", "\"abc\"" },  { "i", "1.5", "\"1.5\"" },   { "i", "'0x10'", "\"0x10\"" },
        { "n", "'x1'", "\"x1\"" },    { "n", "2.5e19", "not an integer" }, { "f", "'nan'", "\"nan\"" },
        { "b", "2", "\"2\"" },        { "b", "-1", "\"-1\"" },     { "b", "'yes'", "\"yes\"" },
        { "b", "0.5", "\"0.5\"" },
    };
    Thing t = thing(), other = thing();
    OK(db, thing_insert(db, &other));
    OK(db, thing_insert(db, &t));
    assert_int_equal(sqlite3_exec(assoc_sqlite(db), "PRAGMA ignore_check_constraints = ON", NULL, NULL, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char sql[200], where[64];
        snprintf(sql, sizeof sql, "UPDATE things SET i = NULL, n = 0, f = NULL, b = NULL, %s = %s WHERE id = %lld",
                 bad[i].col, bad[i].value, (long long)t.id);
        assert_int_equal(sqlite3_exec(assoc_sqlite(db), sql, NULL, NULL, NULL), SQLITE_OK);
        snprintf(where, sizeof where, "things.%s of the row with id = \"%lld\"", bad[i].col, (long long)t.id);

        Thing r;
        int rc = thing_get(db, t.id, &r);
        if (rc != ASSOC_ERROR || strstr(assoc_errmsg(db), where) == NULL ||
            strstr(assoc_errmsg(db), bad[i].shown) == NULL)
            fail_msg("%s = %s: thing_get gave %d \"%s\"", bad[i].col, bad[i].value, rc, assoc_errmsg(db));
        assert_null(r.t);
        thing_free(&r);

        ThingList l;
        RC(db, ASSOC_ERROR, thing_all(db, &l));
        assert_int_equal(l.len, 0);
        thing_list_free(&l);
        int seen = 0;
        RC(db, ASSOC_ERROR, thing_each(db, count_things, &seen));
        assert_non_null(strstr(assoc_errmsg(db), where));
        assert_int_equal(seen, 1); /* the row before it */
    }
    assert_int_equal(sqlite3_exec(assoc_sqlite(db), "PRAGMA ignore_check_constraints = OFF", NULL, NULL, NULL),
                     SQLITE_OK);
    /* Put right, the row reads again. */
    assert_int_equal(sqlite3_exec(assoc_sqlite(db), "UPDATE things SET b = 1, f = 2", NULL, NULL, NULL), SQLITE_OK);
    Thing r;
    OK(db, thing_get(db, t.id, &r));
    assert_true(r.has_b && r.b && r.has_f && r.f == 2.0);
    thing_free(&r);
}

static void test_strings_empty_null_huge(void **state)
{
    assoc_db *db = *state;
    Thing e = thing(), n = thing(), r;
    e.t = "";
    e.u = "";
    e.s = "";
    OK(db, thing_insert(db, &e));
    OK(db, thing_insert(db, &n));
    OK(db, thing_get(db, e.id, &r));
    assert_non_null(r.t);
    assert_string_equal(r.t, "");
    assert_non_null(r.s);
    assert_string_equal(r.s, "");
    thing_free(&r);
    OK(db, thing_get(db, n.id, &r));
    assert_null(r.t);
    assert_null(r.s);
    thing_free(&r);
    /* "" is one value of the unique column; NULLs are many. */
    OK(db, thing_get_by_u(db, "", &r));
    assert_int_equal(r.id, e.id);
    thing_free(&r);
    RC(db, ASSOC_NOTFOUND, thing_get_by_u(db, NULL, &r));
    Thing n2 = thing();
    OK(db, thing_insert(db, &n2));
    Thing e2 = thing();
    e2.u = "";
    RC(db, ASSOC_CONSTRAINT, thing_insert(db, &e2));

    /* string(10) counts characters: ten 4-byte characters fit, eleven don't. */
    char ten[64] = "", eleven[80] = "";
    for (int i = 0; i < 10; i++)
        strcat(ten, "\xf0\x9f\x98\x80");
    snprintf(eleven, sizeof eleven, "%sx", ten);
    Thing s = thing();
    s.s = ten;
    OK(db, thing_insert(db, &s));
    OK(db, thing_get(db, s.id, &r));
    assert_string_equal(r.s, ten);
    thing_free(&r);
    s.s = eleven;
    RC(db, ASSOC_CONSTRAINT, thing_update(db, &s));
    OK(db, thing_get(db, s.id, &r));
    assert_string_equal(r.s, ten);  /* unchanged */
    thing_free(&r);

    /* A 16 MiB text round trip. */
    size_t big = (size_t)16 << 20;
    char *huge = malloc(big + 1);
    assert_non_null(huge);
    for (size_t i = 0; i < big; i++)
        huge[i] = (char)('a' + i % 26);
    huge[big] = '\0';
    Thing h = thing();
    h.t = huge;
    OK(db, thing_insert(db, &h));
    OK(db, thing_get(db, h.id, &r));
    assert_int_equal(strlen(r.t), big);
    assert_memory_equal(r.t, huge, big);
    thing_free(&r);

    /* Past SQLite's length limit: an error code, nothing stored. */
    int old = sqlite3_limit(assoc_sqlite(db), SQLITE_LIMIT_LENGTH, 1000);
    int64_t count = sql_int(db, "SELECT count(*) FROM things");
    Thing toobig = thing();
    huge[2000] = '\0';
    toobig.t = huge;
    RC(db, ASSOC_ERROR, thing_insert(db, &toobig));
    static unsigned char blob[2000];
    toobig.t = NULL;
    toobig.bl.data = blob;
    toobig.bl.len = sizeof blob;
    RC(db, ASSOC_ERROR, thing_insert(db, &toobig));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM things"), count);
    sqlite3_limit(assoc_sqlite(db), SQLITE_LIMIT_LENGTH, old);
    free(huge);

    /* Text holding a NUL byte, stored by another program: read up to the
     * NUL, the copy NUL-terminated, nothing overrun. */
    assert_int_equal(sqlite3_exec(assoc_sqlite(db), "UPDATE things SET t = CAST(x'610062' AS TEXT) WHERE t = ''",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    OK(db, thing_get(db, e.id, &r));
    assert_string_equal(r.t, "a");
    thing_free(&r);
}

static int count_blob(const Thing *t, void *ctx)
{
    size_t *bytes = ctx;
    if (t->bl.data)
        *bytes += t->bl.len;
    return 0;
}

static void test_blobs(void **state)
{
    assoc_db *db = *state;
    static unsigned char nuls[] = { 0, 1, 0, 255, 0, 0 };
    Thing t = thing(), r;
    t.bl.data = nuls;
    t.bl.len = sizeof nuls;
    t.nbl.data = nuls;
    t.nbl.len = 0;  /* an empty blob, not NULL */
    OK(db, thing_insert(db, &t));
    OK(db, thing_get(db, t.id, &r));
    assert_int_equal(r.bl.len, sizeof nuls);
    assert_memory_equal(r.bl.data, nuls, sizeof nuls);
    assert_non_null(r.nbl.data);
    assert_int_equal(r.nbl.len, 0);
    thing_free(&r);
    /* NULL into the not_null blob is a constraint error; NULL elsewhere reads back NULL. */
    Thing z = thing();
    z.nbl.data = NULL;
    RC(db, ASSOC_CONSTRAINT, thing_insert(db, &z));
    z = thing();
    OK(db, thing_insert(db, &z));
    OK(db, thing_get(db, z.id, &r));
    assert_null(r.bl.data);
    assert_int_equal(r.bl.len, 0);
    thing_free(&r);
    /* Streaming borrows: an empty blob is non-NULL there too. */
    size_t bytes = 0;
    OK(db, thing_each(db, count_blob, &bytes));
    assert_int_equal(bytes, sizeof nuls);

    /* 8 MiB of mostly NUL bytes. */
    size_t big = (size_t)8 << 20;
    unsigned char *data = calloc(big, 1);
    assert_non_null(data);
    data[big / 2] = 7;
    Thing b = thing();
    b.bl.data = data;
    b.bl.len = big;
    OK(db, thing_insert(db, &b));
    OK(db, thing_get(db, b.id, &r));
    assert_int_equal(r.bl.len, big);
    assert_memory_equal(r.bl.data, data, big);
    thing_free(&r);
    free(data);
}

/* A blob key and a unique blob column: looked up by an assoc_blob passed
 * by value (the field's C type), bytes compared exactly, NUL bytes and all. */
static void test_blob_keys(void **state)
{
    assoc_db *db = *state;
    static unsigned char k1[] = { 0, 1, 2 }, k2[] = { 0, 1, 3 }, a1[] = { 9, 0 };
    Digest d = DIGEST_INIT, r = DIGEST_INIT;
    d.sum = (assoc_blob){ k1, sizeof k1 };
    d.alt = (assoc_blob){ a1, sizeof a1 };
    OK(db, digest_insert(db, &d));
    OK(db, digest_get(db, (assoc_blob){ k1, sizeof k1 }, &r));
    assert_int_equal(r.sum.len, sizeof k1);
    assert_memory_equal(r.sum.data, k1, sizeof k1);
    digest_free(&r);
    RC(db, ASSOC_NOTFOUND, digest_get(db, (assoc_blob){ k2, sizeof k2 }, &r));
    RC(db, ASSOC_NOTFOUND, digest_get(db, (assoc_blob){ k1, 2 }, &r));
    OK(db, digest_get_by_alt(db, d.alt, &r));
    assert_memory_equal(r.sum.data, k1, sizeof k1);
    digest_free(&r);
    /* A NULL blob matches nothing, as SQL NULL equals nothing. */
    RC(db, ASSOC_NOTFOUND, digest_get_by_alt(db, (assoc_blob){ NULL, 0 }, &r));
    /* The same key twice is a constraint error. */
    Digest dup = DIGEST_INIT;
    dup.sum = d.sum;
    RC(db, ASSOC_CONSTRAINT, digest_insert(db, &dup));
    OK(db, digest_delete(db, &d));
    RC(db, ASSOC_NOTFOUND, digest_get(db, d.sum, &r));
}

/* A datetime primary key, bound from the generated function's own buffer;
 * the key column is named like that buffer (time_text_1). */
static void test_datetime_key(void **state)
{
    assoc_db *db = *state;
    Stamp s = STAMP_INIT, r = STAMP_INIT;
    s.time_text_1 = INT64_C(1709208000654321);
    s.note = "leap day";
    OK(db, stamp_insert(db, &s));
    OK(db, stamp_get(db, s.time_text_1, &r));
    assert_true(r.time_text_1 == s.time_text_1);
    assert_string_equal(r.note, "leap day");
    stamp_free(&r);
    RC(db, ASSOC_NOTFOUND, stamp_get(db, s.time_text_1 + 1, &r));
    s.note = "updated";
    OK(db, stamp_update(db, &s));
    OK(db, stamp_get(db, s.time_text_1, &r));
    assert_string_equal(r.note, "updated");
    stamp_free(&r);
    OK(db, stamp_delete(db, &s));
    RC(db, ASSOC_NOTFOUND, stamp_delete(db, &s));
}

/* libassoc's arithmetic at the edges, directly. */
static void test_runtime_edges(void **state)
{
    assoc_db *db = *state;
    char buf[ASSOC_TIME_TEXT_SIZE];
    assert_int_equal(assoc_time_format(INT64_MIN, buf), ASSOC_MISUSE);
    assert_int_equal(assoc_time_format(INT64_MAX, buf), ASSOC_MISUSE);
    assert_int_equal(assoc_time_format(INT64_C(-62135596800) * 1000000, buf), ASSOC_OK);
    assert_string_equal(buf, "0001-01-01 00:00:00.000000");
    assert_int_equal(assoc_time_format(INT64_C(253402300799) * 1000000 + 999999, buf), ASSOC_OK);
    assert_string_equal(buf, "9999-12-31 23:59:59.999999");
    assoc_time t = 0;
    assert_int_equal(assoc_time_parse("9999-12-31 23:59:59.999999", 26, &t), ASSOC_OK);
    assert_int_equal(assoc_time_parse("9999-12-31 23:59:59.999999", SIZE_MAX, &t), ASSOC_ERROR);
    assert_int_equal(assoc_time_parse("9999-12-31 23:59:59.9999999", 27, &t), ASSOC_ERROR);
    assert_int_equal(assoc_time_parse("", 0, &t), ASSOC_ERROR);
    assert_int_equal(assoc_time_parse(NULL, 19, &t), ASSOC_ERROR);
    assert_int_equal(assoc_time_parse("2020-01-01 00:00:00.-12345", 26, &t), ASSOC_ERROR);

    /* List growth: no size_t overflow, ever. */
    void *items = NULL;
    size_t cap = 0;
    assert_int_equal(assoc_list_reserve(db, &items, &cap, SIZE_MAX, 1), ASSOC_NOMEM);
    assert_int_equal(assoc_list_reserve(db, &items, &cap, SIZE_MAX - 1, 16), ASSOC_NOMEM);
    assert_int_equal(assoc_list_reserve(db, &items, &cap, 0, SIZE_MAX), ASSOC_NOMEM);
    assert_int_equal(assoc_list_reserve(db, &items, &cap, 0, SIZE_MAX / 2 + 1), ASSOC_NOMEM);
    assert_null(items);
    assert_int_equal(cap, 0);
    cap = SIZE_MAX / 2 + 1;  /* a capacity whose doubling overflows */
    assert_int_equal(assoc_list_reserve(db, &items, &cap, cap, 8), ASSOC_NOMEM);
    cap = 0;
    assert_int_equal(assoc_list_reserve(db, &items, &cap, 0, 8), ASSOC_OK);
    assert_true(cap >= 1 && items != NULL);
    assoc_free(items);

    /* Strings and blobs of length 0 and the NULL cases. */
    char *s = (char *)"x";
    OK(db, assoc_strdup(db, NULL, &s));
    assert_null(s);
    OK(db, assoc_strdup(db, "", &s));
    assert_string_equal(s, "");
    assoc_free(s);
    assoc_blob b;
    OK(db, assoc_blobdup(db, "", 0, &b));
    assert_non_null(b.data);
    assert_int_equal(b.len, 0);
    assoc_free(b.data);
    assert_int_equal(assoc_blobdup(db, "x", SIZE_MAX, &b), ASSOC_NOMEM);
    assert_null(b.data);
    /* assoc_malloc of sizes SQLite cannot serve. */
    assert_null(assoc_malloc(SIZE_MAX));
    void *p = assoc_malloc(0);
    assert_non_null(p);
    assoc_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_int64_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_ids_at_the_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doubles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datetimes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_of_the_wrong_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_empty_null_huge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blob_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datetime_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runtime_edges, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
