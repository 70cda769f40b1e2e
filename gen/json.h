/* json.h - is a text JSON (RFC 8259)?  The checker asks it of a json
 * column's default, so that a default SQLite's json_valid() would refuse
 * is refused when the schema is compiled, not when a row goes in. */
#ifndef ASSOCGEN_JSON_H
#define ASSOCGEN_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes at s are one JSON value, with blanks around it.
 * Nesting deeper than JSON_MAX_DEPTH is refused (SQLite's json_valid()
 * refuses past 1000 as well). */
bool json_valid_text(const char *s, size_t len);

enum { JSON_MAX_DEPTH = 1000 };

#endif
