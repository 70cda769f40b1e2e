/* test_readers_regress.c - the readers' fuzzer's checks (fuzz/fuzz_readers.h)
 * over its seeds and every input saved from it, in the ordinary test build
 * (ASan and UBSan, no libFuzzer), so that the harness runs on every `make
 * test` and a finding once fixed stays fixed.
 *
 * tests/reliability/readers-regress/ holds the seeds that
 * fuzz/make_readers_corpus.py makes (seed-*: rows of the seed's tables and
 * of edges.def's, well-formed and with malformed values, and the same as
 * database files) and inputs the fuzzer found (any other name).  Each must
 * pass every check; and each seed must reach what it is there for: the
 * well-formed ones hold rows and no call fails on them, the malformed ones
 * make the readers fail (ASSOC_ERROR, with the table, column and row
 * named). */
#include "rel.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fuzz_readers.h"

#define REGRESS_DIR SRCDIR "/tests/reliability/readers-regress"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *p = realloc(buf, cap *= 2);
            if (p == NULL)
                free(buf);
            buf = p;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_replay(void **state)
{
    (void)state;
    DIR *d = opendir(REGRESS_DIR);
    assert_non_null(d);
    struct dirent *e;
    int files = 0, seeds = 0;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", REGRESS_DIR, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        size_t len = 0;
        unsigned char *data = slurp(path, &len);
        assert_non_null(data);
        char msg[1024];
        rd_stats s;
        const char *fail = readers_one(data, len, msg, sizeof msg, &s);
        free(data);
        if (fail != NULL)
            fail_msg("%s: %s", e->d_name, fail);
        printf("%-24s %4ld calls, %3ld ASSOC_ERROR, %3ld rows, %d malformed table(s)\n", e->d_name, s.calls,
               s.errors, s.rows, s.bad_tables);
        files++;
        const char *n = e->d_name;
        if (strncmp(n, "seed-", 5) != 0 || strcmp(n, "seed-empty") == 0)
            continue;
        seeds++;
        assert_true(s.calls > 50);
        if (ends_with(n, "-bad")) {
            assert_true(s.errors > 0);
            if (strstr(n, "-rows") != NULL)
                assert_true(s.bad_tables > 0);
        } else {
            assert_int_equal(s.errors, 0);
            if (strstr(n, "-rows") != NULL) {
                assert_true(s.rows >= 9);
                assert_int_equal(s.bad_tables, 0);
            }
        }
    }
    closedir(d);
    printf("%d inputs replayed, %d of them seeds with expectations\n", files, seeds);
    assert_true(seeds >= 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
