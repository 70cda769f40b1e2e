/* cnames.c - see cnames.h. */
#include "cnames.h"

#include <stdio.h>
#include <string.h>

const char *c_field_type(const sch_column *col)
{
    switch (col->type) {
    case SCH_INTEGER: return "int64_t";
    case SCH_FLOAT: return "double";
    case SCH_BOOLEAN: return "bool";
    case SCH_TEXT: case SCH_STRING: return "char *";
    case SCH_DATETIME: return "assoc_time";
    case SCH_BLOB: return "assoc_blob";
    case SCH_ENUM: return col->enumv && col->enumv->type ? col->enumv->type : "int";
    }
    return "int";
}

const char *c_param_type(const sch_column *col)
{
    switch (col->type) {
    case SCH_TEXT: case SCH_STRING: return "const char *";
    default: return c_field_type(col);
    }
}

const char *c_key_param(const sch_column *col, char *buf, size_t size)
{
    if (sch_c_local(col->c_name)) {
        snprintf(buf, size, "%s_key", col->c_name);
        return buf;
    }
    return col->c_name;
}

bool c_is_pointer(const sch_column *col)
{
    return col->type == SCH_STRING || col->type == SCH_TEXT || col->type == SCH_BLOB;
}

bool c_has_flag(const sch_column *col)
{
    return col->has_flag;
}

void c_upper(char *buf, size_t size, const char *snake)
{
    size_t i = 0;
    for (; snake[i] && i + 1 < size; i++)
        buf[i] = (char)(snake[i] >= 'a' && snake[i] <= 'z' ? snake[i] - 'a' + 'A' : snake[i]);
    buf[i] = '\0';
}

bool c_has_get_by(const sch_column *col)
{
    return col->unique && !(col->primary_key && col->table->npk == 1);
}

bool c_has_find_by(const sch_column *col)
{
    return col->index_flag;
}

const char *c_enum_const(char *buf, size_t size, const char *prefix, const sch_column *col, size_t k)
{
    char up[256];
    c_upper(up, sizeof up, col->enumv->values[k]);
    snprintf(buf, size, "%s%s_%s", prefix, col->enumv->upper ? col->enumv->upper : "", up);
    return buf;
}

bool c_rel_is_list(const sch_rel *r)
{
    return r->kind == SCH_ONE_TO_MANY || r->kind == SCH_MANY_TO_MANY;
}

const char *c_snake_case(arena *a, const char *name, bool *nomem)
{
    size_t n = strlen(name);
    char *out = arena_alloc(a, 2 * n + 1);
    if (out == NULL) {
        *nomem = true;
        return name;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (ch >= 'A' && ch <= 'Z') {
            bool prev_lower = i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z') ||
                                        (name[i - 1] >= '0' && name[i - 1] <= '9'));
            bool next_lower = i + 1 < n && name[i + 1] >= 'a' && name[i + 1] <= 'z';
            bool prev_upper = i > 0 && name[i - 1] >= 'A' && name[i - 1] <= 'Z';
            if (j > 0 && out[j - 1] != '_' && (prev_lower || (prev_upper && next_lower)))
                out[j++] = '_';
            out[j++] = (char)(ch - 'A' + 'a');
        } else {
            out[j++] = ch;
        }
    }
    out[j] = '\0';
    return out;
}

const char *c_camel_case(arena *a, const char *name, bool *nomem)
{
    char *out = arena_alloc(a, strlen(name) + 1);
    if (out == NULL) {
        *nomem = true;
        return name;
    }
    size_t j = 0;
    bool up = true;
    for (const char *p = name; *p; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        out[j++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        up = false;
    }
    out[j] = '\0';
    return out;
}

const char *c_upper_copy(arena *a, const char *s, bool *nomem)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    if (p == NULL) {
        *nomem = true;
        return s;
    }
    c_upper(p, n, s);
    return p;
}

const char *c_lower_copy(arena *a, const char *s, bool *nomem)
{
    char *p = arena_strdup(a, s);
    if (p == NULL) {
        *nomem = true;
        return s;
    }
    for (char *q = p; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return p;
}

bool c_is_identifier(const char *s)
{
    if (s == NULL || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}
