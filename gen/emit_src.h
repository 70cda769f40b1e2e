/* emit_src.h - what the source emitter's files share (emit_source.c and
 * emit_src_*.c, one per family of generated functions).
 *
 * Every generated function has the shape of careful hand-written sqlite3
 * code: its locals, the checks of its arguments, then for each statement
 * acquire (from libassoc's per-connection cache), bind every parameter,
 * step; one exit through a label that releases the statement.  The pieces
 * of that shape are printed by the functions below; what goes in them
 * (the SQL, what each parameter binds) is the plan's.
 */
#ifndef ASSOCGEN_EMIT_SRC_H
#define ASSOCGEN_EMIT_SRC_H

#include "cnames.h"
#include "cprint.h"
#include "emit.h"

typedef struct src {
    emit_ctx *e;
    cprint p;
    /* The function being written: how many time_text_N buffers it
     * declared, and the next one a bind takes. */
    int times, next_time;
    /* The label a failure jumps to: "done" when NULL.  A block with an
     * exit of its own (a delete's PostgreSQL statement, before the atomic
     * section that "done" leaves) names its label here. */
    const char *done;
} src;

static inline const char *src_done(const src *x)
{
    return x->done ? x->done : "done";
}

#define SRC_LINE(x, ...) cp_line(&(x)->p, __VA_ARGS__)
#define SRC_BLANK(x) cp_line(&(x)->p, "%s", "")

/* "int user_get(assoc_db *db, int64_t id, User *out)" and "{". */
void src_open(src *x, const api_fn *f);
/* The locals every statement needs (st, rc) and `ntimes` datetime
 * buffers, for statements whose binds src_count_times() counted. */
void src_locals(src *x, int ntimes);
/* The same with the declarations `more` (NULL ones left out) after st. */
void src_locals_with(src *x, const char *const *more, size_t nmore, int ntimes);
int src_count_times(const plan_stmt *st);
/* The datetime buffers binding `binds` takes (a query's slots). */
int src_bind_times(const plan_bind *binds, size_t n);
/* "if (<null pointer args>) return ASSOC_MISUSE ...": the pointer
 * parameters of f but ctx and lookup values. */
void src_misuse(src *x, const api_fn *f);
/* A record without a key (a row id of 0, a NULL string or blob key) names
 * no row: return `code`. */
void src_key_guard(src *x, const char *obj, const sch_table *t, const char *fn, const char *code);
/* The owner's join value of r is NULL, or r has no key: return `code`
 * (ASSOC_OK: an empty result), `why` completing the message. */
void src_owner_guard(src *x, const sch_rel *r, const char *fn, const char *code, const char *why);
/* rc = assoc_stmt_acquire(...) for sql; goto done on failure. */
void src_acquire(src *x, const plan_sql *sql);
void src_acquire_expr(src *x, const char *expr);
/* Bind every parameter of st (from $1), each followed by its check. */
void src_binds(src *x, const plan_stmt *st);
void src_bind(src *x, int idx, const plan_bind *b);
/* The same, at the parameter number a C expression gives. */
void src_bind_at(src *x, const char *idx, const plan_bind *b);
/* rc = assoc_step(...): a statement that returns no rows; goto done on
 * failure. */
void src_step_done(src *x);
/* ASSOC_NOTFOUND with `what` when the statement changed no row. */
void src_changed_or_notfound(src *x, const char *fn, const char *what);
/* The end: "done:", release, return rc (or `ret`), "}". */
void src_close(src *x, const char *ret);

/* The condition under which obj's field of col holds SQL NULL, into buf,
 * or NULL when it never can. */
const char *src_null_cond(char *buf, size_t size, const char *obj, const sch_column *col);
/* A client default as a C expression of the field's type. */
void src_c_default(strbuf *sb, const sch_column *col, const sch_default *d);
/* The C name of an enum column's descriptor (assoc_enum): "task__enum_status". */
const char *src_enum_desc(char *buf, size_t size, const sch_column *col);
/* The C name of a model's row type descriptor: "user__type". */
const char *src_type(src *x, const sch_model *m, char *buf, size_t size);

/* The families. */
void src_rows(src *x, const sch_model *m);          /* readers, row type (statics) */
void src_fn_rows(src *x, const api_fn *f);          /* _free, _list_free */
void src_fn_crud(src *x, const api_fn *f);          /* create_all, insert, get, update, reads, look-ups */
void src_fn_rel(src *x, const api_fn *f);           /* relationship functions */
void src_fn_delete(src *x, const api_fn *f);        /* _delete */
void src_fn_load(src *x, const api_fn *f);          /* _load, _load_each, _count of a relationship */
void src_fn_query(src *x, const api_fn *f);         /* a declared query's functions */
/* The steps of a delete plan (emit_src_delete.c); with `deleted`, the
 * count of the plan's own rows goes into *deleted. */
void src_delete_steps(src *x, const api_fn *f, const plan_delete *del, bool deleted);
/* A query's variant table (the statements by variant, and the number of
 * each slot in each), printed above its first function. */
void src_variants(src *x, const plan_variants *v);
void src_cascade(src *x, const plan_cascade *c);    /* a cascade descriptor */
void src_spec(src *x, const plan_spec *sp);         /* the tables verify compares (statics) */
void src_fn_verify(src *x, const api_fn *f);        /* <schema>_verify */

#endif
