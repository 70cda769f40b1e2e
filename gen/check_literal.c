/* check_literal.c - see check_literal.h. */
#include "check_literal.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

check_lit check_literal(const ast_expr *v, sch_type t, bool bool_digits, sch_default *out)
{
    switch (t) {
    case SCH_INTEGER:
        if (v->kind == AST_INT) {
            errno = 0;
            char *end;
            long long n = strtoll(v->text, &end, 10);
            if (errno == ERANGE || *end != '\0')
                return CHECK_LIT_RANGE;
            out->kind = SCH_DEFAULT_INT;
            out->i = n;
            return CHECK_LIT_OK;
        }
        break;
    case SCH_FLOAT:
        if (v->kind == AST_INT || v->kind == AST_DECIMAL) {
            char *end;
            double d = strtod(v->text, &end);
            if (*end != '\0' || !isfinite(d))
                return CHECK_LIT_RANGE;
            out->kind = SCH_DEFAULT_FLOAT;
            out->d = d;
            return CHECK_LIT_OK;
        }
        break;
    case SCH_BOOLEAN:
        if (v->kind == AST_IDENT && (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0)) {
            out->kind = SCH_DEFAULT_INT;
            out->i = v->text[0] == 't';
            return CHECK_LIT_OK;
        }
        if (bool_digits && v->kind == AST_INT && (strcmp(v->text, "0") == 0 || strcmp(v->text, "1") == 0)) {
            out->kind = SCH_DEFAULT_INT;
            out->i = v->text[0] == '1';
            return CHECK_LIT_OK;
        }
        break;
    case SCH_STRING:
    case SCH_TEXT:
    case SCH_BLOB:
        if (v->kind == AST_STRING) {
            if (v->has_nul)
                return CHECK_LIT_NUL;
            out->kind = SCH_DEFAULT_STRING;
            out->s = v->text;
            out->len = strlen(v->text);
            return CHECK_LIT_OK;
        }
        break;
    case SCH_DATETIME:
        /* "YYYY-MM-DD[ HH:MM:SS[.ffffff]]", read by the calendar the
         * runtime uses (runtime/calendar.c), so that a value the runtime
         * could not write (year 0000, 29 February of 2023) is refused. */
        if (v->kind == AST_STRING) {
            int64_t us;
            if (!assoc_cal_parse(v->text, strlen(v->text), true, &us))
                return CHECK_LIT_DATETIME;
            out->kind = SCH_DEFAULT_INT;
            out->i = us;
            return CHECK_LIT_OK;
        }
        break;
    case SCH_ENUM:
        break;
    }
    return CHECK_LIT_WRONG;
}
