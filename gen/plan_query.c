/* plan_query.c - the SQL of declared queries (SPEC 6).
 *
 * A query on model M reads M's table (by its name) and, for each path
 * through to-one relationships, a LEFT JOIN (aliases j1, j2, ...): where
 * the related row is missing its columns are NULL, as section 6 says.  A
 * condition on a collection is a subquery (aliases s1, s2, ...): any(e) is
 * EXISTS, none(e) NOT EXISTS, all(e) NOT EXISTS of a row for which e is
 * false -- in SQL's three-valued logic a row for which e is unknown does
 * not count against it -- and count(e) counts distinct related rows.  No
 * join multiplies M's rows, so no result repeats.
 *
 * Optional parameters (:x?) leave their condition out when absent: one
 * statement per combination of those present, each constant, so that each
 * keeps its indexes ((?1 IS NULL OR ...) forms defeat them).  Parameters
 * are numbered per statement; where each lands in each variant is the
 * plan's slot table, which the emitter prints once.
 *
 * _page is a keyset page: the query's order with the key appended, and
 * after a given row the condition that the next row comes after it in that
 * order, written c1 >= a1 AND (c1 > a1 OR (...)) so that an index on the
 * first column bounds the scan.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "plan_int.h"

typedef struct qjoin {
    const sch_rel *const *rels;
    size_t n;
    char alias[16];
    bool inner;                  /* a condition of the whole where needs the row: JOIN, not LEFT JOIN */
} qjoin;

typedef struct qscope {
    const char *alias;           /* NULL: the main table, by its name */
    const sch_model *m;
    qjoin joins[32];
    size_t njoins;
} qscope;

typedef struct qgen {
    planner *p;
    const sch_query *q;
    sqlb *b;
    unsigned mask;               /* the optional parameters present */
    int aliases;                 /* taken in this statement */
    bool overflow;
} qgen;

/* The key of the page's limit among the slots (any unique address). */
static const char page_limit_key;

static bool present(const qgen *g, const sq_expr *e)
{
    return e->opt == NULL || (g->mask >> e->opt->opt_bit & 1u);
}

/* ------------------------------------------------------------------ */
/* Joins                                                                */

/* The join of the hops rels[0..n): its index in s->joins, or s->njoins
 * when there is none. */
static size_t join_at(const qscope *s, const sch_rel *const *rels, size_t n)
{
    for (size_t i = 0; i < s->njoins; i++) {
        const qjoin *j = &s->joins[i];
        if (j->n != n)
            continue;
        bool same = true;
        for (size_t k = 0; k < n && same; k++)
            same = j->rels[k] == rels[k];
        if (same)
            return i;
    }
    return s->njoins;
}

static const qjoin *find_join(const qscope *s, const sch_rel *const *rels, size_t n)
{
    size_t i = join_at(s, rels, n);
    return i < s->njoins ? &s->joins[i] : NULL;
}

static void add_joins(qgen *g, qscope *s, const sq_path *path)
{
    for (size_t n = 1; n <= path->nrels; n++) {
        if (find_join(s, path->rels, n))
            continue;
        if (s->njoins == sizeof s->joins / sizeof s->joins[0]) {
            g->overflow = true;
            return;
        }
        qjoin *j = &s->joins[s->njoins++];
        j->rels = path->rels;
        j->n = n;
        j->inner = false;
        snprintf(j->alias, sizeof j->alias, "j%d", ++g->aliases);
    }
}

/* A condition that cannot hold where the path's related row is missing
 * (its column is NULL there) needs that row, and every row before it on
 * the path: where such a condition is one of the top-level and-chain's,
 * the query's rows all have them, and a JOIN gives the same rows as a LEFT
 * JOIN -- which SQLite does not always see for itself (not for LIKE). */
static void mark_inner(qscope *s, const sq_path *path)
{
    for (size_t n = 1; n <= path->nrels; n++) {
        size_t i = join_at(s, path->rels, n);
        if (i < s->njoins)
            s->joins[i].inner = true;
    }
}

/* The joins the conditions at this level need (not those inside a
 * subquery, which has its own). */
static void collect(qgen *g, qscope *s, const sq_expr *e, bool top)
{
    if (e == NULL)
        return;
    if (top && !present(g, e))
        return;
    switch (e->kind) {
    case SQ_OR:
    case SQ_AND:
        collect(g, s, e->a, top && e->kind == SQ_AND);
        collect(g, s, e->b, top && e->kind == SQ_AND);
        return;
    case SQ_NOT:
        collect(g, s, e->a, false);
        return;
    default:
        break;
    }
    add_joins(g, s, &e->path);
    for (size_t i = 0; i < e->nrhs; i++)
        if (e->rhs[i].kind == SQO_PATH)
            add_joins(g, s, &e->rhs[i].path);
    bool needs_row = e->kind == SQ_CMP || e->kind == SQ_LIKE || e->kind == SQ_IN || e->kind == SQ_IS_NOT_NULL;
    if (top && needs_row) {
        mark_inner(s, &e->path);
        for (size_t i = 0; i < e->nrhs; i++)
            if (e->rhs[i].kind == SQO_PATH)
                mark_inner(s, &e->rhs[i].path);
    }
}

/* "alias.column" as SQL text: col from the join the to-one hops rels[0..n)
 * of scope s lead to, or from the scope's own row (its alias, or its
 * table's name) when n is 0. */
static const char *path_text(qgen *g, const qscope *s, const sch_rel *const *rels, size_t n, const sch_column *col)
{
    const qjoin *j = n ? find_join(s, rels, n) : NULL;
    strbuf sb = STRBUF_INIT;
    if (j)
        strbuf_puts(&sb, j->alias);
    else if (s->alias)
        strbuf_puts(&sb, s->alias);
    else
        sql_ident(&sb, s->m->table->name);
    strbuf_putc(&sb, '.');
    sql_ident(&sb, col->sql_name);
    const char *text = sb.failed ? NULL : plan_printf(g->p, "%s", strbuf_str(&sb));
    strbuf_free(&sb);
    if (text == NULL) {
        g->p->nomem = true;
        return "";
    }
    return text;
}

/* "alias.column" of a path from scope s. */
static void path_col(qgen *g, const qscope *s, const sq_path *path)
{
    sqlb_puts(g->b, path_text(g, s, path->rels, path->nrels, path->col));
}

/* FROM the scope's table and its joins (LEFT JOINs, or JOINs where the
 * where needs the row: mark_inner).  A one-to-one (a one-to-many of one)
 * joins its first child only, as the relationship reads it. */
static void write_joins(qgen *g, const qscope *s)
{
    for (size_t i = 0; i < s->njoins; i++) {
        const qjoin *j = &s->joins[i];
        const sch_rel *r = j->rels[j->n - 1];
        const sch_table *tt = r->target->table;
        sqlb_puts(g->b, j->inner ? "\nJOIN " : "\nLEFT JOIN ");
        sqlb_ident(g->b, tt->name);
        sqlb_printf(g->b, " %s ON %s.", j->alias, j->alias);
        sqlb_ident(g->b, r->target_col->sql_name);
        sqlb_puts(g->b, " = ");
        const char *parent = path_text(g, s, j->rels, j->n - 1, r->owner_col);
        sqlb_puts(g->b, parent);
        if (r->kind == SCH_ONE_TO_ONE) {
            sqlb_puts(g->b, " AND ");
            sqlb_first_child(g->b, r, j->alias, parent);
        }
    }
}

static void write_from(qgen *g, const qscope *s)
{
    sqlb_puts(g->b, "\nFROM ");
    sqlb_ident(g->b, s->m->table->name);
    if (s->alias)
        sqlb_printf(g->b, " %s", s->alias);
    write_joins(g, s);
}

/* ------------------------------------------------------------------ */
/* Conditions                                                           */

static void write_literal(qgen *g, const sch_column *col, const sch_default *v)
{
    char text[CAL_TEXT_SIZE];
    sch_type t = col ? col->type : SCH_INTEGER;
    switch (v->kind) {
    case SCH_DEFAULT_INT:
        if (t == SCH_DATETIME) {
            if (!assoc_cal_format(v->i, text))
                g->p->nomem = true;
            sqlb_printf(g->b, "'%s'", text);
        } else if (t == SCH_BOOLEAN) {
            sqlb_puts(g->b, v->i ? "TRUE" : "FALSE");
        } else {
            sqlb_printf(g->b, "%lld", (long long)v->i);
        }
        return;
    case SCH_DEFAULT_FLOAT:
        sqlb_printf(g->b, "%.17g", v->d);
        return;
    case SCH_DEFAULT_STRING:
        if (t == SCH_BLOB) {
            strbuf hex = STRBUF_INIT;
            for (size_t i = 0; i < v->len; i++)
                strbuf_printf(&hex, "%02x", (unsigned char)v->s[i]);
            strbuf lite = STRBUF_INIT, pg = STRBUF_INIT;
            strbuf_printf(&lite, "X'%s'", strbuf_str(&hex));
            strbuf_printf(&pg, "'\\x%s'::bytea", strbuf_str(&hex));
            sqlb_dialect(g->b, strbuf_str(&lite), strbuf_str(&pg));
            strbuf_free(&hex);
            strbuf_free(&lite);
            strbuf_free(&pg);
            return;
        }
        sqlb_string(g->b, v->s);
        return;
    default:
        sqlb_puts(g->b, "NULL");
        return;
    }
}

static void write_operand(qgen *g, const qscope *s, const sq_operand *o, const sch_column *col)
{
    switch (o->kind) {
    case SQO_PARAM: {
        const sq_param *p = o->param;
        const char *expr = plan_printf(g->p, "args->%s", p->c_name);
        plan_bind v = p->col ? pb_expr(p->col, expr) : pb_int(expr);
        sqlb_param_keyed(g->b, p, v);
        return;
    }
    case SQO_VALUE:
        write_literal(g, col, &o->value);
        return;
    case SQO_PATH:
        path_col(g, s, &o->path);
        return;
    }
}

static const char *cmp_sql(sq_cmp c)
{
    switch (c) {
    case SQ_EQ: return " = ";
    case SQ_NE: return " <> ";
    case SQ_LT: return " < ";
    case SQ_LE: return " <= ";
    case SQ_GT: return " > ";
    case SQ_GE: return " >= ";
    }
    return " = ";
}

static void write_expr(qgen *g, const qscope *s, const sq_expr *e);

/* The rows of e->rel related to the current row of the outer scope,
 * restricted by e->a: "FROM ... WHERE <link> AND (<e->a>)". */
static void write_related(qgen *g, const qscope *outer, const sq_expr *e, bool negate_condition)
{
    const sch_rel *r = e->rel;
    qscope in = { .m = r->target };
    char alias[16], sec[16];
    snprintf(alias, sizeof alias, "s%d", ++g->aliases);
    in.alias = plan_printf(g->p, "%s", alias);
    collect(g, &in, e->a, false);
    sqlb_puts(g->b, " FROM ");
    if (r->kind == SCH_MANY_TO_MANY) {
        snprintf(sec, sizeof sec, "a%d", g->aliases);
        sqlb_ident(g->b, r->secondary->name);
        sqlb_printf(g->b, " %s JOIN ", sec);
        sqlb_ident(g->b, r->target->table->name);
        sqlb_printf(g->b, " %s ON %s.", alias, alias);
        sqlb_ident(g->b, r->target_col->sql_name);
        sqlb_printf(g->b, " = %s.", sec);
        sqlb_ident(g->b, r->sec_target_col->sql_name);
    } else {
        sqlb_ident(g->b, r->target->table->name);
        sqlb_printf(g->b, " %s", alias);
    }
    write_joins(g, &in);
    sqlb_puts(g->b, " WHERE ");
    if (r->kind == SCH_MANY_TO_MANY) {
        sqlb_printf(g->b, "%s.", sec);
        sqlb_ident(g->b, r->sec_owner_col->sql_name);
    } else {
        sqlb_printf(g->b, "%s.", alias);
        sqlb_ident(g->b, r->target_col->sql_name);
    }
    sqlb_puts(g->b, " = ");
    sqlb_puts(g->b, path_text(g, outer, e->path.rels, e->path.nrels, r->owner_col));
    if (e->a) {
        sqlb_puts(g->b, negate_condition ? " AND NOT (" : " AND (");
        write_expr(g, &in, e->a);
        sqlb_puts(g->b, ")");
    }
}

static void write_expr(qgen *g, const qscope *s, const sq_expr *e)
{
    switch (e->kind) {
    case SQ_OR:
    case SQ_AND: {
        const char *op = e->kind == SQ_OR ? " OR " : " AND ";
        const sq_expr *parts[2] = { e->a, e->b };
        for (int i = 0; i < 2; i++) {
            bool paren = parts[i]->kind == SQ_OR || parts[i]->kind == SQ_AND;
            if (i)
                sqlb_puts(g->b, op);
            if (paren && parts[i]->kind != e->kind)
                sqlb_puts(g->b, "(");
            write_expr(g, s, parts[i]);
            if (paren && parts[i]->kind != e->kind)
                sqlb_puts(g->b, ")");
        }
        return;
    }
    case SQ_NOT:
        sqlb_puts(g->b, "NOT (");
        write_expr(g, s, e->a);
        sqlb_puts(g->b, ")");
        return;
    case SQ_CMP:
        path_col(g, s, &e->path);
        sqlb_puts(g->b, cmp_sql(e->cmp));
        write_operand(g, s, &e->rhs[0], e->path.col);
        return;
    case SQ_LIKE:
        /* SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's
         * ILIKE does the same, so a query finds the same rows on both. */
        path_col(g, s, &e->path);
        sqlb_dialect(g->b, " LIKE ", " ILIKE ");
        write_operand(g, s, &e->rhs[0], e->path.col);
        return;
    case SQ_IS_NULL:
    case SQ_IS_NOT_NULL:
        path_col(g, s, &e->path);
        sqlb_puts(g->b, e->kind == SQ_IS_NULL ? " IS NULL" : " IS NOT NULL");
        return;
    case SQ_IN:
        path_col(g, s, &e->path);
        sqlb_puts(g->b, " IN (");
        for (size_t i = 0; i < e->nrhs; i++) {
            if (i)
                sqlb_puts(g->b, ", ");
            write_operand(g, s, &e->rhs[i], e->path.col);
        }
        sqlb_puts(g->b, ")");
        return;
    case SQ_ANY:
    case SQ_NONE:
    case SQ_ALL:
        sqlb_puts(g->b, e->kind == SQ_ANY ? "EXISTS (SELECT 1" : "NOT EXISTS (SELECT 1");
        write_related(g, s, e, e->kind == SQ_ALL);
        sqlb_puts(g->b, ")");
        return;
    case SQ_COUNT: {
        /* Distinct related rows: a target linked twice counts once. */
        const sch_table *tt = e->rel->target->table;
        int alias = g->aliases + 1;
        if (e->rel->kind == SCH_MANY_TO_MANY && tt->npk == 1) {
            sqlb_printf(g->b, "(SELECT count(DISTINCT s%d.", alias);
            sqlb_ident(g->b, tt->pk[0]->sql_name);
            sqlb_puts(g->b, ")");
        } else {
            sqlb_puts(g->b, "(SELECT count(*)");
        }
        write_related(g, s, e, false);
        sqlb_puts(g->b, ")");
        sqlb_puts(g->b, cmp_sql(e->cmp));
        write_operand(g, s, &e->rhs[0], NULL);
        return;
    }
    }
}

/* The query's where under the mask: its top-level 'and' operands whose
 * optional parameter is absent are left out.  The first written follows
 * `lead` ("\nWHERE "), the others " AND "; *started says whether any was. */
static void write_where(qgen *g, const qscope *s, const sq_expr *e, const char *lead, bool top, bool *started)
{
    if (e == NULL)
        return;
    if (top && e->kind == SQ_AND) {
        write_where(g, s, e->a, lead, true, started);
        write_where(g, s, e->b, lead, true, started);
        return;
    }
    if (top && !present(g, e))
        return;
    sqlb_puts(g->b, *started ? " AND " : lead);
    *started = true;
    bool paren = e->kind == SQ_OR;
    if (paren)
        sqlb_puts(g->b, "(");
    write_expr(g, s, e);
    if (paren)
        sqlb_puts(g->b, ")");
}

/* ------------------------------------------------------------------ */
/* Order, limit, keyset                                                 */

/* The order's terms with the key appended where it does not end it. */
typedef struct qorder {
    sq_path path[64];
    bool desc[64];
    size_t n;
} qorder;

static void full_order(const sch_query *q, qorder *o)
{
    const sch_table *t = q->model->table;
    o->n = 0;
    for (size_t i = 0; i < q->norder && o->n < 64; i++) {
        o->path[o->n] = q->order[i].path;
        o->desc[o->n++] = q->order[i].desc;
    }
    /* Ties are broken by the key: its columns not yet in the order. */
    for (size_t k = 0; k < t->npk && o->n < 64; k++) {
        bool in = false;
        for (size_t i = 0; i < o->n; i++)
            in |= o->path[i].nrels == 0 && o->path[i].col == t->pk[k];
        if (!in) {
            o->path[o->n] = (sq_path){ NULL, 0, t->pk[k] };
            o->desc[o->n++] = false;
        }
    }
}

static void write_order(qgen *g, const qscope *s, const qorder *o)
{
    sqlb_puts(g->b, "\nORDER BY ");
    for (size_t i = 0; i < o->n; i++) {
        if (i)
            sqlb_puts(g->b, ", ");
        path_col(g, s, &o->path[i]);
        /* A column through a relationship is NULL where the row is missing. */
        sqlb_order_dir(g->b, o->path[i].col->nullable || o->path[i].nrels > 0, o->desc[i]);
    }
}

/* LIMIT and OFFSET as the query has them (first: a limit of 1). */
static void write_limit(qgen *g, bool first)
{
    const sch_query *q = g->q;
    bool limit = false;
    if (first) {
        sqlb_puts(g->b, "\nLIMIT 1");
        limit = true;
    } else if (q->limit && (q->limit->kind == SQO_VALUE || !q->limit->param->optional ||
                            (g->mask >> q->limit->param->opt_bit & 1u))) {
        sqlb_puts(g->b, "\nLIMIT ");
        write_operand(g, NULL, q->limit, NULL);
        limit = true;
    }
    if (q->offset && (q->offset->kind == SQO_VALUE || !q->offset->param->optional ||
                      (g->mask >> q->offset->param->opt_bit & 1u))) {
        /* SQLite takes OFFSET only after a LIMIT; -1 is none. */
        if (!limit)
            sqlb_dialect(g->b, "\nLIMIT -1", "");
        sqlb_puts(g->b, "\nOFFSET ");
        write_operand(g, NULL, q->offset, NULL);
    }
}

/* After the row `after`: c1 > a1, or c1 = a1 and after that c2 > a2, ...,
 * written c1 >= a1 AND (c1 > a1 OR (...)) so an index on c1 bounds it. */
static void write_keyset(qgen *g, const qscope *s, const qorder *o, size_t i)
{
    const sch_column *col = o->path[i].col;
    const char *ge = o->desc[i] ? " <= " : " >= ", *gt = o->desc[i] ? " < " : " > ";
    plan_bind v = pb_set(col, "after->");
    if (i + 1 == o->n) {
        path_col(g, s, &o->path[i]);
        sqlb_puts(g->b, gt);
        sqlb_param_keyed(g->b, col, v);
        return;
    }
    path_col(g, s, &o->path[i]);
    sqlb_puts(g->b, ge);
    sqlb_param_keyed(g->b, col, v);
    sqlb_puts(g->b, " AND (");
    path_col(g, s, &o->path[i]);
    sqlb_puts(g->b, gt);
    sqlb_param_keyed(g->b, col, v);
    sqlb_puts(g->b, " OR ");
    write_keyset(g, s, o, i + 1);
    sqlb_puts(g->b, ")");
}

/* ------------------------------------------------------------------ */
/* The statements of each function                                      */

typedef enum qstmt { QS_ROWS, QS_FIRST, QS_COUNT, QS_EXISTS, QS_SEED, QS_DELETE, QS_PAGE } qstmt;

static void select_cols(qgen *g, const qscope *s)
{
    const sch_table *t = s->m->table;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            sqlb_puts(g->b, ", ");
        sqlb_puts(g->b, path_text(g, s, NULL, 0, t->columns[i]));
    }
}

static void key_cols(qgen *g, const qscope *s)
{
    const sch_table *t = s->m->table;
    for (size_t k = 0; k < t->npk; k++) {
        if (k)
            sqlb_puts(g->b, ", ");
        sqlb_puts(g->b, path_text(g, s, NULL, 0, t->pk[k]));
    }
}

/* One variant of one function's statement into g->b. */
static void write_stmt(qgen *g, qstmt kind, bool after)
{
    const sch_query *q = g->q;
    const sch_table *t = q->model->table;
    qscope main = { .m = q->model };
    qorder o;
    full_order(q, &o);
    g->aliases = 0;
    collect(g, &main, q->where, true);
    bool ordered = kind == QS_ROWS || kind == QS_FIRST || kind == QS_SEED || kind == QS_DELETE || kind == QS_PAGE;
    if (ordered)
        for (size_t i = 0; i < o.n; i++)
            add_joins(g, &main, &o.path[i]);
    bool started = false;
    switch (kind) {
    case QS_COUNT:
        sqlb_puts(g->b, "SELECT count(*)");
        write_from(g, &main);
        write_where(g, &main, q->where, "\nWHERE ", true, &started);
        return;
    case QS_EXISTS:
        sqlb_puts(g->b, "SELECT EXISTS (SELECT 1");
        write_from(g, &main);
        write_where(g, &main, q->where, "\nWHERE ", true, &started);
        sqlb_puts(g->b, ")");
        return;
    case QS_SEED:
        sqlb_puts(g->b, "INSERT INTO ");
        sqlb_keys_table(g->b, t);
        sqlb_puts(g->b, " (");
        for (size_t k = 0; k < t->npk; k++)
            sqlb_printf(g->b, "k%zu, ", k + 1);
        sqlb_puts(g->b, "rnd, cand)\nSELECT ");
        key_cols(g, &main);
        sqlb_puts(g->b, ", 0, 0");
        break;
    case QS_DELETE:
        sqlb_puts(g->b, "DELETE FROM ");
        sqlb_ident(g->b, t->name);
        sqlb_puts(g->b, "\nWHERE ");
        sqlb_puts(g->b, t->npk > 1 ? "(" : "");
        key_cols(g, &main);
        sqlb_puts(g->b, t->npk > 1 ? ") IN (SELECT " : " IN (SELECT ");
        key_cols(g, &main);
        break;
    default:
        sqlb_puts(g->b, "SELECT ");
        select_cols(g, &main);
        break;
    }
    write_from(g, &main);
    write_where(g, &main, q->where, "\nWHERE ", true, &started);
    if (kind == QS_PAGE && after) {
        sqlb_puts(g->b, started ? " AND (" : "\nWHERE (");
        write_keyset(g, &main, &o, 0);
        sqlb_puts(g->b, ")");
    }
    write_order(g, &main, &o);
    if (kind == QS_PAGE) {
        sqlb_puts(g->b, "\nLIMIT ");
        sqlb_param_keyed(g->b, &page_limit_key, pb_int("limit"));
    } else {
        write_limit(g, kind == QS_FIRST);
    }
    if (kind == QS_DELETE)
        sqlb_puts(g->b, ")");
}

/* Every variant of one function's statement, and its slot table. */
static plan_variants *variants(planner *p, api_fn *f, qstmt kind, const char *role)
{
    const sch_query *q = f->query;
    plan_variants *v = plan_alloc(p, sizeof *v);
    if (v == NULL)
        return NULL;
    size_t nopt = q->noptional;
    v->page_bit = kind == QS_PAGE;
    /* What write_limit writes: the query's limit and offset, but _first's
     * limit, which LIMIT 1 replaces. */
    v->limits = kind == QS_ROWS || kind == QS_FIRST || kind == QS_SEED || kind == QS_DELETE;
    if (kind == QS_FIRST && q->limit && q->limit->kind == SQO_PARAM)
        v->zero_limit = q->limit->param;
    v->n = (size_t)1 << (nopt + (v->page_bit ? 1 : 0));
    v->sql = plan_alloc(p, v->n * sizeof *v->sql);
    /* Slots: the parameters, then (page) the order's columns of after and
     * the limit. */
    qorder o;
    full_order(q, &o);
    size_t nslots = q->nparams + (kind == QS_PAGE ? o.n + 1 : 0);
    v->slots = plan_alloc(p, (nslots + 1) * sizeof *v->slots);
    v->keys = plan_alloc(p, (nslots + 1) * sizeof *v->keys);
    v->number = plan_alloc(p, (v->n * nslots + 1) * sizeof *v->number);
    if (v->sql == NULL || v->slots == NULL || v->keys == NULL || v->number == NULL)
        return NULL;
    for (size_t i = 0; i < q->nparams; i++) {
        const sq_param *pr = q->params[i];
        const char *expr = plan_printf(p, "args->%s", pr->c_name);
        v->slots[i] = pr->col ? pb_expr(pr->col, expr) : pb_int(expr);
        v->keys[i] = pr;
    }
    if (kind == QS_PAGE) {
        for (size_t i = 0; i < o.n; i++) {
            v->slots[q->nparams + i] = pb_set(o.path[i].col, "after->");
            v->keys[q->nparams + i] = o.path[i].col;
        }
        v->slots[nslots - 1] = pb_int("limit");
        v->keys[nslots - 1] = &page_limit_key;
    }
    v->nslots = nslots;
    sqlb b;
    sqlb_init(&b, p);
    for (size_t m = 0; m < v->n; m++) {
        qgen g = { .p = p, .q = q, .b = &b, .mask = (unsigned)(m & (((size_t)1 << nopt) - 1)) };
        bool after = v->page_bit && (m >> nopt & 1u);
        write_stmt(&g, kind, after);
        if (g.overflow)
            p->nomem = true;   /* more joins than a statement keeps: cannot happen within limits */
        for (size_t k = 0; k < nslots; k++)
            v->number[m * nslots + k] = (unsigned short)sqlb_key_number(&b, v->keys[k]);
        const char *r = v->n > 1 ? plan_printf(p, "%s%zu", role, m) : role;
        v->sql[m] = sqlb_sql(&b, f, r, false);
    }
    sqlb_free(&b);
    if (v->n > 1)
        v->cname = plan_printf(p, "%s__sql_%s", f->name, role);
    v->first = f;
    return v;
}

void plan_query_fn(planner *p, api_fn *f)
{
    plan_fn *pl = f->plan;
    switch (f->kind) {
    case API_Q_EACH:
        /* The list's statements and table, when it is planned already
         * (the api table puts it first). */
        for (size_t i = 0; i < p->a->nfns; i++)
            if (p->a->fns[i].kind == API_Q_LIST && p->a->fns[i].query == f->query && p->a->fns[i].plan &&
                p->a->fns[i].plan->qv) {
                pl->qv = p->a->fns[i].plan->qv;
                return;
            }
        pl->qv = variants(p, f, QS_ROWS, "rows");
        break;
    case API_Q_LIST:
        pl->qv = variants(p, f, QS_ROWS, "rows");
        break;
    case API_Q_FIRST:
        pl->qv = variants(p, f, QS_FIRST, "first");
        break;
    case API_Q_COUNT:
        pl->qv = variants(p, f, QS_COUNT, "count");
        break;
    case API_Q_EXISTS:
        pl->qv = variants(p, f, QS_EXISTS, "exists");
        break;
    case API_Q_PAGE:
        pl->qv = variants(p, f, QS_PAGE, "page");
        break;
    case API_Q_DELETE:
        /* One statement when deleting the rows touches nothing else;
         * else their keys into the model's key table, then its delete
         * plan over them. */
        pl->del = plan_delete_of(p, f, f->model, true);
        if (pl->del == NULL) {
            pl->qv = variants(p, f, QS_DELETE, "sql");
        } else {
            if (pl->del->cascade == NULL)
                pl->keys_setup = plan_keys_setup(p, f, f->model);
            pl->qv = variants(p, f, QS_SEED, "seed");
        }
        break;
    default:
        break;
    }
}
