/* emit.h - the output context every emitter shares.
 *
 * An emitter reads the resolved schema, the api table (api.h: every
 * generated name and signature) and the plans (plan.h: what each function
 * does) and writes text into `out`.  It decides nothing that the plans
 * decide, never looks at syntax and never touches files: the driver writes
 * the finished text atomically.
 *
 * One emitter per family of output: emit_sql.c (the DDL), emit_header.c,
 * emit_source.c with emit_src_*.c (the C source, by family of functions),
 * emit_dot.c (the diagram).
 *
 * Naming scheme of the generated C (spelled in api.c):
 *   <P>          the --prefix, "" by default
 *   <P><Model>   struct type, e.g. shop_User;  <P><Model>List its list
 *   <P><m>_...   functions, <m> the snake_case of the model: shop_user_insert
 *   <P><M>_INIT  the struct's initialiser macro, <M> = upper-case <m>
 *   <P><base>_create_all, with <base> the .def file's base name as a C name
 *   <m>__...     the source's own statics (readers, row types, SQL constants)
 */
#ifndef ASSOCGEN_EMIT_H
#define ASSOCGEN_EMIT_H

#include <stdbool.h>

#include "api.h"
#include "plan.h"
#include "schema.h"
#include "strbuf.h"

typedef struct emit_ctx {
    const sch_schema *s;
    const api *a;
    const plan_schema *ps;
    const char *prefix;        /* never NULL; "" for none */
    const char *source_name;   /* the .def as named on the command line, safe in a comment */
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

#endif
