/* check.c - the checker: see check.h.
 *
 * Passes, each over everything the one before produced:
 *   1. declare   models and tables, with their table names
 *   2. columns   types and modifiers; primary keys; the column limit
 *   3. keys      foreign keys and table constraints
 *   4. relations options, target, kind and join columns of each declared
 *                relationship
 *   5. reverses  backrefs created, back_populates pairs linked
 *   6. names     generated C names checked for clashes
 *   7. order     tables sorted so referenced tables come first
 * A pass skips what an earlier pass could not resolve, so one mistake is
 * reported once, not again by every later pass.
 *
 * Partial input.  The checker also runs after syntax errors, on what the
 * parser could read, so that one run reports the semantic mistakes too.
 * What the parser dropped is marked (ast_decl.damaged, ast_file.damaged),
 * and so is what an earlier pass rejected (chk_table.bad_columns, the
 * `lost` names).  An error that a dropped or rejected part could explain is
 * not reported: "unknown model" while a declaration was lost, "no primary
 * key" in a body that lost a member, "no foreign key" when a column of
 * either table failed.  Each reported error is then one a fix of the
 * reported syntax errors would not make go away.
 */
#include "check.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "calendar.h"
#include "symtab.h"

/* What the checker knows about a table beyond the schema: where things were
 * written, for diagnostics. */
typedef struct chk_rel chk_rel;
typedef struct chk_table {
    sch_table *t;
    const ast_decl *decl;
    const ast_member **col_at;    /* per column: its member */
    symtab members;               /* column and relationship names -> loc* */
    chk_rel **rels;               /* relationships declared here */
    size_t nrels;
    size_t nbackrefs_in;          /* backrefs other models add here */
    bool damaged;                 /* the parser dropped a member of it */
    bool bad_columns;             /* damaged, or a column or its foreign key failed */
    symtab lower;                 /* lower-cased column names -> ast_member (SQL ignores case) */
} chk_table;

struct chk_rel {
    sch_rel *r;
    chk_table *owner;
    const ast_member *mem;
    loc at;                       /* where the relationship's name stands */
    const ast_expr *target_expr;
    const ast_expr *secondary, *backref, *back_populates, *cascade,
        *order_by, *foreign_keys, *uselist, *viewonly;
    bool ok;                      /* resolved in pass 4 */
};

typedef struct checker {
    diag_ctx *d;
    sch_schema *s;
    arena *a;
    symtab models;                /* model name -> chk_table */
    symtab tables;                /* table name -> chk_table */
    chk_table **all;              /* every model and table, in declaration order */
    size_t nall;
    symtab lower_tables;          /* lower-cased table names -> chk_table */
    symtab lost;                  /* model and table names whose declaration failed */
    symtab clashes;               /* "what\nother" pairs of C name clashes reported */
    bool incomplete;              /* the parser dropped a declaration, or an import failed */
    bool nomem;
} checker;

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static void *alloc(checker *c, size_t n)
{
    void *p = arena_alloc(c->a, n);
    if (p == NULL)
        c->nomem = true;
    return p;
}

static const char *dupstr(checker *c, const char *s)
{
    char *p = arena_strdup(c->a, s);
    if (p == NULL)
        c->nomem = true;
    return p;
}

static void put(checker *c, symtab *t, const char *key, void *value)
{
    bool nomem = false;
    symtab_put(t, key, value, &nomem);
    if (nomem)
        c->nomem = true;
}

/* " (did you mean 'x'?)" or "", in arena memory. */
static const char *mean(checker *c, const char *best)
{
    if (best == NULL)
        return "";
    const char *s = arena_printf(c->a, "; did you mean '%s'?", best);
    return s ? s : "";
}

static const char *mean_in(checker *c, const char *word, const symtab *t)
{
    diag_suggest sg;
    diag_suggest_init(&sg, word);
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key)
            diag_suggest_offer(&sg, t->slots[i].key);
    return mean(c, diag_suggest_result(&sg));
}

static const char *mean_list(checker *c, const char *word, const char *const *words, size_t n)
{
    return mean(c, diag_closest(word, words, n));
}

/* "file:line" of a location, for "first declared at" notes. */
static const char *where(checker *c, loc at)
{
    const char *s = arena_printf(c->a, "%s:%d", at.src ? source_shown(at.src) : "?", at.line);
    return s ? s : "?";
}

/* The name an expression gives: an identifier or a string. */
static const char *expr_name(const ast_expr *e)
{
    if (e && (e->kind == AST_IDENT || e->kind == AST_STRING))
        return e->text;
    return NULL;
}

/* "users" -> snake_case of a model name: OrderLine -> order_line,
 * HTTPRequest -> http_request. */
static const char *snake_case(checker *c, const char *name)
{
    size_t n = strlen(name);
    char *out = arena_alloc(c->a, 2 * n + 1);
    if (out == NULL) {
        c->nomem = true;
        return name;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool upper = ch >= 'A' && ch <= 'Z';
        if (upper) {
            bool prev_lower = i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z') ||
                                        (name[i - 1] >= '0' && name[i - 1] <= '9'));
            bool next_lower = i + 1 < n && name[i + 1] >= 'a' && name[i + 1] <= 'z';
            bool prev_upper = i > 0 && name[i - 1] >= 'A' && name[i - 1] <= 'Z';
            if (j > 0 && out[j - 1] != '_' && (prev_lower || (prev_upper && next_lower)))
                out[j++] = '_';
            out[j++] = (char)(ch - 'A' + 'a');
        } else {
            out[j++] = ch;
        }
    }
    out[j] = '\0';
    return out;
}

/* [A-Za-z_][A-Za-z0-9_]*: what a name written as a string must also be,
 * so that every identifier that reaches SQL or C is plain. */
static bool is_identifier(const char *s)
{
    if (s == NULL || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool is_word(const ast_expr *e, const char *w)
{
    return e && e->kind == AST_IDENT && strcmp(e->text, w) == 0;
}

/* Length of a UTF-8 string in characters (the scanner has validated it). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* ------------------------------------------------------------------ */
/* Datetime literals in defaults: "YYYY-MM-DD[ HH:MM:SS[.ffffff]]", read by
 * the calendar the runtime uses (runtime/calendar.c), so that a default the
 * runtime could not write (year 0000, 29 February of 2023) is refused here. */

static bool parse_datetime(const char *s, int64_t *out)
{
    return cal_parse(s, strlen(s), true, out);
}

/* ------------------------------------------------------------------ */
/* Pass 1: declare models and tables                                   */

static bool is_c_keyword(const char *s);

/* Macros and types of the headers generated code includes: no generated
 * name may be one. */
static bool is_c_library_name(const char *s)
{
    static const char *const taken[] = {
        "NULL", "EOF", "FILE", "errno", "assert", "offsetof", "size_t", "ptrdiff_t",
        "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
        "uint64_t", "intptr_t", "uintptr_t", "max_align_t", "wchar_t",
        "sqlite3", "sqlite3_stmt", "sqlite3_int64", "linux", "unix", "i386",
    };
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
        if (strcmp(taken[i], s) == 0)
            return true;
    return false;
}

/* Names a model cannot take: its name becomes a C type (User, UserList), so
 * not a keyword or a type or macro the generated code uses. */
static bool is_taken_type_name(const char *s)
{
    return is_c_keyword(s) || is_c_library_name(s) || strncmp(s, "assoc_", 6) == 0 ||
           strncmp(s, "ASSOC_", 6) == 0;
}

/* A lower-case copy in arena memory (SQL names ignore ASCII case). */
static const char *lower(checker *c, const char *s)
{
    char *p = arena_strdup(c->a, s);
    if (p == NULL) {
        c->nomem = true;
        return s;
    }
    for (char *q = p; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return p;
}

/* A declaration that failed: its names resolve to nothing, silently. */
static void lose(checker *c, const ast_decl *decl, const char *table)
{
    put(c, &c->lost, decl->name, (void *)decl);
    if (table)
        put(c, &c->lost, table, (void *)decl);
}

static chk_table *declare(checker *c, const ast_decl *decl)
{
    chk_table *ct = alloc(c, sizeof *ct);
    sch_table *t = alloc(c, sizeof *t);
    if (ct == NULL || t == NULL)
        return NULL;
    ct->t = t;
    ct->decl = decl;
    ct->damaged = ct->bad_columns = ast_decl_damaged(decl);
    loc table_at = decl->kind == AST_MODEL && decl->table ? decl->table->at : decl->name_at;

    sch_model *m = NULL;
    if (decl->kind == AST_MODEL) {
        chk_table *prev = symtab_get(&c->models, decl->name);
        if (prev) {
            diag_error(c->d, decl->name_at, "duplicate model '%s'; first declared at %s",
                       decl->name, where(c, prev->decl->name_at));
            return NULL;
        }
        bool keyword = is_taken_type_name(decl->name);
        if (keyword || sch_c_local(decl->name)) {
            diag_error(c->d, decl->name_at, "model name '%s' cannot be used: it names the C struct, and %s'%s'%s; rename the model%s%s%s",
                       decl->name, keyword ? "" : "the generated functions have a variable called ", decl->name,
                       keyword ? " is a C keyword or a standard or libassoc name" : "", decl->table ? "" : " (write 'table ",
                       decl->table ? "" : decl->name, decl->table ? "" : "' after the new name to keep the table's name)");
            lose(c, decl, NULL);
            return NULL;
        }
        m = alloc(c, sizeof *m);
        if (m == NULL)
            return NULL;
        m->name = decl->name;
        m->at = decl->name_at;
        m->snake = snake_case(c, decl->name);
        if (strcmp(m->snake, "assoc") == 0 || strncmp(m->snake, "assoc_", 6) == 0) {
            diag_error(c->d, decl->name_at, "model '%s' would generate functions named %s_..., and names starting with assoc_ belong to libassoc (assoc_free, assoc_open...); rename the model",
                       decl->name, m->snake);
            lose(c, decl, NULL);
            return NULL;
        }
        m->table = t;
        t->model = m;
        t->name = decl->table ? expr_name(decl->table) : m->snake;
    } else {
        t->name = decl->name;
    }
    if (!is_identifier(t->name)) {
        diag_error(c->d, table_at,
                   "table name \"%s\" is not an identifier: use letters, digits and '_', not starting with a digit",
                   t->name ? t->name : "");
        lose(c, decl, t->name);
        return NULL;
    }
    if (strncasecmp(t->name, "sqlite_", 7) == 0) {
        diag_error(c->d, table_at,
                   "table name '%s' is reserved: SQLite keeps names starting with sqlite_ for itself", t->name);
        lose(c, decl, t->name);
        return NULL;
    }
    const char *low = lower(c, t->name);
    chk_table *prev = symtab_get(&c->lower_tables, low);
    if (prev) {
        bool exact = strcmp(prev->t->name, t->name) == 0;
        diag_error(c->d, table_at, "duplicate table '%s'%s%s%s; first declared at %s%s%s",
                   t->name, exact ? "" : " (SQL ignores case: it is the same as '",
                   exact ? "" : prev->t->name, exact ? "" : "')",
                   where(c, prev->decl->name_at),
                   prev->t->model ? " by model " : "",
                   prev->t->model ? prev->t->model->name : "");
        /* The name still means the first table; a model of this one is lost. */
        if (m)
            lose(c, decl, NULL);
        return NULL;
    }
    t->at = decl->kind == AST_MODEL ? decl->name_at : table_at;
    put(c, &c->lower_tables, low, ct);
    put(c, &c->tables, t->name, ct);
    if (m)
        put(c, &c->models, decl->name, ct);
    return ct;
}

static bool check_renamed_from(checker *c, const ast_call *mod, const char *what, const char *self,
                               const char **out, loc *at);

/* Pass 1b: what ends a header, renamed_from(OLD), once every table's
 * name is known: OLD must be a name no table of the schema has now, and
 * one table's only. */
static void pass_header(checker *c, chk_table *ct)
{
    static const char *const header_words[] = { "renamed_from" };
    const ast_decl *decl = ct->decl;
    const char *kind = decl->kind == AST_MODEL ? "model" : "table";
    const ast_call *seen = NULL;
    for (const ast_call *mod = decl->mods; mod; mod = mod->next) {
        if (strcmp(mod->name, "renamed_from") != 0) {
            diag_error(c->d, mod->at, "unknown word '%s' in the header of %s %s%s (a header is: %s)", mod->name,
                       kind, decl->name, mean_list(c, mod->name, header_words, 1),
                       decl->kind == AST_MODEL ? "model Name [table name] [renamed_from(old_table)]"
                                               : "table name [renamed_from(old_name)]");
            continue;
        }
        if (seen) {
            diag_error(c->d, mod->at, "renamed_from given twice for %s %s", kind, decl->name);
            continue;
        }
        seen = mod;
    }
    sch_table *t = ct->t;
    if (seen == NULL || !check_renamed_from(c, seen, "table", t->name, &t->renamed_from, &t->renamed_at))
        return;
    chk_table *other = symtab_get(&c->lower_tables, lower(c, t->renamed_from));
    if (other) {
        diag_error(c->d, t->renamed_at,
                   "%s %s renamed_from(%s): table '%s' is declared in this schema too (at %s); a table is renamed "
                   "from a name no table has now",
                   kind, decl->name, t->renamed_from, other->t->name, where(c, other->decl->name_at));
        t->renamed_from = NULL;
        return;
    }
    for (size_t i = 0; i < c->nall && c->all[i] != ct; i++) {
        const sch_table *u = c->all[i]->t;
        if (u->renamed_from && strcasecmp(u->renamed_from, t->renamed_from) == 0) {
            diag_error(c->d, t->renamed_at,
                       "tables '%s' and '%s' are both renamed_from(%s); one table can take its place", u->name,
                       t->name, t->renamed_from);
            t->renamed_from = NULL;
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Pass 2: columns                                                      */

static const char *const type_names[] = {
    "integer", "float", "boolean", "text", "string", "datetime", "blob"
};
static const sch_type type_values[] = {
    SCH_INTEGER, SCH_FLOAT, SCH_BOOLEAN, SCH_TEXT, SCH_STRING, SCH_DATETIME, SCH_BLOB
};
static const char *const modifier_names[] = {
    "primary_key", "not_null", "unique", "index", "default", "server_default", "foreign_key",
    "renamed_from"
};
enum { MOD_PK, MOD_NOT_NULL, MOD_UNIQUE, MOD_INDEX, MOD_DEFAULT, MOD_SERVER_DEFAULT, MOD_FK,
       MOD_RENAMED_FROM, MOD_COUNT };

static const char *a_or_an(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

/* Interpret a default's value for a column; false after reporting. */
static bool check_default(checker *c, sch_column *col, const ast_call *mod, bool server, sch_default *out)
{
    const ast_arg *arg = mod->args;
    if (!mod->has_parens || arg == NULL || arg->next != NULL || arg->key != NULL) {
        diag_error(c->d, mod->at, "%s takes one value, e.g. %s(0)", mod->name, mod->name);
        return false;
    }
    const ast_expr *v = arg->value;
    out->literal = v->text;
    const char *tname = sch_type_name(col->type);

    if (v->kind == AST_IDENT &&
        (strcmp(v->text, "now") == 0 || strcmp(v->text, "current_timestamp") == 0)) {
        if (col->type != SCH_DATETIME) {
            diag_error(c->d, v->at, "%s(%s) needs a datetime column; '%s' is %s %s column",
                       mod->name, v->text, col->name, a_or_an(tname), tname);
            return false;
        }
        out->kind = server ? SCH_DEFAULT_CURRENT_TIMESTAMP : SCH_DEFAULT_NOW;
        return true;
    }

    switch (col->type) {
    case SCH_INTEGER:
        if (v->kind == AST_INT) {
            errno = 0;
            char *end;
            long long n = strtoll(v->text, &end, 10);
            if (errno == ERANGE || *end != '\0') {
                diag_error(c->d, v->at, "integer %s does not fit a 64-bit integer column", v->text);
                return false;
            }
            out->kind = SCH_DEFAULT_INT;
            out->i = n;
            return true;
        }
        break;
    case SCH_FLOAT:
        if (v->kind == AST_INT || v->kind == AST_DECIMAL) {
            char *end;
            double x = strtod(v->text, &end);
            if (*end != '\0' || !isfinite(x)) {
                diag_error(c->d, v->at, "number %s does not fit a float column", v->text);
                return false;
            }
            out->kind = SCH_DEFAULT_FLOAT;
            out->d = x;
            return true;
        }
        break;
    case SCH_BOOLEAN:
        if (is_word(v, "true") || is_word(v, "false")) {
            out->kind = SCH_DEFAULT_INT;
            out->i = v->text[0] == 't';
            return true;
        }
        if (v->kind == AST_INT && (strcmp(v->text, "0") == 0 || strcmp(v->text, "1") == 0)) {
            out->kind = SCH_DEFAULT_INT;
            out->i = v->text[0] == '1';
            return true;
        }
        break;
    case SCH_STRING:
    case SCH_TEXT:
    case SCH_BLOB:
        if (v->kind == AST_STRING) {
            if (v->has_nul) {
                diag_error(c->d, v->at, "a default may not contain a NUL byte");
                return false;
            }
            size_t chars = utf8_chars(v->text);
            if (col->type == SCH_STRING && col->length > 0 && chars > (size_t)col->length) {
                diag_error(c->d, v->at, "default \"%s\" is %zu characters; '%s' holds at most %d",
                           v->text, chars, col->name, col->length);
                return false;
            }
            out->kind = SCH_DEFAULT_STRING;
            out->s = v->text;
            out->len = strlen(v->text);
            return true;
        }
        break;
    case SCH_DATETIME:
        if (v->kind == AST_STRING) {
            int64_t us;
            if (!parse_datetime(v->text, &us)) {
                diag_error(c->d, v->at, "\"%s\" is not a datetime of years 0001-9999; write \"YYYY-MM-DD HH:MM:SS\", now or current_timestamp",
                           v->text);
                return false;
            }
            out->kind = SCH_DEFAULT_INT;
            out->i = us;
            return true;
        }
        break;
    }
    static const char *const hint[] = {
        [SCH_INTEGER] = "write a whole number, e.g. default(0)",
        [SCH_FLOAT] = "write a number, e.g. default(0.5)",
        [SCH_BOOLEAN] = "write true or false",
        [SCH_TEXT] = "write a string in quotes, e.g. default(\"none\")",
        [SCH_STRING] = "write a string in quotes, e.g. default(\"none\")",
        [SCH_DATETIME] = "write \"YYYY-MM-DD HH:MM:SS\", now or current_timestamp",
        [SCH_BLOB] = "write a string in quotes",
    };
    diag_error(c->d, v->at, "%s value %s%s%s does not fit '%s', %s %s column: %s",
               mod->name, v->kind == AST_STRING ? "\"" : "", v->text ? v->text : "",
               v->kind == AST_STRING ? "\"" : "", col->name, a_or_an(tname), tname, hint[col->type]);
    return false;
}

/* foreign_key(table.column [, ondelete = action]): record the names; pass 3
 * resolves them. */
typedef struct fk_ref {
    const char *table, *column;
    loc at;
} fk_ref;

static bool parse_action(const char *s, sch_fk_action *out)
{
    char buf[16];
    size_t n = 0;
    for (; *s && n < sizeof buf - 1; s++) {
        char ch = *s;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        buf[n++] = ch == ' ' ? '_' : ch;
    }
    if (*s)
        return false;
    buf[n] = '\0';
    static const struct { const char *w; sch_fk_action a; } actions[] = {
        { "cascade", SCH_FK_CASCADE }, { "set_null", SCH_FK_SET_NULL },
        { "restrict", SCH_FK_RESTRICT }, { "no_action", SCH_FK_NO_ACTION },
        { "set_default", SCH_FK_SET_DEFAULT },
    };
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(buf, actions[i].w) == 0) {
            *out = actions[i].a;
            return true;
        }
    return false;
}

static bool check_fk(checker *c, sch_column *col, const ast_call *mod, fk_ref *ref)
{
    const ast_arg *arg = mod->args;
    if (!mod->has_parens || arg == NULL || arg->key != NULL) {
        diag_error(c->d, mod->at, "foreign_key needs the referenced column, e.g. foreign_key(users.id)");
        return false;
    }
    const ast_expr *v = arg->value;
    ref->at = v->at;
    if (v->kind == AST_DOTTED) {
        ref->table = v->text;
        ref->column = v->text2;
    } else if (v->kind == AST_STRING && strchr(v->text, '.') && strchr(v->text, '.') == strrchr(v->text, '.')) {
        const char *dot = strchr(v->text, '.');
        ref->table = arena_strndup(c->a, v->text, (size_t)(dot - v->text));
        ref->column = dot + 1;
        if (ref->table == NULL)
            c->nomem = true;
    } else {
        diag_error(c->d, v->at, "foreign_key needs table.column, e.g. foreign_key(users.id)");
        return false;
    }
    if (ref->table == NULL || !ref->table[0] || !ref->column[0]) {
        diag_error(c->d, v->at, "foreign_key needs table.column, e.g. foreign_key(users.id)");
        return false;
    }
    for (arg = arg->next; arg; arg = arg->next) {
        const char *name = expr_name(arg->value);
        if (arg->key == NULL || strcmp(arg->key, "ondelete") != 0) {
            diag_error(c->d, arg->key ? arg->key_at : arg->value->at,
                       "foreign_key takes one option, ondelete = cascade | set_null | restrict | no_action | set_default");
            return false;
        }
        if (col->ondelete != SCH_FK_NONE) {
            diag_error(c->d, arg->key_at, "ondelete given twice");
            return false;
        }
        if (name == NULL || !parse_action(name, &col->ondelete)) {
            static const char *const acts[] = { "cascade", "set_null", "restrict", "no_action", "set_default" };
            diag_error(c->d, arg->value->at, "unknown ondelete action '%s'%s (actions: cascade, set_null, restrict, no_action, set_default)",
                       name ? name : arg->value->text ? arg->value->text : "?", name ? mean_list(c, name, acts, 5) : "");
            return false;
        }
    }
    return true;
}

/* renamed_from(OLD) on a column or a model's or table's header: the one
 * name it had in the file's previous version (read by --migrate-from).
 * `self` is the name it has now.  OUT: *out, *at; false after reporting. */
static bool check_renamed_from(checker *c, const ast_call *mod, const char *what, const char *self,
                               const char **out, loc *at)
{
    const ast_arg *arg = mod->args;
    const char *name = arg ? expr_name(arg->value) : NULL;
    if (!mod->has_parens || arg == NULL || arg->next != NULL || arg->key != NULL || name == NULL) {
        diag_error(c->d, mod->at, "renamed_from takes the %s's previous name, e.g. renamed_from(%s)", what,
                   strcmp(what, "column") == 0 ? "mail" : "accounts");
        return false;
    }
    if (arg->value->has_nul || !is_identifier(name)) {
        diag_error(c->d, arg->value->at,
                   "renamed_from(\"%s\"): a %s's name is an identifier (letters, digits and '_', not starting with a digit)",
                   arg->value->has_nul ? "" : name, what);
        return false;
    }
    if (strcasecmp(name, self) == 0) {
        diag_error(c->d, arg->value->at,
                   "renamed_from(%s) names the %s itself; it gives the name the %s had before it was renamed",
                   name, what, what);
        return false;
    }
    *out = name;
    *at = arg->value->at;
    return true;
}

/* Build one column; returns it, or NULL after reporting. */
static sch_column *check_column(checker *c, chk_table *ct, const ast_member *mem, fk_ref *fk)
{
    sch_column *col = alloc(c, sizeof *col);
    if (col == NULL)
        return NULL;
    col->name = mem->name;
    col->at = mem->at;
    col->table = ct->t;
    bool ok = true;

    const ast_call *ty = mem->type;
    size_t ti = 0;
    while (ti < 7 && strcmp(type_names[ti], ty->name) != 0)
        ti++;
    if (ti == 7) {
        diag_error(c->d, ty->at, "unknown type '%s'%s (types: integer, float, boolean, text, string, datetime, blob)",
                   ty->name, mean_list(c, ty->name, type_names, 7));
        return NULL;
    }
    col->type = type_values[ti];
    if (col->type == SCH_STRING && ty->has_parens) {
        const ast_arg *a = ty->args;
        if (a == NULL || a->next || a->key || a->value->kind != AST_INT) {
            diag_error(c->d, ty->at, "string takes one length, e.g. string(255)");
            ok = false;
        } else {
            errno = 0;
            long long n = strtoll(a->value->text, NULL, 10);
            if (n <= 0 || n > 1000000000 || errno == ERANGE) {
                diag_error(c->d, a->value->at, "string(%s): the length must be from 1 to 1000000000",
                           a->value->text);
                ok = false;
            } else {
                col->length = (int)n;
            }
        }
    } else if (ty->has_parens) {
        diag_error(c->d, ty->at, "type '%s' takes no arguments", ty->name);
        ok = false;
    }

    const ast_call *seen[MOD_COUNT] = { 0 };
    for (const ast_call *mod = mem->mods; mod; mod = mod->next) {
        size_t mi = 0;
        while (mi < MOD_COUNT && strcmp(modifier_names[mi], mod->name) != 0)
            mi++;
        if (mi == MOD_COUNT) {
            if (strcmp(mod->name, "relationship") == 0)
                diag_error(c->d, mod->at, "a relationship is declared on a line of its own: NAME relationship(Model, ...)");
            else if (strcmp(mod->name, "nullable") == 0)
                diag_error(c->d, mod->at, "unknown modifier 'nullable'; columns are nullable unless marked not_null (or primary_key)");
            else if (strcmp(mod->name, "autoincrement") == 0)
                diag_error(c->d, mod->at, "unknown modifier 'autoincrement'; an integer primary_key alone is the row id, and inserting with it 0 assigns one");
            else
                diag_error(c->d, mod->at, "unknown modifier '%s'%s", mod->name,
                           mean_list(c, mod->name, modifier_names, MOD_COUNT));
            ok = false;
            continue;
        }
        if (seen[mi]) {
            diag_error(c->d, mod->at, "modifier '%s' given twice for column '%s'", mod->name, col->name);
            ok = false;
            continue;
        }
        seen[mi] = mod;
        switch (mi) {
        case MOD_PK: case MOD_NOT_NULL: case MOD_UNIQUE: case MOD_INDEX:
            if (mod->args) {
                diag_error(c->d, mod->at, "%s takes no arguments", mod->name);
                ok = false;
            }
            if (mi == MOD_PK) col->primary_key = true;
            if (mi == MOD_NOT_NULL) col->not_null = true;
            if (mi == MOD_UNIQUE) col->unique = true;
            if (mi == MOD_INDEX) col->index_flag = true;
            break;
        default:
            break;
        }
    }
    /* Values are checked after the flags so "string(3) default("abcd")"
     * reports the value, whatever order the modifiers came in. */
    if (seen[MOD_DEFAULT] && !check_default(c, col, seen[MOD_DEFAULT], false, &col->def))
        ok = false;
    if (seen[MOD_SERVER_DEFAULT] && !check_default(c, col, seen[MOD_SERVER_DEFAULT], true, &col->server_def))
        ok = false;
    if (seen[MOD_FK] && !check_fk(c, col, seen[MOD_FK], fk))
        ok = false;
    if (seen[MOD_RENAMED_FROM] &&
        !check_renamed_from(c, seen[MOD_RENAMED_FROM], "column", col->name, &col->renamed_from, &col->renamed_at))
        ok = false;
    col->nullable = !col->primary_key && !col->not_null;
    /* A number, boolean or datetime can be left unset (SQL NULL, or its
     * default on insert) only through a has_ flag: zero never stands for
     * NULL.  A not_null column with a default needs one too, else its
     * default could never apply through the C API. */
    col->has_flag = sch_type_has_flag(col->type) && !col->primary_key &&
                    (col->nullable || col->def.kind != SCH_DEFAULT_NONE ||
                     col->server_def.kind != SCH_DEFAULT_NONE);
    return ok ? col : NULL;
}

static bool is_relationship(const ast_member *m)
{
    return m->kind == AST_FIELD && strcmp(m->type->name, "relationship") == 0;
}

/* C and C++ keywords: a column so named (or named like is_c_library_name)
 * gets a trailing '_' in C. */
static const char *const c_keywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await",
    "co_return", "co_yield", "compl", "concept", "const", "const_cast", "consteval",
    "constexpr", "constinit", "continue", "decltype", "default", "delete", "do", "double",
    "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
    "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private",
    "protected", "public", "register", "reinterpret_cast", "requires", "restrict", "return",
    "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef",
    "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
    "wchar_t", "while", "xor", "xor_eq", "_Alignas", "_Alignof", "_Atomic", "_Bool",
    "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
};

static bool is_c_keyword(const char *s)
{
    for (size_t i = 0; i < sizeof c_keywords / sizeof c_keywords[0]; i++)
        if (strcmp(c_keywords[i], s) == 0)
            return true;
    return false;
}

static void pass_columns(checker *c, chk_table *ct, fk_ref **fks_out)
{
    const ast_decl *decl = ct->decl;
    size_t ncols = 0, nrels = 0, ncons = 0;
    for (const ast_member *m = decl->members; m; m = m->next) {
        if (m->kind == AST_CONSTRAINT)
            ncons++;
        else if (is_relationship(m))
            nrels++;
        else
            ncols++;
    }
    sch_table *t = ct->t;
    t->columns = alloc(c, (ncols + 1) * sizeof *t->columns);
    t->pk = alloc(c, (ncols + 1) * sizeof *t->pk);
    t->constraints = alloc(c, (ncons + 1) * sizeof *t->constraints);
    ct->col_at = alloc(c, (ncols + 1) * sizeof *ct->col_at);
    ct->rels = alloc(c, (nrels + 1) * sizeof *ct->rels);
    fk_ref *fks = alloc(c, (ncols + 1) * sizeof *fks);
    *fks_out = fks;
    if (c->nomem)
        return;

    if (ncols > CHECK_MAX_COLUMNS)
        diag_error(c->d, decl->name_at, "'%s' has %zu columns; SQLite allows at most %d in one table",
                   decl->name, ncols, CHECK_MAX_COLUMNS);
    /* SQL has no table without columns (a model without any already lacks
     * a primary key, reported below). */
    if (ncols == 0 && !t->model && !ct->damaged)
        diag_error(c->d, decl->name_at, "table '%s' has no columns; SQL needs at least one", decl->name);

    for (const ast_member *m = decl->members; m; m = m->next) {
        if (m->kind == AST_CONSTRAINT)
            continue;
        const ast_member *prev = symtab_get(&ct->members, m->name);
        if (prev) {
            diag_error(c->d, m->at, "duplicate member '%s' in %s; first declared at %s",
                       m->name, decl->name, where(c, prev->at));
            continue;
        }
        put(c, &ct->members, m->name, (void *)m);
        if (!is_relationship(m)) {
            const char *low = lower(c, m->name);
            const ast_member *same = symtab_get(&ct->lower, low);
            if (same) {
                diag_error(c->d, m->at, "duplicate column '%s' in %s: SQL ignores case, so it is the same as '%s', declared at %s",
                           m->name, decl->name, same->name, where(c, same->at));
                continue;
            }
            put(c, &ct->lower, low, (void *)m);
        }
        if (is_relationship(m)) {
            if (!t->model) {
                diag_error(c->d, m->at, "relationship '%s' in plain table '%s': only a model has relationships",
                           m->name, decl->name);
                continue;
            }
            chk_rel *cr = alloc(c, sizeof *cr);
            if (cr == NULL)
                return;
            cr->owner = ct;
            cr->mem = m;
            cr->at = m->at;
            ct->rels[ct->nrels++] = cr;
            continue;
        }
        fk_ref fk = { 0 };
        sch_column *col = check_column(c, ct, m, &fk);
        if (col == NULL) {
            ct->bad_columns = true;
            continue;
        }
        col->index = t->ncolumns;
        col->c_name = col->name;
        if (is_c_keyword(col->name) || is_c_library_name(col->name)) {
            col->c_name = arena_printf(c->a, "%s_", col->name);
            if (col->c_name == NULL) {
                c->nomem = true;
                return;
            }
        }
        fks[t->ncolumns] = fk;
        ct->col_at[t->ncolumns] = m;
        t->columns[t->ncolumns++] = col;
        if (col->primary_key)
            t->pk[t->npk++] = col;
    }
    /* renamed_from(OLD) must name a column the table no longer has, and
     * one column only. */
    for (size_t i = 0; i < t->ncolumns; i++) {
        sch_column *col = t->columns[i];
        if (col->renamed_from == NULL)
            continue;
        const ast_member *same = symtab_get(&ct->lower, lower(c, col->renamed_from));
        if (same) {
            diag_error(c->d, col->renamed_at,
                       "column '%s' renamed_from(%s): %s has a column '%s' (declared at %s); a column is renamed "
                       "from a name the table no longer has",
                       col->name, col->renamed_from, decl->name, same->name, where(c, same->at));
            col->renamed_from = NULL;
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (t->columns[k]->renamed_from && strcasecmp(t->columns[k]->renamed_from, col->renamed_from) == 0) {
                diag_error(c->d, col->renamed_at,
                           "columns '%s' and '%s' are both renamed_from(%s); one column can take its place",
                           t->columns[k]->name, col->name, col->renamed_from);
                col->renamed_from = NULL;
                break;
            }
    }
    if (t->npk == 1 && t->pk[0]->type == SCH_INTEGER)
        t->rowid = t->pk[0];
    if (t->rowid)
        t->rowid->is_rowid = true;
    /* A model whose key column failed to check (a typo in its type, say)
     * already has its error: "no primary key" would report one slip twice. */
    if (t->model && t->npk == 0) {
        bool key_col_failed = false;
        for (const ast_member *m = decl->members; m; m = m->next)
            if (m->kind == AST_FIELD && !is_relationship(m))
                for (const ast_call *mod = m->mods; mod; mod = mod->next)
                    if (strcmp(mod->name, "primary_key") == 0)
                        key_col_failed = true;
        if (!key_col_failed && !ct->damaged)
            diag_error(c->d, decl->name_at, "model '%s' has no primary key; mark a column primary_key, e.g. 'id integer primary_key'",
                       decl->name);
    }
}

/* ------------------------------------------------------------------ */
/* Pass 3: foreign keys and table constraints                          */

static sch_column *find_column(const sch_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i]->name, name) == 0)
            return t->columns[i];
    return NULL;
}

static chk_table *table_info(checker *c, const sch_table *t)
{
    return symtab_get(&c->tables, t->name);
}

/* "; did you mean 'x'?" for a column name missing from t, or the reason it
 * is missing: "; 'x' is a relationship, not a column". */
static const char *mean_column(checker *c, const sch_table *t, const char *name)
{
    chk_table *ct = table_info(c, t);
    const ast_member *m = ct ? symtab_get(&ct->members, name) : NULL;
    if (m && is_relationship(m)) {
        const char *s = arena_printf(c->a, "; %s.%s is a relationship, not a column", ct->decl->name, name);
        return s ? s : "";
    }
    diag_suggest sg;
    diag_suggest_init(&sg, name);
    for (size_t i = 0; i < t->ncolumns; i++)
        diag_suggest_offer(&sg, t->columns[i]->name);
    return mean(c, diag_suggest_result(&sg));
}

/* After a lookup of column `name` in t failed: true when an error already
 * reported explains it (the column failed its own check, or the parser
 * dropped a member of t), so that nothing more should be said. */
static bool column_miss_explained(checker *c, const sch_table *t, const char *name)
{
    chk_table *ct = table_info(c, t);
    if (ct == NULL)
        return true;
    const ast_member *m = symtab_get(&ct->members, name);
    if (m)
        return !is_relationship(m);
    if (!ct->damaged)
        return false;
    /* Only a dropped member of that name could be the column meant (or one
     * dropped before its name was read). */
    if (ct->decl->lost_unnamed)
        return true;
    for (const ast_name *n = ct->decl->lost; n; n = n->next)
        if (strcmp(n->name, name) == 0)
            return true;
    return false;
}

/* After a lookup of a model or table name failed: true when a dropped or
 * rejected declaration could be the one meant. */
static bool name_miss_explained(checker *c, const char *name)
{
    return c->incomplete || symtab_get(&c->lost, name) != NULL;
}

/* A join that found no foreign key is explained when a column of either
 * table failed (it may have been the key) or was dropped. */
static bool join_miss_explained(checker *c, const sch_table *a, const sch_table *b)
{
    chk_table *ca = table_info(c, a), *cb = table_info(c, b);
    return (ca && ca->bad_columns) || (cb && cb->bad_columns);
}

/* True when m is a column declared with a foreign_key(...) modifier,
 * whether or not the column or its foreign key survived the checks. */
static bool member_declares_fk(const ast_member *m)
{
    if (m == NULL || is_relationship(m))
        return false;
    for (const ast_call *k = m->mods; k; k = k->next)
        if (strcmp(k->name, "foreign_key") == 0)
            return true;
    return false;
}

static bool declares_fk(checker *c, const sch_table *t, const char *name)
{
    chk_table *ct = table_info(c, t);
    return ct && member_declares_fk(symtab_get(&ct->members, name));
}

/* foreign_keys = NAME matched no foreign key between the two tables: that
 * is explained only when NAME declares a foreign key that failed (or a
 * column that was rejected with it), or when NAME is no column and a
 * member dropped by a syntax error may have been it.  A column with no
 * foreign key, or a name that is nowhere, is a mistake of its own,
 * reported with its "did you mean". */
static bool fk_option_miss_explained(checker *c, const sch_table *a, const sch_table *b, const char *name)
{
    const sch_column *col = find_column(a, name);
    if (col == NULL)
        col = find_column(b, name);
    bool declared = declares_fk(c, a, name) || declares_fk(c, b, name);
    if (col != NULL)
        return declared && col->fk == NULL;
    return declared || column_miss_explained(c, a, name) || column_miss_explained(c, b, name);
}

/* A column that SQLite accepts as a foreign key's parent: the whole primary
 * key, or unique. */
static bool is_unique_key(const sch_column *col)
{
    return col->unique || (col->primary_key && col->table->npk == 1);
}

static bool same_affinity(sch_type a, sch_type b)
{
    bool ta = a == SCH_STRING || a == SCH_TEXT, tb = b == SCH_STRING || b == SCH_TEXT;
    return a == b || (ta && tb);
}

static void pass_keys(checker *c, chk_table *ct, const fk_ref *fks)
{
    sch_table *t = ct->t;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fk_ref *ref = &fks[i];
        if (ref->table == NULL)
            continue;
        sch_column *col = t->columns[i];
        chk_table *target = symtab_get(&c->tables, ref->table);
        if (target == NULL) {
            ct->bad_columns = true;
            chk_table *bymodel = symtab_get(&c->models, ref->table);
            if (bymodel)
                diag_error(c->d, ref->at, "foreign key to unknown table '%s'; model %s is stored in table '%s': write foreign_key(%s.%s)",
                           ref->table, ref->table, bymodel->t->name, bymodel->t->name, ref->column);
            else if (!name_miss_explained(c, ref->table))
                diag_error(c->d, ref->at, "foreign key to unknown table '%s'%s", ref->table,
                           mean_in(c, ref->table, &c->tables));
            continue;
        }
        sch_column *parent = find_column(target->t, ref->column);
        if (parent == NULL) {
            ct->bad_columns = true;
            if (!column_miss_explained(c, target->t, ref->column))
                diag_error(c->d, ref->at, "foreign key to unknown column '%s.%s'%s", ref->table, ref->column,
                           mean_column(c, target->t, ref->column));
            continue;
        }
        if (!is_unique_key(parent)) {
            ct->bad_columns = true;
            diag_error(c->d, ref->at, "foreign key to '%s.%s', which is neither the primary key nor unique; SQLite needs one of the two",
                       ref->table, ref->column);
            continue;
        }
        if (!same_affinity(col->type, parent->type))
            diag_warning(c->d, ref->at, "foreign key '%s' is %s but '%s.%s' is %s",
                         col->name, sch_type_name(col->type), ref->table, ref->column,
                         sch_type_name(parent->type));
        col->fk = parent;
    }

    for (const ast_member *m = ct->decl->members; m; m = m->next) {
        if (m->kind != AST_CONSTRAINT)
            continue;
        bool unique = strcmp(m->name, "unique") == 0;
        if (!unique && strcmp(m->name, "index") != 0) {
            static const char *const words[] = { "unique", "index" };
            diag_error(c->d, m->at, "'%s(...)' is not a table constraint; write unique(a, b) or index(a, b), or give the column a type%s",
                       m->name, mean_list(c, m->name, words, 2));
            continue;
        }
        size_t n = 0;
        for (const ast_arg *a = m->args; a; a = a->next)
            n++;
        sch_constraint *k = &t->constraints[t->nconstraints];
        k->unique = unique;
        k->ncolumns = 0;        /* a rejected constraint before may have used the slot */
        k->columns = alloc(c, (n + 1) * sizeof *k->columns);
        if (k->columns == NULL)
            return;
        bool ok = n > 0;
        if (n == 0)
            diag_error(c->d, m->at, "%s() needs at least one column", m->name);
        for (const ast_arg *a = m->args; a; a = a->next) {
            const char *name = expr_name(a->value);
            sch_column *col = name && !a->key ? find_column(t, name) : NULL;
            if (col == NULL) {
                if (name && !a->key) {
                    if (!column_miss_explained(c, t, name))
                        diag_error(c->d, a->value->at, "unknown column '%s' in %s(...)%s", name, m->name,
                                   mean_column(c, t, name));
                } else {
                    diag_error(c->d, a->value->at, "%s(...) takes column names", m->name);
                }
                ok = false;
                continue;
            }
            for (size_t j = 0; j < k->ncolumns; j++)
                if (k->columns[j] == col) {
                    diag_error(c->d, a->value->at, "column '%s' named twice in %s(...)", name, m->name);
                    ok = false;
                }
            k->columns[k->ncolumns++] = col;
        }
        /* unique(col) and index(col) say what the column's own modifier
         * says: fold them in, so the column gets its _get_by_ / _find_by_
         * look-up as SPEC gives every unique or index column. */
        if (ok && k->ncolumns == 1) {
            if (unique)
                k->columns[0]->unique = true;
            else
                k->columns[0]->index_flag = true;
            k->columns = NULL;      /* the slot serves the next constraint */
            k->ncolumns = 0;
        } else if (ok) {
            t->nconstraints++;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Pass 4: relationships                                               */

static const char *const option_names[] = {
    "secondary", "backref", "back_populates", "cascade", "order_by", "foreign_keys",
    "uselist", "viewonly"
};

/* Read the option list of a relationship (or of a backref(...), where
 * `in_backref` limits the options).  Returns false after reporting. */
static bool read_options(checker *c, chk_rel *cr, const ast_arg *args, bool in_backref)
{
    bool ok = true;
    for (const ast_arg *a = args; a; a = a->next) {
        if (a->key == NULL) {
            diag_error(c->d, a->value->at, "unexpected argument; options are written name = value (%s)",
                       in_backref ? "cascade, uselist, order_by, viewonly" :
                       "secondary, backref, back_populates, cascade, order_by, foreign_keys, uselist, viewonly");
            ok = false;
            continue;
        }
        const ast_expr **slot = NULL;
        const char *k = a->key;
        if (strcmp(k, "secondary") == 0) slot = &cr->secondary;
        else if (strcmp(k, "backref") == 0) slot = &cr->backref;
        else if (strcmp(k, "back_populates") == 0) slot = &cr->back_populates;
        else if (strcmp(k, "cascade") == 0) slot = &cr->cascade;
        else if (strcmp(k, "order_by") == 0) slot = &cr->order_by;
        else if (strcmp(k, "foreign_keys") == 0) slot = &cr->foreign_keys;
        else if (strcmp(k, "uselist") == 0) slot = &cr->uselist;
        else if (strcmp(k, "viewonly") == 0) slot = &cr->viewonly;
        if (slot == NULL) {
            diag_error(c->d, a->key_at, "unknown relationship option '%s'%s", k,
                       mean_list(c, k, option_names, 8));
            ok = false;
            continue;
        }
        if (in_backref && (slot == &cr->secondary || slot == &cr->backref ||
                           slot == &cr->back_populates || slot == &cr->foreign_keys)) {
            diag_error(c->d, a->key_at, "option '%s' cannot be given inside backref(...): it follows from the relationship itself",
                       k);
            ok = false;
            continue;
        }
        if (*slot) {
            diag_error(c->d, a->key_at, "option '%s' given twice", k);
            ok = false;
            continue;
        }
        *slot = a->value;
    }
    return ok;
}

static const char *const cascade_words[] = {
    "save-update", "merge", "expunge", "refresh-expire", "delete", "delete-orphan", "all"
};

static bool read_cascade(checker *c, const ast_expr *e, unsigned *out)
{
    if (e == NULL)
        return true;
    if (e->kind != AST_STRING) {
        diag_error(c->d, e->at, "cascade takes a string, e.g. cascade = \"all, delete-orphan\"");
        return false;
    }
    unsigned flags = 0;
    bool ok = true;
    const char *p = e->text;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *w = p;
        while (*p && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        size_t n = (size_t)(p - w);
        if (n == 0)
            continue;
        char word[32];
        if (n >= sizeof word)
            n = sizeof word - 1;
        memcpy(word, w, n);
        word[n] = '\0';
        size_t i = 0;
        while (i < 7 && strcmp(cascade_words[i], word) != 0)
            i++;
        if (i == 7) {
            diag_error(c->d, e->at, "unknown cascade '%s'%s (cascades: save-update, merge, expunge, refresh-expire, delete, delete-orphan, all)",
                       word, mean_list(c, word, cascade_words, 7));
            ok = false;
        } else if (i == 6) {
            flags |= SCH_CASCADE_SAVE_UPDATE | SCH_CASCADE_MERGE | SCH_CASCADE_EXPUNGE |
                     SCH_CASCADE_REFRESH_EXPIRE | SCH_CASCADE_DELETE;
        } else {
            flags |= 1u << i;
        }
    }
    *out = flags;
    return ok;
}

static bool read_bool(checker *c, const ast_expr *e, const char *opt, bool dflt, bool *out)
{
    *out = dflt;
    if (e == NULL)
        return true;
    if (is_word(e, "true") || is_word(e, "false")) {
        *out = e->text[0] == 't';
        return true;
    }
    diag_error(c->d, e->at, "%s takes true or false", opt);
    return false;
}

/* order_by = col | col asc | col desc | "col desc" | "Model.col" */
static bool read_order_by(checker *c, const ast_expr *e, const sch_table *target, sch_rel *r)
{
    if (e == NULL)
        return true;
    char name[256];
    const char *dir = NULL;
    if (e->kind == AST_IDENT) {
        snprintf(name, sizeof name, "%s", e->text);
    } else if (e->kind == AST_PAIR) {
        snprintf(name, sizeof name, "%s", e->text);
        dir = e->text2;
    } else if (e->kind == AST_STRING || e->kind == AST_DOTTED) {
        const char *s = e->kind == AST_DOTTED ? e->text2 : e->text;
        const char *dot = e->kind == AST_STRING ? strrchr(s, '.') : NULL;
        if (dot)
            s = dot + 1;
        size_t n = strcspn(s, " \t");
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, s, n);
        name[n] = '\0';
        const char *rest = s + strcspn(s, " \t");
        while (*rest == ' ' || *rest == '\t')
            rest++;
        if (*rest)
            dir = rest;
    } else {
        diag_error(c->d, e->at, "order_by takes a column of the target, e.g. order_by = title desc");
        return false;
    }
    if (dir) {
        if (strcmp(dir, "desc") == 0 || strcmp(dir, "DESC") == 0)
            r->order_desc = true;
        else if (strcmp(dir, "asc") != 0 && strcmp(dir, "ASC") != 0) {
            diag_error(c->d, e->kind == AST_PAIR ? e->at2 : e->at, "order_by direction must be asc or desc, not '%s'", dir);
            return false;
        }
    }
    r->order_by = find_column(target, name);
    if (r->order_by == NULL) {
        if (!column_miss_explained(c, target, name))
            diag_error(c->d, e->at, "order_by: '%s' has no column '%s'%s", target->name, name,
                       mean_column(c, target, name));
        return false;
    }
    return true;
}

static void candidates_text(checker *c, sch_column **cols, size_t n, char *buf, size_t size)
{
    (void)c;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s.%s", i ? (i + 1 == n ? " or " : ", ") : "",
                         cols[i]->table->name, cols[i]->name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* The column named by foreign_keys = ...: an identifier, "Model.col",
 * "table.col" or table.col; returns the column part. */
static const char *fk_option_column(const ast_expr *e)
{
    if (e == NULL)
        return NULL;
    if (e->kind == AST_IDENT)
        return e->text;
    if (e->kind == AST_DOTTED)
        return e->text2;
    if (e->kind == AST_STRING) {
        const char *dot = strrchr(e->text, '.');
        return dot ? dot + 1 : e->text;
    }
    return NULL;
}

/* Collect the columns of t that are foreign keys into `to`. */
static size_t fks_into(const sch_table *t, const sch_table *to, sch_column **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->fk && t->columns[i]->fk->table == to && n < max)
            out[n++] = t->columns[i];
    return n;
}

static void infer_secondary(checker *c, chk_rel *cr, sch_rel *r, const sch_table *ot, const sch_table *tt)
{
    const char *sname = expr_name(cr->secondary);
    if (sname == NULL) {
        diag_error(c->d, cr->secondary->at, "secondary takes a table name, e.g. secondary = orders");
        return;
    }
    chk_table *st = symtab_get(&c->tables, sname);
    if (st == NULL) {
        chk_table *bymodel = symtab_get(&c->models, sname);
        if (bymodel)
            diag_error(c->d, cr->secondary->at, "secondary names a table; model %s is stored in table '%s': write secondary = %s",
                       sname, bymodel->t->name, bymodel->t->name);
        else if (!name_miss_explained(c, sname))
            diag_error(c->d, cr->secondary->at, "unknown secondary table '%s'%s", sname,
                       mean_in(c, sname, &c->tables));
        return;
    }
    r->secondary = st->t;
    r->kind = SCH_MANY_TO_MANY;
    enum { MAXC = 16 };
    sch_column *own[MAXC], *tgt[MAXC];
    size_t nown = fks_into(st->t, ot, own, MAXC);
    size_t ntgt = fks_into(st->t, tt, tgt, MAXC);
    char buf[512];

    const char *fkname = fk_option_column(cr->foreign_keys);
    if (cr->foreign_keys && fkname == NULL) {
        diag_error(c->d, cr->foreign_keys->at, "foreign_keys takes a column name");
        return;
    }
    if (fkname) {
        sch_column *col = find_column(st->t, fkname);
        if (col == NULL && column_miss_explained(c, st->t, fkname))
            return;
        if (col && col->fk == NULL && st->bad_columns)
            return;
        if (col == NULL || col->fk == NULL || col->fk->table != ot) {
            diag_error(c->d, cr->foreign_keys->at, "foreign_keys = %s: '%s' needs a column that is a foreign key to '%s'%s",
                       fkname, st->t->name, ot->name,
                       col == NULL ? mean_column(c, st->t, fkname) : "");
            return;
        }
        r->sec_owner_col = col;
        /* The far side: the other foreign keys to the target. */
        size_t k = 0;
        for (size_t i = 0; i < ntgt; i++)
            if (tgt[i] != col)
                tgt[k++] = tgt[i];
        ntgt = k;
    } else {
        if (ot == tt && nown < 2 && st->bad_columns)
            return;
        if (ot == tt) {
            candidates_text(c, own, nown, buf, sizeof buf);
            diag_error(c->d, cr->at, "%s.%s is a self-referential many-to-many through '%s': name the column that points at the owning row with foreign_keys = (one of %s)",
                       r->owner->name, r->name, st->t->name, nown ? buf : "none");
            return;
        }
        if (nown != 1) {
            candidates_text(c, own, nown, buf, sizeof buf);
            if (nown == 0 && st->bad_columns)
                return;
            if (nown == 0)
                diag_error(c->d, cr->secondary->at, "secondary table '%s' has no foreign key to '%s', so %s.%s cannot be joined",
                           st->t->name, ot->name, r->owner->name, r->name);
            else
                diag_error(c->d, cr->secondary->at, "ambiguous: %s.%s could join through %s; pick one with foreign_keys = ...",
                           r->owner->name, r->name, buf);
            return;
        }
        r->sec_owner_col = own[0];
    }
    if (ntgt != 1) {
        candidates_text(c, tgt, ntgt, buf, sizeof buf);
        if (ntgt == 0 && st->bad_columns)
            return;
        if (ntgt == 0)
            diag_error(c->d, cr->secondary->at, "secondary table '%s' has no %sforeign key to '%s', so %s.%s cannot be joined",
                       st->t->name, fkname ? "other " : "", tt->name, r->owner->name, r->name);
        else
            diag_error(c->d, cr->secondary->at, "ambiguous: %s.%s could reach %s through %s",
                       r->owner->name, r->name, r->target->name, buf);
        return;
    }
    r->sec_target_col = tgt[0];
    r->owner_col = r->sec_owner_col->fk;
    r->target_col = r->sec_target_col->fk;
    cr->ok = true;
}

static void infer_direct(checker *c, chk_rel *cr, sch_rel *r, const sch_table *ot, const sch_table *tt)
{
    enum { MAXC = 16 };
    sch_column *local[MAXC], *remote[MAXC];
    /* Self-referential: one foreign key seen from both ends.  Without a
     * remote side, SQLAlchemy takes it as one-to-many (the children). */
    size_t nl = ot == tt ? 0 : fks_into(ot, tt, local, MAXC);
    size_t nr = fks_into(tt, ot, remote, MAXC);
    char buf[512];

    const char *fkname = fk_option_column(cr->foreign_keys);
    if (cr->foreign_keys && fkname == NULL) {
        diag_error(c->d, cr->foreign_keys->at, "foreign_keys takes a column name");
        return;
    }
    if (fkname) {
        sch_column *l = NULL, *rm = NULL;
        for (size_t i = 0; i < nl; i++)
            if (strcmp(local[i]->name, fkname) == 0)
                l = local[i];
        for (size_t i = 0; i < nr; i++)
            if (strcmp(remote[i]->name, fkname) == 0)
                rm = remote[i];
        if (l && rm) {
            diag_error(c->d, cr->foreign_keys->at, "foreign_keys = %s is ambiguous: both %s.%s and %s.%s are foreign keys between the two",
                       fkname, ot->name, fkname, tt->name, fkname);
            return;
        }
        if (!l && !rm) {
            if (fk_option_miss_explained(c, ot, tt, fkname))
                return;
            diag_suggest sg;
            diag_suggest_init(&sg, fkname);
            for (size_t i = 0; i < nl; i++)
                diag_suggest_offer(&sg, local[i]->name);
            for (size_t i = 0; i < nr; i++)
                diag_suggest_offer(&sg, remote[i]->name);
            /* A column whose own foreign key failed, or that was rejected,
             * is no candidate, but its name may be the one meant. */
            const sch_table *both[2] = { ot, tt };
            for (int k = 0; k < 2; k++) {
                chk_table *ct = table_info(c, both[k]);
                for (size_t i = 0; ct && i < ct->members.cap; i++)
                    if (ct->members.slots[i].key && member_declares_fk(ct->members.slots[i].value))
                        diag_suggest_offer(&sg, ct->members.slots[i].key);
            }
            diag_error(c->d, cr->foreign_keys->at, "foreign_keys = %s: neither '%s' nor '%s' has a foreign key '%s' to the other%s",
                       fkname, ot->name, tt->name, fkname, mean(c, diag_suggest_result(&sg)));
            return;
        }
        nl = l ? 1 : 0;
        nr = rm ? 1 : 0;
        local[0] = l;
        remote[0] = rm;
    } else if (nl + nr == 0) {
        if (join_miss_explained(c, ot, tt))
            return;
        diag_error(c->d, cr->at, "cannot infer how %s.%s joins %s: no foreign key between '%s' and '%s'; add foreign_key(...) to a column or secondary = TABLE",
                   r->owner->name, r->name, r->target->name, ot->name, tt->name);
        return;
    } else if (nl + nr > 1) {
        sch_column *all[2 * MAXC];
        size_t n = 0;
        for (size_t i = 0; i < nl; i++)
            all[n++] = local[i];
        for (size_t i = 0; i < nr; i++)
            all[n++] = remote[i];
        candidates_text(c, all, n, buf, sizeof buf);
        diag_error(c->d, cr->at, "ambiguous: %s.%s could join %s through %s; pick one with foreign_keys = ...",
                   r->owner->name, r->name, r->target->name, buf);
        return;
    }
    if (nl == 1) {
        r->kind = SCH_MANY_TO_ONE;
        r->owner_col = local[0];
        r->target_col = local[0]->fk;
    } else {
        r->kind = SCH_ONE_TO_MANY;
        r->target_col = remote[0];
        r->owner_col = remote[0]->fk;
    }
    cr->ok = true;
}

/* Apply uselist, cascade and order_by, which a relationship and a backref
 * share.  `at` is where the relationship stands. */
static void apply_common(checker *c, chk_rel *cr, sch_rel *r, const ast_expr *uselist_e,
                         const ast_expr *cascade_e, const ast_expr *order_e,
                         const ast_expr *viewonly_e, loc at)
{
    bool uselist;
    bool dflt = r->kind == SCH_ONE_TO_MANY || r->kind == SCH_MANY_TO_MANY;
    if (read_bool(c, uselist_e, "uselist", dflt, &uselist) && uselist != dflt) {
        if (r->kind == SCH_ONE_TO_MANY)
            r->kind = SCH_ONE_TO_ONE;
        else if (r->kind == SCH_MANY_TO_MANY)
            diag_error(c->d, uselist_e->at,
                       "uselist = false on a many-to-many: assocgen has no single-valued many-to-many; drop it (%s.%s is then a collection), or join %s.%s through a foreign key for a one-to-one",
                       r->owner->name, r->name, r->owner->name, r->name);
        else
            diag_error(c->d, uselist_e->at, "uselist = true on a many-to-one: %s.%s refers to one %s",
                       r->owner->name, r->name, r->target->name);
    }
    if (!read_cascade(c, cascade_e, &r->cascade))
        cr->ok = false;
    if ((r->cascade & SCH_CASCADE_DELETE_ORPHAN) && r->kind != SCH_ONE_TO_MANY && r->kind != SCH_ONE_TO_ONE) {
        diag_error(c->d, cascade_e ? cascade_e->at : at,
                   "delete-orphan cascade on %s.%s: it applies only to the one side of a one-to-many (a child is an orphan when its parent lets go of it)",
                   r->owner->name, r->name);
        cr->ok = false;
    }
    if (r->kind != SCH_MANY_TO_ONE && !read_order_by(c, order_e, r->target->table, r))
        cr->ok = false;
    if (r->kind == SCH_MANY_TO_ONE && order_e) {
        /* Checked all the same: a misspelt column is a mistake whether or
         * not the option would do anything. */
        sch_rel scratch = *r;
        if (read_order_by(c, order_e, r->target->table, &scratch))
            diag_warning(c->d, order_e->at, "order_by on many-to-one %s.%s has no effect", r->owner->name, r->name);
        else
            cr->ok = false;
    }
    if (!read_bool(c, viewonly_e, "viewonly", false, &r->viewonly))
        cr->ok = false;
}

/* The join could not be resolved (reported, or explained by an earlier
 * error): the options that do not depend on it are checked all the same,
 * so that one run reports their mistakes too.  Nothing is kept. */
static void check_unjoined_options(checker *c, const chk_rel *cr, const sch_rel *r)
{
    bool b;
    unsigned cascade;
    sch_rel scratch = *r;
    read_bool(c, cr->uselist, "uselist", true, &b);
    read_cascade(c, cr->cascade, &cascade);
    read_bool(c, cr->viewonly, "viewonly", false, &b);
    read_order_by(c, cr->order_by, r->target->table, &scratch);
}

static void pass_relationship(checker *c, chk_rel *cr)
{
    const ast_member *m = cr->mem;
    const ast_call *call = m->type;
    sch_rel *r = alloc(c, sizeof *r);
    if (r == NULL)
        return;
    cr->r = r;
    r->name = m->name;
    r->at = cr->at;
    r->owner = cr->owner->t->model;
    if (m->mods) {
        diag_error(c->d, m->mods->at, "'%s' after relationship(...): options go inside the parentheses",
                   m->mods->name);
        return;
    }
    const ast_arg *args = call->args;
    if (!call->has_parens || args == NULL || args->key != NULL) {
        diag_error(c->d, call->at, "relationship needs the target model first, e.g. relationship(User)");
        return;
    }
    cr->target_expr = args->value;
    if (!read_options(c, cr, args->next, false))
        return;
    const char *tname = expr_name(args->value);
    chk_table *target = tname ? symtab_get(&c->models, tname) : NULL;
    if (target == NULL) {
        if (tname == NULL)
            diag_error(c->d, args->value->at, "relationship needs a model name first");
        else if (symtab_get(&c->tables, tname))
            diag_error(c->d, args->value->at, "'%s' is a table; relationship(...) takes a model name%s",
                       tname, mean_in(c, tname, &c->models));
        else if (!name_miss_explained(c, tname))
            diag_error(c->d, args->value->at, "unknown model '%s'%s", tname, mean_in(c, tname, &c->models));
        return;
    }
    r->target = target->t->model;
    if (cr->backref && cr->back_populates) {
        diag_error(c->d, cr->back_populates->at, "give backref or back_populates, not both");
        return;
    }
    if (cr->secondary)
        infer_secondary(c, cr, r, cr->owner->t, target->t);
    else
        infer_direct(c, cr, r, cr->owner->t, target->t);
    if (!cr->ok) {
        check_unjoined_options(c, cr, r);
        return;
    }
    apply_common(c, cr, r, cr->uselist, cr->cascade, cr->order_by, cr->viewonly, cr->at);
}

/* ------------------------------------------------------------------ */
/* Pass 5: backrefs and back_populates                                 */

static void add_rel(checker *c, sch_model *m, sch_rel *r)
{
    (void)c;
    m->rels[m->nrels++] = r;
}

static chk_table *model_info(checker *c, const sch_model *m)
{
    return symtab_get(&c->models, m->name);
}

static void make_backref(checker *c, chk_rel *cr)
{
    sch_rel *r = cr->r;
    const ast_expr *e = cr->backref;
    chk_rel opts = { 0 };
    const char *name = NULL;
    loc name_at = e->at;
    if (e->kind == AST_IDENT || e->kind == AST_STRING) {
        name = e->text;
    } else if (e->kind == AST_CALL && strcmp(e->text, "backref") == 0 && e->args &&
               e->args->key == NULL && expr_name(e->args->value)) {
        name = expr_name(e->args->value);
        name_at = e->args->value->at;
        if (!read_options(c, &opts, e->args->next, true))
            return;
    } else {
        diag_error(c->d, e->at, "backref takes a name or backref(name, options...)");
        return;
    }
    chk_table *tt = model_info(c, r->target);
    const ast_member *clash = symtab_get(&tt->members, name);
    if (clash) {
        diag_error(c->d, name_at, "backref '%s' clashes with %s.%s, declared at %s",
                   name, r->target->name, name, where(c, clash->at));
        return;
    }
    for (size_t i = 0; i < r->target->nrels; i++)
        if (strcmp(r->target->rels[i]->name, name) == 0) {
            const sch_rel *o = r->target->rels[i]->reverse;
            diag_error(c->d, name_at, "backref '%s' clashes with %s.%s, the backref of %s.%s",
                       name, r->target->name, name, o ? o->owner->name : "?", o ? o->name : "?");
            return;
        }
    sch_rel *b = alloc(c, sizeof *b);
    if (b == NULL)
        return;
    b->name = name;
    b->at = name_at;
    b->owner = r->target;
    b->target = r->owner;
    b->is_backref = true;
    b->owner_col = r->target_col;
    b->target_col = r->owner_col;
    b->secondary = r->secondary;
    b->sec_owner_col = r->sec_target_col;
    b->sec_target_col = r->sec_owner_col;
    switch (r->kind) {
    case SCH_MANY_TO_ONE: b->kind = SCH_ONE_TO_MANY; break;
    case SCH_ONE_TO_MANY: case SCH_ONE_TO_ONE: b->kind = SCH_MANY_TO_ONE; break;
    case SCH_MANY_TO_MANY: b->kind = SCH_MANY_TO_MANY; break;
    }
    opts.r = b;
    opts.owner = tt;
    opts.ok = true;
    apply_common(c, &opts, b, opts.uselist, opts.cascade, opts.order_by, opts.viewonly, name_at);
    if (!opts.ok)
        return;
    b->reverse = r;
    r->reverse = b;
    add_rel(c, r->target, b);
}

static bool reverse_of(const sch_rel *a, const sch_rel *b)
{
    if (a->target != b->owner || b->target != a->owner)
        return false;
    if (a->kind == SCH_MANY_TO_MANY)
        return b->kind == SCH_MANY_TO_MANY && a->secondary == b->secondary &&
               a->sec_owner_col == b->sec_target_col && a->sec_target_col == b->sec_owner_col;
    bool a_one = a->kind == SCH_MANY_TO_ONE, b_one = b->kind == SCH_MANY_TO_ONE;
    return a_one != b_one && a->owner_col == b->target_col && a->target_col == b->owner_col &&
           b->kind != SCH_MANY_TO_MANY;
}

static chk_rel *find_declared(checker *c, const sch_model *m, const char *name)
{
    chk_table *ct = model_info(c, m);
    for (size_t i = 0; i < ct->nrels; i++)
        if (strcmp(ct->rels[i]->mem->name, name) == 0)
            return ct->rels[i];
    return NULL;
}

static void link_back_populates(checker *c, chk_rel *cr)
{
    sch_rel *r = cr->r;
    const char *name = expr_name(cr->back_populates);
    if (name == NULL) {
        diag_error(c->d, cr->back_populates->at, "back_populates takes a relationship name");
        return;
    }
    chk_rel *other = find_declared(c, r->target, name);
    if (other == NULL) {
        chk_table *tt = model_info(c, r->target);
        if (tt->damaged)
            return;
        diag_suggest sg;
        diag_suggest_init(&sg, name);
        for (size_t i = 0; i < tt->nrels; i++)
            diag_suggest_offer(&sg, tt->rels[i]->mem->name);
        diag_error(c->d, cr->back_populates->at, "back_populates = %s: %s has no relationship '%s'%s",
                   name, r->target->name, name, mean(c, diag_suggest_result(&sg)));
        return;
    }
    if (!other->ok)
        return;
    const char *back = expr_name(other->back_populates);
    /* The other side names a relationship that does not exist: that is
     * reported there, and fixing it settles this side too. */
    if (back && strcmp(back, r->name) != 0 && find_declared(c, r->owner, back) == NULL)
        return;
    if (back == NULL || strcmp(back, r->name) != 0) {
        diag_error(c->d, cr->back_populates->at, "%s.%s has back_populates = %s, but %s.%s does not name it back (add back_populates = %s there)",
                   r->owner->name, r->name, name, r->target->name, name, r->name);
        return;
    }
    if (!reverse_of(r, other->r)) {
        diag_error(c->d, cr->back_populates->at, "%s.%s and %s.%s name each other in back_populates but do not join through the same foreign key",
                   r->owner->name, r->name, r->target->name, name);
        return;
    }
    r->reverse = other->r;
}

/* ------------------------------------------------------------------ */
/* Pass 6: generated C names                                            */

typedef struct name_owner {
    const char *what;   /* "User.products" */
    loc at;
} name_owner;

static void claim(checker *c, symtab *names, const char *cname, const char *what, loc at)
{
    if (cname == NULL)
        return;
    name_owner *prev = symtab_get(names, cname);
    if (prev) {
        /* One report per pair: OrderLine and Order_Line clash on every
         * function name; saying so once is enough. */
        const char *pair = arena_printf(c->a, "%s\n%s", what, prev->what);
        if (pair && symtab_get(&c->clashes, pair))
            return;
        if (pair)
            put(c, &c->clashes, pair, (void *)pair);
        diag_error(c->d, at, "%s would generate the C name '%s', which %s already generates (%s); rename one",
                   what, cname, prev->what, where(c, prev->at));
        return;
    }
    name_owner *o = alloc(c, sizeof *o);
    if (o == NULL)
        return;
    o->what = what;
    o->at = at;
    put(c, names, cname, o);
}

/* Every name the generated code will define (the api table, api.c: its
 * functions, types, macros and the source's own statics) must be one
 * name's only: two models OrderLine and Order_Line, a relationship called
 * all on User beside user_all, a column whose _get_by_ function is
 * another's.  Then each model's struct fields.  A name that starts with
 * another's function's name and "__sql" is refused as well: the generated
 * source names a function's SQL constants so (user_all__sql,
 * user_insert__sql_key). */
static void pass_names(checker *c)
{
    symtab names = { 0 };
    arena mem = { 0 };
    api *a = api_build(c->s, "", &mem);
    if (a == NULL) {
        c->nomem = true;
        arena_free(&mem);
        return;
    }
    for (size_t i = 0; i < a->nnames && !c->nomem; i++)
        claim(c, &names, a->names[i].name, arena_strdup(c->a, a->names[i].what), a->names[i].at);
    symtab fns = { 0 };
    for (size_t i = 0; i < a->nfns && !c->nomem; i++)
        put(c, &fns, a->fns[i].name, (void *)a->fns[i].name);
    for (size_t i = 0; i < a->nnames && !c->nomem; i++) {
        const char *n = a->names[i].name;
        for (const char *u = strstr(n, "__sql"); u != NULL; u = strstr(u + 1, "__sql")) {
            const char *before = arena_strndup(c->a, n, (size_t)(u - n));
            name_owner *o = before && symtab_get(&fns, before) ? symtab_get(&names, before) : NULL;
            if (o && strcmp(o->what, a->names[i].what) != 0) {
                diag_error(c->d, a->names[i].at,
                           "%s would generate the C name '%s'; names of the form %s__sql... are kept for the "
                           "generated source's constants of %s (%s); rename one",
                           a->names[i].what, n, before, o->what, where(c, o->at));
                break;
            }
        }
    }
    for (size_t i = 0; i < c->s->nmodels && !c->nomem; i++) {
        sch_model *m = c->s->models[i];
        /* Struct fields: a column's field and its has_ flag. */
        symtab fields = { 0 };
        for (size_t k = 0; k < m->table->ncolumns; k++) {
            sch_column *col = m->table->columns[k];
            const char *cw = arena_printf(c->a, "column %s.%s", m->name, col->name);
            claim(c, &fields, col->c_name, cw, col->at);
            if (col->has_flag)
                claim(c, &fields, arena_printf(c->a, "has_%s", col->c_name), cw, col->at);
        }
        symtab_free(&fields);
    }
    symtab_free(&fns);
    symtab_free(&names);
    arena_free(&mem);
}

/* ------------------------------------------------------------------ */
/* Pass 7: table order                                                 */

/* Referenced tables first; among tables free to go, declaration order.
 * Tables in a cycle of foreign keys (legal in SQLite, which checks foreign
 * keys when rows change, not when tables are made) keep declaration order. */
static void pass_order(checker *c)
{
    size_t n = c->nall;
    sch_table **out = alloc(c, (n + 1) * sizeof *out);
    bool *done = calloc(n + 1, sizeof *done);
    if (out == NULL || done == NULL) {
        free(done);
        c->nomem = true;
        return;
    }
    size_t k = 0;
    while (k < n) {
        bool progress = false;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            sch_table *t = c->all[i]->t;
            bool ready = true;
            for (size_t j = 0; j < t->ncolumns && ready; j++) {
                sch_column *fk = t->columns[j]->fk;
                if (fk && fk->table != t)
                    for (size_t x = 0; x < n; x++)
                        if (!done[x] && c->all[x]->t == fk->table)
                            ready = false;
            }
            if (ready) {
                done[i] = true;
                out[k++] = t;
                progress = true;
            }
        }
        if (!progress) {
            for (size_t i = 0; i < n; i++)
                if (!done[i]) {
                    done[i] = true;
                    out[k++] = c->all[i]->t;
                    break;
                }
        }
    }
    free(done);
    c->s->tables = out;
    c->s->ntables = n;
}

/* ------------------------------------------------------------------ */

sch_schema *check_schema(diag_ctx *d, ast_file *const *files, size_t nfiles, const char *base)
{
    sch_schema *s = calloc(1, sizeof *s);
    if (s == NULL) {
        diag_error(d, (loc){ 0 }, "out of memory");
        return NULL;
    }
    checker c = { .d = d, .s = s, .a = &s->mem };
    s->base = dupstr(&c, base);

    size_t ndecl = 0;
    for (size_t f = 0; f < nfiles; f++) {
        c.incomplete |= files[f]->damaged;
        for (const ast_decl *decl = files[f]->decls; decl; decl = decl->next)
            ndecl++;
    }
    c.all = alloc(&c, (ndecl + 1) * sizeof *c.all);
    s->models = alloc(&c, (ndecl + 1) * sizeof *s->models);
    fk_ref **fks = calloc(ndecl + 1, sizeof *fks);
    if (fks == NULL)
        c.nomem = true;

    /* 1. declare */
    for (size_t f = 0; f < nfiles && !c.nomem; f++)
        for (const ast_decl *decl = files[f]->decls; decl && !c.nomem; decl = decl->next) {
            if (decl->kind == AST_IMPORT)
                continue;
            chk_table *ct = declare(&c, decl);
            if (ct == NULL)
                continue;
            c.all[c.nall++] = ct;
            if (ct->t->model)
                s->models[s->nmodels++] = ct->t->model;
        }
    /* 1b. headers: renamed_from */
    for (size_t i = 0; i < c.nall && !c.nomem; i++)
        pass_header(&c, c.all[i]);
    /* 2. columns */
    for (size_t i = 0; i < c.nall && !c.nomem; i++)
        pass_columns(&c, c.all[i], &fks[i]);
    /* 3. keys */
    for (size_t i = 0; i < c.nall && !c.nomem; i++)
        pass_keys(&c, c.all[i], fks[i]);
    /* 4. relationships */
    for (size_t i = 0; i < c.nall && !c.nomem; i++)
        for (size_t k = 0; k < c.all[i]->nrels && !c.nomem; k++)
            pass_relationship(&c, c.all[i]->rels[k]);
    /* 5. reverses: room for every declared relationship and every backref */
    for (size_t i = 0; i < c.nall && !c.nomem; i++)
        for (size_t k = 0; k < c.all[i]->nrels; k++) {
            chk_rel *cr = c.all[i]->rels[k];
            if (cr->ok && cr->backref)
                model_info(&c, cr->r->target)->nbackrefs_in++;
        }
    for (size_t i = 0; i < c.nall && !c.nomem; i++) {
        chk_table *ct = c.all[i];
        if (!ct->t->model)
            continue;
        ct->t->model->rels = alloc(&c, (ct->nrels + ct->nbackrefs_in + 1) * sizeof(sch_rel *));
        if (ct->t->model->rels == NULL)
            break;
        for (size_t k = 0; k < ct->nrels; k++)
            if (ct->rels[k]->ok)
                add_rel(&c, ct->t->model, ct->rels[k]->r);
    }
    for (size_t i = 0; i < c.nall && !c.nomem; i++)
        for (size_t k = 0; k < c.all[i]->nrels && !c.nomem; k++) {
            chk_rel *cr = c.all[i]->rels[k];
            if (!cr->ok)
                continue;
            if (cr->backref)
                make_backref(&c, cr);
            else if (cr->back_populates)
                link_back_populates(&c, cr);
        }
    /* Loads through a foreign key want an index on it. */
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t k = 0; k < s->models[i]->nrels; k++) {
            sch_rel *r = s->models[i]->rels[k];
            if (r->kind == SCH_ONE_TO_MANY || r->kind == SCH_ONE_TO_ONE)
                r->target_col->fk_indexed = true;
            if (r->kind == SCH_MANY_TO_MANY) {
                r->sec_owner_col->fk_indexed = true;
                r->sec_target_col->fk_indexed = true;
            }
        }
    /* 6. names: what was built is consistent even after errors (a failed
     * column or relationship is left out, and leaving one out cannot make
     * a clash), so clashes are reported in the same run.  7. order, for
     * the emitters only. */
    if (!c.nomem)
        pass_names(&c);
    if (!c.nomem && !diag_failed(d))
        pass_order(&c);

    for (size_t i = 0; i < c.nall; i++) {
        symtab_free(&c.all[i]->members);
        symtab_free(&c.all[i]->lower);
    }
    symtab_free(&c.models);
    symtab_free(&c.tables);
    symtab_free(&c.lower_tables);
    symtab_free(&c.lost);
    symtab_free(&c.clashes);
    free(fks);
    if (c.nomem)
        diag_error(d, (loc){ 0 }, "out of memory");
    if (c.nomem || diag_failed(d)) {
        sch_schema_free(s);
        return NULL;
    }
    return s;
}

void sch_schema_free(sch_schema *s)
{
    if (s == NULL)
        return;
    arena_free(&s->mem);
    free(s);
}

