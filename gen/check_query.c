/* check_query.c - declared queries (SPEC 6): their clauses, paths,
 * parameters and the rules of section 6, checked into a resolved sch_query.
 *
 * Paths start at the query's model, or inside any/all/none/count( ) at the
 * relationship's target; they go through to-one relationships and end in a
 * column (a condition, an order term) or a relationship (the target of
 * any/all/none/count).  A parameter takes the type of what it is compared
 * with.  Every error names where it stands, with "did you mean" when a
 * close name exists, and checking goes on, so one run reports them all.
 */
#include "check_query.h"

#include <stdio.h>
#include <string.h>

#include "check_literal.h"
#include "reserved.h"
#include "strbuf.h"

typedef struct qc {
    qcheck_env *env;
    sch_model *m;
    sch_query *q;
    const char *qname;
    bool ok;
    bool ordering;             /* checking order_by terms, not conditions */
    size_t pcap;
} qc;

static void *alloc(qc *c, size_t n)
{
    void *p = arena_alloc(c->env->a, n);
    if (p == NULL)
        c->env->nomem = true;
    return p;
}

static const char *fmt_mean(qc *c, const char *best)
{
    if (best == NULL)
        return "";
    const char *s = arena_printf(c->env->a, "; did you mean '%s'?", best);
    return s ? s : "";
}

#define ERR(c, at, ...)                                 \
    do {                                                \
        diag_error((c)->env->d, (at), __VA_ARGS__);     \
        (c)->ok = false;                                \
    } while (0)

static bool is_to_one(const sch_rel *r)
{
    return r->kind == SCH_MANY_TO_ONE || r->kind == SCH_ONE_TO_ONE;
}

static const sch_rel *find_rel(const sch_model *m, const char *name)
{
    for (size_t i = 0; i < m->nrels; i++)
        if (strcmp(m->rels[i]->name, name) == 0)
            return m->rels[i];
    return NULL;
}

static const sch_column *find_col(const sch_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i]->name, name) == 0)
            return t->columns[i];
    return NULL;
}

/* "; did you mean 'x'?" among the columns and relationships of m. */
static const char *mean_member(qc *c, const sch_model *m, const char *name, bool cols, bool rels)
{
    diag_suggest sg;
    diag_suggest_init(&sg, name);
    for (size_t i = 0; cols && i < m->table->ncolumns; i++)
        diag_suggest_offer(&sg, m->table->columns[i]->name);
    for (size_t i = 0; rels && i < m->nrels; i++)
        diag_suggest_offer(&sg, m->rels[i]->name);
    return fmt_mean(c, diag_suggest_result(&sg));
}

static size_t path_len(const ast_qpath *p)
{
    size_t n = 0;
    for (; p; p = p->next)
        n++;
    return n;
}

/* The to-one hops of the first n segments of p, from model `from`.  OUT:
 * the model reached.  false after reporting. */
static bool hops(qc *c, const sch_model *from, const ast_qpath *p, size_t n, sq_path *out, const sch_model **reached)
{
    const sch_model *m = from;
    out->rels = n ? alloc(c, n * sizeof *out->rels) : NULL;
    out->nrels = 0;
    if (n && out->rels == NULL)
        return false;
    for (size_t i = 0; i < n; i++, p = p->next) {
        const sch_rel *r = find_rel(m, p->name);
        if (r == NULL) {
            if (find_col(m->table, p->name))
                ERR(c, p->at, "query %s: '%s' is a column of %s, so nothing follows it in a path", c->qname, p->name,
                    m->name);
            else if (!c->env->damaged)
                ERR(c, p->at, "query %s: %s has no relationship '%s'%s", c->qname, m->name, p->name,
                    mean_member(c, m, p->name, false, true));
            else
                c->ok = false;
            return false;
        }
        if (!is_to_one(r) && c->ordering) {
            ERR(c, p->at,
                "query %s: %s.%s is %s: order_by goes through to-one relationships only (a %s has many %s, "
                "so no one value to sort by)",
                c->qname, m->name, r->name, sch_rel_kind_name(r->kind), m->name, r->name);
            return false;
        }
        if (!is_to_one(r)) {
            ERR(c, p->at,
                "query %s: %s.%s is %s: a path goes through to-one relationships only; ask about a collection "
                "with %s.any(...), all(...), none(...) or count(...)",
                c->qname, m->name, r->name, sch_rel_kind_name(r->kind), r->name);
            return false;
        }
        out->rels[out->nrels++] = r;
        m = r->target;
    }
    *reached = m;
    return true;
}

/* A path that ends in a column. */
static bool column_path(qc *c, const sch_model *from, const ast_qpath *p, sq_path *out)
{
    size_t n = path_len(p);
    const sch_model *m;
    if (!hops(c, from, p, n - 1, out, &m))
        return false;
    const ast_qpath *last = p;
    while (last->next)
        last = last->next;
    out->col = find_col(m->table, last->name);
    if (out->col && out->col->json) {
        ERR(c, last->at, "query %s: %s.%s is a json column, which a query neither compares nor sorts by "
                         "(PostgreSQL's json has no equality or order)",
            c->qname, m->name, out->col->name);
        return false;
    }
    if (out->col == NULL) {
        const sch_rel *r = find_rel(m, last->name);
        if (r)
            ERR(c, last->at, "query %s: %s.%s is a relationship; %s a column, e.g. %s.%s", c->qname, m->name,
                r->name, c->ordering ? "order_by sorts by" : "a condition compares", r->name,
                r->target->table->npk ? r->target->table->pk[0]->name : "id");
        else if (!c->env->damaged)
            ERR(c, last->at, "query %s: %s has no column '%s'%s", c->qname, m->name, last->name,
                mean_member(c, m, last->name, true, true));
        else
            c->ok = false;
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Parameters and values                                                */

static const char *type_name(sch_type t)
{
    return sch_type_name(t);
}

/* Types one C type can hold: string and text are both char *. */
static bool same_c_type(sch_type a, sch_type b)
{
    bool sa = a == SCH_STRING || a == SCH_TEXT, sb = b == SCH_STRING || b == SCH_TEXT;
    return a == b || (sa && sb);
}

static sq_param *param(qc *c, const ast_qoperand *o, sch_type type, const sch_column *col)
{
    sch_query *q = c->q;
    for (size_t i = 0; i < q->nparams; i++) {
        sq_param *p = q->params[i];
        if (strcmp(p->name, o->param) != 0)
            continue;
        if (p->type == SCH_ENUM && type == SCH_ENUM && p->col && col && p->col->enumv != col->enumv) {
            ERR(c, o->at, "query %s: parameter :%s is compared with %s.%s here, and with %s.%s at %d:%d; a parameter "
                          "has one type, and the two enums are two",
                c->qname, o->param, col->table->name, col->name, p->col->table->name, p->col->name, p->at.line,
                p->at.col);
            return NULL;
        }
        if (!same_c_type(p->type, type)) {
            ERR(c, o->at, "query %s: parameter :%s is used as %s %s here, and as %s %s at %d:%d; a parameter has one type",
                c->qname, o->param, strchr("aeiou", type_name(type)[0]) ? "an" : "a", type_name(type),
                strchr("aeiou", type_name(p->type)[0]) ? "an" : "a", type_name(p->type), p->at.line, p->at.col);
            return NULL;
        }
        if (p->optional != o->optional) {
            ERR(c, o->at, "query %s: parameter :%s is written %s here and %s at %d:%d; an optional parameter is "
                          ":%s? wherever it is used",
                c->qname, o->param, o->optional ? "optional" : "required", p->optional ? "optional" : "required",
                p->at.line, p->at.col, o->param);
            return NULL;
        }
        return p;
    }
    if (q->nparams == c->pcap) {
        size_t ncap = c->pcap ? c->pcap * 2 : 8;
        sq_param **np = alloc(c, ncap * sizeof *np);
        if (np == NULL)
            return NULL;
        if (q->nparams)
            memcpy(np, q->params, q->nparams * sizeof *np);
        q->params = np;
        c->pcap = ncap;
    }
    sq_param *p = alloc(c, sizeof *p);
    if (p == NULL)
        return NULL;
    p->name = o->param;
    p->c_name = c_field_needs_underscore(o->param) ? arena_printf(c->env->a, "%s_", o->param) : o->param;
    if (p->c_name == NULL)
        return NULL;
    p->at = o->at;
    p->type = type;
    p->col = col;
    p->optional = o->optional;
    p->index = q->nparams;
    if (p->optional)
        p->opt_bit = q->noptional++;
    q->params[q->nparams++] = p;
    return p;
}

/* A literal compared with a value of type t (col, for its length). */
static bool literal(qc *c, const ast_expr *v, sch_type t, const sch_column *col, sch_default *out)
{
    out->literal = v->text;
    if (t == SCH_ENUM) {
        /* A member's name, as stored: "done" or done. */
        if (v->kind == AST_STRING || v->kind == AST_IDENT) {
            for (size_t i = 0; col && i < col->enumv->nvalues; i++)
                if (strcmp(col->enumv->values[i], v->text) == 0) {
                    out->kind = SCH_DEFAULT_STRING;
                    out->s = col->enumv->values[i];
                    out->len = strlen(out->s);
                    return true;
                }
            strbuf names = STRBUF_INIT;
            for (size_t i = 0; col && i < col->enumv->nvalues; i++)
                strbuf_printf(&names, "%s%s", i ? ", " : "", col->enumv->values[i]);
            ERR(c, v->at, "query %s: '%s' is not a value of %s (%s)", c->qname, v->text, col ? col->name : "?",
                strbuf_str(&names));
            strbuf_free(&names);
            return false;
        }
    } else {
        switch (check_literal(v, t, false, out)) {
        case CHECK_LIT_OK:
            return true;
        case CHECK_LIT_RANGE:
            ERR(c, v->at, "query %s: %s does not fit %s", c->qname, v->text,
                t == SCH_INTEGER ? "a 64-bit integer" : "a float");
            return false;
        case CHECK_LIT_NUL:
            ERR(c, v->at, "query %s: a value may not contain a NUL byte", c->qname);
            return false;
        case CHECK_LIT_DATETIME:
            ERR(c, v->at, "query %s: \"%s\" is not a datetime of years 0001-9999 (\"YYYY-MM-DD HH:MM:SS\")",
                c->qname, v->text);
            return false;
        case CHECK_LIT_WRONG:
            break;
        }
    }
    if (col == NULL)
        ERR(c, v->at, "query %s: %s%s%s is not a count; count(...) is compared with an integer or a parameter",
            c->qname, v->kind == AST_STRING ? "\"" : "", v->text, v->kind == AST_STRING ? "\"" : "");
    else
        ERR(c, v->at, "query %s: %s%s%s does not fit %s, %s %s column", c->qname, v->kind == AST_STRING ? "\"" : "",
            v->text, v->kind == AST_STRING ? "\"" : "", col->name, strchr("aeiou", type_name(t)[0]) ? "an" : "a",
            type_name(t));
    return false;
}

/* One operand compared with a value of type t: a parameter (which takes
 * t), a literal of t, or a column (of a type one C type holds).  `from` is
 * where paths start.  A path of one name true or false is the literal when
 * no column has that name. */
static bool operand(qc *c, const sch_model *from, const ast_qoperand *o, sch_type t, const sch_column *col,
                    sq_operand *out)
{
    switch (o->kind) {
    case AQO_PARAM:
        out->kind = SQO_PARAM;
        out->param = param(c, o, t, col);
        return out->param != NULL;
    case AQO_VALUE:
        out->kind = SQO_VALUE;
        return literal(c, o->value, t, col, &out->value);
    case AQO_PATH:
        if (o->path->next == NULL &&
            (strcmp(o->path->name, "true") == 0 || strcmp(o->path->name, "false") == 0 || t == SCH_ENUM) &&
            find_col(from->table, o->path->name) == NULL) {
            ast_expr v = { .kind = AST_IDENT, .at = o->at, .text = o->path->name };
            out->kind = SQO_VALUE;
            return literal(c, &v, t, col, &out->value);
        }
        out->kind = SQO_PATH;
        if (!column_path(c, from, o->path, &out->path))
            return false;
        if (!same_c_type(out->path.col->type, t) &&
            !((t == SCH_INTEGER || t == SCH_FLOAT) &&
              (out->path.col->type == SCH_INTEGER || out->path.col->type == SCH_FLOAT))) {
            ERR(c, o->at, "query %s: '%s' is %s %s; it is compared with %s %s", c->qname, out->path.col->name,
                strchr("aeiou", type_name(out->path.col->type)[0]) ? "an" : "a", type_name(out->path.col->type),
                strchr("aeiou", type_name(t)[0]) ? "an" : "a", type_name(t));
            return false;
        }
        return true;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Conditions                                                           */

static sq_expr *expr(qc *c, const sch_model *from, const ast_qexpr *e);

static bool has_optional(const sq_operand *o)
{
    return o->kind == SQO_PARAM && o->param && o->param->optional;
}

/* any, all, none, count: rel path(cond) [cmp operand]. */
static sq_expr *call(qc *c, const sch_model *from, const ast_qexpr *e, sq_expr *out)
{
    static const char *const fns[] = { "any", "all", "none", "count" };
    size_t n = path_len(e->path);
    const ast_qpath *fn = e->path;
    while (fn->next)
        fn = fn->next;
    size_t k = 0;
    while (k < 4 && strcmp(fns[k], fn->name) != 0)
        k++;
    if (k == 4 || n < 2) {
        ERR(c, fn->at, "query %s: '%s(...)': a condition on a relationship is any(...), all(...), none(...) or "
                       "count(...) >= n after it, e.g. products.any(title = :t)%s",
            c->qname, fn->name, k == 4 ? fmt_mean(c, diag_closest(fn->name, fns, 4)) : "");
        return NULL;
    }
    out->kind = (sq_kind[]){ SQ_ANY, SQ_ALL, SQ_NONE, SQ_COUNT }[k];
    /* Every name before the function: to-one hops, then the relationship. */
    const sch_model *m;
    if (!hops(c, from, e->path, n - 2, &out->path, &m))
        return NULL;
    const ast_qpath *relp = e->path;
    for (size_t i = 0; i < n - 2; i++)
        relp = relp->next;
    out->rel = find_rel(m, relp->name);
    if (out->rel == NULL) {
        if (find_col(m->table, relp->name))
            ERR(c, relp->at, "query %s: %s.%s is a column; %s(...) asks about a relationship's rows", c->qname,
                m->name, relp->name, fn->name);
        else if (!c->env->damaged)
            ERR(c, relp->at, "query %s: %s has no relationship '%s'%s", c->qname, m->name, relp->name,
                mean_member(c, m, relp->name, false, true));
        else
            c->ok = false;
        return NULL;
    }
    if (is_to_one(out->rel)) {
        ERR(c, fn->at, "query %s: %s(...) on %s.%s, which is %s: it asks about a collection; compare the row's "
                       "columns instead (%s.<column>)",
            c->qname, fn->name, m->name, out->rel->name, sch_rel_kind_name(out->rel->kind), out->rel->name);
        return NULL;
    }
    if (out->kind == SQ_COUNT && !e->compared) {
        ERR(c, fn->at, "query %s: count(...) is a number: compare it, e.g. %s.count() >= :n", c->qname,
            out->rel->name);
        return NULL;
    }
    if (out->kind != SQ_COUNT && e->compared) {
        ERR(c, e->op_at, "query %s: %s(...) is true or false; only count(...) is compared", c->qname, fn->name);
        return NULL;
    }
    if (e->a) {
        out->a = expr(c, out->rel->target, e->a);
        if (out->a == NULL)
            return NULL;
    }
    if (out->kind == SQ_COUNT) {
        out->cmp = (sq_cmp)e->cmp;
        out->rhs = alloc(c, sizeof *out->rhs);
        out->nrhs = 1;
        if (out->rhs == NULL || !operand(c, from, e->rhs, SCH_INTEGER, NULL, out->rhs))
            return NULL;
        if (out->rhs->kind == SQO_PATH) {
            ERR(c, e->rhs->at, "query %s: count(...) is compared with a number or a parameter", c->qname);
            return NULL;
        }
        if (has_optional(out->rhs))
            out->opt = out->rhs->param;
    }
    return out;
}

static sq_expr *expr(qc *c, const sch_model *from, const ast_qexpr *e)
{
    sq_expr *out = alloc(c, sizeof *out);
    if (out == NULL || e == NULL)
        return NULL;
    switch (e->kind) {
    /* Kept with a failed operand (reported, and c->ok false), so that the
     * rules about the whole (where optional parameters stand) are checked
     * in the same run. */
    case AQ_OR:
    case AQ_AND:
        out->kind = e->kind == AQ_OR ? SQ_OR : SQ_AND;
        out->a = expr(c, from, e->a);
        out->b = expr(c, from, e->b);
        return out;
    case AQ_NOT:
        out->kind = SQ_NOT;
        out->a = expr(c, from, e->a);
        return out;
    case AQ_CALL:
        return call(c, from, e, out);
    default:
        break;
    }
    if (!column_path(c, from, e->path, &out->path))
        return NULL;
    const sch_column *col = out->path.col;
    switch (e->kind) {
    case AQ_IS_NULL:
    case AQ_IS_NOT_NULL:
        out->kind = e->kind == AQ_IS_NULL ? SQ_IS_NULL : SQ_IS_NOT_NULL;
        return out;
    case AQ_LIKE:
        out->kind = SQ_LIKE;
        if (col->type != SCH_STRING && col->type != SCH_TEXT) {
            ERR(c, e->op_at, "query %s: like applies to string and text columns; %s is %s %s", c->qname, col->name,
                strchr("aeiou", type_name(col->type)[0]) ? "an" : "a", type_name(col->type));
            return NULL;
        }
        break;
    case AQ_CMP:
        out->kind = SQ_CMP;
        out->cmp = (sq_cmp)e->cmp;
        break;
    case AQ_IN:
        out->kind = SQ_IN;
        break;
    default:
        return NULL;
    }
    size_t n = 0;
    for (const ast_qoperand *o = e->rhs; o; o = o->next)
        n++;
    out->rhs = alloc(c, (n ? n : 1) * sizeof *out->rhs);
    if (out->rhs == NULL)
        return NULL;
    bool ok = true;
    for (const ast_qoperand *o = e->rhs; o; o = o->next) {
        sq_operand *so = &out->rhs[out->nrhs++];
        if (!operand(c, from, o, col->type, col, so)) {
            ok = false;
            continue;
        }
        if (has_optional(so)) {
            if (out->opt && out->opt != so->param) {
                ERR(c, o->at, "query %s: one condition holds two optional parameters, :%s and :%s; give each a "
                              "condition of its own",
                    c->qname, out->opt->name, so->param->name);
                ok = false;
            }
            out->opt = so->param;
        }
    }
    return ok ? out : NULL;
}

/* Where an optional parameter may stand (SPEC 6): in a condition that is
 * the whole where, or one operand of its top-level and-chain, which is
 * left out when the parameter is absent.  Below `inside` (what encloses e)
 * none may: each use there is reported. */
static void optional_misplaced(qc *c, const sq_expr *e, const ast_qexpr *ae, const char *inside)
{
    if (e == NULL || ae == NULL)
        return;
    if (e->opt) {
        ERR(c, ae->at, "query %s: optional parameter :%s stands inside %s; an optional parameter may be used only "
                       "in a condition that is the whole where or one of its top-level 'and' operands",
            c->qname, e->opt->name, inside);
        return;
    }
    optional_misplaced(c, e->a, ae->a, inside);
    if (e->kind == SQ_OR || e->kind == SQ_AND)
        optional_misplaced(c, e->b, ae->b, inside);
}

static const char *call_name(const sq_expr *e)
{
    switch (e->kind) {
    case SQ_ANY: return "the condition of any(...)";
    case SQ_ALL: return "the condition of all(...)";
    case SQ_NONE: return "the condition of none(...)";
    default: return "the condition of count(...)";
    }
}

static void check_optional_places(qc *c, const sq_expr *e, const ast_qexpr *ae, bool top)
{
    if (e == NULL || ae == NULL)
        return;
    if (e->kind == SQ_AND && top) {
        check_optional_places(c, e->a, ae->a, true);
        check_optional_places(c, e->b, ae->b, true);
        return;
    }
    /* A condition here may hold one; nothing below it may. */
    if (e->kind == SQ_OR || e->kind == SQ_AND) {
        const char *inside = e->kind == SQ_OR ? "an 'or'" : "an 'and' inside an 'or' or a 'not'";
        optional_misplaced(c, e->a, ae->a, inside);
        optional_misplaced(c, e->b, ae->b, inside);
    } else if (e->kind == SQ_NOT) {
        optional_misplaced(c, e->a, ae->a, "a 'not'");
    } else if (e->a) {
        optional_misplaced(c, e->a, ae->a, call_name(e));
    }
}

/* ------------------------------------------------------------------ */

static const char *camel(qc *c, const char *name)
{
    size_t n = strlen(name);
    char *out = alloc(c, n + 1);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    bool up = true;
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '_') {
            up = true;
            continue;
        }
        out[k++] = up && name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
        up = false;
    }
    out[k] = '\0';
    return out;
}

static bool count_operand(qc *c, const ast_qoperand *o, const char *clause, sq_operand **out)
{
    *out = alloc(c, sizeof **out);
    if (*out == NULL)
        return false;
    if (o->kind == AQO_PATH) {
        ERR(c, o->at, "query %s: %s takes a number or a parameter, e.g. %s :n", c->qname, clause, clause);
        return false;
    }
    if (!operand(c, c->m, o, SCH_INTEGER, NULL, *out))
        return false;
    if ((*out)->kind == SQO_VALUE && (*out)->value.i < 0) {
        ERR(c, o->at, "query %s: %s %lld is negative", c->qname, clause, (long long)(*out)->value.i);
        return false;
    }
    return true;
}

void check_query(qcheck_env *env, sch_model *m, const ast_member *mem)
{
    qc c = { .env = env, .m = m, .qname = mem->name, .ok = true };
    sch_query *q = alloc(&c, sizeof *q);
    if (q == NULL)
        return;
    c.q = q;
    q->name = mem->name;
    q->at = mem->at;
    q->model = m;
    q->camel = camel(&c, mem->name);

    const ast_qclause *seen[5] = { NULL };
    static const char *const clause_names[] = { "where", "order_by", "limit", "offset", "paginate" };
    const ast_qexpr *where_ast = NULL;
    size_t nterms = 0;
    for (const ast_qclause *cl = mem->clauses; cl; cl = cl->next) {
        if (seen[cl->kind]) {
            ERR(&c, cl->at, "query %s: a second %s clause; the first is at line %d", c.qname, clause_names[cl->kind],
                seen[cl->kind]->at.line);
            continue;
        }
        seen[cl->kind] = cl;
        switch (cl->kind) {
        case AQC_WHERE:
            where_ast = cl->where;
            q->where = expr(&c, m, cl->where);
            if (q->where == NULL)
                c.ok = false;
            break;
        case AQC_ORDER_BY:
            for (const ast_qterm *t = cl->order; t; t = t->next)
                nterms++;
            q->order = alloc(&c, (nterms ? nterms : 1) * sizeof *q->order);
            c.ordering = true;
            for (const ast_qterm *t = cl->order; t && q->order; t = t->next) {
                sq_term *st = &q->order[q->norder];
                st->desc = t->desc;
                if (column_path(&c, m, t->path, &st->path))
                    q->norder++;
                else
                    c.ok = false;
            }
            c.ordering = false;
            break;
        case AQC_LIMIT:
            if (!count_operand(&c, cl->count, "limit", &q->limit))
                c.ok = false;
            break;
        case AQC_OFFSET:
            if (!count_operand(&c, cl->count, "offset", &q->offset))
                c.ok = false;
            break;
        case AQC_PAGINATE:
            q->paginate = true;
            break;
        }
    }
    if (q->where && where_ast)
        check_optional_places(&c, q->where, where_ast, true);
    if (q->noptional > CHECK_MAX_OPTIONAL)
        ERR(&c, mem->at, "query %s has %zu optional parameters; at most %d (each combination of those present is a "
                         "statement of its own)",
            c.qname, q->noptional, CHECK_MAX_OPTIONAL);
    /* paginate: keyset pages need an order of not-null columns of the
     * model itself, ending in the key (appended when it does not). */
    if (q->paginate) {
        for (size_t i = 0; i < q->norder; i++) {
            const sq_term *t = &q->order[i];
            if (t->path.nrels > 0 || t->path.col->nullable)
                ERR(&c, seen[AQC_PAGINATE]->at,
                    "query %s: paginate needs an order of not-null columns of %s itself; '%s' %s", c.qname, m->name,
                    t->path.col->name,
                    t->path.nrels > 0 ? "is reached through a relationship" : "may be NULL (mark it not_null)");
        }
    }
    if (mem->damaged)
        c.ok = false;     /* a line of it was dropped: its errors are reported */
    if (!c.ok || env->nomem)
        return;
    m->queries[m->nqueries++] = q;
}
