/* parse_state.h - what the scanner and the parser share while reading one
 * .def file.  It travels as the scanner's "extra" data, so there is no global
 * state: two files can be parsed at once, in one thread or several.
 *
 * Ownership: nothing here is owned.  The arena, the diagnostics and the
 * source belong to the caller of ast_parse(); every string a token carries
 * is allocated in the arena.
 */
#ifndef ASSOCGEN_PARSE_STATE_H
#define ASSOCGEN_PARSE_STATE_H

#include <setjmp.h>
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

enum {
    PARSE_MAX_IDENT = 128,     /* longest identifier: names become C and SQL names */
    PARSE_MAX_NESTING = 32,    /* deepest ( ) nesting: backref(...) needs 2 */
    PARSE_TOKEN_ECHO = 40      /* bytes of the offending token quoted in a message */
};

typedef struct parse_state {
    arena *a;
    diag_ctx *d;
    const source *src;
    ast_file *file;            /* the result, filled by the parser */

    /* Scanner position: the next byte's line and column (from 1). */
    int line, col;
    int depth;                 /* ( ) nesting; newlines inside do not end a declaration */
    bool eof_newline_sent;     /* a last NEWLINE is made up at EOF so files need no final newline */
    bool stop;                 /* a fatal input problem: the scanner reports end of input */
    int brace_line, brace_col; /* the last '{' seen, for "never closed" hints */
    int body_line;             /* the '{' that opened the body being read */
    int query_line;            /* the '{' that opened the query being read */
    bool query_newline;        /* a made-up query '}' is followed by a made-up NEWLINE */
    bool made_close;           /* the last token is a '}' the scanner made up */
    int paren_line;            /* where the outermost open '(' stands */
    int unclosed_paren_line;   /* a '{' or '}' just cut off the '(' opened there, or 0 */
    int braces;                /* { } nesting: 1 is a body, 2 a query's inside one; more is recovered from */
    /* Declared queries (SPEC 6): 0 outside one; 1 after "query NAME", its
     * '{' next; 2 inside its body, where the words and operators of the
     * query language are tokens of their own. */
    int query;
    bool query_damaged;        /* a syntax error dropped a line of the query being read */
    int error_line;            /* the line of the last error reported (lexical or syntax) */
    int token_line;            /* the line of the last token (not blank or comment) */
    bool first_on_line;        /* the token being scanned is the first of its line */
    /* Members of the body being read that errors dropped (ast_decl.lost):
     * their names, and whether one was dropped before its name was read. */
    ast_name *body_lost;
    bool body_lost_unnamed;
    /* The first word of the member being read (the first token of a body
     * line outside parentheses), for body_lost; member_named is false when
     * that token was no name. */
    char member_name[PARSE_MAX_IDENT + 1];
    bool member_named;
    int member_line;           /* the line member_name stands on */
    /* The same, taken when an error is reported: the member it drops. */
    char error_member[PARSE_MAX_IDENT + 1];
    bool error_member_named;

    /* The text of the last token, quoted in syntax errors. */
    char last_text[PARSE_TOKEN_ECHO + 4];

    bool nomem;                /* an allocation failed: the parse result is discarded */
    jmp_buf fatal;             /* flex's fatal errors (out of memory) land here */
} parse_state;

/* An error is being reported: remember the member it is in, which error
 * recovery will drop (see parser.y, lost_member). */
static inline void parse_note_error(parse_state *ps)
{
    /* An error on a later line than the member's first: the lines between
     * may have held members of their own, swallowed by an open '(', whose
     * names are not known. */
    ps->error_member_named = ps->member_named && ps->token_line == ps->member_line;
    if (ps->error_member_named)
        memcpy(ps->error_member, ps->member_name, sizeof ps->error_member);
}

/* The location of a token as a diagnostic location. */
static inline loc parse_loc(const parse_state *ps, int line, int col)
{
    loc l = { ps->src, line, col };
    return l;
}

#endif
