/* emit_src_rows.c - a model's rows in the generated source: the readers
 * that fill a record from the current row (owning or borrowing its strings
 * and blobs), the row type descriptor libassoc's row loops take (so the
 * loops that collect, stream and fetch rows live once, in libassoc), and
 * the model's _free and _list_free. */
#include <stdio.h>
#include <string.h>

#include "emit_src.h"

static bool owns_memory(const sch_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (c_is_pointer(t->columns[i]))
            return true;
    return false;
}

enum reader_kind { READ_OWN, READ_LEND, READ_REST };

/* static int <m>__read / __view (db, st, rec): the columns in declaration
 * order, each checked; a failure names its table, column and row.
 * __rest: as __view without the row id, which the caller has read (a
 * batched load looks a row up by its key before it reads the rest). */
static void reader(src *x, const sch_model *m, enum reader_kind kind)
{
    const char *P = x->e->prefix, *s = m->snake;
    const sch_table *t = m->table;
    bool borrow = kind != READ_OWN;
    if (kind == READ_REST) {
        SRC_LINE(x, "/* As %s__%s, but for the row id, which the caller has put in rec. */", s,
                 owns_memory(t) ? "view" : "read");
    } else if (borrow) {
        SRC_LINE(x, "/* As %s__read, borrowing the strings and blobs of the row: valid until", s);
        SRC_LINE(x, " * st steps again.  For streaming without allocation. */");
    } else {
        SRC_LINE(x, "/* Fill the zeroed record rec from the current row of st, columns in");
        SRC_LINE(x, " * declaration order, strings and blobs copied.  On failure rec holds what");
        SRC_LINE(x, " * was read so far, for %s%s_free. */", P, s);
    }
    SRC_LINE(x, "static %sint %s__%s(assoc_db *db, assoc_stmt *st, int at, void *rec)", kind == READ_REST ? "inline " : "", s,
             kind == READ_REST ? "rest" : borrow ? "view" : "read");
    SRC_LINE(x, "{");
    SRC_LINE(x, "%s%s *out = rec;", P, m->name);
    /* A reader that lends (a view, or the read of a model without strings
     * or blobs) reads the row id and then calls __rest, not a copy of it. */
    bool via_rest = kind != READ_REST && t->rowid != NULL && t->ncolumns > 1 && (borrow || !owns_memory(t));
    bool enums = false;
    for (size_t i = 0; i < t->ncolumns && !via_rest; i++)
        enums |= t->columns[i]->type == SCH_ENUM;
    if (enums)
        SRC_LINE(x, "int value = 0;");
    SRC_LINE(x, "int rc;");
    SRC_BLANK(x);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *f = col->c_name;
        char has[300], at[32];
        if ((kind == READ_REST && col == t->rowid) || (via_rest && col != t->rowid))
            continue;
        if (i == 0)
            snprintf(at, sizeof at, "at");
        else
            snprintf(at, sizeof at, "at + %zu", i);
        snprintf(has, sizeof has, c_has_flag(col) ? "&out->has_%s" : "NULL", f);
        switch (col->type) {
        case SCH_INTEGER:
            if (col->is_rowid)
                SRC_LINE(x, "rc = assoc_col_rowid(db, st, %s, &out->%s);", at, f);
            else
                SRC_LINE(x, "rc = assoc_col_int64(db, st, %s, &out->%s, %s);", at, f, has);
            break;
        case SCH_FLOAT:
            SRC_LINE(x, "rc = assoc_col_double(db, st, %s, &out->%s, %s);", at, f, has);
            break;
        case SCH_BOOLEAN:
            SRC_LINE(x, "rc = assoc_col_bool(db, st, %s, &out->%s, %s);", at, f, has);
            break;
        case SCH_DATETIME:
            SRC_LINE(x, "rc = assoc_column_time(db, st, %s, &out->%s, %s);", at, f, has);
            break;
        case SCH_TEXT:
        case SCH_STRING:
            SRC_LINE(x, "rc = assoc_column_text%s(db, st, %s, &out->%s);", borrow ? "_ref" : "", at, f);
            break;
        case SCH_BLOB:
            SRC_LINE(x, "rc = assoc_column_blob%s(db, st, %s, &out->%s);", borrow ? "_ref" : "", at, f);
            break;
        case SCH_ENUM: {
            char desc[300];
            SRC_LINE(x, "rc = assoc_column_enum(db, st, %s, &%s, &value, %s);", at,
                     src_enum_desc(desc, sizeof desc, col), has);
            SRC_LINE(x, "out->%s = (%s%s)value;", f, P, c_field_type(col));
            break;
        }
        }
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "return assoc_read_failed(db, st, &%s__type, at, %zu, rc);", s, i);
    }
    if (via_rest)
        SRC_LINE(x, "return %s__rest(db, st, at, rec);", s);
    else
        SRC_LINE(x, "return ASSOC_OK;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

/* An enum column's names, value k at [k - 1], as SQLAlchemy's Enum stores
 * them, and the descriptor libassoc's enum binder and reader take. */
static void enum_desc(src *x, const sch_model *m, const sch_column *col)
{
    const sch_enum *e = col->enumv;
    char desc[300];
    src_enum_desc(desc, sizeof desc, col);
    SRC_LINE(x, "static const char *const %s_names[] = {", desc);
    strbuf names = STRBUF_INIT;
    for (size_t k = 0; k < e->nvalues; k++)
        strbuf_printf(&names, "%s\"%s\"", k ? ", " : "", e->values[k]);
    SRC_LINE(x, "%s", strbuf_str(&names));
    strbuf_free(&names);
    SRC_LINE(x, "};");
    SRC_LINE(x, "static const assoc_enum %s = {", desc);
    SRC_LINE(x, "\"%s.%s\", \"%s%s\", %s_names, %zu", m->name, col->name, x->e->prefix, e->type, desc, e->nvalues);
    SRC_LINE(x, "};");
    SRC_BLANK(x);
}

void src_rows(src *x, const sch_model *m)
{
    const char *P = x->e->prefix, *s = m->snake;
    const sch_table *t = m->table;
    bool owns = owns_memory(t);
    SRC_LINE(x, "/* ---- %s: rows of %s ---- */", m->name, t->name);
    SRC_BLANK(x);
    SRC_LINE(x, "static const char *const %s__columns[] = {", s);
    strbuf names = STRBUF_INIT;
    for (size_t i = 0; i < t->ncolumns; i++) {
        /* the SQL names, which messages give */
        strbuf_puts(&names, i ? ", \"" : "\"");
        cp_c_string(&names, t->columns[i]->sql_name, strlen(t->columns[i]->sql_name));
        strbuf_putc(&names, '"');
    }
    SRC_LINE(x, "%s", strbuf_str(&names));
    strbuf_free(&names);
    SRC_LINE(x, "};");
    SRC_LINE(x, "static const assoc_rowtype %s__type;", s);
    SRC_BLANK(x);
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->type == SCH_ENUM)
            enum_desc(x, m, t->columns[i]);
    if (t->rowid != NULL && t->ncolumns > 1)
        reader(x, m, READ_REST);
    reader(x, m, READ_OWN);
    if (owns)
        reader(x, m, READ_LEND);
    if (!owns)
        SRC_LINE(x, "/* %s %s holds no strings or blobs: %s__read copies nothing, and lends. */",
                 strchr("AEIOUaeiou", m->name[0]) ? "An" : "A", m->name, s);
    /* By primary key, for gathering batched loads (SPEC 6). */
    SRC_LINE(x, "static int %s__cmp(const void *a, const void *b)", s);
    SRC_LINE(x, "{");
    SRC_LINE(x, "const %s%s *x = a, *y = b;", P, m->name);
    bool need_c = false;   /* only text and blob keys compare through c */
    for (size_t k = 0; k < t->npk; k++)
        if (t->pk[k]->type == SCH_STRING || t->pk[k]->type == SCH_TEXT || t->pk[k]->type == SCH_BLOB)
            need_c = true;
    if (need_c)
        SRC_LINE(x, "int c;");
    SRC_BLANK(x);
    for (size_t k = 0; k < t->npk; k++) {
        const sch_column *col = t->pk[k];
        const char *f = col->c_name;
        bool last = k + 1 == t->npk;
        if (col->type == SCH_STRING || col->type == SCH_TEXT || col->type == SCH_BLOB) {
            if (col->type == SCH_BLOB)
                SRC_LINE(x, "c = assoc_cmp_blob(&x->%s, &y->%s);", f, f);
            else
                SRC_LINE(x, "c = assoc_cmp_text(x->%s, y->%s);", f, f);
            if (last) {
                SRC_LINE(x, "return c;");
            } else {
                SRC_LINE(x, "if (c != 0)");
                SRC_LINE(x, "return c;");
            }
        } else if (last) {
            SRC_LINE(x, "return (x->%s > y->%s) - (x->%s < y->%s);", f, f, f, f);
        } else {
            SRC_LINE(x, "if (x->%s != y->%s)", f, f);
            SRC_LINE(x, "return x->%s < y->%s ? -1 : 1;", f, f);
        }
    }
    if (t->npk == 0)
        SRC_LINE(x, "return 0;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
    if (owns) {
        SRC_LINE(x, "static void %s__release(void *rec)", s);
        SRC_LINE(x, "{");
        SRC_LINE(x, "%s%s_free(rec);", P, s);
        SRC_LINE(x, "}");
        SRC_BLANK(x);
    }
    /* Where the strings and blobs are, for the copies libassoc makes of
     * lent rows it must keep (assoc_rows_keep). */
    size_t ntexts = 0, nblobs = 0;
    for (int blob = 0; blob < 2; blob++) {
        strbuf fields = STRBUF_INIT;
        for (size_t i = 0; i < t->ncolumns; i++) {
            const sch_column *col = t->columns[i];
            if (!c_is_pointer(col) || (col->type == SCH_BLOB) != (blob == 1))
                continue;
            strbuf_printf(&fields, "%soffsetof(%s%s, %s)", fields.len ? ", " : "", P, m->name, col->c_name);
            if (blob)
                nblobs++;
            else
                ntexts++;
        }
        if (fields.len) {
            SRC_LINE(x, "static const size_t %s__%s[] = {", s, blob ? "blobs" : "texts");
            SRC_LINE(x, "%s", strbuf_str(&fields));
            SRC_LINE(x, "};");
            SRC_BLANK(x);
        }
        strbuf_free(&fields);
    }
    char texts[300] = "NULL", blobs[300] = "NULL";
    if (ntexts)
        snprintf(texts, sizeof texts, "%s__texts", s);
    if (nblobs)
        snprintf(blobs, sizeof blobs, "%s__blobs", s);
    SRC_LINE(x, "static const assoc_rowtype %s__type = {", s);
    SRC_LINE(x, "\"%s\", \"%s\", %s__columns, %zu, sizeof(%s%s),", m->name, t->name, s,
             t->npk ? t->pk[0]->index : 0, P, m->name);
    if (owns)
        SRC_LINE(x, "%s__read, %s__view, %s__release, %s__cmp,", s, s, s, s);
    else
        SRC_LINE(x, "%s__read, %s__read, NULL, %s__cmp,", s, s, s);
    SRC_LINE(x, "%s, %zu, %s, %zu,", texts, ntexts, blobs, nblobs);
    if (t->rowid != NULL && t->ncolumns > 1)
        SRC_LINE(x, "true, offsetof(%s%s, %s), %s__rest", P, m->name, t->rowid->c_name, s);
    else if (t->rowid != NULL)
        SRC_LINE(x, "true, offsetof(%s%s, %s), NULL", P, m->name, t->rowid->c_name);
    else
        SRC_LINE(x, "false, 0, NULL");
    SRC_LINE(x, "};");
    SRC_BLANK(x);
}

void src_fn_rows(src *x, const api_fn *f)
{
    const sch_model *m = f->model;
    const sch_table *t = m->table;
    src_open(x, f);
    if (f->kind == API_GROUPS_FREE) {
        SRC_LINE(x, "if (g == NULL)");
        SRC_LINE(x, "return;");
        SRC_LINE(x, "assoc_free(g->rows.items); /* the rows with their strings and blobs */");
        SRC_LINE(x, "assoc_free(g->start);");
        SRC_LINE(x, "assoc_free(g->link);");
        SRC_LINE(x, "memset(g, 0, sizeof *g);");
    } else if (f->kind == API_FREE) {
        SRC_LINE(x, "if (r == NULL)");
        SRC_LINE(x, "return;");
        for (size_t i = 0; i < t->ncolumns; i++) {
            const sch_column *col = t->columns[i];
            if (col->type == SCH_STRING || col->type == SCH_TEXT)
                SRC_LINE(x, "assoc_free(r->%s);", col->c_name);
            else if (col->type == SCH_BLOB)
                SRC_LINE(x, "assoc_free(r->%s.data);", col->c_name);
        }
        SRC_LINE(x, "memset(r, 0, sizeof *r);");
    } else {
        SRC_LINE(x, "if (l == NULL)");
        SRC_LINE(x, "return;");
        SRC_LINE(x, "assoc_rows_free(&%s__type, l->items, l->len);", m->snake);
        SRC_LINE(x, "l->items = NULL;");
        SRC_LINE(x, "l->len = 0;");
    }
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}
