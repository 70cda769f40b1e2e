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
    SCH_INTEGER, SCH_FLOAT, SCH_BOOLEAN, SCH_TEXT, SCH_STRING, SCH_DATETIME, SCH_BLOB
} sch_type;

typedef enum sch_default_kind {
    SCH_DEFAULT_NONE,
    SCH_DEFAULT_INT,          /* i (booleans too: 0 or 1) */
    SCH_DEFAULT_FLOAT,        /* d */
    SCH_DEFAULT_STRING,       /* s, len bytes (string, text, blob) */
    SCH_DEFAULT_NOW,          /* client side: the time of the insert */
    SCH_DEFAULT_CURRENT_TIMESTAMP  /* SQL CURRENT_TIMESTAMP */
} sch_default_kind;

typedef struct sch_default {
    sch_default_kind kind;
    int64_t i;
    double d;
    const char *s;
    size_t len;
    const char *literal;      /* the value as written, for messages and SQL of decimals */
} sch_default;

typedef enum sch_fk_action {
    SCH_FK_NONE,              /* not given: SQLite's NO ACTION, not written */
    SCH_FK_CASCADE, SCH_FK_SET_NULL, SCH_FK_RESTRICT, SCH_FK_NO_ACTION, SCH_FK_SET_DEFAULT
} sch_fk_action;

struct sch_column {
    const char *name;         /* the SQL column name */
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
