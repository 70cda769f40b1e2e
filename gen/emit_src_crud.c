/* emit_src_crud.c - the bodies of a model's own functions: create_all,
 * insert, get, update, first, all, each, count, get_by, find_by.  What each
 * runs and binds is its plan's. */
#include <stdio.h>
#include <string.h>

#include "emit_src.h"

static void create_all(src *x, const api_fn *f)
{
    src_open(x, f);
    SRC_LINE(x, "int rc;");
    SRC_BLANK(x);
    src_misuse(x, f);
    SRC_LINE(x, "rc = assoc_tx_enter(db, true);");
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "/* The tables that exist must be the schema's, or nothing is created. */");
    SRC_LINE(x, "rc = assoc_verify(db, &%s, ASSOC_VERIFY_EXISTING);", f->plan->spec->cname);
    SRC_LINE(x, "if (rc == ASSOC_OK)");
    SRC_LINE(x, "rc = assoc_exec(db, &%s);", f->plan->stmt.sql->cname);
    SRC_LINE(x, "return assoc_tx_leave(db, rc);");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

/* Set <obj><field> to the default d: the field is known to be unset. */
static void apply_default_to(src *x, const char *obj, const sch_column *col, const sch_default *d)
{
    strbuf v = STRBUF_INIT;
    char k[300];
    if (col->type == SCH_ENUM)
        strbuf_puts(&v, c_enum_const(k, sizeof k, x->e->prefix, col, (size_t)(d->i - 1)));
    else
        src_c_default(&v, col, d);
    const char *f = col->c_name;
    if (col->type == SCH_BLOB) {
        SRC_LINE(x, "%s%s.data = (unsigned char *)%s;", obj, f, strbuf_str(&v));
        SRC_LINE(x, "%s%s.len = %zu;", obj, f, d->len);
    } else if (c_is_pointer(col)) {
        SRC_LINE(x, "%s%s = (char *)%s;", obj, f, strbuf_str(&v));
    } else {
        SRC_LINE(x, "%s%s = %s;", obj, f, strbuf_str(&v));
        SRC_LINE(x, "%shas_%s = true;", obj, f);
    }
    strbuf_free(&v);
}

static void apply_default(src *x, const sch_column *col, const sch_default *d)
{
    apply_default_to(x, "v.", col, d);
}

/* A default the insert makes at run time: default(uuid), default(call f). */
static bool made(const plan_default *d)
{
    return d->def->kind == SCH_DEFAULT_UUID || d->def->kind == SCH_DEFAULT_CALL;
}

/* The stamps still unset in <obj> (PostgreSQL's: its statement read the
 * clock) from the row the insert returned: "rc = ..." for each, the
 * caller checking rc after the last; ASSOC_OK when there are none. */
static void read_stamps_rc(src *x, const plan_fn *pl, const char *obj, bool guard)
{
    for (size_t i = 0; i < pl->ndefaults; i++) {
        const plan_default *d = &pl->defaults[i];
        if (!d->stamp)
            continue;
        const char *c = d->col->c_name;
        SRC_LINE(x, "if (%s!%shas_%s)", guard ? "rc == ASSOC_OK && " : "", obj, c);
        SRC_LINE(x, "rc = assoc_column_time(db, st, %d, &%s%s, &%shas_%s);", d->pg_col, obj, c, obj, c);
    }
}

static void read_stamps(src *x, const plan_fn *pl, const char *obj)
{
    if (pl->nstamps == 0)
        return;
    SRC_LINE(x, "/* PostgreSQL: the clock its statement read, returned. */");
    read_stamps_rc(x, pl, obj, pl->nstamps > 1);
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto done;");
}

static void insert(src *x, const api_fn *f)
{
    const plan_fn *pl = f->plan;
    const sch_model *m = f->model;
    const char *P = x->e->prefix;
    const plan_stmt *main = pl->rowid ? &pl->auto_stmt : &pl->stmt;
    char buf[600];

    src_open(x, f);
    SRC_LINE(x, "assoc_stmt *st = NULL;");
    if (pl->copy)
        SRC_LINE(x, "%s%s v;", P, m->name);
    if (pl->nstamps) {
        SRC_LINE(x, "assoc_time stamp = 0;");
        SRC_LINE(x, "char stamp_text[ASSOC_TIME_TEXT_SIZE] = \"\";");
    }
    for (size_t i = 0; i < pl->ndefaults; i++)
        if (pl->defaults[i].dup)
            SRC_LINE(x, "%s dup_%s = %s;", c_field_type(pl->defaults[i].col), pl->defaults[i].col->c_name,
                     pl->defaults[i].col->type == SCH_BLOB ? "{ NULL, 0 }" : "NULL");
    int ntimes = src_count_times(&pl->stmt);
    for (size_t k = 0; k < pl->npost; k++)
        ntimes += src_count_times(&pl->post[k]);
    for (int i = 1; i <= ntimes; i++)
        SRC_LINE(x, "char time_text_%d[ASSOC_TIME_TEXT_SIZE];", i);
    x->times = ntimes;
    SRC_LINE(x, "int rc;");
    SRC_BLANK(x);
    src_misuse(x, f);
    if (pl->npost) {
        /* The row, then its post_update keys: one atomic section. */
        SRC_LINE(x, "rc = assoc_tx_enter(db, true);");
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "return rc;");
    }
    if (pl->copy) {
        /* Defaults go into a copy; r changes only when the row is in. */
        SRC_LINE(x, "v = *r;");
        if (pl->nstamps) {
            /* One reading of the clock for every such column, as one
             * statement's DEFAULT (CURRENT_TIMESTAMP) would give them all:
             * SQLite's, in C; PostgreSQL's statement reads its own and
             * returns it (below). */
            strbuf cond = STRBUF_INIT;
            for (size_t i = 0; i < pl->ndefaults; i++)
                if (pl->defaults[i].stamp)
                    strbuf_printf(&cond, "%s!v.has_%s", cond.len ? " || " : "", pl->defaults[i].col->c_name);
            SRC_LINE(x, "if (%s%s%s && assoc_sqlite(db) != NULL) {", pl->nstamps > 1 ? "(" : "", strbuf_str(&cond),
                     pl->nstamps > 1 ? ")" : "");
            strbuf_free(&cond);
            SRC_LINE(x, "rc = assoc_current_timestamp(db, &stamp, stamp_text);");
            SRC_LINE(x, "if (rc != ASSOC_OK)");
            SRC_LINE(x, "goto done;");
            for (size_t i = 0; i < pl->ndefaults; i++) {
                const plan_default *d = &pl->defaults[i];
                if (!d->stamp)
                    continue;
                if (pl->nstamps > 1)
                    SRC_LINE(x, "if (!v.has_%s) {", d->col->c_name);
                SRC_LINE(x, "v.%s = stamp;", d->col->c_name);
                SRC_LINE(x, "v.has_%s = true;", d->col->c_name);
                if (pl->nstamps > 1)
                    SRC_LINE(x, "}");
            }
            SRC_LINE(x, "}");
        }
        for (size_t i = 0; i < pl->ndefaults; i++) {
            const plan_default *d = &pl->defaults[i];
            if ((made(d) && d->dup) || d->stamp)
                continue;           /* made with the copies, below; the clock's, above */
            SRC_LINE(x, "if (%s) {", src_null_cond(buf, sizeof buf, "v.", d->col));
            if (made(d)) {
                /* default(call f) of a number, boolean, datetime or enum */
                SRC_LINE(x, "rc = %s(db, &v.%s);", d->def->fn, d->col->c_name);
                SRC_LINE(x, "if (rc != ASSOC_OK)");
                SRC_LINE(x, "goto done;");
                SRC_LINE(x, "v.has_%s = true;", d->col->c_name);
            } else {
                apply_default(x, d->col, d->def);
            }
            SRC_LINE(x, "}");
        }
        /* Copies of string defaults, and the strings and blobs default(uuid)
         * and default(call f) make, are made before the row goes in, so
         * that running out of memory cannot leave an insert half done. */
        for (size_t i = 0; i < pl->ndefaults; i++) {
            const plan_default *d = &pl->defaults[i];
            const char *fl = d->col->c_name;
            if (!d->dup)
                continue;
            SRC_LINE(x, "if (%s) {", src_null_cond(buf, sizeof buf, "r->", d->col));
            if (d->def->kind == SCH_DEFAULT_UUID)
                SRC_LINE(x, "rc = assoc_uuid4(db, &dup_%s);", fl);
            else if (d->def->kind == SCH_DEFAULT_CALL)
                SRC_LINE(x, "rc = %s(db, &dup_%s);", d->def->fn, fl);
            else if (d->col->type == SCH_BLOB)
                SRC_LINE(x, "rc = assoc_blobdup(db, v.%s.data, v.%s.len, &dup_%s);", fl, fl, fl);
            else
                SRC_LINE(x, "rc = assoc_strdup(db, v.%s, &dup_%s);", fl, fl);
            SRC_LINE(x, "if (rc != ASSOC_OK)");
            SRC_LINE(x, "goto done;");
            if (made(d))
                SRC_LINE(x, "v.%s = dup_%s;", fl, fl);
            SRC_LINE(x, "}");
        }
    }
    const char *obj = pl->copy ? "v." : "r->";
    if (pl->rowid) {
        /* A row id of 0 asks the database for one. */
        char expr[700];
        snprintf(expr, sizeof expr, "%s%s != 0 ? &%s : &%s", obj, pl->rowid->c_name, pl->stmt.sql->cname,
                 pl->auto_stmt.sql->cname);
        src_acquire_expr(x, expr);
        src_binds(x, main);
        SRC_LINE(x, "if (%s%s != 0) {", obj, pl->rowid->c_name);
        src_bind(x, (int)pl->stmt.nbinds, &pl->stmt.binds[pl->stmt.nbinds - 1]);
        SRC_LINE(x, "}");
        SRC_LINE(x, "rc = assoc_insert_step(db, st, &%s%s);", obj, pl->rowid->c_name);
    } else {
        src_acquire(x, pl->stmt.sql);
        src_binds(x, &pl->stmt);
        SRC_LINE(x, "rc = assoc_insert_step(db, st, NULL);");
    }
    if (!pl->copy) {
        src_close(x, NULL);
        return;
    }
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto done;");
    read_stamps(x, pl, "v.");
    if (pl->npost) {
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "st = NULL;");
    }
    for (size_t k = 0; k < pl->npost; k++) {
        /* SQLAlchemy's post_update: the key is written once the row is in,
         * so two rows that refer to each other can both go in. */
        const sch_column *col = pl->post_cols[k];
        SRC_LINE(x, "/* %s (post_update) is written once the row is in. */", col->name);
        if (c_has_flag(col))
            SRC_LINE(x, "if (v.has_%s) {", col->c_name);
        else
            SRC_LINE(x, "if (v.%s%s != NULL) {", col->c_name, col->type == SCH_BLOB ? ".data" : "");
        src_acquire(x, pl->post[k].sql);
        src_binds(x, &pl->post[k]);
        src_step_done(x);
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "st = NULL;");
        SRC_LINE(x, "}");
    }
    /* Every copy is made: hand them over; r now owns them. */
    for (size_t i = 0; i < pl->ndefaults; i++) {
        const plan_default *d = &pl->defaults[i];
        const char *fl = d->col->c_name;
        const char *data = d->col->type == SCH_BLOB ? ".data" : "";
        if (!d->dup)
            continue;
        SRC_LINE(x, "if (dup_%s%s) {", fl, data);
        SRC_LINE(x, "v.%s = dup_%s;", fl, fl);
        SRC_LINE(x, "dup_%s%s = NULL;", fl, data);
        SRC_LINE(x, "}");
    }
    SRC_LINE(x, "*r = v;");
    SRC_LINE(x, "done:");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    for (size_t i = 0; i < pl->ndefaults; i++)
        if (pl->defaults[i].dup)
            SRC_LINE(x, "assoc_free(dup_%s%s);", pl->defaults[i].col->c_name,
                     pl->defaults[i].col->type == SCH_BLOB ? ".data" : "");
    SRC_LINE(x, "return %s;", pl->npost ? "assoc_tx_leave(db, rc)" : "rc");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

/* insert_many: the rows in chunks of API_INSERT_ROWS (fewer where the
 * database's limit on parameters says so), each chunk one multi-row INSERT
 * from the plan's table of them (its entry v inserts v + 1 rows), the ids
 * SQLite assigns known in advance and checked after (assoc_rowids),
 * PostgreSQL's read from RETURNING; the records worked on are copies,
 * handed back when every row is in.  Rows with ids of their own, a table
 * with triggers, ids past INT64_MAX: the chunk's rows one by one through
 * _insert, in an atomic section. */
static void insert_many(src *x, const api_fn *f)
{
    const plan_fn *pl = f->plan;
    const sch_model *m = f->model;
    const char *P = x->e->prefix;
    const int per = API_INSERT_ROWS;
    const char *one = pl->one->name;
    int ntimes = src_count_times(&pl->stmt);
    char buf[600];

    src_open(x, f);
    SRC_LINE(x, "%s%s buf[%d], *all = buf, *w;", P, m->name, per);
    if (pl->rowid)
        SRC_LINE(x, "int64_t first = 0;");
    if (ntimes)
        SRC_LINE(x, "char times[%d][%d][ASSOC_TIME_TEXT_SIZE];", per, ntimes);
    if (pl->nstamps) {
        SRC_LINE(x, "assoc_time stamp = 0;");
        SRC_LINE(x, "char stamp_text[ASSOC_TIME_TEXT_SIZE] = \"\";");
    }
    SRC_LINE(x, "assoc_stmt *st = NULL;");
    SRC_LINE(x, "size_t c = 0, v;");
    SRC_LINE(x, "bool entered = false%s;", pl->rowid ? ", fits = true" : "");
    SRC_LINE(x, "int rc;");
    SRC_BLANK(x);
    SRC_LINE(x, "if (db == NULL || (rows == NULL && n > 0))");
    SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: NULL argument\");", f->name);
    SRC_LINE(x, "if (n == 0)");
    SRC_LINE(x, "return ASSOC_OK;");
    SRC_LINE(x, "if (n > %d) {", per);
    SRC_LINE(x, "all = n <= SIZE_MAX / sizeof *all ? assoc_malloc(n * sizeof *all) : NULL;");
    SRC_LINE(x, "if (all == NULL)");
    SRC_LINE(x, "return assoc_fail(db, ASSOC_NOMEM, \"%s: out of memory for %%zu rows\", n);", f->name);
    SRC_LINE(x, "}");
    SRC_LINE(x, "for (size_t i = 0; i < n; i++)");
    SRC_LINE(x, "all[i] = rows[i];");
    SRC_LINE(x, "/* Several statements, or (SQLite) the ids read before the rows go in:");
    SRC_LINE(x, " * one transaction, unless the caller's is open and one statement does. */");
    SRC_LINE(x, "rc = assoc_tx_enter_for(db, n > %d, &entered);", per);
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto done;");
    SRC_LINE(x, "for (size_t base = 0; base < n; base += c) {");
    SRC_LINE(x, "c = assoc_rows_fit(db, %zu, n - base < %d ? n - base : %d);", pl->stmt.nbinds, per, per);
    SRC_LINE(x, "w = all + base;");
    if (pl->rowid) {
        /* Rows that bring their own ids, a table with triggers, ids past
         * INT64_MAX: one by one, each id as the database reports it. */
        SRC_LINE(x, "fits = true;");
        SRC_LINE(x, "for (size_t j = 0; j < c; j++)");
        SRC_LINE(x, "fits &= w[j].%s == 0;", pl->rowid->c_name);
        SRC_LINE(x, "if (fits && assoc_sqlite(db) != NULL) {");
        SRC_LINE(x, "rc = assoc_rowids(db, &%s, c, &first, &fits);", pl->max_sql->cname);
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
        SRC_LINE(x, "}");
        SRC_LINE(x, "if (!fits) {");
        SRC_LINE(x, "/* Several statements where one was to do: atomic all the same. */");
        SRC_LINE(x, "if (!entered && c > 1) {");
        SRC_LINE(x, "rc = assoc_tx_enter_for(db, true, &entered);");
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
        SRC_LINE(x, "}");
        SRC_LINE(x, "for (size_t j = 0; j < c && rc == ASSOC_OK; j++)");
        SRC_LINE(x, "rc = %s(db, &w[j]);", one);
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
        SRC_LINE(x, "continue;");
        SRC_LINE(x, "}");
    }
    if (pl->nstamps) {
        /* One reading of the database's clock for the chunk, as one
         * statement's DEFAULT (CURRENT_TIMESTAMP) would give its rows:
         * SQLite's, in C (stamp_text then holds it); PostgreSQL's
         * statement reads its own, returned with each row. */
        SRC_LINE(x, "if (assoc_sqlite(db) != NULL) {");
        SRC_LINE(x, "rc = assoc_current_timestamp(db, &stamp, stamp_text);");
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
        SRC_LINE(x, "}");
    }
    SRC_LINE(x, "v = c - 1;");
    SRC_LINE(x, "rc = assoc_stmt_acquire(db, %s[v], &st);", pl->qv->cname);
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto done;");
    SRC_LINE(x, "for (size_t j = 0; j < c; j++) {");
    SRC_LINE(x, "int idx = (int)j * %zu;", pl->stmt.nbinds);
    for (int i = 0; i < ntimes; i++)
        SRC_LINE(x, "char *time_text_%d = times[j][%d];", i + 1, i);
    SRC_BLANK(x);
    for (size_t i = 0; i < pl->ndefaults; i++) {
        const plan_default *d = &pl->defaults[i];
        if (d->stamp)
            SRC_LINE(x, "if (%s && stamp_text[0] != '\\0') {", src_null_cond(buf, sizeof buf, "w[j].", d->col));
        else
            SRC_LINE(x, "if (%s) {", src_null_cond(buf, sizeof buf, "w[j].", d->col));
        if (made(d)) {
            /* default(call f) of a number, boolean, datetime or enum */
            SRC_LINE(x, "rc = %s(db, &w[j].%s);", d->def->fn, d->col->c_name);
            SRC_LINE(x, "if (rc != ASSOC_OK)");
            SRC_LINE(x, "goto done;");
            SRC_LINE(x, "w[j].has_%s = true;", d->col->c_name);
        } else if (d->stamp) {
            SRC_LINE(x, "w[j].%s = stamp;", d->col->c_name);
            SRC_LINE(x, "w[j].has_%s = true;", d->col->c_name);
        } else {
            apply_default_to(x, "w[j].", d->col, d->def);
        }
        SRC_LINE(x, "}");
    }
    x->next_time = 0;
    for (size_t i = 0; i < pl->stmt.nbinds; i++) {
        char idx[32];
        snprintf(idx, sizeof idx, "idx + %zu", i + 1);
        src_bind_at(x, idx, &pl->stmt.binds[i]);
    }
    SRC_LINE(x, "}");
    if (pl->rowid || pl->nstamps) {
        /* PostgreSQL: RETURNING's rows, one per row in the VALUES list's
         * order (the order in which its executor inserts them): each
         * row's id, and its stamps where the clock gave them. */
        SRC_LINE(x, "if (assoc_sqlite(db) == NULL) {");
        SRC_LINE(x, "for (size_t j = 0; j < c && rc == ASSOC_OK; j++)%s", pl->nstamps ? " {" : "");
        if (pl->rowid)
            SRC_LINE(x, "rc = assoc_insert_step(db, st, &w[j].%s);", pl->rowid->c_name);
        else
            SRC_LINE(x, "rc = assoc_insert_step(db, st, NULL);");
        if (pl->nstamps) {
            read_stamps_rc(x, pl, "w[j].", true);
            SRC_LINE(x, "}");
        }
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "st = NULL;");
        SRC_LINE(x, "continue;");
        SRC_LINE(x, "}");
    }
    SRC_LINE(x, "rc = assoc_insert_step(db, st, NULL);");
    SRC_LINE(x, "if (rc != ASSOC_OK)");
    SRC_LINE(x, "goto done;");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    SRC_LINE(x, "st = NULL;");
    if (pl->rowid) {
        SRC_LINE(x, "rc = assoc_rowids_done(db, &%s, c);", pl->max_sql->cname);
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
        SRC_LINE(x, "for (size_t j = 0; j < c; j++)");
        SRC_LINE(x, "w[j].%s = first + (int64_t)j;", pl->rowid->c_name);
    }
    SRC_LINE(x, "}");
    SRC_LINE(x, "done:");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    SRC_LINE(x, "if (entered)");
    SRC_LINE(x, "rc = assoc_tx_leave(db, rc);");
    SRC_LINE(x, "if (rc == ASSOC_OK) {");
    SRC_LINE(x, "for (size_t i = 0; i < n; i++)");
    SRC_LINE(x, "rows[i] = all[i];");
    SRC_LINE(x, "}");
    SRC_LINE(x, "if (all != buf)");
    SRC_LINE(x, "assoc_free(all);");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

/* get, get_by, first: one row into *out. */
static void fetch_one(src *x, const api_fn *f)
{
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    SRC_LINE(x, "memset(out, 0, sizeof *out);");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "rc = assoc_row_fetch(db, st, &%s, out);", src_type(x, f->model, type, sizeof type));
    src_close(x, NULL);
}

/* all, find_by: every matching row into *out. */
static void fetch_all(src *x, const api_fn *f)
{
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    SRC_LINE(x, "void *items = NULL;");
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    SRC_LINE(x, "out->items = NULL;");
    SRC_LINE(x, "out->len = 0;");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "rc = assoc_rows_collect(db, st, &%s, &items, &out->len);", src_type(x, f->model, type, sizeof type));
    SRC_LINE(x, "out->items = items;");
    src_close(x, NULL);
}

static void each(src *x, const api_fn *f)
{
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    SRC_LINE(x, "%s%s row;", x->e->prefix, f->model->name);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "while ((rc = assoc_row_next(db, st, &%s, &row)) == ASSOC_ROW) {",
             src_type(x, f->model, type, sizeof type));
    SRC_LINE(x, "rc = fn(&row, ctx);");
    SRC_LINE(x, "if (rc != 0)");
    SRC_LINE(x, "break;");
    SRC_LINE(x, "}");
    src_close(x, NULL);
}

static void count(src *x, const api_fn *f)
{
    const plan_stmt *st = &f->plan->stmt;
    src_open(x, f);
    src_locals(x, 0);
    src_misuse(x, f);
    SRC_LINE(x, "*out = 0;");
    src_acquire(x, st->sql);
    SRC_LINE(x, "rc = assoc_step(db, st);");
    SRC_LINE(x, "if (rc == ASSOC_ROW)");
    SRC_LINE(x, "rc = assoc_col_int64(db, st, 0, out, NULL);");
    src_close(x, NULL);
}

static void update(src *x, const api_fn *f)
{
    const plan_stmt *st = &f->plan->stmt;
    src_open(x, f);
    if (f->plan->clock)
        SRC_LINE(x, "assoc_time stamp = assoc_now();   /* onupdate(now) */");
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_key_guard(x, "r->", f->model->table, f->name, "ASSOC_NOTFOUND");
    src_acquire(x, st->sql);
    src_binds(x, st);
    src_step_done(x);
    src_changed_or_notfound(x, f->name, "no such row");
    src_close(x, NULL);
}

void src_fn_crud(src *x, const api_fn *f)
{
    switch (f->kind) {
    case API_CREATE_ALL:
        create_all(x, f);
        break;
    case API_INSERT:
        insert(x, f);
        break;
    case API_INSERT_MANY:
        insert_many(x, f);
        break;
    case API_GET:
    case API_GET_BY:
    case API_FIRST:
        fetch_one(x, f);
        break;
    case API_ALL:
    case API_FIND_BY:
        fetch_all(x, f);
        break;
    case API_EACH:
        each(x, f);
        break;
    case API_COUNT:
        count(x, f);
        break;
    case API_UPDATE:
        update(x, f);
        break;
    default:
        break;
    }
}
