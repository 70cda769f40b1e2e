/* plan_load.c - batched loads and collection counts (SPEC 6).
 *
 * A batched load reads a relationship for a chunk of parents in one
 * statement: the chunk is a VALUES list of (parent's index, parent's join
 * value) pairs, joined to the related rows, which come back with the
 * parent's index after their own columns, ordered by it and then by the
 * relationship's order.  A repeated parent is one pair per occurrence; a
 * parent whose join value is NULL matches nothing; the last chunk binds
 * NULL pairs for its empty places.  The statement is constant, whatever n.
 * PostgreSQL types the VALUES by their first row, hence its casts.
 */
#include <stdio.h>
#include <string.h>

#include "plan_int.h"

static const char *pg_cast(const sch_column *col)
{
    switch (col->type) {
    case SCH_INTEGER: return "BIGINT";
    case SCH_FLOAT: return "DOUBLE PRECISION";
    case SCH_BOOLEAN: return "BOOLEAN";
    case SCH_TEXT: case SCH_STRING: case SCH_ENUM: return "TEXT";
    case SCH_DATETIME: return "TIMESTAMP";
    case SCH_BLOB: return "BYTEA";
    }
    return "TEXT";
}

static void plan_chunk(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    const sch_table *tt = r->target->table;
    plan_load *l = plan_alloc(p, sizeof *l);
    if (l == NULL)
        return;
    f->plan->load = l;
    l->key = r->owner_col;
    l->key_bind = pb_field(r->owner_col, "parents[at].");

    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "WITH p(i, k) AS (VALUES ");
    for (int i = 0; i < API_LOAD_CHUNK; i++) {
        if (i)
            sqlb_puts(&b, i % 8 == 0 ? ",\n" : ", ");
        strbuf lite = STRBUF_INIT, pg = STRBUF_INIT;
        strbuf_printf(&lite, "($%d, $%d)", 2 * i + 1, 2 * i + 2);
        strbuf_printf(&pg, "($%d::BIGINT, $%d::%s)", 2 * i + 1, 2 * i + 2, pg_cast(l->key));
        sqlb_dialect(&b, strbuf_str(&lite), strbuf_str(&pg));
        strbuf_free(&lite);
        strbuf_free(&pg);
    }
    sqlb_puts(&b, ")\nSELECT ");
    for (size_t i = 0; i < tt->ncolumns; i++) {
        if (i)
            sqlb_puts(&b, ", ");
        sqlb_acol(&b, "t", tt->columns[i]);
    }
    sqlb_puts(&b, ", p.i\nFROM p JOIN ");
    if (r->kind == SCH_MANY_TO_MANY) {
        /* A semi-join, as the single load: each target once per parent,
         * however many association rows link the two. */
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, " t ON ");
        sqlb_acol(&b, "t", r->target_col);
        sqlb_puts(&b, " IN (SELECT ");
        sqlb_acol(&b, "a", r->sec_target_col);
        sqlb_puts(&b, " FROM ");
        sqlb_ident(&b, r->secondary->name);
        sqlb_puts(&b, " a WHERE ");
        sqlb_acol(&b, "a", r->sec_owner_col);
        sqlb_puts(&b, " = p.k)");
    } else if (r->kind == SCH_ONE_TO_ONE && tt->npk == 1) {
        /* The first child only, as the single load reads it. */
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, " t ON ");
        sqlb_acol(&b, "t", tt->pk[0]);
        sqlb_puts(&b, " = (SELECT ");
        sqlb_acol(&b, "x", tt->pk[0]);
        sqlb_puts(&b, " FROM ");
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, " x WHERE ");
        sqlb_acol(&b, "x", r->target_col);
        sqlb_puts(&b, " = p.k ORDER BY ");
        if (r->order_by) {
            sqlb_acol(&b, "x", r->order_by);
            if (r->order_by->nullable)
                sqlb_puts(&b, r->order_desc ? " DESC NULLS LAST" : " NULLS FIRST");
            else if (r->order_desc)
                sqlb_puts(&b, " DESC");
            sqlb_puts(&b, ", ");
        }
        sqlb_acol(&b, "x", tt->pk[0]);
        sqlb_puts(&b, " LIMIT 1)");
    } else {
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, " t ON ");
        sqlb_acol(&b, "t", r->target_col);
        sqlb_puts(&b, " = p.k");
    }
    sqlb_puts(&b, "\nORDER BY p.i");
    if (r->order_by) {
        sqlb_puts(&b, ", ");
        sqlb_acol(&b, "t", r->order_by);
        if (r->order_by->nullable)
            sqlb_puts(&b, r->order_desc ? " DESC NULLS LAST" : " NULLS FIRST");
        else if (r->order_desc)
            sqlb_puts(&b, " DESC");
    }
    for (size_t k = 0; k < tt->npk; k++)
        if (tt->pk[k] != r->order_by) {
            sqlb_puts(&b, ", ");
            sqlb_acol(&b, "t", tt->pk[k]);
        }
    /* The two functions run one text: the first names it. */
    const api_fn *first = f;
    if (f->kind == API_REL_LOAD_EACH) {
        const api_fn *load = api_find(p->a, API_REL_LOAD, f->model, r);
        if (load)
            first = load;
    }
    l->sql = sqlb_sql(&b, first, "chunk", false);
    sqlb_free(&b);
}

/* The size of a collection: its rows, or the distinct targets linked. */
static void plan_count(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    sqlb b;
    sqlb_init(&b, p);
    if (r->kind == SCH_MANY_TO_MANY) {
        sqlb_puts(&b, "SELECT count(DISTINCT ");
        sqlb_col(&b, r->sec_target_col);
        sqlb_puts(&b, ")\nFROM ");
        sqlb_ident(&b, r->secondary->name);
        sqlb_puts(&b, "\nWHERE ");
        sqlb_col(&b, r->sec_owner_col);
    } else {
        sqlb_puts(&b, "SELECT count(*)\nFROM ");
        sqlb_ident(&b, r->target->table->name);
        sqlb_puts(&b, "\nWHERE ");
        sqlb_col(&b, r->target_col);
    }
    sqlb_puts(&b, " = ");
    sqlb_param(&b, pb_set(r->owner_col, "r->"));
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

void plan_load_fn(planner *p, api_fn *f)
{
    if (f->kind == API_REL_COUNT)
        plan_count(p, f);
    else
        plan_chunk(p, f);
}
