/* emit_src_delete.c - the bodies of _delete and the cascade descriptors of
 * general delete plans.  The plan (plan_delete.c) says which statements
 * run and why; this prints them in order inside one atomic section, after
 * PostgreSQL's one statement where the plan has it. */
#include <stdio.h>
#include <string.h>

#include "emit_src.h"

static void sql_array(src *x, const char *name, const char *what, plan_sql *const *a, size_t n)
{
    if (n == 0)
        return;
    SRC_LINE(x, "static const assoc_sql *const %s_%s[] = {", name, what);
    for (size_t i = 0; i < n; i++)
        SRC_LINE(x, "&%s%s", a[i]->cname, i + 1 < n ? "," : "");
    SRC_LINE(x, "};");
}

void src_cascade(src *x, const plan_cascade *c)
{
    sql_array(x, c->cname, "expand", c->expand, c->nexpand);
    sql_array(x, c->cname, "before", c->before, c->nbefore);
    sql_array(x, c->cname, "mark", c->mark, c->nmark);
    sql_array(x, c->cname, "next", c->next, c->nnext);
    sql_array(x, c->cname, "remove", c->remove, c->nremove);
    SRC_LINE(x, "static const assoc_cascade %s = {", c->cname);
    SRC_LINE(x, "&%s,", c->setup->cname);
    static const char *const kinds[] = { "expand", "before", "mark", "next", "remove" };
    const size_t counts[] = { c->nexpand, c->nbefore, c->nmark, c->nnext, c->nremove };
    for (size_t k = 0; k < 5; k++) {
        if (counts[k])
            SRC_LINE(x, "%s_%s, %zu,", c->cname, kinds[k], counts[k]);
        else
            SRC_LINE(x, "NULL, 0,");
    }
    SRC_LINE(x, "&%s, &%s,", c->left->cname, c->count->cname);
    SRC_LINE(x, "\"%s\"", c->tables);
    SRC_LINE(x, "};");
    SRC_BLANK(x);
}

void src_delete_steps(src *x, const api_fn *f, const plan_delete *del, bool deleted)
{
    for (size_t i = 0; i < del->nsteps; i++) {
        const pd_step *s = &del->steps[i];
        if (s->comment)
            SRC_LINE(x, "/* %s */", s->comment);
        switch (s->kind) {
        case PD_EXEC:
            src_acquire(x, s->stmt.sql);
            src_binds(x, &s->stmt);
            SRC_LINE(x, "rc = assoc_step(db, st);");
            SRC_LINE(x, "assoc_stmt_release(db, st);");
            SRC_LINE(x, "st = NULL;");
            SRC_LINE(x, "if (rc != ASSOC_OK)");
            SRC_LINE(x, "goto done;");
            break;
        case PD_ROW:
        case PD_SEED:
            src_acquire(x, s->stmt.sql);
            src_binds(x, &s->stmt);
            src_step_done(x);
            src_changed_or_notfound(x, f->name, "no such row");
            if (s->kind == PD_SEED) {
                SRC_LINE(x, "assoc_stmt_release(db, st);");
                SRC_LINE(x, "st = NULL;");
            }
            break;
        case PD_ROWS:
            src_acquire(x, s->stmt.sql);
            src_binds(x, &s->stmt);
            src_step_done(x);
            if (deleted)
                SRC_LINE(x, "*deleted = assoc_changes(db);");
            break;
        case PD_CASCADE:
            SRC_LINE(x, "rc = assoc_cascade_run(db, &%s, %s);", del->cascade->cname, deleted ? "deleted" : "NULL");
            break;
        }
    }
}

void src_fn_delete(src *x, const api_fn *f)
{
    const plan_delete *del = f->plan->del;
    int ntimes = 0;
    for (size_t i = 0; i < del->nsteps; i++)
        ntimes += src_count_times(&del->steps[i].stmt);
    if (del->pg_one.sql)
        ntimes += src_count_times(&del->pg_one);
    src_open(x, f);
    src_locals(x, ntimes);
    src_misuse(x, f);
    src_key_guard(x, "r->", f->model->table, f->name, "ASSOC_NOTFOUND");
    if (del->pg_one.sql) {
        /* Its own exit: "done" leaves the atomic section it does not enter. */
        SRC_LINE(x, "if (assoc_sqlite(db) == NULL) {");
        SRC_LINE(x, "/* PostgreSQL: the steps below as one statement, atomic alone. */");
        x->done = "pg_done";
        src_acquire(x, del->pg_one.sql);
        src_binds(x, &del->pg_one);
        src_step_done(x);
        src_changed_or_notfound(x, f->name, "no such row");
        SRC_LINE(x, "pg_done:");
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "return rc;");
        SRC_LINE(x, "}");
        x->done = NULL;
    }
    if (del->atomic) {
        SRC_LINE(x, "rc = assoc_tx_enter(db, true);");
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "return rc;");
    }
    if (del->cascade) {
        SRC_LINE(x, "rc = assoc_cascade_setup(db, &%s);", del->cascade->cname);
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
    }
    src_delete_steps(x, f, del, false);
    src_close(x, del->atomic ? "assoc_tx_leave(db, rc)" : NULL);
}
