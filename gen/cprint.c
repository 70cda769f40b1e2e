/* cprint.c - see cprint.h. */
#include "cprint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cp_init(cprint *p, strbuf *out)
{
    p->out = out;
    p->depth = 0;
    p->single = false;
}

static bool starts_with_word(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && strncmp(s, w, k) == 0 && (n == k || s[k] == ' ' || s[k] == '(');
}

/* `if (...)`, `else`, `for (...)`, `while (...)` not ending in '{' or ';':
 * the next line is their one statement. */
static bool is_braceless_control(const char *s, size_t n)
{
    if (n == 0 || s[n - 1] == '{' || s[n - 1] == ';')
        return false;
    return starts_with_word(s, n, "if") || starts_with_word(s, n, "else") || starts_with_word(s, n, "for") ||
           starts_with_word(s, n, "while") || (n >= 7 && strncmp(s, "else if", 7) == 0);
}

/* `done:` -- an identifier and a colon, nothing else. */
static bool is_label(const char *s, size_t n)
{
    if (n < 2 || s[n - 1] != ':' || strncmp(s, "default", 7) == 0)
        return false;
    for (size_t i = 0; i + 1 < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
              (i > 0 && s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

static void put_line(cprint *p, const char *s, size_t n)
{
    int indent;

    if (n == 0) {
        strbuf_putc(p->out, '\n');
        p->single = false;
        return;
    }
    if (s[0] == '}' && p->depth > 0)
        p->depth--;
    indent = p->depth + (p->single ? 1 : 0);
    if (s[0] == '#' || is_label(s, n))
        indent = 0;
    for (int i = 0; i < indent; i++)
        strbuf_puts(p->out, "    ");
    if (s[0] == '*' && (n == 1 || s[1] == ' ' || s[1] == '/'))  /* a comment's continuation */
        strbuf_putc(p->out, ' ');
    strbuf_putn(p->out, s, n);
    strbuf_putc(p->out, '\n');
    if (s[n - 1] == '{')
        p->depth++;
    p->single = is_braceless_control(s, n);
}

void cp_line(cprint *p, const char *fmt, ...)
{
    strbuf line = STRBUF_INIT;
    va_list ap;
    const char *s;
    size_t n;

    va_start(ap, fmt);
    strbuf_vprintf(&line, fmt, ap);
    va_end(ap);
    if (line.failed) {
        p->out->failed = true;
        strbuf_free(&line);
        return;
    }
    /* Several lines in one call are printed one by one. */
    s = strbuf_str(&line);
    for (;;) {
        const char *nl = strchr(s, '\n');
        n = nl ? (size_t)(nl - s) : strlen(s);
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        put_line(p, s, n);
        if (nl == NULL)
            break;
        s = nl + 1;
    }
    strbuf_free(&line);
}

void cp_c_string(strbuf *sb, const char *s, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        unsigned char ch = (unsigned char)s[k];
        if (ch == '"' || ch == '\\')
            strbuf_putc(sb, '\\'), strbuf_putc(sb, (char)ch);
        else if (ch == '\n')
            strbuf_puts(sb, "\\n");
        else if (ch < 0x20 || ch == 0x7f)
            strbuf_printf(sb, "\\%03o", ch);
        else if (ch == '?' && k + 1 < len && s[k + 1] == '?')
            strbuf_puts(sb, "?\\");  /* "?\?": never a trigraph */
        else
            strbuf_putc(sb, (char)ch);
    }
}
