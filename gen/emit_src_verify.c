/* emit_src_verify.c - the schema's description of its tables (the plan's
 * plan_spec, as libassoc's assoc_schema_spec) and <schema>_verify, which
 * hands it to assoc_verify().  create_all (emit_src_crud.c) checks the
 * tables that exist against the same description. */
#include <stdio.h>
#include <string.h>

#include "emit_src.h"

/* A C string literal of s (NULL: NULL). */
static const char *lit(strbuf *sb, const char *s)
{
    strbuf_reset(sb);
    if (s == NULL) {
        strbuf_puts(sb, "NULL");
        return strbuf_str(sb);
    }
    strbuf_putc(sb, '"');
    cp_c_string(sb, s, strlen(s));
    strbuf_putc(sb, '"');
    return strbuf_str(sb);
}

static void flags(strbuf *sb, const plan_spec_col *c)
{
    strbuf_reset(sb);
    if (c->primary_key)
        strbuf_printf(sb, "%sASSOC_COL_PRIMARY_KEY", sb->len ? " | " : "");
    if (c->rowid)
        strbuf_printf(sb, "%sASSOC_COL_ROWID", sb->len ? " | " : "");
    if (c->not_null)
        strbuf_printf(sb, "%sASSOC_COL_NOT_NULL", sb->len ? " | " : "");
    if (c->unique)
        strbuf_printf(sb, "%sASSOC_COL_UNIQUE", sb->len ? " | " : "");
    if (c->json)
        strbuf_printf(sb, "%sASSOC_COL_JSON", sb->len ? " | " : "");
    if (c->enumerated)
        strbuf_printf(sb, "%sASSOC_COL_ENUM", sb->len ? " | " : "");
    if (sb->len == 0)
        strbuf_putc(sb, '0');
}

void src_spec(src *x, const plan_spec *sp)
{
    const emit_ctx *e = x->e;
    strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT, d = STRBUF_INIT;
    SRC_LINE(x, "/* The tables create_all makes, as %s%s_verify and create_all compare them", e->prefix, e->a->cbase);
    SRC_LINE(x, " * with the database: name, type, affinity, flags, foreign key, ON DELETE. */");
    if (sp->ncols > 0) {
        SRC_LINE(x, "static const assoc_column_spec %s[] = {", sp->cname_columns);
        for (size_t i = 0; i < sp->ntables; i++) {
            const plan_spec_table *t = &sp->tables[i];
            SRC_LINE(x, "/* %s */", t->t->name);
            for (size_t k = 0; k < t->ncols; k++) {
                const plan_spec_col *col = &t->cols[k];
                const sch_column *fk = col->col->fk;
                flags(&c, col);
                if (fk) {
                    /* SQL names, as the database has them (column("Name")) */
                    strbuf_reset(&d);
                    strbuf_printf(&d, "%s, ", lit(&a, fk->table->name));
                    strbuf_printf(&d, "%s, ", lit(&a, fk->sql_name));
                    strbuf_puts(&d, col->ondelete ? "\"" : "NULL");
                    if (col->ondelete)
                        strbuf_printf(&d, "%s\"", col->ondelete);
                } else {
                    strbuf_reset(&d);
                    strbuf_puts(&d, "NULL, NULL, NULL");
                }
                strbuf name = STRBUF_INIT;
                lit(&name, col->col->sql_name);
                SRC_LINE(x, "{ %s, %s, %s, %s, %s },", strbuf_str(&name), lit(&a, col->type), col->affinity,
                         strbuf_str(&c), strbuf_str(&d));
                strbuf_free(&name);
            }
        }
        SRC_LINE(x, "};");
    }
    if (sp->nuniques > 0) {
        SRC_LINE(x, "static const char *const %s[] = {", sp->cname_uniques);
        for (size_t i = 0; i < sp->ntables; i++)
            for (size_t k = 0; k < sp->tables[i].nuniques; k++)
                SRC_LINE(x, "%s,", lit(&a, sp->tables[i].uniques[k]));
        SRC_LINE(x, "};");
    }
    if (sp->ntables > 0) {
        SRC_LINE(x, "static const assoc_table_spec %s[] = {", sp->cname_tables);
        size_t col = 0, uni = 0;
        for (size_t i = 0; i < sp->ntables; i++) {
            const plan_spec_table *t = &sp->tables[i];
            strbuf_reset(&b);
            if (t->nuniques)
                strbuf_printf(&b, "&%s[%zu], %zu", sp->cname_uniques, uni, t->nuniques);
            else
                strbuf_puts(&b, "NULL, 0");
            SRC_LINE(x, "{ %s, &%s[%zu], %zu, %s },", lit(&a, t->t->name), sp->cname_columns, col, t->ncols,
                     strbuf_str(&b));
            col += t->ncols;
            uni += t->nuniques;
        }
        SRC_LINE(x, "};");
    }
    /* The model file and the migration script, by their names, for the
     * message that says how to migrate. */
    const char *file = strrchr(e->source_name, '/');
    file = file ? file + 1 : e->source_name;
    strbuf_reset(&b);
    strbuf_printf(&b, "%s.migrate.sql", e->base);
    strbuf_reset(&c);
    strbuf_putc(&c, '"');
    cp_c_string(&c, strbuf_str(&b), b.len);
    strbuf_putc(&c, '"');
    SRC_LINE(x, "static const assoc_schema_spec %s = {", sp->cname);
    SRC_LINE(x, "\"%s\", %s, %s,", e->a->cbase, lit(&a, file), strbuf_str(&c));
    if (sp->ntables > 0)
        SRC_LINE(x, "%s, %zu", sp->cname_tables, sp->ntables);
    else
        SRC_LINE(x, "NULL, 0");
    SRC_LINE(x, "};");
    SRC_BLANK(x);
    if (a.failed || b.failed || c.failed || d.failed)
        x->e->out.failed = true;
    strbuf_free(&a);
    strbuf_free(&b);
    strbuf_free(&c);
    strbuf_free(&d);
}

void src_fn_verify(src *x, const api_fn *f)
{
    src_open(x, f);
    src_misuse(x, f);
    SRC_LINE(x, "return assoc_verify(db, &%s, ASSOC_VERIFY_ALL);", f->plan->spec->cname);
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}
