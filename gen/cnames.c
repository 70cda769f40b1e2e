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
