/* test_parser.c - the scanner and the parser alone: the tree they build,
 * the locations they record, and how they report and recover from errors. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* One parse of `len` bytes named "t.def". */
typedef struct parsed {
    arena a;
    diag_ctx d;
    ast_file *f;
} parsed;

static parsed *parse_n(const char *text, size_t len)
{
    parsed *p = calloc(1, sizeof *p);
    assert_non_null(p);
    char *copy = malloc(len + 1);
    char *name = strdup("t.def");
    assert_non_null(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    source *src = diag_add_source(&p->d, name, copy, len);
    assert_non_null(src);
    p->f = ast_parse(&p->a, &p->d, src);
    assert_non_null(p->f);
    return p;
}

static parsed *parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void done(parsed *p)
{
    arena_free(&p->a);
    diag_free(&p->d);
    free(p);
}

static void dump(const parsed *p)
{
    for (const diagnostic *d = p->d.first; d; d = d->next)
        fputs(d->rendered, stderr);
}

static size_t count_decls(const ast_file *f)
{
    size_t n = 0;
    for (const ast_decl *d = f->decls; d; d = d->next)
        n++;
    return n;
}

static const ast_decl *decl_at(const ast_file *f, size_t i)
{
    const ast_decl *d = f->decls;
    while (d && i--)
        d = d->next;
    assert_non_null(d);
    return d;
}

static const ast_member *member_at(const ast_decl *decl, size_t i)
{
    const ast_member *m = decl->members;
    while (m && i--)
        m = m->next;
    assert_non_null(m);
    return m;
}

static size_t count_members(const ast_decl *decl)
{
    size_t n = 0;
    for (const ast_member *m = decl->members; m; m = m->next)
        n++;
    return n;
}

/* The diagnostic with `needle` in its message, or NULL. */
static const diagnostic *find(const parsed *p, const char *needle)
{
    for (const diagnostic *d = p->d.first; d; d = d->next)
        if (strstr(d->message, needle))
            return d;
    return NULL;
}

static void assert_at(loc l, int line, int col)
{
    if (l.line != line || l.col != col)
        fprintf(stderr, "location %d:%d, expected %d:%d\n", l.line, l.col, line, col);
    assert_int_equal(l.line, line);
    assert_int_equal(l.col, col);
}

static const char seed[] =
    "# The shop\n"
    "model User table users {\n"
    "    id          integer primary_key\n"
    "    email       string(255)\n"
    "    products    relationship(Product, secondary = orders)\n"
    "}\n"
    "model Order table orders {\n"
    "    user_id     integer foreign_key(users.id, ondelete = cascade)\n"
    "    user        relationship(User, backref = backref(orders, cascade = \"all, delete-orphan\"))\n"
    "    unique(user_id, id)\n"
    "}\n";

static void test_tree_shape(void **state)
{
    (void)state;
    parsed *p = parse(seed);
    dump(p);
    assert_int_equal(p->d.errors, 0);
    assert_false(p->f->damaged);
    assert_int_equal(count_decls(p->f), 2);

    const ast_decl *user = decl_at(p->f, 0);
    assert_int_equal(user->kind, AST_MODEL);
    assert_string_equal(user->name, "User");
    assert_non_null(user->table);
    assert_int_equal(user->table->kind, AST_IDENT);
    assert_string_equal(user->table->text, "users");
    assert_int_equal(count_members(user), 3);
    assert_false(ast_decl_damaged(user));

    const ast_member *id = member_at(user, 0);
    assert_int_equal(id->kind, AST_FIELD);
    assert_string_equal(id->name, "id");
    assert_string_equal(id->type->name, "integer");
    assert_false(id->type->has_parens);
    assert_string_equal(id->mods->name, "primary_key");
    assert_null(id->mods->next);

    const ast_member *email = member_at(user, 1);
    assert_string_equal(email->type->name, "string");
    assert_true(email->type->has_parens);
    assert_int_equal(email->type->args->value->kind, AST_INT);
    assert_string_equal(email->type->args->value->text, "255");
    assert_null(email->mods);

    const ast_member *products = member_at(user, 2);
    assert_string_equal(products->type->name, "relationship");
    const ast_arg *a = products->type->args;
    assert_null(a->key);
    assert_string_equal(a->value->text, "Product");
    assert_string_equal(a->next->key, "secondary");
    assert_string_equal(a->next->value->text, "orders");

    const ast_decl *order = decl_at(p->f, 1);
    const ast_member *user_id = member_at(order, 0);
    const ast_arg *fk = user_id->mods->args;
    assert_int_equal(fk->value->kind, AST_DOTTED);
    assert_string_equal(fk->value->text, "users");
    assert_string_equal(fk->value->text2, "id");
    assert_string_equal(fk->next->key, "ondelete");
    assert_string_equal(fk->next->value->text, "cascade");

    const ast_expr *br = member_at(order, 1)->type->args->next->value;
    assert_int_equal(br->kind, AST_CALL);
    assert_string_equal(br->text, "backref");
    assert_string_equal(br->args->value->text, "orders");
    assert_string_equal(br->args->next->key, "cascade");
    assert_int_equal(br->args->next->value->kind, AST_STRING);
    assert_string_equal(br->args->next->value->text, "all, delete-orphan");

    const ast_member *uq = member_at(order, 2);
    assert_int_equal(uq->kind, AST_CONSTRAINT);
    assert_string_equal(uq->name, "unique");
    assert_string_equal(uq->args->value->text, "user_id");
    assert_string_equal(uq->args->next->value->text, "id");
    done(p);
}

static void test_locations(void **state)
{
    (void)state;
    parsed *p = parse(seed);
    const ast_decl *user = decl_at(p->f, 0);
    assert_at(user->at, 2, 1);
    assert_at(user->name_at, 2, 7);
    assert_at(user->table->at, 2, 18);
    const ast_member *email = member_at(user, 1);
    assert_at(email->at, 4, 5);
    assert_at(email->type->at, 4, 17);
    assert_at(email->type->args->value->at, 4, 24);
    const ast_expr *fk = member_at(decl_at(p->f, 1), 0)->mods->args->value;
    assert_at(fk->at, 8, 37);
    assert_at(fk->at2, 8, 43);
    done(p);

    /* Tabs count one column; a byte order mark none; CR is ignored. */
    p = parse("\xef\xbb\xbfmodel\tA {\r\n\tid integer primary_key\r\n}\r\n");
    dump(p);
    assert_int_equal(p->d.errors, 0);
    assert_at(decl_at(p->f, 0)->at, 1, 1);
    assert_at(decl_at(p->f, 0)->name_at, 1, 7);
    assert_at(member_at(decl_at(p->f, 0), 0)->type->at, 2, 5);
    done(p);
}

static void test_names_and_values(void **state)
{
    (void)state;
    parsed *p = parse("table table {\n"
                      "  model integer default(-5)\n"
                      "  import float default(-1.5e3)\n"
                      "  table string(3) default(\"a\\\"b\\\\\\n\")\n"
                      "  x text default(\"nul\\0here\")\n"
                      "}\n"
                      "model M table \"quoted\" { id integer primary_key }");
    dump(p);
    assert_int_equal(p->d.errors, 0);
    const ast_decl *t = decl_at(p->f, 0);
    assert_int_equal(t->kind, AST_TABLE);
    assert_string_equal(t->name, "table");
    assert_string_equal(member_at(t, 0)->name, "model");
    const ast_expr *v = member_at(t, 0)->mods->args->value;
    assert_int_equal(v->kind, AST_INT);
    assert_string_equal(v->text, "-5");
    v = member_at(t, 1)->mods->args->value;
    assert_int_equal(v->kind, AST_DECIMAL);
    assert_string_equal(v->text, "-1.5e3");
    assert_string_equal(member_at(t, 2)->name, "table");
    v = member_at(t, 2)->mods->args->value;
    assert_string_equal(v->text, "a\"b\\\n");
    assert_false(v->has_nul);
    assert_true(member_at(t, 3)->mods->args->value->has_nul);
    /* No final newline after the last declaration. */
    const ast_decl *m = decl_at(p->f, 1);
    assert_int_equal(m->table->kind, AST_STRING);
    assert_string_equal(m->table->text, "quoted");
    assert_int_equal(count_members(m), 1);
    done(p);
}

static void test_multiline_parentheses(void **state)
{
    (void)state;
    parsed *p = parse("model A {\n"
                      "  r relationship(\n"
                      "      B,\n"
                      "      order_by = title desc,\n"
                      "  )\n"
                      "  n integer\n"
                      "}\n");
    dump(p);
    assert_int_equal(p->d.errors, 0);
    const ast_decl *a = decl_at(p->f, 0);
    assert_int_equal(count_members(a), 2);
    const ast_expr *ob = member_at(a, 0)->type->args->next->value;
    assert_int_equal(ob->kind, AST_PAIR);
    assert_string_equal(ob->text, "title");
    assert_string_equal(ob->text2, "desc");
    assert_at(ob->at2, 4, 24);
    done(p);
}

/* Three syntax errors in one file: three messages, in order, each at its
 * token, and everything around them still in the tree. */
static void test_recovery_three_errors(void **state)
{
    (void)state;
    parsed *p = parse("model A {\n"
                      "  id integer primary_key,\n"        /* 2: ',' */
                      "  name text\n"
                      "}\n"
                      "modle B {\n"                        /* 5: 'modle' */
                      "  id integer\n"
                      "}\n"
                      "model C {\n"
                      "  n integer default(1 2)\n"         /* 9: '2' */
                      "  m integer\n"
                      "}\n"
                      "model D { id integer }\n");
    assert_int_equal(p->d.errors, 3);
    const diagnostic *d = p->d.first;
    assert_at(d->at, 2, 25);
    assert_non_null(strstr(d->message, "unexpected ','"));
    d = d->next;
    assert_at(d->at, 5, 1);
    assert_non_null(strstr(d->message, "unexpected identifier 'modle'"));
    d = d->next;
    assert_at(d->at, 9, 23);
    assert_non_null(strstr(d->message, "unexpected integer '2'; expected ')' or ','"));

    /* A, C and D are in the tree; B's body was skipped with it. */
    assert_int_equal(count_decls(p->f), 3);
    const ast_decl *a = decl_at(p->f, 0), *c = decl_at(p->f, 1), *dd = decl_at(p->f, 2);
    assert_string_equal(a->name, "A");
    assert_int_equal(count_members(a), 1);           /* name; id was dropped */
    assert_string_equal(member_at(a, 0)->name, "name");
    assert_true(ast_decl_damaged(a));
    assert_string_equal(c->name, "C");
    assert_int_equal(count_members(c), 1);
    assert_true(ast_decl_damaged(c));
    assert_string_equal(dd->name, "D");
    assert_false(ast_decl_damaged(dd));
    assert_true(p->f->damaged);                      /* B was lost */
    done(p);
}

/* A header may end in calls (renamed_from(OLD)); `table` still starts the
 * table's name, and a plain table's header takes them too. */
static void test_header_calls(void **state)
{
    (void)state;
    parsed *p = parse("model User table users renamed_from(accounts) {\n  id integer primary_key\n}\n"
                      "model Post renamed_from(\"articles\")\n{\n  id integer primary_key\n}\n"
                      "table follows renamed_from(followers) {\n  a integer\n}\n"
                      "model Tag table tags {\n  id integer primary_key\n}\n");
    assert_int_equal(p->d.errors, 0);
    const ast_decl *user = decl_at(p->f, 0), *post = decl_at(p->f, 1), *follows = decl_at(p->f, 2);
    assert_string_equal(user->table->text, "users");
    assert_non_null(user->mods);
    assert_string_equal(user->mods->name, "renamed_from");
    assert_true(user->mods->has_parens);
    assert_string_equal(user->mods->args->value->text, "accounts");
    assert_null(user->mods->next);
    assert_at(user->mods->at, 1, 24);
    assert_null(post->table);
    assert_int_equal(post->mods->args->value->kind, AST_STRING);
    assert_string_equal(post->mods->args->value->text, "articles");
    assert_string_equal(follows->mods->args->value->text, "followers");
    assert_null(decl_at(p->f, 3)->mods);
    done(p);
}

static void test_error_messages(void **state)
{
    (void)state;
    /* Where a name is expected, the keywords (names too) are not listed. */
    parsed *p = parse("model A {\n  x integer = 1\n}\n");
    assert_int_equal(p->d.errors, 1);
    assert_string_equal(p->d.first->message, "unexpected '='; expected identifier, end of line, '}' or '('");
    done(p);

    /* End of file inside a body names the open brace. */
    p = parse("model A {\n  id integer primary_key\n");
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "unexpected end of file"));
    assert_non_null(find(p, "(the '{' at line 1 is never closed)"));
    assert_true(p->f->damaged);
    done(p);

    /* ... or the open parenthesis. */
    p = parse("model A {\n  r relationship(B,\n  cascade = \"all\"\n");
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "(the '(' at line 2 is never closed)"));
    done(p);
    p = parse("model A {\n  r relationship(B\n}\nmodel B { id integer }\n");
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "unexpected '}'"));
    assert_non_null(find(p, "(the '(' at line 2 is never closed)"));
    assert_int_equal(count_decls(p->f), 2);
    done(p);

    /* A file cut after a keyword: end of file, at the end. */
    p = parse("model");
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "unexpected end of file; expected identifier"));
    assert_at(p->d.first->at, 1, 6);
    done(p);

    /* A name alone is a member without a type. */
    p = parse("model A {\n  email\n}\n");
    assert_non_null(find(p, "'email' needs a type"));
    assert_true(ast_decl_damaged(decl_at(p->f, 0)));
    done(p);
}

/* A lexical error is reported once, by the scanner; its line is dropped
 * without a second "unexpected" message from the parser. */
static void test_lexical_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message;
        int line, col;
    } cases[] = {
        { "model A {\n  x integer;\n  y text\n}\n", "unexpected character ';'", 2, 12 },
        { "model A {\n  2x integer\n  y text\n}\n", "'2x' is neither a number nor a name", 2, 3 },
        { "model A {\n  x text default(\"abc\n  y text\n}\n", "unterminated string", 2, 18 },
        { "model A {\n  x\x01 text\n  y text\n}\n", "unexpected control character 0x01", 2, 4 },
        { "model A {\n  x \xff\xfe text\n  y text\n}\n", "invalid UTF-8 (byte 0xFF)", 2, 5 },
        { "model A {\n  x text ;;;; @@@@ \x80\x80 ````\n  y text\n}\n", "unexpected character ';'", 2, 10 },
        { "model A {\n  x text default(\"a\\qb\")\n  y text\n}\n", "unknown escape '\\q'", 2, 20 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        parsed *p = parse(cases[i].text);
        if (p->d.errors != 1 || p->d.first == NULL || strstr(p->d.first->message, cases[i].message) == NULL) {
            fprintf(stderr, "case %zu:\n", i);
            dump(p);
        }
        assert_int_equal(p->d.errors, 1);
        assert_non_null(strstr(p->d.first->message, cases[i].message));
        assert_at(p->d.first->at, cases[i].line, cases[i].col);
        /* The next line is read: y is a member of A. */
        const ast_decl *a = decl_at(p->f, 0);
        bool has_y = false;
        for (const ast_member *m = a->members; m; m = m->next)
            has_y |= strcmp(m->name, "y") == 0;
        assert_true(has_y);
        done(p);
    }
    /* A syntax error and then a bad character on the same line: one message. */
    parsed *q = parse("model A {\n  x integer = ; @\n  y text\n}\n");
    assert_int_equal(q->d.errors, 1);
    assert_non_null(find(q, "unexpected '='"));
    done(q);
    /* Two lines of garbage: one message each. */
    q = parse("model A {\n  ;;; @@@\n  ```\n  y text\n}\n");
    assert_int_equal(q->d.errors, 2);
    assert_int_equal(q->d.first->at.line, 2);
    assert_int_equal(q->d.first->next->at.line, 3);
    done(q);
    /* NUL bytes. */
    static const char nul[] = "model A {\n  x\0 text\n  y text\n}\n";
    parsed *p = parse_n(nul, sizeof nul - 1);
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "NUL byte"));
    assert_at(p->d.first->at, 2, 4);
    done(p);
}

static void test_limits(void **state)
{
    (void)state;
    /* A name of 129 characters is too long; 128 is fine. */
    char text[512];
    snprintf(text, sizeof text, "model A {\n  %0128d integer\n}\n", 0);
    memset(text + 12, 'n', 128);
    parsed *p = parse(text);
    assert_int_equal(p->d.errors, 0);
    assert_int_equal(strlen(member_at(decl_at(p->f, 0), 0)->name), 128);
    done(p);
    snprintf(text, sizeof text, "model A {\n  %0129d integer\n}\n", 0);
    memset(text + 12, 'n', 129);
    p = parse(text);
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "name of 129 characters is too long; the limit is 128"));
    done(p);

    /* Nesting: 32 deep is allowed by the scanner, 33 is not. */
    char deep[1024];
    size_t n = (size_t)sprintf(deep, "model A {\n  r relationship(A, ");
    for (int i = 0; i < 31; i++)
        n += (size_t)sprintf(deep + n, "b=c(");
    for (int i = 0; i < 32; i++)
        deep[n++] = ')';
    sprintf(deep + n, "\n}\n");
    p = parse(deep);
    dump(p);
    assert_int_equal(p->d.errors, 0);
    done(p);
    memmove(deep + 34, deep + 30, strlen(deep + 30) + 1);   /* after "relationship(A, " */
    memcpy(deep + 30, "b=c(", 4);
    p = parse(deep);
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "parentheses nested more than 32 deep"));
    done(p);

    /* Nested braces: one error, and recovery resumes after the outer '}'. */
    p = parse("model A {\n  model B {\n  }\n  x y\n}\nmodel C { id integer }\n");
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "unexpected '{'"));
    assert_int_equal(count_decls(p->f), 2);
    assert_string_equal(decl_at(p->f, 1)->name, "C");
    done(p);
}

/* Declarations before a fatal error stay in the tree. */
static void test_partial_tree(void **state)
{
    (void)state;
    parsed *p = parse("import \"x.def\"\nmodel A { id integer }\nmodel B {\n  id integer\n");
    assert_int_equal(p->d.errors, 1);
    assert_int_equal(count_decls(p->f), 2);
    assert_int_equal(decl_at(p->f, 0)->kind, AST_IMPORT);
    assert_string_equal(decl_at(p->f, 0)->name, "x.def");
    assert_string_equal(decl_at(p->f, 1)->name, "A");
    assert_true(p->f->damaged);
    done(p);

    /* An import path with a NUL byte is reported and not kept. */
    static const char nul[] = "import \"a\\0b\"\nmodel A { id integer }\n";
    p = parse_n(nul, sizeof nul - 1);
    assert_int_equal(p->d.errors, 1);
    assert_non_null(find(p, "an import path cannot hold a NUL byte"));
    assert_int_equal(count_decls(p->f), 1);
    done(p);
}

/* The rendered form: FILE:LINE:COL, the line, a caret under the column. */
static void test_rendering(void **state)
{
    (void)state;
    parsed *p = parse("model A {\n\tx  integer ;\n}\n");
    assert_int_equal(p->d.errors, 1);
    assert_string_equal(p->d.first->rendered,
                        "t.def:2:13: error: unexpected character ';'\n"
                        "    \tx  integer ;\n"
                        "    \t           ^\n");
    done(p);

    /* UTF-8 before the caret takes one place; bad bytes show as '?'. */
    p = parse("model A {\n  s text default(\"\xc3\xa9\xff\") ;\n}\n");
    assert_int_equal(p->d.errors, 2);
    const diagnostic *d = find(p, "unexpected character ';'");
    assert_non_null(d);
    assert_non_null(strstr(d->rendered, "\n      s text default(\"\xc3\xa9?\") ;\n"));
    /* 23 characters (24 bytes: the e-acute is one) stand before the ';'. */
    assert_at(d->at, 2, 25);
    assert_non_null(strstr(d->rendered, "\n    " "                       " "^\n"));
    done(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_shape),
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_names_and_values),
        cmocka_unit_test(test_multiline_parentheses),
        cmocka_unit_test(test_recovery_three_errors),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_header_calls),
        cmocka_unit_test(test_lexical_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_partial_tree),
        cmocka_unit_test(test_rendering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
