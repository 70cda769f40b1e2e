/* check_query.h - checking a model's declared queries (SPEC 6): the
 * checker calls it once relationships and backrefs are resolved, since a
 * query's paths go through them. */
#ifndef ASSOCGEN_CHECK_QUERY_H
#define ASSOCGEN_CHECK_QUERY_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"
#include "schema.h"

typedef struct qcheck_env {
    diag_ctx *d;
    arena *a;                  /* the schema's: the resolved query lives there */
    bool nomem;
    bool damaged;              /* the model's body lost a member to a syntax error:
                                  a name missing from it may be the one dropped */
} qcheck_env;

/* Check the query member q of model m, report what is wrong, and when it
 * is right append the resolved query to m->queries (whose room, for
 * nqueries_max queries, the caller has made). */
void check_query(qcheck_env *env, sch_model *m, const ast_member *q);

/* At most this many optional parameters in one query: each combination of
 * those present is a statement of its own. */
enum { CHECK_MAX_OPTIONAL = 6 };

#endif
