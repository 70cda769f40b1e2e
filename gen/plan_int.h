/* plan_int.h - what the plan builders (plan*.c) share; not for emitters.
 *
 * A statement is built once for both databases: sqlb_puts() writes to both
 * texts, sqlb_dialect() writes each its own words, sqlb_param() writes the
 * next $N to both and records what it binds.  Parameters are numbered in
 * the order they first appear, which is how SQLite numbers $-named ones,
 * so the same text runs on both.
 */
#ifndef ASSOCGEN_PLAN_INT_H
#define ASSOCGEN_PLAN_INT_H

#include "cnames.h"
#include "plan.h"
#include "symtab.h"

typedef struct planner {
    api *a;
    arena *mem;
    plan_schema *ps;
    symtab texts;              /* text + '\1' + pg -> plan_sql */
    symtab names;              /* constant names taken */
    size_t scap, ccap;
    bool nomem;
} planner;

typedef struct sqlb {
    planner *p;
    strbuf lite, pg;
    bool differs;              /* the two texts differ */
    plan_bind *binds;
    const void **keys;         /* per bind: what it stands for (sqlb_param_keyed), or NULL */
    size_t nbinds, cap;
} sqlb;

void sqlb_init(sqlb *b, planner *p);
void sqlb_free(sqlb *b);
void sqlb_puts(sqlb *b, const char *s);
void sqlb_printf(sqlb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* SQLite's words and PostgreSQL's. */
void sqlb_dialect(sqlb *b, const char *lite, const char *pg);
void sqlb_ident(sqlb *b, const char *name);
/* 'text', quotes doubled (sql_string). */
void sqlb_string(sqlb *b, const char *s);
/* PostgreSQL's type of a value of col's type (a cast, a temporary table's
 * column). */
const char *sqlb_pg_type(const sch_column *col);
/* table.column */
void sqlb_col(sqlb *b, const sch_column *col);
/* alias.column */
void sqlb_acol(sqlb *b, const char *alias, const sch_column *col);
/* $N for a new parameter binding v. */
void sqlb_param(sqlb *b, plan_bind v);
/* $N for the value `key` stands for (a query's parameter, a field): the
 * number it already has in this statement, or a new one binding v.  OUT:
 * returns the number. */
size_t sqlb_param_keyed(sqlb *b, const void *key, plan_bind v);
/* The number key has in the statement built so far, or 0. */
size_t sqlb_key_number(const sqlb *b, const void *key);
/* The columns of t, qualified, comma-separated, in declaration order. */
void sqlb_select_list(sqlb *b, const sch_table *t);
/* "WHERE t.k1 = $i AND ...": the key of t, bound to obj's fields. */
void sqlb_where_key(sqlb *b, const sch_table *t, pb_kind kind, const char *obj);
/* A sort term's direction: " DESC" when desc, and for a nullable column
 * SQLite's NULL order on both databases (first ascending, last
 * descending). */
void sqlb_order_dir(sqlb *b, bool nullable, bool desc);
/* The terms of an order by `first` (may be NULL; its direction desc), then
 * t's key columns not already in it: comma-separated, each alias.column,
 * or table.column when alias is NULL.  A relationship's order is
 * (r->target->table, alias, r->order_by, r->order_desc). */
void sqlb_order_terms(sqlb *b, const sch_table *t, const char *alias, const sch_column *first, bool desc);
/* "\nORDER BY " and the terms, table.column. */
void sqlb_order(sqlb *b, const sch_table *t, const sch_column *first, bool desc);
/* "alias.key = (SELECT x.key FROM target x WHERE x.fk = parent ORDER BY
 * ... LIMIT 1)", "(alias.a, alias.b) = (SELECT x.a, x.b ...)" for a key
 * of two columns: the row `alias` is the first child of a one-to-one r,
 * in r's order (the row the relationship reads); parent is the SQL of the
 * owner's join value. */
void sqlb_first_child(sqlb *b, const sch_rel *r, const char *alias, const char *parent);

/* The statement built in b as a plan_stmt: its text interned (one constant
 * per distinct text; the constant is named <first's name>__<role> when it
 * is new), its binds copied.  b is emptied for the next statement. */
plan_stmt sqlb_stmt(sqlb *b, const api_fn *first, const char *role);
/* The same for a statement without parameters; a script when `script`. */
plan_sql *sqlb_sql(sqlb *b, const api_fn *first, const char *role, bool script);

/* Binds. */
plan_bind pb_field(const sch_column *col, const char *obj);
plan_bind pb_set(const sch_column *col, const char *obj);
plan_bind pb_expr(const sch_column *col, const char *expr);
plan_bind pb_int(const char *expr);

/* The builders of each family of functions. */
void plan_crud(planner *p, api_fn *f);
void plan_rel(planner *p, api_fn *f);
void plan_delete_fn(planner *p, api_fn *f);
void plan_query_fn(planner *p, api_fn *f);
void plan_load_fn(planner *p, api_fn *f);
/* The delete plan of model m's rows: of the row r (from_set false), or of
 * the rows whose keys a caller put into m's key table (from_set true, for a
 * query's _delete: SPEC 6).  f names the constants. */
plan_delete *plan_delete_of(planner *p, api_fn *f, const sch_model *m, bool from_set);
/* The script that creates model m's key table when missing and empties it
 * (the first table of a set-based delete). */
plan_sql *plan_keys_setup(planner *p, api_fn *f, const sch_model *m);
/* "assoc_del_<table>", m's key table. */
void sqlb_keys_table(sqlb *b, const sch_table *t);
/* API_VERIFY; and the schema's description of its tables, built once
 * (create_all compares the tables that exist with it too). */
void plan_verify(planner *p, api_fn *f);
const plan_spec *plan_spec_of(planner *p);
/* Does deleting a row of m touch other rows (cascades, association rows,
 * children's keys)?  Then an orphan is deleted through m's _delete. */
bool plan_delete_has_rules(const sch_model *m);

void *plan_alloc(planner *p, size_t n);
char *plan_printf(planner *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
