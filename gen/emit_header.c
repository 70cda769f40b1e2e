/* emit_header.c - the generated header: structs, list types, initialisers
 * and the prototype of every generated function, each with its contract.
 * It compiles as C11 and as C++. */
#include <stdio.h>
#include <string.h>

#include "cnames.h"
#include "emit.h"

static void emit_struct(emit_ctx *e, const sch_model *m)
{
    const char *P = e->prefix;
    const sch_table *t = m->table;
    emit_line(e, "/* %s: a row of table %s. */", m->name, t->name);
    emit_line(e, "typedef struct %s%s {", P, m->name);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *ty = c_field_type(col);
        bool ptr = ty[strlen(ty) - 1] == '*';
        char note[160] = "";
        if (col->primary_key)
            snprintf(note, sizeof note, "%s", col->is_rowid ? "primary key; 0 on insert assigns one" : "primary key");
        else if (col->fk)
            snprintf(note, sizeof note, "-> %s.%s%s", col->fk->table->name, col->fk->name,
                     col->nullable && !c_has_flag(col) ? "; NULL is SQL NULL" : "");
        else if (col->nullable && (col->type == SCH_STRING || col->type == SCH_TEXT))
            snprintf(note, sizeof note, "NULL is SQL NULL");
        else if (col->nullable && col->type == SCH_BLOB)
            snprintf(note, sizeof note, "data == NULL is SQL NULL");
        if (col->type == SCH_STRING && col->length > 0) {
            size_t n = strlen(note);
            snprintf(note + n, sizeof note - n, "%sat most %d characters", n ? "; " : "", col->length);
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
        emit_text(e, "%s%s", i ? ", " : "", init);
        if (c_has_flag(col))
            emit_text(e, ", false");
    }
    emit_line(e, " }");
    emit_line(e, "#define %s%s_LIST_INIT { NULL, 0 }", P, up);
    emit_line(e, "%s", "");
}

static void key_params(emit_ctx *e, const sch_table *t)
{
    char buf[160];
    for (size_t k = 0; k < t->npk; k++)
        emit_text(e, ", %s%s%s", c_param_type(t->pk[k]),
                  c_param_type(t->pk[k])[strlen(c_param_type(t->pk[k])) - 1] == '*' ? "" : " ",
                  c_key_param(t->pk[k], buf, sizeof buf));
}

static void emit_prototypes(emit_ctx *e, const sch_model *m)
{
    const char *P = e->prefix, *M = m->name, *s = m->snake;
    const sch_table *t = m->table;

    /* Ownership after insert is mixed only when a string or blob default
     * can be written back next to the caller's own pointers: say exactly
     * what to release, where it applies. */
    bool ptr_default = false;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        ptr_default |= c_is_pointer(col) &&
                       (col->def.kind != SCH_DEFAULT_NONE || col->server_def.kind != SCH_DEFAULT_NONE);
    }
    emit_line(e, "/* Insert r.  A row id of 0 is assigned; unset columns take their defaults,");
    if (ptr_default) {
        emit_line(e, " * which are written back into r.  A string or blob written back for a field");
        emit_line(e, " * left NULL is the library's: release it with assoc_free(), or the whole");
        emit_line(e, " * record with %s%s_free() when none of its strings or blobs are yours. */", P, s);
    } else {
        emit_line(e, " * which are written back into r.  Strings and blobs stay the caller's. */");
    }
    emit_line(e, "int %s%s_insert(assoc_db *db, %s%s *r);", P, s, P, M);
    emit_line(e, "/* By primary key.  OUT: *out (release with %s%s_free); ASSOC_NOTFOUND when absent. */", P, s);
    emit_text(e, "int %s%s_get(assoc_db *db", P, s);
    key_params(e, t);
    emit_line(e, ", %s%s *out);", P, M);
    emit_line(e, "/* Write every column of the row with r's key; ASSOC_NOTFOUND when absent. */");
    emit_line(e, "int %s%s_update(assoc_db *db, const %s%s *r);", P, s, P, M);
    emit_line(e, "/* Delete the row with r's key and apply the relationship rules");
    emit_line(e, " * (association rows, cascades, orphans), atomically. */");
    emit_line(e, "int %s%s_delete(assoc_db *db, const %s%s *r);", P, s, P, M);
    emit_line(e, "/* The row with the lowest key.  OUT: *out; ASSOC_NOTFOUND on an empty table. */");
    emit_line(e, "int %s%s_first(assoc_db *db, %s%s *out);", P, s, P, M);
    emit_line(e, "/* Every row, by key.  OUT: *out (release with %s%s_list_free). */", P, s);
    emit_line(e, "int %s%s_all(assoc_db *db, %s%sList *out);", P, s, P, M);
    emit_line(e, "/* Call fn for every row, by key, without building a list; the record is");
    emit_line(e, " * valid during the call only.  A non-zero return from fn stops and is returned. */");
    emit_line(e, "int %s%s_each(assoc_db *db, int (*fn)(const %s%s *, void *), void *ctx);", P, s, P, M);
    emit_line(e, "/* OUT: *out, the number of rows. */");
    emit_line(e, "int %s%s_count(assoc_db *db, int64_t *out);", P, s);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *pt = c_param_type(col);
        const char *sp = pt[strlen(pt) - 1] == '*' ? "" : " ";
        if (col->unique && !(col->primary_key && t->npk == 1)) {
            emit_line(e, "/* The row whose %s is value.  OUT: *out; ASSOC_NOTFOUND when absent. */", col->name);
            emit_line(e, "int %s%s_get_by_%s(assoc_db *db, %s%svalue, %s%s *out);", P, s, col->name, pt, sp, P, M);
        }
        if (col->index_flag) {
            emit_line(e, "/* The rows whose %s is value, by key.  OUT: *out (empty when none). */", col->name);
            emit_line(e, "int %s%s_find_by_%s(assoc_db *db, %s%svalue, %s%sList *out);", P, s, col->name, pt, sp, P, M);
        }
    }
    emit_line(e, "/* Release what the library allocated in r (not r itself) and zero it.");
    emit_line(e, " * NULL is accepted. */");
    emit_line(e, "void %s%s_free(%s%s *r);", P, s, P, M);
    emit_line(e, "void %s%s_list_free(%s%sList *l);", P, s, P, M);

    for (size_t k = 0; k < m->nrels; k++) {
        const sch_rel *r = m->rels[k];
        const char *T = r->target->name, *n = r->name;
        emit_line(e, "%s", "");
        if (r->kind == SCH_MANY_TO_MANY)
            emit_line(e, "/* %s.%s: %s to %s through %s%s%s. */", M, n, sch_rel_kind_name(r->kind), T,
                      r->secondary->name, r->is_backref ? " (a backref)" : "", r->viewonly ? ", view only" : "");
        else
            emit_line(e, "/* %s.%s: %s to %s, joined on %s.%s = %s.%s%s%s. */", M, n, sch_rel_kind_name(r->kind), T,
                      t->name, r->owner_col->name, r->target->table->name, r->target_col->name,
                      r->is_backref ? " (a backref)" : "", r->viewonly ? ", view only" : "");
        if (!c_rel_is_list(r)) {
            emit_line(e, "/* OUT: *out; ASSOC_NOTFOUND when there is no related row. */");
            emit_line(e, "int %s%s_%s(assoc_db *db, const %s%s *r, %s%s *out);", P, s, n, P, M, P, T);
            if (r->has_view) {
                emit_line(e, "/* The related row, if any, lent to fn without copying (valid during");
                emit_line(e, " * the call only): fn runs once, or not at all and ASSOC_OK is returned;");
                emit_line(e, " * a non-zero return from fn is returned. */");
                emit_line(e, "int %s%s_%s_view(assoc_db *db, const %s%s *r, int (*fn)(const %s%s *, void *), void *ctx);",
                          P, s, n, P, M, P, T);
            }
            continue;
        }
        emit_line(e, "/* OUT: *out, the related rows%s. */",
                  r->order_by ? ", by order_by" : ", by key");
        emit_line(e, "int %s%s_%s(assoc_db *db, const %s%s *r, %s%sList *out);", P, s, n, P, M, P, T);
        emit_line(e, "int %s%s_%s_each(assoc_db *db, const %s%s *r, int (*fn)(const %s%s *, void *), void *ctx);",
                  P, s, n, P, M, P, T);
        if (r->viewonly)
            continue;
        if (r->kind == SCH_ONE_TO_MANY) {
            emit_line(e, "/* Set child's %s to r's (in *child too) and save it: insert when its", r->target_col->name);
            const sch_column *fkc = r->target_col;
            if (c_is_pointer(fkc)) {
                emit_line(e, " * key is unset, else update.  A new key value is the library's copy");
                emit_line(e, " * (release it with assoc_free); the value it replaces is not freed. */");
            } else {
                emit_line(e, " * key is unset, else update. */");
            }
            emit_line(e, "int %s%s_%s_add(assoc_db *db, const %s%s *r, %s%s *child);", P, s, n, P, M, P, T);
            emit_line(e, "/* Take child out of the collection: %s.  ASSOC_NOTFOUND if it is not r's. */",
                      (r->cascade & SCH_CASCADE_DELETE_ORPHAN) ? "delete it (delete-orphan)" : "set its key to NULL");
            emit_line(e, "int %s%s_%s_remove(assoc_db *db, const %s%s *r, const %s%s *child);", P, s, n, P, M, P, T);
        } else {
            emit_line(e, "/* Link t to r: insert a row into %s, its other columns by their defaults. */",
                      r->secondary->name);
            emit_line(e, "int %s%s_%s_add(assoc_db *db, const %s%s *r, const %s%s *t);", P, s, n, P, M, P, T);
            emit_line(e, "/* Delete every %s row linking r and t.  ASSOC_NOTFOUND if none. */", r->secondary->name);
            emit_line(e, "int %s%s_%s_remove(assoc_db *db, const %s%s *r, const %s%s *t);", P, s, n, P, M, P, T);
        }
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
    emit_line(e, "#if ASSOC_VERSION_NUMBER != 1000");
    emit_line(e, "#error \"%s.h was generated for libassoc 1.0 (ASSOC_VERSION_NUMBER 1000): regenerate it with the assocgen that matches your assoc.h\"",
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
    emit_line(e, "/* Create every table and index of the schema that does not exist. */");
    emit_line(e, "int %s%s_create_all(assoc_db *db);", e->prefix, s->base);
    emit_line(e, "%s", "");
    for (size_t i = 0; i < s->nmodels; i++)
        emit_prototypes(e, s->models[i]);
    emit_line(e, "#ifdef __cplusplus");
    emit_line(e, "}");
    emit_line(e, "#endif");
    emit_line(e, "%s", "");
    emit_line(e, "#endif /* %s */", guard);
    return !e->out.failed;
}
