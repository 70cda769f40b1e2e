/* test_fuzz_regress.c - the fuzzer's checks (fuzz/fuzz_oracle.h) over every
 * saved input, in the ordinary test build, so that a crash or a failed
 * check once found stays fixed without running libFuzzer:
 *
 *   - tests/reliability/fuzz-regress/ and tests/bad/fuzz/ (inputs the
 *     fuzzer or its oracle found, and hand-made ones in the same spirit;
 *     those under tests/bad/ must be refused with an error);
 *   - every model file of the repository (schema/, tests/good/, tests/bad/,
 *     tests/e2e/), the fuzzer's seed corpus.
 *
 * For the saved inputs that load, the generated C is also compiled
 * (cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only), a check too
 * slow for the fuzzer itself.  And the banner comment of every output
 * survives a source path that would end it early. */
#include "rel.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fuzz_oracle.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* The whole file, NUL bytes included (fuzz inputs may hold them). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *p = realloc(buf, cap *= 2);
            if (p == NULL)
                free(buf);
            buf = p;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Files of dir whose names end in suffix ("" for any), sorted. */
static size_t list_dir(const char *dir, const char *suffix, char paths[][512], size_t max)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        if (e->d_name[0] == '.' || len < sl || strcmp(e->d_name + len - sl, suffix) != 0)
            continue;
        snprintf(paths[n], 512, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(paths[n], &st) == 0 && S_ISREG(st.st_mode))
            n++;
    }
    closedir(d);
    qsort(paths, n, 512, (int (*)(const void *, const void *))strcmp);
    return n;
}

/* Load a bundle at `mainpath` (its first file), generate, write the .h and
 * .c into the scratch directory and compile them.  Returns false when the
 * schema does not load (nothing to compile). */
static bool compile_generated(const char *data, size_t size, const char *mainpath, const char *label)
{
    fuzz_bundle b;
    fuzz_split(data, size, &b);
    snprintf(b.files[0].path, sizeof b.files[0].path, "%s", mainpath);
    assocgen *g = assocgen_create();
    assert_non_null(g);
    assocgen_set_reader(g, fuzz_read, &b);
    if (assocgen_load(g, mainpath) != 0) {
        assocgen_destroy(g);
        return false;
    }
    assert_int_equal(assocgen_generate(g, ASSOCGEN_EMIT_DEFAULT | ASSOCGEN_EMIT_DOT, NULL), 0);
    char dir[600], cmd[2000];
    snprintf(dir, sizeof dir, "%s/compile", rel_tmpdir());
    mkdir(dir, 0777);
    for (size_t i = 0; i < assocgen_output_count(g); i++) {
        const assocgen_output *o = assocgen_output_at(g, i);
        char path[700];
        snprintf(path, sizeof path, "%s/%s%s", dir, assocgen_base(g), o->suffix);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(o->text, 1, o->len, f), o->len);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I'%s/runtime' -I'%s' '%s/%s.c' 2>&1",
             SRCDIR, dir, dir, assocgen_base(g));
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    rbuf out = { 0 };
    char line[512];
    while (fgets(line, sizeof line, p))
        rbuf_add(&out, "%s", line);
    int status = pclose(p);
    if (status != 0)
        fail_msg("%s: the generated C does not compile:\n%s", label, rbuf_str(&out));
    rbuf_free(&out);
    /* The SQL runs too. */
    sqlite3 *h = NULL;
    const assocgen_output *sql = NULL;
    for (size_t i = 0; i < assocgen_output_count(g); i++)
        if (strcmp(assocgen_output_at(g, i)->suffix, ".sql") == 0)
            sql = assocgen_output_at(g, i);
    assert_non_null(sql);
    assert_int_equal(sqlite3_open(":memory:", &h), SQLITE_OK);
    if (sqlite3_exec(h, sql->text, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: the generated DDL fails: %s", label, sqlite3_errmsg(h));
    sqlite3_close(h);
    assocgen_destroy(g);
    return true;
}

static void run_file(const char *path, bool compile)
{
    size_t len = 0;
    char *data = slurp(path, &len);
    if (data == NULL)
        fail_msg("cannot read %s", path);
    char msg[512];
    const char *fail = fuzz_one((const uint8_t *)data, len, true, msg, sizeof msg);
    if (fail != NULL)
        fail_msg("%s: %s", path, fail);
    if (compile) {
        bool loaded = compile_generated(data, len, FUZZ_MAIN, path);
        if (loaded && strstr(path, "/tests/bad/") != NULL)
            fail_msg("%s: a bad input loads without an error", path);
        printf("%-60s checks ok%s\n", path, loaded ? ", generated C compiles" : " (does not load)");
    }
    free(data);
}

static char paths[4096][512];

static void test_saved_inputs(void **state)
{
    (void)state;
    size_t n = list_dir(SRCDIR "/tests/reliability/fuzz-regress", "", paths, 4096);
    n += list_dir(SRCDIR "/tests/bad/fuzz", "", paths + n, 4096 - n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        run_file(paths[i], true);
}

static void test_repository_models(void **state)
{
    (void)state;
    static const char *const dirs[] = { "/schema", "/tests/good", "/tests/bad", "/tests/e2e/rules",
                                        "/tests/reliability" };
    size_t total = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
        char dir[600];
        snprintf(dir, sizeof dir, "%s%s", SRCDIR, dirs[d]);
        size_t n = list_dir(dir, ".def", paths, 4096);
        for (size_t i = 0; i < n; i++)
            run_file(paths[i], false);
        total += n;
    }
    printf("%zu model files through the fuzzer's checks\n", total);
    assert_true(total > 50);
}

/* A path with a star-slash and a newline in a directory name once ended
 * the outputs' banner comment early, so the generated C did not compile. */
static void test_banner_path(void **state)
{
    (void)state;
    static const char model[] = "model User table users {\n    id integer primary_key\n}\n";
    assert_true(compile_generated(model, sizeof model - 1, "/fuzz/we*/ird\n?\?/dir/models.def", "banner path"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_inputs),
        cmocka_unit_test(test_repository_models),
        cmocka_unit_test(test_banner_path),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rel_tmp_cleanup();
    return rc;
}
