/* api.h - the generated API: one table of every name the generated code
 * defines, built once from the resolved schema.
 *
 * A row is a function (its name, what kind it is, its parameters, the
 * comment that documents it), a type, a macro, or a name the generated
 * source keeps for itself (static helpers, SQL constants).  The checker
 * reads the table for clashes, the header emitter prints its public rows,
 * the source emitter gives every function row a body.  Adding a kind of
 * function is adding a row kind here and a body printer there.
 *
 * Names are spelled here and nowhere else (see also the naming scheme in
 * emit.h).  All memory belongs to the arena given to api_build().
 */
#ifndef ASSOCGEN_API_H
#define ASSOCGEN_API_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "schema.h"
#include "strbuf.h"

typedef enum api_kind {
    /* schema */
    API_CREATE_ALL,
    API_VERIFY,
    /* model */
    API_INSERT,
    API_INSERT_MANY,     /* rows in one statement per API_INSERT_ROWS */
    API_GET,
    API_UPDATE,
    API_DELETE,
    API_FIRST,
    API_ALL,
    API_EACH,
    API_COUNT,
    API_GET_BY,          /* col: a unique column */
    API_FIND_BY,         /* col: an indexed column */
    API_FREE,
    API_LIST_FREE,
    API_GROUPS_FREE,     /* model: the target whose Groups type it frees */
    /* relationship */
    API_REL_GET,         /* to-one: the related row */
    API_REL_VIEW,        /* to-one: the related row lent to a callback */
    API_REL_LIST,        /* collection */
    API_REL_EACH,
    API_REL_EACH_WITH,   /* a one-to-many's rows, each with its rel2 (a many-to-one) */
    API_REL_ADD,
    API_REL_REMOVE,
    API_REL_LOAD,        /* batched: the relationship of many parents */
    API_REL_LOAD_EACH,
    API_REL_COUNT,       /* the size of a collection */
    /* declared query */
    API_Q_LIST,
    API_Q_EACH,
    API_Q_FIRST,
    API_Q_COUNT,
    API_Q_EXISTS,
    API_Q_DELETE,
    API_Q_PAGE,
    /* the program's: declared by the header, defined by the program */
    API_DEFAULT_CALL     /* col: a column's default(call f); name is f, unprefixed */
} api_kind;

/* Parents per statement of a batched load (SPEC 6: at least 50 but the
 * last chunk, never one statement per parent). */
enum { API_LOAD_CHUNK = 100 };
/* Rows per statement of <m>_insert_many. */
enum { API_INSERT_ROWS = 16 };

/* The last chunk of at most this many parents runs a statement of this
 * many places, so that a load of a few parents binds a few values. */
enum { API_LOAD_SMALL = 16 };

typedef struct api_param {
    const char *type;        /* "const User *", "int64_t" */
    const char *name;        /* "r", "id" */
} api_param;

typedef struct api_fn {
    api_kind kind;
    const char *name;        /* the C name, with the prefix */
    const char *ret;         /* "int" or "void" */
    api_param *params;
    size_t nparams;
    const sch_model *model;  /* the model it belongs to; NULL for the schema's */
    const sch_rel *rel;      /* API_REL_* */
    const sch_rel *rel2;     /* API_REL_EACH_WITH: the target's to-one relationship */
    const sch_column *col;   /* API_GET_BY, API_FIND_BY */
    const sch_query *query;  /* API_Q_* */
    const char *doc;         /* the comment above its prototype (lines joined by '\n') */
    const char *section;     /* a heading printed before it, or NULL */
    struct plan_fn *plan;    /* what it does (plan.h), set by plan_build() */
} api_fn;

/* Who generates a name, for a clash message: "model User" at its name. */
typedef struct api_name {
    const char *name;        /* without the prefix */
    const char *what;
    loc at;
} api_name;

typedef struct api {
    const sch_schema *s;
    const char *prefix;
    const char *cbase;       /* the schema's C name: models in models_create_all */
    api_fn *fns;             /* in the order the header declares them */
    size_t nfns;
    api_name *names;         /* every name the generated code defines */
    size_t nnames;
} api;

/* The C names a model M (snake m) takes besides its types and macros,
 * NULL-terminated: functions m_<fn> (api_model_fns; insert_many only where
 * free), the generated source's statics m__<name> (api_model_statics), and
 * for each relationship rel, m_rel<suffix> (api_rel_fns: "" is the getter;
 * _view and _count only for some kinds).  api_build's own, and --from-db's,
 * which picks names the checker will take; test_emit checks that every
 * name api_build gives a model is one of these. */
extern const char *const api_model_fns[];
extern const char *const api_model_statics[];
extern const char *const api_rel_fns[];

/* Build the table for the schema (whose base is its C name) and prefix
 * (never NULL; "" for none).  NULL when memory ran out. */
api *api_build(const sch_schema *s, const char *prefix, arena *a);

/* The signature "int user_get(assoc_db *db, int64_t id, User *out)", no
 * ';', appended to sb: the header's prototype and the source's definition
 * are printed from this one place. */
void api_signature(strbuf *sb, const api_fn *f);

/* The first function of a kind for a model and (when not NULL) a
 * relationship, or NULL: what one body calls of another. */
const api_fn *api_find(const api *a, api_kind kind, const sch_model *m, const sch_rel *r);

#endif
