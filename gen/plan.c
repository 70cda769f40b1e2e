/* plan.c - plan_build(): a plan for every row of the api table.  The
 * builders of each family are plan_crud.c, plan_rel.c, plan_delete.c; the
 * SQL builder is plan_sql.c; the DDL plan_ddl.c. */
#include <string.h>

#include "plan_int.h"

plan_schema *plan_build(api *a, arena *mem)
{
    planner p = { .a = a, .mem = mem };
    p.ps = plan_alloc(&p, sizeof *p.ps);
    if (p.ps == NULL)
        return NULL;
    for (size_t i = 0; i < a->nfns && !p.nomem; i++) {
        api_fn *f = &a->fns[i];
        f->plan = plan_alloc(&p, sizeof *f->plan);
        if (f->plan == NULL)
            break;
        switch (f->kind) {
        case API_DELETE:
            plan_delete_fn(&p, f);
            break;
        case API_VERIFY:
            plan_verify(&p, f);
            break;
        case API_REL_GET:
        case API_REL_VIEW:
        case API_REL_LIST:
        case API_REL_EACH:
        case API_REL_EACH_WITH:
        case API_REL_ADD:
        case API_REL_REMOVE:
            plan_rel(&p, f);
            break;
        case API_REL_LOAD:
        case API_REL_LOAD_EACH:
        case API_REL_COUNT:
            plan_load_fn(&p, f);
            break;
        case API_Q_LIST:
        case API_Q_EACH:
        case API_Q_FIRST:
        case API_Q_COUNT:
        case API_Q_EXISTS:
        case API_Q_DELETE:
        case API_Q_PAGE:
            plan_query_fn(&p, f);
            break;
        case API_GROUPS_FREE:
            break;
        default:
            plan_crud(&p, f);
            break;
        }
    }
    symtab_free(&p.texts);
    symtab_free(&p.names);
    return p.nomem ? NULL : p.ps;
}
