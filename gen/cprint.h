/* cprint.h - writing C source a line at a time, indented by its braces.
 *
 * Emitters hand over each line without indentation; the printer indents it
 * four spaces per open brace, as a reader would: a line that starts with
 * '}' closes a level before it is printed, one that ends with '{' opens a
 * level after; the one statement after a brace-less `if (...)`, `else`,
 * `for (...)` or `while (...)` gets one level more; a label (`done:`) and a
 * preprocessor line start in column 0; a comment's continuation (" * ...")
 * keeps its space.  So no emitter counts spaces, and nothing already
 * written is ever patched.
 */
#ifndef ASSOCGEN_CPRINT_H
#define ASSOCGEN_CPRINT_H

#include <stdbool.h>

#include "strbuf.h"

typedef struct cprint {
    strbuf *out;
    int depth;              /* open braces */
    bool single;            /* the previous line was a brace-less control line */
} cprint;

/* Start printing into out (appended to). */
void cp_init(cprint *p, strbuf *out);
/* One line, formatted; "" prints an empty line. */
void cp_line(cprint *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A string as a C string literal's content: quotes, backslashes, control
 * bytes and "??" (trigraphs) escaped. */
void cp_c_string(strbuf *sb, const char *s, size_t len);

#endif
