/* emit_src_load.c - the bodies of batched loads and collection counts
 * (SPEC 6): one statement per chunk of parents, each parent's join value
 * bound into the chunk's VALUES list; libassoc gathers the rows
 * (assoc_load_*).  The statements are the plan's (plan_load.c). */
#include <stdio.h>
#include <string.h>

#include "emit_src.h"

/* static int <m>_<rel>__chunk: the statement of parents[base..], bound,
 * for the caller to step and release: the statement of API_LOAD_SMALL
 * places when that many are left, else of API_LOAD_CHUNK, and for each
 * place j the join value of parent base + j, or NULL past the last parent.
 * _load and _load_each both call it. */
static void chunk_fn(src *x, const api_fn *f)
{
    const plan_load *l = f->plan->load;
    const sch_rel *r = f->rel;
    SRC_LINE(x, "/* The statement of %s.%s for parents[base..], at most %d of them, bound:", f->model->name, r->name,
             API_LOAD_CHUNK);
    SRC_LINE(x, " * of %d places when that many are left, else of %d; each place's join", API_LOAD_SMALL,
             API_LOAD_CHUNK);
    SRC_LINE(x, " * value, NULL past the last parent.  OUT: *out, for the caller to step");
    SRC_LINE(x, " * and release (NULL on failure). */");
    SRC_LINE(x, "static int %s(assoc_db *db, const %s%s *parents, size_t n, size_t base, assoc_stmt **out)",
             l->chunk_fn, x->e->prefix, f->model->name);
    SRC_LINE(x, "{");
    SRC_LINE(x, "assoc_stmt *st = NULL;");
    SRC_LINE(x, "size_t places = n - base <= %d ? %d : %d;", API_LOAD_SMALL, API_LOAD_SMALL, API_LOAD_CHUNK);
    if (l->key->type == SCH_DATETIME)
        SRC_LINE(x, "char time_text_1[ASSOC_TIME_TEXT_SIZE];");
    SRC_LINE(x, "int rc;");
    SRC_BLANK(x);
    SRC_LINE(x, "*out = NULL;");
    char expr[600];
    snprintf(expr, sizeof expr, "places == %d ? &%s : &%s", API_LOAD_SMALL, l->sql_small->cname, l->sql->cname);
    src_acquire_expr(x, expr);
    SRC_LINE(x, "for (size_t j = 0; j < places && rc == ASSOC_OK; j++) {");
    SRC_LINE(x, "size_t at = base + j;");
    SRC_LINE(x, "int idx = (int)j + 1;");
    SRC_BLANK(x);
    SRC_LINE(x, "if (at >= n) {");
    SRC_LINE(x, "rc = assoc_bind_null(db, st, idx);");
    SRC_LINE(x, "continue;");
    SRC_LINE(x, "}");
    src_bind_at(x, "idx", &l->key_bind);
    SRC_LINE(x, "}");
    SRC_LINE(x, "if (rc == ASSOC_OK) {");
    SRC_LINE(x, "*out = st;");
    SRC_LINE(x, "return ASSOC_OK;");
    SRC_LINE(x, "}");
    SRC_LINE(x, "done:");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

static void load(src *x, const api_fn *f)
{
    const plan_load *l = f->plan->load;
    const sch_rel *r = f->rel;
    char type[300];
    src_type(x, r->target, type, sizeof type);
    const api_fn *gfree = api_find(x->e->a, API_GROUPS_FREE, r->target, NULL);
    chunk_fn(x, f);
    src_open(x, f);
    SRC_LINE(x, "assoc_stmt *st = NULL;");
    SRC_LINE(x, "assoc_load acc;");
    SRC_LINE(x, "void *items = NULL;");
    SRC_LINE(x, "int rc = ASSOC_OK;");
    SRC_BLANK(x);
    SRC_LINE(x, "if (db == NULL || out == NULL || (parents == NULL && n > 0))");
    SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: NULL argument\");", f->name);
    SRC_LINE(x, "memset(out, 0, sizeof *out);");
    SRC_LINE(x, "assoc_load_init(&acc, &%s, n, %s);", type, l->by_key ? "true" : "false");
    /* More than one chunk reads in one transaction: one snapshot. */
    SRC_LINE(x, "if (n > %d) {", API_LOAD_CHUNK);
    SRC_LINE(x, "rc = assoc_tx_enter(db, false);");
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "}");
    SRC_LINE(x, "for (size_t base = 0; base < n && rc == ASSOC_OK; base += %d) {", API_LOAD_CHUNK);
    SRC_LINE(x, "rc = %s(db, parents, n, base, &st);", l->chunk_fn);
    SRC_LINE(x, "if (rc == ASSOC_OK)");
    SRC_LINE(x, "rc = assoc_load_rows(db, &acc, st, %zu, base);", r->target->table->ncolumns);
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    SRC_LINE(x, "st = NULL;");
    SRC_LINE(x, "}");
    SRC_LINE(x, "if (rc == ASSOC_OK)");
    SRC_LINE(x, "rc = assoc_load_finish(db, &acc, &items, &out->rows.len, &out->start, &out->link);");
    SRC_LINE(x, "else");
    SRC_LINE(x, "assoc_load_free(&acc);");
    SRC_LINE(x, "if (rc == ASSOC_OK) {");
    SRC_LINE(x, "out->rows.items = items;");
    SRC_LINE(x, "out->n = n;");
    SRC_LINE(x, "}");
    SRC_LINE(x, "if (n > %d) {", API_LOAD_CHUNK);
    SRC_LINE(x, "rc = assoc_tx_leave(db, rc);");
    /* A failed release (out of memory, I/O) fails the call: nothing is
     * handed over. */
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "%s(out);", gfree->name);
    SRC_LINE(x, "}");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

/* As load, a chunk at a time, each chunk's rows lent to fn: a collection's
 * gathered as load gathers them (the same statements, through the same
 * __chunk), lent parent by parent and released before the next chunk, so
 * that memory holds one chunk's rows whatever n is and no statement is
 * running while fn is called; a to-one load's rows lent as the statement
 * gives them (each_streams).  fn may call back into the library either
 * way (a to-one load's later rows then show what fn changed).  More than
 * one chunk reads in one atomic section (one snapshot); fn runs inside
 * it, so a failure of the load after fn undoes what fn wrote, and a stop
 * (fn's non-zero return) ends it as the end of the parents does. */
static void load_each(src *x, const api_fn *f)
{
    const plan_load *l = f->plan->load;
    const sch_rel *r = f->rel;
    char type[300];
    src_type(x, r->target, type, sizeof type);
    src_open(x, f);
    /* The target's type first: a local declared after could hide it (a
     * model may be called link or m). */
    if (l->each_streams) {
        SRC_LINE(x, "%s%s row;", x->e->prefix, r->target->name);
        SRC_LINE(x, "assoc_stmt *st = NULL;");
        SRC_LINE(x, "size_t parent = 0;");
    } else {
        SRC_LINE(x, "const %s%s *rows = NULL;", x->e->prefix, r->target->name);
        SRC_LINE(x, "assoc_stmt *st = NULL;");
        SRC_LINE(x, "assoc_load_chunk chunk = { NULL, 0, NULL, NULL };");
    }
    SRC_LINE(x, "int rc = ASSOC_OK, stop = 0;");
    SRC_BLANK(x);
    SRC_LINE(x, "if (db == NULL || fn == NULL || (parents == NULL && n > 0))");
    SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: NULL argument\");", f->name);
    SRC_LINE(x, "if (n > %d) {", API_LOAD_CHUNK);
    SRC_LINE(x, "rc = assoc_tx_enter(db, false);");
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "}");
    SRC_LINE(x, "for (size_t base = 0; base < n && rc == ASSOC_OK && stop == 0; base += %d) {", API_LOAD_CHUNK);
    if (l->each_streams) {
        SRC_LINE(x, "rc = %s(db, parents, n, base, &st);", l->chunk_fn);
        SRC_LINE(x, "while (rc == ASSOC_OK && stop == 0) {");
        SRC_LINE(x, "rc = assoc_load_next(db, st, &%s, %zu, base, &row, &parent);", type,
                 r->target->table->ncolumns);
        SRC_LINE(x, "if (rc != ASSOC_ROW)");
        SRC_LINE(x, "break;");
        SRC_LINE(x, "rc = ASSOC_OK;");
        SRC_LINE(x, "stop = fn(parent, &row, ctx);");
        SRC_LINE(x, "}");
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "st = NULL;");
    } else {
        SRC_LINE(x, "size_t m = n - base < %d ? n - base : %d;", API_LOAD_CHUNK, API_LOAD_CHUNK);
        SRC_BLANK(x);
        /* The chunk's parents are 0..m-1 to libassoc. */
        SRC_LINE(x, "rc = %s(db, parents, n, base, &st);", l->chunk_fn);
        SRC_LINE(x, "if (rc == ASSOC_OK)");
        SRC_LINE(x, "rc = assoc_load_chunk_read(db, &%s, m, %s, st, %zu, &chunk);", type, l->by_key ? "true" : "false",
                 r->target->table->ncolumns);
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "st = NULL;");
        SRC_LINE(x, "rows = chunk.items;");
        SRC_LINE(x, "for (size_t i = 0; i < m && rc == ASSOC_OK && stop == 0; i++) {");
        SRC_LINE(x, "for (size_t k = chunk.start[i]; k < chunk.start[i + 1] && stop == 0; k++)");
        SRC_LINE(x, "stop = fn(base + i, &rows[chunk.link[k]], ctx);");
        SRC_LINE(x, "}");
        SRC_LINE(x, "assoc_load_chunk_free(&chunk);");
    }
    SRC_LINE(x, "}");
    /* fn's stop is no failure: the section ends as the load's own end would
     * (what fn wrote stays), and its value is returned. */
    SRC_LINE(x, "if (n > %d)", API_LOAD_CHUNK);
    SRC_LINE(x, "rc = assoc_tx_leave(db, rc);");
    SRC_LINE(x, "return rc != ASSOC_OK ? rc : stop;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

static void count(src *x, const api_fn *f)
{
    const plan_stmt *st = &f->plan->stmt;
    src_open(x, f);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    SRC_LINE(x, "*out = 0;");
    src_owner_guard(x, f->rel, f->name, "ASSOC_OK", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "rc = assoc_step(db, st);");
    SRC_LINE(x, "if (rc == ASSOC_ROW)");
    SRC_LINE(x, "rc = assoc_col_int64(db, st, 0, out, NULL);");
    src_close(x, NULL);
}

void src_fn_load(src *x, const api_fn *f)
{
    switch (f->kind) {
    case API_REL_LOAD:
        load(x, f);
        break;
    case API_REL_LOAD_EACH:
        load_each(x, f);
        break;
    case API_REL_COUNT:
        count(x, f);
        break;
    default:
        break;
    }
}
