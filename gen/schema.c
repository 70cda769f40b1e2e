/* schema.c - names of the resolved schema's enumerations, and the names the
 * generated code keeps for itself, shared by the checker and the emitters so
 * each is spelled in one place.  See schema.h. */
#include "schema.h"

#include <string.h>

bool sch_c_local(const char *name)
{
    static const char *const locals[] = {
        "db", "st", "rc", "sql", "out", "r", "t", "v", "fn", "ctx", "child", "value", "row",
        "stamp", "stamp_text", "copy", "old", "old_has", "items", "cap", "prev",
        /* the parameters of _insert_many and the batched loads, whose
         * signatures name a model's type after them */
        "rows", "n", "parents", "parent", "at",
    };
    for (size_t i = 0; i < sizeof locals / sizeof locals[0]; i++)
        if (strcmp(locals[i], name) == 0)
            return true;
    return strncmp(name, "time_text_", 10) == 0 || strncmp(name, "dup_", 4) == 0;
}

const char *sch_rel_kind_name(sch_rel_kind k)
{
    switch (k) {
    case SCH_MANY_TO_ONE: return "many-to-one";
    case SCH_ONE_TO_MANY: return "one-to-many";
    case SCH_ONE_TO_ONE: return "one-to-one";
    case SCH_MANY_TO_MANY: return "many-to-many";
    }
    return "";
}

const char *sch_fk_action_sql(sch_fk_action a)
{
    switch (a) {
    case SCH_FK_NONE: return NULL;
    case SCH_FK_CASCADE: return "CASCADE";
    case SCH_FK_SET_NULL: return "SET NULL";
    case SCH_FK_RESTRICT: return "RESTRICT";
    case SCH_FK_NO_ACTION: return "NO ACTION";
    case SCH_FK_SET_DEFAULT: return "SET DEFAULT";
    }
    return NULL;
}

const char *sch_type_name(sch_type t)
{
    switch (t) {
    case SCH_INTEGER: return "integer";
    case SCH_FLOAT: return "float";
    case SCH_BOOLEAN: return "boolean";
    case SCH_TEXT: return "text";
    case SCH_STRING: return "string";
    case SCH_DATETIME: return "datetime";
    case SCH_BLOB: return "blob";
    case SCH_ENUM: return "enum";
    }
    return "?";
}

bool sch_type_has_flag(sch_type t)
{
    return t == SCH_INTEGER || t == SCH_FLOAT || t == SCH_BOOLEAN || t == SCH_DATETIME || t == SCH_ENUM;
}
