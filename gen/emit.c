/* emit.c - the shared output context; see emit.h. */
#include "emit.h"

#include <stdarg.h>

void emit_line(emit_ctx *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&e->out, fmt, ap);
    va_end(ap);
    strbuf_putc(&e->out, '\n');
}

void emit_text(emit_ctx *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&e->out, fmt, ap);
    va_end(ap);
}
