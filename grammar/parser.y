/* parser.y - the grammar of the model language (SPEC section 1) into the
 * syntax tree of gen/ast.h.
 *
 * The grammar knows the shape of the language, not its words: a member is
 * `name call call ...`, a call is `word` or `word(args)`.  Which words are
 * types, modifiers and options, and what their arguments must be, is the
 * checker's to decide (and to explain, with "did you mean").  So `model`,
 * `table`, `mixin` and `import` are the only keywords, and they are names
 * too.  (`include Name` in a body is a member like any other, which the
 * checker recognises.)
 *
 * Errors: every syntax error is reported with the offending token quoted and
 * what was expected, then the parser skips to the end of the line (or to the
 * '}' that closes the body, or past the body of a declaration whose first
 * line is bad) and goes on, so one run reports many.  The scanner reports
 * its own errors and returns bison's error token, which starts the same
 * recovery without a second message.
 *
 * What recovery drops is marked in the tree: a declaration that lost a
 * member is `damaged`, a file that lost a declaration is `damaged`.  The
 * checker runs on the partial tree and keeps quiet about what a dropped
 * part could explain (a missing column, model, primary key), so the errors
 * it adds are real ones, not echoes of the syntax error.
 *
 * Memory: every node is allocated in the caller's arena, so a subtree that
 * error recovery abandons is freed with the arena; no %destructor is needed.
 */

%require "3.8"
%define api.pure full
%define api.prefix {def_}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}

%code requires {
#include "ast.h"
#include "parse_state.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* Lists are built in source order with a tail pointer. */
typedef struct arg_list { ast_arg *head, *tail; } arg_list;
typedef struct call_list { ast_call *head, *tail; } call_list;
typedef struct member_list { ast_member *head, *tail; } member_list;
typedef struct decl_list { ast_decl *head, *tail; } decl_list;
typedef struct string_tok { char *text; bool has_nul; } string_tok;
typedef struct qpath_list { ast_qpath *head, *tail; } qpath_list;
typedef struct qoperand_list { ast_qoperand *head, *tail; } qoperand_list;
typedef struct qterm_list { ast_qterm *head, *tail; } qterm_list;
typedef struct qclause_list { ast_qclause *head, *tail; } qclause_list;
}

%code provides {
ast_file *ast_parse(arena *a, diag_ctx *d, const source *src);
}

%code {
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* flex's header names the types YYSTYPE and YYLTYPE. */
#ifndef YYSTYPE
#define YYSTYPE DEF_STYPE
#endif
#ifndef YYLTYPE
#define YYLTYPE DEF_LTYPE
#endif
#include "scanner.h"

static void def_error(DEF_LTYPE *l, yyscan_t scanner, const char *msg);

#define PS (def_get_extra(scanner))
#define LOC(l) parse_loc(PS, (l).first_line, (l).first_column)

static ast_expr *new_expr(parse_state *ps, ast_expr_kind kind, loc at, char *text)
{
    ast_expr *e = arena_alloc(ps->a, sizeof *e);
    if (e == NULL || text == NULL) {
        ps->nomem = true;
        return NULL;
    }
    e->kind = kind;
    e->at = at;
    e->text = text;
    return e;
}

static ast_arg *new_arg(parse_state *ps, char *key, loc key_at, ast_expr *value)
{
    ast_arg *a = value ? arena_alloc(ps->a, sizeof *a) : NULL;
    if (a == NULL) {
        ps->nomem = true;
        return NULL;
    }
    a->key = key;
    a->key_at = key_at;
    a->value = value;
    return a;
}

static ast_call *new_call(parse_state *ps, char *name, loc at, bool parens, ast_arg *args)
{
    ast_call *c = name ? arena_alloc(ps->a, sizeof *c) : NULL;
    if (c == NULL) {
        ps->nomem = true;
        return NULL;
    }
    c->name = name;
    c->at = at;
    c->has_parens = parens;
    c->args = args;
    return c;
}

static ast_member *new_member(parse_state *ps, ast_member_kind kind, char *name, loc at)
{
    ast_member *m = name ? arena_alloc(ps->a, sizeof *m) : NULL;
    if (m == NULL) {
        ps->nomem = true;
        return NULL;
    }
    m->kind = kind;
    m->name = name;
    m->at = at;
    return m;
}

/* A syntax error dropped the member being read: the body is damaged, and
 * the member's name (when its first word was one) is kept, so that the
 * checker takes only that name as possibly meant where a column is missing. */
static void lost_member(parse_state *ps)
{
    if (!ps->error_member_named) {
        ps->body_lost_unnamed = true;
        return;
    }
    ps->error_member_named = false; /* one member per error */
    ast_name *n = arena_alloc(ps->a, sizeof *n);
    char *s = arena_strdup(ps->a, ps->error_member);
    if (n == NULL || s == NULL) {
        ps->nomem = true;
        return;
    }
    n->name = s;
    n->next = ps->body_lost;
    ps->body_lost = n;
}

/* What the body just read lost to syntax errors, onto its declaration. */
static void take_body_losses(parse_state *ps, ast_decl *d)
{
    d->lost = ps->body_lost;
    d->lost_unnamed = ps->body_lost_unnamed;
}

static ast_decl *new_decl(parse_state *ps, ast_decl_kind kind, loc at, char *name, loc name_at)
{
    ast_decl *d = name ? arena_alloc(ps->a, sizeof *d) : NULL;
    if (d == NULL) {
        ps->nomem = true;
        return NULL;
    }
    d->kind = kind;
    d->at = at;
    d->name = name;
    d->name_at = name_at;
    return d;
}

/* Query nodes (SPEC 6). */
static void *qnode(parse_state *ps, size_t size)
{
    void *n = arena_alloc(ps->a, size);
    if (n == NULL)
        ps->nomem = true;
    return n;
}

static ast_qpath *new_qpath(parse_state *ps, char *name, loc at)
{
    ast_qpath *p = name ? qnode(ps, sizeof *p) : NULL;
    if (p) {
        p->name = name;
        p->at = at;
    }
    return p;
}

static ast_qexpr *new_qexpr(parse_state *ps, ast_qexpr_kind kind, loc at)
{
    ast_qexpr *e = qnode(ps, sizeof *e);
    if (e) {
        e->kind = kind;
        e->at = at;
    }
    return e;
}

static ast_qexpr *new_qbinary(parse_state *ps, ast_qexpr_kind kind, ast_qexpr *a, ast_qexpr *b)
{
    ast_qexpr *e = a && b ? new_qexpr(ps, kind, a->at) : NULL;
    if (e) {
        e->a = a;
        e->b = b;
    }
    return e;
}

static ast_qexpr *new_qcond(parse_state *ps, ast_qexpr_kind kind, ast_qpath *path, ast_qoperand *rhs)
{
    ast_qexpr *e = path ? new_qexpr(ps, kind, path->at) : NULL;
    if (e) {
        e->path = path;
        e->rhs = rhs;
    }
    return e;
}

static ast_qoperand *new_qoperand(parse_state *ps, ast_qoperand_kind kind, loc at)
{
    ast_qoperand *o = qnode(ps, sizeof *o);
    if (o) {
        o->kind = kind;
        o->at = at;
    }
    return o;
}

static ast_qclause *new_qclause(parse_state *ps, ast_qclause_kind kind, loc at)
{
    ast_qclause *c = qnode(ps, sizeof *c);
    if (c) {
        c->kind = kind;
        c->at = at;
    }
    return c;
}

/* Append to a list with head and tail; NULL items (dropped after an error
 * or out of memory) are skipped. */
#define APPEND(list, item)                          \
    do {                                            \
        if ((item) != NULL) {                       \
            if ((list).tail)                        \
                (list).tail->next = (item);         \
            else                                    \
                (list).head = (item);               \
            (list).tail = (item);                   \
        }                                           \
    } while (0)
}

%union {
    char *str;
    string_tok string;
    ast_expr *expr;
    ast_arg *arg;
    arg_list args;
    ast_call *call;
    call_list calls;
    ast_member *member;
    member_list members;
    ast_decl *decl;
    decl_list decls;
    ast_qpath *qpath;
    qpath_list qpaths;
    ast_qoperand *qoperand;
    qoperand_list qoperands;
    ast_qexpr *qexpr;
    ast_qterm *qterm;
    qterm_list qterms;
    ast_qclause *qclause;
    qclause_list qclauses;
    int qcmp;
}

%token <str> IDENT "identifier"
%token <str> MODEL "'model'"
%token <str> TABLE "'table'"
%token <str> IMPORT "'import'"
%token <str> MIXIN "'mixin'"
%token <str> INT "integer"
%token <str> DECIMAL "number"
%token <string> STRING "string"
%token NEWLINE "end of line"
%token INNER_CLOSE "'}' of a nested '{'"   /* never accepted: see scanner.l */
/* Declared queries (SPEC 6): tokens only inside a query's body. */
%token <str> QUERY "'query'"
%token Q_WHERE "'where'" Q_ORDER_BY "'order_by'" Q_LIMIT "'limit'" Q_OFFSET "'offset'" Q_PAGINATE "'paginate'"
%token Q_AND "'and'" Q_OR "'or'" Q_NOT "'not'" Q_LIKE "'like'" Q_IS "'is'" Q_NULL "'null'" Q_IN "'in'"
%token Q_ASC "'asc'" Q_DESC "'desc'" Q_NE "'!='" Q_LE "'<='" Q_GE "'>='"

%nterm <str> name
%nterm <expr> expr table_name table_opt
%nterm <arg> arg
%nterm <args> args opt_args
%nterm <call> call header_call
%nterm <calls> calls header_mods
%nterm <member> member
%nterm <members> members body
%nterm <decl> decl model_decl import_decl
%nterm <decls> decls
%nterm <qclauses> qlines
%nterm <qclause> qclause
%nterm <qexpr> qexpr qand qnot qcond
%nterm <qpath> qpath
%nterm <qpaths> qpath_list
%nterm <qoperand> qoperand qparam qcount
%nterm <qoperands> qoperands
%nterm <qterm> qterm
%nterm <qterms> qterms
%nterm <qcmp> qcmp

%%

file:
    decls
    ;

/* Each declaration is linked into the file as soon as it is complete, so
 * the ones before a fatal error (end of file inside a body) are kept. */
decls:
    %empty                      { $$.head = $$.tail = NULL; }
  | decls decl                  { $$ = $1; APPEND($$, $2); PS->file->decls = $$.head; }
  | decls NEWLINE               { $$ = $1; }
  | decls error NEWLINE         { $$ = $1; PS->file->damaged = true; }
  | decls error body            { $$ = $1; PS->file->damaged = true; }
    /* A model or an import where the declaration before could not go on
     * (a header without its body): it is read as written.  (Not a table:
     * after an error, 'table' is as likely the middle of a model header.) */
  | decls error model_decl      { $$ = $1; APPEND($$, $3); PS->file->decls = $$.head; PS->file->damaged = true; }
  | decls error import_decl     { $$ = $1; APPEND($$, $3); PS->file->decls = $$.head; PS->file->damaged = true; }
  ;

decl:
    import_decl
  | model_decl
  | TABLE name header_mods opt_newlines body {
        $$ = new_decl(PS, AST_TABLE, LOC(@1), $2, LOC(@2));
        if ($$) {
            $$->mods = $3.head;
            $$->members = $5.head;
            take_body_losses(PS, $$);
        }
    }
    /* Members models take with `include Name` (SPEC 9). */
  | MIXIN name opt_newlines body {
        $$ = new_decl(PS, AST_MIXIN, LOC(@1), $2, LOC(@2));
        if ($$) {
            $$->members = $4.head;
            take_body_losses(PS, $$);
        }
    }
  ;

import_decl:
    IMPORT STRING NEWLINE {
        if ($2.has_nul) {
            diag_error(PS->d, LOC(@2), "an import path cannot hold a NUL byte");
            PS->file->damaged = true;
            $$ = NULL;
        } else {
            $$ = new_decl(PS, AST_IMPORT, LOC(@1), $2.text, LOC(@2));
        }
    }
  ;

model_decl:
    MODEL name table_opt header_mods opt_newlines body {
        $$ = new_decl(PS, AST_MODEL, LOC(@1), $2, LOC(@2));
        if ($$) {
            $$->table = $3;
            $$->mods = $4.head;
            $$->members = $6.head;
            take_body_losses(PS, $$);
        }
    }
  ;

/* The words of the language are names too: a column may be called `table`
 * (or `mixin`). */
name:
    IDENT | MODEL | TABLE | IMPORT | MIXIN
    ;

table_opt:
    %empty                      { $$ = NULL; }
  | TABLE table_name            { $$ = $2; }
  ;

table_name:
    name                        { $$ = new_expr(PS, AST_IDENT, LOC(@1), $1); }
  | STRING                      { $$ = new_expr(PS, AST_STRING, LOC(@1), $1.text); if ($$) $$->has_nul = $1.has_nul; }
  ;

opt_newlines:
    %empty
  | opt_newlines NEWLINE
  ;

/* A body is one member a line; the last may share the line of the '}'. */
body:
    lbrace members '}'          { $$ = $2; }
  | lbrace members member '}'   { $$ = $2; APPEND($$, $3); if ($3 == NULL) lost_member(PS); }
  | lbrace members error '}'    { $$ = $2; lost_member(PS); }
  ;

lbrace:
    '{'                         { PS->body_lost = NULL; PS->body_lost_unnamed = false; }
  ;

members:
    %empty                      { $$.head = $$.tail = NULL; }
  | members NEWLINE             { $$ = $1; }
  | members member NEWLINE      { $$ = $1; APPEND($$, $2); if ($2 == NULL) lost_member(PS); }
  | members error NEWLINE       { $$ = $1; lost_member(PS); yyerrok; }
  ;

member:
    name calls {
        $$ = new_member(PS, AST_FIELD, $1, LOC(@1));
        if ($$ && $2.head) {
            $$->type = $2.head;
            $$->mods = $2.head->next;
        }
    }
  | name '(' opt_args ')' {
        $$ = new_member(PS, AST_CONSTRAINT, $1, LOC(@1));
        if ($$)
            $$->args = $3.head;
    }
  | name {
        parse_note_error(PS);
        diag_error(PS->d, LOC(@1),
                   "'%s' needs a type (integer, float, boolean, text, string, datetime, blob, json, enum(...)) or relationship(...)",
                   $1 ? $1 : "");
        $$ = NULL;
    }
  | QUERY name '{' qlines '}' {
        $$ = new_member(PS, AST_QUERY, $2, LOC(@2));
        if ($$) {
            $$->clauses = $4.head;
            $$->damaged = PS->query_damaged;
        }
    }
    /* A bad last clause that shares the line of the query's '}' (or runs
     * into it: "where (a = 1 }"): the '}' still closes the query, not the
     * model around it. */
  | QUERY name '{' qlines error '}' {
        yyerrok;
        $$ = new_member(PS, AST_QUERY, $2, LOC(@2));
        if ($$) {
            $$->clauses = $4.head;
            $$->damaged = true;
        }
    }
  ;

/* ---- Declared queries (SPEC 6): a clause a line ---- */
qlines:
    %empty                      { $$.head = $$.tail = NULL; }
  | qlines NEWLINE              { $$ = $1; }
  | qlines qclause NEWLINE      { $$ = $1; APPEND($$, $2); }
  | qlines error NEWLINE        { $$ = $1; PS->query_damaged = true; yyerrok; }
  ;

qclause:
    Q_WHERE qexpr               { $$ = new_qclause(PS, AQC_WHERE, LOC(@1)); if ($$) $$->where = $2; if (!$2) $$ = NULL; }
  | Q_ORDER_BY qterms           { $$ = new_qclause(PS, AQC_ORDER_BY, LOC(@1)); if ($$) $$->order = $2.head; }
  | Q_LIMIT qcount              { $$ = new_qclause(PS, AQC_LIMIT, LOC(@1)); if ($$) $$->count = $2; }
  | Q_OFFSET qcount             { $$ = new_qclause(PS, AQC_OFFSET, LOC(@1)); if ($$) $$->count = $2; }
  | Q_PAGINATE                  { $$ = new_qclause(PS, AQC_PAGINATE, LOC(@1)); }
  ;

qcount:
    INT                         { $$ = new_qoperand(PS, AQO_VALUE, LOC(@1)); if ($$) $$->value = new_expr(PS, AST_INT, LOC(@1), $1); }
    /* Read so that the checker can say why it is wrong. */
  | '-' INT                     { $$ = new_qoperand(PS, AQO_VALUE, LOC(@1)); if ($$) $$->value = new_expr(PS, AST_INT, LOC(@1), $2 ? arena_printf(PS->a, "-%s", $2) : NULL); }
  | qparam
  ;

qparam:
    ':' name                    { $$ = new_qoperand(PS, AQO_PARAM, LOC(@1)); if ($$) $$->param = $2; }
  | ':' name '?'                { $$ = new_qoperand(PS, AQO_PARAM, LOC(@1)); if ($$) { $$->param = $2; $$->optional = true; } }
  ;

qterms:
    qterm                       { $$.head = $$.tail = NULL; APPEND($$, $1); }
  | qterms ',' qterm            { $$ = $1; APPEND($$, $3); }
  ;

qterm:
    qpath                       { $$ = $1 ? qnode(PS, sizeof *$$) : NULL; if ($$) $$->path = $1; }
  | qpath Q_ASC                 { $$ = $1 ? qnode(PS, sizeof *$$) : NULL; if ($$) $$->path = $1; }
  | qpath Q_DESC                { $$ = $1 ? qnode(PS, sizeof *$$) : NULL; if ($$) { $$->path = $1; $$->desc = true; } }
  ;

qexpr:
    qand
  | qexpr Q_OR qand             { $$ = new_qbinary(PS, AQ_OR, $1, $3); }
  ;

qand:
    qnot
  | qand Q_AND qnot             { $$ = new_qbinary(PS, AQ_AND, $1, $3); }
  ;

qnot:
    Q_NOT qnot                  { $$ = $2 ? new_qexpr(PS, AQ_NOT, LOC(@1)) : NULL; if ($$) $$->a = $2; }
  | '(' qexpr ')'               { $$ = $2; }
  | qcond
  ;

qcond:
    qpath qcmp qoperand         { $$ = new_qcond(PS, AQ_CMP, $1, $3); if ($$) { $$->cmp = (ast_qcmp)$2; $$->op_at = LOC(@2); } }
  | qpath Q_LIKE qoperand       { $$ = new_qcond(PS, AQ_LIKE, $1, $3); if ($$) $$->op_at = LOC(@2); }
  | qpath Q_IS Q_NULL           { $$ = new_qcond(PS, AQ_IS_NULL, $1, NULL); }
  | qpath Q_IS Q_NOT Q_NULL     { $$ = new_qcond(PS, AQ_IS_NOT_NULL, $1, NULL); }
  | qpath Q_IN '(' qoperands ')' { $$ = new_qcond(PS, AQ_IN, $1, $4.head); if ($$) $$->op_at = LOC(@2); }
  | qpath '(' ')'               { $$ = new_qcond(PS, AQ_CALL, $1, NULL); }
  | qpath '(' qexpr ')'         { $$ = new_qcond(PS, AQ_CALL, $1, NULL); if ($$) $$->a = $3; }
  | qpath '(' ')' qcmp qoperand {
        $$ = new_qcond(PS, AQ_CALL, $1, $5);
        if ($$) { $$->compared = true; $$->cmp = (ast_qcmp)$4; $$->op_at = LOC(@4); }
    }
  | qpath '(' qexpr ')' qcmp qoperand {
        $$ = new_qcond(PS, AQ_CALL, $1, $6);
        if ($$) { $$->a = $3; $$->compared = true; $$->cmp = (ast_qcmp)$5; $$->op_at = LOC(@5); }
    }
  ;

qcmp:
    '='                         { $$ = AQ_EQ; }
  | Q_NE                        { $$ = AQ_NE; }
  | '<'                         { $$ = AQ_LT; }
  | Q_LE                        { $$ = AQ_LE; }
  | '>'                         { $$ = AQ_GT; }
  | Q_GE                        { $$ = AQ_GE; }
  ;

qoperands:
    qoperand                    { $$.head = $$.tail = NULL; APPEND($$, $1); }
  | qoperands ',' qoperand      { $$ = $1; APPEND($$, $3); }
  ;

qoperand:
    qparam
  | qpath                       { $$ = $1 ? new_qoperand(PS, AQO_PATH, $1->at) : NULL; if ($$) $$->path = $1; }
  | INT                         { $$ = new_qoperand(PS, AQO_VALUE, LOC(@1)); if ($$) $$->value = new_expr(PS, AST_INT, LOC(@1), $1); }
  | '-' INT                     { $$ = new_qoperand(PS, AQO_VALUE, LOC(@1)); if ($$) $$->value = new_expr(PS, AST_INT, LOC(@1), $2 ? arena_printf(PS->a, "-%s", $2) : NULL); }
  | DECIMAL                     { $$ = new_qoperand(PS, AQO_VALUE, LOC(@1)); if ($$) $$->value = new_expr(PS, AST_DECIMAL, LOC(@1), $1); }
  | '-' DECIMAL                 { $$ = new_qoperand(PS, AQO_VALUE, LOC(@1)); if ($$) $$->value = new_expr(PS, AST_DECIMAL, LOC(@1), $2 ? arena_printf(PS->a, "-%s", $2) : NULL); }
  | STRING                      {
        $$ = new_qoperand(PS, AQO_VALUE, LOC(@1));
        if ($$) {
            $$->value = new_expr(PS, AST_STRING, LOC(@1), $1.text);
            if ($$->value)
                $$->value->has_nul = $1.has_nul;
        }
    }
  ;

/* a.b.c; a list head to tail, returned as its head. */
qpath:
    qpath_list                  { $$ = $1.head; }
  ;

qpath_list:
    name                        { $$.head = $$.tail = NULL; ast_qpath *p = new_qpath(PS, $1, LOC(@1)); APPEND($$, p); }
  | qpath_list '.' name         { $$ = $1; ast_qpath *p = new_qpath(PS, $3, LOC(@3)); APPEND($$, p); }
  ;

calls:
    call                        { $$.head = $$.tail = NULL; APPEND($$, $1); }
  | calls call                  { $$ = $1; APPEND($$, $2); }
  ;

call:
    name                        { $$ = new_call(PS, $1, LOC(@1), false, NULL); }
  | name '(' opt_args ')'       { $$ = new_call(PS, $1, LOC(@1), true, $3.head); }
  ;

/* The calls that end a header: `model User table users renamed_from(accounts)`.
 * Each starts with an identifier (not a keyword, so that `table` still
 * begins the table's name); the checker knows which words they are. */
header_mods:
    %empty                      { $$.head = $$.tail = NULL; }
  | header_mods header_call     { $$ = $1; APPEND($$, $2); }
  ;

header_call:
    IDENT                       { $$ = new_call(PS, $1, LOC(@1), false, NULL); }
  | IDENT '(' opt_args ')'      { $$ = new_call(PS, $1, LOC(@1), true, $3.head); }
  ;

opt_args:
    %empty                      { $$.head = $$.tail = NULL; }
  | args                        { $$ = $1; }
  | args ','                    { $$ = $1; }
  ;

args:
    arg                         { $$.head = $$.tail = NULL; APPEND($$, $1); }
  | args ',' arg                { $$ = $1; APPEND($$, $3); }
  ;

arg:
    expr                        { $$ = new_arg(PS, NULL, LOC(@1), $1); }
  | name '=' expr               { $$ = new_arg(PS, $1, LOC(@1), $3); }
  ;

expr:
    name                        { $$ = new_expr(PS, AST_IDENT, LOC(@1), $1); }
  | name name {
        $$ = new_expr(PS, AST_PAIR, LOC(@1), $1);
        if ($$) {
            $$->text2 = $2;
            $$->at2 = LOC(@2);
        }
    }
  | name '.' name {
        $$ = new_expr(PS, AST_DOTTED, LOC(@1), $1);
        if ($$) {
            $$->text2 = $3;
            $$->at2 = LOC(@3);
        }
    }
    /* SQLAlchemy's order_by spellings: Event.created_at desc, and
     * Event.created_at.desc() as Python writes it. */
  | name '.' name name {
        $$ = new_expr(PS, AST_DOTTED, LOC(@1), $1);
        if ($$) {
            $$->text2 = $3;
            $$->at2 = LOC(@3);
            $$->text3 = $4;
            $$->at3 = LOC(@4);
        }
    }
  | name '.' name '.' name '(' ')' {
        $$ = new_expr(PS, AST_DOTTED, LOC(@1), $1);
        if ($$) {
            $$->text2 = $3;
            $$->at2 = LOC(@3);
            $$->text3 = $5;
            $$->at3 = LOC(@5);
            $$->method = true;
        }
    }
  | name '(' opt_args ')' {
        $$ = new_expr(PS, AST_CALL, LOC(@1), $1);
        if ($$)
            $$->args = $3.head;
    }
  | STRING                      { $$ = new_expr(PS, AST_STRING, LOC(@1), $1.text); if ($$) $$->has_nul = $1.has_nul; }
  | INT                         { $$ = new_expr(PS, AST_INT, LOC(@1), $1); }
  | DECIMAL                     { $$ = new_expr(PS, AST_DECIMAL, LOC(@1), $1); }
  | '-' INT                     { $$ = new_expr(PS, AST_INT, LOC(@1), $2 ? arena_printf(PS->a, "-%s", $2) : NULL); }
  | '-' DECIMAL                 { $$ = new_expr(PS, AST_DECIMAL, LOC(@1), $2 ? arena_printf(PS->a, "-%s", $2) : NULL); }
  ;

%%

/* A symbol's name for a message: aliases lose their double quotes. */
static void put_symbol(strbuf *sb, yysymbol_kind_t sym)
{
    const char *name = yysymbol_name(sym);
    size_t n = strlen(name);
    if (sym == YYSYMBOL_YYEOF)
        strbuf_puts(sb, "end of file");
    else if (n >= 2 && name[0] == '"' && name[n - 1] == '"')
        strbuf_putn(sb, name + 1, n - 2);
    else
        strbuf_puts(sb, name);
}

static bool token_has_text(yysymbol_kind_t sym)
{
    return sym == YYSYMBOL_IDENT || sym == YYSYMBOL_INT || sym == YYSYMBOL_DECIMAL || sym == YYSYMBOL_STRING;
}

/* "unexpected identifier 'modle'; expected 'model', 'table' or 'import'",
 * with a hint for the mistakes that have an obvious cause. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner)
{
    parse_state *ps = PS;
    if (ps->nomem)
        return 0;
    /* The '}' the scanner put in for a missing one, where it does not fit
     * either (a '(' was open): its error is already reported. */
    if (ps->made_close) {
        parse_note_error(ps);
        return 0;
    }
    /* The '}' of a nested '{': bodies do not nest, so that '{' was the
     * error, reported already. */
    if (yypcontext_token(ctx) == YYSYMBOL_INNER_CLOSE) {
        parse_note_error(ps);
        return 0;
    }
    enum { MAX_EXPECTED = 16 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    const DEF_LTYPE *l = yypcontext_location(ctx);

    strbuf sb = STRBUF_INIT;
    bool wants_open = false;
    for (int i = 0; i < n; i++)
        wants_open |= strcmp(yysymbol_name(expected[i]), "'{'") == 0;
    if (wants_open && (tok == YYSYMBOL_MODEL || tok == YYSYMBOL_TABLE || tok == YYSYMBOL_IMPORT ||
                       tok == YYSYMBOL_MIXIN)) {
        /* "model Broken" and the next declaration: the body is missing. */
        strbuf_printf(&sb, "unexpected '%s'; expected '{' (the declaration before this one has no body)",
                      ps->last_text);
        goto report;
    }
    strbuf_puts(&sb, "unexpected ");
    /* The end of line made up at the end of a file without a final newline
     * is, to the reader, the end of the file. */
    if (tok == YYSYMBOL_NEWLINE && ps->eof_newline_sent)
        strbuf_puts(&sb, "end of file");
    else
        put_symbol(&sb, tok);
    if (token_has_text(tok))
        strbuf_printf(&sb, " '%s'", ps->last_text);
    bool wants_close = false, wants_decl = false, wants_ident = false;
    for (int i = 0; i < n; i++)
        wants_ident |= expected[i] == YYSYMBOL_IDENT;
    /* Where a name is expected the three keywords are names too: listing
     * them would only suggest that they are required. */
    int shown = 0;
    for (int i = 0; i < n; i++)
        if (!(wants_ident && (expected[i] == YYSYMBOL_MODEL || expected[i] == YYSYMBOL_TABLE ||
                              expected[i] == YYSYMBOL_IMPORT || expected[i] == YYSYMBOL_QUERY ||
                              expected[i] == YYSYMBOL_MIXIN)))
            expected[shown++] = expected[i];
    if (shown > 0) {
        strbuf_puts(&sb, "; expected ");
        for (int i = 0; i < shown; i++) {
            if (i > 0)
                strbuf_puts(&sb, i == shown - 1 ? " or " : ", ");
            put_symbol(&sb, expected[i]);
            wants_close |= strcmp(yysymbol_name(expected[i]), "'}'") == 0;
            wants_decl |= expected[i] == YYSYMBOL_MODEL;
        }
    }
    n = shown;
    if (tok == YYSYMBOL_YYEOF && ps->depth > 0 && ps->paren_line > 0)
        strbuf_printf(&sb, " (the '(' at line %d is never closed)", ps->paren_line);
    else if ((tok == YYSYMBOL_YYEOF || strcmp(yysymbol_name(tok), "'}'") == 0 ||
              strcmp(yysymbol_name(tok), "'{'") == 0) && ps->unclosed_paren_line > 0)
        strbuf_printf(&sb, " (the '(' at line %d is never closed)", ps->unclosed_paren_line);
    else if (tok == YYSYMBOL_YYEOF && wants_close && ps->brace_line > 0)
        strbuf_printf(&sb, " (the '{' at line %d is never closed)", ps->brace_line);
    else if (wants_decl && tok == YYSYMBOL_IDENT)
        strbuf_puts(&sb, " (a file holds model, table, mixin and import declarations)");
    else if (tok == YYSYMBOL_NEWLINE && n == 1 && expected[0] == YYSYMBOL_IDENT)
        strbuf_puts(&sb, " (the declaration is cut short)");

report:
    if (sb.failed)
        ps->nomem = true;
    else
        diag_error(ps->d, parse_loc(ps, l->first_line, l->first_column), "%s", strbuf_str(&sb));
    parse_note_error(ps);
    /* The line is dropped: a lexical error further on it would add nothing. */
    ps->error_line = l->first_line;
    strbuf_free(&sb);
    return 0;
}

/* Bison's own errors besides syntax errors: its stack could not grow. */
static void def_error(DEF_LTYPE *l, yyscan_t scanner, const char *msg)
{
    (void)l;
    (void)msg;
    PS->nomem = true;
}

ast_file *ast_parse(arena *a, diag_ctx *d, const source *src)
{
    /* On the heap, not the stack: flex's fatal errors longjmp back here, and
     * an automatic object changed since setjmp would be indeterminate. */
    parse_state *ps = calloc(1, sizeof *ps);
    ast_file *file = arena_alloc(a, sizeof *file);
    /* flex scans in place and needs two NUL bytes at the end. */
    char *buf = malloc(src->len + 2);
    yyscan_t scanner = NULL;
    if (ps == NULL || file == NULL || buf == NULL || def_lex_init_extra(ps, &scanner) != 0) {
        free(ps);
        free(buf);
        return NULL;
    }
    memcpy(buf, src->text, src->len);
    buf[src->len] = buf[src->len + 1] = '\0';
    ps->a = a;
    ps->d = d;
    ps->src = src;
    ps->file = file;
    ps->line = ps->col = 1;
    file->src = src;

    if (setjmp(ps->fatal) == 0) {
        def__scan_buffer(buf, src->len + 2, scanner);
        int rc = def_parse(scanner);
        if (rc == 2)
            ps->nomem = true;
        else if (rc == 1)
            file->damaged = true;   /* stopped inside a declaration: it is lost */
    }
    bool nomem = ps->nomem;
    def_lex_destroy(scanner);
    free(buf);
    free(ps);
    return nomem ? NULL : file;
}
