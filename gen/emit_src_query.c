/* emit_src_query.c - the bodies of a declared query's functions (SPEC 6).
 *
 * Each picks its statement by which optional parameters are present (and,
 * for _page, whether `after` is given): the variant v indexes the plan's
 * table of statements and of where each value binds in each.  Everything
 * else -- checking the arguments, stepping, collecting -- is the shape of
 * every generated function. */
#include <stdio.h>
#include <string.h>

#include "emit_src.h"

void src_variants(src *x, const plan_variants *v)
{
    if (v == NULL || v->n < 2)
        return;
    SRC_LINE(x, "static const assoc_sql *const %s[%zu] = {", v->cname, v->n);
    strbuf line = STRBUF_INIT;
    for (size_t i = 0; i < v->n; i++) {
        strbuf_printf(&line, "&%s%s", v->sql[i]->cname, i + 1 < v->n ? "," : "");
        if (line.len > 70 || i + 1 == v->n) {
            SRC_LINE(x, "%s", strbuf_str(&line));
            strbuf_reset(&line);
        } else {
            strbuf_putc(&line, ' ');
        }
    }
    SRC_LINE(x, "};");
    if (v->nslots > 0) {
        /* Where each value binds in each statement (0: not at all). */
        SRC_LINE(x, "static const unsigned short %s_at[%zu][%zu] = {", v->cname, v->n, v->nslots);
        for (size_t i = 0; i < v->n; i++) {
            strbuf_reset(&line);
            strbuf_puts(&line, "{ ");
            for (size_t k = 0; k < v->nslots; k++)
                strbuf_printf(&line, "%s%u", k ? ", " : "", v->number[i * v->nslots + k]);
            strbuf_printf(&line, " }%s", i + 1 < v->n ? "," : "");
            SRC_LINE(x, "%s", strbuf_str(&line));
        }
        SRC_LINE(x, "};");
    }
    strbuf_free(&line);
    SRC_BLANK(x);
}

/* "if (args->p <test>)", where an optional p is given. */
static void if_param(src *x, const sq_param *p, const char *test)
{
    if (p->optional)
        SRC_LINE(x, "if (args->has_%s && args->%s %s)", p->c_name, p->c_name, test);
    else
        SRC_LINE(x, "if (args->%s %s)", p->c_name, test);
}

/* The checks every function of the query makes of its arguments beyond
 * NULL pointers: a required string is not NULL (SPEC 6), a limit or
 * offset is not negative. */
static void check_args(src *x, const api_fn *f)
{
    const sch_query *q = f->query;
    for (size_t i = 0; i < q->nparams; i++) {
        const sq_param *p = q->params[i];
        bool text = p->type == SCH_STRING || p->type == SCH_TEXT;
        if (!p->optional && (text || p->type == SCH_BLOB)) {
            SRC_LINE(x, "if (args->%s%s == NULL)", p->c_name, p->type == SCH_BLOB ? ".data" : "");
            SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: parameter :%s is NULL\");", f->name, p->name);
        }
    }
    const sq_operand *counts[2] = { q->limit, q->offset };
    static const char *const names[2] = { "limit", "offset" };
    for (int k = 0; f->plan->qv->limits && k < 2; k++) {
        const sq_operand *c = counts[k];
        if (c == NULL || c->kind != SQO_PARAM)
            continue;
        if_param(x, c->param, "< 0");
        SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: %s :%s is negative\");", f->name, names[k],
                 c->param->name);
    }
}

/* v, the variant: a bit per optional parameter present. */
static void pick_variant(src *x, const api_fn *f, const plan_variants *v)
{
    const sch_query *q = f->query;
    if (v->n < 2)
        return;
    for (size_t i = 0; i < q->nparams; i++) {
        const sq_param *p = q->params[i];
        if (!p->optional)
            continue;
        bool ptr = p->type == SCH_STRING || p->type == SCH_TEXT;
        if (ptr)
            SRC_LINE(x, "if (args->%s != NULL)", p->c_name);
        else if (p->type == SCH_BLOB)
            SRC_LINE(x, "if (args->%s.data != NULL)", p->c_name);
        else
            SRC_LINE(x, "if (args->has_%s)", p->c_name);
        SRC_LINE(x, "v |= %uu;", 1u << p->opt_bit);
    }
    if (v->page_bit) {
        SRC_LINE(x, "if (after != NULL)");
        SRC_LINE(x, "v |= %uu;", 1u << q->noptional);
    }
}

/* Acquire the variant's statement and bind its values. */
static void acquire_bind(src *x, const plan_variants *v)
{
    if (v->n < 2) {
        src_acquire(x, v->sql[0]);
        for (size_t k = 0; k < v->nslots; k++)
            if (v->number[k] != 0)
                src_bind(x, v->number[k], &v->slots[k]);
        return;
    }
    char expr[400];
    snprintf(expr, sizeof expr, "%s[v]", v->cname);
    src_acquire_expr(x, expr);
    for (size_t k = 0; k < v->nslots; k++) {
        /* A value some variant binds: where this one does, if it does. */
        size_t used = 0;
        for (size_t i = 0; i < v->n; i++)
            used += v->number[i * v->nslots + k] != 0;
        if (used == 0)
            continue;
        char at[400];
        snprintf(at, sizeof at, "%s_at[v][%zu]", v->cname, k);
        if (used < v->n)
            SRC_LINE(x, "if (%s != 0) {", at);
        src_bind_at(x, at, &v->slots[k]);
        if (used < v->n)
            SRC_LINE(x, "}");
    }
}

/* The locals: src_locals' with `extra` and the variant v, and the
 * datetime buffers of the slots and `more_times` more. */
static void locals(src *x, const plan_variants *v, const char *extra, int more_times)
{
    const char *more[2] = { extra, v->n > 1 ? "unsigned v = 0;" : NULL };
    src_locals_with(x, more, 2, src_bind_times(v->slots, v->nslots) + more_times);
}

static void fn_rows(src *x, const api_fn *f)
{
    const plan_variants *v = f->plan->qv;
    char type[300], row[300];
    src_type(x, f->model, type, sizeof type);
    src_open(x, f);
    if (f->kind == API_Q_EACH)
        snprintf(row, sizeof row, "%s%s row;", x->e->prefix, f->model->name);
    locals(x, v, f->kind == API_Q_LIST ? "void *items = NULL;" : f->kind == API_Q_EACH ? row : NULL, 0);
    src_misuse(x, f);
    if (f->kind == API_Q_LIST) {
        SRC_LINE(x, "out->items = NULL;");
        SRC_LINE(x, "out->len = 0;");
    } else if (f->kind == API_Q_FIRST) {
        SRC_LINE(x, "memset(out, 0, sizeof *out);");
    }
    check_args(x, f);
    if (v->zero_limit) {
        /* A limit of 0 leaves no first row. */
        if_param(x, v->zero_limit, "== 0");
        SRC_LINE(x, "return assoc_fail(db, ASSOC_NOTFOUND, \"no such %s: the limit is 0\");", f->model->name);
    }
    pick_variant(x, f, v);
    acquire_bind(x, v);
    switch (f->kind) {
    case API_Q_LIST:
        SRC_LINE(x, "rc = assoc_rows_collect(db, st, &%s, &items, &out->len);", type);
        SRC_LINE(x, "out->items = items;");
        break;
    case API_Q_EACH:
        SRC_LINE(x, "while ((rc = assoc_row_next(db, st, &%s, &row)) == ASSOC_ROW) {", type);
        SRC_LINE(x, "rc = fn(&row, ctx);");
        SRC_LINE(x, "if (rc != 0)");
        SRC_LINE(x, "break;");
        SRC_LINE(x, "}");
        break;
    default:
        SRC_LINE(x, "rc = assoc_row_fetch(db, st, &%s, out);", type);
        break;
    }
    src_close(x, NULL);
}

static void fn_number(src *x, const api_fn *f)
{
    const plan_variants *v = f->plan->qv;
    src_open(x, f);
    locals(x, v, NULL, 0);
    src_misuse(x, f);
    SRC_LINE(x, "*out = %s;", f->kind == API_Q_EXISTS ? "false" : "0");
    check_args(x, f);
    pick_variant(x, f, v);
    acquire_bind(x, v);
    SRC_LINE(x, "rc = assoc_step(db, st);");
    SRC_LINE(x, "if (rc == ASSOC_ROW)");
    if (f->kind == API_Q_EXISTS) {
        /* EXISTS: an integer 0 or 1 on SQLite, a boolean on PostgreSQL */
        SRC_LINE(x, "rc = assoc_col_bool(db, st, 0, out, NULL);");
    } else {
        SRC_LINE(x, "rc = assoc_col_int64(db, st, 0, out, NULL);");
    }
    src_close(x, NULL);
}

static void fn_page(src *x, const api_fn *f)
{
    const plan_variants *v = f->plan->qv;
    char type[300];
    src_type(x, f->model, type, sizeof type);
    src_open(x, f);
    locals(x, v, "void *items = NULL;", 0);
    src_misuse(x, f);
    SRC_LINE(x, "out->items = NULL;");
    SRC_LINE(x, "out->len = 0;");
    SRC_LINE(x, "if (limit < 1)");
    SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: limit %%lld is not a page\", (long long)limit);", f->name);
    check_args(x, f);
    pick_variant(x, f, v);
    acquire_bind(x, v);
    SRC_LINE(x, "rc = assoc_rows_collect(db, st, &%s, &items, &out->len);", type);
    SRC_LINE(x, "out->items = items;");
    src_close(x, NULL);
}

static void fn_delete(src *x, const api_fn *f)
{
    const plan_fn *pl = f->plan;
    const plan_variants *v = pl->qv;
    const plan_delete *del = pl->del;
    src_open(x, f);
    int times = 0;
    if (del)
        for (size_t i = 0; i < del->nsteps; i++)
            times += src_count_times(&del->steps[i].stmt);
    locals(x, v, NULL, times);
    src_misuse(x, f);
    SRC_LINE(x, "*deleted = 0;");
    check_args(x, f);
    pick_variant(x, f, v);
    if (del == NULL) {
        /* Deleting the rows touches nothing else: one statement. */
        acquire_bind(x, v);
        src_step_done(x);
        SRC_LINE(x, "*deleted = assoc_changes(db);");
        src_close(x, NULL);
        return;
    }
    SRC_LINE(x, "rc = assoc_tx_enter(db, true);");
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "return rc;");
    if (del->cascade)
        SRC_LINE(x, "rc = assoc_cascade_setup(db, &%s);", del->cascade->cname);
    else
        SRC_LINE(x, "rc = assoc_exec(db, &%s);", pl->keys_setup->cname);
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto done;");
    SRC_LINE(x, "/* The keys of the rows the query returns. */");
    acquire_bind(x, v);
    SRC_LINE(x, "rc = assoc_step(db, st);");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    SRC_LINE(x, "st = NULL;");
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto done;");
    src_delete_steps(x, f, del, true);
    src_close(x, "assoc_tx_leave(db, rc)");
}

void src_fn_query(src *x, const api_fn *f)
{
    switch (f->kind) {
    case API_Q_LIST:
    case API_Q_EACH:
    case API_Q_FIRST:
        fn_rows(x, f);
        break;
    case API_Q_COUNT:
    case API_Q_EXISTS:
        fn_number(x, f);
        break;
    case API_Q_PAGE:
        fn_page(x, f);
        break;
    case API_Q_DELETE:
        fn_delete(x, f);
        break;
    default:
        break;
    }
}
