/* plan_load.c - batched loads and collection counts (SPEC 6).
 *
 * A batched load reads a relationship for a chunk of parents in one
 * statement: the chunk is a VALUES list of (place, join value) pairs, the
 * place a literal (0, 1, ...) and the value bound, joined to the related
 * rows, which come back with the parent's place after their own columns,
 * by place and then in the relationship's order.  A repeated parent is one
 * pair per occurrence; a parent whose join value is NULL matches nothing;
 * the last chunk binds NULL for its empty places.  Two statements per
 * load, constant whatever n: one of API_LOAD_CHUNK places, and one of
 * API_LOAD_SMALL for a last chunk that small (a load of a few parents binds
 * a few values, not a hundred).
 *
 * SQLite's text joins the list with CROSS JOIN, which makes it the outer
 * loop (SQLite's rule for CROSS JOIN): the list is then read as a
 * co-routine, where a plain JOIN materializes it into a table for every
 * run (a tenth of the instructions of user_products_load went there), and
 * the rows come in the list's order.  The owner's column is indexed (the
 * checker's fk_indexed), so each place is one index search.  A to-one
 * relationship has at most one row per parent (a one-to-one its first
 * child, whatever the target's key): no sort; _load groups rows by place
 * whatever their order, and _load_each of a to-one lends them in the
 * list's order (each_streams).
 * A collection is ordered by place and the relationship's order, or (by
 * key) not at all; PostgreSQL, which has no such rule, orders a to-one
 * load by place.  PostgreSQL types the VALUES by their first row, hence
 * its casts.
 */
#include <stdio.h>
#include <string.h>

#include "plan_int.h"

/* by_key: the collection's rows in no particular order and, through an
 * association table, a target as often as it is linked (plan_load's
 * by_key); else by place and in the relationship's order, each once. */
static plan_sql *chunk_sql(planner *p, const api_fn *first, const sch_rel *r, int places, bool by_key,
                           const char *role)
{
    const sch_table *tt = r->target->table;
    bool to_one = r->kind == SCH_MANY_TO_ONE || r->kind == SCH_ONE_TO_ONE;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "WITH p(i, k) AS (VALUES ");
    for (int i = 0; i < places; i++) {
        if (i)
            sqlb_puts(&b, i % 8 == 0 ? ",\n" : ", ");
        strbuf lite = STRBUF_INIT, pg = STRBUF_INIT;
        strbuf_printf(&lite, "(%d, $%d)", i, i + 1);
        strbuf_printf(&pg, "(%d, $%d::%s)", i, i + 1, sqlb_pg_type(r->owner_col));
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
    sqlb_puts(&b, ", p.i\nFROM p ");
    sqlb_dialect(&b, "CROSS JOIN ", "JOIN ");
    if (r->kind == SCH_MANY_TO_MANY) {
        /* Through the association rows, as the single load: a target
         * linked twice to one parent comes twice, and the grouping by
         * place and key keeps it once (one sort for the chunk, where a
         * semi-join would index the linked keys for every parent). */
        sqlb_ident(&b, r->secondary->name);
        sqlb_puts(&b, " a ON ");
        sqlb_acol(&b, "a", r->sec_owner_col);
        sqlb_puts(&b, " = p.k\nJOIN ");
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, " t ON ");
        sqlb_acol(&b, "t", r->target_col);
        sqlb_puts(&b, " = ");
        sqlb_acol(&b, "a", r->sec_target_col);
        if (!by_key) {
            sqlb_puts(&b, "\nGROUP BY p.i");
            for (size_t k = 0; k < tt->npk; k++) {
                sqlb_puts(&b, ", ");
                sqlb_acol(&b, "t", tt->pk[k]);
            }
        }
    } else if (r->kind == SCH_ONE_TO_ONE) {
        /* The first child only, as the single load reads it. */
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, " t ON ");
        sqlb_first_child(&b, r, "t", "p.k");
    } else {
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, " t ON ");
        sqlb_acol(&b, "t", r->target_col);
        sqlb_puts(&b, " = p.k");
    }
    if (to_one) {
        sqlb_dialect(&b, "", "\nORDER BY p.i");
    } else if (!by_key) {
        sqlb_puts(&b, "\nORDER BY p.i, ");
        sqlb_order_terms(&b, tt, "t", r->order_by, r->order_desc);
    }
    plan_sql *sql = sqlb_sql(&b, first, role, false);
    sqlb_free(&b);
    return sql;
}

static void plan_chunk(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    plan_load *l = plan_alloc(p, sizeof *l);
    if (l == NULL)
        return;
    f->plan->load = l;
    l->key = r->owner_col;
    l->key_bind = pb_field(r->owner_col, "parents[at].");
    /* A collection in key order (no order_by) is gathered with neither
     * GROUP BY nor ORDER BY: libassoc puts each parent's rows in key order
     * and keeps each once (assoc_load_init's by_key), where the database
     * would sort the whole chunk (SQLite's sorter took two thirds of the
     * statement's steps).  _load_each gathers each chunk as _load does and
     * lends its rows before the next: the two share the texts, which
     * _load names. */
    bool collection = r->kind == SCH_ONE_TO_MANY || r->kind == SCH_MANY_TO_MANY;
    l->by_key = collection && r->order_by == NULL;
    const api_fn *first = f;
    if (f->kind == API_REL_LOAD_EACH) {
        const api_fn *load = api_find(p->a, API_REL_LOAD, f->model, r);
        if (load)
            first = load;
    }
    l->chunk_fn = plan_printf(p, "%s_%s__chunk", f->model->snake, r->name);
    /* A to-one load has no order to make and no repeats to drop: _load_each
     * lends its rows as the statement gives them, in the list's order
     * (SQLite reads the list first, as CROSS JOIN makes it; PostgreSQL's
     * text orders by place), without copying them into a chunk first. */
    l->each_streams = !collection;
    if (l->chunk_fn == NULL)
        p->nomem = true;
    l->sql = chunk_sql(p, first, r, API_LOAD_CHUNK, l->by_key, "chunk");
    l->sql_small = chunk_sql(p, first, r, API_LOAD_SMALL, l->by_key, "chunk_small");
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
