/* emit.h - the output context every emitter shares.
 *
 * An emitter reads the resolved schema and writes whole lines into `out`
 * through emit_line().  It never looks at syntax and never touches files:
 * the driver writes the finished text atomically.
 *
 * Naming scheme of the generated C (written down once, here):
 *   <P>          the --prefix, "" by default
 *   <P><Model>   struct type, e.g. shop_User;  <P><Model>List its list
 *   <P><m>_...   functions, <m> the snake_case of the model: shop_user_insert
 *   <P><M>_INIT  the struct's initialiser macro, <M> = upper-case <m>
 *   <P><base>_create_all, with <base> the .def file's base name
 */
#ifndef ASSOCGEN_EMIT_H
#define ASSOCGEN_EMIT_H

#include <stdbool.h>

#include "schema.h"
#include "strbuf.h"

typedef struct emit_ctx {
    const sch_schema *s;
    const char *prefix;        /* never NULL; "" for none */
    const char *source_name;   /* the .def as named on the command line */
    const char *base;          /* output base name: "models" */
    strbuf out;
} emit_ctx;

/* Append one line (a newline is added). */
void emit_line(emit_ctx *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text as is (no newline). */
void emit_text(emit_ctx *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Each emitter fills e->out; false when memory ran out. */
bool emit_sql(emit_ctx *e);
bool emit_header(emit_ctx *e);
bool emit_source(emit_ctx *e);
bool emit_dot(emit_ctx *e);

/* SQL helpers shared by the sql and source emitters. */
/* Append the identifier, double-quoted when SQL needs it (a keyword).  The
 * checker has made sure every name is [A-Za-z_][A-Za-z0-9_]*. */
void sql_ident(strbuf *sb, const char *name);
/* The SQL expression of a default: CURRENT_TIMESTAMP, 5, 'text'. */
void sql_default_expr(strbuf *sb, const sch_column *col, const sch_default *def);
/* The CREATE statements of the schema, each ending in ";\n", appended to sb. */
void sql_ddl(strbuf *sb, const sch_schema *s);

#endif
