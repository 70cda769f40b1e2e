/* strbuf.h - a growable string for the compiler and its emitters.
 *
 * Out-of-memory is sticky: after a failed growth every call is a no-op and
 * `failed` stays true, so a long emitter can check once at the end. */
#ifndef ASSOCGEN_STRBUF_H
#define ASSOCGEN_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *data;        /* NUL-terminated when len > 0 */
    size_t len, cap;
    bool failed;
} strbuf;

#define STRBUF_INIT { NULL, 0, 0, false }

void strbuf_putc(strbuf *sb, char c);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putn(strbuf *sb, const char *s, size_t n);
void strbuf_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The contents, "" when empty; valid until the next change. */
const char *strbuf_str(const strbuf *sb);
/* Hand the malloc'd contents to the caller (never NULL unless failed) and reset. */
char *strbuf_take(strbuf *sb);
void strbuf_reset(strbuf *sb);   /* empty it, keep the memory */
void strbuf_free(strbuf *sb);

#endif
