/* ast.h - the syntax tree the parser builds from one .def file.
 *
 * The tree records what was written, not what it means: type names,
 * modifiers and relationship options are all "calls" (a name with optional
 * arguments), checked and interpreted by the checker.  That keeps the
 * grammar small, leaves every word of the language usable as a name, and
 * lets the checker say "unknown modifier 'primary_kye'; did you mean
 * 'primary_key'?" instead of a bare syntax error.
 *
 * Every node and string lives in the arena passed to the parser.  Lists are
 * singly linked in source order.
 */
#ifndef ASSOCGEN_AST_H
#define ASSOCGEN_AST_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"

typedef struct ast_arg ast_arg;

typedef enum ast_expr_kind {
    AST_IDENT,      /* text: an identifier (true, false, now, ... included) */
    AST_STRING,     /* text: the string's content, escapes resolved */
    AST_INT,        /* text: the digits as written, with a leading '-' if any */
    AST_DECIMAL,    /* text: as written, e.g. "-1.5", "2e10" */
    AST_DOTTED,     /* text "." text2: users.id */
    AST_CALL,       /* text(args): backref(orders, cascade = "all") */
    AST_PAIR        /* text text2: two identifiers, e.g. "title desc" */
} ast_expr_kind;

typedef struct ast_expr {
    ast_expr_kind kind;
    loc at;               /* where the expression starts */
    char *text;
    char *text2;          /* AST_DOTTED, AST_PAIR */
    loc at2;              /* where text2 starts */
    ast_arg *args;        /* AST_CALL; NULL for "name()" */
    bool has_nul;         /* AST_STRING: the content holds a \0 escape or byte */
    /* AST_DOTTED followed by a word, as SQLAlchemy orders: "Event.created_at
     * desc" (text3 "desc"), or "Event.created_at.desc()" (text3 "desc",
     * method true).  NULL otherwise. */
    char *text3;
    loc at3;
    bool method;
} ast_expr;

/* One argument of a call: positional (key == NULL) or `key = value`. */
struct ast_arg {
    char *key;
    loc key_at;
    ast_expr *value;
    ast_arg *next;
};

/* A type or modifier: `string(255)`, `primary_key`, `foreign_key(users.id)`,
 * `relationship(User, backref = orders)`. */
typedef struct ast_call {
    char *name;
    loc at;
    bool has_parens;      /* written with ( ), even if empty */
    ast_arg *args;
    struct ast_call *next;
} ast_call;

/* ---- Declared queries (SPEC 6) ----
 *
 * A query's clauses are kept as written, in order, so that the checker can
 * say which one repeats; what a path names (columns, relationships) is the
 * checker's to resolve. */

/* A dotted path, a.b.c: one node per name. */
typedef struct ast_qpath {
    char *name;
    loc at;
    struct ast_qpath *next;
} ast_qpath;

typedef enum ast_qoperand_kind {
    AQO_PARAM,            /* :name or :name? */
    AQO_VALUE,            /* a literal: INT, DECIMAL, STRING, or IDENT true / false */
    AQO_PATH              /* another column */
} ast_qoperand_kind;

typedef struct ast_qoperand {
    ast_qoperand_kind kind;
    loc at;
    char *param;          /* AQO_PARAM: the name */
    bool optional;        /* AQO_PARAM: written :name? */
    ast_expr *value;      /* AQO_VALUE */
    ast_qpath *path;      /* AQO_PATH */
    struct ast_qoperand *next;   /* in (a, b, c) */
} ast_qoperand;

typedef enum ast_qcmp { AQ_EQ, AQ_NE, AQ_LT, AQ_LE, AQ_GT, AQ_GE } ast_qcmp;

typedef enum ast_qexpr_kind {
    AQ_OR, AQ_AND, AQ_NOT,
    AQ_CMP,               /* path cmp operand */
    AQ_LIKE,              /* path like operand */
    AQ_IS_NULL, AQ_IS_NOT_NULL,
    AQ_IN,                /* path in (operands) */
    AQ_CALL               /* path(expr?) [cmp operand]: the path ends in any, all, none or count */
} ast_qexpr_kind;

typedef struct ast_qexpr {
    ast_qexpr_kind kind;
    loc at;
    struct ast_qexpr *a, *b;     /* OR, AND: both; NOT: a; CALL: a, the argument (NULL when none) */
    ast_qpath *path;             /* CMP .. CALL */
    bool compared;               /* CALL: followed by cmp operand (count) */
    ast_qcmp cmp;                /* CMP, compared CALL */
    loc op_at;
    ast_qoperand *rhs;           /* CMP, LIKE, compared CALL: one; IN: the list */
} ast_qexpr;

typedef struct ast_qterm {
    ast_qpath *path;
    bool desc;
    struct ast_qterm *next;
} ast_qterm;

typedef enum ast_qclause_kind { AQC_WHERE, AQC_ORDER_BY, AQC_LIMIT, AQC_OFFSET, AQC_PAGINATE } ast_qclause_kind;

typedef struct ast_qclause {
    ast_qclause_kind kind;
    loc at;                      /* its keyword */
    ast_qexpr *where;            /* AQC_WHERE */
    ast_qterm *order;            /* AQC_ORDER_BY */
    ast_qoperand *count;         /* AQC_LIMIT, AQC_OFFSET: an INT value or a parameter */
    struct ast_qclause *next;
} ast_qclause;

typedef enum ast_member_kind {
    AST_FIELD,            /* name type { modifier }: a column or a relationship */
    AST_CONSTRAINT,       /* unique(a, b) / index(a, b): name is "unique"/"index" */
    AST_QUERY             /* query name { clauses } */
} ast_member_kind;

typedef struct ast_member {
    ast_member_kind kind;
    char *name;
    loc at;
    ast_call *type;       /* AST_FIELD: the first call (type or "relationship") */
    ast_call *mods;       /* AST_FIELD: the calls after it */
    ast_arg *args;        /* AST_CONSTRAINT: the column names */
    ast_qclause *clauses; /* AST_QUERY: in order */
    bool damaged;         /* AST_QUERY: a syntax error dropped one of its lines */
    struct ast_member *next;
} ast_member;

typedef enum ast_decl_kind {
    AST_IMPORT, AST_MODEL, AST_TABLE,
    AST_MIXIN             /* mixin Name { members }: members a model includes */
} ast_decl_kind;

/* The name of a member a syntax error dropped. */
typedef struct ast_name {
    char *name;
    struct ast_name *next;
} ast_name;

typedef struct ast_decl {
    ast_decl_kind kind;
    loc at;               /* the keyword */
    char *name;           /* AST_MODEL, AST_TABLE, AST_MIXIN: the name; AST_IMPORT: the path */
    loc name_at;
    ast_expr *table;      /* AST_MODEL: the `table NAME` (ident or string), or NULL */
    ast_call *mods;       /* AST_MODEL, AST_TABLE: the calls that end the header
                             (renamed_from(accounts)), in order; NULL: none */
    ast_member *members;
    ast_name *lost;       /* the names of the members syntax errors dropped... */
    bool lost_unnamed;    /* ...and whether one was dropped before its name was read */
    struct ast_decl *next;
} ast_decl;

/* A syntax error dropped one of its members. */
static inline bool ast_decl_damaged(const ast_decl *d)
{
    return d->lost != NULL || d->lost_unnamed;
}

typedef struct ast_file {
    const source *src;
    ast_decl *decls;
    bool damaged;         /* a syntax error dropped a declaration (or its name) */
} ast_file;

/* Parse one source file into a tree allocated in `a`.  Syntax errors are
 * reported to `d` (with recovery: the parser goes on after an error and
 * reports further ones); the tree holds every declaration that could be
 * read.  Returns NULL only when memory ran out. */
ast_file *ast_parse(arena *a, diag_ctx *d, const source *src);

#endif
