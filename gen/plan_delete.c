/* plan_delete.c - what deleting a row does to other rows: SQLAlchemy's
 * rules (SPEC 3), as a plan of set-based statements.
 *
 * Deleting a row of M deletes its association rows in every many-to-many;
 * the children of a one-to-many (or one-to-one) that cascades delete are
 * deleted too, by their own rules, and the children of one that does not
 * keep their rows with the key set to NULL; a many-to-one or many-to-many
 * that cascades delete deletes the row(s) it leads to.  Together the rows
 * to delete are a closure D over the cascades, and they must go in an
 * order their foreign keys allow: a row before the rows it refers to.
 * SQLAlchemy raises CircularDependencyError when rows of D refer to each
 * other in a cycle; so does this plan, with nothing changed.
 *
 * Two plans, chosen here at generation time:
 *
 * The direct plan, when the cascades from M reach each model at most once
 * along one-to-many edges (a tree of tables, as the seed's User -> Order):
 * the rows of each reached table are described by a condition on the key
 * of the row being deleted (children of children through IN (SELECT ...)),
 * so the plan is a fixed list of statements -- children's keys cleared,
 * association rows deleted, then the tables from the deepest up -- each run
 * once, whatever the data.  This is what a careful hand-written program
 * does, and it costs the seed's delete two statements.
 *
 * The general plan, for everything else (self-reference, a cascade to a
 * parent or through a many-to-many, a model reached twice, foreign keys
 * that do not follow the tree): the keys of D are gathered into temporary
 * tables round by round (each round a constant number of statements over
 * the rows the round before found), then deleted round by round in the
 * order of their foreign keys (rows no remaining row refers to first, as
 * Kahn's algorithm peels a graph).  It terminates on any data, uses no
 * recursion, and takes time linear in the rows deleted; a round that can
 * delete nothing while rows remain is a cycle.  libassoc runs it
 * (assoc_cascade_run) from the SQL planned here.
 */
#include <string.h>

#include "plan_int.h"

static bool cascades(const sch_rel *r)
{
    return !r->viewonly && (r->cascade & SCH_CASCADE_DELETE) != 0;
}

static bool is_child(const sch_rel *r)
{
    return r->kind == SCH_ONE_TO_MANY || r->kind == SCH_ONE_TO_ONE;
}

bool plan_delete_has_rules(const sch_model *m)
{
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly)
            continue;
        if (r->kind != SCH_MANY_TO_ONE || cascades(r))
            return true;
    }
    return false;
}

/* A many-to-many whose association rows a one-to-many delete cascade of the
 * same model deletes already (the seed's User.products and User.orders). */
static bool assoc_rows_covered(const sch_model *m, const sch_rel *mm)
{
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (is_child(r) && cascades(r) && r->target->table == mm->secondary && r->target_col == mm->sec_owner_col)
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* The models a delete of M reaches                                     */

enum { MAX_DIRECT_DEPTH = 6 };

typedef struct reach {
    const sch_model **m;       /* in the order reached, M first */
    const sch_rel **via;       /* the cascade that reached each (NULL for M) */
    int *depth;
    size_t n, cap;
    bool direct;               /* the direct plan applies */
} reach;

static ptrdiff_t reach_index(const reach *r, const sch_model *m)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->m[i] == m)
            return (ptrdiff_t)i;
    return -1;
}

static ptrdiff_t reach_table(const reach *r, const sch_table *t)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->m[i]->table == t)
            return (ptrdiff_t)i;
    return -1;
}

static bool reach_add(planner *p, reach *r, const sch_model *m, const sch_rel *via, int depth)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 8;
        const sch_model **nm = plan_alloc(p, ncap * sizeof *nm);
        const sch_rel **nv = plan_alloc(p, ncap * sizeof *nv);
        int *nd = plan_alloc(p, ncap * sizeof *nd);
        if (!nm || !nv || !nd)
            return false;
        if (r->n) {
            memcpy(nm, r->m, r->n * sizeof *nm);
            memcpy(nv, r->via, r->n * sizeof *nv);
            memcpy(nd, r->depth, r->n * sizeof *nd);
        }
        r->m = nm;
        r->via = nv;
        r->depth = nd;
        r->cap = ncap;
    }
    r->m[r->n] = m;
    r->via[r->n] = via;
    r->depth[r->n] = depth;
    r->n++;
    return true;
}

/* Every model the cascades from M reach (breadth first), and whether the
 * direct plan can delete them. */
static bool reach_from(planner *p, const sch_model *M, reach *r)
{
    memset(r, 0, sizeof *r);
    if (!reach_add(p, r, M, NULL, 0))
        return false;
    r->direct = true;
    for (size_t i = 0; i < r->n; i++) {
        const sch_model *x = r->m[i];
        for (size_t k = 0; k < x->nrels; k++) {
            const sch_rel *e = x->rels[k];
            if (!cascades(e))
                continue;
            if (!is_child(e))
                r->direct = false;       /* to a parent, or through a many-to-many */
            else if (e->target_col->post_update)
                r->direct = false;       /* the key that finds the children is cleared first */
            ptrdiff_t at = reach_index(r, e->target);
            if (at >= 0) {
                r->direct = false;       /* reached twice, or a cycle */
                continue;
            }
            if (r->depth[i] + 1 > MAX_DIRECT_DEPTH)
                r->direct = false;
            if (!reach_add(p, r, e->target, e, r->depth[i] + 1))
                return false;
        }
    }
    if (!r->direct)
        return true;
    for (size_t i = 0; i < r->n; i++) {
        const sch_model *x = r->m[i];
        for (size_t k = 0; k < x->nrels; k++) {
            const sch_rel *e = x->rels[k];
            if (e->viewonly)
                continue;
            /* a child whose key is cleared while it may also be deleted */
            if (is_child(e) && !cascades(e) && reach_index(r, e->target) >= 0)
                r->direct = false;
            /* association rows that are rows of a reached table */
            if (e->kind == SCH_MANY_TO_MANY && !assoc_rows_covered(x, e) && reach_table(r, e->secondary) >= 0)
                r->direct = false;
        }
        /* foreign keys among reached tables must point up the tree (a
         * post_update key is cleared before any row goes: no order) */
        const sch_table *t = x->table;
        for (size_t c = 0; c < t->ncolumns; c++) {
            const sch_column *fk = t->columns[c]->fk;
            if (fk == NULL || t->columns[c]->post_update)
                continue;
            ptrdiff_t to = reach_table(r, fk->table);
            if (to >= 0 && (fk->table == t || r->depth[to] >= r->depth[i]))
                r->direct = false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The direct plan                                                      */

typedef struct dplan {
    planner *p;
    api_fn *f;
    const reach *r;
    bool set;                  /* the rows of M are those in its key table, not the row r */
    pd_step *steps;
    size_t n, cap;
    /* PostgreSQL's one statement (plan_delete.pg_one): each step a WITH
     * of the row's delete instead of a step of its own */
    bool one;
    size_t nwith;
    plan_stmt one_stmt;
} dplan;

static void add_step(dplan *d, pd_kind kind, plan_stmt st, const char *comment)
{
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 8;
        pd_step *ns = plan_alloc(d->p, ncap * sizeof *ns);
        if (ns == NULL)
            return;
        if (d->n)
            memcpy(ns, d->steps, d->n * sizeof *ns);
        d->steps = ns;
        d->cap = ncap;
    }
    d->steps[d->n++] = (pd_step){ kind, st, comment };
}

static void keys_table(sqlb *b, const sch_table *t);

/* The condition that holds for the rows of reached model i that the delete
 * takes: the row itself for M (or the rows in its key table); for a child,
 * its key in the parent rows' join column.  A field of r is bound once per
 * statement (keyed by its column): PostgreSQL's one statement names the
 * row's key in every WITH as the same $1. */
static void cond(sqlb *b, const reach *r, size_t i, bool set)
{
    const sch_rel *via = r->via[i];
    if (via == NULL) {
        const sch_table *t = r->m[0]->table;
        if (set) {
            sqlb_puts(b, t->npk > 1 ? "(" : "");
            for (size_t k = 0; k < t->npk; k++) {
                if (k)
                    sqlb_puts(b, ", ");
                sqlb_col(b, t->pk[k]);
            }
            sqlb_puts(b, t->npk > 1 ? ") IN (SELECT " : " IN (SELECT ");
            for (size_t k = 0; k < t->npk; k++)
                sqlb_printf(b, "%sd.k%zu", k ? ", " : "", k + 1);
            sqlb_puts(b, " FROM ");
            keys_table(b, t);
            sqlb_puts(b, " d)");
            return;
        }
        for (size_t k = 0; k < t->npk; k++) {
            if (k)
                sqlb_puts(b, " AND ");
            sqlb_col(b, t->pk[k]);
            sqlb_puts(b, " = ");
            sqlb_param_keyed(b, t->pk[k], pb_set(t->pk[k], "r->"));
        }
        return;
    }
    size_t parent = (size_t)reach_index(r, via->owner);
    sqlb_col(b, via->target_col);
    if (parent == 0 && !set) {
        sqlb_puts(b, " = ");
        sqlb_param_keyed(b, via->owner_col, pb_field(via->owner_col, "r->"));
        return;
    }
    sqlb_puts(b, " IN (SELECT ");
    sqlb_col(b, via->owner_col);
    sqlb_puts(b, " FROM ");
    sqlb_ident(b, via->owner->table->name);
    sqlb_puts(b, " WHERE ");
    cond(b, r, parent, set);
    sqlb_puts(b, ")");
}

/* "<col> IN (SELECT <x's owner column> FROM x WHERE cond(x))", or
 * "<col> = $r.<owner column>" for the row r itself. */
static void joined_to(sqlb *b, const reach *r, size_t i, const sch_column *col, const sch_column *owner_col,
                      bool set)
{
    sqlb_col(b, col);
    if (i == 0 && !set) {
        sqlb_puts(b, " = ");
        sqlb_param_keyed(b, owner_col, pb_field(owner_col, "r->"));
        return;
    }
    sqlb_puts(b, " IN (SELECT ");
    sqlb_col(b, owner_col);
    sqlb_puts(b, " FROM ");
    sqlb_ident(b, r->m[i]->table->name);
    sqlb_puts(b, " WHERE ");
    cond(b, r, i, set);
    sqlb_puts(b, ")");
}

/* The relationship that made col a post_update key, for comments. */
static const sch_rel *post_update_rel(const sch_model *m, const sch_column *col)
{
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *e = m->rels[k];
        if (e->post_update && (e->kind == SCH_MANY_TO_ONE ? e->owner_col : e->target_col) == col)
            return e;
        if (e->reverse && e->reverse->post_update &&
            (e->reverse->kind == SCH_MANY_TO_ONE ? e->reverse->owner_col : e->reverse->target_col) == col)
            return e->reverse;
    }
    return NULL;
}

static const char *post_update_comment(planner *p, const sch_table *t, const sch_column *col)
{
    const sch_rel *e = t->model ? post_update_rel(t->model, col) : NULL;
    if (e == NULL && col->fk->table->model)
        e = post_update_rel(col->fk->table->model, col);     /* a one-to-many's */
    if (e)
        return plan_printf(p, "%s.%s is post_update: %s.%s is cleared before the rows go.", e->owner->name, e->name,
                           t->name, col->name);
    return plan_printf(p, "%s.%s (post_update) is cleared before the rows go.", t->name, col->name);
}

/* A step of the plan begins: on PostgreSQL's one statement, as the next
 * WITH of the row's delete. */
static void step_begin(dplan *d, sqlb *b)
{
    if (!d->one)
        return;
    d->nwith++;
    sqlb_printf(b, "%sd%zu AS (", d->nwith > 1 ? ",\n" : "WITH ", d->nwith);
}

static void step_end(dplan *d, sqlb *b, const char *role, const char *comment)
{
    if (d->one)
        sqlb_puts(b, ")");
    else
        add_step(d, PD_EXEC, sqlb_stmt(b, d->f, role), comment);
}

static void plan_direct(dplan *d)
{
    planner *p = d->p;
    const reach *r = d->r;
    sqlb b;
    sqlb_init(&b, p);
    /* 0. post_update keys of the rows to delete, cleared first: such a key
     *    may point down the tree (a topic's first post), and is no order
     *    (SQLAlchemy's post_update).  None of them finds a reached row. */
    for (size_t i = 0; i < r->n; i++) {
        const sch_table *t = r->m[i]->table;
        for (size_t c = 0; c < t->ncolumns; c++) {
            const sch_column *col = t->columns[c];
            if (!col->post_update)
                continue;
            step_begin(d, &b);
            sqlb_puts(&b, "UPDATE ");
            sqlb_ident(&b, t->name);
            sqlb_puts(&b, "\nSET ");
            sqlb_ident(&b, col->sql_name);
            sqlb_puts(&b, " = NULL\nWHERE ");
            cond(&b, r, i, d->set);
            step_end(d, &b, "post", post_update_comment(p, t, col));
        }
    }
    /* 1. Before any row goes: association rows, children's keys. */
    for (size_t i = 0; i < r->n; i++) {
        const sch_model *x = r->m[i];
        for (size_t k = 0; k < x->nrels; k++) {
            const sch_rel *e = x->rels[k];
            if (e->viewonly)
                continue;
            if (e->kind == SCH_MANY_TO_MANY && !assoc_rows_covered(x, e)) {
                step_begin(d, &b);
                sqlb_puts(&b, "DELETE FROM ");
                sqlb_ident(&b, e->secondary->name);
                sqlb_puts(&b, "\nWHERE ");
                joined_to(&b, r, i, e->sec_owner_col, e->owner_col, d->set);
                step_end(d, &b, e->name,
                         plan_printf(p, "%s.%s: its rows in %s go with the %s%s.", x->name, e->name,
                                     e->secondary->name, x->name, i ? " rows deleted" : " row"));
            } else if (is_child(e) && !cascades(e)) {
                step_begin(d, &b);
                sqlb_puts(&b, "UPDATE ");
                sqlb_ident(&b, e->target->table->name);
                sqlb_puts(&b, "\nSET ");
                sqlb_ident(&b, e->target_col->sql_name);
                sqlb_puts(&b, " = NULL\nWHERE ");
                joined_to(&b, r, i, e->target_col, e->owner_col, d->set);
                step_end(d, &b, e->name,
                         plan_printf(p, "%s.%s: the children stay, their %s set to NULL.", x->name, e->name,
                                     e->target_col->name));
            }
        }
    }
    /* 2. The rows, the deepest table first (a row before the rows it
     *    refers to), the row itself last. */
    int maxd = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->depth[i] > maxd)
            maxd = r->depth[i];
    for (int depth = maxd; depth >= 1; depth--)
        for (size_t i = r->n; i-- > 0;) {
            if (r->depth[i] != depth)
                continue;
            const sch_rel *via = r->via[i];
            step_begin(d, &b);
            sqlb_puts(&b, "DELETE FROM ");
            sqlb_ident(&b, r->m[i]->table->name);
            sqlb_puts(&b, "\nWHERE ");
            cond(&b, r, i, d->set);
            step_end(d, &b, via->name, plan_printf(p, "%s.%s cascades delete.", via->owner->name, via->name));
        }
    const sch_table *t = r->m[0]->table;
    if (d->one)
        sqlb_puts(&b, "\n");
    sqlb_puts(&b, "DELETE FROM ");
    sqlb_ident(&b, t->name);
    if (d->set) {
        sqlb_puts(&b, "\nWHERE ");
        cond(&b, r, 0, true);
        add_step(d, PD_ROWS, sqlb_stmt(&b, d->f, "rows"), plan_printf(p, "The %s rows themselves.", r->m[0]->name));
    } else if (d->one) {
        sqlb_puts(&b, "\nWHERE ");
        cond(&b, r, 0, false);
        d->one_stmt = sqlb_stmt(&b, d->f, "pg");
        if (d->one_stmt.sql)
            d->one_stmt.sql->pg_only = true;
    } else {
        sqlb_where_key(&b, t, PB_FIELD_SET, "r->");
        add_step(d, PD_ROW, sqlb_stmt(&b, d->f, "sql"), NULL);
    }
    sqlb_free(&b);
}

/* ------------------------------------------------------------------ */
/* The general plan                                                     */

/* The key table of table t: temp table assoc_del_<t> (table names starting
 * with assoc_ are the library's: the checker refuses them for models). */
static void keys_table(sqlb *b, const sch_table *t)
{
    sqlb_puts(b, "assoc_del_");
    sqlb_puts(b, t->name);
}

static const char *lite_type(const sch_column *col)
{
    switch (col->type) {
    case SCH_INTEGER: case SCH_BOOLEAN: return "INTEGER";
    case SCH_FLOAT: return "REAL";
    case SCH_BLOB: return "BLOB";
    default: return "TEXT";
    }
}

/* "(x.a, x.b)" or "x.a": the key of alias's row of t. */
static void key_of(sqlb *b, const char *alias, const sch_table *t)
{
    if (t->npk > 1)
        sqlb_puts(b, "(");
    for (size_t k = 0; k < t->npk; k++) {
        if (k)
            sqlb_puts(b, ", ");
        sqlb_acol(b, alias, t->pk[k]);
    }
    if (t->npk > 1)
        sqlb_puts(b, ")");
}

/* "(d.k1, d.k2)" or "d.k1". */
static void keys_of(sqlb *b, const char *alias, const sch_table *t)
{
    if (t->npk > 1)
        sqlb_puts(b, "(");
    for (size_t k = 0; k < t->npk; k++)
        sqlb_printf(b, "%s%s.k%zu", k ? ", " : "", alias, k + 1);
    if (t->npk > 1)
        sqlb_puts(b, ")");
}

/* "x.a = d.k1 AND x.b = d.k2" */
static void key_join(sqlb *b, const char *alias, const sch_table *t, const char *dalias)
{
    for (size_t k = 0; k < t->npk; k++) {
        if (k)
            sqlb_puts(b, " AND ");
        sqlb_acol(b, alias, t->pk[k]);
        sqlb_printf(b, " = %s.k%zu", dalias, k + 1);
    }
}

/* "JOIN assoc_del_t d ON x.<key> = d.k..." */
static void join_keys(sqlb *b, const char *alias, const sch_table *t, const char *dalias)
{
    sqlb_puts(b, " JOIN ");
    keys_table(b, t);
    sqlb_printf(b, " %s ON ", dalias);
    key_join(b, alias, t, dalias);
}

static plan_sql *general_setup(planner *p, api_fn *f, const reach *r)
{
    sqlb b;
    sqlb_init(&b, p);
    for (size_t i = 0; i < r->n; i++) {
        const sch_table *t = r->m[i]->table;
        sqlb_puts(&b, "CREATE TEMP TABLE IF NOT EXISTS ");
        keys_table(&b, t);
        sqlb_puts(&b, " (");
        for (size_t k = 0; k < t->npk; k++)
            sqlb_printf(&b, "k%zu ", k + 1), sqlb_dialect(&b, lite_type(t->pk[k]), sqlb_pg_type(t->pk[k])),
                sqlb_puts(&b, " NOT NULL, ");
        sqlb_dialect(&b, "rnd INTEGER, cand INTEGER, gone INTEGER", "rnd BIGINT, cand BIGINT, gone BIGINT");
        sqlb_puts(&b, ", PRIMARY KEY (");
        for (size_t k = 0; k < t->npk; k++)
            sqlb_printf(&b, "%sk%zu", k ? ", " : "", k + 1);
        sqlb_puts(&b, "));\n");
        static const char *const cols[] = { "rnd", "cand", "gone" };
        for (size_t c = 0; c < 3; c++) {
            sqlb_puts(&b, "CREATE INDEX IF NOT EXISTS ");
            keys_table(&b, t);
            sqlb_printf(&b, "_%s ON ", cols[c]);
            keys_table(&b, t);
            sqlb_printf(&b, " (%s);\n", cols[c]);
        }
        sqlb_puts(&b, "DELETE FROM ");
        keys_table(&b, t);
        sqlb_puts(&b, ";\n");
    }
    plan_sql *s = sqlb_sql(&b, f, "setup", true);
    sqlb_free(&b);
    return s;
}

/* The rows cascade e reaches from the rows of its owner found in round $1,
 * into the target's key table for the next round.  (Every statement of the
 * engine takes its round as $1 alone: SQLite numbers $-parameters in the
 * order they first appear, so a text with $2 before $1 would bind them the
 * other way round.) */
static plan_sql *general_expand(planner *p, api_fn *f, const sch_rel *e)
{
    const sch_table *y = e->target->table, *x = e->owner->table;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "INSERT INTO ");
    keys_table(&b, y);
    sqlb_puts(&b, " (");
    for (size_t k = 0; k < y->npk; k++)
        sqlb_printf(&b, "k%zu, ", k + 1);
    sqlb_puts(&b, "rnd, cand)\nSELECT ");
    for (size_t k = 0; k < y->npk; k++) {
        sqlb_acol(&b, "y", y->pk[k]);
        sqlb_puts(&b, ", ");
    }
    sqlb_puts(&b, "d.rnd + 1, 0\nFROM ");
    sqlb_ident(&b, y->name);
    sqlb_puts(&b, " y");
    if (e->kind == SCH_MANY_TO_MANY) {
        sqlb_puts(&b, " JOIN ");
        sqlb_ident(&b, e->secondary->name);
        sqlb_puts(&b, " s ON ");
        sqlb_acol(&b, "s", e->sec_target_col);
        sqlb_puts(&b, " = ");
        sqlb_acol(&b, "y", e->target_col);
        sqlb_puts(&b, " JOIN ");
        sqlb_ident(&b, x->name);
        sqlb_puts(&b, " x ON ");
        sqlb_acol(&b, "s", e->sec_owner_col);
        sqlb_puts(&b, " = ");
        sqlb_acol(&b, "x", e->owner_col);
    } else {
        sqlb_puts(&b, " JOIN ");
        sqlb_ident(&b, x->name);
        sqlb_puts(&b, " x ON ");
        sqlb_acol(&b, "y", e->target_col);
        sqlb_puts(&b, " = ");
        sqlb_acol(&b, "x", e->owner_col);
    }
    join_keys(&b, "x", x, "d");
    sqlb_puts(&b, "\nWHERE d.rnd = $1\nON CONFLICT DO NOTHING");
    plan_sql *s = sqlb_sql(&b, f, e->name, false);
    sqlb_free(&b);
    return s;
}

/* "<alias's column> IN (SELECT x.<owner col> FROM x JOIN keys of x)" */
static void in_deleted(sqlb *b, const char *alias, const sch_column *col, const sch_column *owner_col)
{
    const sch_table *x = owner_col->table;
    sqlb_acol(b, alias, col);
    sqlb_puts(b, " IN (SELECT ");
    sqlb_acol(b, "x", owner_col);
    sqlb_puts(b, " FROM ");
    sqlb_ident(b, x->name);
    sqlb_puts(b, " x");
    join_keys(b, "x", x, "d");
    sqlb_puts(b, ")");
}

static void general_before(planner *p, api_fn *f, const reach *r, plan_cascade *c)
{
    sqlb b;
    sqlb_init(&b, p);
    size_t n = 0;
    plan_sql **out = plan_alloc(p, 64 * sizeof *out);
    size_t cap = 64;
    /* post_update keys of the rows in the set: cleared before any goes,
     * so they are no order among them (general_mark leaves them out). */
    for (size_t i = 0; i < r->n && out; i++) {
        const sch_table *t = r->m[i]->table;
        for (size_t k = 0; k < t->ncolumns; k++) {
            const sch_column *col = t->columns[k];
            if (!col->post_update)
                continue;
            sqlb_puts(&b, "UPDATE ");
            sqlb_ident(&b, t->name);
            sqlb_puts(&b, " AS c\nSET ");
            sqlb_ident(&b, col->sql_name);
            sqlb_puts(&b, " = NULL\nWHERE EXISTS (SELECT 1 FROM ");
            keys_table(&b, t);
            sqlb_puts(&b, " dc WHERE ");
            key_join(&b, "c", t, "dc");
            sqlb_puts(&b, ")");
            if (n == cap) {
                plan_sql **m = plan_alloc(p, 2 * cap * sizeof *m);
                if (m == NULL)
                    break;
                memcpy(m, out, n * sizeof *m);
                out = m;
                cap *= 2;
            }
            out[n++] = sqlb_sql(&b, f, "post", false);
        }
    }
    for (size_t i = 0; i < r->n && out; i++) {
        const sch_model *x = r->m[i];
        for (size_t k = 0; k < x->nrels; k++) {
            const sch_rel *e = x->rels[k];
            if (e->viewonly || !(e->kind == SCH_MANY_TO_MANY || (is_child(e) && !cascades(e))))
                continue;
            if (e->kind == SCH_MANY_TO_MANY) {
                sqlb_puts(&b, "DELETE FROM ");
                sqlb_ident(&b, e->secondary->name);
                sqlb_puts(&b, " AS a\nWHERE ");
                in_deleted(&b, "a", e->sec_owner_col, e->owner_col);
            } else {
                const sch_table *ct = e->target->table;
                sqlb_puts(&b, "UPDATE ");
                sqlb_ident(&b, ct->name);
                sqlb_puts(&b, " AS c\nSET ");
                sqlb_ident(&b, e->target_col->sql_name);
                sqlb_puts(&b, " = NULL\nWHERE ");
                in_deleted(&b, "c", e->target_col, e->owner_col);
                if (reach_table(r, ct) >= 0) {
                    /* children that are deleted themselves keep their key */
                    sqlb_puts(&b, " AND NOT EXISTS (SELECT 1 FROM ");
                    keys_table(&b, ct);
                    sqlb_puts(&b, " dc WHERE ");
                    key_join(&b, "c", ct, "dc");
                    sqlb_puts(&b, ")");
                }
            }
            if (n == cap) {
                plan_sql **m = plan_alloc(p, 2 * cap * sizeof *m);
                if (m == NULL)
                    break;
                memcpy(m, out, n * sizeof *m);
                out = m;
                cap *= 2;
            }
            out[n++] = sqlb_sql(&b, f, e->name, false);
        }
    }
    c->before = out;
    c->nbefore = n;
    sqlb_free(&b);
}

/* A foreign key between two reached tables: column fk of table z refers
 * to a row of t (fk->fk->table == t).  A post_update key is cleared
 * before any row goes (general_before): it orders nothing. */
static bool refers_within(const reach *r, const sch_column *fk)
{
    return fk->fk != NULL && !fk->post_update && reach_table(r, fk->table) >= 0 &&
           reach_table(r, fk->fk->table) >= 0;
}

/* Whether a relationship between reached models joins by fk.  One that
 * does is declared on fk's table's model or on its target's (a backref on
 * the other), both reached when refers_within holds. */
static bool declared_fk(const reach *r, const sch_column *fk)
{
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->m[i]->nrels; k++) {
            const sch_rel *e = r->m[i]->rels[k];
            if (e->kind != SCH_MANY_TO_MANY && (e->owner_col == fk || e->target_col == fk))
                return true;
        }
    return false;
}

/* Rows of t in the set, candidates of round $1, that no row of the set
 * still there refers to (a row marked this round still counts).  A key no
 * relationship declares orders only what the database needs ordered, as
 * SQLAlchemy (which does not see it) and the database leave it: not at all
 * when its ON DELETE action takes care of the referring row (CASCADE, SET
 * NULL, SET DEFAULT), and never a row by its reference to itself: SQLite
 * and PostgreSQL check the key when the statement that deletes the row has
 * deleted it (RESTRICT too: it only cannot be deferred), so nothing refers
 * to it then. */
static plan_sql *general_mark(planner *p, api_fn *f, const reach *r, const sch_table *t)
{
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "UPDATE ");
    keys_table(&b, t);
    sqlb_puts(&b, " AS d\nSET gone = $1\nWHERE d.cand = $1 AND d.gone IS NULL");
    for (size_t i = 0; i < r->n; i++) {
        const sch_table *z = r->m[i]->table;
        for (size_t c = 0; c < z->ncolumns; c++) {
            const sch_column *fk = z->columns[c];
            if (!refers_within(r, fk) || fk->fk->table != t)
                continue;
            bool undeclared = !declared_fk(r, fk);
            if (undeclared && (fk->ondelete == SCH_FK_CASCADE || fk->ondelete == SCH_FK_SET_NULL ||
                               fk->ondelete == SCH_FK_SET_DEFAULT))
                continue;
            sqlb_puts(&b, "\nAND NOT EXISTS (SELECT 1 FROM ");
            sqlb_ident(&b, z->name);
            sqlb_puts(&b, " z");
            join_keys(&b, "z", z, "dz");
            if (fk->fk->primary_key && t->npk == 1) {
                sqlb_puts(&b, " WHERE ");
                sqlb_acol(&b, "z", fk);
                sqlb_puts(&b, " = d.k1");
            } else {
                sqlb_puts(&b, " JOIN ");
                sqlb_ident(&b, t->name);
                sqlb_puts(&b, " x ON ");
                sqlb_acol(&b, "z", fk);
                sqlb_puts(&b, " = ");
                sqlb_acol(&b, "x", fk->fk);
                sqlb_puts(&b, " WHERE ");
                key_join(&b, "x", t, "d");
            }
            if (undeclared && z == t) {
                sqlb_puts(&b, " AND NOT (");
                for (size_t k = 0; k < t->npk; k++)
                    sqlb_printf(&b, "%sdz.k%zu = d.k%zu", k ? " AND " : "", k + 1, k + 1);
                sqlb_puts(&b, ")");
            }
            sqlb_puts(&b, " AND (dz.gone IS NULL OR dz.gone = $1))");
        }
    }
    plan_sql *s = sqlb_sql(&b, f, "mark", false);
    sqlb_free(&b);
    return s;
}

/* Rows of the set that rows marked in the round before $1 referred to:
 * candidates of round $1. */
static plan_sql *general_next(planner *p, api_fn *f, const sch_column *fk)
{
    const sch_table *z = fk->table, *t = fk->fk->table;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "UPDATE ");
    keys_table(&b, t);
    sqlb_puts(&b, "\nSET cand = $1\nWHERE gone IS NULL AND ");
    if (t->npk > 1)
        sqlb_puts(&b, "(");
    for (size_t k = 0; k < t->npk; k++)
        sqlb_printf(&b, "%sk%zu", k ? ", " : "", k + 1);
    if (t->npk > 1)
        sqlb_puts(&b, ")");
    sqlb_puts(&b, " IN (SELECT ");
    key_of(&b, "x", t);
    sqlb_puts(&b, " FROM ");
    sqlb_ident(&b, t->name);
    sqlb_puts(&b, " x JOIN ");
    sqlb_ident(&b, z->name);
    sqlb_puts(&b, " z ON ");
    sqlb_acol(&b, "z", fk);
    sqlb_puts(&b, " = ");
    sqlb_acol(&b, "x", fk->fk);
    join_keys(&b, "z", z, "dz");
    sqlb_puts(&b, " WHERE dz.gone = $1 - 1)");
    plan_sql *s = sqlb_sql(&b, f, "next", false);
    sqlb_free(&b);
    return s;
}

static plan_sql *general_remove(planner *p, api_fn *f, const sch_table *t)
{
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "DELETE FROM ");
    sqlb_ident(&b, t->name);
    sqlb_puts(&b, "\nWHERE ");
    if (t->npk > 1)
        sqlb_puts(&b, "(");
    for (size_t k = 0; k < t->npk; k++) {
        if (k)
            sqlb_puts(&b, ", ");
        sqlb_col(&b, t->pk[k]);
    }
    if (t->npk > 1)
        sqlb_puts(&b, ")");
    sqlb_puts(&b, " IN (SELECT ");
    keys_of(&b, "d", t);
    sqlb_puts(&b, " FROM ");
    keys_table(&b, t);
    sqlb_puts(&b, " d WHERE d.gone = $1)");
    plan_sql *s = sqlb_sql(&b, f, "remove", false);
    sqlb_free(&b);
    return s;
}

static plan_sql *general_left(planner *p, api_fn *f, const reach *r)
{
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "SELECT ");
    for (size_t i = 0; i < r->n; i++) {
        const sch_table *t = r->m[i]->table;
        if (i)
            sqlb_puts(&b, "\n + ");
        sqlb_puts(&b, "(SELECT count(*) FROM ");
        keys_table(&b, t);
        sqlb_puts(&b, " d JOIN ");
        sqlb_ident(&b, t->name);
        sqlb_puts(&b, " x ON ");
        key_join(&b, "x", t, "d");
        sqlb_puts(&b, " WHERE d.gone IS NULL)");
    }
    plan_sql *s = sqlb_sql(&b, f, "left", false);
    sqlb_free(&b);
    return s;
}

static plan_sql **sql_array(planner *p, size_t n)
{
    return n ? plan_alloc(p, n * sizeof(plan_sql *)) : NULL;
}

/* The cascade descriptor for a delete starting at r->m[0]. */
static plan_cascade *plan_general(planner *p, api_fn *f, const reach *r)
{
    plan_cascade *c = plan_alloc(p, sizeof *c);
    if (c == NULL)
        return NULL;
    c->cname = plan_printf(p, "%s__sql_cascade", f->name);
    c->setup = general_setup(p, f, r);

    size_t ne = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->m[i]->nrels; k++)
            ne += cascades(r->m[i]->rels[k]);
    c->expand = sql_array(p, ne);
    for (size_t i = 0; i < r->n && (ne == 0 || c->expand); i++)
        for (size_t k = 0; k < r->m[i]->nrels; k++)
            if (cascades(r->m[i]->rels[k]))
                c->expand[c->nexpand++] = general_expand(p, f, r->m[i]->rels[k]);

    general_before(p, f, r, c);

    c->mark = sql_array(p, r->n);
    c->remove = sql_array(p, r->n);
    size_t nfk = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->m[i]->table->ncolumns; k++)
            nfk += refers_within(r, r->m[i]->table->columns[k]);
    c->next = sql_array(p, nfk);
    for (size_t i = 0; i < r->n && c->mark && c->remove; i++) {
        const sch_table *t = r->m[i]->table;
        c->mark[c->nmark++] = general_mark(p, f, r, t);
        c->remove[c->nremove++] = general_remove(p, f, t);
        for (size_t k = 0; k < t->ncolumns && (nfk == 0 || c->next); k++)
            if (refers_within(r, t->columns[k]))
                c->next[c->nnext++] = general_next(p, f, t->columns[k]);
    }
    c->left = general_left(p, f, r);

    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "SELECT count(*) FROM ");
    keys_table(&b, r->m[0]->table);
    c->count = sqlb_sql(&b, f, "count", false);
    sqlb_free(&b);

    strbuf names = STRBUF_INIT;
    for (size_t i = 0; i < r->n; i++)
        strbuf_printf(&names, "%s%s", i ? ", " : "", r->m[i]->table->name);
    c->tables = names.failed ? NULL : arena_strdup(p->mem, strbuf_str(&names));
    strbuf_free(&names);
    if (c->tables == NULL)
        p->nomem = true;

    plan_schema *ps = p->ps;
    if (ps->ncascades == p->ccap) {
        size_t ncap = p->ccap ? p->ccap * 2 : 8;
        plan_cascade **nc = plan_alloc(p, ncap * sizeof *nc);
        if (nc == NULL)
            return c;
        if (ps->ncascades)
            memcpy(nc, ps->cascades, ps->ncascades * sizeof *nc);
        ps->cascades = nc;
        p->ccap = ncap;
    }
    ps->cascades[ps->ncascades++] = c;
    return c;
}

/* ------------------------------------------------------------------ */

void sqlb_keys_table(sqlb *b, const sch_table *t)
{
    keys_table(b, t);
}

plan_sql *plan_keys_setup(planner *p, api_fn *f, const sch_model *m)
{
    reach r;
    memset(&r, 0, sizeof r);
    if (!reach_add(p, &r, m, NULL, 0))
        return NULL;
    return general_setup(p, f, &r);
}

/* Does deleting m's rows touch nothing else?  Then one statement deletes a
 * query's rows. */
static bool delete_is_one_statement(const reach *r)
{
    return r->direct && r->n == 1 && !plan_delete_has_rules(r->m[0]);
}

/* Table t is touched by one more statement: false when one touched it
 * already (or there are too many to tell). */
static bool touch_once(const sch_table **seen, size_t *n, size_t cap, const sch_table *t)
{
    for (size_t i = 0; i < *n; i++)
        if (seen[i] == t)
            return false;
    if (*n == cap)
        return false;
    seen[(*n)++] = t;
    return true;
}

/* Can the direct plan of a row's delete be one statement on PostgreSQL,
 * its steps data-modifying WITHs of the row's delete, with the same
 * effect and the same ASSOC_NOTFOUND?  The WITHs and the delete run on
 * one snapshot and none sees what another changes, where the steps ran
 * one after the other; and the row's delete may find no row, where the
 * atomic section undid what the steps had done.  So:
 *   - each statement touches a table of its own: no row is changed by
 *     two of them (PostgreSQL leaves unpredictable which change wins), and
 *     no step changes what a later one reads (a step reads the reached
 *     tables' keys, and the reached tables are deleted from alone);
 *   - no post_update key: clearing it updates rows the plan then deletes;
 *   - the statements that find rows by the row itself do so by its key
 *     (one column), through a foreign key to it: without the row no row
 *     refers to it (foreign keys are checked at once: create_all makes
 *     none deferrable), so a delete that finds no row changes nothing.
 * Foreign keys are checked, and their ON DELETE actions run, at the
 * statement's end, when every WITH is done, as after the last step. */
static bool one_statement_ok(const reach *r)
{
    const sch_table *t = r->m[0]->table;
    if (t->npk != 1)
        return false;
    const sch_column *key = t->pk[0];
    enum { MAX_TABLES = 64 };
    const sch_table *seen[MAX_TABLES];
    size_t nseen = 0;
    for (size_t i = 0; i < r->n; i++) {
        const sch_model *x = r->m[i];
        for (size_t c = 0; c < x->table->ncolumns; c++)
            if (x->table->columns[c]->post_update)
                return false;
        if (!touch_once(seen, &nseen, MAX_TABLES, x->table))
            return false;
        const sch_rel *via = r->via[i];
        if (via && via->owner == r->m[0] && (via->owner_col != key || via->target_col->fk != key))
            return false;
        for (size_t k = 0; k < x->nrels; k++) {
            const sch_rel *e = x->rels[k];
            if (e->viewonly)
                continue;
            if (e->kind == SCH_MANY_TO_MANY && !assoc_rows_covered(x, e)) {
                if (i == 0 && (e->owner_col != key || e->sec_owner_col->fk != key))
                    return false;
                if (!touch_once(seen, &nseen, MAX_TABLES, e->secondary))
                    return false;
            } else if (is_child(e) && !cascades(e)) {
                if (i == 0 && (e->owner_col != key || e->target_col->fk != key))
                    return false;
                if (!touch_once(seen, &nseen, MAX_TABLES, e->target->table))
                    return false;
            }
        }
    }
    return true;
}

plan_delete *plan_delete_of(planner *p, api_fn *f, const sch_model *m, bool from_set)
{
    reach r;
    if (!reach_from(p, m, &r))
        return NULL;
    if (from_set && delete_is_one_statement(&r))
        return NULL;
    plan_delete *del = plan_alloc(p, sizeof *del);
    if (del == NULL)
        return NULL;
    dplan d = { .p = p, .f = f, .r = &r, .set = from_set };
    if (r.direct) {
        plan_direct(&d);
        if (!from_set && d.n > 1 && one_statement_ok(&r)) {
            dplan one = { .p = p, .f = f, .r = &r, .one = true };
            plan_direct(&one);
            del->pg_one = one.one_stmt;
        }
    } else if (from_set) {
        del->cascade = plan_general(p, f, &r);
        add_step(&d, PD_CASCADE, (plan_stmt){ 0 },
                 plan_printf(p, "Everything their cascades reach, and their rules (%s).",
                             del->cascade ? del->cascade->tables : ""));
    } else {
        del->cascade = plan_general(p, f, &r);
        sqlb b;
        sqlb_init(&b, p);
        const sch_table *t = f->model->table;
        sqlb_puts(&b, "INSERT INTO ");
        keys_table(&b, t);
        sqlb_puts(&b, " (");
        for (size_t k = 0; k < t->npk; k++)
            sqlb_printf(&b, "k%zu, ", k + 1);
        sqlb_puts(&b, "rnd, cand)\nSELECT ");
        for (size_t k = 0; k < t->npk; k++) {
            sqlb_col(&b, t->pk[k]);
            sqlb_puts(&b, ", ");
        }
        sqlb_puts(&b, "0, 0\nFROM ");
        sqlb_ident(&b, t->name);
        sqlb_where_key(&b, t, PB_FIELD_SET, "r->");
        add_step(&d, PD_SEED, sqlb_stmt(&b, f, "seed"), "The row, if it exists, is the first of the set to delete.");
        add_step(&d, PD_CASCADE, (plan_stmt){ 0 },
                 plan_printf(p, "Everything its cascades reach, and their rules (%s).",
                             del->cascade ? del->cascade->tables : ""));
        sqlb_free(&b);
    }
    del->steps = d.steps;
    del->nsteps = d.n;
    del->atomic = d.n > 1 || from_set;
    return del;
}

void plan_delete_fn(planner *p, api_fn *f)
{
    f->plan->del = plan_delete_of(p, f, f->model, false);
}
