/* parser.y - the grammar of the model language (SPEC section 1) into the
 * syntax tree of gen/ast.h.
 *
 * The grammar knows the shape of the language, not its words: a member is
 * `name call call ...`, a call is `word` or `word(args)`.  Which words are
 * types, modifiers and options, and what their arguments must be, is the
 * checker's to decide (and to explain, with "did you mean").  So `model`,
 * `table` and `import` are the only keywords, and they are names too.
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
}

%token <str> IDENT "identifier"
%token <str> MODEL "'model'"
%token <str> TABLE "'table'"
%token <str> IMPORT "'import'"
%token <str> INT "integer"
%token <str> DECIMAL "number"
%token <string> STRING "string"
%token NEWLINE "end of line"
%token INNER_CLOSE "'}' of a nested '{'"   /* never accepted: see scanner.l */

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

/* The words of the language are names too: a column may be called `table`. */
name:
    IDENT | MODEL | TABLE | IMPORT
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
  | members error NEWLINE       { $$ = $1; lost_member(PS); }
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
                   "'%s' needs a type (integer, float, boolean, text, string, datetime, blob) or relationship(...)",
                   $1 ? $1 : "");
        $$ = NULL;
    }
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
    enum { MAX_EXPECTED = 8 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    const DEF_LTYPE *l = yypcontext_location(ctx);

    strbuf sb = STRBUF_INIT;
    bool wants_open = false;
    for (int i = 0; i < n; i++)
        wants_open |= strcmp(yysymbol_name(expected[i]), "'{'") == 0;
    if (wants_open && (tok == YYSYMBOL_MODEL || tok == YYSYMBOL_TABLE || tok == YYSYMBOL_IMPORT)) {
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
                              expected[i] == YYSYMBOL_IMPORT)))
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
        strbuf_puts(&sb, " (a file holds model, table and import declarations)");
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
