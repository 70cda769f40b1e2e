/* test_write.c - writing the outputs is all-or-nothing (issue 11, item 7).
 *
 * assocgen_write replaces up to five files (the outputs and the depfile).  A
 * failure at any step of putting them in place must leave every one of them
 * as it was: the same inode, content and mtime; no file where there was none;
 * no temporary or backup file left beside them.  The faults are injected by
 * this program's own rename() and link(): the library's calls resolve to
 * them (a definition in the executable comes before libc's), and they pass
 * through to renameat() and linkat() except for the calls chosen to fail.
 * Each test sweeps the failure over every call the write makes.
 *
 * A signal that ends a build (SIGINT, SIGTERM, SIGHUP) must not cut the
 * renames in two either: it is held until they are over; one that comes
 * before them stops the write, which then changes nothing.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assocgen.h"

#define ALL_OUTPUTS (ASSOCGEN_EMIT_HEADER | ASSOCGEN_EMIT_SOURCE | ASSOCGEN_EMIT_SQL | ASSOCGEN_EMIT_DOT)

/* ---------------------------------------------------------------------- */
/* Fault injection */

static unsigned long fail_renames;   /* bit k: the k-th rename (from 1) fails */
static unsigned long fail_links;     /* bit k: the k-th link fails */
static int nrenames, nlinks;
static int raise_at_rename;          /* raise SIGTERM in this rename (from 1) */
static bool no_hard_links;           /* every link fails with EPERM */
static volatile sig_atomic_t got_term;
static bool term_during_renames;

static bool chosen(unsigned long set, int call)
{
    return call > 0 && call < (int)(8 * sizeof set) && (set >> call & 1ul);
}

int rename(const char *from, const char *to)
{
    nrenames++;
    if (raise_at_rename == nrenames) {
        raise(SIGTERM);
        if (got_term)
            term_during_renames = true;
    }
    if (chosen(fail_renames, nrenames)) {
        errno = EIO;
        return -1;
    }
    return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

int link(const char *from, const char *to)
{
    nlinks++;
    if (no_hard_links) {
        errno = EPERM;             /* a file system without hard links */
        return -1;
    }
    if (chosen(fail_links, nlinks)) {
        errno = EIO;
        return -1;
    }
    return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

static void reset_faults(void)
{
    fail_renames = fail_links = 0;
    nrenames = nlinks = 0;
    raise_at_rename = 0;
    no_hard_links = false;
}

/* ---------------------------------------------------------------------- */
/* A directory of outputs, and snapshots of it */

typedef struct fixture {
    char dir[256];       /* a fresh temporary directory */
    char def[300];       /* dir/m.def */
    char out[300];       /* dir/out */
    char dep[300];       /* dir/out/m.d */
} fixture;

static const char v1[] = "model A { id integer primary_key }\n";
static const char v2[] = "model A { id integer primary_key\n name text }\nmodel B { id integer primary_key }\n";

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Load `text` as dir/m.def, generate `emit` and write; returns
 * assocgen_write's code.  The calls are counted from this write's first. */
static int generate(fixture *fx, const char *text, unsigned emit, char *err, size_t errsize)
{
    nrenames = nlinks = 0;
    put(fx->def, text);
    assocgen *g = assocgen_create();
    assert_non_null(g);
    assert_int_equal(assocgen_load(g, fx->def), 0);
    assert_int_equal(assocgen_generate(g, emit, NULL), 0);
    err[0] = '\0';
    int rc = assocgen_write(g, fx->out, fx->dep, err, errsize);
    assocgen_destroy(g);
    return rc;
}

typedef struct entry {
    char name[64];
    ino_t ino;
    struct timespec mtime;
    mode_t mode;
    char text[65536];          /* a generated source of a small schema: tens of KiB */
} entry;

typedef struct snapshot {
    entry e[16];
    size_t n;
} snapshot;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static void snap(const char *dir, snapshot *s)
{
    memset(s, 0, sizeof *s);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        assert_true(s->n < sizeof s->e / sizeof s->e[0]);
        entry *e = &s->e[s->n++];
        assert_true(strlen(de->d_name) < sizeof e->name);
        strcpy(e->name, de->d_name);
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        assert_int_equal(lstat(path, &st), 0);
        e->ino = st.st_ino;
        e->mtime = st.st_mtim;
        e->mode = st.st_mode;
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(path, e->text, sizeof e->text - 1);
            assert_true(n > 0);
            continue;
        }
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t n = fread(e->text, 1, sizeof e->text - 1, f);
        assert_true(n < sizeof e->text - 1);
        fclose(f);
    }
    closedir(d);
    qsort(s->e, s->n, sizeof s->e[0], by_name);
}

/* Every file as it was: names, inodes, mtimes, modes, contents. */
static void assert_same(const snapshot *a, const snapshot *b, const char *when)
{
    if (a->n != b->n) {
        for (size_t i = 0; i < b->n; i++)
            print_error("  now: %s\n", b->e[i].name);
        fail_msg("%s: %zu files before, %zu after", when, a->n, b->n);
    }
    for (size_t i = 0; i < a->n; i++) {
        const entry *x = &a->e[i], *y = &b->e[i];
        if (strcmp(x->name, y->name) != 0)
            fail_msg("%s: %s became %s", when, x->name, y->name);
        if (strcmp(x->text, y->text) != 0)
            fail_msg("%s: %s changed content", when, x->name);
        if (x->ino != y->ino || x->mtime.tv_sec != y->mtime.tv_sec || x->mtime.tv_nsec != y->mtime.tv_nsec)
            fail_msg("%s: %s was replaced (inode or mtime)", when, x->name);
        if (x->mode != y->mode)
            fail_msg("%s: %s changed mode", when, x->name);
    }
}

static const entry *find(const snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->e[i].name, name) == 0)
            return &s->e[i];
    return NULL;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/assocgen-write.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->def, sizeof fx->def, "%s/m.def", fx->dir);
    snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
    snprintf(fx->dep, sizeof fx->dep, "%s/out/m.d", fx->dir);
    reset_faults();
    *state = fx;
    return 0;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    reset_faults();
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Tests */

/* Sweep a failure over every rename (or link) of a write that replaces
 * four outputs: each failed run leaves the directory exactly as before. */
static void sweep(fixture *fx, unsigned long *which, unsigned emit_before)
{
    char err[1024];
    assert_int_equal(generate(fx, v1, emit_before, err, sizeof err), 0);
    static snapshot before, after;    /* static: a snapshot is 1 MiB */
    snap(fx->out, &before);
    int failed_runs = 0;
    for (int k = 1; k < 40; k++) {
        reset_faults();
        *which = 1ul << k;
        int rc = generate(fx, v2, ALL_OUTPUTS, err, sizeof err);
        *which = 0;
        if (rc == 0)
            break;            /* k is past the last call: the write went through */
        assert_int_equal(rc, 2);
        assert_non_null(strstr(err, "Input/output error"));
        snap(fx->out, &after);
        char when[64];
        snprintf(when, sizeof when, "call %d failing", k);
        assert_same(&before, &after, when);
        failed_runs++;
    }
    /* Every output changed, so there were at least four calls to fail. */
    assert_true(failed_runs >= 4);
    /* The run that went through wrote every output, and nothing else. */
    snap(fx->out, &after);
    assert_int_equal(after.n, 5);
    const char *names[] = { "m.h", "m.c", "m.sql", "m.dot", "m.d" };
    for (size_t i = 0; i < 5; i++)
        assert_non_null(find(&after, names[i]));
    assert_non_null(strstr(find(&after, "m.h")->text, "b_insert"));
    assert_non_null(strstr(find(&after, "m.dot")->text, "<b>B</b>"));
}

static void rename_fails_at_each_step(void **state)
{
    sweep(*state, &fail_renames, ALL_OUTPUTS);
}

static void link_fails_at_each_step(void **state)
{
    sweep(*state, &fail_links, ALL_OUTPUTS);
}

/* Outputs that did not exist before the failed run do not exist after it. */
static void new_outputs_removed_on_failure(void **state)
{
    sweep(*state, &fail_renames, ASSOCGEN_EMIT_HEADER | ASSOCGEN_EMIT_SOURCE);
}

/* Without hard links (or with one refused, as fs.protected_hardlinks
 * refuses a link to another user's file), the old files are renamed aside
 * instead, and put back the same way. */
static void without_hard_links(void **state)
{
    fixture *fx = *state;
    /* The sweep resets the faults before each run: keep no_hard_links set
     * through a rename sweep of its own. */
    char err[1024];
    assert_int_equal(generate(fx, v1, ALL_OUTPUTS, err, sizeof err), 0);
    static snapshot before, after;    /* static: a snapshot is 1 MiB */
    snap(fx->out, &before);
    int failed_runs = 0;
    for (int k = 1; k < 40; k++) {
        fail_renames = 1ul << k;
        no_hard_links = true;
        int rc = generate(fx, v2, ALL_OUTPUTS, err, sizeof err);
        fail_renames = 0;
        if (rc == 0)
            break;
        assert_int_equal(rc, 2);
        snap(fx->out, &after);
        char when[64];
        snprintf(when, sizeof when, "no links, rename %d failing", k);
        assert_same(&before, &after, when);
        failed_runs++;
    }
    /* Each of four outputs: the old file aside, the new one in place. */
    assert_true(failed_runs >= 8);
    snap(fx->out, &after);
    assert_int_equal(after.n, 5);
    assert_non_null(strstr(find(&after, "m.c")->text, "b_insert"));
}

/* An output that is a dangling symbolic link is replaced by the new file,
 * and put back on a failure. */
static void dangling_link_put_back(void **state)
{
    fixture *fx = *state;
    char err[1024], path[400];
    assert_int_equal(generate(fx, v1, ALL_OUTPUTS, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/m.sql", fx->out);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("nowhere/m.sql", path), 0);
    static snapshot before, after;    /* static: a snapshot is 1 MiB */
    snap(fx->out, &before);
    for (int k = 1; k <= 4; k++) {
        fail_renames = 1ul << k;
        assert_int_equal(generate(fx, v2, ALL_OUTPUTS, err, sizeof err), 2);
        fail_renames = 0;
        snap(fx->out, &after);
        assert_same(&before, &after, "dangling link");
    }
    assert_int_equal(generate(fx, v2, ALL_OUTPUTS, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
}

/* When putting an old file back fails too, the error says where it is kept. */
static void failed_restore_is_reported(void **state)
{
    fixture *fx = *state;
    char err[1024];
    assert_int_equal(generate(fx, v1, ALL_OUTPUTS, err, sizeof err), 0);
    static snapshot before, after;    /* static: a snapshot is 1 MiB */
    snap(fx->out, &before);
    /* Renames 1 and 2 put the first two outputs in place, 3 fails, 4 and 5
     * put the two old files back: the first of those fails too. */
    fail_renames = 1ul << 3 | 1ul << 4;
    assert_int_equal(generate(fx, v2, ALL_OUTPUTS, err, sizeof err), 2);
    assert_non_null(strstr(err, "Input/output error"));
    const char *kept = strstr(err, "kept as '");
    if (kept == NULL)
        fail_msg("the error does not say where the old file is kept: %s", err);
    char path[600];
    snprintf(path, sizeof path, "%s", kept + strlen("kept as '"));
    char *q = strchr(path, '\'');
    assert_non_null(q);
    *q = '\0';
    /* The backup holds the old content. */
    const char *slash = strrchr(path, '/');
    assert_non_null(slash);
    snap(fx->out, &after);
    const entry *bak = find(&after, slash + 1);
    assert_non_null(bak);
    int found = 0;
    for (size_t i = 0; i < before.n; i++)
        if (before.e[i].ino == bak->ino && strcmp(before.e[i].text, bak->text) == 0)
            found++;
    assert_int_equal(found, 1);
}

static void on_term(int sig)
{
    (void)sig;
    got_term = 1;
}

/* SIGTERM in the middle of the renames is held until they are all done. */
static void signal_waits_for_the_renames(void **state)
{
    fixture *fx = *state;
    char err[1024];
    assert_int_equal(generate(fx, v1, ALL_OUTPUTS, err, sizeof err), 0);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGTERM, &sa, &old), 0);
    got_term = 0;
    term_during_renames = false;
    raise_at_rename = 1;
    int rc = generate(fx, v2, ALL_OUTPUTS, err, sizeof err);
    sigaction(SIGTERM, &old, NULL);
    assert_int_equal(rc, 0);
    assert_true(got_term);                 /* delivered, once the write was over */
    assert_false(term_during_renames);
    static snapshot after;
    snap(fx->out, &after);
    assert_int_equal(after.n, 5);
    assert_non_null(strstr(find(&after, "m.h")->text, "b_insert"));
    assert_non_null(strstr(find(&after, "m.c")->text, "b_insert"));
}

/* A SIGTERM that is waiting when the write starts (or comes while the
 * temporary files are written) stops it: nothing changes, no file is left
 * behind, and the signal is delivered when the write returns. */
static void signal_before_the_renames_stops_the_write(void **state)
{
    fixture *fx = *state;
    char err[1024];
    assert_int_equal(generate(fx, v1, ALL_OUTPUTS, err, sizeof err), 0);
    static snapshot before, after;    /* static: a snapshot is 1 MiB */
    snap(fx->out, &before);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGTERM, &sa, &old), 0);
    sigset_t term, mask;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &mask);
    got_term = 0;
    raise(SIGTERM);                        /* pending */
    int rc = generate(fx, v2, ALL_OUTPUTS, err, sizeof err);
    assert_false(got_term);                /* still held: the mask is ours */
    sigprocmask(SIG_SETMASK, &mask, NULL);
    sigaction(SIGTERM, &old, NULL);
    assert_true(got_term);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "interrupted"));
    assert_int_equal(nrenames, 0);
    snap(fx->out, &after);
    assert_same(&before, &after, "interrupted");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(rename_fails_at_each_step, setup, teardown),
        cmocka_unit_test_setup_teardown(link_fails_at_each_step, setup, teardown),
        cmocka_unit_test_setup_teardown(new_outputs_removed_on_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(without_hard_links, setup, teardown),
        cmocka_unit_test_setup_teardown(dangling_link_put_back, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_restore_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(signal_waits_for_the_renames, setup, teardown),
        cmocka_unit_test_setup_teardown(signal_before_the_renames_stops_the_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
