/* emit_source.c - the generated accessors.
 *
 * The generated code is meant to read like careful hand-written sqlite3 C:
 * every SQL text is a constant made here, every value is bound, statements
 * come from libassoc's per-connection cache (prepared once, reused), each
 * function has one exit through a label that releases its statement.
 *
 * The decisions are taken here, at generation time, not in the runtime:
 * which columns take a default, what a delete must do to related rows, and
 * whether a cascade can be one set-based statement (the child has no rules
 * of its own) or must visit each child.
 *
 * Layout of the output: per model, static helpers (read a row, borrow a
 * row, collect rows into a list, stream rows to a callback, fetch one row),
 * then create_all, then the public functions of each model.
 */
#include <stdio.h>
#include <string.h>

#include "cnames.h"
#include "emit.h"

/* ------------------------------------------------------------------ */
/* SQL text                                                             */

/* Longest string literal ISO C guarantees; past it -Wpedantic warns. */
enum { ISO_STRING_LIMIT = 4095 };

typedef struct src_ctx {
    emit_ctx *e;
    strbuf sql;            /* scratch for one statement */
    bool long_strings;     /* some SQL text is longer than ISO_STRING_LIMIT */
    /* The function being written (emit_fn_start): its time_text_N locals so
     * far, and where in e->out the next one is declared. */
    int ntimes;
    size_t locals_at;
} src_ctx;

static void sql_cols(strbuf *sb, const sch_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            strbuf_puts(sb, ", ");
        sql_ident(sb, t->name);
        strbuf_putc(sb, '.');
        sql_ident(sb, t->columns[i]->name);
    }
}

static void sql_qcol(strbuf *sb, const sch_column *col)
{
    sql_ident(sb, col->table->name);
    strbuf_putc(sb, '.');
    sql_ident(sb, col->name);
}

static void sql_order(strbuf *sb, const sch_table *t, const sch_column *first, bool desc)
{
    strbuf_puts(sb, " ORDER BY ");
    if (first) {
        sql_qcol(sb, first);
        if (desc)
            strbuf_puts(sb, " DESC");
    }
    for (size_t k = 0; k < t->npk; k++) {
        if (t->pk[k] == first)
            continue;
        if (first || k)
            strbuf_puts(sb, ", ");
        sql_qcol(sb, t->pk[k]);
    }
}

/* "WHERE t.a = ?N AND t.b = ?N+1" over the primary key. */
static int sql_where_key(strbuf *sb, const sch_table *t, int first)
{
    strbuf_puts(sb, " WHERE ");
    for (size_t k = 0; k < t->npk; k++) {
        if (k)
            strbuf_puts(sb, " AND ");
        sql_qcol(sb, t->pk[k]);
        strbuf_printf(sb, " = ?%d", first + (int)k);
    }
    return first + (int)t->npk;
}

/* Emit `static const char NAME[] = "...";` for the scratch SQL, split into
 * readable adjacent literals. */
static void emit_sql_const(src_ctx *x, const char *name)
{
    emit_ctx *e = x->e;
    const char *s = strbuf_str(&x->sql);
    size_t n = strlen(s);
    if (n > ISO_STRING_LIMIT)
        x->long_strings = true;
    emit_line(e, "    static const char %s[] =", name);
    if (n == 0)
        emit_line(e, "        \"\";");    /* a schema with no tables */
    size_t i = 0;
    while (i < n) {
        size_t take = n - i;
        const char *nl = memchr(s + i, '\n', take);
        if (nl && (size_t)(nl - (s + i)) < 88) {
            take = (size_t)(nl - (s + i)) + 1;      /* DDL: one line a literal */
        } else if (take > 88) {
            /* Break after a space near the 88th byte. */
            take = 88;
            while (take > 40 && s[i + take - 1] != ' ')
                take--;
            if (s[i + take - 1] != ' ')
                take = 88;
        }
        emit_text(e, "        \"");
        for (size_t k = 0; k < take; k++) {
            unsigned char ch = (unsigned char)s[i + k];
            if (ch == '"' || ch == '\\')
                strbuf_putc(&e->out, '\\');
            if (ch == '\n')
                strbuf_puts(&e->out, "\\n");
            else if (ch < 0x20 || ch == 0x7f)
                emit_text(e, "\\%03o", ch);   /* a control byte of a string default */
            else if (ch == '?' && k > 0 && s[i + k - 1] == '?')
                strbuf_puts(&e->out, "\\?");  /* never a trigraph ("??/" in a default) */
            else
                strbuf_putc(&e->out, (char)ch);
        }
        i += take;
        emit_line(e, "\"%s", i < n ? "" : ";");
    }
    strbuf_reset(&x->sql);
}

/* ------------------------------------------------------------------ */
/* C fragments                                                          */

static const char *ptr_sp(const char *type)
{
    return type[strlen(type) - 1] == '*' ? "" : " ";
}

/* The condition under which obj's column holds SQL NULL, or NULL when it
 * never can. */
static const char *null_cond(char *buf, size_t size, const char *obj, const sch_column *col)
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

/* Declare a datetime's text buffer, time_text_N, for assoc_bind_time_buf:
 * a local of the function being written (every bind is inside one begun
 * with emit_fn_start), declared with its other locals, so it outlives
 * every step of the statement (SQLite reads the parameter without a copy).
 * Neither a key parameter nor a model takes such a name (sch_c_local). */
static void emit_time_buf(src_ctx *x, char *name, size_t size)
{
    char line[80];
    snprintf(name, size, "time_text_%d", ++x->ntimes);
    int n = snprintf(line, sizeof line, "    char %s[ASSOC_TIME_TEXT_SIZE];\n", name);
    strbuf_insert(&x->e->out, x->locals_at, line, (size_t)n);
    x->locals_at += (size_t)n;
}

/* Bind obj's field for col to parameter idx: "rc = ...;" then the check.
 * `present`: a guard before has returned when the field is NULL (its has_
 * flag false), so the value is bound without asking again. */
static void emit_bind_value(src_ctx *x, int idx, const char *obj, const sch_column *col, bool present)
{
    emit_ctx *e = x->e;
    const char *f = col->c_name;
    bool flag = c_has_flag(col) && !present;
    switch (col->type) {
    case SCH_INTEGER:
        if (flag)
            emit_line(e, "    rc = assoc_status(db, %shas_%s ? sqlite3_bind_int64(st, %d, %s%s) : sqlite3_bind_null(st, %d));",
                      obj, f, idx, obj, f, idx);
        else
            emit_line(e, "    rc = assoc_status(db, sqlite3_bind_int64(st, %d, %s%s));", idx, obj, f);
        break;
    case SCH_FLOAT:
        if (flag)
            emit_line(e, "    rc = assoc_status(db, %shas_%s ? sqlite3_bind_double(st, %d, %s%s) : sqlite3_bind_null(st, %d));",
                      obj, f, idx, obj, f, idx);
        else
            emit_line(e, "    rc = assoc_status(db, sqlite3_bind_double(st, %d, %s%s));", idx, obj, f);
        break;
    case SCH_BOOLEAN:
        if (flag)
            emit_line(e, "    rc = assoc_status(db, %shas_%s ? sqlite3_bind_int(st, %d, %s%s ? 1 : 0) : sqlite3_bind_null(st, %d));",
                      obj, f, idx, obj, f, idx);
        else
            emit_line(e, "    rc = assoc_status(db, sqlite3_bind_int(st, %d, %s%s ? 1 : 0));", idx, obj, f);
        break;
    case SCH_TEXT:
    case SCH_STRING:
        emit_line(e, "    rc = assoc_bind_text(db, st, %d, %s%s);", idx, obj, f);
        break;
    case SCH_DATETIME: {
        char tb[32];
        emit_time_buf(x, tb, sizeof tb);
        if (flag)
            emit_line(e, "    rc = assoc_bind_time_buf(db, st, %d, %s%s, %shas_%s, %s);", idx, obj, f, obj, f, tb);
        else
            emit_line(e, "    rc = assoc_bind_time_buf(db, st, %d, %s%s, true, %s);", idx, obj, f, tb);
        break;
    }
    case SCH_BLOB:
        emit_line(e, "    rc = assoc_bind_blob(db, st, %d, &%s%s);", idx, obj, f);
        break;
    }
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
}

static void emit_bind_field(src_ctx *x, int idx, const char *obj, const sch_column *col)
{
    emit_bind_value(x, idx, obj, col, false);
}

/* The owner's join value after emit_owner_guard, which returned when it is NULL. */
static void emit_bind_present(src_ctx *x, int idx, const char *obj, const sch_column *col)
{
    emit_bind_value(x, idx, obj, col, true);
}

/* Bind a value parameter (c_param_type) named `name` to idx. */
static void emit_bind_param(src_ctx *x, int idx, const char *name, const sch_column *col)
{
    emit_ctx *e = x->e;
    switch (col->type) {
    case SCH_INTEGER:
        emit_line(e, "    rc = assoc_status(db, sqlite3_bind_int64(st, %d, %s));", idx, name);
        break;
    case SCH_FLOAT:
        emit_line(e, "    rc = assoc_status(db, sqlite3_bind_double(st, %d, %s));", idx, name);
        break;
    case SCH_BOOLEAN:
        emit_line(e, "    rc = assoc_status(db, sqlite3_bind_int(st, %d, %s ? 1 : 0));", idx, name);
        break;
    case SCH_TEXT:
    case SCH_STRING:
        emit_line(e, "    rc = assoc_bind_text(db, st, %d, %s);", idx, name);
        break;
    case SCH_DATETIME: {
        char tb[32];
        emit_time_buf(x, tb, sizeof tb);
        emit_line(e, "    rc = assoc_bind_time_buf(db, st, %d, %s, true, %s);", idx, name, tb);
        break;
    }
    case SCH_BLOB:
        emit_line(e, "    rc = assoc_bind_blob(db, st, %d, &%s);", idx, name);
        break;
    }
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
}

static void emit_bind_key(src_ctx *x, int first, const char *obj, const sch_table *t)
{
    for (size_t k = 0; k < t->npk; k++)
        emit_bind_field(x, first + (int)k, obj, t->pk[k]);
}

static void emit_acquire(emit_ctx *e, const char *sql)
{
    emit_line(e, "    rc = assoc_stmt_acquire(db, %s, &st);", sql);
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
}

/* Step a statement that returns no rows; then release it for the next. */
static void emit_step_done(emit_ctx *e)
{
    emit_line(e, "    rc = assoc_status(db, sqlite3_step(st));");
    emit_line(e, "    assoc_stmt_release(db, st);");
    emit_line(e, "    st = NULL;");
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
}

/* The guard for a record that names its row by its key: one without a key
 * (a row id of 0, a NULL string or blob) names no row, so there is nothing
 * to update, delete or take out: ASSOC_NOTFOUND (SPEC 3: "of a row that
 * does not exist"). */
static void emit_key_guard(emit_ctx *e, const char *obj, const sch_table *t, const char *fn)
{
    for (size_t k = 0; k < t->npk; k++) {
        const sch_column *col = t->pk[k];
        if (col->is_rowid)
            emit_line(e, "    if (%s%s == 0)", obj, col->c_name);
        else if (col->type == SCH_STRING || col->type == SCH_TEXT)
            emit_line(e, "    if (%s%s == NULL)", obj, col->c_name);
        else if (col->type == SCH_BLOB)
            emit_line(e, "    if (%s%s.data == NULL)", obj, col->c_name);
        else
            continue;
        emit_line(e, "        return assoc_fail(db, ASSOC_NOTFOUND, \"%s%s: no such row, the record has no key (%s is unset)\");",
                  e->prefix, fn, col->name);
    }
}

/* ------------------------------------------------------------------ */
/* Per-model static helpers                                             */

static bool has_owned_memory(const sch_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        sch_type ty = t->columns[i]->type;
        if (ty == SCH_STRING || ty == SCH_TEXT || ty == SCH_BLOB)
            return true;
    }
    return false;
}

/* The reader that lends a row without copying: <m>__view where the row has
 * strings or blobs, else <m>__read, which then copies nothing either. */
static const char *lending_reader(const sch_table *t)
{
    return has_owned_memory(t) ? "view" : "read";
}

/* static int <m>_read(db, st, out) and, when the row has strings or blobs,
 * static int <m>_view(db, st, out): the same, borrowing SQLite's memory. */
static void emit_reader(emit_ctx *e, const sch_model *m, bool borrow)
{
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    const sch_table *t = m->table;
    bool any_fail = false;
    for (size_t i = 0; i < t->ncolumns; i++) {
        sch_type ty = t->columns[i]->type;
        if (ty == SCH_STRING || ty == SCH_TEXT || ty == SCH_BLOB || ty == SCH_DATETIME)
            any_fail = true;
    }
    if (borrow) {
        emit_line(e, "/* Fill *out from the current row of st, borrowing SQLite's strings and");
        emit_line(e, " * blobs: valid until st steps again.  For streaming without allocation. */");
        emit_line(e, "static int %s__view(assoc_db *db, sqlite3_stmt *st, %s%s *out)", s, P, M);
    } else {
        emit_line(e, "/* Fill *out from the current row of st (the columns in declaration order).");
        emit_line(e, " * Strings and blobs are copied; on failure *out is released and zeroed. */");
        emit_line(e, "static int %s__read(assoc_db *db, sqlite3_stmt *st, %s%s *out)", s, P, M);
    }
    emit_line(e, "{");
    if (any_fail)
        emit_line(e, "    int rc;");
    bool need_has = false;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->type == SCH_DATETIME && !c_has_flag(t->columns[i]))
            need_has = true;
    if (need_has)
        emit_line(e, "    bool has;");
    if (!any_fail)
        emit_line(e, "    (void)db;");
    emit_line(e, "%s", "");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *f = col->c_name;
        int ix = (int)i;
        bool flag = c_has_flag(col);
        switch (col->type) {
        case SCH_INTEGER:
        case SCH_FLOAT:
        case SCH_BOOLEAN: {
            const char *get = col->type == SCH_FLOAT ? "sqlite3_column_double" : "sqlite3_column_int64";
            if (flag)
                emit_line(e, "    out->has_%s = sqlite3_column_type(st, %d) != SQLITE_NULL;", f, ix);
            emit_line(e, "    out->%s = %s(st, %d)%s;", f, get, ix, col->type == SCH_BOOLEAN ? " != 0" : "");
            break;
        }
        case SCH_TEXT:
        case SCH_STRING:
        case SCH_BLOB:
            emit_line(e, "    rc = assoc_column_%s%s(db, st, %d, &out->%s);",
                      col->type == SCH_BLOB ? "blob" : "text", borrow ? "_ref" : "", ix, f);
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto fail;");
            break;
        case SCH_DATETIME:
            if (flag)
                emit_line(e, "    rc = assoc_column_time(db, st, %d, &out->%s, &out->has_%s);", ix, f, f);
            else
                emit_line(e, "    rc = assoc_column_time(db, st, %d, &out->%s, &has);", ix, f);
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto fail;");
            break;
        }
    }
    emit_line(e, "    return ASSOC_OK;");
    if (any_fail) {
        emit_line(e, "fail:");
        if (borrow || !has_owned_memory(t))
            emit_line(e, "    memset(out, 0, sizeof *out);");
        else
            emit_line(e, "    %s%s_free(out);", P, s);
        emit_line(e, "    return rc;");
    }
    emit_line(e, "}");
    emit_line(e, "%s", "");
}

static void emit_helpers(emit_ctx *e, const sch_model *m)
{
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    bool borrow = has_owned_memory(m->table);
    emit_line(e, "/* ---- %s: helpers ---- */", M);
    emit_line(e, "%s", "");
    emit_reader(e, m, false);
    if (borrow)
        emit_reader(e, m, true);

    emit_line(e, "/* Step st to its end, appending each row to *out (which starts empty).");
    emit_line(e, " * On failure *out is released. */");
    emit_line(e, "static int %s__collect(assoc_db *db, sqlite3_stmt *st, %s%sList *out)", s, P, M);
    emit_line(e, "{");
    emit_line(e, "    size_t cap = 0;");
    emit_line(e, "    int rc;");
    emit_line(e, "%s", "");
    emit_line(e, "    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {");
    /* Grow through a void * of our own: writing a T * through a void **
     * would break C's aliasing rules.  Only a full list calls out. */
    emit_line(e, "        if (out->len == cap) {");
    emit_line(e, "            void *items = out->items;");
    emit_line(e, "            rc = assoc_list_reserve(db, &items, &cap, out->len, sizeof *out->items);");
    emit_line(e, "            if (rc != ASSOC_OK)");
    emit_line(e, "                goto fail;");
    emit_line(e, "            out->items = items;");
    emit_line(e, "        }");
    emit_line(e, "        rc = %s__read(db, st, &out->items[out->len]);", s);
    emit_line(e, "        if (rc != ASSOC_OK)");
    emit_line(e, "            goto fail;");
    emit_line(e, "        out->len++;");
    emit_line(e, "    }");
    emit_line(e, "    rc = assoc_status(db, rc);");
    emit_line(e, "    if (rc == ASSOC_OK)");
    emit_line(e, "        return ASSOC_OK;");
    emit_line(e, "fail:");
    emit_line(e, "    %s%s_list_free(out);", P, s);
    emit_line(e, "    return rc;");
    emit_line(e, "}");
    emit_line(e, "%s", "");

    emit_line(e, "/* Step st to its end, handing each row to fn; stop at fn's first non-zero");
    emit_line(e, " * return and return it. */");
    emit_line(e, "static int %s__stream(assoc_db *db, sqlite3_stmt *st, int (*fn)(const %s%s *, void *), void *ctx)",
              s, P, M);
    emit_line(e, "{");
    emit_line(e, "    %s%s row;", P, M);
    emit_line(e, "    int rc;");
    emit_line(e, "%s", "");
    emit_line(e, "    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {");
    emit_line(e, "        rc = %s__%s(db, st, &row);", s, lending_reader(m->table));
    emit_line(e, "        if (rc != ASSOC_OK)");
    emit_line(e, "            return rc;");
    emit_line(e, "        rc = fn(&row, ctx);");
    emit_line(e, "        if (rc != 0)");
    emit_line(e, "            return rc;");
    emit_line(e, "    }");
    emit_line(e, "    return assoc_status(db, rc);");
    emit_line(e, "}");
    emit_line(e, "%s", "");

    emit_line(e, "/* Read the one row st yields into *out; ASSOC_NOTFOUND when none. */");
    emit_line(e, "static int %s__fetch(assoc_db *db, sqlite3_stmt *st, %s%s *out)", s, P, M);
    emit_line(e, "{");
    emit_line(e, "    int rc = sqlite3_step(st);");
    emit_line(e, "%s", "");
    emit_line(e, "    if (rc == SQLITE_ROW)");
    emit_line(e, "        return %s__read(db, st, out);", s);
    emit_line(e, "    if (rc == SQLITE_DONE)");
    emit_line(e, "        return assoc_fail(db, ASSOC_NOTFOUND, \"no such %s\");", M);
    emit_line(e, "    return assoc_status(db, rc);");
    emit_line(e, "}");
    emit_line(e, "%s", "");
}

/* ------------------------------------------------------------------ */
/* Defaults                                                             */

/* A client default as a C expression of the field's type. */
static void emit_c_default(emit_ctx *e, const sch_column *col, const sch_default *d)
{
    switch (d->kind) {
    case SCH_DEFAULT_NOW:
        emit_text(e, "assoc_now()");
        break;
    case SCH_DEFAULT_INT:
        if (col->type == SCH_BOOLEAN)
            emit_text(e, "%s", d->i ? "true" : "false");
        else
            emit_text(e, "INT64_C(%lld)", (long long)d->i);
        break;
    case SCH_DEFAULT_FLOAT:
        emit_text(e, "%.17g", d->d);
        break;
    case SCH_DEFAULT_STRING:
        emit_text(e, "\"");
        for (const char *p = d->s; *p; p++) {
            unsigned char ch = (unsigned char)*p;
            if (ch == '"' || ch == '\\')
                emit_text(e, "\\%c", ch);
            else if (ch < 0x20 || ch == 0x7f)
                emit_text(e, "\\%03o", ch);
            else if (ch == '?')
                emit_text(e, "\\?");      /* never a trigraph */
            else
                strbuf_putc(&e->out, (char)ch);
        }
        emit_text(e, "\"");
        break;
    case SCH_DEFAULT_NONE:
    case SCH_DEFAULT_CURRENT_TIMESTAMP:
        break;
    }
}

/* A column the caller can leave unset: it has a presence flag or is a
 * pointer.  Only such a column can take a default through the C API. */
static bool can_be_unset(const sch_column *col)
{
    return c_has_flag(col) || c_is_pointer(col);
}

static bool client_default(const sch_column *col)
{
    return can_be_unset(col) && col->def.kind != SCH_DEFAULT_NONE;
}

static bool server_default(const sch_column *col)
{
    return can_be_unset(col) && !client_default(col) && col->server_def.kind != SCH_DEFAULT_NONE;
}

/* A column whose server default is current_timestamp, which the caller can
 * leave unset: an insert reads the database's clock for it. */
static bool stamp_default(const sch_column *col)
{
    return server_default(col) && col->server_def.kind == SCH_DEFAULT_CURRENT_TIMESTAMP;
}

/* Set v.<field> to the default: the field is known to be unset. */
static void emit_apply_default(emit_ctx *e, const char *v, const sch_column *col, const sch_default *d)
{
    const char *f = col->c_name;
    if (col->type == SCH_BLOB) {
        emit_text(e, "        %s%s.data = (unsigned char *)", v, f);
        emit_c_default(e, col, d);
        emit_line(e, ";");
        emit_line(e, "        %s%s.len = %zu;", v, f, d->len);
    } else if (c_is_pointer(col)) {
        emit_text(e, "        %s%s = (char *)", v, f);
        emit_c_default(e, col, d);
        emit_line(e, ";");
    } else {
        emit_text(e, "        %s%s = ", v, f);
        emit_c_default(e, col, d);
        emit_line(e, ";");
        emit_line(e, "        %shas_%s = true;", v, f);
    }
}

/* ------------------------------------------------------------------ */
/* create_all                                                           */

static void emit_create_all(src_ctx *x)
{
    emit_ctx *e = x->e;
    emit_line(e, "int %s%s_create_all(assoc_db *db)", e->prefix, e->s->base);
    emit_line(e, "{");
    sql_ddl(&x->sql, e->s);
    emit_sql_const(x, "ddl");
    emit_line(e, "    int rc;");
    emit_line(e, "%s", "");
    emit_line(e, "    if (db == NULL)");
    emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s_create_all: NULL argument\");", e->prefix, e->s->base);
    emit_line(e, "    rc = assoc_tx_enter(db);");
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        return rc;");
    emit_line(e, "    rc = assoc_status(db, sqlite3_exec(assoc_sqlite(db), ddl, NULL, NULL, NULL));");
    emit_line(e, "    return assoc_tx_leave(db, rc);");
    emit_line(e, "}");
    emit_line(e, "%s", "");
}

/* ------------------------------------------------------------------ */
/* CRUD                                                                 */

static void emit_fn_start(src_ctx *x)
{
    emit_ctx *e = x->e;
    emit_line(e, "    sqlite3_stmt *st = NULL;");
    emit_line(e, "    int rc;");
    x->ntimes = 0;
    x->locals_at = e->out.len;
    emit_line(e, "%s", "");
}

static void emit_fn_end(src_ctx *x)
{
    emit_ctx *e = x->e;
    emit_line(e, "done:");
    emit_line(e, "    assoc_stmt_release(db, st);");
    emit_line(e, "    return rc;");
    emit_line(e, "}");
    emit_line(e, "%s", "");
}

static void emit_misuse(emit_ctx *e, const char *cond, const char *s, const char *fn)
{
    emit_line(e, "    if (%s)", cond);
    emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s_%s: NULL argument\");", e->prefix, s, fn);
}

static void emit_insert(src_ctx *x, const sch_model *m)
{
    emit_ctx *e = x->e;
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    const sch_table *t = m->table;
    strbuf *q = &x->sql;
    bool copy = false;
    for (size_t i = 0; i < t->ncolumns; i++)
        copy = copy || client_default(t->columns[i]) || server_default(t->columns[i]);
    const sch_column *rowid = t->rowid;

    /* INSERT INTO t (every column) VALUES (?1, ..., ?n): every default is
     * applied in C before the row goes in -- a server default's literal as
     * a client default's, current_timestamp read once from the database -- so
     * the values written back are the ones bound, and the row id comes from
     * sqlite3_last_insert_rowid() (exact even when triggers insert
     * elsewhere, as SQLite restores it when a trigger ends).  RETURNING
     * would cost SQLite an ephemeral table per row: with it the benchmark's
     * insert phase ran 1.19x the hand-written C's instructions, without it
     * 1.07x (callgrind, N = 10,000; bench/README.md). */
    strbuf_puts(q, "INSERT INTO ");
    sql_ident(q, t->name);
    strbuf_puts(q, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            strbuf_puts(q, ", ");
        sql_ident(q, t->columns[i]->name);
    }
    strbuf_puts(q, ") VALUES (");
    for (size_t i = 0; i < t->ncolumns; i++)
        strbuf_printf(q, "%s?%zu", i ? ", " : "", i + 1);
    strbuf_putc(q, ')');

    emit_line(e, "int %s%s_insert(assoc_db *db, %s%s *r)", P, s, P, M);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    const char *v = "r->";
    size_t nstamps = 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        nstamps += stamp_default(t->columns[i]);
    if (copy) {
        /* Defaults go into a copy; r changes only when the row is in. */
        emit_line(e, "    %s%s v;", P, M);
        for (size_t i = 0; i < t->ncolumns; i++)
            if (c_is_pointer(t->columns[i]) && (client_default(t->columns[i]) || server_default(t->columns[i])))
                emit_line(e, "    %s dup_%s = %s;", c_field_type(t->columns[i]), t->columns[i]->c_name,
                          t->columns[i]->type == SCH_BLOB ? "{ NULL, 0 }" : "NULL");
        if (nstamps > 0) {
            emit_line(e, "    assoc_time stamp = 0;");
            emit_line(e, "    char stamp_text[ASSOC_TIME_TEXT_SIZE] = \"\";");
        }
        emit_line(e, "%s", "");
        v = "v.";
    }
    emit_misuse(e, "db == NULL || r == NULL", s, "insert");
    if (copy) {
        emit_line(e, "    v = *r;");
        if (nstamps > 0) {
            /* One reading of the clock for every such column, as one
             * statement's DEFAULT (CURRENT_TIMESTAMP) would give them all. */
            strbuf cond = { 0 };
            for (size_t i = 0; i < t->ncolumns; i++)
                if (stamp_default(t->columns[i]))
                    strbuf_printf(&cond, "%s!v.has_%s", cond.len ? " || " : "", t->columns[i]->c_name);
            emit_line(e, "    if (%s) {", cond.len ? cond.data : "false");
            strbuf_free(&cond);
            emit_line(e, "        rc = assoc_current_timestamp(db, &stamp, stamp_text);");
            emit_line(e, "        if (rc != ASSOC_OK)");
            emit_line(e, "            goto done;");
            emit_line(e, "    }");
        }
        for (size_t i = 0; i < t->ncolumns; i++) {
            const sch_column *col = t->columns[i];
            const sch_default *d = client_default(col) ? &col->def
                                 : server_default(col) ? &col->server_def : NULL;
            if (d == NULL)
                continue;
            char buf[600];
            emit_line(e, "    if (%s) {", null_cond(buf, sizeof buf, "v.", col));
            if (d->kind == SCH_DEFAULT_CURRENT_TIMESTAMP) {
                emit_line(e, "        v.%s = stamp;", col->c_name);
                emit_line(e, "        v.has_%s = true;", col->c_name);
            } else {
                emit_apply_default(e, "v.", col, d);
            }
            emit_line(e, "    }");
        }
    }
    /* Copies of string defaults are made before the row goes in, so that
     * running out of memory cannot leave an insert half done. */
    for (size_t i = 0; copy && i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        if (!(c_is_pointer(col) && (client_default(col) || server_default(col))))
            continue;
        char buf[600];
        const char *f = col->c_name;
        emit_line(e, "    if (%s) {", null_cond(buf, sizeof buf, "r->", col));
        if (col->type == SCH_BLOB)
            emit_line(e, "        rc = assoc_blobdup(db, v.%s.data, v.%s.len, &dup_%s);", f, f, f);
        else
            emit_line(e, "        rc = assoc_strdup(db, v.%s, &dup_%s);", f, f);
        emit_line(e, "        if (rc != ASSOC_OK)");
        emit_line(e, "            goto done;");
        emit_line(e, "    }");
    }
    emit_acquire(e, "sql");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        /* Only an insert reads a row id of 0 as "assign one" (NULL). */
        if (col->is_rowid)
            emit_line(e, "    rc = assoc_status(db, %s%s != 0 ? sqlite3_bind_int64(st, %d, %s%s) : sqlite3_bind_null(st, %d));",
                      v, col->c_name, (int)i + 1, v, col->c_name, (int)i + 1);
        else if (stamp_default(col)) {
            /* The clock's own text where the default applied, so the row
             * holds what DEFAULT (CURRENT_TIMESTAMP) would have put there. */
            char tb[32];
            emit_time_buf(x, tb, sizeof tb);
            emit_line(e, "    rc = r->has_%s ? assoc_bind_time_buf(db, st, %d, v.%s, true, %s) : assoc_bind_text(db, st, %d, stamp_text);",
                      col->c_name, (int)i + 1, col->c_name, tb, (int)i + 1);
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto done;");
        } else {
            emit_bind_field(x, (int)i + 1, v, col);
        }
        if (col->is_rowid) {
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto done;");
        }
    }
    emit_line(e, "    rc = sqlite3_step(st);");
    if (rowid) {
        emit_line(e, "    if (rc == SQLITE_DONE)");
        emit_line(e, "        %s%s = sqlite3_last_insert_rowid(assoc_sqlite(db));", v, rowid->c_name);
    }
    emit_line(e, "    rc = assoc_status(db, rc);");
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
    if (copy) {
        bool dups = false;
        for (size_t i = 0; i < t->ncolumns; i++)
            if (c_is_pointer(t->columns[i]) && (client_default(t->columns[i]) || server_default(t->columns[i])))
                dups = true;
        /* Every copy is made: hand them over; r now owns them. */
        for (size_t i = 0; dups && i < t->ncolumns; i++) {
            const sch_column *col = t->columns[i];
            if (!(c_is_pointer(col) && (client_default(col) || server_default(col))))
                continue;
            const char *f = col->c_name;
            emit_line(e, "    if (dup_%s%s) {", f, col->type == SCH_BLOB ? ".data" : "");
            emit_line(e, "        v.%s = dup_%s;", f, f);
            emit_line(e, "        dup_%s%s = NULL;", f, col->type == SCH_BLOB ? ".data" : "");
            emit_line(e, "    }");
        }
        emit_line(e, "    *r = v;");
        emit_line(e, "done:");
        emit_line(e, "    assoc_stmt_release(db, st);");
        for (size_t i = 0; i < t->ncolumns; i++) {
            const sch_column *col = t->columns[i];
            if (c_is_pointer(col) && (client_default(col) || server_default(col)))
                emit_line(e, "    assoc_free(dup_%s%s);", col->c_name, col->type == SCH_BLOB ? ".data" : "");
        }
        emit_line(e, "    return rc;");
        emit_line(e, "}");
        emit_line(e, "%s", "");
        return;
    }
    emit_fn_end(x);
}

static void emit_key_params(emit_ctx *e, const sch_table *t)
{
    char buf[160];
    for (size_t k = 0; k < t->npk; k++)
        emit_text(e, ", %s%s%s", c_param_type(t->pk[k]), ptr_sp(c_param_type(t->pk[k])),
                  c_key_param(t->pk[k], buf, sizeof buf));
}

static void emit_get(src_ctx *x, const sch_model *m)
{
    emit_ctx *e = x->e;
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    const sch_table *t = m->table;
    strbuf_puts(&x->sql, "SELECT ");
    sql_cols(&x->sql, t);
    strbuf_puts(&x->sql, " FROM ");
    sql_ident(&x->sql, t->name);
    sql_where_key(&x->sql, t, 1);

    emit_text(e, "int %s%s_get(assoc_db *db", P, s);
    emit_key_params(e, t);
    emit_line(e, ", %s%s *out)", P, M);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_misuse(e, "db == NULL || out == NULL", s, "get");
    emit_line(e, "    memset(out, 0, sizeof *out);");
    emit_acquire(e, "sql");
    char buf[160];
    for (size_t k = 0; k < t->npk; k++)
        emit_bind_param(x, (int)k + 1, c_key_param(t->pk[k], buf, sizeof buf), t->pk[k]);
    emit_line(e, "    rc = %s__fetch(db, st, out);", s);
    emit_fn_end(x);
}

/* rc = "no such row" when the last statement changed nothing. */
static void emit_changed_or_notfound(emit_ctx *e, const char *fn, const char *what)
{
    emit_line(e, "    if (sqlite3_changes(assoc_sqlite(db)) == 0) {");
    emit_line(e, "        rc = assoc_fail(db, ASSOC_NOTFOUND, \"%s%s: %s\");", e->prefix, fn, what);
    emit_line(e, "        goto done;");
    emit_line(e, "    }");
}

static void emit_update(src_ctx *x, const sch_model *m)
{
    emit_ctx *e = x->e;
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    const sch_table *t = m->table;
    strbuf *q = &x->sql;
    strbuf_puts(q, "UPDATE ");
    sql_ident(q, t->name);
    strbuf_puts(q, " SET ");
    int ix = (int)t->npk + 1;
    size_t nset = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (t->columns[i]->primary_key)
            continue;
        if (nset++)
            strbuf_puts(q, ", ");
        sql_ident(q, t->columns[i]->name);
        strbuf_printf(q, " = ?%d", ix++);
    }
    if (nset == 0) {             /* only key columns: touch the row to find it */
        sql_ident(q, t->pk[0]->name);
        strbuf_puts(q, " = ?1");
    }
    sql_where_key(q, t, 1);

    emit_line(e, "int %s%s_update(assoc_db *db, const %s%s *r)", P, s, P, M);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_misuse(e, "db == NULL || r == NULL", s, "update");
    char fn[300];
    snprintf(fn, sizeof fn, "%s_update", s);
    emit_key_guard(e, "r->", t, fn);
    emit_acquire(e, "sql");
    emit_bind_key(x, 1, "r->", t);
    ix = (int)t->npk + 1;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (!t->columns[i]->primary_key)
            emit_bind_field(x, ix++, "r->", t->columns[i]);
    emit_line(e, "    rc = assoc_status(db, sqlite3_step(st));");
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
    emit_changed_or_notfound(e, fn, "no such row");
    emit_fn_end(x);
}

/* ------------------------------------------------------------------ */
/* Delete and its rules                                                 */

/* Does deleting a row of m touch other rows?  Then a cascade into m must
 * visit each row (through m's _delete); otherwise one set-based statement
 * deletes all the children at once. */
static bool delete_has_rules(const sch_model *m)
{
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly)
            continue;
        if (r->kind != SCH_MANY_TO_ONE || (r->cascade & SCH_CASCADE_DELETE))
            return true;
    }
    return false;
}

static bool cascades_delete(const sch_rel *r)
{
    return (r->cascade & SCH_CASCADE_DELETE) != 0;
}

/* A many-to-many whose association rows a one-to-many delete cascade of the
 * same model removes already (the seed's User.products and User.orders). */
static bool assoc_rows_covered(const sch_model *m, const sch_rel *mm)
{
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if ((r->kind == SCH_ONE_TO_MANY || r->kind == SCH_ONE_TO_ONE) && !r->viewonly &&
            cascades_delete(r) && r->target->table == mm->secondary && r->target_col == mm->sec_owner_col)
            return true;
    }
    return false;
}

/* "SELECT target columns FROM target WHERE target.col = ?1" into x->sql. */
static void sql_select_where(strbuf *q, const sch_table *t, const sch_column *col)
{
    strbuf_puts(q, "SELECT ");
    sql_cols(q, t);
    strbuf_puts(q, " FROM ");
    sql_ident(q, t->name);
    strbuf_puts(q, " WHERE ");
    sql_qcol(q, col);
    strbuf_puts(q, " = ?1");
}

/* The rows of a many-to-many's target linked to the owner: a semi-join, so
 * each target comes once however many association rows link it. */
static void sql_select_m2m(strbuf *q, const sch_rel *r)
{
    const sch_table *t = r->target->table;
    strbuf_puts(q, "SELECT ");
    sql_cols(q, t);
    strbuf_puts(q, " FROM ");
    sql_ident(q, t->name);
    strbuf_puts(q, " WHERE ");
    sql_qcol(q, r->target_col);
    strbuf_puts(q, " IN (SELECT ");
    sql_qcol(q, r->sec_target_col);
    strbuf_puts(q, " FROM ");
    sql_ident(q, r->secondary->name);
    strbuf_puts(q, " WHERE ");
    sql_qcol(q, r->sec_owner_col);
    strbuf_puts(q, " = ?1)");
}

static void emit_delete(src_ctx *x, const sch_model *m)
{
    emit_ctx *e = x->e;
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    const sch_table *t = m->table;
    strbuf *q = &x->sql;
    bool rules = delete_has_rules(m);
    char fn[300], buf[600];
    snprintf(fn, sizeof fn, "%s_delete", s);

    emit_line(e, "int %s%s_delete(assoc_db *db, const %s%s *r)", P, s, P, M);
    emit_line(e, "{");
    /* Locals: rows collected before the delete and deleted after it. */
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly || !cascades_delete(r))
            continue;
        const char *T = r->target->name;
        if (r->kind == SCH_MANY_TO_ONE) {
            char up[512];
            c_upper(up, sizeof up, r->target->snake);
            emit_line(e, "    %s%s rel_%s = %s%s_INIT;", P, T, r->name, P, up);
            emit_line(e, "    bool got_%s = false;", r->name);
        }
        else if (r->kind == SCH_MANY_TO_MANY || delete_has_rules(r->target))
            emit_line(e, "    %s%sList rel_%s = { NULL, 0 };", P, T, r->name);
    }
    emit_fn_start(x);
    emit_misuse(e, "db == NULL || r == NULL", s, "delete");
    emit_key_guard(e, "r->", t, fn);
    if (rules) {
        emit_line(e, "    rc = assoc_tx_enter(db);");
        emit_line(e, "    if (rc != ASSOC_OK)");
        emit_line(e, "        return rc;");
    }

    /* 1. What a cascade will delete after this row goes: many-to-one
     *    targets, many-to-many targets. */
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly || !cascades_delete(r))
            continue;
        const char *ts = r->target->snake;
        if (r->kind == SCH_MANY_TO_ONE) {
            emit_line(e, "    /* %s.%s cascades delete: fetch the %s to delete it after this row. */", M, r->name,
                      r->target->name);
            const char *nc = null_cond(buf, sizeof buf, "r->", r->owner_col);
            sql_select_where(q, r->target->table, r->target_col);
            char name[300];
            snprintf(name, sizeof name, "sql_%s", r->name);
            emit_sql_const(x, name);
            /* A NULL key refers to nothing: skip the fetch. */
            if (nc) {
                emit_line(e, "    rc = ASSOC_NOTFOUND;");
                emit_line(e, "    if (%s)", nc);
                emit_line(e, "        goto %s_fetched;", r->name);
            }
            emit_acquire(e, name);
            emit_bind_field(x, 1, "r->", r->owner_col);
            emit_line(e, "    rc = %s__fetch(db, st, &rel_%s);", ts, r->name);
            emit_line(e, "    assoc_stmt_release(db, st);");
            emit_line(e, "    st = NULL;");
            if (nc)
                emit_line(e, "%s_fetched:", r->name);
            emit_line(e, "    got_%s = rc == ASSOC_OK;", r->name);
            emit_line(e, "    if (rc != ASSOC_OK && rc != ASSOC_NOTFOUND)");
            emit_line(e, "        goto done;");
        } else if (r->kind == SCH_MANY_TO_MANY) {
            emit_line(e, "    /* %s.%s cascades delete: collect the targets. */", M, r->name);
            emit_line(e, "    rc = %s%s_%s(db, r, &rel_%s);", P, s, r->name, r->name);
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto done;");
        }
    }

    /* 2. Association rows of every many-to-many. */
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly || r->kind != SCH_MANY_TO_MANY || assoc_rows_covered(m, r))
            continue;
        emit_line(e, "    /* %s.%s: its rows in %s go with this row. */", M, r->name, r->secondary->name);
        strbuf_puts(q, "DELETE FROM ");
        sql_ident(q, r->secondary->name);
        strbuf_puts(q, " WHERE ");
        sql_qcol(q, r->sec_owner_col);
        strbuf_puts(q, " = ?1");
        char name[300];
        snprintf(name, sizeof name, "sql_%s", r->name);
        emit_line(e, "    {");
        emit_sql_const(x, name);
        emit_line(e, "    rc = assoc_stmt_acquire(db, %s, &st);", name);
        emit_line(e, "    if (rc != ASSOC_OK)");
        emit_line(e, "        goto done;");
        emit_bind_field(x, 1, "r->", r->owner_col);
        emit_step_done(e);
        emit_line(e, "    }");
    }

    /* 3. Children of every one-to-many and one-to-one. */
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly || (r->kind != SCH_ONE_TO_MANY && r->kind != SCH_ONE_TO_ONE))
            continue;
        const sch_model *c = r->target;
        const sch_table *ct = c->table;
        char name[300];
        snprintf(name, sizeof name, "sql_%s", r->name);
        emit_line(e, "    {");
        if (cascades_delete(r) && delete_has_rules(c)) {
            emit_line(e, "    /* %s.%s cascades delete, and a %s has rules of its own: */", M, r->name, c->name);
            emit_line(e, "    /* delete each child through %s%s_delete. */", P, c->snake);
            sql_select_where(q, ct, r->target_col);
            sql_order(q, ct, NULL, false);
            emit_sql_const(x, name);
            emit_line(e, "    rc = assoc_stmt_acquire(db, %s, &st);", name);
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto done;");
            emit_bind_field(x, 1, "r->", r->owner_col);
            emit_line(e, "    rc = %s__collect(db, st, &rel_%s);", c->snake, r->name);
            emit_line(e, "    assoc_stmt_release(db, st);");
            emit_line(e, "    st = NULL;");
            emit_line(e, "    for (size_t i = 0; rc == ASSOC_OK && i < rel_%s.len; i++) {", r->name);
            emit_line(e, "        rc = %s%s_delete(db, &rel_%s.items[i]);", P, c->snake, r->name);
            emit_line(e, "        if (rc == ASSOC_NOTFOUND)");
            emit_line(e, "            rc = ASSOC_OK;     /* gone already, by another cascade */");
            emit_line(e, "    }");
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto done;");
        } else {
            if (cascades_delete(r)) {
                emit_line(e, "    /* %s.%s cascades delete; a %s has no rules of its own. */", M, r->name, c->name);
                strbuf_puts(q, "DELETE FROM ");
                sql_ident(q, ct->name);
            } else {
                emit_line(e, "    /* %s.%s: the children stay, their %s set to NULL. */", M, r->name,
                          r->target_col->name);
                strbuf_puts(q, "UPDATE ");
                sql_ident(q, ct->name);
                strbuf_puts(q, " SET ");
                sql_ident(q, r->target_col->name);
                strbuf_puts(q, " = NULL");
            }
            strbuf_puts(q, " WHERE ");
            sql_qcol(q, r->target_col);
            strbuf_puts(q, " = ?1");
            emit_sql_const(x, name);
            emit_line(e, "    rc = assoc_stmt_acquire(db, %s, &st);", name);
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto done;");
            emit_bind_field(x, 1, "r->", r->owner_col);
            emit_step_done(e);
        }
        emit_line(e, "    }");
    }

    /* 4. The row itself. */
    strbuf_puts(q, "DELETE FROM ");
    sql_ident(q, t->name);
    sql_where_key(q, t, 1);
    emit_line(e, "    {");
    emit_sql_const(x, "sql");
    emit_acquire(e, "sql");
    emit_bind_key(x, 1, "r->", t);
    emit_line(e, "    rc = assoc_status(db, sqlite3_step(st));");
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
    emit_changed_or_notfound(e, fn, "no such row");
    emit_line(e, "    }");

    /* 5. Cascades to rows this one referred to. */
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly || !cascades_delete(r))
            continue;
        const char *ts = r->target->snake;
        if (r->kind == SCH_MANY_TO_ONE) {
            emit_line(e, "    if (got_%s) {", r->name);
            emit_line(e, "        rc = %s%s_delete(db, &rel_%s);", P, ts, r->name);
            emit_line(e, "        if (rc == ASSOC_NOTFOUND)");
            emit_line(e, "            rc = ASSOC_OK;");
            emit_line(e, "        if (rc != ASSOC_OK)");
            emit_line(e, "            goto done;");
            emit_line(e, "    }");
        } else if (r->kind == SCH_MANY_TO_MANY) {
            emit_line(e, "    for (size_t i = 0; i < rel_%s.len; i++) {", r->name);
            emit_line(e, "        rc = %s%s_delete(db, &rel_%s.items[i]);", P, ts, r->name);
            emit_line(e, "        if (rc == ASSOC_NOTFOUND)");
            emit_line(e, "            rc = ASSOC_OK;");
            emit_line(e, "        if (rc != ASSOC_OK)");
            emit_line(e, "            goto done;");
            emit_line(e, "    }");
        }
    }
    emit_line(e, "    rc = ASSOC_OK;");
    emit_line(e, "done:");
    emit_line(e, "    assoc_stmt_release(db, st);");
    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        if (r->viewonly || !cascades_delete(r))
            continue;
        if (r->kind == SCH_MANY_TO_ONE)
            emit_line(e, "    %s%s_free(&rel_%s);", P, r->target->snake, r->name);
        else if (r->kind == SCH_MANY_TO_MANY || delete_has_rules(r->target))
            emit_line(e, "    %s%s_list_free(&rel_%s);", P, r->target->snake, r->name);
    }
    emit_line(e, "    return %s;", rules ? "assoc_tx_leave(db, rc)" : "rc");
    emit_line(e, "}");
    emit_line(e, "%s", "");
}

/* ------------------------------------------------------------------ */
/* Queries over the whole table                                         */

static void sql_select_all(strbuf *q, const sch_table *t)
{
    strbuf_puts(q, "SELECT ");
    sql_cols(q, t);
    strbuf_puts(q, " FROM ");
    sql_ident(q, t->name);
}

static void emit_reads(src_ctx *x, const sch_model *m)
{
    emit_ctx *e = x->e;
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    const sch_table *t = m->table;
    strbuf *q = &x->sql;

    /* first */
    sql_select_all(q, t);
    sql_order(q, t, NULL, false);
    strbuf_puts(q, " LIMIT 1");
    emit_line(e, "int %s%s_first(assoc_db *db, %s%s *out)", P, s, P, M);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_misuse(e, "db == NULL || out == NULL", s, "first");
    emit_line(e, "    memset(out, 0, sizeof *out);");
    emit_acquire(e, "sql");
    emit_line(e, "    rc = %s__fetch(db, st, out);", s);
    emit_fn_end(x);

    /* all */
    sql_select_all(q, t);
    sql_order(q, t, NULL, false);
    emit_line(e, "int %s%s_all(assoc_db *db, %s%sList *out)", P, s, P, M);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_misuse(e, "db == NULL || out == NULL", s, "all");
    emit_line(e, "    out->items = NULL;");
    emit_line(e, "    out->len = 0;");
    emit_acquire(e, "sql");
    emit_line(e, "    rc = %s__collect(db, st, out);", s);
    emit_fn_end(x);

    /* each */
    sql_select_all(q, t);
    sql_order(q, t, NULL, false);
    emit_line(e, "int %s%s_each(assoc_db *db, int (*fn)(const %s%s *, void *), void *ctx)", P, s, P, M);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_misuse(e, "db == NULL || fn == NULL", s, "each");
    emit_acquire(e, "sql");
    emit_line(e, "    rc = %s__stream(db, st, fn, ctx);", s);
    emit_fn_end(x);

    /* count */
    strbuf_puts(q, "SELECT count(*) FROM ");
    sql_ident(q, t->name);
    emit_line(e, "int %s%s_count(assoc_db *db, int64_t *out)", P, s);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_misuse(e, "db == NULL || out == NULL", s, "count");
    emit_line(e, "    *out = 0;");
    emit_acquire(e, "sql");
    emit_line(e, "    rc = sqlite3_step(st);");
    emit_line(e, "    if (rc == SQLITE_ROW)");
    emit_line(e, "        *out = sqlite3_column_int64(st, 0);");
    emit_line(e, "    rc = assoc_status(db, rc);");
    emit_fn_end(x);

    /* get_by_<col>, find_by_<col> */
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *pt = c_param_type(col);
        bool get = col->unique && !(col->primary_key && t->npk == 1);
        for (int pass = 0; pass < 2; pass++) {
            if ((pass == 0 && !get) || (pass == 1 && !col->index_flag))
                continue;
            sql_select_where(q, t, col);
            if (pass == 1)
                sql_order(q, t, NULL, false);
            emit_line(e, "int %s%s_%s_by_%s(assoc_db *db, %s%svalue, %s%s%s *out)", P, s,
                      pass ? "find" : "get", col->name, pt, ptr_sp(pt), P, M, pass ? "List" : "");
            emit_line(e, "{");
            emit_sql_const(x, "sql");
            emit_fn_start(x);
            emit_line(e, "    if (db == NULL || out == NULL)");
            emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s_%s_by_%s: NULL argument\");", P, s,
                      pass ? "find" : "get", col->name);
            if (pass == 0) {
                emit_line(e, "    memset(out, 0, sizeof *out);");
            } else {
                emit_line(e, "    out->items = NULL;");
                emit_line(e, "    out->len = 0;");
            }
            emit_acquire(e, "sql");
            emit_bind_param(x, 1, "value", col);
            emit_line(e, "    rc = %s__%s(db, st, out);", s, pass ? "collect" : "fetch");
            emit_fn_end(x);
        }
    }

    /* free, list_free */
    emit_line(e, "void %s%s_free(%s%s *r)", P, s, P, M);
    emit_line(e, "{");
    emit_line(e, "    if (r == NULL)");
    emit_line(e, "        return;");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        if (col->type == SCH_STRING || col->type == SCH_TEXT)
            emit_line(e, "    assoc_free(r->%s);", col->c_name);
        else if (col->type == SCH_BLOB)
            emit_line(e, "    assoc_free(r->%s.data);", col->c_name);
    }
    emit_line(e, "    memset(r, 0, sizeof *r);");
    emit_line(e, "}");
    emit_line(e, "%s", "");
    emit_line(e, "void %s%s_list_free(%s%sList *l)", P, s, P, M);
    emit_line(e, "{");
    emit_line(e, "    if (l == NULL)");
    emit_line(e, "        return;");
    if (has_owned_memory(t)) {
        emit_line(e, "    for (size_t i = 0; i < l->len; i++)");
        emit_line(e, "        %s%s_free(&l->items[i]);", P, s);
    }
    emit_line(e, "    assoc_free(l->items);");
    emit_line(e, "    l->items = NULL;");
    emit_line(e, "    l->len = 0;");
    emit_line(e, "}");
    emit_line(e, "%s", "");
}

/* ------------------------------------------------------------------ */
/* Relationships                                                        */

/* The guard for the owner's join value.  A NULL one, or a record not yet
 * saved (its key unset), has no related rows: code is what the function
 * returns then, ASSOC_OK for a read of a collection (it is empty, as
 * SQLAlchemy's collection of a transient object is), ASSOC_NOTFOUND for a
 * read of one row or a remove, ASSOC_MISUSE for an add (nothing can be
 * linked to a row that does not exist); `why` completes the message. */
static void emit_owner_guard(emit_ctx *e, const sch_rel *r, const char *fn, const char *code, const char *why)
{
    char buf[600];
    const sch_column *oc = r->owner_col;
    bool key = oc->is_rowid || oc->primary_key;
    if (oc->is_rowid)
        emit_line(e, "    if (r->%s == 0)", oc->c_name);
    else if (key && !c_is_pointer(oc))
        return;
    else if (null_cond(buf, sizeof buf, "r->", oc))
        emit_line(e, "    if (%s)", buf);
    else
        return;
    if (strcmp(code, "ASSOC_OK") == 0)
        emit_line(e, "        return ASSOC_OK;");
    else if (key)
        emit_line(e, "        return assoc_fail(db, %s, \"%s%s: the record has no key (%s is unset)\");", code,
                  e->prefix, fn, oc->name);
    else
        emit_line(e, "        return assoc_fail(db, %s, \"%s%s: %s is NULL%s\");", code, e->prefix, fn, oc->name,
                  why);
}

static void emit_rel(src_ctx *x, const sch_model *m, const sch_rel *r)
{
    emit_ctx *e = x->e;
    const char *P = e->prefix, *M = m->name, *s = m->snake, *n = r->name;
    const char *T = r->target->name, *ts = r->target->snake;
    const sch_table *tt = r->target->table;
    strbuf *q = &x->sql;
    char fn[600], buf[2048];

    if (!c_rel_is_list(r)) {
        /* many-to-one, one-to-one: the owned record, and _view, the same
         * row lent (no copy of its strings) to at most one call. */
        for (int pass = 0; pass < (r->has_view ? 2 : 1); pass++) {
            snprintf(fn, sizeof fn, "%s_%s%s", s, n, pass ? "_view" : "");
            sql_select_where(q, tt, r->target_col);
            if (r->kind == SCH_ONE_TO_ONE) {
                sql_order(q, tt, r->order_by, r->order_desc);
                strbuf_puts(q, " LIMIT 1");
            }
            if (pass == 0)
                emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, %s%s *out)", P, fn, P, M, P, T);
            else
                emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, int (*fn)(const %s%s *, void *), void *ctx)",
                          P, fn, P, M, P, T);
            emit_line(e, "{");
            emit_sql_const(x, "sql");
            emit_fn_start(x);
            if (pass == 0) {
                emit_misuse(e, "db == NULL || r == NULL || out == NULL", s, n);
                emit_line(e, "    memset(out, 0, sizeof *out);");
            } else {
                emit_line(e, "    if (db == NULL || r == NULL || fn == NULL)");
                emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: NULL argument\");", P, fn);
            }
            emit_owner_guard(e, r, fn, pass == 0 ? "ASSOC_NOTFOUND" : "ASSOC_OK", "");
            emit_acquire(e, "sql");
            emit_bind_present(x, 1, "r->", r->owner_col);
            if (pass == 0) {
                emit_line(e, "    rc = %s__fetch(db, st, out);", ts);
            } else {
                /* At most one row: step once, as hand-written code would;
                 * releasing the statement resets it. */
                emit_line(e, "    rc = sqlite3_step(st);");
                emit_line(e, "    if (rc == SQLITE_ROW) {");
                emit_line(e, "        %s%s row;", P, T);
                emit_line(e, "        rc = %s__%s(db, st, &row);", ts, lending_reader(tt));
                emit_line(e, "        if (rc == ASSOC_OK)");
                emit_line(e, "            rc = fn(&row, ctx);");
                emit_line(e, "    } else {");
                emit_line(e, "        rc = assoc_status(db, rc);");
                emit_line(e, "    }");
            }
            emit_fn_end(x);
        }
        return;
    }

    /* one-to-many, many-to-many: list and each */
    for (int pass = 0; pass < 2; pass++) {
        if (r->kind == SCH_MANY_TO_MANY)
            sql_select_m2m(q, r);
        else
            sql_select_where(q, tt, r->target_col);
        sql_order(q, tt, r->order_by, r->order_desc);
        snprintf(fn, sizeof fn, "%s_%s%s", s, n, pass ? "_each" : "");
        if (pass == 0)
            emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, %s%sList *out)", P, fn, P, M, P, T);
        else
            emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, int (*fn)(const %s%s *, void *), void *ctx)",
                      P, fn, P, M, P, T);
        emit_line(e, "{");
        emit_sql_const(x, "sql");
        emit_fn_start(x);
        if (pass == 0) {
            emit_line(e, "    if (db == NULL || r == NULL || out == NULL)");
            emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: NULL argument\");", P, fn);
            emit_line(e, "    out->items = NULL;");
            emit_line(e, "    out->len = 0;");
        } else {
            emit_line(e, "    if (db == NULL || r == NULL || fn == NULL)");
            emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: NULL argument\");", P, fn);
        }
        emit_owner_guard(e, r, fn, "ASSOC_OK", "");
        emit_acquire(e, "sql");
        emit_bind_present(x, 1, "r->", r->owner_col);
        if (pass == 0)
            emit_line(e, "    rc = %s__collect(db, st, out);", ts);
        else
            emit_line(e, "    rc = %s__stream(db, st, fn, ctx);", ts);
        emit_fn_end(x);
    }
    if (r->viewonly)
        return;

    if (r->kind == SCH_ONE_TO_MANY) {
        const sch_column *fk = r->target_col, *oc = r->owner_col;
        const sch_column *cpk = tt->rowid;
        /* _add: point the child at r and save it. */
        snprintf(fn, sizeof fn, "%s_%s_add", s, n);
        emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, %s%s *child)", P, fn, P, M, P, T);
        emit_line(e, "{");
        emit_line(e, "    %s%sold = child ? child->%s : %s;", c_field_type(fk), ptr_sp(c_field_type(fk)), fk->c_name,
                  fk->type == SCH_BLOB ? "(assoc_blob){ NULL, 0 }" : c_is_pointer(fk) ? "NULL" : "0");
        if (c_has_flag(fk))
            emit_line(e, "    bool old_has = child ? child->has_%s : false;", fk->c_name);
        /* A string or blob key is copied into the child, never shared with
         * r: the two records are released separately.  The value it
         * replaces may be the caller's, so it is left alone. */
        bool text_key = fk->type == SCH_STRING || fk->type == SCH_TEXT;
        if (text_key)
            emit_line(e, "    char *copy = NULL;");
        else if (fk->type == SCH_BLOB)
            emit_line(e, "    assoc_blob copy = { NULL, 0 };");
        emit_line(e, "    int rc;");
        emit_line(e, "%s", "");
        emit_line(e, "    if (db == NULL || r == NULL || child == NULL)");
        emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: NULL argument\");", P, fn);
        emit_owner_guard(e, r, fn, "ASSOC_MISUSE", "");
        if (text_key) {
            emit_line(e, "    if (old == NULL || strcmp(old, r->%s) != 0) {", oc->c_name);
            emit_line(e, "        rc = assoc_strdup(db, r->%s, &copy);", oc->c_name);
            emit_line(e, "        if (rc != ASSOC_OK)");
            emit_line(e, "            return rc;");
            emit_line(e, "        child->%s = copy;", fk->c_name);
            emit_line(e, "    }");
        } else if (fk->type == SCH_BLOB) {
            emit_line(e, "    if (old.data == NULL || old.len != r->%s.len || (old.len > 0 && memcmp(old.data, r->%s.data, old.len) != 0)) {",
                      oc->c_name, oc->c_name);
            emit_line(e, "        rc = assoc_blobdup(db, r->%s.data, r->%s.len, &copy);", oc->c_name, oc->c_name);
            emit_line(e, "        if (rc != ASSOC_OK)");
            emit_line(e, "            return rc;");
            emit_line(e, "        child->%s = copy;", fk->c_name);
            emit_line(e, "    }");
        } else {
            emit_line(e, "    child->%s = r->%s;", fk->c_name, oc->c_name);
        }
        if (c_has_flag(fk))
            emit_line(e, "    child->has_%s = true;", fk->c_name);
        if (cpk) {
            emit_line(e, "    if (child->%s == 0)", cpk->c_name);
            emit_line(e, "        rc = %s%s_insert(db, child);", P, ts);
            emit_line(e, "    else");
            emit_line(e, "        rc = %s%s_update(db, child);", P, ts);
        } else {
            emit_line(e, "    rc = %s%s_update(db, child);", P, ts);
            emit_line(e, "    if (rc == ASSOC_NOTFOUND)");
            emit_line(e, "        rc = %s%s_insert(db, child);", P, ts);
        }
        emit_line(e, "    if (rc != ASSOC_OK) {");
        if (text_key)
            emit_line(e, "        assoc_free(copy);");
        else if (fk->type == SCH_BLOB)
            emit_line(e, "        assoc_free(copy.data);");
        emit_line(e, "        child->%s = old;", fk->c_name);
        if (c_has_flag(fk))
            emit_line(e, "        child->has_%s = old_has;", fk->c_name);
        emit_line(e, "    }");
        emit_line(e, "    return rc;");
        emit_line(e, "}");
        emit_line(e, "%s", "");

        /* _remove: delete the orphan, or let it go with a NULL key. */
        bool orphan = (r->cascade & SCH_CASCADE_DELETE_ORPHAN) != 0;
        bool visit = orphan && delete_has_rules(r->target);
        snprintf(fn, sizeof fn, "%s_%s_remove", s, n);
        if (visit) {
            strbuf_puts(q, "SELECT 1 FROM ");
            sql_ident(q, tt->name);
        } else if (orphan) {
            strbuf_puts(q, "DELETE FROM ");
            sql_ident(q, tt->name);
        } else {
            strbuf_puts(q, "UPDATE ");
            sql_ident(q, tt->name);
            strbuf_puts(q, " SET ");
            sql_ident(q, fk->name);
            strbuf_puts(q, " = NULL");
        }
        int next = sql_where_key(q, tt, 1);
        strbuf_puts(q, " AND ");
        sql_qcol(q, fk);
        strbuf_printf(q, " = ?%d", next);
        emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, const %s%s *child)", P, fn, P, M, P, T);
        emit_line(e, "{");
        emit_sql_const(x, "sql");
        emit_fn_start(x);
        emit_line(e, "    if (db == NULL || r == NULL || child == NULL)");
        emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: NULL argument\");", P, fn);
        emit_owner_guard(e, r, fn, "ASSOC_NOTFOUND", ", so nothing is its child");
        emit_key_guard(e, "child->", tt, fn);
        emit_acquire(e, "sql");
        emit_bind_key(x, 1, "child->", tt);
        emit_bind_present(x, next, "r->", oc);
        if (visit) {
            emit_line(e, "    rc = sqlite3_step(st);");
            emit_line(e, "    assoc_stmt_release(db, st);");
            emit_line(e, "    st = NULL;");
            emit_line(e, "    if (rc == SQLITE_DONE)");
            emit_line(e, "        rc = assoc_fail(db, ASSOC_NOTFOUND, \"%s%s: not a child of this row\");", P, fn);
            emit_line(e, "    else if (rc == SQLITE_ROW)");
            emit_line(e, "        rc = %s%s_delete(db, child);     /* an orphan, deleted by its own rules */", P, ts);
            emit_line(e, "    else");
            emit_line(e, "        rc = assoc_status(db, rc);");
        } else {
            emit_line(e, "    rc = assoc_status(db, sqlite3_step(st));");
            emit_line(e, "    if (rc != ASSOC_OK)");
            emit_line(e, "        goto done;");
            emit_changed_or_notfound(e, fn, "not a child of this row");
        }
        emit_fn_end(x);
        return;
    }

    /* many-to-many: _add inserts an association row, _remove deletes them. */
    const sch_table *sec = r->secondary;
    snprintf(fn, sizeof fn, "%s_%s_add", s, n);
    strbuf_puts(q, "INSERT INTO ");
    sql_ident(q, sec->name);
    strbuf_puts(q, " (");
    sql_ident(q, r->sec_owner_col->name);
    strbuf_puts(q, ", ");
    sql_ident(q, r->sec_target_col->name);
    int nparam = 2;
    for (size_t i = 0; i < sec->ncolumns; i++) {
        const sch_column *col = sec->columns[i];
        if (col != r->sec_owner_col && col != r->sec_target_col && col->def.kind != SCH_DEFAULT_NONE) {
            strbuf_puts(q, ", ");
            sql_ident(q, col->name);
            nparam++;
        }
    }
    strbuf_puts(q, ") VALUES (");
    for (int i = 1; i <= nparam; i++)
        strbuf_printf(q, "%s?%d", i > 1 ? ", " : "", i);
    strbuf_puts(q, ")");
    emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, const %s%s *t)", P, fn, P, M, P, T);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_line(e, "    if (db == NULL || r == NULL || t == NULL)");
    emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: NULL argument\");", P, fn);
    emit_owner_guard(e, r, fn, "ASSOC_MISUSE", "");
    if (null_cond(buf, sizeof buf, "t->", r->target_col) || r->target_col->is_rowid) {
        if (r->target_col->is_rowid)
            emit_line(e, "    if (t->%s == 0)", r->target_col->c_name);
        else
            emit_line(e, "    if (%s)", buf);
        emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: the target has no %s\");", P, fn,
                  r->target_col->name);
    }
    emit_acquire(e, "sql");
    emit_bind_present(x, 1, "r->", r->owner_col);
    emit_bind_present(x, 2, "t->", r->target_col);
    int ix = 3;
    for (size_t i = 0; i < sec->ncolumns; i++) {
        const sch_column *col = sec->columns[i];
        if (col == r->sec_owner_col || col == r->sec_target_col || col->def.kind == SCH_DEFAULT_NONE)
            continue;
        /* The association row's own client default, as an insert of its
         * model would give it. */
        switch (col->type) {
        case SCH_DATETIME: {
            char tb[32];
            emit_time_buf(x, tb, sizeof tb);
            emit_text(e, "    rc = assoc_bind_time_buf(db, st, %d, ", ix);
            emit_c_default(e, col, &col->def);
            emit_line(e, ", true, %s);", tb);
            break;
        }
        case SCH_STRING: case SCH_TEXT:
            emit_text(e, "    rc = assoc_bind_text(db, st, %d, ", ix);
            emit_c_default(e, col, &col->def);
            emit_line(e, ");");
            break;
        case SCH_BLOB:
            emit_text(e, "    rc = assoc_status(db, sqlite3_bind_blob(st, %d, ", ix);
            emit_c_default(e, col, &col->def);
            emit_line(e, ", %zu, SQLITE_STATIC));", col->def.len);
            break;
        case SCH_FLOAT:
            emit_text(e, "    rc = assoc_status(db, sqlite3_bind_double(st, %d, ", ix);
            emit_c_default(e, col, &col->def);
            emit_line(e, "));");
            break;
        case SCH_INTEGER: case SCH_BOOLEAN:
            emit_line(e, "    rc = assoc_status(db, sqlite3_bind_int64(st, %d, %lld));", ix, (long long)col->def.i);
            break;
        }
        emit_line(e, "    if (rc != ASSOC_OK)");
        emit_line(e, "        goto done;");
        ix++;
    }
    emit_line(e, "    rc = assoc_status(db, sqlite3_step(st));");
    emit_fn_end(x);

    snprintf(fn, sizeof fn, "%s_%s_remove", s, n);
    strbuf_puts(q, "DELETE FROM ");
    sql_ident(q, sec->name);
    strbuf_puts(q, " WHERE ");
    sql_qcol(q, r->sec_owner_col);
    strbuf_puts(q, " = ?1 AND ");
    sql_qcol(q, r->sec_target_col);
    strbuf_puts(q, " = ?2");
    emit_line(e, "int %s%s(assoc_db *db, const %s%s *r, const %s%s *t)", P, fn, P, M, P, T);
    emit_line(e, "{");
    emit_sql_const(x, "sql");
    emit_fn_start(x);
    emit_line(e, "    if (db == NULL || r == NULL || t == NULL)");
    emit_line(e, "        return assoc_fail(db, ASSOC_MISUSE, \"%s%s: NULL argument\");", P, fn);
    emit_owner_guard(e, r, fn, "ASSOC_NOTFOUND", "");
    emit_acquire(e, "sql");
    emit_bind_present(x, 1, "r->", r->owner_col);
    emit_bind_field(x, 2, "t->", r->target_col);
    emit_line(e, "    rc = assoc_status(db, sqlite3_step(st));");
    emit_line(e, "    if (rc != ASSOC_OK)");
    emit_line(e, "        goto done;");
    emit_changed_or_notfound(e, fn, "the two are not linked");
    emit_fn_end(x);
}

/* ------------------------------------------------------------------ */

bool emit_source(emit_ctx *e)
{
    src_ctx x = { .e = e };
    const sch_schema *s = e->s;
    emit_line(e, "/* Generated by assocgen from %s. DO NOT EDIT. */", e->source_name);
    emit_line(e, "#include \"%s.h\"", e->base);
    emit_line(e, "%s", "");
    emit_line(e, "#include <string.h>");
    emit_line(e, "%s", "");
    size_t pragma_at = e->out.len;
    for (size_t i = 0; i < s->nmodels; i++)
        emit_helpers(e, s->models[i]);
    emit_create_all(&x);
    for (size_t i = 0; i < s->nmodels; i++) {
        const sch_model *m = s->models[i];
        emit_line(e, "/* ---- %s ---- */", m->name);
        emit_line(e, "%s", "");
        emit_insert(&x, m);
        emit_get(&x, m);
        emit_update(&x, m);
        emit_delete(&x, m);
        emit_reads(&x, m);
        for (size_t k = 0; k < m->nrels; k++)
            emit_rel(&x, m, m->rels[k]);
    }
    if (x.long_strings && !e->out.failed) {
        /* A table of many columns makes SQL longer than the 4095 bytes ISO C
         * promises; gcc and clang take it, and -Wpedantic need not say so. */
        static const char pragma[] =
            "#if defined(__GNUC__)\n"
            "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n"
            "#endif\n\n";
        strbuf tail = STRBUF_INIT;
        strbuf_puts(&tail, e->out.data + pragma_at);
        e->out.len = pragma_at;
        strbuf_puts(&e->out, pragma);
        strbuf_putn(&e->out, tail.data ? tail.data : "", tail.len);
        strbuf_free(&tail);
    }
    strbuf_free(&x.sql);
    return !e->out.failed;
}
