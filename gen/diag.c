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

/* Append the source line of `at` and a caret under its column.  Tabs in the
 * prefix are kept so the caret lines up in a terminal; bytes that are not
 * printable are shown as '?' so a diagnostic never carries raw control or
 * NUL bytes. */
static void render_source_line(strbuf *sb, loc at)
{
    const source *src = at.src;
    if (src == NULL || at.line < 1)
        return;
    const char *p = src->text, *end = src->text + src->len;
    for (int line = 1; line < at.line && p < end; p++)
        if (*p == '\n')
            line++;
    if (p > end)
        return;
    const char *eol = p;
    while (eol < end && *eol != '\n' && *eol != '\r')
        eol++;
    size_t n = (size_t)(eol - p);
    if (n > 200)
        n = 200;           /* a huge line is cut, not dumped */
    strbuf_puts(sb, "    ");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        strbuf_putc(sb, (c == '\t' || (c >= 0x20 && c != 0x7f)) ? (char)c : '?');
    }
    strbuf_puts(sb, "\n    ");
    for (int i = 1; i < at.col && (size_t)(i - 1) < n; i++)
        strbuf_putc(sb, p[i - 1] == '\t' ? '\t' : ' ');
    strbuf_puts(sb, "^\n");
}

void diag_report(diag_ctx *ctx, diag_severity sev, loc at, const char *fmt, ...)
{
    bool counts_as_error = sev == DIAG_ERROR || (sev == DIAG_WARNING && ctx->werror);
    if (sev == DIAG_ERROR)
        ctx->errors++;
    else if (sev == DIAG_WARNING)
        ctx->warnings++;
    if (counts_as_error && ctx->errors + (ctx->werror ? ctx->warnings : 0) > DIAG_MAX_ERRORS) {
        if (ctx->overflowed)
            return;
        ctx->overflowed = true;
        sev = DIAG_NOTE;
        at.src = NULL;
        fmt = "too many errors; stopping here";
    }

    strbuf msg = STRBUF_INIT, out = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&msg, fmt, ap);
    va_end(ap);

    if (at.src != NULL)
        strbuf_printf(&out, "%s:%d:%d: ", at.src->name, at.line, at.col);
    else
        strbuf_puts(&out, "assocgen: ");
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
