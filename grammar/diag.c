/* diag.c - see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static const char *severity_word(diag_severity sev)
{
    switch (sev) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    case DIAG_NOTE: return "note";
    }
    return "error";
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned cp;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        len = 2, cp = p[0] & 0x1Fu;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        len = 3, cp = p[0] & 0x0Fu;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        len = 4, cp = p[0] & 0x07u;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

enum { SHOW_MAX = 160, SHOW_BEFORE = 80 };   /* bytes of a long line shown */

/* Append the source line of `at` and a caret under its column.  Tabs are
 * kept so the caret lines up in a terminal; a UTF-8 character takes one
 * place on both lines; a control byte, a NUL or a byte that is not UTF-8 is
 * shown as '?', so a diagnostic never carries raw bytes.  A long line is
 * shown as a window around the column, with "..." where it is cut. */
static void render_source_line(strbuf *sb, loc at)
{
    const source *src = at.src;
    if (src == NULL || at.line < 1)
        return;
    const char *p = src->text, *end = src->text + src->len;
    for (int line = 1; line < at.line && p < end; p++)
        if (*p == '\n')
            line++;
    const char *eol = p;
    while (eol < end && *eol != '\n' && *eol != '\r')
        eol++;
    size_t n = (size_t)(eol - p);
    size_t col = at.col > 0 ? (size_t)at.col - 1 : 0;   /* byte offset of the caret */
    size_t from = 0, to = n;
    if (n > SHOW_MAX) {
        if (col > SHOW_BEFORE)
            from = col - SHOW_BEFORE < n ? col - SHOW_BEFORE : n;
        while (from > 0 && from < n && ((unsigned char)p[from] & 0xC0) == 0x80)
            from++;                              /* not inside a character */
        to = from + SHOW_MAX < n ? from + SHOW_MAX : n;
        while (to < n && ((unsigned char)p[to] & 0xC0) == 0x80)
            to++;
    }
    strbuf text = STRBUF_INIT, caret = STRBUF_INIT;
    if (from > 0) {
        strbuf_puts(&text, "...");
        strbuf_puts(&caret, "   ");
    }
    bool caret_done = false;
    for (size_t i = from; i < to;) {
        const unsigned char *c = (const unsigned char *)p + i;
        size_t k = utf8_len(c, to - i);
        if (!caret_done && i >= col) {
            strbuf_putc(&caret, '^');
            caret_done = true;
        }
        if (k == 1 && (*c == '\t' || (*c >= 0x20 && *c != 0x7f))) {
            strbuf_putc(&text, (char)*c);
        } else if (k > 1) {
            strbuf_putn(&text, (const char *)c, k);
        } else {
            strbuf_putc(&text, '?');
            k = 1;
        }
        if (!caret_done)
            strbuf_putc(&caret, *c == '\t' ? '\t' : ' ');
        i += k;
    }
    if (to < n)
        strbuf_puts(&text, "...");
    if (!caret_done)
        strbuf_putc(&caret, '^');               /* at or past the end of the line */
    strbuf_puts(sb, "    ");
    strbuf_putn(sb, text.data ? text.data : "", text.len);
    strbuf_puts(sb, "\n    ");
    strbuf_putn(sb, caret.data ? caret.data : "", caret.len);
    strbuf_puts(sb, "\n");
    if (text.failed || caret.failed)
        sb->failed = true;
    strbuf_free(&text);
    strbuf_free(&caret);
}

/* A message is one line of text, whatever a quoted value held: control
 * bytes and bytes that are not UTF-8 become '?'. */
static void one_line(strbuf *msg, const strbuf *raw)
{
    for (size_t i = 0; i < raw->len;) {
        const unsigned char *c = (const unsigned char *)raw->data + i;
        size_t k = utf8_len(c, raw->len - i);
        if (k > 1)
            strbuf_putn(msg, (const char *)c, k);
        else
            strbuf_putc(msg, k == 1 && *c >= 0x20 && *c != 0x7f ? (char)*c : '?');
        i += k ? k : 1;
    }
    if (raw->failed)
        msg->failed = true;
}

void diag_report(diag_ctx *ctx, diag_severity sev, loc at, const char *fmt, ...)
{
    strbuf raw = STRBUF_INIT, msg = STRBUF_INIT, out = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&raw, fmt, ap);
    va_end(ap);
    one_line(&msg, &raw);
    strbuf_free(&raw);

    /* The same diagnostic at the same place again is said once: a member of
     * a mixin is checked in every model that includes it. */
    for (const diagnostic *d = ctx->first; d && at.src != NULL && !msg.failed; d = d->next)
        if (d->severity == sev && d->at.src == at.src && d->at.line == at.line && d->at.col == at.col &&
            strcmp(d->message, strbuf_str(&msg)) == 0) {
            strbuf_free(&msg);
            return;
        }

    bool counts_as_error = sev == DIAG_ERROR || (sev == DIAG_WARNING && ctx->werror);
    if (sev == DIAG_ERROR)
        ctx->errors++;
    else if (sev == DIAG_WARNING)
        ctx->warnings++;
    if (counts_as_error && ctx->errors + (ctx->werror ? ctx->warnings : 0) > DIAG_MAX_ERRORS) {
        if (ctx->overflowed) {
            strbuf_free(&msg);
            return;
        }
        ctx->overflowed = true;
        sev = DIAG_NOTE;
        at.src = NULL;
        strbuf_reset(&msg);
        strbuf_puts(&msg, "too many errors; stopping here");
    }

    if (at.src != NULL)
        strbuf_printf(&out, "%s:%d:%d: ", source_shown(at.src), at.line, at.col);
    else
        strbuf_puts(&out, "assocgen: ");
    /* Under -Werror a warning reads as the error it now is, as gcc's do. */
    if (sev == DIAG_WARNING && ctx->werror)
        strbuf_printf(&out, "error: %s [-Werror]\n", strbuf_str(&msg));
    else
        strbuf_printf(&out, "%s: %s\n", severity_word(sev), strbuf_str(&msg));
    render_source_line(&out, at);

    diagnostic *d = calloc(1, sizeof *d);
    if (d == NULL || msg.failed || out.failed) {
        free(d);
        strbuf_free(&msg);
        strbuf_free(&out);
        ctx->nomem = true;
        return;
    }
    d->severity = sev;
    d->at = at;
    d->message = strbuf_take(&msg);
    d->rendered = strbuf_take(&out);
    if (ctx->last)
        ctx->last->next = d;
    else
        ctx->first = d;
    ctx->last = d;
}

bool diag_failed(const diag_ctx *ctx)
{
    return ctx->errors > 0 || (ctx->werror && ctx->warnings > 0) || ctx->nomem;
}

const char *source_shown(const source *s)
{
    return s->shown != NULL ? s->shown : s->name;
}

source *diag_add_source(diag_ctx *ctx, char *name, char *text, size_t len)
{
    source *s = calloc(1, sizeof *s);
    if (s == NULL) {
        free(name);
        free(text);
        ctx->nomem = true;
        return NULL;
    }
    s->name = name;
    s->text = text;
    s->len = len;
    s->next = ctx->sources;
    ctx->sources = s;
    return s;
}

void diag_free(diag_ctx *ctx)
{
    diagnostic *d = ctx->first;
    while (d) {
        diagnostic *next = d->next;
        free(d->message);
        free(d->rendered);
        free(d);
        d = next;
    }
    source *s = ctx->sources;
    while (s) {
        source *next = s->next;
        free(s->name);
        free(s->shown);
        free(s->text);
        free(s);
        s = next;
    }
    memset(ctx, 0, sizeof *ctx);
}

/* Damerau-free Levenshtein distance, case-insensitive, capped: words longer
 * than 64 bytes are never suggested (and never compared). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            char ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z') ca = (char)(ca - 'A' + 'a');
            if (cb >= 'A' && cb <= 'Z') cb = (char)(cb - 'A' + 'a');
            size_t cost = diag + (ca != cb);
            size_t best = row[j - 1] + 1 < up + 1 ? row[j - 1] + 1 : up + 1;
            row[j] = cost < best ? cost : best;
            diag = up;
        }
    }
    return row[lb];
}

void diag_suggest_init(diag_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->best_dist = (size_t)-1;
}

void diag_suggest_offer(diag_suggest *s, const char *candidate)
{
    if (candidate == NULL || strcmp(candidate, s->word) == 0)
        return;
    size_t d = edit_distance(s->word, candidate);
    if (d < s->best_dist) {
        s->best_dist = d;
        s->best = candidate;
    }
}

const char *diag_suggest_result(const diag_suggest *s)
{
    /* A plausible typo: at most a third of the word's letters changed, and
     * at least one letter kept. */
    size_t len = strlen(s->word);
    size_t limit = len < 3 ? 1 : (len + 2) / 3;
    if (s->best == NULL || s->best_dist > limit || s->best_dist >= len)
        return NULL;
    return s->best;
}

const char *diag_closest(const char *word, const char *const *candidates, size_t n)
{
    diag_suggest s;
    diag_suggest_init(&s, word);
    for (size_t i = 0; i < n; i++)
        diag_suggest_offer(&s, candidates[i]);
    return diag_suggest_result(&s);
}
