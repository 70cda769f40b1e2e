/* test_migrate.c - the migration planner (gen/migrate.c): which steps each
 * kind of change gets (ALTER TABLE where SQLite can, the rebuild where it
 * cannot), the checks it collects, the refusals and where they stand; and
 * the command line's --migrate-from and --allow-data-loss.  What the
 * scripts do to databases is tests/migrate's (make migrate-tests). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "memfs.h"
#include "migrate.h"

#define BASE                                                                    \
    "model User table users {\n"                                                \
    "    id     integer primary_key\n"                                         \
    "    email  string(255) unique\n"                                          \
    "    name   text\n"                                                        \
    "    age    integer\n"                                                     \
    "    city   string(40) index\n"                                            \
    "    posts  relationship(Post, backref = author)\n"                        \
    "}\n"                                                                       \
    "model Post table posts {\n"                                                \
    "    id        integer primary_key\n"                                      \
    "    author_id integer foreign_key(users.id)\n"                            \
    "    title     string(100)\n"                                              \
    "}\n"

typedef struct planned {
    assocgen *old, *new;
    diag_ctx d;
    arena mem;
    mig_plan *plan;
    char kinds[1024];          /* the steps but begin, check and commit: "rebuild users, create index" */
} planned;

static void dump(const diag_ctx *d)
{
    for (const diagnostic *x = d->first; x; x = x->next)
        fputs(x->rendered, stderr);
}

static planned *plan(const char *old_text, const char *new_text, bool allow)
{
    planned *p = calloc(1, sizeof *p);
    memfile of[] = { { "old.def", old_text }, { NULL, NULL } };
    memfile nf[] = { { "new.def", new_text }, { NULL, NULL } };
    int rc1, rc2;
    p->old = memfs_load(of, &rc1);
    p->new = memfs_load(nf, &rc2);
    if (rc1 || rc2) {
        dump(assocgen_diag(p->old));
        dump(assocgen_diag(p->new));
        fail_msg("the test's schemas do not load");
    }
    mig_options o = { allow, "old.def", "new.def" };
    p->plan = mig_build(assocgen_schema(p->old), assocgen_schema(p->new), &o, &p->d, &p->mem);
    size_t k = 0;
    for (size_t i = 0; p->plan && i < p->plan->nsteps; i++) {
        const mig_step *st = &p->plan->steps[i];
        if (st->kind == MIG_BEGIN || st->kind == MIG_CHECK || st->kind == MIG_COMMIT)
            continue;
        k += (size_t)snprintf(p->kinds + k, sizeof p->kinds - k, "%s%s%s%s", k ? ", " : "", mig_kind_name(st->kind),
                              st->table ? " " : "", st->table ? st->table : "");
    }
    return p;
}

static void done(planned *p)
{
    assocgen_destroy(p->old);
    assocgen_destroy(p->new);
    diag_free(&p->d);
    arena_free(&p->mem);
    free(p);
}

/* text with `from` replaced by `to` (static memory, a few at a time). */
static char *edit_in(const char *text, const char *from, const char *to)
{
    static char buf[8][4096];
    static int next;
    char *out = buf[next++ % 8];
    const char *at = strstr(text, from);
    if (at == NULL)
        fail_msg("'%s' is not in the text", from);
    snprintf(out, 4096, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

static char *edit(const char *from, const char *to)
{
    return edit_in(BASE, from, to);
}

static void expect_kinds(const char *new_text, const char *kinds)
{
    planned *p = plan(BASE, new_text, true);
    dump(&p->d);
    assert_non_null(p->plan);
    assert_string_equal(p->kinds, kinds);
    done(p);
}

/* The SQL of every step, joined, for looking into. */
static const char *script_of(const planned *p)
{
    static char buf[65536];
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->plan->nsteps; i++)
        for (size_t j = 0; j < p->plan->steps[i].nsql; j++)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s;\n", p->plan->steps[i].sql[j]);
    return buf;
}

/* PostgreSQL's statements, joined. */
static const char *pg_script_of(const planned *p)
{
    static char buf[131072];
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->plan->npg_steps; i++)
        for (size_t j = 0; j < p->plan->pg_steps[i].nsql; j++)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s;\n", p->plan->pg_steps[i].sql[j]);
    return buf;
}

/* PostgreSQL's steps but begin, check and commit. */
static const char *pg_kinds(const planned *p)
{
    static char buf[1024];
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->plan->npg_steps; i++) {
        const mig_step *st = &p->plan->pg_steps[i];
        if (st->kind == MIG_BEGIN || st->kind == MIG_CHECK || st->kind == MIG_COMMIT)
            continue;
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s%s%s", k ? ", " : "", mig_kind_name(st->kind),
                              st->table ? " " : "", st->table ? st->table : "");
    }
    return buf;
}

/* ------------------------------------------------------------------ */

static void test_alter_table_where_it_can(void **state)
{
    (void)state;
    expect_kinds(edit("    name   text\n", "    full   text renamed_from(name)\n"), "rename column users");
    expect_kinds(edit("    age    integer\n", "    age    integer\n    phone  text\n"), "add column users");
    expect_kinds(edit("    age    integer\n", "    age    integer\n    n      integer not_null server_default(3)\n"),
                 "add column users");
    expect_kinds(edit("    age    integer\n", ""), "drop column users");
    /* An indexed column: its index goes first. */
    expect_kinds(edit("    city   string(40) index\n", ""), "drop index users, drop column users");
    expect_kinds(edit_in(edit("model User table users {", "model User table people renamed_from(users) {"),
                         "foreign_key(users.id)", "foreign_key(people.id)"),
                 "drop index people, rename table people, create index people");
}

static void test_rebuild_where_it_cannot(void **state)
{
    (void)state;
    /* Not addable: unique, not null without a constant server default,
     * CURRENT_TIMESTAMP. */
    expect_kinds(edit("    age    integer\n", "    age    integer\n    code   text unique\n"),
                 "rebuild users, create index users");
    expect_kinds(edit("    age    integer\n", "    age    integer\n    n      integer not_null default(3)\n"),
                 "rebuild users, create index users");
    expect_kinds(edit("    age    integer\n", "    age    integer\n    t      datetime server_default(current_timestamp)\n"),
                 "rebuild users, create index users");
    /* Not droppable: unique, a foreign key. */
    expect_kinds(edit("    email  string(255) unique\n", ""), "rebuild users, create index users");
    expect_kinds(edit_in(edit("    author_id integer foreign_key(users.id)\n", ""),
                         "    posts  relationship(Post, backref = author)\n", ""),
                 "rebuild posts");   /* its index goes with the old table */
    /* Changes of a column. */
    expect_kinds(edit("    age    integer\n", "    age    float\n"), "rebuild users, create index users");
    expect_kinds(edit("    title     string(100)\n", "    title     string(50)\n"), "rebuild posts, create index posts");
    expect_kinds(edit("    age    integer\n", "    age    integer not_null server_default(0)\n"),
                 "rebuild users, create index users");
    expect_kinds(edit("    email  string(255) unique\n", "    email  string(255)\n"), "rebuild users, create index users");
    expect_kinds(edit("foreign_key(users.id)", "foreign_key(users.id, ondelete = cascade)"),
                 "rebuild posts, create index posts");
}

static void test_indexes_only(void **state)
{
    (void)state;
    expect_kinds(edit("    city   string(40) index\n", "    city   string(40)\n"), "drop index users");
    expect_kinds(edit("    age    integer\n", "    age    integer index\n"), "create index users");
    /* index(author_id, title) serves author_id too: its own index goes. */
    expect_kinds(edit("    title     string(100)\n", "    title     string(100)\n    index(author_id, title)\n"),
                 "drop index posts, create index posts");
}

/* The same DDL: nothing to do, whatever else changed. */
static void test_empty(void **state)
{
    (void)state;
    planned *p = plan(BASE, edit("    age    integer\n", "    age    integer default(7)\n"), false);
    assert_non_null(p->plan);
    assert_true(p->plan->empty);
    assert_int_equal(p->plan->nsteps, 0);
    assert_int_equal(p->plan->nchanges, 1);
    assert_non_null(strstr(p->plan->changes[0], "users.age: its default changes"));
    done(p);
}

static void test_refusals(void **state)
{
    (void)state;
    planned *p = plan(BASE, edit("    age    integer\n", ""), false);
    assert_null(p->plan);
    assert_int_equal(p->d.errors, 1);
    assert_non_null(strstr(p->d.first->message, "new.def drops column users.age and the values in it"));
    assert_non_null(strstr(p->d.first->message, "--allow-data-loss"));
    assert_non_null(strstr(p->d.first->message, "renamed_from(age)"));
    /* At the column, in the old file. */
    assert_string_equal(source_shown(p->d.first->at.src), "old.def");
    assert_int_equal(p->d.first->at.line, 5);
    done(p);

    p = plan(BASE, "model User table users {\n    id integer primary_key\n    email string(255) unique\n"
                   "    name text\n    age integer\n    city string(40) index\n}\n", false);
    assert_null(p->plan);
    assert_non_null(strstr(p->d.first->message, "drops table posts and its rows"));
    assert_int_equal(p->d.first->at.line, 9);
    done(p);

    p = plan(BASE, edit("    name   text\n", "    name   text not_null\n"), false);
    assert_null(p->plan);
    assert_non_null(strstr(p->d.first->message, "column users.name becomes not_null without a default"));
    assert_string_equal(source_shown(p->d.first->at.src), "new.def");
    done(p);

    p = plan(BASE, edit("    age    integer\n", "    age    integer\n    n      integer not_null\n"), false);
    assert_null(p->plan);
    assert_non_null(strstr(p->d.first->message, "column users.n is new and not_null without a default"));
    done(p);

    /* With the flag: planned, with the check that stops on the data. */
    p = plan(BASE, edit("    name   text\n", "    name   text not_null\n"), true);
    assert_non_null(p->plan);
    assert_int_equal(p->d.errors, 0);
    assert_non_null(strstr(script_of(p), "cannot migrate users.name to not_null: a row holds NULL"));
    done(p);

    /* A table the migrations keep for themselves. */
    p = plan(BASE, edit("model Post table posts {", "table assoc_migrations {\n    x integer\n}\nmodel Post table posts {"),
             true);
    assert_null(p->plan);
    assert_non_null(strstr(p->d.first->message, "table name 'assoc_migrations' is kept for migrations"));
    done(p);
}

static void test_checks(void **state)
{
    (void)state;
    planned *p = plan(BASE, edit("    title     string(100)\n", "    title     string(50)\n"), false);
    const char *sql = script_of(p);
    /* Before: the record, the database at old.def, the lengths. */
    assert_non_null(strstr(sql, "SELECT id FROM main.assoc_migrations ORDER BY rowid DESC LIMIT 1"));
    assert_non_null(strstr(sql, "the database is not at old.def: it has no table users"));
    assert_non_null(strstr(sql, "IN ('id integer key', 'author_id integer null', 'title text null')) <> 3"));
    assert_non_null(strstr(sql, "lower(\"from\" || ' ' || \"table\" || ' ' || on_delete) IN ('author_id users no action')"));
    assert_non_null(strstr(sql, "it has assoc_new_posts already"));
    assert_non_null(strstr(sql, "EXISTS (SELECT 1 FROM posts WHERE length(title) > 50)"));
    /* After: the foreign keys of the rebuilt table. */
    assert_non_null(strstr(sql, "pragma_foreign_key_check('posts', 'main')"));
    assert_null(strstr(sql, "pragma_foreign_key_check('users', 'main')"));
    /* The 12 steps, in order. */
    const char *c = strstr(sql, "CREATE TABLE assoc_new_posts"), *i = strstr(sql, "INSERT INTO assoc_new_posts"),
               *d = strstr(sql, "DROP TABLE posts"), *r = strstr(sql, "ALTER TABLE assoc_new_posts RENAME TO posts"),
               *x = strstr(sql, "CREATE INDEX IF NOT EXISTS ix_posts_author_id");
    assert_true(c && i && d && r && x && c < i && i < d && d < r && r < x);
    assert_non_null(strstr(sql, "PRAGMA foreign_keys = OFF;\nPRAGMA legacy_alter_table = OFF;\nBEGIN IMMEDIATE;"));
    assert_non_null(strstr(sql, "COMMIT;\nPRAGMA foreign_keys = ON;"));
    done(p);

    /* A rebuilt parent: the tables that refer to it are checked. */
    p = plan(BASE, edit("    age    integer\n", "    age    float\n"), false);
    sql = script_of(p);
    assert_non_null(strstr(sql, "pragma_foreign_key_check('posts', 'main')"));
    assert_non_null(strstr(sql, "cannot migrate users.age from integer to float: a value is not a number"));
    done(p);

    /* not_null with a default: NULLs take it in the copy. */
    p = plan(BASE, edit("    name   text\n", "    name   text not_null default(\"x\")\n"), false);
    assert_non_null(strstr(script_of(p), "coalesce(name, 'x')"));
    done(p);

    /* A new unique: duplicates stop it; a new integer key takes the row id. */
    p = plan(BASE, edit("    name   text\n", "    name   text unique\n"), false);
    assert_non_null(strstr(script_of(p), "EXISTS (SELECT 1 FROM users WHERE name IS NOT NULL GROUP BY name HAVING count(*) > 1)"));
    done(p);
}

/* A name a rebuild would use that a table has: another one. */
static void test_temp_name(void **state)
{
    (void)state;
    const char *with = "table assoc_new_posts {\n    x integer\n}\n" BASE;
    planned *p = plan(with, edit("    title     string(100)\n", "    title     text\n"), true);
    assert_non_null(p->plan);
    assert_non_null(strstr(script_of(p), "CREATE TABLE assoc_new_posts_2 ("));
    done(p);
}

/* renamed_from is read only when the old file lacks the name: a rename
 * done in an earlier migration stays in the file harmlessly. */
static void test_renamed_from_kept(void **state)
{
    (void)state;
    const char *v2 = edit("    name   text\n", "    full   text renamed_from(name)\n");
    char v3[4096];
    snprintf(v3, sizeof v3, "%s", v2);
    planned *p = plan(v2, v3, false);
    assert_non_null(p->plan);
    assert_true(p->plan->empty);
    done(p);
}

/* ------------------------------------------------------------------ */
/* Section 9's constructs                                                 */

#define BASE9                                                                   \
    "mixin Stamps {\n"                                                          \
    "    created_at datetime default(now) onupdate(now)\n"                      \
    "}\n"                                                                       \
    "model Task table tasks {\n"                                                \
    "    id     integer primary_key\n"                                         \
    "    title  string(50) column(\"Title\") not_null\n"                       \
    "    status enum(todo, doing, done) column(\"State\") not_null default(todo)\n" \
    "    hours  integer column(\"Hours\")\n"                                   \
    "    notes  text\n"                                                        \
    "    prefs  json\n"                                                        \
    "    include Stamps\n"                                                     \
    "}\n"

static char *edit9(const char *from, const char *to)
{
    return edit_in(BASE9, from, to);
}

static planned *plan9(const char *new_text, bool allow)
{
    planned *p = plan(BASE9, new_text, allow);
    dump(&p->d);
    assert_non_null(p->plan);
    return p;
}

/* Whether a change line of the plan holds text. */
static bool has_change(const planned *p, const char *text)
{
    for (size_t i = 0; i < p->plan->nchanges; i++)
        if (strstr(p->plan->changes[i], text))
            return true;
    return false;
}

#define HAS(sql, text) assert_non_null(strstr((sql), (text)))

/* Every statement names a column by its SQL name; messages by the member,
 * the SQL name beside it. */
static void test_sql_names(void **state)
{
    (void)state;
    /* A rebuild (a narrower title): the checks read OLD's SQL names, the
     * copy NEW's, the messages name both. */
    planned *p = plan9(edit9("string(50) column(\"Title\")", "string(10) column(\"Title\")"), false);
    const char *sql = script_of(p);
    HAS(sql, "INSERT INTO assoc_new_tasks (id, \"Title\", \"State\", \"Hours\", notes, prefs, created_at)\n"
             "SELECT id, \"Title\", \"State\", \"Hours\", notes, prefs, created_at\nFROM tasks");
    HAS(sql, "EXISTS (SELECT 1 FROM tasks WHERE length(\"Title\") > 10)");
    HAS(sql, "cannot migrate tasks.title (column \"Title\") to string(10)");
    /* The database at OLD, by its SQL names. */
    HAS(sql, "IN ('id integer key', 'title text not null', 'state text not null', 'hours integer null', "
             "'notes text null', 'prefs text null', 'prefs json null', 'created_at numeric null')) <> 7");
    done(p);

    /* Renamed and narrowed at once: the check reads the old name, before
     * the rename; the copy the new one, after it. */
    p = plan9(edit9("title  string(50) column(\"Title\")", "title  string(10) column(\"Heading\")"), false);
    sql = script_of(p);
    assert_string_equal(p->kinds, "rename column tasks, rebuild tasks");
    HAS(sql, "ALTER TABLE tasks RENAME COLUMN \"Title\" TO \"Heading\"");
    HAS(sql, "length(\"Title\") > 10");
    HAS(sql, "SELECT id, \"Heading\", \"State\"");
    HAS(sql, "WHERE name = 'Heading' COLLATE NOCASE");
    done(p);

    /* Added and dropped by their SQL names. */
    p = plan9(edit9("    notes  text\n", "    notes  text\n    extra  string(9) column(\"Extra Col\")\n"), false);
    assert_string_equal(p->kinds, "add column tasks");
    HAS(script_of(p), "ALTER TABLE tasks ADD COLUMN \"Extra Col\" VARCHAR(9) CHECK (length(\"Extra Col\") <= 9)");
    assert_true(has_change(p, "tasks.extra (column \"Extra Col\") added (string(9))"));
    done(p);
    p = plan9(edit9("    hours  integer column(\"Hours\")\n", ""), true);
    assert_string_equal(p->kinds, "drop column tasks");
    HAS(script_of(p), "ALTER TABLE tasks DROP COLUMN \"Hours\"");
    done(p);
    /* An enum: a database SQLAlchemy made checks it in a CHECK of the
     * table, which DROP COLUMN cannot drop. */
    p = plan9(edit9("    status enum(todo, doing, done) column(\"State\") not_null default(todo)\n", ""), true);
    assert_string_equal(p->kinds, "rebuild tasks");
    done(p);
    p = plan(BASE9, edit9("    hours  integer column(\"Hours\")\n", ""), false);
    assert_null(p->plan);
    HAS(p->d.first->message, "drops column tasks.hours (column \"Hours\") and the values in it");
    HAS(p->d.first->message, "write renamed_from(hours)");
    done(p);
}

/* OLD's and NEW's columns are matched by SQL name, then renamed_from (the
 * old member, else the old SQL name), then member. */
static void test_sql_name_matching(void **state)
{
    (void)state;
    /* A member renamed under its column("..."): the same column. */
    planned *p = plan9(edit9("    title  string(50)", "    heading string(50)"), false);
    assert_true(p->plan->empty);
    assert_true(has_change(p, "tasks.title renamed to heading; its SQL name \"Title\" stays (no change to the table)"));
    done(p);
    /* The SQL name changed under a kept member: a rename. */
    p = plan9(edit9("column(\"Hours\")", "column(\"Effort\")"), false);
    assert_string_equal(p->kinds, "rename column tasks");
    HAS(script_of(p), "ALTER TABLE tasks RENAME COLUMN \"Hours\" TO \"Effort\"");
    assert_true(has_change(p, "tasks.hours: its SQL name \"Hours\" becomes \"Effort\""));
    done(p);
    /* column("...") given to a plain column, or taken away. */
    p = plan9(edit9("    notes  text\n", "    notes  text column(\"Remarks\")\n"), false);
    HAS(script_of(p), "ALTER TABLE tasks RENAME COLUMN notes TO \"Remarks\"");
    done(p);
    p = plan9(edit9("column(\"State\")", ""), false);
    HAS(script_of(p), "ALTER TABLE tasks RENAME COLUMN \"State\" TO status");
    done(p);
    p = plan9(edit9("column(\"Hours\")", ""), false);
    assert_true(p->plan->empty);     /* "Hours" is hours to SQL */
    done(p);
    /* Only the case: SQL ignores it, nothing to do. */
    p = plan9(edit9("    notes  text\n", "    notes  text column(\"NOTES\")\n"), false);
    assert_true(p->plan->empty);
    done(p);
    /* Both renamed: renamed_from names the old member, or its SQL name. */
    p = plan9(edit9("    hours  integer column(\"Hours\")", "    effort integer column(\"Effort\") renamed_from(hours)"),
              false);
    HAS(script_of(p), "ALTER TABLE tasks RENAME COLUMN \"Hours\" TO \"Effort\"");
    assert_true(has_change(p, "tasks.hours (column \"Hours\") renamed to effort (column \"Effort\")"));
    done(p);
    p = plan9(edit9("    title  string(50) column(\"Title\")", "    head   string(50) column(\"Head\") renamed_from(Title)"),
              false);
    HAS(script_of(p), "ALTER TABLE tasks RENAME COLUMN \"Title\" TO \"Head\"");
    done(p);
    /* Two members that swap their SQL names: each database column stays
     * (pass 1), so nothing to do. */
    p = plan9(edit_in(edit9("    hours  integer column(\"Hours\")\n", "    hours  text column(\"notes\")\n"),
                      "    notes  text\n", "    notes  integer column(\"Hours\")\n"), false);
    assert_true(p->plan->empty);
    assert_true(has_change(p, "tasks.hours renamed to notes; its SQL name \"Hours\" stays"));
    done(p);
    /* renamed_from naming an old column another keeps by its SQL name, or
     * on a column that keeps another's: contradictions. */
    p = plan(BASE9, edit_in(edit9("    notes  text\n", "    notes  text\n    phase  text column(\"Phase\") renamed_from(status)\n"),
                            "    status enum", "    stage  enum"),
             false);
    assert_null(p->plan);
    HAS(p->d.first->message, "column tasks.phase renamed_from(status): the old column status (column \"State\") is "
                             "stage now, which has its SQL name \"State\"");
    done(p);
    p = plan(BASE9, edit_in(edit9("    notes  text\n", ""), "column(\"Hours\")", "column(\"Hours\") renamed_from(notes)"),
             false);
    assert_null(p->plan);
    HAS(p->d.first->message, "column tasks.hours renamed_from(notes): its SQL name \"Hours\" is the old column hours's");
    done(p);
}

static void test_enum(void **state)
{
    (void)state;
    /* A name added: the CHECK changes, a rebuild; no value can fail. */
    planned *p = plan9(edit9("enum(todo, doing, done)", "enum(todo, doing, done, blocked)"), false);
    assert_string_equal(p->kinds, "rebuild tasks");
    assert_true(has_change(p, "tasks.status (column \"State\"): enum(todo, doing, done) becomes "
                              "enum(todo, doing, done, blocked)"));
    assert_null(strstr(script_of(p), "none of its names"));
    HAS(script_of(p), "\"State\" VARCHAR(7) NOT NULL CHECK (\"State\" IN ('todo', 'doing', 'done', 'blocked'))");
    done(p);
    /* A name removed: the values must be among the others. */
    p = plan9(edit9("enum(todo, doing, done)", "enum(todo, done)"), false);
    assert_string_equal(p->kinds, "rebuild tasks");
    HAS(script_of(p), "EXISTS (SELECT 1 FROM tasks WHERE \"State\" IS NOT NULL AND \"State\" NOT IN ('todo', 'done'))");
    HAS(script_of(p), "cannot migrate tasks.status (column \"State\") to enum(todo, done): a value is none of its names");
    done(p);
    /* Reordered, the default kept by name: nothing to do. */
    p = plan9(edit9("enum(todo, doing, done)", "enum(done, doing, todo)"), false);
    assert_true(p->plan->empty);
    assert_int_equal(p->plan->nchanges, 1);
    assert_true(has_change(p, "the same names in another order"));
    done(p);
    /* To a string and back. */
    p = plan9(edit9("enum(todo, doing, done) column(\"State\") not_null default(todo)",
                    "string(5) column(\"State\") not_null default(\"todo\")"), false);
    assert_string_equal(p->kinds, "rebuild tasks");
    HAS(script_of(p), "length(\"State\") > 5");
    done(p);
    p = plan9(edit9("    notes  text\n", "    notes  enum(a, b)\n"), false);
    HAS(script_of(p), "notes IS NOT NULL AND notes NOT IN ('a', 'b')");
    done(p);
    /* Added: nullable by ALTER TABLE, with its CHECK; not_null with a
     * default by a rebuild, the rows taking the default's name. */
    p = plan9(edit9("    notes  text\n", "    notes  text\n    level  enum(low, high)\n"), false);
    assert_string_equal(p->kinds, "add column tasks");
    HAS(script_of(p), "ADD COLUMN level VARCHAR(4) CHECK (level IN ('low', 'high'))");
    done(p);
    p = plan9(edit9("    notes  text\n", "    notes  text\n    level  enum(low, high) not_null default(high)\n"), false);
    assert_string_equal(p->kinds, "rebuild tasks");
    HAS(script_of(p), "SELECT id, \"Title\", \"State\", \"Hours\", notes, 'high', prefs");
    done(p);
}

static void test_json(void **state)
{
    (void)state;
    planned *p = plan9(edit9("    notes  text\n", "    notes  json\n"), false);
    assert_string_equal(p->kinds, "rebuild tasks");
    assert_true(has_change(p, "tasks.notes: text becomes json"));
    HAS(script_of(p), "notes IS NOT NULL AND\n"
                      "                      CASE WHEN typeof(notes) = 'blob' THEN 1 ELSE NOT json_valid(notes) END");
    HAS(script_of(p), "cannot migrate tasks.notes to json: a value is not JSON");
    done(p);
    p = plan9(edit9("    prefs  json\n", "    prefs  text\n"), false);
    assert_string_equal(p->kinds, "rebuild tasks");
    assert_null(strstr(script_of(p), "json_valid(prefs) END"));
    HAS(script_of(p), "    prefs TEXT,\n");
    done(p);
    p = plan9(edit9("    prefs  json\n", "    prefs  json\n    more   json not_null default(\"[]\")\n"), false);
    HAS(script_of(p), "prefs, '[]', created_at");
    done(p);
}

/* What only the generated code does is no step: client defaults, onupdate,
 * mixins; default(uuid) fills rows, default(call f) cannot. */
static void test_made_defaults(void **state)
{
    (void)state;
    planned *p = plan9(edit9("default(now) onupdate(now)", "default(now)"), false);
    assert_true(p->plan->empty);
    assert_true(has_change(p, "tasks.created_at: onupdate(now) goes"));
    done(p);
    p = plan9(edit9("    notes  text\n", "    notes  text default(call make_notes)\n"), false);
    assert_true(p->plan->empty);
    done(p);
    /* The mixin written out, elsewhere: the same columns. */
    p = plan9(edit_in(edit9("    include Stamps\n", ""), "    id     integer primary_key\n",
                      "    created_at datetime default(now) onupdate(now)\n    id     integer primary_key\n"),
              false);
    assert_true(p->plan->empty);
    assert_true(has_change(p, "tasks: its columns are declared in another order"));
    done(p);
    p = plan9(edit9("    notes  text\n", "    notes  text\n    ref    string(36) not_null default(uuid)\n"), false);
    assert_string_equal(p->kinds, "rebuild tasks");
    HAS(script_of(p), "notes, lower(hex(randomblob(4)) || '-'");
    assert_true(has_change(p, "tasks.ref added (string(36)), existing rows take a new UUID each"));
    done(p);
    p = plan(BASE9, edit9("    notes  text\n", "    notes  text\n    slug   text not_null default(call mk)\n"), false);
    assert_null(p->plan);
    HAS(p->d.first->message, "column tasks.slug is new and not_null without a default (its default(call mk) is made "
                             "by the program at insert, not by SQL)");
    HAS(p->d.first->message, "give it a server_default(...) as well");
    done(p);
    p = plan(BASE9, edit9("    notes  text\n", "    notes  text not_null default(call mk)\n"), false);
    assert_null(p->plan);
    HAS(p->d.first->message, "column tasks.notes becomes not_null without a default (its default(call mk)");
    done(p);
}

/* The command line. */
static int run_cli(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s/assocgen %s >/dev/null 2>&1", SRCDIR, BUILDDIR, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* PostgreSQL: the same decisions, each an ALTER TABLE of PostgreSQL's own,
 * nothing rebuilt. */
static void test_pg_steps(void **state)
{
    (void)state;
    /* A narrower string: checked before, then ALTER COLUMN TYPE. */
    planned *p = plan(BASE, edit("    title     string(100)\n", "    title     string(50)\n"), false);
    const char *sql = pg_script_of(p);
    assert_string_equal(pg_kinds(p), "alter column posts");
    assert_non_null(strstr(sql, "BEGIN;\n"));
    assert_non_null(strstr(sql, "SET LOCAL TIME ZONE 'UTC';\n"));
    assert_non_null(strstr(sql, "CREATE TABLE IF NOT EXISTS assoc_migrations (\n    seq BIGINT GENERATED ALWAYS AS IDENTITY"));
    assert_non_null(strstr(sql, "IF (SELECT id FROM assoc_migrations ORDER BY seq DESC LIMIT 1) = '"));
    assert_non_null(strstr(sql, "IF pg_temp.assoc_table('users') IS NULL THEN\n"
                                "        RAISE EXCEPTION '%', 'the database is not at old.def: it has no table users';"));
    assert_non_null(strstr(sql, "IN ('id integer key', 'author_id integer null', 'title text null')) <> 3"));
    assert_non_null(strstr(sql, "IN ('author_id users no action')) <> 1"));
    assert_non_null(strstr(sql, "IF EXISTS (SELECT 1 FROM posts WHERE length(CAST(title AS text)) > 50) THEN"));
    assert_non_null(strstr(sql, "ALTER TABLE posts ALTER COLUMN title TYPE VARCHAR(50) USING CAST(title AS text);\n"
                                "EXCEPTION\n    WHEN feature_not_supported THEN"));
    assert_null(strstr(sql, "assoc_new_posts"));
    assert_null(strstr(sql, "PRAGMA"));
    const char *ins = strstr(sql, "INSERT INTO assoc_migrations (id, from_file, to_file)"), *com = strstr(sql, "COMMIT;");
    assert_true(ins && com && ins < com);
    done(p);

    /* Text to integer: the cast says which column when a value is none. */
    p = plan(BASE, edit("    name   text\n", "    name   integer\n"), false);
    sql = pg_script_of(p);
    assert_non_null(strstr(sql, "ALTER TABLE users ALTER COLUMN name TYPE BIGINT USING CAST(CAST(name AS text) AS bigint);"));
    assert_non_null(strstr(sql, "WHEN data_exception THEN\n        RAISE EXCEPTION '%', 'cannot migrate users.name from "
                                "text to integer: a value is not an integer"));
    done(p);

    /* Float to integer: a fraction would be rounded away: checked before. */
    p = plan(BASE, edit("    age    integer\n", "    age    float\n"), false);
    assert_non_null(strstr(pg_script_of(p), "TYPE DOUBLE PRECISION USING CAST(age AS double precision)"));
    done(p);
    p = plan(edit("    age    integer\n", "    age    float\n"), BASE, false);
    assert_non_null(strstr(pg_script_of(p), "IF EXISTS (SELECT 1 FROM users WHERE age <> trunc(age)) THEN"));
    done(p);

    /* not_null with a default: NULLs take it, then SET NOT NULL. */
    p = plan(BASE, edit("    name   text\n", "    name   text not_null default(\"x\")\n"), false);
    sql = pg_script_of(p);
    const char *u = strstr(sql, "UPDATE users SET name = 'x' WHERE name IS NULL;"),
               *nn = strstr(sql, "ALTER TABLE users ALTER COLUMN name SET NOT NULL;");
    assert_true(u && nn && u < nn);
    done(p);

    /* A new unique: duplicates checked before; the constraint added. */
    p = plan(BASE, edit("    name   text\n", "    name   text unique\n"), false);
    sql = pg_script_of(p);
    assert_string_equal(pg_kinds(p), "add constraint users");
    assert_non_null(strstr(sql, "EXISTS (SELECT 1 FROM users WHERE name IS NOT NULL GROUP BY name HAVING count(*) > 1)"));
    assert_non_null(strstr(sql, "ALTER TABLE users ADD UNIQUE (name);"));
    done(p);

    /* Unique no more: the catalogs find the constraint (its name is
     * create_all's, SQLAlchemy's or an old table's). */
    p = plan(BASE, edit("    email  string(255) unique\n", "    email  string(255)\n"), false);
    assert_non_null(strstr(pg_script_of(p), "CALL pg_temp.assoc_drop('users', 'unique', ARRAY['email']);"));
    done(p);

    /* A foreign key's ON DELETE: dropped over the old names, added with
     * every row checked, a failure named. */
    p = plan(BASE, edit("author_id integer foreign_key(users.id)", "author_id integer foreign_key(users.id, ondelete = cascade)"),
             false);
    sql = pg_script_of(p);
    assert_string_equal(pg_kinds(p), "drop constraint posts, add constraint posts");
    assert_non_null(strstr(sql, "CALL pg_temp.assoc_drop('posts', 'foreign key', ARRAY['author_id']);"));
    assert_non_null(strstr(sql, "ALTER TABLE posts ADD FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE;\n"
                                "EXCEPTION\n    WHEN foreign_key_violation THEN\n        RAISE EXCEPTION '%', "
                                "'cannot migrate: a row of posts refers to a row that does not exist"));
    done(p);

    /* Columns added and dropped, a table renamed, a server default. */
    p = plan(BASE, edit("    city   string(40) index\n", "    phone  text\n    level  integer not_null server_default(3)\n"),
             true);
    sql = pg_script_of(p);
    assert_string_equal(pg_kinds(p), "drop index users, drop column users, add column users, add column users");
    assert_non_null(strstr(sql, "DROP INDEX IF EXISTS ix_users_city;"));
    assert_non_null(strstr(sql, "ALTER TABLE users DROP COLUMN city;"));
    assert_non_null(strstr(sql, "ALTER TABLE users ADD COLUMN level BIGINT NOT NULL DEFAULT (3);"));
    done(p);

    /* A new not_null column with a client default only: added, filled,
     * then NOT NULL (a new UUID per row). */
    p = plan(BASE, edit("    name   text\n", "    name   text\n    ref    string(36) not_null default(uuid)\n"), false);
    sql = pg_script_of(p);
    assert_non_null(strstr(sql, "ALTER TABLE users ADD COLUMN ref VARCHAR(36);\n"
                                "UPDATE users SET ref = CAST(gen_random_uuid() AS text);\n"
                                "ALTER TABLE users ALTER COLUMN ref SET NOT NULL;"));
    done(p);

    /* The key changes: the foreign keys that refer to it go first and
     * come back; a new integer key is an identity column. */
    p = plan(BASE, edit("    id     integer primary_key\n    email  string(255) unique\n",
                        "    id     integer not_null unique\n    email  string(255) primary_key\n"), true);
    sql = pg_script_of(p);
    const char *f = strstr(sql, "CALL pg_temp.assoc_drop('posts', 'foreign key', ARRAY['author_id']);"),
               *k = strstr(sql, "CALL pg_temp.assoc_drop('users', 'primary key', NULL);"),
               *id = strstr(sql, "ALTER TABLE users ALTER COLUMN id DROP IDENTITY IF EXISTS;"),
               *pk = strstr(sql, "ALTER TABLE users ADD PRIMARY KEY (email);");
    const char *un = strstr(sql, "ALTER TABLE users ADD UNIQUE (id);"),
               *back = strstr(sql, "ALTER TABLE posts ADD FOREIGN KEY (author_id) REFERENCES users (id)");
    assert_true(f && k && id && pk && un && back && f < k && k < id && id < pk && pk < back && un < back);
    done(p);

    /* A table renamed and one made: PostgreSQL's DDL for it. */
    p = plan(BASE, edit("model Post table posts {", "model Post table articles renamed_from(posts) {"), false);
    assert_non_null(strstr(pg_script_of(p), "ALTER TABLE posts RENAME TO articles;"));
    done(p);
    p = plan(BASE, edit("model Post table posts {\n", "model Tag table tags {\n    id integer primary_key\n}\n"
                                                     "model Post table posts {\n"), false);
    assert_non_null(strstr(pg_script_of(p), "CREATE TABLE tags (\n    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY\n)"));
    done(p);

    /* Nothing to do: no steps on either database. */
    p = plan(BASE, BASE, false);
    assert_true(p->plan->empty && p->plan->nsteps == 0 && p->plan->npg_steps == 0);
    done(p);
}

/* An enum's names: the CHECK goes and comes back; its values checked
 * before; json from text by the cast, whose failure names the column. */
static void test_pg_enum_json(void **state)
{
    (void)state;
    const char *base = "model Task table tasks {\n"
                       "    id     integer primary_key\n"
                       "    status enum(todo, done) column(\"State\") not_null default(todo)\n"
                       "    notes  text\n"
                       "}\n";
    planned *p = plan(base, edit_in(base, "enum(todo, done)", "enum(todo, doing, done)"), false);
    const char *sql = pg_script_of(p);
    assert_non_null(strstr(sql, "CALL pg_temp.assoc_drop('tasks', 'check', ARRAY['State']);"));
    assert_non_null(strstr(sql, "ALTER TABLE tasks ALTER COLUMN \"State\" TYPE VARCHAR(5) USING CAST(\"State\" AS text);"));
    assert_non_null(strstr(sql, "ALTER TABLE tasks ADD CHECK (\"State\" IN ('todo', 'doing', 'done'));"));
    done(p);
    p = plan(base, edit_in(base, "enum(todo, done)", "enum(todo)"), false);
    assert_non_null(strstr(pg_script_of(p), "WHERE \"State\" IS NOT NULL AND CAST(\"State\" AS text) NOT IN ('todo'))"));
    done(p);
    p = plan(base, edit_in(base, "notes  text", "notes  json"), false);
    sql = pg_script_of(p);
    assert_non_null(strstr(sql, "ALTER TABLE tasks ALTER COLUMN notes TYPE JSON USING CAST(CAST(notes AS text) AS json);"));
    assert_non_null(strstr(sql, "'cannot migrate tasks.notes to json: a value is not JSON; change it, then run the script again'"));
    assert_null(strstr(sql, "json_valid"));
    done(p);
}

static void test_command_line(void **state)
{
    (void)state;
    assert_int_equal(run_cli("--check --allow-data-loss tests/migrate/base.def"), 2);
    assert_int_equal(run_cli("--check --migrate-from= tests/migrate/base.def"), 2);
    assert_int_equal(run_cli("--check --migrate-from tests/migrate/no-such.def tests/migrate/base.def"), 2);
    assert_int_equal(run_cli("--check --migrate-from tests/migrate/base.def tests/migrate/cases/rename_column/new.def"), 0);
    assert_int_equal(run_cli("--check --migrate-from tests/migrate/base.def tests/migrate/cases/drop_table/new.def"), 1);
    assert_int_equal(run_cli("--check --allow-data-loss --migrate-from=tests/migrate/base.def "
                             "tests/migrate/cases/drop_table/new.def"), 0);
    /* An error in the old file is an error of the run. */
    assert_int_equal(run_cli("--check --migrate-from tests/bad/unknown_type.def tests/migrate/base.def"), 1);
}

/* The old file and its imports are inputs: the depfile names them. */
static void test_inputs(void **state)
{
    (void)state;
    memfile files[] = { { "new.def", "import \"lib.def\"\nmodel A table a {\n    id integer primary_key\n}\n" },
                        { "lib.def", "model B table b {\n    id integer primary_key\n}\n" },
                        { "old.def", "import \"olib.def\"\nmodel A table a {\n    id integer primary_key\n}\n" },
                        { "olib.def", "model B table b {\n    id integer primary_key\n}\n" },
                        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(assocgen_migrate_from(g, "old.def", false), 0);
    assert_int_equal(assocgen_input_count(g), 4);
    assert_string_equal(assocgen_input_at(g, 0), "new.def");
    assert_string_equal(assocgen_input_at(g, 1), "lib.def");
    assert_string_equal(assocgen_input_at(g, 2), "old.def");
    assert_string_equal(assocgen_input_at(g, 3), "olib.def");
    assert_int_equal(assocgen_generate(g, ASSOCGEN_EMIT_SQL, NULL), 0);
    assert_int_equal(assocgen_output_count(g), 3);
    const assocgen_output *o = assocgen_output_at(g, 1);
    assert_string_equal(o->suffix, ".migrate.sql");
    assert_non_null(strstr(o->text, "Nothing to do: the two files make the same tables."));
    o = assocgen_output_at(g, 2);
    assert_string_equal(o->suffix, ".migrate.pg.sql");
    assert_non_null(strstr(o->text, "on PostgreSQL"));
    assert_non_null(strstr(o->text, "Nothing to do: the two files make the same tables."));
    assocgen_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alter_table_where_it_can),
        cmocka_unit_test(test_rebuild_where_it_cannot),
        cmocka_unit_test(test_indexes_only),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_temp_name),
        cmocka_unit_test(test_renamed_from_kept),
        cmocka_unit_test(test_sql_names),
        cmocka_unit_test(test_sql_name_matching),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_made_defaults),
        cmocka_unit_test(test_pg_steps),
        cmocka_unit_test(test_pg_enum_json),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
