/* test_check.c - the checker: names resolved, relationship kinds inferred as
 * SQLAlchemy does, backrefs made, errors reported where they stand. */
#include "testutil.h"

#include "seed.h"

#include <stdio.h>

#include "memfs.h"

static const sch_model *model(const sch_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nmodels; i++)
        if (strcmp(s->models[i]->name, name) == 0)
            return s->models[i];
    return NULL;
}

static const sch_rel *rel(const sch_model *m, const char *name)
{
    for (size_t i = 0; m && i < m->nrels; i++)
        if (strcmp(m->rels[i]->name, name) == 0)
            return m->rels[i];
    return NULL;
}

static void dump(const assocgen *g)
{
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        fputs(d->rendered, stderr);
}

static void test_seed_kinds(void **state)
{
    (void)state;
    memfile files[] = { { "t.def", seed }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    const sch_schema *s = assocgen_schema(g);
    assert_non_null(s);
    assert_int_equal(s->nmodels, 3);
    const sch_model *user = model(s, "User"), *product = model(s, "Product"), *order = model(s, "Order");

    const sch_rel *r = rel(user, "products");
    assert_non_null(r);
    assert_int_equal(r->kind, SCH_MANY_TO_MANY);
    assert_string_equal(r->secondary->name, "orders");
    assert_string_equal(r->sec_owner_col->name, "user_id");
    assert_string_equal(r->sec_target_col->name, "product_id");

    r = rel(order, "user");
    assert_int_equal(r->kind, SCH_MANY_TO_ONE);
    assert_string_equal(r->owner_col->name, "user_id");
    assert_ptr_equal(r->target, user);

    /* The backref: User.orders, one-to-many, with the backref's cascade. */
    const sch_rel *b = rel(user, "orders");
    assert_non_null(b);
    assert_true(b->is_backref);
    assert_int_equal(b->kind, SCH_ONE_TO_MANY);
    assert_string_equal(b->target_col->name, "user_id");
    assert_true(b->cascade & SCH_CASCADE_DELETE);
    assert_true(b->cascade & SCH_CASCADE_DELETE_ORPHAN);
    assert_ptr_equal(b->reverse, r);
    assert_int_equal(r->cascade, 0);        /* cascade belongs to the backref */
    assert_non_null(rel(product, "orders"));

    /* users and products come before orders, which refers to both. */
    assert_string_equal(s->tables[2]->name, "orders");
    /* Loads through orders.user_id want an index. */
    assert_true(order->table->columns[1]->fk_indexed);
    assocgen_destroy(g);
}

static void test_one_to_one_and_order_by(void **state)
{
    (void)state;
    memfile files[] = { { "t.def",
        "model Person {\n"
        "    id integer primary_key\n"
        "    name string(50)\n"
        "    passport relationship(Passport, uselist = false)\n"
        "    pets relationship(Pet, order_by = name desc, back_populates = owner)\n"
        "}\n"
        "model Passport { id integer primary_key\n person_id integer foreign_key(person.id) }\n"
        "model Pet { id integer primary_key\n name text\n owner_id integer foreign_key(person.id)\n"
        "    owner relationship(Person, back_populates = pets) }\n" }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    const sch_schema *s = assocgen_schema(g);
    const sch_model *person = model(s, "Person");
    assert_string_equal(person->table->name, "person");
    assert_int_equal(rel(person, "passport")->kind, SCH_ONE_TO_ONE);
    const sch_rel *pets = rel(person, "pets");
    assert_int_equal(pets->kind, SCH_ONE_TO_MANY);
    assert_string_equal(pets->order_by->name, "name");
    assert_true(pets->order_desc);
    assert_ptr_equal(pets->reverse, rel(model(s, "Pet"), "owner"));
    assocgen_destroy(g);
}

static void test_self_referential(void **state)
{
    (void)state;
    memfile files[] = { { "t.def",
        "model Node { id integer primary_key\n parent_id integer foreign_key(node.id)\n"
        "  children relationship(Node, backref = parent, cascade = \"all\") }\n"
        "table follows { follower_id integer foreign_key(user.id)\n followed_id integer foreign_key(user.id) }\n"
        "model User { id integer primary_key\n"
        "  following relationship(User, secondary = follows, foreign_keys = follower_id, backref = followers) }\n" },
        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    const sch_schema *s = assocgen_schema(g);
    const sch_model *node = model(s, "Node"), *user = model(s, "User");
    assert_int_equal(rel(node, "children")->kind, SCH_ONE_TO_MANY);
    assert_int_equal(rel(node, "parent")->kind, SCH_MANY_TO_ONE);
    const sch_rel *f = rel(user, "following"), *fb = rel(user, "followers");
    assert_string_equal(f->sec_owner_col->name, "follower_id");
    assert_string_equal(f->sec_target_col->name, "followed_id");
    assert_string_equal(fb->sec_owner_col->name, "followed_id");
    assocgen_destroy(g);
}

static void test_strings_as_names_and_keywords(void **state)
{
    (void)state;
    memfile files[] = { { "t.def",
        "model Item table \"items\" {\n"
        "    id integer primary_key\n"
        "    order integer\n"
        "    table string(10) default(\"x\")\n"
        "    group boolean default(true)\n"
        "    default integer\n"
        "    index text index\n"
        "}\n"
        "model Tag { id integer primary_key\n item_id integer foreign_key(\"items.id\", ondelete = \"SET NULL\")\n"
        "  item relationship(\"Item\") }\n" }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    const sch_schema *s = assocgen_schema(g);
    const sch_model *item = model(s, "Item");
    assert_string_equal(item->table->name, "items");
    assert_int_equal(item->table->ncolumns, 6);
    assert_string_equal(item->table->columns[1]->name, "order");
    assert_string_equal(item->table->columns[4]->c_name, "default_");   /* a C keyword */
    assert_string_equal(item->table->columns[5]->name, "index");
    assert_true(item->table->columns[5]->index_flag);
    assert_int_equal(model(s, "Tag")->table->columns[1]->ondelete, SCH_FK_SET_NULL);
    assocgen_destroy(g);
}

static void test_imports(void **state)
{
    (void)state;
    memfile files[] = {
        { "dir/main.def", "import \"lib/users.def\"\nmodel Post { id integer primary_key\n"
                          "  author_id integer foreign_key(users.id)\n  author relationship(User, backref = posts) }\n" },
        { "dir/lib/users.def", "import \"../shared.def\"\nmodel User table users { id integer primary_key }\n" },
        { "dir/shared.def", "table audit { at datetime }\n" },
        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    const sch_schema *s = assocgen_schema(g);
    assert_int_equal(s->nmodels, 2);
    assert_string_equal(s->base, "main");
    assert_non_null(rel(model(s, "User"), "posts"));   /* backref into an imported model */
    assert_int_equal(assocgen_input_count(g), 3);
    assert_string_equal(assocgen_input_at(g, 0), "dir/main.def");
    assocgen_destroy(g);
}

/* Each case: a file, the line of the expected error, a piece of its message. */
typedef struct bad_case {
    const char *text;
    int line;
    const char *message;
} bad_case;

static const bad_case bad_cases[] = {
    { "model A { id integer primary_key\n name strng(10) }\n", 2, "did you mean 'string'" },
    { "model A { id integer primary_key\n b_id integer foreign_key(bs.id) }\n", 2, "unknown table 'bs'" },
    { "model A { id integer primary_key\n }\nmodel B { id integer primary_key\n a_id integer foreign_key(a.idd) }\n",
      4, "did you mean 'id'" },
    { "model A { name text }\n", 1, "no primary key" },
    { "model A { id integer primary_key }\nmodel A { id integer primary_key }\n", 2, "duplicate model 'A'" },
    { "model A { id integer primary_key\n id text }\n", 2, "duplicate member 'id'" },
    { "model A { id integer primary_key\n bs relationship(B) }\nmodel B { id integer primary_key }\n", 2,
      "cannot infer" },
    { "model A { id integer primary_key\n b1 integer foreign_key(b.id)\n b2 integer foreign_key(b.id)\n"
      " b relationship(B) }\nmodel B { id integer primary_key }\n", 4, "ambiguous" },
    { "model A { id integer primary_key\n b_id integer foreign_key(b.id)\n b relationship(B, backref = name) }\n"
      "model B { id integer primary_key\n name text }\n", 3, "clashes with B.name" },
    { "model A { id integer primary_key\n b_id integer foreign_key(b.id)\n"
      " b relationship(B, backref = backref(as, cascade = \"all, delet\")) }\nmodel B { id integer primary_key }\n",
      3, "unknown cascade 'delet'" },
    { "model User { id integer primary_key\n all relationship(User, secondary = x) }\n"
      "table x { a integer foreign_key(user.id)\n b integer foreign_key(user.id) }\n", 2, "self-referential" },
    { "model User { id integer primary_key\n o_id integer foreign_key(o.id)\n all relationship(O) }\n"
      "model O { id integer primary_key }\n", 3, "user_all" },
    { "model A { id integer primary_key primary_key }\n", 1, "given twice" },
    { "model A { id integer primary_key\n s string(0) }\n", 2, "length must be" },
    { "model A { id integer primary_key\n n integer default(\"x\") }\n", 2, "does not fit" },
    { "model A { id integer primary_key\n n string(3) default(\"abcd\") }\n", 2, "at most 3" },
    { "model A { id integer primary_key\n n datetime default(\"2023-02-30\") }\n", 2, "not a datetime" },
    { "model A { id integer primary_key\n n integer default(99999999999999999999) }\n", 2, "64-bit" },
    { "model A { id integer primary_key\n bs relationship(Bee) }\nmodel B { id integer primary_key }\n", 2,
      "unknown model 'Bee'" },
    { "model A { id integer primary_key\n b_id integer foreign_key(b.id)\n b relationship(B, lazy = true) }\n"
      "model B { id integer primary_key }\n", 3, "unknown relationship option 'lazy'" },
    { "model A { id integer primary_key\n x integer primary_kye }\n", 2, "did you mean 'primary_key'" },
    { "model A { id integer primary_key\n b_id integer foreign_key(b.name) }\nmodel B { id integer primary_key\n"
      " name text }\n", 2, "neither the primary key nor unique" },
    { "import \"t.def\"\nmodel A { id integer primary_key }\n", 1, "import cycle" },
    { "import \"missing.def\"\n", 1, "cannot read import 'missing.def'" },
    { "model A { id integer primary_key\n unique(id, nope) }\n", 2, "unknown column 'nope'" },
};

static void test_bad_cases(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        memfile files[] = { { "t.def", bad_cases[i].text }, { NULL, NULL } };
        int rc;
        assocgen *g = memfs_load(files, &rc);
        const diagnostic *d = memfs_find(g, bad_cases[i].message);
        if (rc != 1 || d == NULL || d->at.line != bad_cases[i].line) {
            fprintf(stderr, "case %zu: rc %d, expected line %d with \"%s\"; got:\n", i, rc,
                    bad_cases[i].line, bad_cases[i].message);
            dump(g);
            failures++;
        }
        assocgen_destroy(g);
    }
    assert_int_equal(failures, 0);
}

static void test_recovery_reports_many(void **state)
{
    (void)state;
    memfile files[] = { { "t.def",
        "model A { id integer primary_key\n x strng\n y integr\n z integer foreign_key(nope.id) }\n"
        "model B { name text }\n" }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 1);
    assert_true(assocgen_diag(g)->errors >= 4);
    assocgen_destroy(g);
}

static void test_column_limit(void **state)
{
    (void)state;
    for (int n = 1500; n <= 2001; n += 501) {
        char *text = malloc((size_t)n * 32 + 64);
        size_t len = (size_t)sprintf(text, "model Wide {\n id integer primary_key\n");
        for (int i = 1; i < n; i++)
            len += (size_t)sprintf(text + len, " c%d integer\n", i);
        sprintf(text + len, "}\n");
        memfile files[] = { { "t.def", text }, { NULL, NULL } };
        int rc;
        assocgen *g = memfs_load(files, &rc);
        if (n == 1500)
            assert_int_equal(rc, 0);
        else {
            assert_int_equal(rc, 1);
            assert_non_null(memfs_find(g, "at most 2000"));
        }
        assocgen_destroy(g);
        free(text);
    }
}

/* ------------------------------------------------------------------ */
/* Recovery: the checker runs on what the parser could read, and says
 * nothing that an earlier error explains.                             */

static int errors_of(const assocgen *g)
{
    int n = 0;
    for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
        n += d->severity == DIAG_ERROR;
    return n;
}

typedef struct exact_case {
    const char *text;
    int errors;               /* exactly this many */
    int line;                 /* the first error's line */
    const char *message;      /* ... and a piece of its message */
} exact_case;

static void run_exact(const exact_case *cases, size_t n)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        memfile files[] = { { "t.def", cases[i].text }, { NULL, NULL } };
        int rc;
        assocgen *g = memfs_load(files, &rc);
        const diagnostic *first = assocgen_diagnostics(g);
        if (rc != 1 || errors_of(g) != cases[i].errors || first == NULL || first->at.line != cases[i].line ||
            strstr(first->message, cases[i].message) == NULL) {
            fprintf(stderr, "case %zu: rc %d, expected %d error(s), the first at line %d with \"%s\"; got:\n",
                    i, rc, cases[i].errors, cases[i].line, cases[i].message);
            dump(g);
            failures++;
        }
        assocgen_destroy(g);
    }
    assert_int_equal(failures, 0);
}

static void test_semantic_errors_after_syntax_errors(void **state)
{
    (void)state;
    static const exact_case cases[] = {
        /* The syntax error and the unknown type, in line order. */
        { "model A {\n id integer primary_key\n x strng\n y integer = 3\n}\n", 2, 3, "unknown type 'strng'" },
        /* The key column's line is dropped: no "no primary key" echo. */
        { "model A {\n id integer primary_key,\n}\nmodel B { id integer primary_key\n bs relationship(Bee) }\n",
          2, 2, "unexpected ','" },
        /* A dropped column: a foreign key to it is not "unknown". */
        { "model A {\n id integer primary_key\n code integer unique;\n}\n"
          "model B { id integer primary_key\n a_code integer foreign_key(a.code)\n x strng }\n",
          2, 3, "unexpected character ';'" },
        /* A lost declaration: names it may have held are not "unknown". */
        { "modle A {\n id integer primary_key\n}\n"
          "model B { id integer primary_key\n a_id integer foreign_key(a.id)\n a relationship(A) }\n",
          1, 1, "unexpected identifier 'modle'" },
        /* A file cut short: what came before it is still checked. */
        { "model B { id integer primary_key\n n integr }\nmodel A {\n id integer primary_key\n", 2, 2,
          "unknown type 'integr'" },
    };
    run_exact(cases, sizeof cases / sizeof cases[0]);
}

static void test_no_cascaded_errors(void **state)
{
    (void)state;
    static const exact_case cases[] = {
        /* A foreign key column with a bad type: the join is not reported. */
        { "model U { id integer primary_key }\n"
          "model P { id integer primary_key\n u_id integr foreign_key(u.id)\n u relationship(U, backref = ps) }\n",
          1, 3, "unknown type 'integr'" },
        /* A foreign key to a misspelled table: the join is not reported. */
        { "model U { id integer primary_key }\n"
          "model P { id integer primary_key\n u_id integer foreign_key(uu.id)\n u relationship(U) }\n",
          1, 3, "unknown table 'uu'; did you mean 'u'?" },
        /* A column that failed: unique(...) and a foreign key to it are quiet. */
        { "model U { id integer primary_key\n code strin unique\n unique(code) }\n"
          "model P { id integer primary_key\n u_id integer foreign_key(u.id)\n c integer foreign_key(u.code) }\n",
          1, 2, "unknown type 'strin'" },
        /* ... and so is order_by. */
        { "model U { id integer primary_key\n ps relationship(P, order_by = title) }\n"
          "model P { id integer primary_key\n title strng\n u_id integer foreign_key(u.id) }\n",
          1, 4, "unknown type 'strng'" },
        /* A model whose table name failed: relationships to it are quiet. */
        { "model U table \"u u\" { id integer primary_key }\n"
          "model P { id integer primary_key\n u relationship(U) }\n",
          1, 1, "is not an identifier" },
        /* A duplicate table: the second model is gone, quietly. */
        { "model U table t { id integer primary_key }\nmodel V table t { id integer primary_key }\n"
          "model P { id integer primary_key\n v relationship(V) }\n",
          1, 2, "duplicate table 't'" },
        /* Both sides of a back_populates pair are wrong on one side only. */
        { "model U { id integer primary_key\n ps relationship(P, back_populates = uu) }\n"
          "model P { id integer primary_key\n u_id integer foreign_key(u.id)\n u relationship(U, back_populates = ps) }\n",
          1, 2, "P has no relationship 'uu'" },
        /* C name clashes are reported with other errors, once per pair. */
        { "model A { id integer primary_key\n x strng }\nmodel A_ { id integer primary_key }\n"
          "model B { id integer primary_key\n a_id integer foreign_key(a.id)\n count relationship(A) }\n",
          2, 2, "unknown type 'strng'" },
    };
    run_exact(cases, sizeof cases / sizeof cases[0]);
}

static void test_import_failure_is_quiet_about_its_names(void **state)
{
    (void)state;
    memfile files[] = {
        { "main.def", "import \"users.def\"\nimport \"gone.def\"\n"
                      "model Post { id integer primary_key\n author_id integer foreign_key(users.id)\n"
                      "  author relationship(User)\n  tag relationship(Tag)\n  n integr }\n" },
        { "users.def", "model User table users { id integer primary_key }\n" },
        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 1);
    /* The import and the main file's own mistake; not "unknown model Tag". */
    assert_int_equal(errors_of(g), 2);
    assert_non_null(memfs_find(g, "cannot read import 'gone.def'"));
    assert_non_null(memfs_find(g, "unknown type 'integr'"));
    assocgen_destroy(g);
}

static void test_sql_names_ignore_case(void **state)
{
    (void)state;
    static const exact_case cases[] = {
        { "table users { id integer }\ntable Users { id integer }\n", 1, 2,
          "duplicate table 'Users' (SQL ignores case: it is the same as 'users')" },
        { "model A { id integer primary_key\n Name text\n name text }\n", 1, 3,
          "duplicate column 'name' in A: SQL ignores case, so it is the same as 'Name'" },
        { "table SQLITE_master2 { id integer }\n", 1, 1, "reserved" },
    };
    run_exact(cases, sizeof cases / sizeof cases[0]);
}

static void test_model_names_taken_in_c(void **state)
{
    (void)state;
    static const char *const names[] = { "int", "bool", "NULL", "size_t", "int64_t", "assoc_db", "sqlite3", "static" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "model %s { id integer primary_key }\n", names[i]);
        memfile files[] = { { "t.def", text }, { NULL, NULL } };
        int rc;
        assocgen *g = memfs_load(files, &rc);
        if (rc != 1)
            fprintf(stderr, "model %s was accepted\n", names[i]);
        assert_int_equal(rc, 1);
        assert_non_null(memfs_find(g, "cannot be used"));
        assocgen_destroy(g);
    }
    /* Close but fine. */
    memfile ok[] = { { "t.def", "model Int { id integer primary_key }\nmodel Static { id integer primary_key }\n" },
                     { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(ok, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    assocgen_destroy(g);
}

static void test_diagnostics_in_reading_order(void **state)
{
    (void)state;
    memfile files[] = {
        { "main.def", "import \"lib.def\"\nmodel A { id integer primary_key\n b strng\n c integer = 1 }\n"
                      "model B { x integr primary_key }\n" },
        { "lib.def", "model L { id intger primary_key }\n" },
        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 1);
    /* Syntax (line 4) and checker (lines 3, 5) errors interleave by line;
     * the main file, read first, before its import. */
    const diagnostic *d = assocgen_diagnostics(g);
    assert_string_equal(d->at.src->name, "main.def");
    assert_int_equal(d->at.line, 3);
    d = d->next;
    assert_int_equal(d->at.line, 4);
    d = d->next;
    assert_int_equal(d->at.line, 5);
    d = d->next;
    assert_string_equal(d->at.src->name, "lib.def");
    assert_null(d->next);
    assocgen_destroy(g);
}

/* SPEC 1: an error names its file as given on the command line or in the
 * import; the depfile keeps the path it was read from. */
static void test_import_named_as_written(void **state)
{
    (void)state;
    memfile files[] = {
        { "dir/main.def", "import \"lib/users.def\"\nmodel M { id integer primary_key\n u integr }\n" },
        { "dir/lib/users.def", "model U { id integer primary_key\n x strng }\n" },
        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 1);
    const diagnostic *main_err = memfs_find(g, "integr");
    const diagnostic *lib_err = memfs_find(g, "strng");
    assert_non_null(main_err);
    assert_non_null(lib_err);
    assert_memory_equal(main_err->rendered, "dir/main.def:3:", strlen("dir/main.def:3:"));
    assert_memory_equal(lib_err->rendered, "lib/users.def:2:", strlen("lib/users.def:2:"));
    assert_string_equal(lib_err->at.src->name, "dir/lib/users.def");
    assocgen_destroy(g);
}

static void test_import_paths(void **state)
{
    (void)state;
    /* "../" is resolved against the importing file's directory and the
     * result is tidied: the file has one name whoever imports it. */
    memfile files[] = {
        { "dir/main.def", "import \"lib/a.def\"\nimport \"./shared.def\"\nmodel M { id integer primary_key }\n" },
        { "dir/lib/a.def", "import \"../shared.def\"\nmodel A { id integer primary_key }\n" },
        { "dir/shared.def", "model S { id integer primary_key }\n" },
        { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    dump(g);
    assert_int_equal(rc, 0);
    assert_int_equal(assocgen_input_count(g), 3);     /* shared.def once */
    assert_string_equal(assocgen_input_at(g, 1), "dir/shared.def");
    assert_string_equal(assocgen_input_at(g, 2), "dir/lib/a.def");
    assocgen_destroy(g);

    /* A cycle through a path spelled differently is still a cycle. */
    memfile cyc[] = {
        { "d/main.def", "import \"sub/b.def\"\nmodel M { id integer primary_key }\n" },
        { "d/sub/b.def", "import \"../sub/../main.def\"\n" },
        { NULL, NULL } };
    g = memfs_load(cyc, &rc);
    assert_int_equal(rc, 1);
    const diagnostic *d = memfs_find(g, "import cycle: d/main.def -> d/sub/b.def -> d/main.def");
    if (d == NULL)
        dump(g);
    assert_non_null(d);
    assert_string_equal(d->at.src->name, "d/sub/b.def");
    assocgen_destroy(g);
}

/* A warning is reported in the error's form and the load succeeds; under
 * -Werror the same warning fails it. */
static void test_warnings_and_werror(void **state)
{
    (void)state;
    static const char text[] =
        "model P {\n    id integer primary_key\n    name text\n}\n"
        "model K {\n    id integer primary_key\n    p_id integer foreign_key(p.id)\n"
        "    p relationship(P, order_by = name)\n}\n";
    for (int werror = 0; werror <= 1; werror++) {
        memfile files[] = { { "t.def", text }, { NULL, NULL } };
        assocgen *g = assocgen_create();
        assocgen_set_reader(g, memfs_read, files);
        assocgen_set_werror(g, werror);
        int rc = assocgen_load(g, "t.def");
        const diagnostic *d = memfs_find(g, "has no effect");
        assert_non_null(d);
        assert_int_equal(d->severity, DIAG_WARNING);
        assert_int_equal(d->at.line, 8);
        assert_non_null(strstr(d->rendered, "t.def:8:"));
        /* Under -Werror it reads as an error, as gcc's do. */
        assert_non_null(strstr(d->rendered, werror ? ": error: " : ": warning: "));
        assert_true((strstr(d->rendered, "[-Werror]") != NULL) == (werror != 0));
        assert_int_equal(rc, werror ? 1 : 0);
        assert_true(werror ? assocgen_schema(g) == NULL : assocgen_schema(g) != NULL);
        assocgen_destroy(g);
    }
}

/* A schema called assoc.def would generate assoc.h, which includes the
 * runtime's "assoc.h" and would find itself: refused before loading. */
static void test_base_name_assoc_refused(void **state)
{
    (void)state;
    memfile files[] = { { "dir/assoc.def", "model A {\n    id integer primary_key\n}\n" }, { NULL, NULL } };
    int rc;
    assocgen *g = memfs_load(files, &rc);
    assert_int_equal(rc, 2);
    assert_non_null(memfs_find(g, "libassoc's own"));
    assocgen_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_kinds),
        cmocka_unit_test(test_one_to_one_and_order_by),
        cmocka_unit_test(test_self_referential),
        cmocka_unit_test(test_strings_as_names_and_keywords),
        cmocka_unit_test(test_imports),
        cmocka_unit_test(test_bad_cases),
        cmocka_unit_test(test_recovery_reports_many),
        cmocka_unit_test(test_column_limit),
        cmocka_unit_test(test_semantic_errors_after_syntax_errors),
        cmocka_unit_test(test_no_cascaded_errors),
        cmocka_unit_test(test_import_failure_is_quiet_about_its_names),
        cmocka_unit_test(test_sql_names_ignore_case),
        cmocka_unit_test(test_model_names_taken_in_c),
        cmocka_unit_test(test_diagnostics_in_reading_order),
        cmocka_unit_test(test_import_paths),
        cmocka_unit_test(test_import_named_as_written),
        cmocka_unit_test(test_warnings_and_werror),
        cmocka_unit_test(test_base_name_assoc_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
