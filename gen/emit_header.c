/* emit_header.c - the generated header: structs, list types, initialisers
 * and the prototype of every generated function, each with its contract.
 * It compiles as C11 and as C++. */
#include <stdio.h>
#include <string.h>

#include "cnames.h"
#include "emit.h"

/* enum(...) columns: a C enum each, value k (from 1) the k-th name;
 * 0 is unset. */
static void emit_enums(emit_ctx *e, const sch_model *m)
{
    const char *P = e->prefix;
    const sch_table *t = m->table;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        if (col->type != SCH_ENUM)
            continue;
        const sch_enum *en = col->enumv;
        emit_line(e, "/* %s.%s, stored as the value's name; 0 is unset. */", m->name, col->name);
        emit_line(e, "typedef enum {");
        for (size_t k = 0; k < en->nvalues; k++) {
            char name[300];
            emit_line(e, "    %s = %zu%s", c_enum_const(name, sizeof name, P, col, k), k + 1,
                      k + 1 < en->nvalues ? "," : "");
        }
        emit_line(e, "} %s%s;", P, en->type);
        emit_line(e, "%s", "");
    }
}

static void emit_struct(emit_ctx *e, const sch_model *m)
{
    const char *P = e->prefix;
    const sch_table *t = m->table;
    emit_enums(e, m);
    emit_line(e, "/* %s: a row of table %s. */", m->name, t->name);
    emit_line(e, "typedef struct %s%s {", P, m->name);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *ty = c_field_type(col);
        char prefixed[300];
        if (col->type == SCH_ENUM) {
            snprintf(prefixed, sizeof prefixed, "%s%s", P, ty);
            ty = prefixed;
        }
        bool ptr = ty[strlen(ty) - 1] == '*';
        char note[160] = "";
        if (col->primary_key)
            snprintf(note, sizeof note, "%s", col->is_rowid ? "primary key; 0 on insert assigns one" : "primary key");
        else if (col->fk)
            snprintf(note, sizeof note, "-> %s.%s%s", col->fk->table->name, col->fk->name,
                     col->nullable && !c_has_flag(col) ? "; NULL is SQL NULL" : "");
        else if (col->json)
            snprintf(note, sizeof note, "JSON text%s", col->nullable ? "; NULL is SQL NULL" : "");
        else if (col->type == SCH_ENUM && !c_has_flag(col))
            snprintf(note, sizeof note, "0 is unset");
        else if (col->nullable && (col->type == SCH_STRING || col->type == SCH_TEXT))
            snprintf(note, sizeof note, "NULL is SQL NULL");
        else if (col->nullable && col->type == SCH_BLOB)
            snprintf(note, sizeof note, "data == NULL is SQL NULL");
        if (col->type == SCH_STRING && col->length > 0) {
            size_t n = strlen(note);
            snprintf(note + n, sizeof note - n, "%sat most %d characters", n ? "; " : "", col->length);
        }
        if (col->post_update) {
            size_t n = strlen(note);
            snprintf(note + n, sizeof note - n, "%sset after the insert (post_update)", n ? "; " : "");
        }
        if (col->onupdate_now) {
            size_t n = strlen(note);
            snprintf(note + n, sizeof note - n, "%s_update writes the time", n ? "; " : "");
        }
        /* Comments start in one column, whatever the field's length. */
        int width = (int)(strlen(ty) + (ptr ? 0 : 1) + strlen(col->c_name) + 1);
        int pad = width < 32 ? 32 - width : 1;
        if (note[0])
            emit_line(e, "    %s%s%s;%*s/* %s */", ty, ptr ? "" : " ", col->c_name, pad, "", note);
        else
            emit_line(e, "    %s%s%s;", ty, ptr ? "" : " ", col->c_name);
        if (c_has_flag(col)) {
            int fw = (int)(strlen("bool has_;") + strlen(col->c_name));
            emit_line(e, "    bool has_%s;%*s/* %s */", col->c_name, fw < 32 ? 32 - fw : 1, "",
                      col->nullable ? "false: SQL NULL (on insert: the default, if any)"
                                    : "false: unset; insert writes the default");
        }
    }
    emit_line(e, "} %s%s;", P, m->name);
    emit_line(e, "%s", "");
    emit_line(e, "typedef struct %s%sList {", P, m->name);
    emit_line(e, "    %s%s *items;", P, m->name);
    emit_line(e, "    size_t len;");
    emit_line(e, "} %s%sList;", P, m->name);
    emit_line(e, "%s", "");

    char up[512];
    c_upper(up, sizeof up, m->snake);
    emit_text(e, "#define %s%s_INIT { ", P, up);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *init = "0";
        if (col->type == SCH_STRING || col->type == SCH_TEXT)
            init = "NULL";
        else if (col->type == SCH_BLOB)
            init = "{ NULL, 0 }";
        else if (col->type == SCH_BOOLEAN)
            init = "false";
        char zero[300];
        if (col->type == SCH_ENUM) {
            /* a cast: C++ takes no plain 0 for an enum */
            snprintf(zero, sizeof zero, "(%s%s)0", P, c_field_type(col));
            init = zero;
        }
        emit_text(e, "%s%s", i ? ", " : "", init);
        if (c_has_flag(col))
            emit_text(e, ", false");
    }
    emit_line(e, " }");
    emit_line(e, "#define %s%s_LIST_INIT { NULL, 0 }", P, up);
    emit_line(e, "%s", "");
    const api_fn *gfree = api_find(e->a, API_GROUPS_FREE, m, NULL);
    if (gfree == NULL)
        return;
    /* Batched loads (SPEC 6) of any relationship that leads here. */
    emit_line(e, "/* What a batched load gives.  The rows' strings and blobs are held in the");
    emit_line(e, " * groups' memory, valid until %s: copy what must outlive", gfree->name);
    emit_line(e, " * it, and never free a row of it alone. */");
    emit_line(e, "typedef struct %s%sGroups {", P, m->name);
    size_t used = 4 + strlen(P) + strlen(m->name) + strlen("List rows;");
    emit_line(e, "    %s%sList rows;%*s/* every related row once, by key */", P, m->name,
              (int)(used < 36 ? 36 - used : 1), "");
    emit_line(e, "    size_t *start;                  /* parent i's rows: rows.items[link[k]] for start[i] <= k < start[i+1] */");
    emit_line(e, "    size_t *link;");
    emit_line(e, "    size_t n;                       /* the number of parents */");
    emit_line(e, "} %s%sGroups;", P, m->name);
    emit_line(e, "%s", "");
    emit_line(e, "#define %s%s_GROUPS_INIT { %s%s_LIST_INIT, NULL, NULL, 0 }", P, up, P, up);
    emit_line(e, "%s", "");
}

/* The C type of a query parameter (SPEC 6: as for columns; strings are
 * read only, so const). */
static const char *param_type(emit_ctx *e, const sq_param *p, char *buf, size_t size)
{
    switch (p->type) {
    case SCH_ENUM:
        /* the enum's own type (the checker gives an enum parameter its column) */
        snprintf(buf, size, "%s%s", e->prefix, p->col ? p->col->enumv->type : "int");
        return buf;
    case SCH_INTEGER: return "int64_t";
    case SCH_FLOAT: return "double";
    case SCH_BOOLEAN: return "bool";
    case SCH_TEXT: case SCH_STRING: return "const char *";
    case SCH_DATETIME: return "assoc_time";
    case SCH_BLOB: return "assoc_blob";
    }
    return "int64_t";
}

/* <Model><Q>Args: one field per parameter, in order of first appearance;
 * an optional number, boolean or datetime x is followed by has_x. */
static void emit_args(emit_ctx *e, const sch_model *m, const sch_query *q)
{
    const char *P = e->prefix;
    emit_line(e, "/* The parameters of query %s.%s, in order of first appearance. */", m->name, q->name);
    emit_line(e, "typedef struct %s%s%sArgs {", P, m->name, q->camel);
    for (size_t i = 0; i < q->nparams; i++) {
        const sq_param *p = q->params[i];
        char enum_type[300];
        const char *t = param_type(e, p, enum_type, sizeof enum_type);
        bool ptr = t[strlen(t) - 1] == '*';
        const char *note = !p->optional ? "" : ptr ? "optional: NULL leaves its condition out"
                                          : p->type == SCH_BLOB ? "optional: data NULL leaves its condition out"
                                                                : "";
        size_t used = 4 + strlen(t) + (ptr ? 0 : 1) + strlen(p->c_name) + 1;
        if (note[0])
            emit_line(e, "    %s%s%s;%*s/* %s */", t, ptr ? "" : " ", p->c_name, (int)(used < 36 ? 36 - used : 1), "",
                      note);
        else
            emit_line(e, "    %s%s%s;", t, ptr ? "" : " ", p->c_name);
        if (p->optional && !ptr && p->type != SCH_BLOB) {
            const char *absent = "false: absent, its condition left out";
            if (q->limit && q->limit->kind == SQO_PARAM && q->limit->param == p)
                absent = "false: no limit";
            else if (q->offset && q->offset->kind == SQO_PARAM && q->offset->param == p)
                absent = "false: no offset";
            used = 4 + strlen("bool has_") + strlen(p->c_name) + 1;
            emit_line(e, "    bool has_%s;%*s/* %s */", p->c_name, (int)(used < 36 ? 36 - used : 1), "", absent);
        }
    }
    emit_line(e, "} %s%s%sArgs;", P, m->name, q->camel);
    emit_line(e, "%s", "");
}

/* The api table's rows in order: a section heading where one starts, the
 * row's comment, its prototype (printed by api_signature(), as the source's
 * definitions are). */
static void emit_prototypes(emit_ctx *e)
{
    const sch_model *model = NULL;
    for (size_t i = 0; i < e->a->nfns; i++) {
        const api_fn *f = &e->a->fns[i];
        bool blank = false;
        if (f->model != model) {
            model = f->model;
            emit_line(e, "%s", "");
            blank = true;
        }
        if (f->section) {
            if (!blank)
                emit_line(e, "%s", "");
            emit_line(e, "/* %s */", f->section);
        }
        if (f->doc) {
            const char *d = f->doc;
            emit_text(e, "/* ");
            for (; *d; d++) {
                if (*d == '\n')
                    emit_text(e, "\n * ");
                else
                    strbuf_putc(&e->out, *d);
            }
            emit_line(e, " */");
        }
        api_signature(&e->out, f);
        emit_line(e, ";");
    }
    emit_line(e, "%s", "");
}

bool emit_header(emit_ctx *e)
{
    const sch_schema *s = e->s;
    char guard[600];
    char up[512];
    c_upper(up, sizeof up, s->base); /* the schema's C name: the file's may hold '-' */
    snprintf(guard, sizeof guard, "%s%s_ASSOCGEN_H", e->prefix, up);
    for (char *g = guard; *g; g++)
        if (*g >= 'a' && *g <= 'z')
            *g = (char)(*g - 'a' + 'A');

    emit_line(e, "/* Generated by assocgen from %s. DO NOT EDIT. */", e->source_name);
    emit_line(e, "#ifndef %s", guard);
    emit_line(e, "#define %s", guard);
    emit_line(e, "%s", "");
    emit_line(e, "#include <stdbool.h>");
    emit_line(e, "#include <stddef.h>");
    emit_line(e, "#include <stdint.h>");
    emit_line(e, "%s", "");
    emit_line(e, "#include \"assoc.h\"");
    emit_line(e, "%s", "");
    emit_line(e, "#if ASSOC_VERSION_NUMBER != 2100");
    emit_line(e, "#error \"%s.h was generated for libassoc 2.1 (ASSOC_VERSION_NUMBER 2100): regenerate it with the assocgen that matches your assoc.h\"",
              e->base);
    emit_line(e, "#endif");
    emit_line(e, "%s", "");
    emit_line(e, "#ifdef __cplusplus");
    emit_line(e, "extern \"C\" {");
    emit_line(e, "#endif");
    emit_line(e, "%s", "");
    emit_line(e, "/* Records the library fills own their strings and blobs: release them with");
    emit_line(e, " * the model's _free or _list_free.  Insert and update only read the caller's. */");
    emit_line(e, "%s", "");
    for (size_t i = 0; i < s->nmodels; i++)
        emit_struct(e, s->models[i]);
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t k = 0; k < s->models[i]->nqueries; k++)
            if (s->models[i]->queries[k]->nparams)
                emit_args(e, s->models[i], s->models[i]->queries[k]);
    emit_prototypes(e);
    emit_line(e, "#ifdef __cplusplus");
    emit_line(e, "}");
    emit_line(e, "#endif");
    emit_line(e, "%s", "");
    emit_line(e, "#endif /* %s */", guard);
    return !e->out.failed;
}
