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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "check_literal.h"
#include "check_query.h"
#include "cnames.h"
#include "json.h"
#include "reserved.h"
#include "strbuf.h"
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
    const ast_member **queries;   /* declared queries (SPEC 6), checked in pass 5b */
    size_t nqueries;
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
        *order_by, *foreign_keys, *uselist, *viewonly, *remote_side, *post_update;
    bool ok;                      /* resolved in pass 4 */
    bool pair_reported;           /* a back_populates pair's mismatch is reported */
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
    symtab mixins;                /* mixin name -> ast_decl (SPEC 9) */
    symtab included;              /* mixin names some body includes */
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
/* The column types: a member's type names one.  enum comes last: it takes
 * its values, and the words written alone are the others. */

static const char *const type_names[] = {
    "integer", "float", "boolean", "text", "string", "datetime", "blob", "json", "enum"
};
static const sch_type type_values[] = {
    SCH_INTEGER, SCH_FLOAT, SCH_BOOLEAN, SCH_TEXT, SCH_STRING, SCH_DATETIME, SCH_BLOB,
    SCH_TEXT /* json: text checked to hold JSON */, SCH_ENUM
};
enum { NTYPES = sizeof type_names / sizeof type_names[0], NTYPES_ALONE = NTYPES - 1 };

/* The index of the type called name in type_names, or NTYPES. */
static size_t type_index(const char *name)
{
    size_t ti = 0;
    while (ti < NTYPES && strcmp(type_names[ti], name) != 0)
        ti++;
    return ti;
}

/* "integer, float, ..., enum(...)": the types, for a message. */
static const char *type_list(checker *c)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < NTYPES; i++)
        strbuf_printf(&sb, "%s%s%s", i ? ", " : "", type_names[i], type_values[i] == SCH_ENUM ? "(...)" : "");
    const char *s = sb.failed ? NULL : arena_strdup(c->a, strbuf_str(&sb));
    strbuf_free(&sb);
    if (s == NULL)
        c->nomem = true;
    return s ? s : "";
}

/* ------------------------------------------------------------------ */
/* Pass 0: mixins (SPEC 9)                                             */

enum { MAX_MIXIN_DEPTH = 32 };       /* mixins including mixins */

static bool name_miss_explained(checker *c, const char *name);

/* `include Name` in a body: a member called include whose "type" is no
 * type.  (A column may still be called include: include integer.) */
static bool is_include(const ast_member *m)
{
    return m->kind == AST_FIELD && strcmp(m->name, "include") == 0 && m->type != NULL &&
           type_index(m->type->name) == NTYPES && strcmp(m->type->name, "relationship") != 0;
}

static void collect_mixins(checker *c, ast_file *const *files, size_t nfiles)
{
    for (size_t f = 0; f < nfiles; f++)
        for (const ast_decl *d = files[f]->decls; d; d = d->next) {
            if (d->kind != AST_MIXIN)
                continue;
            const ast_decl *prev = symtab_get(&c->mixins, d->name);
            if (prev)
                diag_error(c->d, d->name_at, "duplicate mixin '%s'; first declared at %s", d->name,
                           where(c, prev->name_at));
            else
                put(c, &c->mixins, d->name, (void *)d);
        }
}

/* Append a shallow copy of m (its calls shared) to the list ending at *tail. */
static void append_copy(checker *c, ast_member ***tail, const ast_member *m)
{
    ast_member *copy = alloc(c, sizeof *copy);
    if (copy == NULL)
        return;
    *copy = *m;
    copy->next = NULL;
    **tail = copy;
    *tail = &copy->next;
}

/* Copy the names a syntax error dropped from a mixin's body to `out`. */
static void take_losses(checker *c, ast_decl *out, const ast_decl *from)
{
    out->lost_unnamed |= from->lost_unnamed;
    for (const ast_name *n = from->lost; n; n = n->next) {
        ast_name *copy = alloc(c, sizeof *copy);
        if (copy == NULL)
            return;
        copy->name = n->name;
        copy->next = out->lost;
        out->lost = copy;
    }
}

/* The members of `members` with each include replaced by the mixin's
 * members (their own includes too), appended at *tail.  `chain` holds the
 * mixins being expanded, outermost first, for cycles. */
static void expand_members(checker *c, ast_decl *out, const ast_member *members, ast_member ***tail,
                           const ast_decl **chain, size_t depth)
{
    for (const ast_member *m = members; m && !c->nomem; m = m->next) {
        if (!is_include(m)) {
            append_copy(c, tail, m);
            continue;
        }
        const ast_call *ty = m->type;
        if (ty->has_parens || m->mods) {
            diag_error(c->d, ty->has_parens ? ty->at : m->mods->at,
                       "include takes a mixin's name alone: include %s", ty->name);
            out->lost_unnamed = true;
            continue;
        }
        const ast_decl *mx = symtab_get(&c->mixins, ty->name);
        if (mx == NULL) {
            out->lost_unnamed = true;      /* what it held may explain later misses */
            if (name_miss_explained(c, ty->name))
                continue;
            diag_suggest sg;
            diag_suggest_init(&sg, ty->name);
            for (size_t i = 0; i < c->mixins.cap; i++)
                if (c->mixins.slots[i].key)
                    diag_suggest_offer(&sg, c->mixins.slots[i].key);
            const char *best = diag_suggest_result(&sg);
            const char *type = best ? NULL : diag_closest(ty->name, type_names, NTYPES_ALONE);
            if (type)
                diag_error(c->d, ty->at, "unknown mixin '%s'; for a column called include, did you mean the type '%s'?",
                           ty->name, type);
            else
                diag_error(c->d, ty->at, "unknown mixin '%s'%s", ty->name, mean(c, best));
            continue;
        }
        put(c, &c->included, mx->name, (void *)mx);
        bool cycle = false;
        for (size_t i = 0; i < depth; i++)
            cycle |= chain[i] == mx;
        if (cycle || depth >= MAX_MIXIN_DEPTH) {
            diag_error(c->d, ty->at, "mixin '%s' includes itself (through %s)", mx->name,
                       depth ? chain[depth - 1]->name : mx->name);
            out->lost_unnamed = true;
            continue;
        }
        chain[depth] = mx;
        take_losses(c, out, mx);
        expand_members(c, out, mx->members, tail, chain, depth + 1);
    }
}

/* A model or table as if its includes were written out: the mixins'
 * members in their place, each still located in its mixin, so that
 * diagnostics point there.  The declaration itself when it has none. */
static const ast_decl *expand_includes(checker *c, const ast_decl *decl)
{
    bool any = false;
    for (const ast_member *m = decl->members; m; m = m->next)
        any |= is_include(m);
    if (!any)
        return decl;
    ast_decl *out = alloc(c, sizeof *out);
    if (out == NULL)
        return decl;
    *out = *decl;
    out->members = NULL;
    ast_member **tail = &out->members;
    const ast_decl *chain[MAX_MIXIN_DEPTH + 1];
    expand_members(c, out, decl->members, &tail, chain, 0);
    return out;
}

/* A mixin no body includes: its members were never checked. */
static void unused_mixins(checker *c, ast_file *const *files, size_t nfiles)
{
    for (size_t f = 0; f < nfiles; f++)
        for (const ast_decl *d = files[f]->decls; d; d = d->next)
            if (d->kind == AST_MIXIN && symtab_get(&c->mixins, d->name) == d &&
                symtab_get(&c->included, d->name) == NULL)
                diag_warning(c->d, d->name_at, "mixin '%s' is never included (write include %s in a model); its members are not checked",
                             d->name, d->name);
}

/* ------------------------------------------------------------------ */
/* Pass 1: declare models and tables                                   */

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
        bool keyword = c_type_name_taken(decl->name);
        if (keyword || sch_c_local(decl->name)) {
            const char *from = NULL;
            c_reserved_kind rk = c_reserved(decl->name, &from);
            const char *why = rk == C_KEYWORD ? " is a keyword of C or C++"
                              : rk == C_MACRO ? arena_printf(c->a, " is a macro of %s", from)
                              : rk == C_GLOBAL ? arena_printf(c->a, " is declared by %s", from)
                                               : " is libassoc's";
            diag_error(c->d, decl->name_at, "model name '%s' cannot be used: it names the C struct, and %s'%s'%s; rename the model%s%s%s",
                       decl->name, keyword ? "" : "the generated functions have a variable called ", decl->name,
                       keyword ? (why ? why : "") : "", decl->table ? "" : " (write 'table ",
                       decl->table ? "" : decl->name, decl->table ? "" : "' after the new name to keep the table's name)");
            lose(c, decl, NULL);
            return NULL;
        }
        m = alloc(c, sizeof *m);
        if (m == NULL)
            return NULL;
        m->name = decl->name;
        m->at = decl->name_at;
        m->snake = c_snake_case(c->a, decl->name, &c->nomem);
        if (c_snake_is_libassoc(m->snake)) {
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
    if (!c_is_identifier(t->name)) {
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
    const char *low = c_lower_copy(c->a, t->name, &c->nomem);
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
    chk_table *other = symtab_get(&c->lower_tables, c_lower_copy(c->a, t->renamed_from, &c->nomem));
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

static const char *const modifier_names[] = {
    "primary_key", "not_null", "unique", "index", "default", "server_default", "foreign_key",
    "column", "onupdate", "renamed_from"
};
enum { MOD_PK, MOD_NOT_NULL, MOD_UNIQUE, MOD_INDEX, MOD_DEFAULT, MOD_SERVER_DEFAULT, MOD_FK,
       MOD_COLUMN, MOD_ONUPDATE, MOD_RENAMED_FROM, MOD_COUNT };

static const char *a_or_an(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

/* column("Name"): the SQL name, when it differs from the member's (SPEC 9).
 * The SQL name is quoted wherever SQL prints it, so any text will do but an
 * empty one or one with control characters, which no database takes
 * readably.  Returns the name, or NULL after reporting. */
static const char *check_sql_name(checker *c, const ast_call *mod)
{
    const ast_arg *arg = mod->args;
    const ast_expr *v = arg ? arg->value : NULL;
    if (!mod->has_parens || arg == NULL || arg->next != NULL || arg->key != NULL || expr_name(v) == NULL) {
        diag_error(c->d, mod->at, "column takes the column's SQL name, e.g. column(\"UserName\")");
        return NULL;
    }
    if (v->text[0] == '\0' || v->has_nul) {
        diag_error(c->d, v->at, "column(...) needs a non-empty SQL name without NUL bytes");
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)v->text; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            diag_error(c->d, v->at, "the SQL name in column(...) holds a control character (0x%02X)", *p);
            return NULL;
        }
    if (strlen(v->text) > 128) {
        diag_error(c->d, v->at, "the SQL name in column(...) is %zu bytes; the limit is 128", strlen(v->text));
        return NULL;
    }
    return v->text;
}

/* The SQL name a member's column(...) gives, unchecked (the duplicate check
 * runs before the column's own), or the member's name. */
static const char *member_sql_name(const ast_member *m)
{
    for (const ast_call *k = m->mods; k; k = k->next)
        if (strcmp(k->name, "column") == 0 && k->has_parens && k->args && !k->args->key && !k->args->next &&
            expr_name(k->args->value) && k->args->value->text[0])
            return k->args->value->text;
    return m->name;
}

/* enum(a, b, c): the values, names each (written as identifiers or as
 * strings, as SQLAlchemy's Enum('a', 'b') has them), none twice, and none
 * two that make one C constant.  The C type is the model's name and the
 * member's in CamelCase (Task.status: TaskStatus, its values TASK_STATUS_A);
 * a plain table's enum has no C type.  Returns false after reporting. */
static bool check_enum(checker *c, chk_table *ct, sch_column *col, const ast_call *ty)
{
    size_t n = 0;
    for (const ast_arg *a = ty->args; a; a = a->next)
        n++;
    if (!ty->has_parens || n == 0) {
        diag_error(c->d, ty->at, "enum takes its values, e.g. enum(open, in_progress, done)");
        return false;
    }
    sch_enum *e = alloc(c, sizeof *e);
    const char **values = alloc(c, n * sizeof *values);
    if (e == NULL || values == NULL)
        return false;
    bool ok = true;
    for (const ast_arg *a = ty->args; a; a = a->next) {
        const char *v = a->key ? NULL : expr_name(a->value);
        if (v == NULL || !c_is_identifier(v)) {
            diag_error(c->d, a->key ? a->key_at : a->value->at,
                       "enum values are names (letters, digits and '_', not starting with a digit), e.g. enum(open, in_progress, done)");
            ok = false;
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < e->nvalues && !dup; k++) {
            if (strcmp(values[k], v) == 0) {
                diag_error(c->d, a->value->at, "enum value '%s' given twice", v);
                dup = true;
            } else if (strcasecmp(values[k], v) == 0) {
                diag_error(c->d, a->value->at, "enum values '%s' and '%s' would make one C constant, %s_%s; rename one",
                           values[k], v, ct->t->model ? c_upper_copy(c->a, arena_printf(c->a, "%s_%s", ct->t->model->snake, col->name), &c->nomem) : "",
                           c_upper_copy(c->a, v, &c->nomem));
                dup = true;
            }
        }
        if (dup) {
            ok = false;
            continue;
        }
        values[e->nvalues++] = v;
        if (strlen(v) > e->longest)
            e->longest = strlen(v);
    }
    e->values = values;
    if (ct->t->model) {
        e->type = arena_printf(c->a, "%s%s", ct->t->model->name, c_camel_case(c->a, col->name, &c->nomem));
        e->upper = c_upper_copy(c->a, arena_printf(c->a, "%s_%s", ct->t->model->snake, col->name), &c->nomem);
        if (e->type == NULL || e->upper == NULL)
            c->nomem = true;
    }
    col->enumv = e;
    return ok;
}

/* The value of an enum column named by a default: 1 + its index, or 0
 * after reporting. */
static int64_t enum_value(checker *c, const sch_column *col, const ast_call *mod, const ast_expr *v)
{
    const sch_enum *e = col->enumv;
    const char *name = expr_name(v);
    for (size_t k = 0; name && k < e->nvalues; k++)
        if (strcmp(e->values[k], name) == 0)
            return (int64_t)k + 1;
    strbuf list = STRBUF_INIT;
    for (size_t k = 0; k < e->nvalues; k++)
        strbuf_printf(&list, "%s%s", k ? ", " : "", e->values[k]);
    diag_error(c->d, v->at, "%s(%s): '%s' is an enum of %s%s",
               mod->name, v->text ? v->text : "", col->name, list.failed ? "..." : strbuf_str(&list),
               name ? mean_list(c, name, e->values, e->nvalues) : "");
    strbuf_free(&list);
    return 0;
}

/* default(uuid) and default(call f): values the insert makes, the first
 * a random UUID's text (a string column with room for its 36 characters,
 * or text), the second by the program's function f (any column), which
 * the generated header declares.  Client defaults only. */
static bool check_made_default(checker *c, const sch_column *col, bool server, const ast_expr *v,
                               sch_default *out)
{
    bool uuid = is_word(v, "uuid");
    if (server) {
        diag_error(c->d, v->at, "server_default takes a constant; %s is made by the client: write default(%s)",
                   uuid ? "uuid" : "call f", uuid ? "uuid" : "call f");
        return false;
    }
    if (uuid) {
        if (!(col->type == SCH_TEXT || col->type == SCH_STRING) || col->json) {
            diag_error(c->d, v->at, "default(uuid) needs a string or text column, which holds the UUID's text; '%s' is %s %s column",
                       col->name, a_or_an(col->json ? "json" : sch_type_name(col->type)),
                       col->json ? "json" : sch_type_name(col->type));
            return false;
        }
        if (col->type == SCH_STRING && col->length > 0 && col->length < 36) {
            diag_error(c->d, v->at, "default(uuid) writes 36 characters; '%s' holds at most %d: make it string(36)",
                       col->name, col->length);
            return false;
        }
        out->kind = SCH_DEFAULT_UUID;
        return true;
    }
    if (v->kind != AST_PAIR) {
        diag_error(c->d, v->at, "default(call ...) names the function that makes the value, e.g. default(call make_slug)");
        return false;
    }
    const char *fn = v->text2;
    bool keyword = c_type_name_taken(fn);
    if (keyword || sch_c_local(fn)) {
        diag_error(c->d, v->at2, "default(call %s): '%s' cannot name the function: %s; rename it",
                   fn, fn, keyword ? "it is a C keyword or a standard or libassoc name"
                                   : "the generated insert has a variable of that name, which would hide it");
        return false;
    }
    if (col->type == SCH_ENUM && col->table->model == NULL) {
        diag_error(c->d, v->at, "default(call %s) on an enum column of a plain table: its values have no C type; give the column a constant default",
                   fn);
        return false;
    }
    out->kind = SCH_DEFAULT_CALL;
    out->fn = fn;
    return true;
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

    if ((v->kind == AST_PAIR && strcmp(v->text, "call") == 0) ||
        (col->type != SCH_ENUM && (is_word(v, "uuid") || is_word(v, "call"))))
        return check_made_default(c, col, server, v, out);
    if (col->type == SCH_ENUM) {
        if (col->enumv == NULL)
            return false;           /* its enum(...) failed: reported */
        out->kind = SCH_DEFAULT_INT;
        out->i = enum_value(c, col, mod, v);
        return out->i != 0;
    }

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

    switch (check_literal(v, col->type, true, out)) {
    case CHECK_LIT_OK:
        if (out->kind == SCH_DEFAULT_STRING) {
            size_t chars = utf8_chars(v->text);
            if (col->type == SCH_STRING && col->length > 0 && chars > (size_t)col->length) {
                diag_error(c->d, v->at, "default \"%s\" is %zu characters; '%s' holds at most %d",
                           v->text, chars, col->name, col->length);
                return false;
            }
            if (col->json && !json_valid_text(v->text, strlen(v->text))) {
                diag_error(c->d, v->at, "default \"%s\" is not JSON; '%s' is a json column: write JSON text, e.g. %s(\"{}\")",
                           v->text, col->name, mod->name);
                return false;
            }
        }
        return true;
    case CHECK_LIT_RANGE:
        if (col->type == SCH_INTEGER)
            diag_error(c->d, v->at, "integer %s does not fit a 64-bit integer column", v->text);
        else
            diag_error(c->d, v->at, "number %s does not fit a float column", v->text);
        return false;
    case CHECK_LIT_NUL:
        diag_error(c->d, v->at, "a default may not contain a NUL byte");
        return false;
    case CHECK_LIT_DATETIME:
        diag_error(c->d, v->at, "\"%s\" is not a datetime of years 0001-9999; write \"YYYY-MM-DD HH:MM:SS\", now or current_timestamp",
                   v->text);
        return false;
    case CHECK_LIT_WRONG:
        break;                      /* an enum's is read above */
    }
    static const char *const hint[] = {
        [SCH_INTEGER] = "write a whole number, e.g. default(0)",
        [SCH_FLOAT] = "write a number, e.g. default(0.5)",
        [SCH_BOOLEAN] = "write true or false",
        [SCH_TEXT] = "write a string in quotes, e.g. default(\"none\")",
        [SCH_STRING] = "write a string in quotes, e.g. default(\"none\")",
        [SCH_DATETIME] = "write \"YYYY-MM-DD HH:MM:SS\", now or current_timestamp",
        [SCH_BLOB] = "write a string in quotes",
        [SCH_ENUM] = "write one of its values",
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
    if (v->kind == AST_DOTTED && v->text3) {
        diag_error(c->d, v->at3, "foreign_key takes table.column alone, e.g. foreign_key(users.id, ondelete = cascade)");
        return false;
    }
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
    if (arg->value->has_nul || !c_is_identifier(name)) {
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
    col->sql_name = mem->name;
    col->at = mem->at;
    col->table = ct->t;
    bool ok = true;

    const ast_call *ty = mem->type;
    size_t ti = type_index(ty->name);
    if (ti == NTYPES) {
        diag_error(c->d, ty->at, "unknown type '%s'%s (types: %s)", ty->name,
                   mean_list(c, ty->name, type_names, NTYPES), type_list(c));
        return NULL;
    }
    col->type = type_values[ti];
    col->json = strcmp(ty->name, "json") == 0;
    if (col->type == SCH_ENUM) {
        if (!check_enum(c, ct, col, ty))
            ok = false;
    } else if (col->type == SCH_STRING && ty->has_parens) {
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
    if (seen[MOD_ONUPDATE]) {
        /* onupdate(now): SQLAlchemy's onupdate=datetime.utcnow */
        const ast_call *mod = seen[MOD_ONUPDATE];
        const ast_arg *a = mod->args;
        if (!mod->has_parens || a == NULL || a->next || a->key || !is_word(a->value, "now")) {
            diag_error(c->d, a && !a->key ? a->value->at : mod->at,
                       "onupdate takes now: onupdate(now) stores the client's clock at each _update");
            ok = false;
        } else if (col->type != SCH_DATETIME) {
            diag_error(c->d, a->value->at, "onupdate(now) needs a datetime column; '%s' is %s %s column",
                       col->name, a_or_an(sch_type_name(col->type)), sch_type_name(col->type));
            ok = false;
        } else if (col->primary_key) {
            diag_error(c->d, mod->at, "onupdate(now) on a primary key column: _update finds the row by its key");
            ok = false;
        } else {
            col->onupdate_now = true;
        }
    }
    if (seen[MOD_COLUMN]) {
        const char *sql = check_sql_name(c, seen[MOD_COLUMN]);
        if (sql)
            col->sql_name = sql;
        else
            ok = false;
    }
    /* An enum is a value, not a key: a C enum is no row's name. */
    static const int no_enum[] = { MOD_PK, MOD_FK };
    for (size_t k = 0; col->type == SCH_ENUM && k < sizeof no_enum / sizeof no_enum[0]; k++)
        if (seen[no_enum[k]]) {
            diag_error(c->d, seen[no_enum[k]]->at, "an enum column cannot be %s; give the table a key of its own",
                       modifier_names[no_enum[k]]);
            ok = false;
        }
    /* PostgreSQL's JSON has no equality: nothing may compare it. */
    static const int no_json[] = { MOD_PK, MOD_UNIQUE, MOD_INDEX, MOD_FK };
    for (size_t k = 0; col->json && k < sizeof no_json / sizeof no_json[0]; k++)
        if (seen[no_json[k]]) {
            diag_error(c->d, seen[no_json[k]]->at, "a json column cannot be %s: PostgreSQL's JSON type has no equality; key or index a column beside it",
                       modifier_names[no_json[k]]);
            ok = false;
        }
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

static void pass_columns(checker *c, chk_table *ct, fk_ref **fks_out)
{
    const ast_decl *decl = ct->decl;
    size_t ncols = 0, nrels = 0, ncons = 0, nqueries = 0;
    for (const ast_member *m = decl->members; m; m = m->next) {
        if (m->kind == AST_CONSTRAINT)
            ncons++;
        else if (m->kind == AST_QUERY)
            nqueries++;
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
    ct->queries = alloc(c, (nqueries + 1) * sizeof *ct->queries);
    if (t->model)
        t->model->queries = alloc(c, (nqueries + 1) * sizeof *t->model->queries);
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
        if (m->kind == AST_QUERY) {
            if (!t->model)
                diag_error(c->d, m->at, "query '%s' in plain table '%s': only a model has queries", m->name,
                           decl->name);
            else
                ct->queries[ct->nqueries++] = m;
            continue;
        }
        if (!is_relationship(m)) {
            /* By the SQL names, which column(...) may set. */
            const char *sql = member_sql_name(m);
            const char *low = c_lower_copy(c->a, sql, &c->nomem);
            const ast_member *same = symtab_get(&ct->lower, low);
            if (same && (sql != m->name || member_sql_name(same) != same->name)) {
                diag_error(c->d, m->at, "duplicate column: '%s' in %s has the SQL name \"%s\", as '%s' declared at %s has%s",
                           m->name, decl->name, sql, same->name, where(c, same->at),
                           strcmp(sql, member_sql_name(same)) == 0 ? "" : " (SQL ignores case)");
                continue;
            }
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
        if (c_field_needs_underscore(col->name)) {
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
    /* renamed_from(OLD) must name a column the table no longer has (by its
     * SQL name or its member's: --migrate-from reads OLD as either), and
     * one column only. */
    for (size_t i = 0; i < t->ncolumns; i++) {
        sch_column *col = t->columns[i];
        if (col->renamed_from == NULL)
            continue;
        const ast_member *same = symtab_get(&ct->lower, c_lower_copy(c->a, col->renamed_from, &c->nomem));
        for (size_t k = 0; k < t->ncolumns && same == NULL; k++)
            if (strcasecmp(t->columns[k]->name, col->renamed_from) == 0)
                same = ct->col_at[k];
        /* Its own SQL name: a member renamed under column("title") was
         * that member before, and the database's column stays. */
        if (same == ct->col_at[i])
            same = NULL;
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
    /* The SQL name of a column given by column(...): the model language
     * names it by its member. */
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->sql_name != t->columns[i]->name && strcasecmp(t->columns[i]->sql_name, name) == 0) {
            const char *s = arena_printf(c->a, "; \"%s\" is the SQL name of '%s', and the model language names a column by its member's name: write %s",
                                         t->columns[i]->sql_name, t->columns[i]->name, t->columns[i]->name);
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
        return m->kind == AST_FIELD && !is_relationship(m);
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
            if (col->json) {
                diag_error(c->d, a->value->at, "'%s' is a json column, which %s(...) cannot hold: PostgreSQL's JSON type has no equality",
                           name, m->name);
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
    "uselist", "viewonly", "remote_side", "post_update"
};
enum { NOPTIONS = sizeof option_names / sizeof option_names[0] };

/* Read the option list of a relationship (or of a backref(...), where
 * `in_backref` limits the options).  Returns false after reporting. */
static bool read_options(checker *c, chk_rel *cr, const ast_arg *args, bool in_backref)
{
    bool ok = true;
    for (const ast_arg *a = args; a; a = a->next) {
        if (a->key == NULL) {
            diag_error(c->d, a->value->at, "unexpected argument; options are written name = value (%s)",
                       in_backref ? "cascade, uselist, order_by, viewonly, remote_side, post_update" :
                       "secondary, backref, back_populates, cascade, order_by, foreign_keys, uselist, viewonly, "
                       "remote_side, post_update");
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
        else if (strcmp(k, "remote_side") == 0) slot = &cr->remote_side;
        else if (strcmp(k, "post_update") == 0) slot = &cr->post_update;
        if (slot == NULL) {
            diag_error(c->d, a->key_at, "unknown relationship option '%s'%s", k,
                       mean_list(c, k, option_names, NOPTIONS));
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

/* ------------------------------------------------------------------ */
/* Columns named in options, as SQLAlchemy code writes them (SPEC 9)    */

/* `col`, `Model.col` or `table.c.col`: an identifier, a dotted name or a
 * string ("Model.col", "[Model.col]"); for order_by also a direction:
 * `col desc`, `Model.col desc`, `Model.col.desc()`, `desc(Model.col)`, or
 * any of these as a string ("desc(Event.created_at)",
 * "Event.created_at.desc()").  A qualifier is checked by the option. */
typedef struct colref {
    const char *qual;             /* the qualifier, or NULL */
    const char *col;
    const char *dir;              /* the direction word as written, or NULL */
    loc at, qual_at, col_at, dir_at;
} colref;

/* Where the byte `offset` of a string's content stands: after the opening
 * quote, when no escape before it moved the text (the source there holds
 * `expect`); else where the string starts. */
static loc string_at(const ast_expr *e, size_t offset, const char *expect, size_t n)
{
    loc at = e->at;
    const source *src = at.src;
    if (src == NULL || at.line < 1 || at.col < 1)
        return at;
    const char *p = src->text, *end = src->text + src->len;
    for (int line = 1; line < at.line && p < end; p++)
        if (*p == '\n')
            line++;
    size_t col = (size_t)at.col + offset;     /* 0-based: past the '"' */
    if (offset < 100000 && (size_t)(end - p) >= col + n && memcmp(p + col, expect, n) == 0)
        at.col += (int)(offset + 1);
    return at;
}

static bool is_word_ci(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* The part of a string between [b, e) as an arena string. */
static const char *part(checker *c, const char *b, const char *e)
{
    const char *p = arena_strndup(c->a, b, (size_t)(e - b));
    if (p == NULL)
        c->nomem = true;
    return p ? p : "";
}

static void trim(const char **b, const char **e)
{
    while (*b < *e && (**b == ' ' || **b == '\t'))
        (*b)++;
    while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

/* A dotted name [b, e) of a string: col, qual.col or qual.c.col. */
static bool string_name(checker *c, const ast_expr *e, const char *b, const char *end, colref *out)
{
    const char *dots[3];
    size_t n = 0;
    for (const char *p = b; p < end; p++)
        if (*p == '.') {
            if (n == 2)
                return false;
            dots[n++] = p;
        }
    if (n == 2 && !(dots[1] - dots[0] == 2 && dots[0][1] == 'c'))
        return false;                    /* a.b.c: only table.c.col */
    const char *col = n ? dots[n - 1] + 1 : b;
    out->col = part(c, col, end);
    out->col_at = string_at(e, (size_t)(col - e->text), out->col, strlen(out->col));
    if (n) {
        out->qual = part(c, b, dots[0]);
        out->qual_at = string_at(e, (size_t)(b - e->text), out->qual, strlen(out->qual));
        if (!c_is_identifier(out->qual))
            return false;
    }
    return c_is_identifier(out->col);
}

/* The string forms.  False when the text is none of them. */
static bool string_colref(checker *c, const ast_expr *e, bool order, colref *out)
{
    const char *b = e->text, *end = e->text + strlen(e->text);
    trim(&b, &end);
    if (end - b >= 2 && *b == '[' && end[-1] == ']') {   /* a Python list of one */
        b++, end--;
        trim(&b, &end);
    }
    if (order) {
        const char *open = memchr(b, '(', (size_t)(end - b));
        if (open && end[-1] == ')' && (is_word_ci(b, (size_t)(open - b), "desc") || is_word_ci(b, (size_t)(open - b), "asc"))) {
            /* desc(Event.created_at) */
            out->dir = part(c, b, open);
            out->dir_at = string_at(e, (size_t)(b - e->text), out->dir, strlen(out->dir));
            b = open + 1;
            end--;
            trim(&b, &end);
        } else if (end - b > 7 && strncasecmp(end - 7, ".desc()", 7) == 0) {
            out->dir = part(c, end - 6, end - 2);
            out->dir_at = string_at(e, (size_t)(end - 6 - e->text), out->dir, 4);
            end -= 7;
        } else if (end - b > 6 && strncasecmp(end - 6, ".asc()", 6) == 0) {
            out->dir = part(c, end - 5, end - 2);
            out->dir_at = string_at(e, (size_t)(end - 5 - e->text), out->dir, 3);
            end -= 6;
        } else {
            /* "created_at desc" */
            const char *sp = b;
            while (sp < end && *sp != ' ' && *sp != '\t')
                sp++;
            if (sp < end) {
                const char *d = sp;
                while (d < end && (*d == ' ' || *d == '\t'))
                    d++;
                out->dir = part(c, d, end);
                out->dir_at = string_at(e, (size_t)(d - e->text), out->dir, strlen(out->dir));
                end = sp;
            }
        }
    }
    return b < end && string_name(c, e, b, end, out);
}

/* Read a column reference of option `opt` (order: with a direction).
 * False after reporting one that is none of the forms. */
static bool read_colref(checker *c, const ast_expr *e, const char *opt, bool order, colref *out)
{
    memset(out, 0, sizeof *out);
    out->at = out->col_at = out->qual_at = out->dir_at = e->at;
    switch (e->kind) {
    case AST_IDENT:
        out->col = e->text;
        return true;
    case AST_PAIR:
        if (!order)
            break;
        out->col = e->text;
        out->dir = e->text2;
        out->dir_at = e->at2;
        return true;
    case AST_DOTTED:
        if (e->text3 && !order)
            break;
        out->qual = e->text;
        out->col = e->text2;
        out->col_at = e->at2;
        if (e->text3) {
            out->dir = e->text3;
            out->dir_at = e->at3;
        }
        return true;
    case AST_CALL:
        /* desc(Event.created_at), as Python writes it */
        if (order && (strcasecmp(e->text, "desc") == 0 || strcasecmp(e->text, "asc") == 0) && e->args &&
            !e->args->next && !e->args->key &&
            (e->args->value->kind == AST_IDENT ||
             (e->args->value->kind == AST_DOTTED && e->args->value->text3 == NULL))) {
            const ast_expr *in = e->args->value;
            out->col = in->kind == AST_DOTTED ? in->text2 : in->text;
            out->col_at = in->kind == AST_DOTTED ? in->at2 : in->at;
            if (in->kind == AST_DOTTED) {
                out->qual = in->text;
                out->qual_at = in->at;
            }
            out->dir = e->text;
            out->dir_at = e->at;
            return true;
        }
        break;
    case AST_STRING:
        if (string_colref(c, e, order, out))
            return true;
        break;
    default:
        break;
    }
    if (order)
        diag_error(c->d, e->at, "order_by takes a column of the target as SQLAlchemy writes it: title, title desc, "
                                "Post.title desc, \"desc(Post.title)\" or \"Post.title.desc()\"");
    else
        diag_error(c->d, e->at, "%s takes a column name: col, Model.col or \"Model.col\"", opt);
    return false;
}

/* Whether a qualifier names the table t: its model's name, or its own. */
static bool qual_is(const char *qual, const sch_table *t)
{
    return strcmp(qual, t->name) == 0 || (t->model && strcmp(qual, t->model->name) == 0);
}

/* The name a table goes by in the model language: its model's, or its own. */
static const char *table_word(const sch_table *t)
{
    return t->model ? t->model->name : t->name;
}

/* order_by = ...: a column of the target's table.  Its qualifier, if any,
 * names the target (SQLAlchemy would resolve "Node.label" to Node's
 * column, whatever the relationship's target). */
static bool read_order_by(checker *c, const ast_expr *e, const sch_table *target, sch_rel *r)
{
    if (e == NULL)
        return true;
    colref ref;
    if (!read_colref(c, e, "order_by", true, &ref))
        return false;
    if (ref.dir) {
        if (strcasecmp(ref.dir, "desc") == 0)
            r->order_desc = true;
        else if (strcasecmp(ref.dir, "asc") != 0) {
            diag_error(c->d, ref.dir_at, "order_by direction must be asc or desc, not '%s'", ref.dir);
            return false;
        }
    }
    if (ref.qual && !qual_is(ref.qual, target)) {
        chk_table *other = symtab_get(&c->models, ref.qual);
        if (other == NULL)
            other = symtab_get(&c->tables, ref.qual);
        if (other)
            diag_error(c->d, ref.qual_at, "order_by = %s.%s names %s, but %s.%s holds %s rows: order by a column of %s (order_by = %s%s)",
                       ref.qual, ref.col, table_word(other->t), r->owner->name, r->name, table_word(target),
                       table_word(target), ref.col, ref.dir && r->order_desc ? " desc" : "");
        else if (!name_miss_explained(c, ref.qual))
            diag_error(c->d, ref.qual_at, "order_by = %s.%s: no model '%s'%s; %s.%s holds %s rows (order_by = %s)",
                       ref.qual, ref.col, ref.qual, mean_in(c, ref.qual, &c->models), r->owner->name, r->name,
                       table_word(target), ref.col);
        return false;
    }
    r->order_by = find_column(target, ref.col);
    if (r->order_by == NULL) {
        if (!column_miss_explained(c, target, ref.col))
            diag_error(c->d, ref.col_at, "order_by: '%s' has no column '%s'%s", target->name, ref.col,
                       mean_column(c, target, ref.col));
        return false;
    }
    if (r->order_by->json) {
        diag_error(c->d, ref.col_at, "order_by: '%s' is a json column, which PostgreSQL cannot sort", ref.col);
        return false;
    }
    return true;
}

/* foreign_keys = ... or remote_side = ...: the column's name, and the
 * table its qualifier names, which must be one of `allowed` (else it is
 * reported and NULL returned).  *in is NULL without a qualifier. */
static const char *read_join_column(checker *c, const ast_expr *e, const char *opt, const sch_table *const *allowed,
                                    size_t nallowed, const sch_table **in)
{
    colref ref;
    *in = NULL;
    if (!read_colref(c, e, opt, false, &ref))
        return NULL;
    if (ref.qual == NULL)
        return ref.col;
    for (size_t i = 0; i < nallowed; i++)
        if (qual_is(ref.qual, allowed[i])) {
            *in = allowed[i];
            return ref.col;
        }
    strbuf names = STRBUF_INIT;
    for (size_t i = 0; i < nallowed; i++)
        if (i == 0 || allowed[i] != allowed[i - 1])
            strbuf_printf(&names, "%s%s", names.len ? " or " : "", table_word(allowed[i]));
    chk_table *other = symtab_get(&c->models, ref.qual);
    if (other == NULL)
        other = symtab_get(&c->tables, ref.qual);
    if (other)
        diag_error(c->d, ref.qual_at, "%s = %s.%s names %s, which this relationship does not join; name a column of %s",
                   opt, ref.qual, ref.col, table_word(other->t), strbuf_str(&names));
    else if (!name_miss_explained(c, ref.qual))
        diag_error(c->d, ref.qual_at, "%s = %s.%s: no model '%s'%s; name a column of %s", opt, ref.qual, ref.col,
                   ref.qual, mean_in(c, ref.qual, &c->models), strbuf_str(&names));
    if (names.failed)
        c->nomem = true;
    strbuf_free(&names);
    return NULL;
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

    const char *fkname = NULL;
    if (cr->foreign_keys) {
        /* a column of the association table, which a qualifier must name */
        const sch_table *allowed[] = { st->t }, *in;
        fkname = read_join_column(c, cr->foreign_keys, "foreign_keys", allowed, 1, &in);
        if (fkname == NULL)
            return;
    }
    if (cr->remote_side) {
        diag_error(c->d, cr->remote_side->at, "remote_side applies to a relationship joined by a foreign key; %s.%s goes through '%s' (foreign_keys picks its columns)",
                   r->owner->name, r->name, st->t->name);
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

/* remote_side = col (SPEC 9, SQLAlchemy's adjacency list): the column on
 * the target's side of the join.  On a self-referential relationship it
 * decides the direction: the referenced key (id) makes it many-to-one,
 * the parent; the foreign key itself (parent_id), one-to-many, the
 * children, which is also what no remote_side means.  `fks` are the
 * table's foreign keys to itself (the one foreign_keys picked, if given). */
static void infer_remote_side(checker *c, chk_rel *cr, sch_rel *r, const sch_table *t, sch_column *const *fks,
                              size_t nfks)
{
    const sch_table *allowed[] = { t }, *in;
    const char *name = read_join_column(c, cr->remote_side, "remote_side", allowed, 1, &in);
    if (name == NULL)
        return;
    sch_column *col = find_column(t, name);
    if (col == NULL) {
        if (!column_miss_explained(c, t, name))
            diag_error(c->d, cr->remote_side->at, "remote_side: '%s' has no column '%s'%s", t->name, name,
                       mean_column(c, t, name));
        return;
    }
    if (nfks == 0) {
        if (!join_miss_explained(c, t, t))
            diag_error(c->d, cr->at, "cannot infer how %s.%s joins %s: '%s' has no foreign key to itself",
                       r->owner->name, r->name, r->target->name, t->name);
        return;
    }
    sch_column *pick = NULL;
    size_t n = 0;
    for (size_t i = 0; i < nfks; i++)
        if (fks[i] == col) {
            r->kind = SCH_ONE_TO_MANY;              /* remote_side = parent_id: the children */
            r->target_col = col;
            r->owner_col = col->fk;
            cr->ok = true;
            return;
        }
    for (size_t i = 0; i < nfks; i++)
        if (fks[i]->fk == col) {
            pick = fks[i];
            n++;
        }
    if (n == 0) {
        diag_error(c->d, cr->remote_side->at, "remote_side = %s: %s.%s joins '%s' to itself through %s.%s -> %s; remote_side names %s (many-to-one: the parent) or %s (one-to-many: the children)",
                   name, r->owner->name, r->name, t->name, t->name, fks[0]->name, fks[0]->fk->name,
                   fks[0]->fk->name, fks[0]->name);
        return;
    }
    if (n > 1) {
        diag_error(c->d, cr->remote_side->at, "remote_side = %s: more than one foreign key of '%s' refers to %s; pick one with foreign_keys = ...",
                   name, t->name, name);
        return;
    }
    r->kind = SCH_MANY_TO_ONE;                      /* remote_side = id: the parent */
    r->owner_col = pick;
    r->target_col = col;
    cr->ok = true;
}

/* remote_side where the join does not depend on it: it must name the
 * column on the target's side, as SQLAlchemy requires.  False after
 * reporting. */
static bool remote_side_agrees(checker *c, const ast_expr *e, const sch_rel *r)
{
    const sch_table *allowed[] = { r->target->table }, *in;
    const char *name = read_join_column(c, e, "remote_side", allowed, 1, &in);
    if (name == NULL)
        return false;
    if (strcmp(name, r->target_col->name) == 0)
        return true;
    diag_error(c->d, e->at, "remote_side = %s: %s.%s is %s, joined on %s.%s = %s.%s, so its remote side is %s",
               name, r->owner->name, r->name, sch_rel_kind_name(r->kind), r->owner->table->name, r->owner_col->name,
               r->target->table->name, r->target_col->name, r->target_col->name);
    return false;
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

    const char *fkname = NULL;
    const sch_table *fk_in = NULL;
    if (cr->foreign_keys) {
        /* a column of either table; a qualifier names which */
        const sch_table *allowed[] = { ot, tt };
        fkname = read_join_column(c, cr->foreign_keys, "foreign_keys", allowed, 2, &fk_in);
        if (fkname == NULL)
            return;
    }
    if (fkname) {
        sch_column *l = NULL, *rm = NULL;
        for (size_t i = 0; i < nl; i++)
            if (strcmp(local[i]->name, fkname) == 0 && (fk_in == NULL || fk_in == ot))
                l = local[i];
        for (size_t i = 0; i < nr; i++)
            if (strcmp(remote[i]->name, fkname) == 0 && (fk_in == NULL || fk_in == tt))
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
    }
    if (cr->remote_side && ot == tt) {
        infer_remote_side(c, cr, r, tt, remote, nr);
        return;
    }
    if (fkname) {
        /* picked above */
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
    if (cr->remote_side && !remote_side_agrees(c, cr->remote_side, r))
        cr->ok = false;
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

/* post_update = true (SPEC 9, SQLAlchemy's post_update): the relationship's
 * foreign key is written by a second statement after the insert and
 * cleared before a delete, so two rows that refer to each other can come
 * and go.  The key must be able to hold NULL in between.  False after
 * reporting. */
static bool apply_post_update(checker *c, const ast_expr *e, sch_rel *r)
{
    bool on;
    if (!read_bool(c, e, "post_update", false, &on))
        return false;
    if (!on)
        return true;
    if (r->kind == SCH_MANY_TO_MANY) {
        diag_error(c->d, e->at, "post_update applies to a relationship joined by a foreign key; %s.%s goes through '%s'",
                   r->owner->name, r->name, r->secondary->name);
        return false;
    }
    sch_column *fk = r->kind == SCH_MANY_TO_ONE ? r->owner_col : r->target_col;
    if (!fk->nullable) {
        diag_error(c->d, e->at, "post_update writes %s.%s after the insert and clears it before a delete, so it must hold NULL; it is %s",
                   fk->table->name, fk->name, fk->primary_key ? "part of the primary key" : "not_null");
        return false;
    }
    if (r->viewonly) {
        diag_error(c->d, e->at, "post_update on view-only %s.%s: nothing is written through it", r->owner->name, r->name);
        return false;
    }
    r->post_update = true;
    fk->post_update = true;
    return true;
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
    read_bool(c, cr->post_update, "post_update", false, &b);
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
    if (!apply_post_update(c, cr->post_update, r))
        cr->ok = false;
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
    /* backref(parent, remote_side = id): the reverse's own remote side */
    if (opts.remote_side && !remote_side_agrees(c, opts.remote_side, b))
        return;
    if (!apply_post_update(c, opts.post_update, b))
        return;
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
        if (other->pair_reported)
            return;             /* said once, from the first of the two */
        cr->pair_reported = true;
        const sch_rel *o = other->r;
        bool same_fk = r->kind != SCH_MANY_TO_MANY && o->kind != SCH_MANY_TO_MANY &&
                       (r->kind == SCH_MANY_TO_ONE ? r->owner_col : r->target_col) ==
                       (o->kind == SCH_MANY_TO_ONE ? o->owner_col : o->target_col);
        if (same_fk && r->owner == r->target && r->kind == o->kind) {
            /* SQLAlchemy: "are both of the same direction ... Did you mean
             * to set remote_side on the many-to-one side?" */
            const sch_column *fk = r->kind == SCH_MANY_TO_ONE ? r->owner_col : r->target_col;
            if (r->kind == SCH_MANY_TO_ONE)
                diag_error(c->d, cr->back_populates->at, "%s.%s and %s.%s are both many-to-one through %s.%s: remote_side = %s belongs on one of them only, the parent; the other is its children",
                           r->owner->name, r->name, o->owner->name, o->name, fk->table->name, fk->name, fk->fk->name);
            else
                diag_error(c->d, cr->back_populates->at, "%s.%s and %s.%s are both one-to-many through %s.%s: a relationship of %s to itself is one-to-many (the children) unless remote_side says otherwise; set remote_side = %s on the many-to-one side (the parent)",
                           r->owner->name, r->name, o->owner->name, o->name, fk->table->name, fk->name,
                           r->owner->name, fk->fk->name);
            return;
        }
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

/* The generated header's macros are its only names without a lower-case
 * letter (USER_INIT, USER_LIST_INIT, the include guard). */
static bool is_macro_name(const char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            return false;
    return true;
}

/* True when the pair (a, b) was reported already; else notes it. */
static bool once(checker *c, const char *a, const char *b)
{
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    const char *pair = arena_printf(c->a, "%s\n%s", a, b);
    if (pair == NULL)
        return false;
    if (symtab_get(&c->clashes, pair))
        return true;
    put(c, &c->clashes, pair, (void *)pair);
    return false;
}

static void claim(checker *c, symtab *names, const char *cname, const char *what, loc at)
{
    if (cname == NULL)
        return;
    name_owner *prev = symtab_get(names, cname);
    if (prev) {
        /* One report per pair: OrderLine and Order_Line clash on every
         * function name; saying so once is enough. */
        if (once(c, what, prev->what))
            return;
        /* At the later of the two declarations in the file, whichever
         * the table of generated names met first. */
        const char *w = what, *pw = prev->what;
        loc l = at, pl = prev->at;
        if (at.src == prev->at.src && (at.line < pl.line || (at.line == pl.line && at.col < pl.col))) {
            w = prev->what;
            pw = what;
            l = prev->at;
            pl = at;
        }
        diag_error(c->d, l, "%s would generate the C name '%s', which %s already generates (%s); rename one", w,
                   cname, pw, where(c, pl));
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
    for (size_t i = 0; i < a->nnames && !c->nomem; i++) {
        const char *n = a->names[i].name, *what = a->names[i].what;
        claim(c, &names, n, arena_strdup(c->a, what), a->names[i].at);
        /* Not a name the included headers declare, nor one of the
         * libraries' own prefixes (a model Sqlite3 gives sqlite3_free). */
        const char *from = NULL;
        c_reserved_kind rk = c_reserved(n, &from);
        const char *prefix = NULL;
        if (rk == C_FREE) {
            static const char *const prefixes[] = { "sqlite3_", "SQLITE_", "assoc_", "ASSOC_" };
            for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes && !prefix; k++)
                if (strncmp(n, prefixes[k], strlen(prefixes[k])) == 0)
                    prefix = prefixes[k];
        }
        if (rk == C_FREE && prefix == NULL)
            continue;
        if (once(c, what, "reserved"))
            continue;
        if (prefix)
            diag_error(c->d, a->names[i].at,
                       "%s would generate the C name '%s'; names starting with %s belong to %s; rename it", what,
                       n, prefix, prefix[0] == 's' || prefix[0] == 'S' ? "SQLite" : "libassoc");
        else
            diag_error(c->d, a->names[i].at, "%s would generate the C name '%s', which %s already %s; rename it",
                       what, n, rk == C_KEYWORD ? "C or C++" : from,
                       rk == C_KEYWORD ? "keeps as a keyword" : rk == C_MACRO ? "defines as a macro" : "declares");
    }
    symtab fns = { 0 };
    for (size_t i = 0; i < a->nfns && !c->nomem; i++)
        put(c, &fns, a->fns[i].name, (void *)a->fns[i].name);
    for (size_t i = 0; i < a->nnames && !c->nomem; i++) {
        const char *n = a->names[i].name;
        for (const char *u = strstr(n, "__sql"); u != NULL; u = strstr(u + 1, "__sql")) {
            const char *before = arena_strndup(c->a, n, (size_t)(u - n));
            name_owner *o = before && symtab_get(&fns, before) ? symtab_get(&names, before) : NULL;
            if (o && strcmp(o->what, a->names[i].what) != 0) {
                if (once(c, a->names[i].what, o->what))
                    break;
                diag_error(c->d, a->names[i].at,
                           "%s would generate the C name '%s'; names of the form %s__sql... are kept for the "
                           "generated source's constants of %s (%s); rename one",
                           a->names[i].what, n, before, o->what, where(c, o->at));
                break;
            }
        }
    }
    /* default(call f): one function, one type, however many columns call it. */
    symtab calls = { 0 };
    for (size_t i = 0; i < c->s->nmodels && !c->nomem; i++) {
        const sch_table *t = c->s->models[i]->table;
        for (size_t k = 0; k < t->ncolumns; k++) {
            const sch_column *col = t->columns[k];
            if (col->def.kind != SCH_DEFAULT_CALL)
                continue;
            const sch_column *prev = symtab_get(&calls, col->def.fn);
            if (prev == NULL) {
                put(c, &calls, col->def.fn, (void *)col);
                continue;
            }
            const char *a = c_field_type(prev), *b = c_field_type(col);
            if (strcmp(a, b) != 0)
                diag_error(c->d, col->at, "default(call %s) of %s.%s makes %s %s, but %s makes %s %s for %s.%s (%s): one function has one type; give each its own",
                           col->def.fn, t->model->name, col->name, a_or_an(b), b, col->def.fn, a_or_an(a), a,
                           prev->table->model->name, prev->name, where(c, prev->at));
        }
    }
    symtab_free(&calls);
    for (size_t i = 0; i < c->s->nmodels && !c->nomem; i++) {
        sch_model *m = c->s->models[i];
        /* Struct fields: a column's field and its has_ flag. */
        symtab fields = { 0 };
        for (size_t k = 0; k < m->table->ncolumns; k++) {
            sch_column *col = m->table->columns[k];
            const char *cw = arena_printf(c->a, "column %s.%s", m->name, col->name);
            claim(c, &fields, col->c_name, cw, col->at);
            /* A field named like a macro the header defines (another
             * model's TAG_INIT) would be replaced by its expansion. */
            name_owner *macro = symtab_get(&names, col->c_name);
            if (macro && is_macro_name(col->c_name) && !once(c, cw, macro->what))
                diag_error(c->d, col->at,
                           "%s would be the struct field '%s', which the header defines as a macro for %s (%s); "
                           "rename one",
                           cw, col->c_name, macro->what, where(c, macro->at));
            if (col->has_flag)
                claim(c, &fields, arena_printf(c->a, "has_%s", col->c_name), cw, col->at);
        }
        symtab_free(&fields);
        /* Each query's arguments struct: a parameter's field and the
         * has_ flag of an optional number, boolean or datetime. */
        for (size_t q = 0; q < m->nqueries; q++) {
            const sch_query *qu = m->queries[q];
            symtab args = { 0 };
            for (size_t k = 0; k < qu->nparams; k++) {
                const sq_param *p = qu->params[k];
                const char *pw = arena_printf(c->a, "parameter :%s of query %s.%s", p->name, m->name, qu->name);
                claim(c, &args, p->c_name, pw, p->at);
                bool pointer = p->type == SCH_STRING || p->type == SCH_TEXT || p->type == SCH_BLOB;
                if (p->optional && !pointer)
                    claim(c, &args, arena_printf(c->a, "has_%s", p->c_name), pw, p->at);
            }
            symtab_free(&args);
        }
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

    /* 0. mixins; 1. declare, each body with its includes written out */
    collect_mixins(&c, files, nfiles);
    for (size_t f = 0; f < nfiles && !c.nomem; f++)
        for (const ast_decl *decl = files[f]->decls; decl && !c.nomem; decl = decl->next) {
            if (decl->kind == AST_IMPORT || decl->kind == AST_MIXIN)
                continue;
            chk_table *ct = declare(&c, expand_includes(&c, decl));
            if (ct == NULL)
                continue;
            c.all[c.nall++] = ct;
            if (ct->t->model)
                s->models[s->nmodels++] = ct->t->model;
        }
    unused_mixins(&c, files, nfiles);
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
    /* 5b. declared queries: their paths go through relationships and
     * backrefs, all resolved by now. */
    for (size_t i = 0; i < c.nall && !c.nomem; i++) {
        chk_table *ct = c.all[i];
        if (!ct->t->model)
            continue;
        qcheck_env env = { .d = d, .a = &s->mem, .damaged = ct->damaged || c.incomplete };
        for (size_t k = 0; k < ct->nqueries; k++)
            check_query(&env, ct->t->model, ct->queries[k]);
        c.nomem |= env.nomem;
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
    symtab_free(&c.mixins);
    symtab_free(&c.included);
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

