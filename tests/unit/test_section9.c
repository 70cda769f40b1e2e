/* test_section9.c - the constructs of SPEC section 9 through the checker,
 * the plans and the emitters: what the resolved schema holds for each, and
 * what the output says about it where the golden files do not pin it down
 * by name (a prefix, SQL names that need quoting, PostgreSQL's DDL, plans
 * of the delete).  Behaviour at run time is the end-to-end tests' (tests/e2e:
 * microblog, forum, tasks, widgets). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "memfs.h"

static void dump(const assocgen *g)
{
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        fputs(d->rendered, stderr);
}

/* Load text as t.def, which must succeed. */
static assocgen *load_ok(const char *text)
{
    static memfile files[2];
    files[0] = (memfile){ "t.def", text };
    files[1] = (memfile){ NULL, NULL };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    assert_non_null(assocgen_schema(g));
    return g;
}

/* The output with suffix of text generated with prefix (may be NULL);
 * malloc'd. */
static char *output(const char *text, const char *prefix, const char *suffix)
{
    assocgen *g = load_ok(text);
    assert_int_equal(assocgen_generate(g, ASSOCGEN_EMIT_HEADER | ASSOCGEN_EMIT_SOURCE | ASSOCGEN_EMIT_SQL, prefix), 0);
    char *out = NULL;
    for (size_t i = 0; i < assocgen_output_count(g); i++)
        if (strcmp(assocgen_output_at(g, i)->suffix, suffix) == 0)
            out = strdup(assocgen_output_at(g, i)->text);
    assocgen_destroy(g);
    assert_non_null(out);
    return out;
}

static const sch_model *model(const sch_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nmodels; i++)
        if (strcmp(s->models[i]->name, name) == 0)
            return s->models[i];
    fail_msg("no model %s", name);
    return NULL;
}

static const sch_column *column(const sch_model *m, const char *name)
{
    for (size_t i = 0; i < m->table->ncolumns; i++)
        if (strcmp(m->table->columns[i]->name, name) == 0)
            return m->table->columns[i];
    fail_msg("no column %s.%s", m->name, name);
    return NULL;
}

static const sch_rel *rel(const sch_model *m, const char *name)
{
    for (size_t i = 0; i < m->nrels; i++)
        if (strcmp(m->rels[i]->name, name) == 0)
            return m->rels[i];
    fail_msg("no relationship %s.%s", m->name, name);
    return NULL;
}

static void assert_contains(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL)
        fail_msg("expected to find: %s", needle);
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Run a script of SQL in a fresh in-memory SQLite database. */
static void assert_sql_runs(const char *sql)
{
    sqlite3 *db;
    char *err = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s in:\n%s", err, sql);
    sqlite3_close(db);
}

/* ------------------------------------------------------------------ */

static const char *const names_def =
    "model User table users {\n"
    "    id        integer primary_key column(\"ID\")\n"
    "    user_name string(64) unique column(\"UserName\")\n"
    "    odd       text column(\"we\\\"ird */ name ?\?=\")\n"
    "    posts     relationship(Post, backref = author, order_by = title)\n"
    "}\n"
    "model Post table posts {\n"
    "    id        integer primary_key\n"
    "    title     text index column(\"Title\")\n"
    "    author_id integer foreign_key(users.id) column(\"AuthorID\")\n"
    "}\n";

static void test_column_sql_names(void **state)
{
    (void)state;
    assocgen *g = load_ok(names_def);
    const sch_model *user = model(assocgen_schema(g), "User");
    const sch_column *id = column(user, "id");
    assert_string_equal(id->sql_name, "ID");
    assert_string_equal(id->c_name, "id");
    assert_string_equal(column(user, "user_name")->sql_name, "UserName");
    /* The model language names the column by its member: the foreign key
     * and order_by above resolved. */
    const sch_model *post = model(assocgen_schema(g), "Post");
    assert_ptr_equal(column(post, "author_id")->fk, id);
    assert_ptr_equal(rel(user, "posts")->order_by, column(post, "title"));
    assocgen_destroy(g);

    char *sql = output(names_def, NULL, ".sql");
    assert_contains(sql, "\"ID\" INTEGER PRIMARY KEY");
    assert_contains(sql, "\"we\"\"ird */ name ?\?=\" TEXT");
    assert_contains(sql, "REFERENCES users (\"ID\")");
    assert_contains(sql, "CREATE INDEX IF NOT EXISTS \"ix_posts_Title\" ON posts (\"Title\")");
    assert_sql_runs(sql);
    free(sql);
    char *c = output(names_def, NULL, ".c");
    assert_contains(c, "\"SELECT users.\\\"ID\\\", users.\\\"UserName\\\"");
    assert_contains(c, "ORDER BY posts.\\\"Title\\\"");
    assert_contains(c, "\"ID\", \"UserName\", \"we\\\"ird */ name ?\\?=\"");   /* no trigraph */
    assert_contains(c, "rc = assoc_bind_int64(db, st, 1, r->id);");          /* C: the member's name */
    free(c);
    char *h = output(names_def, NULL, ".h");
    assert_contains(h, "char *user_name;");
    assert_contains(h, "int user_get_by_user_name(assoc_db *db, const char *value, User *out);");
    assert_true(strstr(h, "ird") == NULL);                                    /* no SQL name in comments */
    free(h);
}

static const char *const types_def =
    "model Task table tasks {\n"
    "    id       integer primary_key\n"
    "    status   enum(open, in_progress, done) not_null default(open) index\n"
    "    kind     enum(\"bug\", feature) server_default(feature)\n"
    "    data     json\n"
    "    meta     json not_null default(\"{\\\"a\\\": [1, 2.5e3, null]}\")\n"
    "}\n";

static void test_enum_and_json(void **state)
{
    (void)state;
    assocgen *g = load_ok(types_def);
    const sch_model *task = model(assocgen_schema(g), "Task");
    const sch_column *status = column(task, "status");
    assert_int_equal(status->type, SCH_ENUM);
    assert_string_equal(status->enumv->type, "TaskStatus");
    assert_string_equal(status->enumv->upper, "TASK_STATUS");
    assert_int_equal(status->enumv->nvalues, 3);
    assert_string_equal(status->enumv->values[1], "in_progress");
    assert_int_equal(status->enumv->longest, 11);
    assert_true(status->has_flag);              /* defaulted: unset is has_status false */
    assert_int_equal(status->def.i, 1);
    assert_true(column(task, "data")->json);
    assert_int_equal(column(task, "data")->type, SCH_TEXT);
    assocgen_destroy(g);

    char *sql = output(types_def, NULL, ".sql");
    assert_contains(sql, "status VARCHAR(11) NOT NULL CHECK (status IN ('open', 'in_progress', 'done'))");
    assert_contains(sql, "kind VARCHAR(7) DEFAULT ('feature') CHECK (kind IN ('bug', 'feature'))");
    assert_contains(sql, "data TEXT CHECK (data IS NULL OR json_valid(data))");
    assert_contains(sql, "meta TEXT NOT NULL CHECK (json_valid(meta))");
    assert_sql_runs(sql);
    free(sql);

    /* With a prefix: the type and constants carry it; PostgreSQL's DDL. */
    char *h = output(types_def, "shop_", ".h");
    assert_contains(h, "typedef enum {\n    shop_TASK_STATUS_OPEN = 1,\n    shop_TASK_STATUS_IN_PROGRESS = 2,\n"
                       "    shop_TASK_STATUS_DONE = 3\n} shop_TaskStatus;");
    assert_contains(h, "    shop_TaskStatus status;");
    assert_contains(h, "(shop_TaskStatus)0, false");
    assert_contains(h, "int shop_task_find_by_status(assoc_db *db, shop_TaskStatus value, shop_TaskList *out);");
    free(h);
    char *c = output(types_def, "shop_", ".c");
    assert_contains(c, "\"Task.status\", \"shop_TaskStatus\", task__enum_status_names, 3");
    assert_contains(c, "v.status = shop_TASK_STATUS_OPEN;");
    assert_contains(c, "v.kind = shop_TASK_KIND_FEATURE;");
    assert_contains(c, "out->status = (shop_TaskStatus)value;");
    assert_contains(c, "    data JSON,");                         /* PostgreSQL */
    assert_contains(c, "    status VARCHAR(11) NOT NULL CHECK (status IN ('open', 'in_progress', 'done')),\\n\"");
    free(c);
}

static const char *const defaults_def =
    "model Doc table docs {\n"
    "    id         string(36) primary_key default(uuid)\n"
    "    slug       text not_null default(call make_slug)\n"
    "    alt        text default(call make_slug)\n"
    "    rank       integer default(call next_rank)\n"
    "    edited_at  datetime onupdate(now)\n"
    "    touched_at datetime default(now) onupdate(now)\n"
    "}\n";

static void test_made_defaults_and_onupdate(void **state)
{
    (void)state;
    assocgen *g = load_ok(defaults_def);
    const sch_model *doc = model(assocgen_schema(g), "Doc");
    assert_int_equal(column(doc, "id")->def.kind, SCH_DEFAULT_UUID);
    assert_int_equal(column(doc, "slug")->def.kind, SCH_DEFAULT_CALL);
    assert_string_equal(column(doc, "slug")->def.fn, "make_slug");
    assert_true(column(doc, "edited_at")->onupdate_now);
    assocgen_destroy(g);

    /* The program's functions: declared once each, never prefixed. */
    char *h = output(defaults_def, "p_", ".h");
    assert_int_equal(count(h, "int make_slug(assoc_db *db, char **out);"), 1);
    assert_int_equal(count(h, "int next_rank(assoc_db *db, int64_t *out);"), 1);
    assert_contains(h, "edited_at, touched_at: the time of the update (onupdate(now)); r is left as it is.");
    free(h);
    char *c = output(defaults_def, NULL, ".c");
    assert_contains(c, "rc = assoc_uuid4(db, &dup_id);");
    assert_contains(c, "rc = make_slug(db, &dup_slug);");
    assert_contains(c, "rc = make_slug(db, &dup_alt);");
    assert_contains(c, "rc = next_rank(db, &v.rank);");
    /* One reading of the clock for both onupdate columns. */
    assert_int_equal(count(c, "assoc_time stamp = assoc_now();"), 1);
    assert_int_equal(count(c, "assoc_bind_time_buf(db, st, 4, stamp, true, time_text_1)"), 1);
    assert_int_equal(count(c, "assoc_bind_time_buf(db, st, 5, stamp, true, time_text_2)"), 1);
    free(c);
}

static void test_remote_side(void **state)
{
    (void)state;
    assocgen *g = load_ok(
        "model Node table nodes {\n"
        "    id        integer primary_key\n"
        "    parent_id integer foreign_key(nodes.id)\n"
        "    parent    relationship(Node, remote_side = id, backref = children)\n"
        "    kids      relationship(Node, remote_side = parent_id, viewonly = true)\n"
        "    plain     relationship(Node, viewonly = true)\n"
        "    up        relationship(Node, remote_side = \"[Node.id]\", back_populates = down)\n"
        "    down      relationship(Node, back_populates = up)\n"
        "}\n"
        "model Cat table cats {\n"
        "    id        integer primary_key\n"
        "    mother_id integer foreign_key(cats.id)\n"
        "    kittens   relationship(Cat, backref = backref(mother, remote_side = id))\n"
        "}\n");
    const sch_model *node = model(assocgen_schema(g), "Node");
    const sch_column *id = column(node, "id"), *pid = column(node, "parent_id");
    const sch_rel *parent = rel(node, "parent");
    assert_int_equal(parent->kind, SCH_MANY_TO_ONE);
    assert_ptr_equal(parent->owner_col, pid);
    assert_ptr_equal(parent->target_col, id);
    assert_int_equal(rel(node, "children")->kind, SCH_ONE_TO_MANY);
    assert_int_equal(rel(node, "kids")->kind, SCH_ONE_TO_MANY);
    assert_int_equal(rel(node, "plain")->kind, SCH_ONE_TO_MANY);    /* no remote_side: the children */
    assert_int_equal(rel(node, "up")->kind, SCH_MANY_TO_ONE);
    assert_ptr_equal(rel(node, "up")->reverse, rel(node, "down"));
    assert_int_equal(rel(model(assocgen_schema(g), "Cat"), "mother")->kind, SCH_MANY_TO_ONE);
    assocgen_destroy(g);
}

static void test_order_by_spellings(void **state)
{
    (void)state;
    assocgen *g = load_ok(
        "model Event table events {\n"
        "    id         integer primary_key\n"
        "    created_at datetime\n"
        "    user_id    integer foreign_key(users.id)\n"
        "}\n"
        "model User table users {\n"
        "    id integer primary_key\n"
        "    a relationship(Event, order_by = \"desc(Event.created_at)\", viewonly = true)\n"
        "    b relationship(Event, order_by = \"Event.created_at.desc()\", viewonly = true)\n"
        "    c relationship(Event, order_by = Event.created_at desc, viewonly = true)\n"
        "    d relationship(Event, order_by = Event.created_at.desc(), viewonly = true)\n"
        "    e relationship(Event, order_by = desc(Event.created_at), viewonly = true)\n"
        "    f relationship(Event, order_by = \"[events.c.created_at]\", viewonly = true)\n"
        "    g relationship(Event, order_by = \"  Event.created_at   ASC \", viewonly = true)\n"
        "    h relationship(Event, order_by = created_at, viewonly = true)\n"
        "}\n");
    const sch_model *user = model(assocgen_schema(g), "User");
    const sch_column *created = column(model(assocgen_schema(g), "Event"), "created_at");
    for (const char *n = "abcdefgh"; *n; n++) {
        char name[2] = { *n, '\0' };
        const sch_rel *r = rel(user, name);
        assert_ptr_equal(r->order_by, created);
        assert_int_equal(r->order_desc, *n <= 'e');
    }
    assocgen_destroy(g);
}

static const char *const forum_def =
    "model Topic table topics {\n"
    "    id            integer primary_key\n"
    "    first_post_id integer foreign_key(posts.id)\n"
    "    first_post    relationship(Post, foreign_keys = first_post_id, post_update = true)\n"
    "    posts         relationship(Post, foreign_keys = \"Post.topic_id\", cascade = \"all, delete-orphan\")\n"
    "}\n"
    "model Post table posts {\n"
    "    id            integer primary_key\n"
    "    topic_id      integer foreign_key(topics.id)\n"
    "}\n";

static void test_post_update_plans(void **state)
{
    (void)state;
    assocgen *g = load_ok(forum_def);
    const sch_model *topic = model(assocgen_schema(g), "Topic");
    assert_true(column(topic, "first_post_id")->post_update);
    assert_true(rel(topic, "first_post")->post_update);
    assert_false(column(model(assocgen_schema(g), "Post"), "topic_id")->post_update);
    assocgen_destroy(g);

    char *c = output(forum_def, NULL, ".c");
    /* Insert: NULL, then the key once the row is in, atomically. */
    assert_contains(c, "rc = assoc_bind_null(db, st, 1);");
    assert_contains(c, "static const assoc_sql topic_insert__sql_post = {\n"
                       "    \"UPDATE topics\\n\"\n    \"SET first_post_id = $1\\n\"\n    \"WHERE topics.id = $2\",");
    assert_contains(c, "    if (v.has_first_post_id) {\n        rc = assoc_stmt_acquire(db, &topic_insert__sql_post, &st);");
    const char *ins = strstr(c, "int topic_insert(");
    assert_non_null(ins);
    const char *end = strstr(ins, "\n}\n");
    const char *enter = strstr(ins, "rc = assoc_tx_enter(db, true);"), *leave = strstr(ins, "return assoc_tx_leave(db, rc);");
    assert_true(enter && enter < end && leave && leave < end);
    /* Delete: the direct plan (no cycle once the key is cleared), the key
     * cleared first. */
    const char *del = strstr(c, "int topic_delete(");
    assert_non_null(del);
    assert_null(strstr(del, "assoc_cascade_run"));
    const char *clear = strstr(del, "&topic_delete__sql_post"), *posts = strstr(del, "&topic_delete__sql_posts");
    assert_non_null(clear);
    assert_non_null(posts);
    assert_true(clear < posts);
    free(c);

    /* The same with the reverse of first_post: the general plan, whose
     * before[] steps clear the key and whose marks leave it out. */
    char *def = malloc(strlen(forum_def) + 64);
    strcpy(def, forum_def);
    char *at = strstr(def, "post_update = true)");
    strcpy(at, "post_update = true, backref = first_of)\n");
    strcat(def, strstr(forum_def, "    posts "));
    c = output(def, NULL, ".c");
    del = strstr(c, "static const assoc_sql *const topic_delete__sql_cascade_before[] = {\n"
                    "    &topic_delete__sql_post,");
    assert_non_null(del);
    assert_contains(c, "\"UPDATE topics AS c\\n\"\n    \"SET first_post_id = NULL\\n\"\n"
                       "    \"WHERE EXISTS (SELECT 1 FROM assoc_del_topics dc WHERE c.id = dc.k1)\",");
    assert_true(strstr(c, "z.first_post_id") == NULL);          /* no order through the post_update key */
    free(c);
    free(def);
}

static void test_mixins(void **state)
{
    (void)state;
    const char *text =
        "mixin Stamps {\n"
        "    created_at datetime default(now)\n"
        "    bad        strng\n"
        "}\n"
        "model A table a {\n"
        "    id integer primary_key\n"
        "    include Stamps\n"
        "}\n"
        "model B table b {\n"
        "    id integer primary_key\n"
        "    include Stamps\n"
        "}\n";
    memfile files[] = { { "t.def", text }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 1);
    /* One error, in the mixin, though two models include it. */
    size_t n = 0;
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next) {
        n++;
        assert_int_equal(d->at.line, 3);
        assert_int_equal(d->at.col, 16);
    }
    assert_int_equal(n, 1);
    assocgen_destroy(g);

    g = load_ok("model A table a {\n"
                "    id integer primary_key\n"
                "    include Owned\n"
                "    title text\n"
                "}\n"
                "mixin Owned {\n"
                "    include Stamps\n"
                "    owner_id integer foreign_key(a.id)\n"
                "    owner    relationship(A, remote_side = id)\n"
                "}\n"
                "mixin Stamps {\n"
                "    created_at datetime default(now)\n"
                "}\n"
                "mixin Unused {\n"
                "    x integer\n"
                "}\n");
    const sch_model *a = model(assocgen_schema(g), "A");
    static const char *const order[] = { "id", "created_at", "owner_id", "title" };
    assert_int_equal(a->table->ncolumns, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(a->table->columns[i]->name, order[i]);
    assert_int_equal(a->table->columns[1]->at.line, 12);       /* where the mixin has it */
    assert_int_equal(rel(a, "owner")->kind, SCH_MANY_TO_ONE);
    const diagnostic *w = memfs_find(g, "mixin 'Unused' is never included");
    assert_non_null(w);
    assert_int_equal(w->severity, DIAG_WARNING);
    assocgen_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column_sql_names),
        cmocka_unit_test(test_enum_and_json),
        cmocka_unit_test(test_made_defaults_and_onupdate),
        cmocka_unit_test(test_remote_side),
        cmocka_unit_test(test_order_by_spellings),
        cmocka_unit_test(test_post_update_plans),
        cmocka_unit_test(test_mixins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
