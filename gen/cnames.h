/* cnames.h - the C side of the schema: type of each field, names of
 * generated types and functions.  The header and source emitters both use
 * these, so a name is spelled in one place. */
#ifndef ASSOCGEN_CNAMES_H
#define ASSOCGEN_CNAMES_H

#include <stdbool.h>

#include <stddef.h>

#include "schema.h"

/* The field's C type: "int64_t", "double", "bool", "char *", "assoc_time",
 * "assoc_blob"; an enum's type (TaskStatus) without the prefix, which its
 * printers put before it. */
const char *c_field_type(const sch_column *col);
/* The type of a value parameter for the column: the field's, but
 * "const char *" for strings (SPEC 3: "value has the field's C type");
 * a blob is passed as its assoc_blob, by value. */
const char *c_param_type(const sch_column *col);
/* The name of a key column's parameter in <m>_get(db, KEY..., out): the
 * field's name, or name_key where it is one of the generated functions'
 * own names (sch_c_local: db, out, sql, st, rc, time_text_N, ...). */
const char *c_key_param(const sch_column *col, char *buf, size_t size);
/* Whether the field is a pointer the library may allocate: a string, text
 * or blob column (NULL, or data == NULL, is SQL NULL). */
bool c_is_pointer(const sch_column *col);
/* Whether the field has a has_ presence flag. */
bool c_has_flag(const sch_column *col);
/* "USER" for snake "user" (into buf). */
void c_upper(char *buf, size_t size, const char *snake);
/* Which columns get a look-up function: <m>_get_by_<col> for a unique
 * column that is not the whole primary key (which has _get), and
 * <m>_find_by_<col> for an indexed one.  The one place these rules live. */
bool c_has_get_by(const sch_column *col);
bool c_has_find_by(const sch_column *col);
/* The C constant of an enum column's value k (from 0): "TASK_STATUS_OPEN",
 * with the prefix, into buf. */
const char *c_enum_const(char *buf, size_t size, const char *prefix, const sch_column *col, size_t k);
/* True for one-to-many and many-to-many: the relationship is a list. */
bool c_rel_is_list(const sch_rel *r);

/* The rules that make C names of the model's names (the checker's, and
 * --from-db's, which picks names the checker will take).  Each copy is in
 * a's memory; when that ran out, *nomem is set and the name returned as
 * it is. */
/* OrderLine -> order_line, HTTPRequest -> http_request: a model's name in
 * its functions' (order_line_insert). */
const char *c_snake_case(arena *a, const char *name, bool *nomem);
/* status -> Status, billing_state -> BillingState: a member's name in a C
 * type name (an enum column's TaskStatus). */
const char *c_camel_case(arena *a, const char *name, bool *nomem);
/* A copy with ASCII letters in upper case: order_line -> ORDER_LINE. */
const char *c_upper_copy(arena *a, const char *s, bool *nomem);
/* A copy with ASCII letters in lower case (SQL names ignore ASCII case). */
const char *c_lower_copy(arena *a, const char *s, bool *nomem);
/* [A-Za-z_][A-Za-z0-9_]*: what a name written as a string must also be,
 * so that every identifier that reaches SQL or C is plain. */
bool c_is_identifier(const char *s);

#endif
