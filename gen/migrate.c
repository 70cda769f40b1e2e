/* migrate.c - the migration plan from one resolved schema to another: see
 * migrate.h.
 *
 * In order:
 *   1. match    NEW's tables with OLD's (same name, ignoring case as SQL
 *               does; else renamed_from), then each matched table's
 *               columns: the same SQL name, else renamed_from, else the
 *               same member name (match_columns); OLD's leftovers are
 *               dropped
 *   2. compare  every matched column and table; decide for each table
 *               whether ALTER TABLE can do it or it is rebuilt; collect the
 *               checks the values must pass; refuse what loses data
 *   3. indexes  OLD's that NEW does not have the same are dropped, NEW's
 *               that are not there are made
 *   4. steps    begin; checks; drop indexes; rename tables, then columns
 *               (ALTER TABLE carries a rename into the foreign keys of the
 *               other tables); drop tables; per table drop and add columns
 *               or rebuild; create tables; create indexes; checks; commit
 * SQL names are written through sql_ident (quoted where SQL needs it);
 * the DDL of tables, columns and indexes is plan_ddl.c's, so that a
 * migrated table is the table create_all makes.
 *
 * A column has two names (SPEC 9): its member's (sch_column.name), which
 * the model file, the C code and the messages use, and its SQL name
 * (.sql_name: column("...") or the member's), which the database has.
 * Every SQL text here names a column by its SQL name -- OLD's where it
 * reads the database before the steps, NEW's after the renames -- and
 * every message by its member (label(): with the SQL name beside it where
 * the two differ).  Matching, keys and constraints compare sch_column
 * pointers or NEW's member names, which name a column of NEW uniquely.
 */
#include "migrate.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plan.h"
#include "strbuf.h"

/* What became of one NEW column. */
typedef struct col_map {
    const sch_column *old;     /* NULL: added */
    const sch_column *new;
    bool renamed;              /* its SQL name changes: ALTER TABLE RENAME COLUMN */
    bool member_renamed;       /* its member's name changes (the model file's, the C code's) */
    /* What changes in the table, as compare_table() found it (PostgreSQL
     * does each with an ALTER TABLE of its own; SQLite rebuilds): */
    bool type_changed;         /* type, length, json, an enum's names */
    bool check_changed;        /* an enum's CHECK: names added or removed, enum-ness */
    bool unique_changed;
    bool default_changed;      /* the server default */
    bool fk_changed;           /* parent or ON DELETE */
    bool fk_remake;            /* PostgreSQL: its foreign key goes and comes back (the parent's key changes) */
    const char *pg_using;      /* PostgreSQL: ALTER COLUMN TYPE's USING, for a type that changes */
    const char *pg_fails;      /* ... and the message when a value does not convert (NULL: none can fail) */
} col_map;

/* What became of one table: NEW's (old NULL: created), or OLD's that NEW
 * drops (new NULL). */
typedef struct table_map {
    const sch_table *old, *new;
    bool renamed;
    col_map *cols;             /* per NEW column */
    const sch_column **dropped;/* OLD's columns that NEW does not have */
    size_t ndropped;
    bool rebuild;
    const char *why;           /* the first reason it is rebuilt */
    const char *temp;          /* rebuild: the new table's name while it is filled */
    bool key_changed;          /* the primary key's columns or their order */
    const sch_constraint **uadd, **udrop; /* unique(a, b): NEW's that OLD lacks, OLD's that NEW lacks */
    size_t nuadd, nudrop;
} table_map;

typedef struct mig {
    const sch_schema *old, *new;
    const mig_options *o;
    diag_ctx *d;
    arena *mem;
    mig_plan *plan;
    size_t step_cap, change_cap;
    table_map *maps;           /* NEW's tables in NEW's order, then OLD's dropped ones */
    size_t nmaps, nnew;
    mig_check *before, *after; /* the checks of the two check steps */
    size_t nbefore, nafter, before_cap, after_cap;
    plan_index_list oldix, newix;
    bool *newix_kept;
    bool pg;                   /* the steps being made are PostgreSQL's (step() adds to pg_steps) */
    size_t pg_step_cap;
    bool nomem;
} mig;

/* ------------------------------------------------------------------ */
/* Memory, text                                                          */

static void *grow(mig *m, void *old, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return old;
    size_t ncap = *cap ? 2 * *cap : 16;
    void *p = arena_alloc(m->mem, ncap * size);
    if (p == NULL) {
        m->nomem = true;
        return NULL;
    }
    if (old && n)
        memcpy(p, old, n * size);
    *cap = ncap;
    return p;
}

static const char *fmt(mig *m, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(mig *m, const char *f, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, f);
    strbuf_vprintf(&sb, f, ap);
    va_end(ap);
    char *s = sb.failed ? NULL : arena_strdup(m->mem, strbuf_str(&sb));
    strbuf_free(&sb);
    if (s == NULL)
        m->nomem = true;
    return s ? s : "";
}

/* The text of sb, in the arena; sb is emptied. */
static const char *take_sb(mig *m, strbuf *sb)
{
    char *s = sb->failed ? NULL : arena_strdup(m->mem, strbuf_str(sb));
    if (s == NULL)
        m->nomem = true;
    strbuf_reset(sb);
    sb->failed = false;
    return s ? s : "";
}

static bool same(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* "a, b, c": an enum's names. */
static const char *enum_names(mig *m, const sch_column *c)
{
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k < c->enumv->nvalues; k++)
        strbuf_printf(&sb, "%s%s", k ? ", " : "", c->enumv->values[k]);
    const char *s = take_sb(m, &sb);
    strbuf_free(&sb);
    return s;
}

/* "string(255)", "integer", "json", "enum(a, b)": a column's type in the
 * model language. */
static const char *type_text(mig *m, const sch_column *c)
{
    if (c->type == SCH_STRING && c->length > 0)
        return fmt(m, "string(%d)", c->length);
    if (c->type == SCH_TEXT && c->json)
        return "json";
    if (c->type == SCH_ENUM && c->enumv)
        return fmt(m, "enum(%s)", enum_names(m, c));
    return sch_type_name(c->type);
}

static const char *label(mig *m, const sch_column *c)
{
    if (strcmp(c->name, c->sql_name) == 0)
        return c->name;
    return fmt(m, "%s (column \"%s\")", c->name, c->sql_name);
}

static void change(mig *m, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void change(mig *m, const char *f, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, f);
    strbuf_vprintf(&sb, f, ap);
    va_end(ap);
    const char **c = grow(m, m->plan->changes, m->plan->nchanges, &m->change_cap, sizeof *c);
    if (c) {
        m->plan->changes = c;
        c[m->plan->nchanges++] = take_sb(m, &sb);
    }
    strbuf_free(&sb);
}

/* ------------------------------------------------------------------ */
/* Steps and checks                                                      */

static mig_step *step(mig *m, mig_kind kind, const char *table, const char *comment)
{
    mig_step **list = m->pg ? &m->plan->pg_steps : &m->plan->steps;
    size_t *n = m->pg ? &m->plan->npg_steps : &m->plan->nsteps;
    mig_step *s = grow(m, *list, *n, m->pg ? &m->pg_step_cap : &m->step_cap, sizeof *s);
    if (s == NULL)
        return NULL;
    *list = s;
    s = &s[(*n)++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->table = table;
    s->comment = comment;
    return s;
}

/* Append sb's text as a statement of st; sb is emptied. */
static void stmt(mig *m, mig_step *st, strbuf *sb)
{
    const char *text = take_sb(m, sb);
    if (st == NULL)
        return;
    /* Statements are few per step: grow one at a time. */
    const char **p = arena_alloc(m->mem, (st->nsql + 1) * sizeof *p);
    if (p == NULL) {
        m->nomem = true;
        return;
    }
    if (st->nsql)
        memcpy(p, st->sql, st->nsql * sizeof *p);
    p[st->nsql++] = text;
    st->sql = p;
}

static void stmt_text(mig *m, mig_step *st, const char *text)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, text);
    stmt(m, st, &sb);
    strbuf_free(&sb);
}

/* A check of both scripts: `cond` SQLite's, `pg` PostgreSQL's (either
 * NULL: none on that database). */
static void check2(mig *m, bool after, const char *cond, const char *pg, const char *message)
{
    mig_check **list = after ? &m->after : &m->before;
    size_t *n = after ? &m->nafter : &m->nbefore;
    size_t *cap = after ? &m->after_cap : &m->before_cap;
    mig_check *c = grow(m, *list, *n, cap, sizeof *c);
    if (c == NULL)
        return;
    *list = c;
    c[(*n)++] = (mig_check){ message, cond, pg };
}

/* A check of SQLite's script only. */
static void check(mig *m, bool after, const char *cond, const char *message)
{
    check2(m, after, cond, NULL, message);
}

/* A check whose SQL serves both databases. */
static void check_both(mig *m, bool after, const char *cond, const char *message)
{
    check2(m, after, cond, cond, message);
}

/* The checks as SQL: a temporary trigger on the step table raises each
 * message where its condition holds, one insert fires it, and it goes
 * again (a trigger would be compiled against tables a later step renames
 * or drops).  RAISE(ROLLBACK): the transaction is undone at once, so the
 * database is as it was whatever the executor does next. */
static void check_step(mig *m, bool after, const char *comment)
{
    mig_check *list = after ? m->after : m->before;
    size_t n = after ? m->nafter : m->nbefore, nlite = 0;
    for (size_t i = 0; i < n; i++)
        nlite += list[i].cond != NULL;
    if (nlite == 0)
        return;
    mig_step *st = step(m, MIG_CHECK, NULL, comment);
    if (st == NULL)
        return;
    st->checks = list;
    st->nchecks = n;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "CREATE TEMP TRIGGER assoc_migration_check BEFORE INSERT ON assoc_migration_step\nBEGIN\n");
    for (size_t i = 0; i < n; i++) {
        if (list[i].cond == NULL)
            continue;
        strbuf_puts(&sb, "    SELECT RAISE(ROLLBACK, ");
        sql_string(&sb, list[i].message);
        strbuf_printf(&sb, ")\n        WHERE %s;\n", list[i].cond);
    }
    strbuf_puts(&sb, "END");
    stmt(m, st, &sb);
    strbuf_printf(&sb, "INSERT INTO assoc_migration_step VALUES ('%s')", after ? "after" : "before");
    stmt(m, st, &sb);
    strbuf_puts(&sb, "DROP TRIGGER temp.assoc_migration_check");
    stmt(m, st, &sb);
    strbuf_free(&sb);
}

/* ------------------------------------------------------------------ */
/* 1. Matching                                                           */

static const sch_table *old_table_named(mig *m, const char *name)
{
    for (size_t i = 0; i < m->old->ntables; i++)
        if (same(m->old->tables[i]->name, name))
            return m->old->tables[i];
    return NULL;
}

/* t's column of that member name, else (when `sql`) of that SQL name. */
static const sch_column *column_named(const sch_table *t, const char *name, bool sql)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (same(t->columns[i]->name, name))
            return t->columns[i];
    for (size_t i = 0; sql && i < t->ncolumns; i++)
        if (same(t->columns[i]->sql_name, name))
            return t->columns[i];
    return NULL;
}

/* "status", or "status (column \"State\")" where column("State") gives it
 * a SQL name of its own: a column in a message. */
static const char *label(mig *m, const sch_column *c);

/* The map of OLD's table t (matched or dropped). */
static table_map *map_of_old(mig *m, const sch_table *t)
{
    for (size_t i = 0; i < m->nmaps; i++)
        if (m->maps[i].old == t)
            return &m->maps[i];
    return NULL;
}

static table_map *map_of_new(mig *m, const sch_table *t)
{
    for (size_t i = 0; i < m->nnew; i++)
        if (m->maps[i].new == t)
            return &m->maps[i];
    return NULL;
}

/* NEW's column that OLD's column c became, or NULL (dropped, or its table). */
static const sch_column *new_of(mig *m, const sch_column *c)
{
    table_map *tm = map_of_old(m, c->table);
    if (tm == NULL || tm->new == NULL)
        return NULL;
    for (size_t i = 0; i < tm->new->ncolumns; i++)
        if (tm->cols[i].old == c)
            return tm->cols[i].new;
    return NULL;
}

/* OLD's column c is taken by a NEW column of tm already. */
static bool taken(const table_map *tm, const sch_column *c)
{
    for (size_t j = 0; j < tm->new->ncolumns; j++)
        if (tm->cols[j].old == c)
            return true;
    return false;
}

/* The columns of a table NEW and OLD both have.  The database knows a
 * column by its SQL name, so, in three passes, each OLD column going to
 * one NEW column at most:
 *   1. the same SQL name (ignoring case, as SQL does): the same column,
 *      whatever its member is called now -- a member renamed under a kept
 *      column("...") changes nothing in the database;
 *   2. renamed_from(OLD): the old member of that name, else the old column
 *      of that SQL name;
 *   3. the same member name: the member kept and its SQL name changed
 *      (column("...") given, changed or dropped), a rename in the database.
 * A rename's new SQL name is thus no OLD column's that stays (pass 1 would
 * have matched it), so renames never collide, whatever their order.
 * renamed_from naming an old column that pass 1 gave to another NEW
 * column, or on a column pass 1 matched with another, contradicts it: an
 * error. */
static void match_columns(mig *m, table_map *tm)
{
    const sch_table *t = tm->new, *o = tm->old;
    for (size_t k = 0; k < t->ncolumns; k++) {
        col_map *cm = &tm->cols[k];
        for (size_t j = 0; j < o->ncolumns && cm->old == NULL; j++)
            if (same(o->columns[j]->sql_name, cm->new->sql_name) && !taken(tm, o->columns[j]))
                cm->old = o->columns[j];
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        col_map *cm = &tm->cols[k];
        const sch_column *n = cm->new;
        const sch_column *r = n->renamed_from ? column_named(o, n->renamed_from, true) : NULL;
        if (r == NULL || cm->old == r)
            continue;           /* none (a rename of an earlier migration), or the same column */
        if (cm->old == NULL && !taken(tm, r)) {
            cm->old = r;
            continue;
        }
        const sch_column *other = NULL;
        for (size_t j = 0; j < t->ncolumns && other == NULL; j++)
            if (tm->cols[j].old == r)
                other = tm->cols[j].new;
        if (other)
            diag_error(m->d, n->renamed_at,
                       "column %s.%s renamed_from(%s): the old column %s is %s now, which has its SQL name \"%s\"; "
                       "drop renamed_from(%s), or give %s another SQL name",
                       t->name, n->name, n->renamed_from, label(m, r), other->name, r->sql_name, n->renamed_from,
                       other->name);
        else
            diag_error(m->d, n->renamed_at,
                       "column %s.%s renamed_from(%s): its SQL name \"%s\" is the old column %s's, so it is that "
                       "column; drop renamed_from(%s), or give it another SQL name",
                       t->name, n->name, n->renamed_from, n->sql_name, cm->old->name, n->renamed_from);
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        col_map *cm = &tm->cols[k];
        const sch_column *c = cm->old ? NULL : column_named(o, cm->new->name, false);
        if (c && !taken(tm, c))
            cm->old = c;
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        col_map *cm = &tm->cols[k];
        if (cm->old == NULL)
            continue;
        cm->renamed = !same(cm->old->sql_name, cm->new->sql_name);
        cm->member_renamed = !same(cm->old->name, cm->new->name);
    }
}

static void match(mig *m)
{
    size_t n = m->new->ntables + m->old->ntables;
    m->maps = arena_alloc(m->mem, (n + 1) * sizeof *m->maps);
    if (m->maps == NULL) {
        m->nomem = true;
        return;
    }
    memset(m->maps, 0, (n + 1) * sizeof *m->maps);
    for (size_t i = 0; i < m->new->ntables; i++) {
        const sch_table *t = m->new->tables[i];
        table_map *tm = &m->maps[m->nmaps++];
        tm->new = t;
        tm->old = old_table_named(m, t->name);
        if (tm->old == NULL && t->renamed_from) {
            tm->old = old_table_named(m, t->renamed_from);
            tm->renamed = tm->old != NULL;
        }
    }
    m->nnew = m->nmaps;
    for (size_t i = 0; i < m->old->ntables; i++)
        if (map_of_old(m, m->old->tables[i]) == NULL)
            m->maps[m->nmaps++].old = m->old->tables[i];

    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        const sch_table *t = tm->new, *o = tm->old;
        tm->cols = arena_alloc(m->mem, (t->ncolumns + 1) * sizeof *tm->cols);
        tm->dropped = arena_alloc(m->mem, ((o ? o->ncolumns : 0) + 1) * sizeof *tm->dropped);
        if (tm->cols == NULL || tm->dropped == NULL) {
            m->nomem = true;
            return;
        }
        for (size_t k = 0; k < t->ncolumns; k++)
            tm->cols[k].new = t->columns[k];
        if (o)
            match_columns(m, tm);
        for (size_t k = 0; o && k < o->ncolumns; k++) {
            bool kept = false;
            for (size_t j = 0; j < t->ncolumns; j++)
                kept |= tm->cols[j].old == o->columns[k];
            if (!kept)
                tm->dropped[tm->ndropped++] = o->columns[k];
        }
    }
}

/* ------------------------------------------------------------------ */
/* 2. Comparing                                                          */

static bool has_name(const sch_enum *e, const char *name)
{
    for (size_t k = 0; k < e->nvalues; k++)
        if (strcmp(e->values[k], name) == 0)
            return true;
    return false;
}

/* Whether every name of a is one of b's (as the CHECK compares them: case
 * counts). */
static bool names_within(const sch_enum *a, const sch_enum *b)
{
    for (size_t k = 0; k < a->nvalues; k++)
        if (!has_name(b, a->values[k]))
            return false;
    return true;
}

/* The same type as the database holds it: a string's length, json or
 * text, an enum's names in any order (the order numbers the C enum; the
 * database holds names, and its CHECK allows the same ones). */
static bool same_type(const sch_column *a, const sch_column *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case SCH_STRING: return a->length == b->length;
    case SCH_TEXT: return a->json == b->json;
    case SCH_ENUM:
        return a->enumv && b->enumv && a->enumv->nvalues == b->enumv->nvalues && names_within(a->enumv, b->enumv);
    default: return true;
    }
}

/* Whether a (column ca's default) is b (column cb's).  An enum's default is
 * its name (its number changes when the names are reordered); a call's,
 * its function. */
static bool same_default(const sch_column *ca, const sch_default *a, const sch_column *cb, const sch_default *b)
{
    if (a->kind != b->kind)
        return false;
    bool ea = ca->type == SCH_ENUM && ca->enumv, eb = cb->type == SCH_ENUM && cb->enumv;
    switch (a->kind) {
    case SCH_DEFAULT_INT:
        if (ea || eb)
            return ea && eb && strcmp(ca->enumv->values[a->i - 1], cb->enumv->values[b->i - 1]) == 0;
        return a->i == b->i;
    case SCH_DEFAULT_FLOAT: return a->d == b->d;
    case SCH_DEFAULT_STRING: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case SCH_DEFAULT_CALL: return strcmp(a->fn, b->fn) == 0;
    default: return true;
    }
}

/* The server default the DDL declares (NOW is the client's, never in it). */
static bool has_server_default(const sch_column *c)
{
    return c->server_def.kind != SCH_DEFAULT_NONE && c->server_def.kind != SCH_DEFAULT_NOW;
}

/* UNIQUE as the DDL has it: a key of one column is unique by being the key. */
static bool is_unique(const sch_column *c)
{
    return c->unique && !(c->primary_key && c->table->npk == 1);
}

static bool not_null(const sch_column *c)
{
    return c->not_null || c->primary_key;
}

static sch_fk_action action(sch_fk_action a)
{
    return a == SCH_FK_NONE ? SCH_FK_NO_ACTION : a;
}

/* Whether OLD's column o's foreign key is NEW's column n's: the same
 * parent (as the migration maps it) and the same ON DELETE. */
static bool same_fk(mig *m, const sch_column *o, const sch_column *n)
{
    if (!o->fk || !n->fk)
        return !o->fk && !n->fk;
    return new_of(m, o->fk) == n->fk && action(o->ondelete) == action(n->ondelete);
}

/* A version-4 UUID's text, as default(uuid) makes one at insert: 122
 * random bits, the version nibble 4, the variant 8, 9, a or b.  Evaluated
 * per row.  (random() & 3, not abs(random()) % 4: abs() fails on the
 * smallest integer.) */
#define UUID_SQL                                                                                 \
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || " \
    "substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"

/* The value existing rows take for NEW's column c where they have none:
 * the server default, else (when `client`) the client default as SQL
 * makes it (now: the clock; uuid: a new one per row); "" when there is
 * none, and for default(call f), the program's function, which SQL
 * cannot call.  (A new integer key that is the row id takes the row id:
 * rebuild_step.) */
static const char *fill(mig *m, const sch_column *c, bool client)
{
    strbuf sb = STRBUF_INIT;
    if (has_server_default(c))
        plan_ddl_default(&sb, c, &c->server_def);
    else if (client && c->def.kind == SCH_DEFAULT_NOW)
        /* The client's clock as the generated code writes it. */
        strbuf_puts(&sb, "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'");
    else if (client && c->def.kind == SCH_DEFAULT_UUID)
        strbuf_puts(&sb, UUID_SQL);
    else if (client && c->def.kind != SCH_DEFAULT_NONE && c->def.kind != SCH_DEFAULT_CALL)
        plan_ddl_default(&sb, c, &c->def);
    const char *s = take_sb(m, &sb);
    strbuf_free(&sb);
    return s;
}

/* What a refusal asks for where fill() has nothing. */
static const char *default_hint(const sch_column *c)
{
    return c->def.kind == SCH_DEFAULT_CALL ? "server_default(...) as well" : "default(...)";
}

/* fill() for a reader: "a new UUID each" rather than its SQL. */
static const char *fill_shown(mig *m, const sch_column *c, bool client)
{
    const char *f = fill(m, c, client);
    return strcmp(f, UUID_SQL) == 0 ? "a new UUID each" : f;
}

/* Why a column has no value for existing rows: "" or, for default(call f),
 * that the program makes it. */
static const char *no_fill_why(mig *m, const sch_column *c)
{
    if (c->def.kind != SCH_DEFAULT_CALL)
        return "";
    return fmt(m, " (its default(call %s) is made by the program at insert, not by SQL)", c->def.fn);
}

static void rebuild(table_map *tm, const char *why)
{
    if (!tm->rebuild)
        tm->why = why;
    tm->rebuild = true;
}

/* "users" + ".email" for messages, by NEW's names. */
#define TN(tm) ((tm)->new->name)

/* The checks of values that must fit NEW, made before anything changes,
 * over OLD's names (the database's: the table's, the column's SQL name). */
static void fit_checks(mig *m, table_map *tm, const col_map *cm)
{
    const sch_column *o = cm->old, *n = cm->new;
    const char *N = label(m, n);
    strbuf t = STRBUF_INIT, c = STRBUF_INIT;
    sql_ident(&t, tm->old->name);
    sql_ident(&c, o->sql_name);
    const char *T = strbuf_str(&t), *C = strbuf_str(&c);
    /* PostgreSQL's values are typed: text is compared as text, and a
     * blob, which no cast makes text, fails each check that it reaches
     * (no blob is text, a boolean, a name or JSON, as on SQLite). */
    bool o_text = o->type == SCH_TEXT || o->type == SCH_STRING || o->type == SCH_ENUM;
    bool o_blob = o->type == SCH_BLOB;
    const char *pg_blob = fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL)", T, C);
    if (n->type == SCH_STRING && n->length > 0 &&
        !(o->type == SCH_STRING && o->length > 0 && o->length <= n->length))
        check2(m, false, fmt(m, "EXISTS (SELECT 1 FROM %s WHERE length(%s) > %d)", T, C, n->length),
               o_blob ? NULL : fmt(m, "EXISTS (SELECT 1 FROM %s WHERE length(CAST(%s AS text)) > %d)", T, C, n->length),
               fmt(m, "cannot migrate %s.%s to string(%d): a value is longer than %d characters; shorten it, "
                      "then run the script again", TN(tm), N, n->length, n->length));
    if (n->type == SCH_BOOLEAN && o->type != SCH_BOOLEAN)
        check2(m, false, fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL AND %s NOT IN (0, 1))", T, C, C),
               o->type == SCH_INTEGER || o->type == SCH_FLOAT
                   ? fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL AND %s NOT IN (0, 1))", T, C, C)
               : o_text || o->json
                   ? fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL AND CAST(%s AS text) NOT IN ('0', '1'))", T,
                         C, C)
                   : pg_blob,
               fmt(m, "cannot migrate %s.%s to boolean: a value is neither 0 nor 1", TN(tm), N));
    /* The new CHECK of an enum: the values must be among its names. */
    if (n->type == SCH_ENUM && n->enumv && !(o->type == SCH_ENUM && o->enumv && names_within(o->enumv, n->enumv))) {
        strbuf in = STRBUF_INIT;
        for (size_t k = 0; k < n->enumv->nvalues; k++) {
            strbuf_puts(&in, k ? ", " : "");
            sql_string(&in, n->enumv->values[k]);
        }
        check2(m, false, fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL AND %s NOT IN (%s))", T, C, C,
                             strbuf_str(&in)),
               o_blob ? pg_blob
                      : fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL AND CAST(%s AS text) NOT IN (%s))", T, C,
                            C, strbuf_str(&in)),
               fmt(m, "cannot migrate %s.%s to %s: a value is none of its names; change it, then run the script "
                      "again", TN(tm), N, type_text(m, n)));
        if (in.failed)
            m->nomem = true;
        strbuf_free(&in);
    }
    /* The new CHECK of json: the values must be JSON text (a blob is not,
     * and json_valid() of a blob is not the same on every SQLite). */
    /* (PostgreSQL: the cast to JSON, ALTER COLUMN TYPE's, says it.) */
    if (n->json && !o->json)
        check2(m, false,
               fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL AND\n"
                      "                      CASE WHEN typeof(%s) = 'blob' THEN 1 ELSE NOT json_valid(%s) END)",
                   T, C, C, C),
               o_blob ? pg_blob : NULL,
               fmt(m, "cannot migrate %s.%s to json: a value is not JSON; change it, then run the script again",
                   TN(tm), N));
    /* (PostgreSQL's json has no equality: its text is compared.) */
    if (is_unique(n) && !is_unique(o))
        check2(m, false,
               fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL GROUP BY %s HAVING count(*) > 1)", T, C, C),
               o->json ? fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL GROUP BY CAST(%s AS text) HAVING "
                                "count(*) > 1)", T, C, C)
                       : fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL GROUP BY %s HAVING count(*) > 1)", T,
                             C, C),
               fmt(m, "cannot migrate %s.%s to unique: two rows hold the same value; make them differ, then run "
                      "the script again", TN(tm), N));
    if (not_null(n) && !not_null(o) && !n->is_rowid && fill(m, n, true)[0] == '\0')
        check_both(m, false, fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NULL)", T, C),
                   fmt(m, "cannot migrate %s.%s to not_null: a row holds NULL and the column has no default%s; set "
                          "it, then run the script again", TN(tm), N, no_fill_why(m, n)));
    strbuf_free(&t);
    strbuf_free(&c);
}

/* After a rebuild copied the values, those of a column whose type changed
 * must be of the new type (SQLite converts what it can on insert). */
static void type_check(mig *m, table_map *tm, const col_map *cm)
{
    const sch_column *n = cm->new;
    const char *allowed = NULL, *what = NULL;
    switch (n->type) {
    case SCH_INTEGER: allowed = "'integer'"; what = "an integer"; break;
    case SCH_FLOAT: allowed = "'real', 'integer'"; what = "a number"; break;
    case SCH_TEXT:
    case SCH_STRING:
    case SCH_ENUM: allowed = "'text'"; what = "text"; break;
    case SCH_DATETIME: allowed = "'text', 'integer', 'real'"; what = "a datetime"; break;
    case SCH_BOOLEAN:
    case SCH_BLOB: return;     /* booleans are checked before; a blob holds anything */
    }
    strbuf t = STRBUF_INIT, c = STRBUF_INIT;
    sql_ident(&t, tm->new->name);
    sql_ident(&c, n->sql_name);
    check(m, true, fmt(m, "EXISTS (SELECT 1 FROM %s WHERE typeof(%s) NOT IN (%s, 'null'))", strbuf_str(&t),
                       strbuf_str(&c), allowed),
          fmt(m, "cannot migrate %s.%s from %s to %s: a value is not %s; change it, then run the script again",
              TN(tm), label(m, n), type_text(m, cm->old), type_text(m, n), what));
    strbuf_free(&t);
    strbuf_free(&c);
}

/* The kinds of value PostgreSQL converts between. */
typedef enum pg_kind { PK_INT, PK_FLOAT, PK_BOOL, PK_TEXT, PK_JSON, PK_TIME, PK_BLOB } pg_kind;

static pg_kind pg_kind_of(const sch_column *c)
{
    switch (c->type) {
    case SCH_INTEGER: return PK_INT;
    case SCH_FLOAT: return PK_FLOAT;
    case SCH_BOOLEAN: return PK_BOOL;
    case SCH_TEXT: return c->json ? PK_JSON : PK_TEXT;
    case SCH_STRING:
    case SCH_ENUM: return PK_TEXT;
    case SCH_DATETIME: return PK_TIME;
    case SCH_BLOB: return PK_BLOB;
    }
    return PK_TEXT;
}

/* How PostgreSQL's ALTER COLUMN TYPE converts a column whose type changes
 * (cm->pg_using, over NEW's names: the renames come first), the message
 * when a value does not convert (cm->pg_fails: the statement is wrapped),
 * and, where a cast would change a value silently or no cast exists, a
 * check before anything changes.  The rules are SQLite's: what its type
 * check after the copy refuses (text that is no integer, a blob that is no
 * text), and the fit checks (booleans, an enum's names, JSON, lengths). */
static void pg_convert(mig *m, table_map *tm, col_map *cm)
{
    const sch_column *o = cm->old, *n = cm->new;
    pg_kind from = pg_kind_of(o), to = pg_kind_of(n);
    strbuf c = STRBUF_INIT, oc = STRBUF_INIT, ot = STRBUF_INIT;
    sql_ident(&c, n->sql_name);
    sql_ident(&oc, o->sql_name);
    sql_ident(&ot, tm->old->name);
    const char *C = strbuf_str(&c);
    const char *what = to == PK_INT ? "an integer" : to == PK_FLOAT ? "a number" : to == PK_TIME ? "a datetime"
                     : to == PK_BLOB ? "a blob" : "text";
    const char *fails = fmt(m, "cannot migrate %s.%s from %s to %s: a value is not %s; change it, then run the script "
                               "again", TN(tm), label(m, n), type_text(m, o), type_text(m, n), what);
    /* No value of the old kind is one of the new: only NULLs may be there. */
    bool none = false;
    const char *using = NULL, *wrap = NULL;
    switch (to) {
    case PK_INT:
        if (from == PK_FLOAT) {
            check2(m, false, NULL, fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s <> trunc(%s))", strbuf_str(&ot),
                                       strbuf_str(&oc), strbuf_str(&oc)), fails);
            using = fmt(m, "CAST(%s AS bigint)", C);
        } else if (from == PK_BOOL) {
            using = fmt(m, "CAST(%s AS integer)", C);
        } else if (from == PK_TEXT || from == PK_JSON) {
            using = fmt(m, "CAST(CAST(%s AS text) AS bigint)", C);
        } else {
            none = true;
        }
        wrap = fails;
        break;
    case PK_FLOAT:
        if (from == PK_INT)
            using = fmt(m, "CAST(%s AS double precision)", C);
        else if (from == PK_BOOL)
            using = fmt(m, "CAST(CAST(%s AS integer) AS double precision)", C);
        else if (from == PK_TEXT || from == PK_JSON)
            using = fmt(m, "CAST(CAST(%s AS text) AS double precision)", C), wrap = fails;
        else
            none = true;
        break;
    case PK_BOOL:
        /* The fit check made sure of 0 and 1 (and of no blob, time). */
        if (from == PK_INT || from == PK_FLOAT)
            using = fmt(m, "%s <> 0", C);
        else if (from == PK_TEXT || from == PK_JSON)
            using = fmt(m, "CAST(%s AS text) = '1'", C);
        else
            using = "NULL";
        break;
    case PK_TEXT:
        if (from == PK_BLOB)
            none = true;
        else
            using = fmt(m, "CAST(%s AS text)", C), wrap = fmt(m, "cannot migrate %s.%s to %s: a value does not fit; "
                                                                 "change it, then run the script again", TN(tm),
                                                              label(m, n), type_text(m, n));
        break;
    case PK_JSON:
        /* JSON's own message, as SQLite's check before says it. */
        if (from == PK_BLOB)
            using = "NULL";   /* the fit check allowed only NULLs */
        else
            using = fmt(m, "CAST(CAST(%s AS text) AS json)", C),
            wrap = fmt(m, "cannot migrate %s.%s to json: a value is not JSON; change it, then run the script again",
                       TN(tm), label(m, n));
        break;
    case PK_TIME:
        if (from == PK_TEXT || from == PK_JSON)
            using = fmt(m, "CAST(CAST(%s AS text) AS timestamp)", C), wrap = fails;
        else
            none = true;
        break;
    case PK_BLOB:
        using = fmt(m, "convert_to(CAST(%s AS text), 'UTF8')", C);
        break;
    }
    if (none) {
        check2(m, false, NULL, fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL)", strbuf_str(&ot),
                                   strbuf_str(&oc)), fails);
        using = "NULL";
        wrap = NULL;
    }
    cm->pg_using = using;
    cm->pg_fails = wrap;
    strbuf_free(&c);
    strbuf_free(&oc);
    strbuf_free(&ot);
}

/* Whether ALTER TABLE ADD COLUMN can add NEW's column c: SQLite adds no
 * key, no UNIQUE, no NOT NULL without a constant default, no
 * CURRENT_TIMESTAMP default, no foreign key with a default. */
static bool can_add(const sch_column *c)
{
    bool server = has_server_default(c);
    if (c->primary_key || is_unique(c))
        return false;
    if (c->not_null && !server)
        return false;
    if (c->server_def.kind == SCH_DEFAULT_CURRENT_TIMESTAMP)
        return false;
    if (c->fk && server)
        return false;
    for (size_t k = 0; k < c->table->nconstraints; k++)
        for (size_t j = 0; j < c->table->constraints[k].ncolumns; j++)
            if (c->table->constraints[k].unique && c->table->constraints[k].columns[j] == c)
                return false;
    return true;
}

/* Whether ALTER TABLE DROP COLUMN can drop OLD's column c: not a key, not
 * unique, no foreign key either way, in no unique(a, b), no enum or
 * boolean.  (Its indexes are dropped before.)  SQLite drops no column that
 * a CHECK of the table names, and while our DDL checks an enum's names and
 * a boolean's 0 or 1 in the column's own CHECK, which goes with it,
 * SQLAlchemy's Enum(create_constraint=True) and Boolean (before 1.4, or
 * create_constraint=True) write a table CHECK: such a database takes a
 * rebuild. */
static bool can_drop(mig *m, const sch_column *c)
{
    if (c->primary_key || is_unique(c) || c->fk || c->type == SCH_ENUM || c->type == SCH_BOOLEAN)
        return false;
    const sch_table *t = c->table;
    for (size_t k = 0; k < t->nconstraints; k++)
        for (size_t j = 0; j < t->constraints[k].ncolumns; j++)
            if (t->constraints[k].unique && t->constraints[k].columns[j] == c)
                return false;
    for (size_t i = 0; i < m->old->ntables; i++)
        for (size_t k = 0; k < m->old->tables[i]->ncolumns; k++)
            if (m->old->tables[i]->columns[k]->fk == c)
                return false;
    return true;
}

/* "a, b" of a constraint, by NEW's member names (OLD's columns mapped; a
 * member names one column of NEW, whatever its SQL name, and the text is
 * also the messages'); NULL when a column of it is gone. */
static const char *constraint_key(mig *m, const sch_constraint *k, bool old)
{
    strbuf sb = STRBUF_INIT;
    for (size_t j = 0; j < k->ncolumns; j++) {
        const sch_column *c = old ? new_of(m, k->columns[j]) : k->columns[j];
        if (c == NULL) {
            strbuf_free(&sb);
            return NULL;
        }
        strbuf_printf(&sb, "%s%s", j ? ", " : "", c->name);
    }
    const char *s = take_sb(m, &sb);
    strbuf_free(&sb);
    return s;
}

static bool has_unique_constraint(mig *m, const sch_table *t, const char *key, bool old)
{
    for (size_t k = 0; k < t->nconstraints; k++) {
        const char *other = t->constraints[k].unique ? constraint_key(m, &t->constraints[k], old) : NULL;
        if (other && same(other, key))
            return true;
    }
    return false;
}

/* The key's columns by NEW's member names (as constraint_key), in key
 * order. */
static const char *key_names(mig *m, const sch_table *t, bool old)
{
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k < t->npk; k++) {
        const sch_column *c = old ? new_of(m, t->pk[k]) : t->pk[k];
        strbuf_printf(&sb, "%s%s", k ? ", " : "", c ? c->name : "?");
    }
    const char *s = take_sb(m, &sb);
    strbuf_free(&sb);
    return s;
}

static void refuse(mig *m, loc at, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void refuse(mig *m, loc at, const char *f, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, f);
    strbuf_vprintf(&sb, f, ap);
    va_end(ap);
    diag_error(m->d, at, "%s", strbuf_str(&sb));
    strbuf_free(&sb);
}

static void compare_table(mig *m, table_map *tm)
{
    const sch_table *t = tm->new, *o = tm->old;
    const char *T = t->name;
    if (tm->renamed)
        change(m, "table %s renamed to %s", o->name, T);
    bool reordered = false;
    for (size_t k = 0; k < t->ncolumns; k++) {
        col_map *cm = &tm->cols[k];
        const sch_column *n = cm->new, *c = cm->old;
        const char *N = label(m, n);
        if (c == NULL) {
            const char *f = fill(m, n, not_null(n));
            if (not_null(n) && !n->is_rowid && f[0] == '\0') {
                if (!m->o->allow_data_loss)
                    refuse(m, n->at,
                           "column %s.%s is new and not_null without a default%s, so the rows %s has cannot be "
                           "kept; give it a %s (the rows take it), or pass --allow-data-loss to migrate "
                           "anyway (the script then stops if %s has a row)", T, n->name, no_fill_why(m, n),
                           o->name, default_hint(n), o->name);
                strbuf tt = STRBUF_INIT;
                sql_ident(&tt, o->name);
                check_both(m, false, fmt(m, "EXISTS (SELECT 1 FROM %s)", strbuf_str(&tt)),
                           fmt(m, "cannot migrate: %s has rows, and its new column %s is not_null without a "
                                  "default%s", T, N, no_fill_why(m, n)));
                strbuf_free(&tt);
            }
            change(m, "%s.%s added (%s)%s", T, N, type_text(m, n),
                   f[0] ? fmt(m, ", existing rows take %s", fill_shown(m, n, not_null(n))) : "");
            if (!can_add(n))
                rebuild(tm, fmt(m, "ALTER TABLE cannot add %s.%s (a key, unique, not null without a constant "
                                      "default, or a default with a foreign key)", T, n->name));
            continue;
        }
        /* Its names: the member's (the model file's, the C code's), the SQL
         * name (the database's). */
        if (cm->renamed && cm->member_renamed)
            change(m, "%s.%s renamed to %s", T, label(m, c), N);
        else if (cm->renamed)
            change(m, "%s.%s: its SQL name \"%s\" becomes \"%s\"", T, n->name, c->sql_name, n->sql_name);
        else if (cm->member_renamed)
            change(m, "%s.%s renamed to %s; its SQL name \"%s\" stays (no change to the table)", T, c->name,
                   n->name, n->sql_name);
        else if (strcmp(c->sql_name, n->sql_name) != 0)
            change(m, "%s.%s: its SQL name \"%s\" becomes \"%s\", the same to SQL, which ignores case (no change "
                      "to the table)", T, n->name, c->sql_name, n->sql_name);
        if (!same_type(c, n)) {
            change(m, "%s.%s: %s becomes %s", T, N, type_text(m, c), type_text(m, n));
            rebuild(tm, fmt(m, "%s.%s changes type", T, n->name));
            cm->type_changed = true;
            cm->check_changed = c->type == SCH_ENUM || n->type == SCH_ENUM;
            pg_convert(m, tm, cm);
        } else if (n->type == SCH_ENUM && strcmp(type_text(m, c), type_text(m, n)) != 0) {
            change(m, "%s.%s: %s becomes %s: the same names in another order, which numbers the C enum (no change "
                      "to the table, which holds the names)", T, N, type_text(m, c), type_text(m, n));
        }
        if (c->primary_key != n->primary_key) {
            change(m, "%s.%s %s the primary key", T, N, n->primary_key ? "joins" : "leaves");
            rebuild(tm, fmt(m, "the primary key of %s changes", T));
        }
        if (!n->primary_key && not_null(c) != not_null(n)) {
            const char *f = fill(m, n, true);
            change(m, "%s.%s becomes %s%s", T, N, n->not_null ? "not_null" : "nullable",
                   n->not_null && f[0] ? fmt(m, " (NULLs take %s)", fill_shown(m, n, true)) : "");
            rebuild(tm, fmt(m, "%s.%s becomes %s", T, n->name, n->not_null ? "not_null" : "nullable"));
            if (n->not_null && f[0] == '\0' && !m->o->allow_data_loss)
                refuse(m, n->at,
                       "column %s.%s becomes not_null without a default%s, so a row that holds NULL in it cannot "
                       "be kept; give it a %s (existing NULLs take it), or pass --allow-data-loss to "
                       "migrate anyway (the script then stops if a row holds NULL)", T, n->name,
                       no_fill_why(m, n), default_hint(n));
        }
        if (is_unique(c) != is_unique(n)) {
            cm->unique_changed = true;
            change(m, "%s.%s becomes %s", T, N, is_unique(n) ? "unique" : "not unique");
            rebuild(tm, fmt(m, "%s.%s becomes %s", T, n->name, is_unique(n) ? "unique" : "not unique"));
        }
        if (!same_default(c, &c->server_def, n, &n->server_def) && (has_server_default(c) || has_server_default(n))) {
            change(m, "%s.%s: its server_default changes", T, N);
            cm->default_changed = true;
            rebuild(tm, fmt(m, "the server_default of %s.%s changes", T, n->name));
        }
        /* Client defaults (now, uuid, call f, constants) and onupdate(now)
         * are the generated code's: not in the table. */
        if (!same_default(c, &c->def, n, &n->def))
            change(m, "%s.%s: its default changes (applied by the generated code; no change to the table)", T, N);
        if (c->onupdate_now != n->onupdate_now)
            change(m, "%s.%s: onupdate(now) %s (applied by the generated code; no change to the table)", T, N,
                   n->onupdate_now ? "comes" : "goes");
        if (!same_fk(m, c, n)) {
            cm->fk_changed = true;
            if (n->fk)
                change(m, "%s.%s: foreign key to %s.%s%s%s", T, N, n->fk->table->name, n->fk->name,
                       sch_fk_action_sql(n->ondelete) ? " ON DELETE " : "",
                       sch_fk_action_sql(n->ondelete) ? sch_fk_action_sql(n->ondelete) : "");
            else
                change(m, "%s.%s: its foreign key goes", T, N);
            rebuild(tm, fmt(m, "the foreign key of %s.%s changes", T, n->name));
        }
        fit_checks(m, tm, cm);
    }
    /* The columns OLD has too, in another order (a mixin's included
     * elsewhere): the generated code names every column it reads. */
    size_t last = 0;
    for (size_t k = 0; k < t->ncolumns && !reordered; k++) {
        const sch_column *c = tm->cols[k].old;
        if (c && c->index < last)
            reordered = true;
        else if (c)
            last = c->index;
    }
    if (reordered)
        change(m, "%s: its columns are declared in another order (the generated code names each column it reads: "
                  "no change to the table)", T);
    for (size_t k = 0; k < tm->ndropped; k++) {
        const sch_column *c = tm->dropped[k];
        change(m, "%s.%s dropped", T, label(m, c));
        if (!m->o->allow_data_loss)
            refuse(m, c->at,
                   "%s drops column %s.%s and the values in it; pass --allow-data-loss to drop it, or, if it was "
                   "renamed, write renamed_from(%s) on the column that takes its place", m->o->new_file, o->name,
                   label(m, c), c->name);
        if (!can_drop(m, c))
            rebuild(tm, fmt(m, "ALTER TABLE cannot drop %s.%s (a key, unique, a foreign key, or an enum or a "
                                  "boolean, which SQLAlchemy checks in a CHECK of the table)", o->name, c->name));
    }
    /* The key's columns and their order; the unique(a, b) constraints. */
    const char *ok = key_names(m, o, true), *nk = key_names(m, t, false);
    if (!same(ok, nk)) {
        tm->key_changed = true;
        change(m, "the primary key of %s becomes (%s)", T, nk);
        rebuild(tm, fmt(m, "the primary key of %s becomes (%s)", T, nk));
        if (t->npk > 0) {
            /* Its values must be unique, as the key makes them. */
            strbuf cols = STRBUF_INIT, tt = STRBUF_INIT;
            bool all_old = true;
            for (size_t k = 0; k < t->npk; k++) {
                const col_map *cm = &tm->cols[t->pk[k]->index];
                all_old &= cm->old != NULL;
                if (k)
                    strbuf_puts(&cols, ", ");
                sql_ident(&cols, cm->old ? cm->old->sql_name : "?");
            }
            sql_ident(&tt, o->name);
            if (all_old)
                check_both(m, false,
                           fmt(m, "EXISTS (SELECT 1 FROM %s GROUP BY %s HAVING count(*) > 1)", strbuf_str(&tt),
                               strbuf_str(&cols)),
                           fmt(m, "cannot migrate %s to the primary key (%s): two rows hold the same values", T, nk));
            strbuf_free(&cols);
            strbuf_free(&tt);
        }
    }
    for (size_t k = 0; k < t->nconstraints; k++) {
        const sch_constraint *con = &t->constraints[k];
        const char *key = con->unique ? constraint_key(m, con, false) : NULL;
        if (key == NULL || has_unique_constraint(m, o, key, true))
            continue;
        change(m, "%s: unique(%s) added", T, key);
        rebuild(tm, fmt(m, "%s gets unique(%s)", T, key));
        const sch_constraint **ua = arena_alloc(m->mem, (tm->nuadd + 1) * sizeof *ua);
        if (ua == NULL) {
            m->nomem = true;
            return;
        }
        if (tm->nuadd)
            memcpy(ua, tm->uadd, tm->nuadd * sizeof *ua);
        ua[tm->nuadd++] = con;
        tm->uadd = ua;
        strbuf cols = STRBUF_INIT, nn = STRBUF_INIT, tt = STRBUF_INIT;
        bool all_old = true;
        for (size_t j = 0; j < con->ncolumns; j++) {
            const col_map *cm = &tm->cols[con->columns[j]->index];
            all_old &= cm->old != NULL;
            if (!cm->old)
                continue;
            if (cols.len)
                strbuf_puts(&cols, ", ");
            sql_ident(&cols, cm->old->sql_name);
            strbuf_puts(&nn, nn.len ? " AND " : "");
            sql_ident(&nn, cm->old->sql_name);
            strbuf_puts(&nn, " IS NOT NULL");
        }
        sql_ident(&tt, o->name);
        if (all_old)
            check_both(m, false,
                  fmt(m, "EXISTS (SELECT 1 FROM %s WHERE %s GROUP BY %s HAVING count(*) > 1)", strbuf_str(&tt),
                      strbuf_str(&nn), strbuf_str(&cols)),
                  fmt(m, "cannot migrate %s to unique(%s): two rows hold the same values; make them differ, then "
                         "run the script again", T, key));
        strbuf_free(&cols);
        strbuf_free(&nn);
        strbuf_free(&tt);
    }
    for (size_t k = 0; k < o->nconstraints; k++) {
        const sch_constraint *con = &o->constraints[k];
        if (!con->unique)
            continue;
        const char *key = constraint_key(m, con, true);
        if (key && has_unique_constraint(m, t, key, false))
            continue;
        change(m, "%s: a unique(...) constraint goes", T);
        rebuild(tm, fmt(m, "%s loses a unique(...) constraint", T));
        const sch_constraint **ud = arena_alloc(m->mem, (tm->nudrop + 1) * sizeof *ud);
        if (ud == NULL) {
            m->nomem = true;
            return;
        }
        if (tm->nudrop)
            memcpy(ud, tm->udrop, tm->nudrop * sizeof *ud);
        ud[tm->nudrop++] = con;
        tm->udrop = ud;
    }
    if (tm->rebuild)
        for (size_t k = 0; k < t->ncolumns; k++)
            if (tm->cols[k].old && tm->cols[k].old->type != tm->cols[k].new->type)
                type_check(m, tm, &tm->cols[k]);
}

/* A name no table of either schema has (ignoring case) for the table a
 * rebuild fills: assoc_new_<table>, or with _2, _3, ... */
static const char *temp_name(mig *m, const char *table)
{
    for (int k = 1;; k++) {
        const char *name = k == 1 ? fmt(m, "assoc_new_%s", table) : fmt(m, "assoc_new_%s_%d", table, k);
        bool taken = old_table_named(m, name) != NULL;
        for (size_t i = 0; i < m->new->ntables && !taken; i++)
            taken = same(m->new->tables[i]->name, name);
        if (!taken || m->nomem)
            return name;
    }
}

/* ------------------------------------------------------------------ */
/* 3. Indexes                                                            */

/* Whether NEW's index ni is OLD's index oi as the migration leaves it:
 * same name, same table, same columns (mapped). */
static bool same_index(mig *m, const plan_index *oi, const plan_index *ni)
{
    if (!same(oi->name, ni->name) || oi->ncolumns != ni->ncolumns)
        return false;
    table_map *tm = map_of_old(m, oi->table);
    if (tm == NULL || tm->new != ni->table)
        return false;
    for (size_t k = 0; k < oi->ncolumns; k++)
        if (new_of(m, oi->columns[k]) != ni->columns[k])
            return false;
    return true;
}

/* ------------------------------------------------------------------ */
/* 4. Steps                                                              */

static void begin_step(mig *m)
{
    mig_step *st = step(m, MIG_BEGIN, NULL,
                        "Foreign keys off, as SQLite's table rebuild requires (PRAGMA foreign_keys\n"
                        "does nothing inside a transaction); renames carried into other tables'\n"
                        "foreign keys; one transaction; the table that records migrations.");
    stmt_text(m, st, "PRAGMA foreign_keys = OFF");
    stmt_text(m, st, "PRAGMA legacy_alter_table = OFF");
    stmt_text(m, st, "BEGIN IMMEDIATE");
    stmt_text(m, st, "CREATE TABLE IF NOT EXISTS assoc_migrations (\n"
                     "    id TEXT NOT NULL,\n"
                     "    from_file TEXT NOT NULL,\n"
                     "    to_file TEXT NOT NULL,\n"
                     "    applied_at TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP)\n"
                     ")");
    stmt_text(m, st, "DROP TABLE IF EXISTS temp.assoc_migration_step");
    stmt_text(m, st, "CREATE TEMP TABLE assoc_migration_step (step TEXT NOT NULL)");
}

/* SQLite's affinity of a declared type (its "Datatypes" page), by the
 * name of a column `type`, as SQL; and the affinity of each model type.
 * The type JSON, SQLAlchemy's for its JSON (numeric affinity, holding JSON
 * text), is 'json': a json column may have it (as <schema>_verify
 * allows), no other. */
#define AFFINITY_SQL                                                                               \
    "CASE WHEN upper(type) = 'JSON' THEN 'json'\n"                                                \
    "                          WHEN type LIKE '%INT%' THEN 'integer'\n"                          \
    "                          WHEN type LIKE '%CHAR%' OR type LIKE '%CLOB%' OR type LIKE '%TEXT%' THEN 'text'\n" \
    "                          WHEN type LIKE '%BLOB%' OR type = '' THEN 'blob'\n"                 \
    "                          WHEN type LIKE '%REAL%' OR type LIKE '%FLOA%' OR type LIKE '%DOUB%' THEN 'real'\n" \
    "                          ELSE 'numeric' END"

static const char *affinity_name(sch_type t)
{
    switch (t) {
    case SCH_INTEGER: return "integer";
    case SCH_FLOAT: return "real";
    case SCH_TEXT:
    case SCH_STRING:
    case SCH_ENUM: return "text";
    case SCH_BLOB: return "blob";
    case SCH_BOOLEAN:
    case SCH_DATETIME: return "numeric";
    }
    return "numeric";
}

/* A column's type family on PostgreSQL, as verify accepts it
 * (pg_temp.assoc_columns() names the database's the same way). */
static const char *pg_family_name(const sch_column *c)
{
    switch (pg_kind_of(c)) {
    case PK_INT: return "integer";
    case PK_FLOAT: return "real";
    case PK_BOOL: return "boolean";
    case PK_TEXT: return "text";
    case PK_JSON: return "json";
    case PK_TIME: return "datetime";
    case PK_BLOB: return "blob";
    }
    return "text";
}

/* The checks before anything changes: not applied already; the database
 * at OLD, as OLD's <schema>_verify would find it (each table, each column's
 * name, affinity, key or NOT NULL, each foreign key with its ON DELETE),
 * and none of what the migration makes there yet; then the fit of the
 * values (already collected by compare_table). */
static void guard_checks(mig *m)
{
    mig_check *fits = m->before;
    size_t nfits = m->nbefore;
    m->before = NULL;
    m->nbefore = m->before_cap = 0;
    const char *old = m->o->old_file;
    /* The SQLite it runs on: 3.26 carries renames into other tables'
     * foreign keys as the steps expect; DROP COLUMN came with 3.35. */
    bool drops = false;
    for (size_t i = 0; i < m->nnew; i++)
        drops |= m->maps[i].ndropped > 0 && !m->maps[i].rebuild;
    int need = drops ? 35 : 26;
    check(m, false,
          fmt(m, "CAST(sqlite_version() AS INTEGER) * 1000 +\n"
                 "              CAST(substr(sqlite_version(), instr(sqlite_version(), '.') + 1) AS INTEGER) < %d",
              3000 + need),
          fmt(m, "this script needs SQLite 3.%d or later%s", need, drops ? " (ALTER TABLE DROP COLUMN)" : ""));
    check2(m, false, fmt(m, "(SELECT id FROM main.assoc_migrations ORDER BY rowid DESC LIMIT 1) = '%s'", m->plan->id),
           fmt(m, "(SELECT id FROM assoc_migrations ORDER BY seq DESC LIMIT 1) = '%s'", m->plan->id),
           fmt(m, "this migration from %s to %s is the last one recorded in assoc_migrations: it was applied "
                  "already, and the database is left as it is", old, m->o->new_file));
    strbuf sb = STRBUF_INIT, name = STRBUF_INIT, shown = STRBUF_INIT, pgsig = STRBUF_INIT;
    for (size_t i = 0; i < m->old->ntables; i++) {
        const sch_table *t = m->old->tables[i];
        strbuf_reset(&name);
        sql_string(&name, t->name);
        check2(m, false,
               fmt(m, "NOT EXISTS (SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = %s COLLATE NOCASE)",
                   strbuf_str(&name)),
               fmt(m, "pg_temp.assoc_table(%s) IS NULL", strbuf_str(&name)),
               fmt(m, "the database is not at %s: it has no table %s", old, t->name));
        /* Its columns as <schema>_verify compares them: name, affinity of
         * the type, in the key or NOT NULL or neither. */
        strbuf_reset(&sb);
        strbuf_reset(&shown);
        strbuf_reset(&pgsig);
        for (size_t k = 0; k < t->ncolumns; k++) {
            const sch_column *c = t->columns[k];
            /* PostgreSQL: the type's family, as verify accepts it. */
            char *psig = (char *)fmt(m, "%s %s %s", c->sql_name, pg_family_name(c),
                                     c->primary_key ? "key" : c->not_null ? "not null" : "null");
            for (char *low = psig; *low; low++)
                if (*low >= 'A' && *low <= 'Z')
                    *low = (char)(*low - 'A' + 'a');
            strbuf_puts(&pgsig, k ? ", " : "");
            sql_string(&pgsig, psig);
            for (int json = 0; json <= c->json; json++) {
                const char *sig = fmt(m, "%s %s %s", c->sql_name, json ? "json" : affinity_name(c->type),
                                      c->primary_key ? "key" : c->not_null ? "not null" : "null");
                char *low = (char *)sig;
                for (; *low; low++)
                    if (*low >= 'A' && *low <= 'Z')
                        *low = (char)(*low - 'A' + 'a');
                strbuf_puts(&sb, k || json ? ", " : "");
                sql_string(&sb, sig);
                if (!json)
                    strbuf_printf(&shown, "%s%s %s %s", k ? "; " : "", c->sql_name, type_text(m, c),
                                  c->primary_key ? "key" : c->not_null ? "not null" : "null");
            }
        }
        check2(m, false,
               fmt(m, "(SELECT count(*) FROM pragma_table_info(%s, 'main')\n"
                      "               WHERE lower(name) || ' ' ||\n"
                      "                     %s || ' ' ||\n"
                      "                     CASE WHEN pk > 0 THEN 'key' WHEN \"notnull\" THEN 'not null' ELSE 'null' END\n"
                      "                     IN (%s)) <> %zu",
                   strbuf_str(&name), AFFINITY_SQL, strbuf_str(&sb), t->ncolumns),
               fmt(m, "(SELECT count(*) FROM pg_temp.assoc_columns(%s)\n"
                      "               WHERE lower(name) || ' ' || family || ' ' ||\n"
                      "                     CASE WHEN key THEN 'key' WHEN not_null THEN 'not null' ELSE 'null' END\n"
                      "                     IN (%s)) <> %zu",
                   strbuf_str(&name), strbuf_str(&pgsig), t->ncolumns),
               fmt(m, "the database is not at %s: a column of table %s is missing or is not as %s declares it "
                      "(name, type, key or NOT NULL: %s)", old, t->name, old, strbuf_str(&shown)));
        /* Its foreign keys: column, parent table, ON DELETE. */
        size_t nfk = 0;
        strbuf_reset(&sb);
        strbuf_reset(&shown);
        for (size_t k = 0; k < t->ncolumns; k++) {
            const sch_column *c = t->columns[k];
            if (c->fk == NULL)
                continue;
            const char *act = sch_fk_action_sql(action(c->ondelete));
            char *sig = (char *)fmt(m, "%s %s %s", c->sql_name, c->fk->table->name, act);
            for (char *low = sig; *low; low++)
                if (*low >= 'A' && *low <= 'Z')
                    *low = (char)(*low - 'A' + 'a');
            strbuf_puts(&sb, nfk ? ", " : "");
            sql_string(&sb, sig);
            strbuf_printf(&shown, "%s%s.%s references %s on delete %s", nfk ? "; " : "", t->name, c->sql_name,
                          c->fk->table->name, act);
            nfk++;
        }
        if (nfk)
            check2(m, false,
                  fmt(m, "(SELECT count(*) FROM pragma_foreign_key_list(%s, 'main')\n"
                         "               WHERE lower(\"from\" || ' ' || \"table\" || ' ' || on_delete) IN (%s)) <> %zu",
                      strbuf_str(&name), strbuf_str(&sb), nfk),
                  fmt(m, "(SELECT count(*) FROM pg_temp.assoc_foreign_keys(%s)\n"
                         "               WHERE lower(name || ' ' || parent || ' ' || on_delete) IN (%s)) <> %zu",
                      strbuf_str(&name), strbuf_str(&sb), nfk),
                  fmt(m, "the database is not at %s: a foreign key of table %s is missing or is not as %s declares "
                         "it (%s)", old, t->name, old, strbuf_str(&shown)));
    }
    strbuf_free(&shown);
    strbuf_free(&pgsig);
    /* What the migration makes must not be there: new tables, new names of
     * tables, the rebuilds' temporary tables; new and renamed columns. */
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        const char *names[2] = { tm->old == NULL || tm->renamed ? tm->new->name : NULL, tm->temp };
        for (size_t j = 0; j < 2; j++) {
            if (names[j] == NULL)
                continue;
            strbuf_reset(&name);
            sql_string(&name, names[j]);
            /* (PostgreSQL rebuilds nothing: no temporary table.) */
            check2(m, false, fmt(m, "EXISTS (SELECT 1 FROM main.sqlite_master WHERE name = %s COLLATE NOCASE)",
                                 strbuf_str(&name)),
                   j == 1 ? NULL : fmt(m, "pg_temp.assoc_table(%s, true) IS NOT NULL", strbuf_str(&name)),
                   fmt(m, "the database is not at %s: it has %s already, which this migration %s", old, names[j],
                       j == 1 ? "uses for a table it rebuilds" : "makes"));
        }
        if (tm->old == NULL)
            continue;
        for (size_t k = 0; k < tm->new->ncolumns; k++) {
            const col_map *cm = &tm->cols[k];
            if (cm->old && !cm->renamed)
                continue;
            strbuf_reset(&name);
            sql_string(&name, tm->old->name);
            strbuf_reset(&sb);
            sql_string(&sb, cm->new->sql_name);
            check2(m, false,
                  fmt(m, "EXISTS (SELECT 1 FROM pragma_table_info(%s, 'main') WHERE name = %s COLLATE NOCASE)",
                      strbuf_str(&name), strbuf_str(&sb)),
                  fmt(m, "EXISTS (SELECT 1 FROM pg_temp.assoc_columns(%s) WHERE lower(name) = lower(%s))",
                      strbuf_str(&name), strbuf_str(&sb)),
                  fmt(m, "the database is not at %s: table %s has a column %s already, which this migration %s",
                      old, tm->old->name, cm->new->sql_name, cm->old ? "renames one to" : "adds"));
        }
    }
    /* A table the script rebuilds gets NEW's columns only: one the database
     * has beyond OLD's (a column another program added) would be lost. */
    for (size_t i = 0; i < m->nnew && !m->o->allow_data_loss; i++) {
        const table_map *tm = &m->maps[i];
        if (!tm->rebuild)
            continue;
        strbuf_reset(&name);
        sql_string(&name, tm->old->name);
        check(m, false, fmt(m, "(SELECT count(*) FROM pragma_table_info(%s, 'main')) > %zu", strbuf_str(&name),
                            tm->old->ncolumns),
              fmt(m, "cannot migrate: table %s has columns %s does not declare, which rebuilding it would lose; "
                     "declare them in the model files, or generate the script with --allow-data-loss to drop them",
                  tm->old->name, old));
    }
    strbuf_free(&sb);
    strbuf_free(&name);
    for (size_t i = 0; i < nfits; i++)
        check2(m, false, fits[i].cond, fits[i].pg, fits[i].message);
}

static void rebuild_step(mig *m, table_map *tm)
{
    const sch_table *t = tm->new;
    mig_step *st = step(m, MIG_REBUILD, t->name,
                        fmt(m, "Rebuild %s: %s.\n"
                               "SQLite's 12 steps: the new table, the rows copied, the old table dropped,\n"
                               "the new one renamed (its indexes are made below).",
                            t->name, tm->why));
    strbuf sb = STRBUF_INIT, cols = STRBUF_INIT, vals = STRBUF_INIT;
    plan_ddl_table_as(&sb, m->new, t, tm->temp);
    /* The DDL ends in ";\n". */
    while (sb.len && (sb.data[sb.len - 1] == '\n' || sb.data[sb.len - 1] == ';'))
        sb.data[--sb.len] = '\0';
    stmt(m, st, &sb);
    for (size_t k = 0; k < t->ncolumns; k++) {
        const col_map *cm = &tm->cols[k];
        const sch_column *n = cm->new;
        if (k) {
            strbuf_puts(&cols, ", ");
            strbuf_puts(&vals, ", ");
        }
        /* The old table has NEW's SQL names by now: the renames came
         * first. */
        sql_ident(&cols, n->sql_name);
        if (cm->old == NULL) {
            const char *f = n->is_rowid ? "rowid" : fill(m, n, not_null(n));
            strbuf_puts(&vals, f[0] ? f : "NULL");
        } else if (not_null(n) && !not_null(cm->old) && !n->is_rowid && fill(m, n, true)[0]) {
            strbuf_puts(&vals, "coalesce(");
            sql_ident(&vals, n->sql_name);
            strbuf_printf(&vals, ", %s)", fill(m, n, true));
        } else {
            sql_ident(&vals, n->sql_name);
        }
    }
    strbuf_puts(&sb, "INSERT INTO ");
    sql_ident(&sb, tm->temp);
    strbuf_printf(&sb, " (%s)\nSELECT %s\nFROM ", strbuf_str(&cols), strbuf_str(&vals));
    sql_ident(&sb, t->name);
    stmt(m, st, &sb);
    strbuf_puts(&sb, "DROP TABLE ");
    sql_ident(&sb, t->name);
    stmt(m, st, &sb);
    /* The rename under legacy_alter_table: nothing refers to the temporary
     * name, and SQLite's newer rename would stop at a view of the table,
     * which refers to a table that is not there until the rename is done. */
    stmt_text(m, st, "PRAGMA legacy_alter_table = ON");
    strbuf_puts(&sb, "ALTER TABLE ");
    sql_ident(&sb, tm->temp);
    strbuf_puts(&sb, " RENAME TO ");
    sql_ident(&sb, t->name);
    stmt(m, st, &sb);
    stmt_text(m, st, "PRAGMA legacy_alter_table = OFF");
    strbuf_free(&sb);
    strbuf_free(&cols);
    strbuf_free(&vals);
}

static void alter_steps(mig *m, table_map *tm)
{
    const sch_table *t = tm->new;
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k < tm->ndropped; k++) {
        mig_step *st = step(m, MIG_DROP_COLUMN, t->name,
                            fmt(m, "%s.%s goes%s.", t->name, label(m, tm->dropped[k]),
                                m->o->allow_data_loss ? ", and its values with it (--allow-data-loss)" : ""));
        strbuf_puts(&sb, "ALTER TABLE ");
        sql_ident(&sb, t->name);
        strbuf_puts(&sb, " DROP COLUMN ");
        sql_ident(&sb, tm->dropped[k]->sql_name);
        stmt(m, st, &sb);
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        const sch_column *n = tm->cols[k].new;
        if (tm->cols[k].old)
            continue;
        mig_step *st = step(m, MIG_ADD_COLUMN, t->name,
                            fmt(m, "%s.%s is new%s.", t->name, label(m, n),
                                has_server_default(n) ? ": the rows there are take its default" : ""));
        strbuf_puts(&sb, "ALTER TABLE ");
        sql_ident(&sb, t->name);
        strbuf_puts(&sb, " ADD COLUMN ");
        plan_ddl_column(&sb, m->new, n);
        stmt(m, st, &sb);
    }
    strbuf_free(&sb);
}

/* Tables whose foreign keys are checked at the end: each rebuilt one that
 * has foreign keys, and each that refers to a rebuilt one. */
static void fk_checks(mig *m)
{
    for (size_t i = 0; i < m->nnew; i++) {
        const table_map *tm = &m->maps[i];
        const sch_table *t = tm->new;
        bool check_it = false;
        for (size_t k = 0; k < t->ncolumns && !check_it; k++) {
            const sch_column *c = t->columns[k];
            const table_map *parent = c->fk ? map_of_new(m, c->fk->table) : NULL;
            check_it = c->fk && tm->old && (tm->rebuild || (parent && parent->rebuild));
        }
        if (!check_it)
            continue;
        strbuf name = STRBUF_INIT;
        sql_string(&name, t->name);
        check(m, true, fmt(m, "EXISTS (SELECT 1 FROM pragma_foreign_key_check(%s, 'main'))", strbuf_str(&name)),
              fmt(m, "cannot migrate: a row of %s refers to a row that does not exist (PRAGMA "
                     "foreign_key_check(%s) lists them); fix those rows, then run the script again",
                  t->name, t->name));
        strbuf_free(&name);
    }
}

/* A statement of the form WORDS name [WORDS2 name2]: the names quoted as
 * SQL needs. */
static void statement(mig *m, mig_step *st, const char *words, const char *name, const char *words2,
                      const char *name2)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, words);
    sql_ident(&sb, name);
    if (words2) {
        strbuf_puts(&sb, words2);
        sql_ident(&sb, name2);
    }
    stmt(m, st, &sb);
    strbuf_free(&sb);
}

/* OLD's indexes that NEW does not have as they are, on the tables that
 * stay (a dropped or rebuilt table's go with it); those it keeps are
 * marked, so that only the others are made. */
static void drop_index_steps(mig *m)
{
    for (size_t i = 0; i < m->oldix.n && !m->nomem; i++) {
        const plan_index *oi = &m->oldix.items[i];
        table_map *tm = map_of_old(m, oi->table);
        if (tm == NULL || tm->new == NULL || tm->rebuild)
            continue;
        bool kept = false;
        for (size_t k = 0; k < m->newix.n && !kept; k++)
            if (same_index(m, oi, &m->newix.items[k]))
                kept = m->newix_kept[k] = true;
        if (kept)
            continue;
        mig_step *st = step(m, MIG_DROP_INDEX, tm->new->name, fmt(m, "Index %s is not the new schema's.", oi->name));
        statement(m, st, "DROP INDEX IF EXISTS ", oi->name, NULL, NULL);
        change(m, "index %s dropped", oi->name);
    }
}

/* Tables, then columns: ALTER TABLE carries each into the other tables'
 * foreign keys (and a column's into indexes), before anything else uses
 * the new names. */
static void rename_steps(mig *m)
{
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        if (!tm->renamed)
            continue;
        mig_step *st = step(m, MIG_RENAME_TABLE, tm->new->name,
                            fmt(m, "Table %s is renamed %s (renamed_from); the foreign keys of other tables\n"
                                   "follow it.", tm->old->name, tm->new->name));
        statement(m, st, "ALTER TABLE ", tm->old->name, " RENAME TO ", tm->new->name);
    }
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        for (size_t k = 0; tm->old && k < tm->new->ncolumns; k++) {
            const col_map *cm = &tm->cols[k];
            if (!cm->renamed)
                continue;
            const char *rf = cm->new->renamed_from;
            const char *why = rf && (same(rf, cm->old->name) || same(rf, cm->old->sql_name))
                                  ? "renamed_from"
                                  : "the member's column(...) changes";
            mig_step *st = step(m, MIG_RENAME_COLUMN, tm->new->name,
                                fmt(m, "%s.%s is renamed %s (%s); indexes and foreign keys follow it.",
                                    tm->new->name, cm->old->sql_name, cm->new->sql_name, why));
            strbuf sb = STRBUF_INIT;
            strbuf_puts(&sb, "ALTER TABLE ");
            sql_ident(&sb, tm->new->name);
            strbuf_puts(&sb, " RENAME COLUMN ");
            sql_ident(&sb, cm->old->sql_name);
            strbuf_puts(&sb, " TO ");
            sql_ident(&sb, cm->new->sql_name);
            stmt(m, st, &sb);
            strbuf_free(&sb);
        }
    }
}

/* NEW's tables that OLD lacks, then every index of NEW that is not there. */
static void create_steps(mig *m)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        if (tm->old)
            continue;
        mig_step *st = step(m, MIG_CREATE_TABLE, tm->new->name, fmt(m, "Table %s is new.", tm->new->name));
        plan_ddl_table_as(&sb, m->new, tm->new, tm->new->name);
        while (sb.len && (sb.data[sb.len - 1] == '\n' || sb.data[sb.len - 1] == ';'))
            sb.data[--sb.len] = '\0';
        stmt(m, st, &sb);
    }
    strbuf_free(&sb);
    for (size_t i = 0; i < m->newix.n; i++) {
        const plan_index *ni = &m->newix.items[i];
        if (m->newix_kept[i])
            continue;
        table_map *tm = map_of_new(m, ni->table);
        mig_step *st = step(m, MIG_CREATE_INDEX, ni->table->name,
                            fmt(m, "Index %s%s.", ni->name,
                                tm && tm->old == NULL ? " of the new table"
                                : tm && tm->rebuild   ? " again, on the rebuilt table"
                                                      : " is new"));
        stmt_text(m, st, ni->sql);
        if (tm && tm->old && !tm->rebuild)
            change(m, "index %s added", ni->name);
    }
}

static void commit_step(mig *m)
{
    mig_step *st = step(m, MIG_COMMIT, NULL, "Record the migration; commit; foreign keys on again.");
    stmt_text(m, st, "DROP TABLE temp.assoc_migration_step");
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "INSERT INTO assoc_migrations (id, from_file, to_file)\nVALUES (");
    sql_string(&sb, m->plan->id);
    strbuf_puts(&sb, ", ");
    sql_string(&sb, m->o->old_file);
    strbuf_puts(&sb, ", ");
    sql_string(&sb, m->o->new_file);
    strbuf_puts(&sb, ")");
    stmt(m, st, &sb);
    strbuf_free(&sb);
    stmt_text(m, st, "COMMIT");
    stmt_text(m, st, "PRAGMA foreign_keys = ON");
}

/* ------------------------------------------------------------------ */
/* 5. PostgreSQL's steps                                                 */
/*
 * The same decisions (compare_table's), PostgreSQL's own ALTER TABLE for
 * each: nothing is rebuilt.  In order: begin (the transaction, UTC, the
 * record table, helpers in pg_temp); the checks; drop the indexes,
 * foreign keys, keys, unique constraints and enum CHECKs that change or
 * go (over OLD's names: the catalogs find their names, which differ
 * between create_all, SQLAlchemy and renames); rename tables and columns;
 * drop tables; per table drop, add and alter columns; add the keys,
 * unique constraints and CHECKs; create the new tables; add the foreign
 * keys (each existing row checked, the failure named); create the
 * indexes; record; commit.
 */

/* The helpers the steps call, in the session's pg_temp (gone when it
 * ends; dropped at commit):
 *   assoc_table(name [, any kind])  the oid of the current schema's table
 *                                   (or, any kind, relation) of that name,
 *                                   ignoring case as verify does; NULL
 *   assoc_columns(table)            its columns: name, the type's family
 *                                   as verify accepts it, in the key, NOT NULL
 *   assoc_foreign_keys(table)       its foreign keys of one column: the
 *                                   column, the parent, ON DELETE
 *   assoc_drop(table, kind, cols)   drop its constraints of a kind --
 *                                   'primary key', 'foreign key', 'unique'
 *                                   (and unique indexes), 'check' (an IN
 *                                   list's) -- over exactly those columns */
static const char *const PG_HELPERS[] = {
    "CREATE OR REPLACE FUNCTION pg_temp.assoc_table(text, boolean DEFAULT false) RETURNS oid\n"
    "LANGUAGE sql STABLE AS $f$\n"
    "    SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "    WHERE n.nspname = current_schema() AND lower(c.relname) = lower($1) AND ($2 OR c.relkind IN ('r', 'p'))\n"
    "    ORDER BY c.relname = $1 DESC LIMIT 1\n"
    "$f$",
    "CREATE OR REPLACE FUNCTION pg_temp.assoc_columns(text)\n"
    "RETURNS TABLE (name text, family text, key boolean, not_null boolean)\n"
    "LANGUAGE sql STABLE AS $f$\n"
    "    SELECT a.attname::text,\n"
    "           CASE WHEN t.typname IN ('int8', 'int4', 'int2') THEN 'integer'\n"
    "                WHEN t.typname IN ('float8', 'float4', 'numeric') THEN 'real'\n"
    "                WHEN t.typname IN ('varchar', 'text', 'bpchar') THEN 'text'\n"
    "                WHEN t.typname IN ('json', 'jsonb') THEN 'json'\n"
    "                WHEN t.typname = 'bool' THEN 'boolean'\n"
    "                WHEN t.typname = 'timestamp' THEN 'datetime'\n"
    "                WHEN t.typname = 'bytea' THEN 'blob'\n"
    "                ELSE t.typname::text END,\n"
    "           EXISTS (SELECT 1 FROM pg_catalog.pg_index i\n"
    "                   WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)),\n"
    "           a.attnotnull\n"
    "    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid\n"
    "    WHERE a.attrelid = pg_temp.assoc_table($1) AND a.attnum > 0 AND NOT a.attisdropped\n"
    "$f$",
    "CREATE OR REPLACE FUNCTION pg_temp.assoc_foreign_keys(text)\n"
    "RETURNS TABLE (name text, parent text, on_delete text)\n"
    "LANGUAGE sql STABLE AS $f$\n"
    "    SELECT a.attname::text, p.relname::text,\n"
    "           CASE con.confdeltype WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null'\n"
    "                WHEN 'd' THEN 'set default' ELSE 'no action' END\n"
    "    FROM pg_catalog.pg_constraint con\n"
    "    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]\n"
    "    JOIN pg_catalog.pg_class p ON p.oid = con.confrelid\n"
    "    WHERE con.conrelid = pg_temp.assoc_table($1) AND con.contype = 'f' AND cardinality(con.conkey) = 1\n"
    "$f$",
    "CREATE OR REPLACE PROCEDURE pg_temp.assoc_drop(tab text, kind text, cols text[])\n"
    "LANGUAGE plpgsql AS $f$\n"
    "DECLARE\n"
    "    rel oid := pg_temp.assoc_table(tab);\n"
    "    keys int2[];\n"
    "    r record;\n"
    "BEGIN\n"
    "    SELECT array_agg(a.attnum) INTO keys FROM pg_catalog.pg_attribute a\n"
    "    WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped\n"
    "        AND lower(a.attname) IN (SELECT lower(x) FROM unnest(cols) AS x);\n"
    "    FOR r IN SELECT con.conname FROM pg_catalog.pg_constraint con\n"
    "             WHERE con.conrelid = rel AND CASE kind\n"
    "                 WHEN 'primary key' THEN con.contype = 'p'\n"
    "                 WHEN 'foreign key' THEN con.contype = 'f' AND con.conkey @> keys AND con.conkey <@ keys\n"
    "                 WHEN 'unique' THEN con.contype = 'u' AND con.conkey @> keys AND con.conkey <@ keys\n"
    "                 ELSE con.contype = 'c' AND con.conkey @> keys AND con.conkey <@ keys\n"
    "                     AND pg_catalog.pg_get_constraintdef(con.oid) LIKE '%= ANY%' END\n"
    "    LOOP\n"
    "        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', rel::regclass, r.conname);\n"
    "    END LOOP;\n"
    "    IF kind = 'unique' THEN\n"
    "        FOR r IN SELECT i.indexrelid FROM pg_catalog.pg_index i\n"
    "                 WHERE i.indrelid = rel AND i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL\n"
    "                     AND i.indexprs IS NULL AND i.indkey::int2[] @> keys AND i.indkey::int2[] <@ keys\n"
    "                     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c\n"
    "                                     WHERE c.conindid = i.indexrelid AND c.conrelid = rel)\n"
    "        LOOP\n"
    "            EXECUTE format('DROP INDEX %s', r.indexrelid::regclass);\n"
    "        END LOOP;\n"
    "    END IF;\n"
    "END\n"
    "$f$",
};

static void pg_begin_step(mig *m)
{
    mig_step *st = step(m, MIG_BEGIN, NULL,
                        "One transaction (PostgreSQL's DDL is transactional: an error undoes it all);\n"
                        "UTC, as libassoc's sessions have it; the table that records migrations;\n"
                        "helpers that read the catalogs of the current schema (pg_temp, this\n"
                        "session's only).");
    stmt_text(m, st, "BEGIN");
    stmt_text(m, st, "DO $assoc$\n"
                     "BEGIN\n"
                     "    IF current_setting('server_version_num')::integer < 110000 THEN\n"
                     "        RAISE EXCEPTION '%', 'this script needs PostgreSQL 11 or later';\n"
                     "    END IF;\n"
                     "END\n"
                     "$assoc$");
    stmt_text(m, st, "SET LOCAL TIME ZONE 'UTC'");
    stmt_text(m, st, "CREATE TABLE IF NOT EXISTS assoc_migrations (\n"
                     "    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                     "    id TEXT NOT NULL,\n"
                     "    from_file TEXT NOT NULL,\n"
                     "    to_file TEXT NOT NULL,\n"
                     "    applied_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')\n"
                     ")");
    for (size_t i = 0; i < sizeof PG_HELPERS / sizeof PG_HELPERS[0]; i++)
        stmt_text(m, st, PG_HELPERS[i]);
}

/* The checks as a DO block that raises each message where its condition
 * holds. */
static void pg_check_step(mig *m, const char *comment)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nbefore; i++)
        n += m->before[i].pg != NULL;
    if (n == 0)
        return;
    mig_step *st = step(m, MIG_CHECK, NULL, comment);
    if (st == NULL)
        return;
    st->checks = m->before;
    st->nchecks = m->nbefore;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "DO $assoc$\nBEGIN\n");
    for (size_t i = 0; i < m->nbefore; i++) {
        if (m->before[i].pg == NULL)
            continue;
        strbuf_printf(&sb, "    IF %s THEN\n        RAISE EXCEPTION '%%', ", m->before[i].pg);
        sql_string(&sb, m->before[i].message);
        strbuf_puts(&sb, ";\n    END IF;\n");
    }
    strbuf_puts(&sb, "END\n$assoc$");
    stmt(m, st, &sb);
    strbuf_free(&sb);
}

/* `sql` in a DO block that turns errors of class `errors` (a condition
 * name of PL/pgSQL) into `message`, and (when errors2 is not NULL) those
 * of errors2 into message2, PostgreSQL's own in the DETAIL. */
static void pg_wrapped2(mig *m, mig_step *st, const char *sql, const char *errors, const char *message,
                        const char *errors2, const char *message2)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "DO $assoc$\nBEGIN\n    %s;\nEXCEPTION", sql);
    for (int k = 0; k < 2; k++) {
        if (k == 1 && errors2 == NULL)
            break;
        strbuf_printf(&sb, "\n    WHEN %s THEN\n        RAISE EXCEPTION '%%', ", k ? errors2 : errors);
        sql_string(&sb, k ? message2 : message);
        strbuf_puts(&sb, " USING DETAIL = SQLERRM;");
    }
    strbuf_puts(&sb, "\nEND\n$assoc$");
    stmt(m, st, &sb);
    strbuf_free(&sb);
}

static void pg_wrapped(mig *m, mig_step *st, const char *sql, const char *errors, const char *message)
{
    pg_wrapped2(m, st, sql, errors, message, NULL, NULL);
}

/* CALL pg_temp.assoc_drop('table', 'kind', ARRAY['a', 'b']) */
static void pg_drop(mig *m, const char *table, const char *kind, const sch_column *const *cols, size_t n,
                    const char *comment)
{
    mig_step *st = step(m, MIG_DROP_CONSTRAINT, table, comment);
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "CALL pg_temp.assoc_drop(");
    sql_string(&sb, table);
    strbuf_printf(&sb, ", '%s', ", kind);
    if (n == 0) {
        strbuf_puts(&sb, "NULL");
    } else {
        strbuf_puts(&sb, "ARRAY[");
        for (size_t k = 0; k < n; k++) {
            strbuf_puts(&sb, k ? ", " : "");
            sql_string(&sb, cols[k]->sql_name);
        }
        strbuf_puts(&sb, "]");
    }
    strbuf_puts(&sb, ")");
    stmt(m, st, &sb);
    strbuf_free(&sb);
}

/* The value existing rows take for NEW's column c where they have none,
 * as fill() but in PostgreSQL's SQL. */
static const char *pg_fill(mig *m, const sch_column *c, bool client)
{
    strbuf sb = STRBUF_INIT;
    if (has_server_default(c))
        plan_ddl_pg_default(&sb, c, &c->server_def);
    else if (client && c->def.kind == SCH_DEFAULT_NOW)
        strbuf_puts(&sb, "(now() AT TIME ZONE 'UTC')");
    else if (client && c->def.kind == SCH_DEFAULT_UUID)
        strbuf_puts(&sb, "CAST(gen_random_uuid() AS text)");
    else if (client && c->def.kind != SCH_DEFAULT_NONE && c->def.kind != SCH_DEFAULT_CALL)
        plan_ddl_pg_default(&sb, c, &c->def);
    const char *s = take_sb(m, &sb);
    strbuf_free(&sb);
    return s;
}

/* "ALTER TABLE t " + the rest, a statement of st. */
static void pg_alter(mig *m, mig_step *st, const char *table, const char *f, ...) __attribute__((format(printf, 4, 5)));
static void pg_alter(mig *m, mig_step *st, const char *table, const char *f, ...)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "ALTER TABLE ");
    sql_ident(&sb, table);
    strbuf_putc(&sb, ' ');
    va_list ap;
    va_start(ap, f);
    strbuf_vprintf(&sb, f, ap);
    va_end(ap);
    stmt(m, st, &sb);
    strbuf_free(&sb);
}

static const char *ident(mig *m, const char *name)
{
    strbuf sb = STRBUF_INIT;
    sql_ident(&sb, name);
    const char *s = take_sb(m, &sb);
    strbuf_free(&sb);
    return s;
}

/* Indexes: OLD's that NEW does not have as they are go, from every table
 * that stays (nothing is rebuilt here). */
static void pg_drop_index_steps(mig *m, bool *kept)
{
    for (size_t i = 0; i < m->oldix.n && !m->nomem; i++) {
        const plan_index *oi = &m->oldix.items[i];
        table_map *tm = map_of_old(m, oi->table);
        if (tm == NULL || tm->new == NULL)
            continue;
        bool same_one = false;
        for (size_t k = 0; k < m->newix.n && !same_one; k++)
            if (same_index(m, oi, &m->newix.items[k]))
                same_one = kept[k] = true;
        if (same_one)
            continue;
        mig_step *st = step(m, MIG_DROP_INDEX, tm->new->name, fmt(m, "Index %s is not the new schema's.", oi->name));
        statement(m, st, "DROP INDEX IF EXISTS ", oi->name, NULL, NULL);
    }
}

/* The constraints that change or go, over OLD's names (before the
 * renames): foreign keys first (a key they refer to may go next), then
 * keys, unique constraints and enum CHECKs. */
static void pg_drop_constraint_steps(mig *m)
{
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        if (tm->old == NULL)
            continue;
        const char *T = tm->old->name;
        for (size_t k = 0; k < tm->new->ncolumns; k++) {
            const col_map *cm = &tm->cols[k];
            if (cm->old && cm->old->fk && (cm->fk_changed || cm->fk_remake))
                pg_drop(m, T, "foreign key", &cm->old, 1,
                        fmt(m, "The foreign key of %s.%s %s.", tm->new->name, label(m, cm->new),
                            cm->fk_changed ? "changes" : "goes while the key it refers to changes, and comes back"));
        }
        for (size_t k = 0; k < tm->ndropped; k++)
            if (tm->dropped[k]->fk)
                pg_drop(m, T, "foreign key", &tm->dropped[k], 1,
                        fmt(m, "The foreign key of %s.%s goes with the column.", T, label(m, tm->dropped[k])));
    }
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        if (tm->old == NULL)
            continue;
        const char *T = tm->old->name;
        if (tm->key_changed && tm->old->npk > 0)
            pg_drop(m, T, "primary key", NULL, 0, fmt(m, "The primary key of %s changes.", tm->new->name));
        for (size_t k = 0; k < tm->new->ncolumns; k++) {
            const col_map *cm = &tm->cols[k];
            if (cm->old && cm->unique_changed && is_unique(cm->old))
                pg_drop(m, T, "unique", &cm->old, 1,
                        fmt(m, "%s.%s is unique no more.", tm->new->name, label(m, cm->new)));
            if (cm->old && cm->check_changed && cm->old->type == SCH_ENUM)
                pg_drop(m, T, "check", &cm->old, 1,
                        fmt(m, "The CHECK of %s.%s's enum names goes (%s becomes %s).", tm->new->name,
                            label(m, cm->new), type_text(m, cm->old), type_text(m, cm->new)));
        }
        for (size_t k = 0; k < tm->nudrop; k++)
            pg_drop(m, T, "unique", (const sch_column *const *)tm->udrop[k]->columns, tm->udrop[k]->ncolumns,
                    fmt(m, "A unique(...) constraint of %s goes.", tm->new->name));
    }
}

/* One table that stays: its columns dropped, added and changed. */
static void pg_table_steps(mig *m, table_map *tm)
{
    const sch_table *t = tm->new;
    const char *T = t->name;
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k < tm->ndropped; k++) {
        mig_step *st = step(m, MIG_DROP_COLUMN, T,
                            fmt(m, "%s.%s goes%s.", T, label(m, tm->dropped[k]),
                                m->o->allow_data_loss ? ", and its values with it (--allow-data-loss)" : ""));
        pg_alter(m, st, T, "DROP COLUMN %s", ident(m, tm->dropped[k]->sql_name));
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        const sch_column *n = tm->cols[k].new;
        if (tm->cols[k].old)
            continue;
        /* NOT NULL with a value only the client makes: added empty, filled,
         * then NOT NULL. */
        bool later = not_null(n) && !has_server_default(n) && !n->is_rowid;
        const char *f = later ? pg_fill(m, n, true) : "";
        mig_step *st = step(m, MIG_ADD_COLUMN, T,
                            fmt(m, "%s.%s is new%s.", T, label(m, n),
                                n->is_rowid                ? ": the rows there are take a key each"
                                : has_server_default(n)   ? ": the rows there are take its default"
                                : later && f[0]           ? ": the rows there are take its default, then it is NOT NULL"
                                                          : ""));
        plan_ddl_pg_add_column(&sb, m->new, n);
        if (later) {
            /* The definition says NOT NULL: not yet. */
            static const char nn[] = " NOT NULL";
            char *at = strstr(sb.data, nn);
            if (at)
                memmove(at, at + sizeof nn - 1, strlen(at + sizeof nn - 1) + 1), sb.len -= sizeof nn - 1;
        }
        pg_alter(m, st, T, "ADD COLUMN %s", strbuf_str(&sb));
        strbuf_reset(&sb);
        if (later && f[0])
            stmt_text(m, st, fmt(m, "UPDATE %s SET %s = %s", ident(m, T), ident(m, n->sql_name), f));
        if (later)
            pg_alter(m, st, T, "ALTER COLUMN %s SET NOT NULL", ident(m, n->sql_name));
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        const col_map *cm = &tm->cols[k];
        const sch_column *o = cm->old, *n = cm->new;
        if (o == NULL)
            continue;
        const char *C = ident(m, n->sql_name);
        bool to_nn = not_null(n) && !not_null(o), to_null = !not_null(n) && not_null(o);
        bool rowid_goes = o->is_rowid && !n->is_rowid, rowid_comes = n->is_rowid && !o->is_rowid;
        bool set_default = cm->default_changed || (cm->type_changed && has_server_default(n));
        if (!cm->type_changed && !to_nn && !to_null && !rowid_goes && !rowid_comes && !set_default)
            continue;
        mig_step *st = step(m, MIG_ALTER_COLUMN, T, fmt(m, "%s.%s changes.", T, label(m, n)));
        bool dropped_default = false;
        if (rowid_goes) {
            /* An identity column (create_all's) or a serial (SQLAlchemy's). */
            pg_alter(m, st, T, "ALTER COLUMN %s DROP IDENTITY IF EXISTS", C);
            pg_alter(m, st, T, "ALTER COLUMN %s DROP DEFAULT", C);
            dropped_default = true;
        }
        if (cm->type_changed) {
            if (has_server_default(o) && !dropped_default) {
                /* The old default may not cast to the new type. */
                pg_alter(m, st, T, "ALTER COLUMN %s DROP DEFAULT", C);
                dropped_default = true;
            }
            strbuf_puts(&sb, "ALTER TABLE ");
            sql_ident(&sb, T);
            strbuf_printf(&sb, " ALTER COLUMN %s TYPE ", C);
            plan_ddl_pg_type(&sb, n);
            strbuf_printf(&sb, " USING %s", cm->pg_using ? cm->pg_using : C);
            /* PostgreSQL changes no type under a view (or rule) that reads
             * the column: said by name. */
            const char *view = fmt(m, "cannot migrate %s.%s to %s: a view or rule reads the column, and PostgreSQL "
                                      "changes no type under one; drop the view, run the script, then make the "
                                      "view again", T, label(m, n), type_text(m, n));
            if (cm->pg_fails)
                pg_wrapped2(m, st, strbuf_str(&sb), "feature_not_supported", view, "data_exception", cm->pg_fails);
            else
                pg_wrapped(m, st, strbuf_str(&sb), "feature_not_supported", view);
            strbuf_reset(&sb);
        }
        if (set_default && has_server_default(n)) {
            plan_ddl_pg_default(&sb, n, &n->server_def);
            pg_alter(m, st, T, "ALTER COLUMN %s SET DEFAULT (%s)", C, strbuf_str(&sb));
            strbuf_reset(&sb);
        } else if (set_default && !dropped_default) {
            pg_alter(m, st, T, "ALTER COLUMN %s DROP DEFAULT", C);
        }
        if (to_nn) {
            const char *f = pg_fill(m, n, true);
            if (f[0] && !n->is_rowid)
                stmt_text(m, st, fmt(m, "UPDATE %s SET %s = %s WHERE %s IS NULL", ident(m, T), C, f, C));
            pg_alter(m, st, T, "ALTER COLUMN %s SET NOT NULL", C);
        } else if (to_null) {
            pg_alter(m, st, T, "ALTER COLUMN %s DROP NOT NULL", C);
        }
        if (rowid_comes) {
            /* The server assigns the key from now on, after those there are. */
            if (!to_nn)
                pg_alter(m, st, T, "ALTER COLUMN %s SET NOT NULL", C);
            pg_alter(m, st, T, "ALTER COLUMN %s ADD GENERATED BY DEFAULT AS IDENTITY", C);
            strbuf_puts(&sb, "DO $assoc$\nBEGIN\n    PERFORM setval(pg_get_serial_sequence(");
            sql_string(&sb, ident(m, T));
            strbuf_puts(&sb, ", ");
            sql_string(&sb, n->sql_name);
            strbuf_printf(&sb, "), coalesce(max(%s), 0) + 1, false) FROM %s;\nEND\n$assoc$", C, ident(m, T));
            stmt(m, st, &sb);
        }
    }
    strbuf_free(&sb);
}

/* "(a, b)" of columns by their SQL names. */
static const char *column_list(mig *m, sch_column *const *cols, size_t n)
{
    strbuf sb = STRBUF_INIT;
    strbuf_putc(&sb, '(');
    for (size_t k = 0; k < n; k++) {
        strbuf_puts(&sb, k ? ", " : "");
        sql_ident(&sb, cols[k]->sql_name);
    }
    strbuf_putc(&sb, ')');
    const char *s = take_sb(m, &sb);
    strbuf_free(&sb);
    return s;
}

/* Keys, unique constraints and enum CHECKs of the tables that stay, over
 * NEW's names: the values were checked before. */
static void pg_add_constraint_steps(mig *m)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        const sch_table *t = tm->new;
        if (tm->old == NULL)
            continue;
        if (tm->key_changed && t->npk > 0) {
            mig_step *st = step(m, MIG_ADD_CONSTRAINT, t->name,
                                fmt(m, "The primary key of %s: %s.", t->name, column_list(m, t->pk, t->npk)));
            pg_alter(m, st, t->name, "ADD PRIMARY KEY %s", column_list(m, t->pk, t->npk));
        }
        for (size_t k = 0; k < t->ncolumns; k++) {
            const col_map *cm = &tm->cols[k];
            const sch_column *n = cm->new;
            if (is_unique(n) && (cm->old == NULL || cm->unique_changed)) {
                mig_step *st = step(m, MIG_ADD_CONSTRAINT, t->name, fmt(m, "%s.%s is unique.", t->name, label(m, n)));
                pg_alter(m, st, t->name, "ADD UNIQUE (%s)", ident(m, n->sql_name));
            }
            if (cm->old && cm->check_changed && n->type == SCH_ENUM) {
                mig_step *st = step(m, MIG_ADD_CONSTRAINT, t->name,
                                    fmt(m, "The CHECK of %s.%s's enum names.", t->name, label(m, n)));
                plan_ddl_enum_check(&sb, n);
                pg_alter(m, st, t->name, "ADD %s", strbuf_str(&sb));
                strbuf_reset(&sb);
            }
        }
        for (size_t k = 0; k < tm->nuadd; k++) {
            const sch_constraint *con = tm->uadd[k];
            mig_step *st = step(m, MIG_ADD_CONSTRAINT, t->name,
                                fmt(m, "%s gets unique(%s).", t->name, constraint_key(m, con, false)));
            pg_alter(m, st, t->name, "ADD UNIQUE %s", column_list(m, con->columns, con->ncolumns));
        }
    }
    strbuf_free(&sb);
}

/* A new table's foreign key is inline when its parent is there by then: a
 * table that stays, or a new one made before it (or itself). */
typedef struct pg_fk_ctx {
    mig *m;
    size_t at;                 /* the map of the table being made */
} pg_fk_ctx;

static bool pg_fk_inline(const sch_column *c, void *ctx)
{
    pg_fk_ctx *x = ctx;
    for (size_t i = 0; i < x->m->nnew; i++)
        if (x->m->maps[i].new == c->fk->table)
            return x->m->maps[i].old != NULL || i <= x->at;
    return false;
}

static void pg_create_steps(mig *m)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        if (tm->old)
            continue;
        mig_step *st = step(m, MIG_CREATE_TABLE, tm->new->name, fmt(m, "Table %s is new.", tm->new->name));
        pg_fk_ctx x = { m, i };
        plan_ddl_pg_table(&sb, m->new, tm->new, pg_fk_inline, &x);
        while (sb.len && (sb.data[sb.len - 1] == '\n' || sb.data[sb.len - 1] == ';'))
            sb.data[--sb.len] = '\0';
        stmt(m, st, &sb);
    }
    strbuf_free(&sb);
}

/* The foreign keys that are new or change: PostgreSQL checks the rows
 * there are as it adds each; one that refers to no row stops the script,
 * named. */
static void pg_fk_steps(mig *m)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nnew; i++) {
        table_map *tm = &m->maps[i];
        const sch_table *t = tm->new;
        for (size_t k = 0; k < t->ncolumns; k++) {
            const col_map *cm = &tm->cols[k];
            const sch_column *n = cm->new;
            if (n->fk == NULL)
                continue;
            if (tm->old ? !(cm->old == NULL || cm->fk_changed || cm->fk_remake) : pg_fk_inline(n, &(pg_fk_ctx){ m, i }))
                continue;
            mig_step *st = step(m, MIG_ADD_CONSTRAINT, t->name,
                                fmt(m, "The foreign key of %s.%s: %s.%s%s%s.", t->name, label(m, n), n->fk->table->name,
                                    n->fk->name, sch_fk_action_sql(n->ondelete) ? " ON DELETE " : "",
                                    sch_fk_action_sql(n->ondelete) ? sch_fk_action_sql(n->ondelete) : ""));
            strbuf_puts(&sb, "ALTER TABLE ");
            sql_ident(&sb, t->name);
            strbuf_printf(&sb, " ADD FOREIGN KEY (%s) ", ident(m, n->sql_name));
            plan_ddl_pg_references(&sb, n);
            if (tm->old)
                pg_wrapped(m, st, strbuf_str(&sb), "foreign_key_violation",
                           fmt(m, "cannot migrate: a row of %s refers to a row that does not exist (%s.%s to %s.%s); "
                                  "fix those rows, then run the script again", t->name, t->name, label(m, n),
                               n->fk->table->name, n->fk->name));
            else
                stmt(m, st, &sb);
            strbuf_reset(&sb);
        }
    }
    strbuf_free(&sb);
}

static void pg_create_index_steps(mig *m, const bool *kept)
{
    for (size_t i = 0; i < m->newix.n; i++) {
        const plan_index *ni = &m->newix.items[i];
        if (kept[i])
            continue;
        table_map *tm = map_of_new(m, ni->table);
        mig_step *st = step(m, MIG_CREATE_INDEX, ni->table->name,
                            fmt(m, "Index %s%s.", ni->name, tm && tm->old == NULL ? " of the new table" : " is new"));
        stmt_text(m, st, ni->sql);
    }
}

static void pg_commit_step(mig *m)
{
    mig_step *st = step(m, MIG_COMMIT, NULL, "Record the migration; commit.");
    stmt_text(m, st, "DROP PROCEDURE pg_temp.assoc_drop(text, text, text[])");
    stmt_text(m, st, "DROP FUNCTION pg_temp.assoc_foreign_keys(text)");
    stmt_text(m, st, "DROP FUNCTION pg_temp.assoc_columns(text)");
    stmt_text(m, st, "DROP FUNCTION pg_temp.assoc_table(text, boolean)");
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "INSERT INTO assoc_migrations (id, from_file, to_file)\nVALUES (");
    sql_string(&sb, m->plan->id);
    strbuf_puts(&sb, ", ");
    sql_string(&sb, m->o->old_file);
    strbuf_puts(&sb, ", ");
    sql_string(&sb, m->o->new_file);
    strbuf_puts(&sb, ")");
    stmt(m, st, &sb);
    strbuf_free(&sb);
    stmt_text(m, st, "COMMIT");
}

/* PostgreSQL's steps, from the decisions made for SQLite's. */
static void pg_plan(mig *m)
{
    m->pg = true;
    /* A key that changes takes the foreign keys that refer to it along. */
    for (size_t i = 0; i < m->nnew; i++) {
        const table_map *tm = &m->maps[i];
        if (tm->old == NULL || !tm->key_changed)
            continue;
        for (size_t j = 0; j < m->nnew; j++) {
            table_map *other = &m->maps[j];
            for (size_t k = 0; other->old && k < other->new->ncolumns; k++) {
                col_map *cm = &other->cols[k];
                if (cm->old && cm->old->fk && cm->old->fk->table == tm->old && cm->new->fk)
                    cm->fk_remake = true;
            }
        }
    }
    bool *kept = arena_alloc(m->mem, (m->newix.n + 1) * sizeof *kept);
    if (kept == NULL) {
        m->nomem = true;
        return;
    }
    memset(kept, 0, (m->newix.n + 1) * sizeof *kept);
    pg_begin_step(m);
    pg_check_step(m, "Stop here, changing nothing, unless the migration applies: it is not the\n"
                     "last one applied, the database is at the old file, its values fit the new.");
    pg_drop_index_steps(m, kept);
    pg_drop_constraint_steps(m);
    rename_steps(m);
    strbuf sb = STRBUF_INIT;
    for (size_t i = m->nnew; i < m->nmaps; i++) {
        strbuf_puts(&sb, sb.len ? ", " : "DROP TABLE ");
        sql_ident(&sb, m->maps[i].old->name);
    }
    if (sb.len) {
        /* In one statement: they may refer to each other. */
        mig_step *st = step(m, MIG_DROP_TABLE, NULL, "Tables go, and their rows with them (--allow-data-loss).");
        stmt(m, st, &sb);
    }
    strbuf_free(&sb);
    for (size_t i = 0; i < m->nnew; i++)
        if (m->maps[i].old)
            pg_table_steps(m, &m->maps[i]);
    pg_add_constraint_steps(m);
    pg_create_steps(m);
    pg_fk_steps(m);
    pg_create_index_steps(m, kept);
    pg_commit_step(m);
    m->pg = false;
}

/* FNV-1a, 64 bits, as 16 hex digits. */
static const char *hash_ddl(mig *m, const sch_schema *s)
{
    strbuf sb = STRBUF_INIT;
    plan_ddl(&sb, s, false);
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < sb.len; i++)
        h = (h ^ (unsigned char)sb.data[i]) * 1099511628211u;
    if (sb.failed)
        m->nomem = true;
    strbuf_free(&sb);
    return fmt(m, "%016llx", (unsigned long long)h);
}

static bool reserved_name(const char *name)
{
    return strncasecmp(name, "assoc_migration", 15) == 0;
}

mig_plan *mig_build(const sch_schema *old, const sch_schema *new, const mig_options *o, diag_ctx *d, arena *mem)
{
    mig m = { .old = old, .new = new, .o = o, .d = d, .mem = mem };
    int errors = d->errors;
    m.plan = arena_alloc(mem, sizeof *m.plan);
    if (m.plan == NULL) {
        diag_error(d, (loc){ 0 }, "out of memory while planning the migration");
        return NULL;
    }
    memset(m.plan, 0, sizeof *m.plan);
    m.plan->old_file = o->old_file;
    m.plan->new_file = o->new_file;
    const char *oh = hash_ddl(&m, old), *nh = hash_ddl(&m, new);
    m.plan->id = fmt(&m, "%s-%s", oh, nh);
    for (size_t i = 0; i < new->ntables; i++)
        if (reserved_name(new->tables[i]->name))
            diag_error(d, new->tables[i]->at,
                       "table name '%s' is kept for migrations (assoc_migrations records them); rename the table",
                       new->tables[i]->name);
    if (d->errors > errors)
        return NULL;

    match(&m);
    for (size_t i = 0; i < m.nnew && !m.nomem; i++) {
        table_map *tm = &m.maps[i];
        if (tm->old)
            compare_table(&m, tm);
        else
            change(&m, "table %s added", tm->new->name);
    }
    for (size_t i = m.nnew; i < m.nmaps; i++) {
        const sch_table *t = m.maps[i].old;
        change(&m, "table %s dropped", t->name);
        if (!o->allow_data_loss)
            refuse(&m, t->at,
                   "%s drops table %s and its rows; pass --allow-data-loss to drop it, or, if it was renamed, "
                   "write renamed_from(%s) on the %s that takes its place",
                   o->new_file, t->name, t->name, t->model ? "model" : "table");
    }
    for (size_t i = 0; i < m.nnew; i++)
        if (m.maps[i].rebuild)
            m.maps[i].temp = temp_name(&m, m.maps[i].new->name);

    /* 3. indexes */
    m.oldix.mem = m.newix.mem = mem;
    plan_ddl_indexes(old, &m.oldix);
    plan_ddl_indexes(new, &m.newix);
    m.newix_kept = arena_alloc(mem, (m.newix.n + 1) * sizeof *m.newix_kept);
    if (m.oldix.failed || m.newix.failed || m.newix_kept == NULL)
        m.nomem = true;
    if (m.nomem || d->errors > errors) {
        if (m.nomem)
            diag_error(d, (loc){ 0 }, "out of memory while planning the migration");
        return NULL;
    }
    memset(m.newix_kept, 0, (m.newix.n + 1) * sizeof *m.newix_kept);

    /* The same tables: the changes (a client default) are the generated
     * code's alone. */
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    plan_ddl(&a, old, false);
    plan_ddl(&b, new, false);
    m.plan->empty = strcmp(strbuf_str(&a), strbuf_str(&b)) == 0;
    strbuf_free(&a);
    strbuf_free(&b);
    if (m.plan->empty)
        return m.plan;

    /* 4. steps */
    begin_step(&m);
    guard_checks(&m);
    check_step(&m, false,
               "Stop here, changing nothing, unless the migration applies: it is not the\n"
               "last one applied, the database is at the old file, its values fit the new.");
    drop_index_steps(&m);
    rename_steps(&m);
    for (size_t i = m.nnew; i < m.nmaps; i++) {
        const sch_table *t = m.maps[i].old;
        mig_step *st = step(&m, MIG_DROP_TABLE, NULL,
                            fmt(&m, "Table %s goes, and its rows with it (--allow-data-loss).", t->name));
        statement(&m, st, "DROP TABLE ", t->name, NULL, NULL);
    }
    for (size_t i = 0; i < m.nnew; i++) {
        table_map *tm = &m.maps[i];
        if (tm->old && tm->rebuild)
            rebuild_step(&m, tm);
        else if (tm->old)
            alter_steps(&m, tm);
    }
    create_steps(&m);
    fk_checks(&m);
    check_step(&m, true,
               "Stop, undoing everything, unless the values copied are of their new types\n"
               "and every foreign key of a table that changed, or refers to one, holds.");
    commit_step(&m);
    pg_plan(&m);
    if (m.nomem) {
        diag_error(d, (loc){ 0 }, "out of memory while planning the migration");
        return NULL;
    }
    /* DDL that differs where the database need not: the columns in
     * another order (a mixin included elsewhere), an enum's names
     * reordered, a SQL name's case, a member renamed under its
     * column("..."), the tables in another order.  No step changes a
     * table or an index: nothing to do, as with the same DDL.  (Every
     * difference of the DDL that matters -- type, length, json, an enum's
     * names, key, NOT NULL, UNIQUE, DEFAULT, REFERENCES, a name -- is a
     * step above.) */
    bool changes_db = false;
    for (size_t i = 0; i < m.plan->nsteps; i++) {
        mig_kind k = m.plan->steps[i].kind;
        changes_db |= k != MIG_BEGIN && k != MIG_CHECK && k != MIG_COMMIT;
    }
    if (!changes_db) {
        m.plan->empty = true;
        m.plan->nsteps = 0;
        m.plan->npg_steps = 0;
    }
    return m.plan;
}

const char *mig_kind_name(mig_kind k)
{
    switch (k) {
    case MIG_BEGIN: return "begin";
    case MIG_CHECK: return "check";
    case MIG_DROP_INDEX: return "drop index";
    case MIG_RENAME_TABLE: return "rename table";
    case MIG_RENAME_COLUMN: return "rename column";
    case MIG_DROP_TABLE: return "drop table";
    case MIG_DROP_COLUMN: return "drop column";
    case MIG_ADD_COLUMN: return "add column";
    case MIG_REBUILD: return "rebuild";
    case MIG_CREATE_TABLE: return "create table";
    case MIG_CREATE_INDEX: return "create index";
    case MIG_DROP_CONSTRAINT: return "drop constraint";
    case MIG_ALTER_COLUMN: return "alter column";
    case MIG_ADD_CONSTRAINT: return "add constraint";
    case MIG_COMMIT: return "commit";
    }
    return "?";
}
