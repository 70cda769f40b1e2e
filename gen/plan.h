/* plan.h - what each generated function does, decided once from the
 * resolved schema: its SQL (every statement a constant, in SQLite's and,
 * where it differs, PostgreSQL's words), what each parameter binds, which
 * defaults an insert applies, what a delete must do to related rows.
 *
 * The ORM's rules live in the plan builders (plan_*.c) and nowhere else;
 * the emitters print plans and decide nothing.  One SQL text is one
 * constant in the generated source, however many functions run it: the
 * statement cache of libassoc is keyed by the constant's address, so two
 * copies would be prepared twice.
 *
 * All memory belongs to the arena given to plan_build().
 */
#ifndef ASSOCGEN_PLAN_H
#define ASSOCGEN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "schema.h"

/* Where the value bound to one parameter comes from. */
typedef enum pb_kind {
    PB_FIELD,          /* <obj><field> of col: SQL NULL by its has_ flag or a NULL pointer */
    PB_FIELD_SET,      /* <obj><field>, known not NULL (a guard returned before) */
    PB_EXPR,           /* expr, a C expression of col's parameter type (never NULL) */
    PB_DEFAULT,        /* col's client default (an association row's column) */
    PB_STAMP,          /* insert: the field when the caller set it (expr: the caller's
                          record, "r->" when NULL), else the clock's text */
    PB_INT,            /* expr, a C expression of type int64_t */
    PB_SHORT_TIME,     /* expr, a datetime: CURRENT_TIMESTAMP's form ("YYYY-MM-DD
                          HH:MM:SS") when it has no fraction, else the full text */
    PB_NULL            /* SQL NULL: an insert's post_update key, written after */
} pb_kind;

typedef struct plan_bind {
    pb_kind kind;
    const sch_column *col;     /* the value's column: its type and field */
    const char *obj;           /* PB_FIELD*: "r->", "v.", "child->", "t->" */
    const char *expr;          /* PB_EXPR, PB_INT */
} plan_bind;

/* One distinct SQL text: one constant of the generated source. */
typedef struct plan_sql {
    const char *text;          /* SQLite's; PostgreSQL's too when pg is NULL */
    const char *pg;            /* PostgreSQL's where the dialects differ */
    const char *cname;         /* the constant's C name (a static of the source) */
    const api_fn *first;       /* the function above which it is printed; NULL: the top */
    bool script;               /* several statements (DDL): run with assoc_exec */
    bool pg_only;              /* run on PostgreSQL only (text is PostgreSQL's; pg NULL) */
} plan_sql;

/* A statement and the values of its parameters $1..$n, in order. */
typedef struct plan_stmt {
    plan_sql *sql;
    plan_bind *binds;
    size_t nbinds;
} plan_stmt;

/* An insert's default, applied in C before the row goes in, so the value
 * written back is the one bound. */
typedef struct plan_default {
    const sch_column *col;
    const sch_default *def;    /* the client default, or the server default's literal */
    bool stamp;                /* server_default(current_timestamp): the database's clock */
    bool dup;                  /* a string or blob: r gets the library's copy */
    /* stamp: the column of PostgreSQL's RETURNING row that holds it.  Its
     * statement takes COALESCE($n, LOCALTIMESTAMP), $n NULL when unset, so
     * the clock is read by the insert itself, not by a round trip before
     * (SQLite's clock is read in C, assoc_current_timestamp, no statement). */
    int pg_col;
} plan_default;

/* One step of a delete. */
typedef enum pd_kind {
    PD_EXEC,                   /* run stmt; what it changes is not counted */
    PD_ROW,                    /* the row itself: ASSOC_NOTFOUND when stmt changed nothing */
    PD_SEED,                   /* the row's key into the delete set: ASSOC_NOTFOUND when absent */
    PD_ROWS,                   /* the rows of the set (a query's): how many it changed is *deleted */
    PD_CASCADE                 /* run the cascade (plan_cascade) over the delete set */
} pd_kind;

typedef struct pd_step {
    pd_kind kind;
    plan_stmt stmt;
    const char *comment;       /* why the step is there, for the reader of the output */
} pd_step;

/* A set-based delete over the rows in temporary key tables, for what the
 * direct plan cannot do (self-reference, a cascade to a row's parent or
 * through a many-to-many, cycles): libassoc's assoc_cascade_run() runs it,
 * level by level, and reports a cycle among the rows to delete as an error
 * (SQLAlchemy's CircularDependencyError) with nothing changed.  Each array
 * holds SQL of the steps of one kind; see assoc.h for their parameters. */
typedef struct plan_cascade {
    const char *cname;         /* the descriptor's C name */
    plan_sql *setup;           /* script: the key tables, created when missing, emptied */
    plan_sql **expand;         /* $1 = round: the rows a cascade reaches from the round's rows */
    size_t nexpand;
    plan_sql **before;         /* children's keys set to NULL, association rows deleted */
    size_t nbefore;
    plan_sql **mark;           /* $1 = round: rows of the set no remaining row refers to */
    size_t nmark;
    plan_sql **next;           /* $1 = round + 1: rows the round's marked ones referred to */
    size_t nnext;
    plan_sql **remove;         /* $1 = round: delete the marked rows */
    size_t nremove;
    plan_sql *left;            /* the rows of the set still there */
    plan_sql *count;           /* the rows of the seed's table in the set */
    const char *tables;        /* "nodes, tags": for the cycle's message */
} plan_cascade;

typedef struct plan_delete {
    pd_step *steps;
    size_t nsteps;
    bool atomic;               /* several statements: in an atomic section */
    plan_cascade *cascade;     /* the general plan's engine, or NULL */
    /* PostgreSQL: the same steps as one statement (sql NULL: none), each
     * step before the row's own delete a data-modifying WITH of it.  One
     * statement is atomic alone, so it runs without the atomic section,
     * in one round trip where the steps take one each and the section
     * two more.  Its command tag counts the row's delete: ASSOC_NOTFOUND
     * when that changed nothing.  Only for plans whose steps touch
     * distinct tables and find their rows by the row's key through
     * foreign keys (plan_delete.c, one_statement_ok). */
    plan_stmt pg_one;
} plan_delete;

/* A query function's statements (SPEC 6): one per combination of the
 * optional parameters present -- bit k of the mask is the query's k-th
 * optional parameter -- and, for _page, whether `after` is given (the
 * next bit).  A slot is one value the statements may bind (a parameter, a
 * field of `after`, the page's limit); its $N differs per variant, and is
 * 0 where the variant leaves it out.  One variant: cname is NULL and the
 * numbers are those of sql[0]. */
typedef struct plan_variants {
    size_t n;
    plan_sql **sql;            /* per variant */
    size_t nslots;
    plan_bind *slots;          /* what each slot binds */
    const void **keys;         /* what each slot stands for (a sq_param, a column of after) */
    unsigned short *number;    /* n x nslots */
    const char *cname;         /* base name of the variant table, when n > 1 */
    const api_fn *first;       /* the function above which the table is printed */
    bool page_bit;             /* the highest bit is "after given" (_page) */
    bool limits;               /* the statements take the query's limit and offset
                                  (its rows, _first, _delete): a negative one is refused */
    const sq_param *zero_limit; /* _first: the query's limit parameter, which its
                                  statement (LIMIT 1) leaves out: 0 leaves no row */
} plan_variants;

/* A batched load (SPEC 6): one statement per chunk of API_LOAD_CHUNK
 * parents (sql), or of API_LOAD_SMALL for a last chunk that small
 * (sql_small); $i+1 is the join value of the chunk's parent i.  Exactly
 * each parent's related rows come, in the relationship's order (by_key:
 * in any order, a target linked twice coming twice), with the parent's
 * place in the chunk after their own columns.  _load and _load_each of a
 * relationship share the statements and chunk_fn. */
typedef struct plan_load {
    plan_sql *sql;
    plan_sql *sql_small;
    const sch_column *key;     /* the parent's join value: a column of the parent */
    plan_bind key_bind;        /* parents[at].<key>, SQL NULL where the parent's is */
    bool by_key;               /* rows unordered, repeats included: libassoc orders them by key */
    const char *chunk_fn;      /* the static that acquires a chunk's statement and binds it
                                * (<m>_<rel>__chunk), which _load and _load_each share */
    bool each_streams;         /* _load_each lends the statement's rows as they come (a
                                * to-one load: a row a parent at most, in the list's
                                * order), where a collection's chunk is gathered first */
} plan_load;
/* What create_all makes, as <schema>_verify and create_all compare it
 * with the database: libassoc's assoc_schema_spec (assoc.h), one entry per
 * table in create_all's order, one per column in declaration order. */
typedef struct plan_spec_col {
    const sch_column *col;
    const char *type;          /* as create_all's SQLite DDL declares it: "VARCHAR(255)" */
    const char *affinity;      /* the C name of its affinity: "ASSOC_AFFINITY_TEXT" */
    bool primary_key, not_null, unique, rowid;
    bool json;                 /* json: text, or declared JSON as SQLAlchemy does */
    bool enumerated;           /* an enum(...) column */
    const char *ondelete;      /* the declared action, "CASCADE"; NULL: NO ACTION */
} plan_spec_col;

typedef struct plan_spec_table {
    const sch_table *t;
    plan_spec_col *cols;
    size_t ncols;
    const char **uniques;      /* unique(a, b) constraints, each "a, b" by SQL names (quoted
                                  where a name holds a blank, a comma or a quote) */
    size_t nuniques;
} plan_spec_table;

typedef struct plan_spec {
    const char *cname;         /* the descriptor's C name: models__schema */
    const char *cname_tables;  /* its arrays: models__schema_tables, ... */
    const char *cname_columns;
    const char *cname_uniques;
    plan_spec_table *tables;
    size_t ntables;
    size_t ncols, nuniques;    /* in all tables */
} plan_spec;

typedef struct plan_fn {
    plan_stmt stmt;            /* the function's statement */
    /* API_INSERT */
    plan_stmt auto_stmt;       /* without the row id, which the database assigns */
    const sch_column *rowid;
    plan_default *defaults;
    size_t ndefaults;
    size_t nstamps;
    bool copy;                 /* defaults go into a copy v; r changes when the row is in */
    /* post_update keys (SPEC 9): the insert writes NULL, then post[i] sets
     * post_cols[i] when the record has it, in one atomic section */
    plan_stmt *post;
    const sch_column **post_cols;
    size_t npost;
    /* API_INSERT_MANY: stmt is one row of the insert's statement without
     * the row id, its binds reading record w[j], which the defaults above
     * go into (as the insert's, whose they are); qv is the table of its
     * statements of 1 .. API_INSERT_ROWS rows.  max_sql reads the table's
     * largest row id (assoc_rowids, SQLite); NULL without one. */
    plan_sql *max_sql;
    const struct api_fn *one;  /* the model's _insert, for rows taken one by one */
    /* API_UPDATE: the statement binds `stamp`, one reading of the client's
     * clock, to the onupdate(now) columns */
    bool clock;
    /* API_DELETE */
    plan_delete *del;
    /* API_REL_REMOVE of a one-to-many: delete the child (delete-orphan),
     * through its model's _delete when deleting it touches other rows */
    bool orphan, visit;
    /* API_REL_LIST, API_REL_EACH of a many-to-many: the statement joins
     * through the association table, so a target comes once per link; the
     * rows are gathered and each kept once (assoc_rows_unique,
     * assoc_rows_keep), in key order -- sorted by libassoc unless `sorted`,
     * when the statement orders them (the relationship's order_by) */
    bool unique, sorted;
    /* API_REL_ADD of a one-to-many: the child's foreign key is part of its
     * primary key, so moving it changes the row's key: stmt moves it */
    bool move_key;
    /* API_Q_*: the statements by variant; API_Q_DELETE: they put the keys
     * of the rows to delete into the model's key table (made by
     * keys_setup), and del deletes them -- unless one statement deletes
     * them all (del NULL: the variants are DELETE statements) */
    plan_variants *qv;
    plan_sql *keys_setup;
    /* API_REL_LOAD, API_REL_LOAD_EACH */
    plan_load *load;
    /* API_CREATE_ALL, API_VERIFY: the tables they compare with the database */
    const plan_spec *spec;
} plan_fn;

/* The schema's DDL: one script per dialect. */
typedef struct plan_schema {
    plan_sql *ddl;             /* create_all's script */
    plan_sql **sqls;           /* every distinct SQL text, in the order first used */
    size_t nsqls;
    plan_cascade **cascades;   /* every cascade descriptor, in the order first used */
    size_t ncascades;
    size_t longest;            /* bytes of the longest SQL text */
    plan_spec *spec;           /* the tables create_all makes, for verify */
} plan_schema;

/* Plan every function of the api table (setting each row's plan) and the
 * schema's DDL.  NULL when memory ran out. */
plan_schema *plan_build(api *a, arena *mem);

/* The DDL of the schema, each statement ending in ";\n": SQLite's
 * (pg false) or PostgreSQL's.  Appended to sb. */
void plan_ddl(strbuf *sb, const sch_schema *s, bool pg);
/* Pieces of SQLite's DDL, for a migration (migrate.c): one column's
 * definition as CREATE TABLE has it; a table's CREATE TABLE under another
 * name (`as`, without IF NOT EXISTS); and every CREATE INDEX of the schema
 * with the index's name, table and columns, as plan_ddl() makes them. */
void plan_ddl_column(strbuf *sb, const sch_schema *s, const sch_column *col);
/* A default's value as SQLite's DDL writes it ('text', 42, CURRENT_TIMESTAMP). */
void plan_ddl_default(strbuf *sb, const sch_column *col, const sch_default *def);
void plan_ddl_table_as(strbuf *sb, const sch_schema *s, const sch_table *t, const char *as);
/* Pieces of PostgreSQL's DDL, for its migration: a default's value
 * (true, decode('..', 'hex')); a column's type (BIGINT, VARCHAR(40), an
 * enum's VARCHAR(longest name)); a column's definition for ALTER TABLE ADD
 * COLUMN without its key, UNIQUE and foreign key (added as constraints of
 * their own); REFERENCES t (c) ON DELETE ...; an enum's CHECK (c IN (...));
 * and a table's CREATE TABLE (without IF NOT EXISTS) whose foreign keys are
 * inline where fk_inline(column, ctx) says so (the others are added later). */
void plan_ddl_pg_default(strbuf *sb, const sch_column *col, const sch_default *def);
void plan_ddl_pg_type(strbuf *sb, const sch_column *col);
void plan_ddl_pg_add_column(strbuf *sb, const sch_schema *s, const sch_column *col);
void plan_ddl_pg_references(strbuf *sb, const sch_column *col);
void plan_ddl_enum_check(strbuf *sb, const sch_column *col);
void plan_ddl_pg_table(strbuf *sb, const sch_schema *s, const sch_table *t,
                       bool (*fk_inline)(const sch_column *, void *), void *ctx);
typedef struct plan_index {
    const sch_table *table;
    const char *name;
    sch_column **columns;
    size_t ncolumns;
    const char *sql;           /* CREATE INDEX IF NOT EXISTS ..., without the ';' */
} plan_index;
typedef struct plan_index_list {
    arena *mem;                /* where the list lives (set by the caller) */
    plan_index *items;
    size_t n, cap;
    bool failed;               /* out of memory */
} plan_index_list;
void plan_ddl_indexes(const sch_schema *s, plan_index_list *out);
/* A column's type as the DDL declares it ("VARCHAR(255)"), into buf. */
const char *plan_ddl_type(const sch_column *col, bool pg, char *buf, size_t size);

/* Append the identifier, double-quoted when SQL needs it: a keyword of
 * SQLite or PostgreSQL, a name with upper-case letters (PostgreSQL folds
 * unquoted names to lower case), a name starting with sqlite_. */
void sql_ident(strbuf *sb, const char *name);
/* Append 'text', a SQL string literal: single quotes doubled. */
void sql_string(strbuf *sb, const char *s);

#endif
