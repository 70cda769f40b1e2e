/* json.c - see json.h.  A recursive-descent reader of RFC 8259's grammar
 * that keeps nothing: it only says whether the text is one JSON value.
 * Strings are taken as the scanner gave them (valid UTF-8); control
 * characters in them must be escaped, as the RFC says. */
#include "json.h"

#include <string.h>

typedef struct reader {
    const char *p, *end;
    int depth;
} reader;

static void blanks(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool word(reader *r, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
        return false;
    r->p += n;
    return true;
}

static bool digits(reader *r)
{
    if (r->p >= r->end || !is_digit(*r->p))
        return false;
    while (r->p < r->end && is_digit(*r->p))
        r->p++;
    return true;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static bool number(reader *r)
{
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0')
        r->p++;
    else if (!digits(r))
        return false;
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        if (!digits(r))
            return false;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (!digits(r))
            return false;
    }
    return true;
}

static bool string(reader *r)
{
    r->p++;                                   /* the opening quote */
    while (r->p < r->end) {
        unsigned char c = (unsigned char)*r->p++;
        if (c == '"')
            return true;
        if (c < 0x20)
            return false;
        if (c != '\\')
            continue;
        if (r->p >= r->end)
            return false;
        c = (unsigned char)*r->p++;
        if (c == 'u') {
            for (int i = 0; i < 4; i++)
                if (r->p >= r->end || !is_hex(*r->p++))
                    return false;
        } else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
            return false;
        }
    }
    return false;
}

static bool value(reader *r);

/* '[' or '{' has been seen: the members up to the closing one. */
static bool container(reader *r, char close, bool object)
{
    if (++r->depth > JSON_MAX_DEPTH)
        return false;
    r->p++;
    blanks(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        r->depth--;
        return true;
    }
    for (;;) {
        if (object) {
            blanks(r);
            if (r->p >= r->end || *r->p != '"' || !string(r))
                return false;
            blanks(r);
            if (r->p >= r->end || *r->p++ != ':')
                return false;
        }
        if (!value(r))
            return false;
        blanks(r);
        if (r->p >= r->end)
            return false;
        char c = *r->p++;
        if (c == close) {
            r->depth--;
            return true;
        }
        if (c != ',')
            return false;
    }
}

static bool value(reader *r)
{
    blanks(r);
    if (r->p >= r->end)
        return false;
    switch (*r->p) {
    case '{':
        return container(r, '}', true);
    case '[':
        return container(r, ']', false);
    case '"':
        return string(r);
    case 't':
        return word(r, "true");
    case 'f':
        return word(r, "false");
    case 'n':
        return word(r, "null");
    default:
        return number(r);
    }
}

bool json_valid_text(const char *s, size_t len)
{
    reader r = { s, s + len, 0 };
    if (!value(&r))
        return false;
    blanks(&r);
    return r.p == r.end;
}
