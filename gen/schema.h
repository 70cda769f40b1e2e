/* schema.h - the resolved schema: what the checker produces and the only
 * thing the emitters read.
 *
 * Every name is resolved to a pointer, every relationship has its kind and
 * its join columns, every backref exists as a relationship of its own.
 * Nothing here refers to syntax.  All memory belongs to the schema's arena.
 */
#ifndef ASSOCGEN_SCHEMA_H
#define ASSOCGEN_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"

typedef struct sch_table sch_table;
typedef struct sch_model sch_model;
typedef struct sch_column sch_column;
typedef struct sch_rel sch_rel;
typedef struct sch_query sch_query;

typedef enum sch_type {
    SCH_INTEGER, SCH_FLOAT, SCH_BOOLEAN, SCH_TEXT, SCH_STRING, SCH_DATETIME, SCH_BLOB,
    SCH_ENUM                  /* enum(a, b, c): a C enum, stored as the name (SPEC 9) */
} sch_type;

typedef enum sch_default_kind {
    SCH_DEFAULT_NONE,
    SCH_DEFAULT_INT,          /* i (booleans too: 0 or 1) */
    SCH_DEFAULT_FLOAT,        /* d */
    SCH_DEFAULT_STRING,       /* s, len bytes (string, text, blob) */
    SCH_DEFAULT_NOW,          /* client side: the time of the insert */
    SCH_DEFAULT_CURRENT_TIMESTAMP, /* SQL CURRENT_TIMESTAMP */
    SCH_DEFAULT_UUID,         /* client side: a random version-4 UUID's text */
    SCH_DEFAULT_CALL          /* client side: the program's function fn */
} sch_default_kind;

typedef struct sch_default {
    sch_default_kind kind;
    int64_t i;
    double d;
    const char *s;
    size_t len;
    const char *literal;      /* the value as written, for messages and SQL of decimals */
    const char *fn;           /* SCH_DEFAULT_CALL: the function's C name */
} sch_default;

/* The values of an enum(...) column: names, stored as text.  Value k of the
 * C enum (from 1; 0 is unset) is values[k - 1]. */
typedef struct sch_enum {
    const char *type;         /* the C type without the prefix: TaskStatus */
    const char *upper;        /* its constants' stem: TASK_STATUS (TASK_STATUS_OPEN) */
    const char **values;      /* the names, as declared */
    size_t nvalues;
    size_t longest;           /* bytes of the longest name: the VARCHAR's length */
} sch_enum;

typedef enum sch_fk_action {
    SCH_FK_NONE,              /* not given: SQLite's NO ACTION, not written */
    SCH_FK_CASCADE, SCH_FK_SET_NULL, SCH_FK_RESTRICT, SCH_FK_NO_ACTION, SCH_FK_SET_DEFAULT
} sch_fk_action;

struct sch_column {
    const char *name;         /* the member's name: the model language's name of
                                 the column (foreign keys, order_by, look-ups) */
    const char *sql_name;     /* the SQL name: column("...") or name.  Every
                                 SQL text prints this one (SPEC 9) */
    loc at;                   /* where it is declared (for diagnostics) */
    const char *c_name;       /* the C struct field: name, or name_ when name is
                                 a C or C++ keyword (see check.c) */
    sch_table *table;
    size_t index;             /* position in table->columns */
    sch_type type;
    int length;               /* string(N): N; 0 when unbounded */
    bool primary_key, not_null, unique, index_flag;
    bool nullable;            /* !primary_key && !not_null */
    bool has_flag;            /* the C struct has a has_<c_name> presence flag:
                                 a nullable or defaulted number, boolean or datetime */
    bool is_rowid;            /* the table's only primary key, an integer: SQLite's row id */
    sch_default def;          /* client default */
    sch_default server_def;   /* server default (in the DDL) */
    sch_column *fk;           /* the referenced column, or NULL */
    sch_fk_action ondelete;
    bool fk_indexed;          /* a relationship loads through this foreign key: index it */
    bool json;                /* json: a text column checked to hold JSON */
    sch_enum *enumv;          /* SCH_ENUM: its values */
    bool onupdate_now;        /* onupdate(now): _update writes the client's clock */
    bool post_update;         /* the foreign key of a post_update relationship:
                                 written after the insert, cleared before a delete */
    const char *renamed_from; /* renamed_from(OLD): its name in the file's previous
                                 version, for --migrate-from; NULL: none */
    loc renamed_at;           /* where renamed_from(...) is written */
};

typedef struct sch_constraint {
    bool unique;              /* unique(...) or index(...) */
    sch_column **columns;
    size_t ncolumns;
} sch_constraint;

struct sch_table {
    const char *name;         /* the SQL table name */
    sch_model *model;         /* NULL for a plain table */
    sch_column **columns;
    size_t ncolumns;
    sch_column **pk;          /* the primary key columns, in declaration order */
    size_t npk;
    sch_column *rowid;        /* the integer primary key, when it is the only one */
    sch_constraint *constraints;
    size_t nconstraints;
    loc at;                   /* where its name (a model's name) is declared */
    const char *renamed_from; /* renamed_from(OLD): the table's name in the file's
                                 previous version, for --migrate-from; NULL: none */
    loc renamed_at;
};

typedef enum sch_rel_kind {
    SCH_MANY_TO_ONE,          /* this table holds the foreign key */
    SCH_ONE_TO_MANY,          /* the target's table holds it */
    SCH_ONE_TO_ONE,           /* one-to-many with uselist = false */
    SCH_MANY_TO_MANY          /* through a secondary table */
} sch_rel_kind;

/* Cascade words as flags. */
enum {
    SCH_CASCADE_SAVE_UPDATE = 1 << 0,
    SCH_CASCADE_MERGE = 1 << 1,
    SCH_CASCADE_EXPUNGE = 1 << 2,
    SCH_CASCADE_REFRESH_EXPIRE = 1 << 3,
    SCH_CASCADE_DELETE = 1 << 4,
    SCH_CASCADE_DELETE_ORPHAN = 1 << 5
};

/* A relationship from `owner` to `target`.
 *
 * many-to-one:  owner_col (on owner's table) is a foreign key to target_col.
 * one-to-many, one-to-one: target_col (on target's table) is a foreign key
 *               to owner_col.
 * many-to-many: secondary holds sec_owner_col (a foreign key to owner_col)
 *               and sec_target_col (a foreign key to target_col). */
struct sch_rel {
    const char *name;
    loc at;                   /* where it is declared; a backref: where its backref() stands */
    sch_model *owner;
    sch_model *target;
    sch_rel_kind kind;
    sch_column *owner_col;
    sch_column *target_col;
    sch_table *secondary;
    sch_column *sec_owner_col;
    sch_column *sec_target_col;
    unsigned cascade;         /* SCH_CASCADE_* */
    bool viewonly;
    sch_column *order_by;     /* a column of the target's table, or NULL */
    bool order_desc;
    sch_rel *reverse;         /* the backref / back_populates partner, or NULL */
    bool is_backref;          /* created by another relationship's backref */
    bool post_update;         /* post_update = true (its foreign key is post_update) */
};

/* ---- Declared queries (SPEC 6), resolved ----
 *
 * A path is a chain of to-one relationships, then a column: user.email on
 * Order is (Order.user) then users.email.  Inside any/all/none/count it
 * starts at the relationship's target. */
typedef struct sq_path {
    const sch_rel **rels;        /* the to-one hops, in order */
    size_t nrels;
    const sch_column *col;
} sq_path;

/* A parameter of a query: :name, its C type that of what it is compared
 * with (a column, or an integer for limit and offset). */
typedef struct sq_param {
    const char *name;
    const char *c_name;          /* its field in the arguments struct: name, or name_ (c_field_needs_underscore) */
    loc at;                      /* its first use */
    sch_type type;
    const sch_column *col;       /* the column it is compared with (NULL: limit, offset) */
    bool optional;
    size_t index;                /* in order of first appearance */
    size_t opt_bit;              /* optional: its bit in the mask of those present */
} sq_param;

typedef enum sq_operand_kind { SQO_PARAM, SQO_VALUE, SQO_PATH } sq_operand_kind;

typedef struct sq_operand {
    sq_operand_kind kind;
    sq_param *param;             /* SQO_PARAM */
    sch_default value;           /* SQO_VALUE: a literal as defaults hold one (INT, FLOAT, STRING) */
    sq_path path;                /* SQO_PATH */
} sq_operand;

typedef enum sq_kind {
    SQ_OR, SQ_AND, SQ_NOT,
    SQ_CMP, SQ_LIKE, SQ_IS_NULL, SQ_IS_NOT_NULL, SQ_IN,
    SQ_ANY, SQ_ALL, SQ_NONE, SQ_COUNT
} sq_kind;

typedef enum sq_cmp { SQ_EQ, SQ_NE, SQ_LT, SQ_LE, SQ_GT, SQ_GE } sq_cmp;

typedef struct sq_expr {
    sq_kind kind;
    struct sq_expr *a, *b;       /* OR, AND: both; NOT: a; ANY/ALL/NONE/COUNT: a, the condition (or NULL) */
    sq_path path;                /* CMP .. IN: the column; ANY..COUNT: the to-one hops before rel */
    const sch_rel *rel;          /* ANY..COUNT: the relationship (of any kind) */
    sq_cmp cmp;                  /* CMP, COUNT */
    sq_operand *rhs;             /* CMP, LIKE, COUNT: one; IN: nrhs */
    size_t nrhs;
    sq_param *opt;               /* the optional parameter that leaves this condition out when absent */
} sq_expr;

typedef struct sq_term {
    sq_path path;
    bool desc;
} sq_term;

struct sch_query {
    const char *name;            /* recent */
    const char *camel;           /* Recent: the arguments struct is <Model><Camel>Args */
    loc at;
    sch_model *model;
    sq_expr *where;              /* NULL: every row */
    sq_term *order;              /* as written; the key is appended where it does not end the order */
    size_t norder;
    sq_operand *limit, *offset;  /* NULL when not given */
    bool paginate;
    sq_param **params;           /* in order of first appearance */
    size_t nparams;
    size_t noptional;            /* at most 6 */
};

struct sch_model {
    const char *name;         /* as declared: User, OrderLine */
    loc at;                   /* where its name is declared */
    const char *snake;        /* user, order_line: the C function prefix */
    sch_table *table;
    sch_rel **rels;           /* declaration order; backrefs after the declared */
    size_t nrels;
    sch_query **queries;      /* declared queries (SPEC 6), in declaration order */
    size_t nqueries;
};

typedef struct sch_schema {
    const char *base;         /* the .def file's base name: models */
    sch_model **models;       /* declaration order (imports first) */
    size_t nmodels;
    sch_table **tables;       /* dependency order: referenced tables first */
    size_t ntables;
    arena mem;
} sch_schema;

const char *sch_type_name(sch_type t);
/* "many-to-one", "one-to-many", "one-to-one", "many-to-many". */
const char *sch_rel_kind_name(sch_rel_kind k);
/* The SQL of an ON DELETE action ("SET NULL"), or NULL for SCH_FK_NONE. */
const char *sch_fk_action_sql(sch_fk_action a);
/* true when the generated C functions name one of their parameters or
 * locals so: db, st, rc, r, ..., time_text_N, dup_X.  The checker refuses
 * such a model name (the local would hide the type), and a key column of
 * such a name gets its _get parameter renamed. */
bool sch_c_local(const char *name);
/* true when the C field of a nullable column of this type needs a has_ flag */
bool sch_type_has_flag(sch_type t);

#endif
