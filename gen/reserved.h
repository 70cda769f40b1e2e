/* reserved.h - the names a generated name may not take: the keywords of C
 * and C++ (the header compiles as both), and every macro and file-scope
 * name of the headers the generated code includes.
 *
 * The headers' names are read from the machine that builds assocgen
 * (gen/reserved.awk over `cc -E -dD`, at build time), so the list is
 * exactly what <stdint.h>, <string.h>, sqlite3.h and assoc.h declare there.
 */
#ifndef ASSOCGEN_RESERVED_H
#define ASSOCGEN_RESERVED_H

#include <stdbool.h>

typedef enum c_reserved_kind {
    C_FREE = 0,        /* nothing: the name may be used */
    C_KEYWORD,         /* a keyword of C11 or C++ */
    C_MACRO,           /* a macro: takes every use of the word, a struct field's too */
    C_GLOBAL           /* a function, type, tag, variable or enumerator at file scope */
} c_reserved_kind;

/* What `name` already is where generated code is compiled.  OUT: *from, when
 * not C_FREE and from is not NULL: where it comes from ("C or C++",
 * "sqlite3.h", "the compiler" for a predefined macro such as unix). */
c_reserved_kind c_reserved(const char *name, const char **from);

/* Whether a struct field called `name` (a column's, a query parameter's)
 * is written name_ instead: a keyword, a macro of the included headers
 * (SIZE_MAX, SQLITE_OK, unix), a type the generated structs spell
 * ("int64_t int64_t;" would change its meaning in C++), or a macro of the
 * standard headers a program includes beside ours (errno, assert, stdin). */
bool c_field_needs_underscore(const char *name);

/* Whether a model may not be called `name`: its name becomes a C type
 * (User, UserList), so not a keyword, nor anything the included headers
 * declare, nor a name with libassoc's prefix (assoc_, ASSOC_). */
bool c_type_name_taken(const char *name);
/* Whether a model's functions, named after its snake name sn (sn_insert),
 * would take libassoc's names: sn is assoc or starts with assoc_. */
bool c_snake_is_libassoc(const char *sn);

#endif
