/* test_tasks.c - schema/tasks.def against SQLAlchemy 1.4 with the same
 * models (tests/interop/tasks.py) on one database file: keys made at insert
 * (default(uuid), SQLAlchemy's default=uuid4), JSON columns, an enum,
 * onupdate(now), a slug from the program (default(call task_slug), Python's
 * default=callable), columns whose SQL names differ (column("body"),
 * column("due_date")), a many-to-many keyed by UUID text.
 *
 *   1. C writes the data, SQLAlchemy reads and checks it (JSON parsed, enum
 *      members, UUIDs, the stored forms);
 *   2. SQLAlchemy writes it (its own DDL: JSON, Enum), C reads it back, marks
 *      a task done with new labels, deletes a project with its task, adds a
 *      task and a tag; SQLAlchemy checks the result;
 *   3. text that is not JSON is ASSOC_CONSTRAINT and changes nothing; a
 *      default function that fails aborts the insert with its code.
 *
 * The data is tasks.py's (PROJECTS, TASKS, TAGS): keep them in step.  JSON
 * is written here as Python's json.dumps writes it, so that C compares the
 * text SQLAlchemy stored byte for byte. */
#include "sqla.h"

#include "tasks.h"

#define SCRIPT "tasks.py"
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------
 * The program's default for Task.slug: task-1, task-2, ...
 * ---------------------------------------------------------------- */

static int next_slug = 1;
static int slug_fails = 0;     /* a code to fail with, or 0 */

int task_slug(assoc_db *db, char **out)
{
    char buf[32];
    if (slug_fails)
        return assoc_fail(db, slug_fails, "task_slug: no slug today");
    snprintf(buf, sizeof buf, "task-%d", next_slug++);
    return assoc_strdup(db, buf, out);
}

/* ------------------------------------------------------------------
 * The data (tasks.py)
 * ---------------------------------------------------------------- */

typedef struct task_row {
    const char *project, *title, *desc;
    TaskStatus status;              /* 0: left to default(todo) */
    int64_t position;               /* -1: left to default(0) */
    const char *labels;             /* JSON text as json.dumps writes it, or NULL */
    const char *due;                /* NULL: NULL */
    const char *slug;
    const char *tags[2];
} task_row;

static const task_row tasks[] = {
    { "Website", "Design", u8"Sketch the pages \u270f", TASK_STATUS_DONE, 1, "[\"ui\", \"design\"]",
      "2024-05-01 09:00:00.000000", "task-1", { "ux", NULL } },
    { "Website", "Build", NULL, TASK_STATUS_IN_PROGRESS, 2, "{\"estimate\": 3, \"owner\": null}", NULL, "task-2",
      { "ux", "web" } },
    { "Website", "Ship", "Release it", 0, 3, NULL, "2024-06-01 00:00:00.000001", "task-3", { NULL, NULL } },
    { "Backend", "API", NULL, 0, -1, "[]", NULL, "task-4", { "web", NULL } },
};
#define WEBSITE_SETTINGS "{\"color\": \"blue\", \"public\": true}"

static assoc_time at(const char *text)
{
    assoc_time t;
    if (assoc_time_parse(text, strlen(text), &t) != ASSOC_OK)
        fail_msg("bad time %s", text);
    return t;
}

static char *copy_of(assoc_db *db, const char *s)
{
    char *out = NULL;
    OK(db, assoc_strdup(db, s, &out));
    return out;
}

/* xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx in lower case. */
static void assert_uuid4(const char *what, const char *s)
{
    static const char form[] = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
    bool ok = s != NULL && strlen(s) == 36;
    for (size_t i = 0; ok && i < 36; i++) {
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        if (form[i] == '-' || form[i] == '4')
            ok = c == form[i];
        else if (form[i] == 'y')
            ok = c == '8' || c == '9' || c == 'a' || c == 'b';
        else
            ok = hex;
    }
    if (!ok)
        fail_msg("%s: %s%s%s is no version-4 UUID's text", what, s ? "\"" : "", s ? s : "NULL", s ? "\"" : "");
}

/* ------------------------------------------------------------------
 * Writing through the C API
 * ---------------------------------------------------------------- */

static void insert_project(assoc_db *db, Project *p, const char *name, const char *settings)
{
    *p = (Project)PROJECT_INIT;
    p->name = copy_of(db, name);
    p->settings = settings ? copy_of(db, settings) : NULL;    /* NULL: default("{}") */
    OK(db, project_insert(db, p));
    assert_uuid4("project id", p->id);
}

static void insert_tag(assoc_db *db, Tag *t, const char *name)
{
    *t = (Tag)TAG_INIT;
    t->name = copy_of(db, name);
    OK(db, tag_insert(db, t));
    assert_uuid4("tag id", t->id);
}

static void add_task(assoc_db *db, Project *p, const task_row *w, Tag *tags, size_t ntags)
{
    Task t = TASK_INIT;
    t.title = copy_of(db, w->title);
    t.description = w->desc ? copy_of(db, w->desc) : NULL;
    if (w->status) {
        t.status = w->status;
        t.has_status = true;
    }
    if (w->position >= 0) {
        t.position = w->position;
        t.has_position = true;
    }
    t.labels = w->labels ? copy_of(db, w->labels) : NULL;
    if (w->due) {
        t.due = at(w->due);
        t.has_due = true;
    }
    OK(db, project_tasks_add(db, p, &t));      /* its id, slug and project_id are the library's */
    assert_uuid4("task id", t.id);
    STR_EQ("task slug", t.slug, w->slug);
    STR_EQ("task project", t.project_id, p->id);
    for (size_t k = 0; k < 2 && w->tags[k]; k++)
        for (size_t i = 0; i < ntags; i++)
            if (strcmp(tags[i].name, w->tags[k]) == 0)
                OK(db, task_tags_add(db, &t, &tags[i]));
    task_free(&t);
}

static void write_data(assoc_db *db)
{
    OK(db, tasks_create_all(db));
    next_slug = 1;
    Project website, backend;
    insert_project(db, &website, "Website", WEBSITE_SETTINGS);
    insert_project(db, &backend, "Backend", NULL);
    STR_EQ("default settings", backend.settings, "{}");
    assert_true(strcmp(website.id, backend.id) != 0);
    Tag tags[2];
    insert_tag(db, &tags[0], "ux");
    insert_tag(db, &tags[1], "web");
    for (size_t i = 0; i < N(tasks); i++)
        add_task(db, strcmp(tasks[i].project, "Website") == 0 ? &website : &backend, &tasks[i], tags, 2);
    project_free(&website);
    project_free(&backend);
    tag_free(&tags[0]);
    tag_free(&tags[1]);
}

/* ------------------------------------------------------------------
 * Reading it back
 * ---------------------------------------------------------------- */

static void check_task(assoc_db *db, const Task *t, const task_row *w, const char *project_id, assoc_time since)
{
    STR_EQ("title", t->title, w->title);
    assert_uuid4("task id", t->id);
    STR_EQ("project_id", t->project_id, project_id);
    STR_EQ("description (column body)", t->description, w->desc);
    assert_true(t->has_status);
    assert_int_equal(t->status, w->status ? w->status : TASK_STATUS_TODO);
    assert_true(t->has_position);
    assert_int_equal(t->position, w->position >= 0 ? w->position : 0);
    STR_EQ("labels", t->labels, w->labels);
    assert_int_equal(t->has_due, w->due != NULL);
    if (w->due)
        assert_int_equal(t->due, at(w->due));
    STR_EQ("slug", t->slug, w->slug);
    sqla_recent("created_at", true, t->created_at, since);
    sqla_recent("updated_at", t->has_updated_at, t->updated_at, since);
    TagList tl = TAG_LIST_INIT;
    OK(db, task_tags(db, t, &tl));              /* order_by = name */
    size_t n = 0;
    while (n < 2 && w->tags[n])
        n++;
    assert_int_equal(tl.len, n);
    for (size_t i = 0; i < n; i++)
        STR_EQ("tag", tl.items[i].name, w->tags[i]);
    tag_list_free(&tl);
}

static void check_project(assoc_db *db, const char *name, const char *settings, const task_row *rows, size_t nrows,
                          assoc_time since)
{
    Project p = PROJECT_INIT;
    OK(db, project_get_by_name(db, name, &p));
    assert_uuid4("project id", p.id);
    STR_EQ("settings", p.settings, settings);
    TaskList tl = TASK_LIST_INIT;
    OK(db, project_tasks(db, &p, &tl));        /* "Task.position" */
    size_t k = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (strcmp(rows[i].project, name) != 0)
            continue;
        if (k >= tl.len)
            fail_msg("project %s: %zu tasks, expected more", name, tl.len);
        check_task(db, &tl.items[k++], &rows[i], p.id, since);
    }
    assert_int_equal(tl.len, k);
    task_list_free(&tl);
    project_free(&p);
}

static void check_data(assoc_db *db, assoc_time since)
{
    check_project(db, "Website", WEBSITE_SETTINGS, tasks, N(tasks), since);
    check_project(db, "Backend", "{}", tasks, N(tasks), since);
    TaskList tl = TASK_LIST_INIT;
    OK(db, task_find_by_status(db, TASK_STATUS_TODO, &tl));
    assert_int_equal(tl.len, 2);
    task_list_free(&tl);
    Task t = TASK_INIT;
    OK(db, task_get_by_slug(db, "task-2", &t));
    STR_EQ("task-2", t.title, "Build");
    task_free(&t);
    Tag web = TAG_INIT;
    OK(db, tag_get_by_name(db, "web", &web));
    OK(db, tag_tasks(db, &web, &tl));
    assert_int_equal(tl.len, 2);
    task_list_free(&tl);
    tag_free(&web);
}

/* What is stored, read with SQL (whoever wrote it): the enum's name (in a
 * VARCHAR, or SQLAlchemy's ENUM type on PostgreSQL), the JSON text byte for
 * byte (SQLite's TEXT, PostgreSQL's json, keep it as written), the SQL names
 * of column("body") and column("due_date"), the datetime to the
 * microsecond. */
static void check_stored(assoc_db *db, const task_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const task_row *w = &rows[i];
        char sql[256], got[256], where[128];
        snprintf(where, sizeof where, "tasks WHERE slug = '%s'", w->slug);
        snprintf(sql, sizeof sql, "SELECT CAST(status AS TEXT) FROM %s", where);
        static const char *const names[] = { "todo", "in_progress", "done" };
        STR_EQ("stored status", sql_text(db, sql, got, sizeof got), names[(w->status ? w->status : 1) - 1]);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s AND labels IS NULL", where);
        assert_int_equal(sql_int(db, sql), w->labels == NULL);
        snprintf(sql, sizeof sql, "SELECT CAST(labels AS TEXT) FROM %s", where);
        STR_EQ("stored labels", sql_text(db, sql, got, sizeof got), w->labels ? w->labels : "");
        snprintf(sql, sizeof sql, "SELECT body FROM %s", where);
        STR_EQ("stored body", sql_text(db, sql, got, sizeof got), w->desc ? w->desc : "");
        if (w->due)
            sqla_stored_time(db, "due_date", where, w->due);
    }
    char got[256];
    STR_EQ("stored settings",
           sql_text(db, "SELECT CAST(settings AS TEXT) FROM projects WHERE name = 'Website'", got, sizeof got),
           WEBSITE_SETTINGS);
}

/* ------------------------------------------------------------------
 * The tests
 * ---------------------------------------------------------------- */

static void test_c_writes_sqlalchemy_reads(void **state)
{
    sqla_fixture *f = *state;
    assoc_time since = assoc_now();
    assoc_db *db = sqla_open(f);
    write_data(db);
    check_data(db, since);
    check_stored(db, tasks, N(tasks));
    sqla_run(f, SCRIPT, "check");
}

static void test_sqlalchemy_writes_c_reads_and_changes(void **state)
{
    sqla_fixture *f = *state;
    assoc_time since = assoc_now();
    sqla_run(f, SCRIPT, "write");
    assoc_db *db = sqla_open(f);
    /* SQLAlchemy's tables are the schema's (SPEC 7): its JSON columns
     * (declared JSON) too; create_all finds nothing to change. */
    OK(db, tasks_verify(db));
    OK(db, tasks_create_all(db));
    check_data(db, since);
    check_stored(db, tasks, N(tasks));

    /* Ship is done, with labels: updated_at takes the time of the update. */
    Task ship = TASK_INIT;
    OK(db, task_get_by_slug(db, "task-3", &ship));
    assoc_time before = ship.updated_at;
    ship.status = TASK_STATUS_DONE;
    ship.labels = copy_of(db, "{\"shipped\": true}");
    OK(db, task_update(db, &ship));
    assert_int_equal(ship.updated_at, before);  /* r is const: the record keeps its value */
    task_free(&ship);
    OK(db, task_get_by_slug(db, "task-3", &ship));
    assert_true(ship.updated_at > before);
    assert_int_equal(ship.status, TASK_STATUS_DONE);
    task_free(&ship);

    /* Backend goes with its task API and that task's tag link. */
    Project backend = PROJECT_INIT;
    OK(db, project_get_by_name(db, "Backend", &backend));
    OK(db, project_delete(db, &backend));
    project_free(&backend);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM task_tags"), 3);

    /* A task Docs, its slug from task_slug, and a tag ops. */
    Project website = PROJECT_INIT;
    OK(db, project_get_by_name(db, "Website", &website));
    next_slug = 5;
    static const task_row docs = { "Website", "Docs", NULL, 0, 4, "[\"docs\"]", NULL, "task-5", { "ops", NULL } };
    Tag ops;
    insert_tag(db, &ops, "ops");
    add_task(db, &website, &docs, &ops, 1);
    tag_free(&ops);
    project_free(&website);
    sqla_run(f, SCRIPT, "check-rt");
}

static void test_json_and_call_defaults_refused(void **state)
{
    sqla_fixture *f = *state;
    assoc_db *db = sqla_open(f);
    write_data(db);
    static const char *const tables[] = { "projects", "tasks", "tags", "task_tags" };
    uint64_t before = db_fingerprint(db, tables, N(tables));

    /* Text that is not JSON: the CHECK (json_valid(...)) refuses it. */
    Task t = TASK_INIT;
    OK(db, task_get_by_slug(db, "task-1", &t));
    assoc_free(t.labels);
    t.labels = copy_of(db, "{\"unclosed\": [1, 2}");
    RC(db, ASSOC_CONSTRAINT, task_update(db, &t));
    Project p = PROJECT_INIT;
    OK(db, project_get_by_name(db, "Website", &p));
    assoc_free(p.settings);
    p.settings = copy_of(db, "not json");
    RC(db, ASSOC_CONSTRAINT, project_update(db, &p));
    assert_true(db_fingerprint(db, tables, N(tables)) == before);

    /* default(call task_slug) failing aborts the insert with its code; the
     * UUID already made for the key is released (valgrind sees to it). */
    Task n = TASK_INIT;
    n.project_id = p.id;
    n.title = "never";
    slug_fails = ASSOC_BUSY;
    RC(db, ASSOC_BUSY, task_insert(db, &n));
    slug_fails = 0;
    if (strstr(assoc_errmsg(db), "no slug today") == NULL)
        fail_msg("the default function's message is lost: %s", assoc_errmsg(db));
    assert_null(n.id);
    assert_null(n.slug);
    assert_true(db_fingerprint(db, tables, N(tables)) == before);

    /* A slug given is kept: the function is not called. */
    next_slug = 100;
    n.slug = "given";
    OK(db, task_insert(db, &n));
    STR_EQ("slug", n.slug, "given");
    assert_int_equal(next_slug, 100);
    assoc_free(n.id);                           /* the library's; the rest is ours */
    task_free(&t);
    project_free(&p);
}

/* tasks_verify and create_all's check, on the tables create_all made and
 * on the types the columns may have (SQLAlchemy's are checked by
 * test_sqlalchemy_writes_c_reads_and_changes): on PostgreSQL a json column
 * is json or jsonb, and an enum column a VARCHAR or a native ENUM type
 * (SQLAlchemy's Enum there), which the API then reads and writes; text for
 * json, or an ENUM type for a column that is no enum, is a difference.  On
 * SQLite, tests/unit/test_verify.c holds the declared types' cases. */
static void test_verify_json_and_enum_columns(void **state)
{
    sqla_fixture *f = *state;
    assoc_db *db = sqla_open(f);
    write_data(db);
    OK(db, tasks_verify(db));
    OK(db, tasks_create_all(db));               /* again: the tables are as it makes them */
    if (!e2e_is_pg(db))
        return;
    e2e_raw(db, "ALTER TABLE tasks ALTER COLUMN labels TYPE text");
    RC(db, ASSOC_SCHEMA, tasks_verify(db));
    if (strstr(assoc_errmsg(db), "table tasks, column labels: the database has text, the schema wants JSON "
                                 "(json or jsonb)") == NULL)
        fail_msg("%s", assoc_errmsg(db));
    RC(db, ASSOC_SCHEMA, tasks_create_all(db));
    e2e_raw(db, "ALTER TABLE tasks ALTER COLUMN labels TYPE jsonb USING labels::jsonb");
    OK(db, tasks_verify(db));

    /* status as SQLAlchemy makes it: CREATE TYPE status AS ENUM. */
    e2e_raw(db, "CREATE TYPE status AS ENUM ('todo', 'in_progress', 'done');"
                "ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;"
                "ALTER TABLE tasks ALTER COLUMN status TYPE status USING status::status");
    OK(db, tasks_verify(db));
    OK(db, tasks_create_all(db));
    Task t = TASK_INIT;
    OK(db, task_get_by_slug(db, "task-4", &t));
    assert_int_equal(t.status, TASK_STATUS_TODO);
    t.status = TASK_STATUS_IN_PROGRESS;
    OK(db, task_update(db, &t));
    task_free(&t);
    TaskList tl = TASK_LIST_INIT;
    OK(db, task_find_by_status(db, TASK_STATUS_IN_PROGRESS, &tl));
    assert_int_equal(tl.len, 2);
    task_list_free(&tl);
    char buf[32];
    STR_EQ("stored status", sql_text(db, "SELECT status FROM tasks WHERE slug = 'task-4'", buf, sizeof buf),
           "in_progress");

    /* An ENUM type where the schema has a plain string. */
    e2e_raw(db, "DELETE FROM task_tags; DELETE FROM tags;"
                "CREATE TYPE tagname AS ENUM ('ux', 'web');"
                "ALTER TABLE tags ALTER COLUMN name TYPE tagname USING name::tagname");
    RC(db, ASSOC_SCHEMA, tasks_verify(db));
    if (strstr(assoc_errmsg(db), "table tags, column name: the database has tagname, the schema wants VARCHAR(50)")
        == NULL)
        fail_msg("%s", assoc_errmsg(db));
}

/* Task.due_before (SPEC 6 on SPEC 9's columns): due is the SQL column
 * due_date, status an enum compared with a member's name and with a
 * parameter of the enum's type, project.name a path through a to-one
 * relationship (a JOIN, as the condition needs the project). */
static size_t due_titles(assoc_db *db, const TaskDueBeforeArgs *a, char *out, size_t size)
{
    TaskList l = TASK_LIST_INIT;
    OK(db, task_due_before(db, a, &l));
    out[0] = '\0';
    for (size_t i = 0; i < l.len; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "", l.items[i].title);
    size_t n = l.len;
    task_list_free(&l);
    return n;
}

static void test_due_before_query(void **state)
{
    sqla_fixture *f = *state;
    assoc_db *db = sqla_open(f);
    write_data(db);
    char got[256];
    TaskDueBeforeArgs a = { .before = at("2025-01-01 00:00:00.000000") };
    due_titles(db, &a, got, sizeof got);
    assert_string_equal(got, "Ship");          /* Design is done; Build and API have no due date */
    a.before = at("2024-06-01 00:00:00.000001");
    assert_int_equal(due_titles(db, &a, got, sizeof got), 0);   /* strictly before */
    a.before = at("2025-01-01 00:00:00.000000");
    a.status = TASK_STATUS_TODO;
    a.has_status = true;
    due_titles(db, &a, got, sizeof got);
    assert_string_equal(got, "Ship");
    a.status = TASK_STATUS_IN_PROGRESS;
    assert_int_equal(due_titles(db, &a, got, sizeof got), 0);
    a.has_status = false;
    a.project = "Backend";
    assert_int_equal(due_titles(db, &a, got, sizeof got), 0);
    a.project = "Website";
    a.n = 0;
    a.has_n = true;
    assert_int_equal(due_titles(db, &a, got, sizeof got), 0);   /* limit 0 */
    a.has_n = false;
    due_titles(db, &a, got, sizeof got);
    assert_string_equal(got, "Ship");
    int64_t count = 0;
    a.project = NULL;
    OK(db, task_due_before_count(db, &a, &count));
    assert_int_equal(count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_c_writes_sqlalchemy_reads, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_sqlalchemy_writes_c_reads_and_changes, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_json_and_call_defaults_refused, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_verify_json_and_enum_columns, sqla_setup, sqla_teardown),
        cmocka_unit_test_setup_teardown(test_due_before_query, sqla_setup, sqla_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
