/* emit_source.c - the generated source: its layout, its SQL constants, and
 * the pieces every generated function is made of (emit_src.h).
 *
 * Layout: the banner and includes; each model's row type (its readers and
 * the descriptor libassoc's row loops take); then every function of the
 * api table in the header's order, each preceded by the SQL constants it
 * is the first to run, as sqlc places them: a constant broken at its
 * clauses, right above the short function that runs it.  The bodies are
 * printed by emit_src_rows.c, emit_src_crud.c, emit_src_rel.c and
 * emit_src_delete.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_src.h"

/* Longest string literal ISO C guarantees; past it -Wpedantic warns. */
enum { ISO_STRING_LIMIT = 4095 };

/* ------------------------------------------------------------------ */
/* Pieces of functions                                                  */

void src_open(src *x, const api_fn *f)
{
    strbuf sig = STRBUF_INIT;
    api_signature(&sig, f);
    SRC_LINE(x, "%s", strbuf_str(&sig));
    SRC_LINE(x, "{");
    if (sig.failed)
        x->e->out.failed = true;
    strbuf_free(&sig);
    x->times = x->next_time = 0;
}

int src_bind_times(const plan_bind *binds, size_t n)
{
    int times = 0;
    for (size_t i = 0; i < n; i++) {
        const plan_bind *b = &binds[i];
        if (b->col && b->col->type == SCH_DATETIME && b->kind != PB_INT && b->kind != PB_NULL)
            times++;
    }
    return times;
}

int src_count_times(const plan_stmt *st)
{
    return src_bind_times(st->binds, st->nbinds);
}

void src_locals(src *x, int ntimes)
{
    src_locals_with(x, NULL, 0, ntimes);
}

void src_locals_with(src *x, const char *const *more, size_t nmore, int ntimes)
{
    SRC_LINE(x, "assoc_stmt *st = NULL;");
    for (size_t i = 0; i < nmore; i++)
        if (more[i])
            SRC_LINE(x, "%s", more[i]);
    for (int i = 1; i <= ntimes; i++)
        SRC_LINE(x, "char time_text_%d[ASSOC_TIME_TEXT_SIZE];", i);
    SRC_LINE(x, "int rc;");
    SRC_BLANK(x);
    x->times = ntimes;
    x->next_time = 0;
}

void src_misuse(src *x, const api_fn *f)
{
    strbuf cond = STRBUF_INIT;
    for (size_t i = 0; i < f->nparams; i++) {
        const api_param *p = &f->params[i];
        const char *name = p->name;
        if (name[0] == '\0')
            name = "fn";                     /* the callback */
        else if (strcmp(name, "ctx") == 0 || strcmp(name, "value") == 0 || strcmp(name, "after") == 0 ||
                 (f->kind == API_GET && i > 0 && i + 1 < f->nparams))
            continue;                        /* the caller's, or a key that may be NULL */
        else if (p->type[strlen(p->type) - 1] != '*')
            continue;
        strbuf_printf(&cond, "%s%s == NULL", cond.len ? " || " : "", name);
    }
    if (cond.len) {
        SRC_LINE(x, "if (%s)", strbuf_str(&cond));
        SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: NULL argument\");", f->name);
    }
    strbuf_free(&cond);
}

void src_key_guard(src *x, const char *obj, const sch_table *t, const char *fn, const char *code)
{
    for (size_t k = 0; k < t->npk; k++) {
        const sch_column *col = t->pk[k];
        if (col->is_rowid)
            SRC_LINE(x, "if (%s%s == 0)", obj, col->c_name);
        else if (col->type == SCH_STRING || col->type == SCH_TEXT)
            SRC_LINE(x, "if (%s%s == NULL)", obj, col->c_name);
        else if (col->type == SCH_BLOB)
            SRC_LINE(x, "if (%s%s.data == NULL)", obj, col->c_name);
        else
            continue;
        SRC_LINE(x, "return assoc_fail(db, %s, \"%s: no such row, the record has no key (%s is unset)\");", code, fn,
                 col->name);
    }
}

void src_owner_guard(src *x, const sch_rel *r, const char *fn, const char *code, const char *why)
{
    char buf[600];
    const sch_column *oc = r->owner_col;
    bool key = oc->is_rowid || oc->primary_key;
    if (oc->is_rowid)
        SRC_LINE(x, "if (r->%s == 0)", oc->c_name);
    else if (key && !c_is_pointer(oc))
        return;
    else if (src_null_cond(buf, sizeof buf, "r->", oc))
        SRC_LINE(x, "if (%s)", buf);
    else
        return;
    if (strcmp(code, "ASSOC_OK") == 0)
        SRC_LINE(x, "return ASSOC_OK;");
    else if (key)
        SRC_LINE(x, "return assoc_fail(db, %s, \"%s: the record has no key (%s is unset)\");", code, fn, oc->name);
    else
        SRC_LINE(x, "return assoc_fail(db, %s, \"%s: %s is NULL%s\");", code, fn, oc->name, why);
}

void src_acquire(src *x, const plan_sql *sql)
{
    SRC_LINE(x, "rc = assoc_stmt_acquire(db, &%s, &st);", sql->cname);
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto %s;", src_done(x));
}

void src_acquire_expr(src *x, const char *expr)
{
    SRC_LINE(x, "rc = assoc_stmt_acquire(db, %s, &st);", expr);
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto %s;", src_done(x));
}

const char *src_null_cond(char *buf, size_t size, const char *obj, const sch_column *col)
{
    if (c_has_flag(col))
        snprintf(buf, size, "!%shas_%s", obj, col->c_name);
    else if (col->type == SCH_STRING || col->type == SCH_TEXT)
        snprintf(buf, size, "%s%s == NULL", obj, col->c_name);
    else if (col->type == SCH_BLOB)
        snprintf(buf, size, "%s%s.data == NULL", obj, col->c_name);
    else
        return NULL;
    return buf;
}

void src_c_default(strbuf *sb, const sch_column *col, const sch_default *d)
{
    switch (d->kind) {
    case SCH_DEFAULT_NOW:
        strbuf_puts(sb, "assoc_now()");
        break;
    case SCH_DEFAULT_INT:
        if (col->type == SCH_BOOLEAN)
            strbuf_puts(sb, d->i ? "true" : "false");
        else if (d->i == INT64_MIN)
            strbuf_puts(sb, "INT64_MIN");   /* INT64_C(-9223372036854775808) is no constant */
        else
            strbuf_printf(sb, "INT64_C(%lld)", (long long)d->i);
        break;
    case SCH_DEFAULT_FLOAT:
        strbuf_printf(sb, "%.17g", d->d);
        break;
    case SCH_DEFAULT_STRING:
        strbuf_putc(sb, '"');
        cp_c_string(sb, d->s, d->len);
        strbuf_putc(sb, '"');
        break;
    case SCH_DEFAULT_NONE:
    case SCH_DEFAULT_CURRENT_TIMESTAMP:
    case SCH_DEFAULT_UUID:             /* made at run time (emit_src_crud.c) */
    case SCH_DEFAULT_CALL:
        break;
    }
}

/* The next datetime buffer of the function. */
static int next_time(src *x)
{
    return ++x->next_time;
}

/* "rc = assoc_bind_<what>(db, st, idx, ...);" for a value that is present. */
static void bind_value(src *x, const char *idx, const sch_column *col, const char *v)
{
    switch (col->type) {
    case SCH_INTEGER:
        SRC_LINE(x, "rc = assoc_bind_int64(db, st, %s, %s);", idx, v);
        break;
    case SCH_FLOAT:
        SRC_LINE(x, "rc = assoc_bind_double(db, st, %s, %s);", idx, v);
        break;
    case SCH_BOOLEAN:
        SRC_LINE(x, "rc = assoc_bind_bool(db, st, %s, %s);", idx, v);
        break;
    case SCH_TEXT:
    case SCH_STRING:
        SRC_LINE(x, "rc = assoc_bind_text(db, st, %s, %s);", idx, v);
        break;
    case SCH_DATETIME:
        SRC_LINE(x, "rc = assoc_bind_time_buf(db, st, %s, %s, true, time_text_%d);", idx, v, next_time(x));
        break;
    case SCH_BLOB:
        SRC_LINE(x, "rc = assoc_bind_blob(db, st, %s, &%s);", idx, v);
        break;
    case SCH_ENUM: {
        char desc[300];
        SRC_LINE(x, "rc = assoc_bind_enum(db, st, %s, &%s, (int)%s, true);", idx,
                 src_enum_desc(desc, sizeof desc, col), v);
        break;
    }
    }
}

const char *src_enum_desc(char *buf, size_t size, const sch_column *col)
{
    snprintf(buf, size, "%s__enum_%s", col->table->model ? col->table->model->snake : col->table->name, col->c_name);
    return buf;
}

void src_bind_at(src *x, const char *idx, const plan_bind *b)
{
    const sch_column *col = b->col;
    char v[600];
    switch (b->kind) {
    case PB_FIELD:
        snprintf(v, sizeof v, "%s%s", b->obj, col->c_name);
        if (!c_has_flag(col)) {
            bind_value(x, idx, col, v);
            break;
        }
        switch (col->type) {
        case SCH_INTEGER:
            SRC_LINE(x, "rc = assoc_bind_int64_opt(db, st, %s, %s, %shas_%s);", idx, v, b->obj, col->c_name);
            break;
        case SCH_FLOAT:
            SRC_LINE(x, "rc = assoc_bind_double_opt(db, st, %s, %s, %shas_%s);", idx, v, b->obj, col->c_name);
            break;
        case SCH_BOOLEAN:
            SRC_LINE(x, "rc = assoc_bind_bool_opt(db, st, %s, %s, %shas_%s);", idx, v, b->obj, col->c_name);
            break;
        case SCH_DATETIME:
            SRC_LINE(x, "rc = assoc_bind_time_buf(db, st, %s, %s, %shas_%s, time_text_%d);", idx, v, b->obj,
                     col->c_name, next_time(x));
            break;
        case SCH_ENUM: {
            char desc[300];
            SRC_LINE(x, "rc = assoc_bind_enum(db, st, %s, &%s, (int)%s, %shas_%s);", idx,
                     src_enum_desc(desc, sizeof desc, col), v, b->obj, col->c_name);
            break;
        }
        default:
            bind_value(x, idx, col, v);
            break;
        }
        break;
    case PB_FIELD_SET:
        snprintf(v, sizeof v, "%s%s", b->obj, col->c_name);
        bind_value(x, idx, col, v);
        break;
    case PB_EXPR:
        bind_value(x, idx, col, b->expr);
        break;
    case PB_SHORT_TIME:
        SRC_LINE(x, "rc = assoc_bind_time_short(db, st, %s, %s, time_text_%d);", idx, b->expr, next_time(x));
        break;
    case PB_INT:
        SRC_LINE(x, "rc = assoc_bind_int64(db, st, %s, %s);", idx, b->expr);
        break;
    case PB_NULL:
        SRC_LINE(x, "rc = assoc_bind_null(db, st, %s);", idx);
        break;
    case PB_STAMP:
        /* The clock's own text where the default applied, so the row holds
         * what DEFAULT (CURRENT_TIMESTAMP) would have put there; NULL where
         * the record is still unset (PostgreSQL, whose statement reads its
         * clock: plan_default.pg_col). */
        SRC_LINE(x, "rc = %shas_%s ? assoc_bind_time_buf(db, st, %s, %s%s, true, time_text_%d) : "
                    "%shas_%s ? assoc_bind_text(db, st, %s, stamp_text) : assoc_bind_null(db, st, %s);",
                 b->expr ? b->expr : "r->", col->c_name, idx, b->obj, col->c_name, next_time(x), b->obj,
                 col->c_name, idx, idx);
        break;
    case PB_DEFAULT: {
        strbuf d = STRBUF_INIT;
        src_c_default(&d, col, &col->def);
        if (col->def.kind == SCH_DEFAULT_UUID || col->def.kind == SCH_DEFAULT_CALL) {
            /* made before the statement, into a local (emit_src_rel.c) */
            snprintf(v, sizeof v, "made_%s", col->c_name);
            bind_value(x, idx, col, v);
        } else if (col->type == SCH_ENUM)      /* an association table's: its name, as stored */
            SRC_LINE(x, "rc = assoc_bind_text(db, st, %s, \"%s\");", idx, col->enumv->values[col->def.i - 1]);
        else if (col->type == SCH_BLOB)
            SRC_LINE(x, "rc = assoc_bind_blob(db, st, %s, &(assoc_blob){ (unsigned char *)%s, %zu });", idx,
                     strbuf_str(&d), col->def.len);
        else
            bind_value(x, idx, col, strbuf_str(&d));
        strbuf_free(&d);
        break;
    }
    }
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto %s;", src_done(x));
}

void src_bind(src *x, int idx, const plan_bind *b)
{
    char n[16];
    snprintf(n, sizeof n, "%d", idx);
    src_bind_at(x, n, b);
}

void src_binds(src *x, const plan_stmt *st)
{
    for (size_t i = 0; i < st->nbinds; i++)
        src_bind(x, (int)i + 1, &st->binds[i]);
}

void src_step_done(src *x)
{
    SRC_LINE(x, "rc = assoc_step(db, st);");
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto %s;", src_done(x));
}

void src_changed_or_notfound(src *x, const char *fn, const char *what)
{
    SRC_LINE(x, "if (assoc_changes(db) == 0) {");
    SRC_LINE(x, "rc = assoc_fail(db, ASSOC_NOTFOUND, \"%s: %s\");", fn, what);
    SRC_LINE(x, "goto %s;", src_done(x));
    SRC_LINE(x, "}");
}

void src_close(src *x, const char *ret)
{
    SRC_LINE(x, "done:");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    SRC_LINE(x, "return %s;", ret ? ret : "rc");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

const char *src_type(src *x, const sch_model *m, char *buf, size_t size)
{
    (void)x;
    snprintf(buf, size, "%s__type", m->snake);
    return buf;
}

/* ------------------------------------------------------------------ */
/* SQL constants                                                        */

/* One text as adjacent C string literals, a line of SQL a literal; a line
 * longer than `width` is cut after a ", " (a list of columns), never inside
 * a word. */
static void sql_literal(src *x, const char *s, bool last)
{
    enum { WIDTH = 96 };
    size_t n = strlen(s), i = 0;
    if (n == 0) {
        SRC_LINE(x, "\"\"%s", last ? "" : ",");
        return;
    }
    strbuf line = STRBUF_INIT;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t take = nl ? (size_t)(nl - (s + i)) + 1 : n - i;
        if (take > WIDTH) {
            /* After ", " (a list) if there is one, else after a space. */
            size_t cut = 0;
            for (size_t k = WIDTH; k > 20 && cut == 0; k--)
                if (s[i + k - 1] == ' ' && s[i + k - 2] == ',')
                    cut = k;
            for (size_t k = WIDTH; k > 20 && cut == 0; k--)
                if (s[i + k - 1] == ' ')
                    cut = k;
            if (cut)
                take = cut;
        }
        strbuf_reset(&line);
        strbuf_putc(&line, '"');
        cp_c_string(&line, s + i, take);
        strbuf_putc(&line, '"');
        i += take;
        if (i >= n && !last)
            strbuf_putc(&line, ',');
        SRC_LINE(x, "%s", strbuf_str(&line));
    }
    if (line.failed)
        x->e->out.failed = true;
    strbuf_free(&line);
}

static void sql_const(src *x, const plan_sql *sql)
{
    if (sql->pg_only)
        SRC_LINE(x, "/* PostgreSQL only: */");
    SRC_LINE(x, "static const assoc_sql %s = {", sql->cname);
    sql_literal(x, sql->text, false);
    if (sql->pg) {
        SRC_LINE(x, "/* PostgreSQL: */");
        sql_literal(x, sql->pg, true);
    } else {
        SRC_LINE(x, "NULL");
    }
    SRC_LINE(x, "};");
    SRC_BLANK(x);
}

/* ------------------------------------------------------------------ */

/* The constants each function is the first to run, and the cascade
 * descriptors, grouped by function (an index into the api table). */
typedef struct firsts {
    size_t *head;          /* per function: 1 + index of its first SQL, or 0 */
    size_t *next;          /* per SQL: 1 + index of the next of the same function */
} firsts;

static bool index_firsts(const emit_ctx *e, firsts *fi)
{
    const api *a = e->a;
    const plan_schema *ps = e->ps;
    fi->head = calloc(a->nfns + 1, sizeof *fi->head);
    fi->next = calloc(ps->nsqls + 1, sizeof *fi->next);
    if (fi->head == NULL || fi->next == NULL)
        return false;
    size_t *tail = calloc(a->nfns + 1, sizeof *tail);
    if (tail == NULL)
        return false;
    for (size_t i = 0; i < ps->nsqls; i++) {
        const api_fn *f = ps->sqls[i]->first;
        size_t k = f ? (size_t)(f - a->fns) : a->nfns;
        if (tail[k])
            fi->next[tail[k] - 1] = i + 1;
        else
            fi->head[k] = i + 1;
        tail[k] = i + 1;
    }
    free(tail);
    return true;
}

bool emit_source(emit_ctx *e)
{
    const sch_schema *s = e->s;
    const api *a = e->a;
    const plan_schema *ps = e->ps;
    src x = { .e = e };
    cp_init(&x.p, &e->out);

    SRC_LINE(&x, "/* Generated by assocgen from %s. DO NOT EDIT. */", e->source_name);
    SRC_LINE(&x, "#include \"%s.h\"", e->base);
    SRC_BLANK(&x);
    SRC_LINE(&x, "#include <string.h>");
    SRC_BLANK(&x);
    if (ps->longest > ISO_STRING_LIMIT) {
        /* A table of many columns makes SQL longer than the 4095 bytes ISO
         * C promises; gcc and clang take it, and -Wpedantic need not say so. */
        SRC_LINE(&x, "#if defined(__GNUC__)");
        SRC_LINE(&x, "#pragma GCC diagnostic ignored \"-Woverlength-strings\"");
        SRC_LINE(&x, "#endif");
        SRC_BLANK(&x);
    }
    for (size_t i = 0; i < s->nmodels; i++)
        src_rows(&x, s->models[i]);

    firsts fi = { NULL, NULL };
    bool spec_done = false;
    if (!index_firsts(e, &fi)) {
        free(fi.head);
        free(fi.next);
        return false;
    }
    for (size_t i = 0; i < a->nfns; i++) {
        const api_fn *f = &a->fns[i];
        if (i == 0 || f->model != a->fns[i - 1].model) {
            if (f->model)
                SRC_LINE(&x, "/* ---- %s ---- */", f->model->name);
            SRC_BLANK(&x);
        }
        for (size_t k = fi.head[i]; k; k = fi.next[k - 1])
            sql_const(&x, ps->sqls[k - 1]);
        if (f->plan && f->plan->del && f->plan->del->cascade)
            src_cascade(&x, f->plan->del->cascade);
        if (f->plan && f->plan->qv && f->plan->qv->first == f)
            src_variants(&x, f->plan->qv);
        if (f->plan && f->plan->spec && !spec_done) {
            src_spec(&x, f->plan->spec);
            spec_done = true;
        }
        switch (f->kind) {
        case API_FREE:
        case API_LIST_FREE:
        case API_GROUPS_FREE:
            src_fn_rows(&x, f);
            break;
        case API_REL_LOAD:
        case API_REL_LOAD_EACH:
        case API_REL_COUNT:
            src_fn_load(&x, f);
            break;
        case API_Q_LIST:
        case API_Q_EACH:
        case API_Q_FIRST:
        case API_Q_COUNT:
        case API_Q_EXISTS:
        case API_Q_DELETE:
        case API_Q_PAGE:
            src_fn_query(&x, f);
            break;
        case API_DELETE:
            src_fn_delete(&x, f);
            break;
        case API_VERIFY:
            src_fn_verify(&x, f);
            break;
        case API_REL_GET:
        case API_REL_VIEW:
        case API_REL_LIST:
        case API_REL_EACH:
        case API_REL_EACH_WITH:
        case API_REL_ADD:
        case API_REL_REMOVE:
            src_fn_rel(&x, f);
            break;
        default:
            src_fn_crud(&x, f);
            break;
        }
    }
    free(fi.head);
    free(fi.next);
    return !e->out.failed;
}
