/* check_literal.h - reading a literal as a value of a column's type: what
 * a default (check.c) and a query's comparison (check_query.c) both read.
 * The callers word the errors, each for its place. */
#ifndef ASSOCGEN_CHECK_LITERAL_H
#define ASSOCGEN_CHECK_LITERAL_H

#include <stdbool.h>

#include "ast.h"
#include "schema.h"

typedef enum check_lit {
    CHECK_LIT_OK,
    CHECK_LIT_WRONG,           /* not a literal of the type */
    CHECK_LIT_RANGE,           /* a number the type cannot hold */
    CHECK_LIT_NUL,             /* a string holding a NUL byte */
    CHECK_LIT_DATETIME         /* a string that is no datetime of years 0001-9999 */
} check_lit;

/* v as a value of type t into *out (its kind and value; out->literal is the
 * caller's): integer and float from numbers, boolean from true or false
 * (and from 0 or 1 when bool_digits), string, text and blob from a string,
 * datetime from a string the runtime's calendar reads.  Never an enum's
 * value, which the callers read each their own way: CHECK_LIT_WRONG. */
check_lit check_literal(const ast_expr *v, sch_type t, bool bool_digits, sch_default *out);

#endif
