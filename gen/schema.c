/* schema.c - names of the resolved schema's enumerations, shared by the
 * emitters so each is spelled in one place.  See schema.h. */
#include "schema.h"

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
