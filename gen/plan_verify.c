/* plan_verify.c - the description of the schema's tables that
 * <schema>_verify and create_all hold against the database (SPEC 7): for
 * each table create_all makes, each column with its declared type and
 * that type's affinity, its place in the key, NOT NULL, UNIQUE and
 * foreign key as the DDL (plan_ddl.c) declares them, whether it is json or
 * an enum (whose types other programs declare their own way), and the table's
 * unique(a, b) constraints.  libassoc's assoc_verify() does the comparing
 * (runtime/verify.c); this decides what it compares with. */
#include <string.h>

#include "plan_int.h"

static const char *affinity(sch_type t)
{
    switch (t) {
    case SCH_INTEGER: return "ASSOC_AFFINITY_INTEGER";
    case SCH_FLOAT: return "ASSOC_AFFINITY_REAL";
    case SCH_TEXT:
    case SCH_STRING:
    case SCH_ENUM: return "ASSOC_AFFINITY_TEXT";
    case SCH_BLOB: return "ASSOC_AFFINITY_BLOB";
    case SCH_BOOLEAN:
    case SCH_DATETIME: return "ASSOC_AFFINITY_NUMERIC";
    }
    return "ASSOC_AFFINITY_NUMERIC";
}

static void spec_table(planner *p, plan_spec *sp, plan_spec_table *st, const sch_table *t)
{
    st->t = t;
    st->cols = plan_alloc(p, (t->ncolumns + 1) * sizeof *st->cols);
    st->uniques = plan_alloc(p, (t->nconstraints + 1) * sizeof *st->uniques);
    if (st->cols == NULL || st->uniques == NULL)
        return;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        plan_spec_col *c = &st->cols[st->ncols++];
        char type[64];
        c->col = col;
        c->type = plan_printf(p, "%s", plan_ddl_type(col, false, type, sizeof type));
        c->affinity = affinity(col->type);
        c->primary_key = col->primary_key;
        c->rowid = col->is_rowid;
        c->json = col->json;
        c->enumerated = col->type == SCH_ENUM;
        /* As the DDL has them: a key column is NOT NULL by being one, and
         * a key of one column unique. */
        c->not_null = col->not_null && !col->primary_key;
        c->unique = col->unique && !(col->primary_key && t->npk == 1);
        c->ondelete = col->fk ? sch_fk_action_sql(col->ondelete) : NULL;
    }
    for (size_t k = 0; k < t->nconstraints; k++) {
        const sch_constraint *con = &t->constraints[k];
        if (!con->unique)
            continue;
        strbuf list = STRBUF_INIT;
        for (size_t j = 0; j < con->ncolumns; j++) {
            /* A SQL name given by column("...") may hold what separates
             * the names: quoted then, as SQL quotes it. */
            const char *name = con->columns[j]->sql_name;
            strbuf_puts(&list, j ? ", " : "");
            if (strpbrk(name, " ,\"") == NULL) {
                strbuf_puts(&list, name);
                continue;
            }
            strbuf_putc(&list, '"');
            for (const char *ch = name; *ch; ch++) {
                if (*ch == '"')
                    strbuf_putc(&list, '"');
                strbuf_putc(&list, *ch);
            }
            strbuf_putc(&list, '"');
        }
        st->uniques[st->nuniques++] = plan_printf(p, "%s", strbuf_str(&list));
        if (list.failed)
            p->nomem = true;
        strbuf_free(&list);
    }
    sp->ncols += st->ncols;
    sp->nuniques += st->nuniques;
}

/* The schema's description, built on first use and shared by create_all
 * and verify. */
const plan_spec *plan_spec_of(planner *p)
{
    if (p->ps->spec)
        return p->ps->spec;
    const sch_schema *s = p->a->s;
    plan_spec *sp = plan_alloc(p, sizeof *sp);
    if (sp == NULL)
        return NULL;
    sp->cname = plan_printf(p, "%s__schema", p->a->cbase);
    sp->cname_tables = plan_printf(p, "%s__schema_tables", p->a->cbase);
    sp->cname_columns = plan_printf(p, "%s__schema_columns", p->a->cbase);
    sp->cname_uniques = plan_printf(p, "%s__schema_uniques", p->a->cbase);
    sp->tables = plan_alloc(p, (s->ntables + 1) * sizeof *sp->tables);
    if (sp->tables == NULL)
        return NULL;
    for (size_t i = 0; i < s->ntables && !p->nomem; i++)
        spec_table(p, sp, &sp->tables[sp->ntables++], s->tables[i]);
    p->ps->spec = sp;
    return sp;
}

void plan_verify(planner *p, api_fn *f)
{
    f->plan->spec = plan_spec_of(p);
}
