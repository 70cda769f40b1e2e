/* plan_sql.c - building SQL text for the plans: identifiers, the parts
 * every statement shares, parameters, and one constant per distinct text.
 * See plan_int.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_int.h"

/* The keywords of SQLite (sqlite.org/lang_keywords.html) and the reserved
 * words of PostgreSQL (its documentation's appendix C): a name that is one
 * is quoted.  Sorted, for bsearch. */
static const char *const sql_keywords[] = {
    "ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYSE", "ANALYZE", "AND", "ANY",
    "ARRAY", "AS", "ASC", "ASYMMETRIC", "ATTACH", "AUTHORIZATION", "AUTOINCREMENT", "BEFORE", "BEGIN",
    "BETWEEN", "BINARY", "BOTH", "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE", "COLLATION",
    "COLUMN", "COMMIT", "CONCURRENTLY", "CONFLICT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT",
    "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_TIME",
    "CURRENT_TIMESTAMP", "CURRENT_USER", "DATABASE", "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE",
    "DESC", "DETACH", "DISTINCT", "DO", "DROP", "EACH", "ELSE", "END", "ESCAPE", "EXCEPT", "EXCLUDE",
    "EXCLUSIVE", "EXISTS", "EXPLAIN", "FAIL", "FALSE", "FETCH", "FILTER", "FIRST", "FOLLOWING", "FOR",
    "FOREIGN", "FREEZE", "FROM", "FULL", "GENERATED", "GLOB", "GRANT", "GROUP", "GROUPS", "HAVING",
    "IF", "IGNORE", "ILIKE", "IMMEDIATE", "IN", "INDEX", "INDEXED", "INITIALLY", "INNER", "INSERT",
    "INSTEAD", "INTERSECT", "INTO", "IS", "ISNULL", "JOIN", "KEY", "LAST", "LATERAL", "LEADING", "LEFT",
    "LIKE", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "MATCH", "MATERIALIZED", "NATURAL", "NO", "NOT",
    "NOTHING", "NOTNULL", "NULL", "NULLS", "OF", "OFFSET", "ON", "ONLY", "OR", "ORDER", "OTHERS", "OUTER",
    "OVER", "OVERLAPS", "PARTITION", "PLACING", "PLAN", "PRAGMA", "PRECEDING", "PRIMARY", "QUERY",
    "RAISE", "RANGE", "RECURSIVE", "REFERENCES", "REGEXP", "REINDEX", "RELEASE", "RENAME", "REPLACE",
    "RESTRICT", "RETURNING", "RIGHT", "ROLLBACK", "ROW", "ROWID", "ROWS", "SAVEPOINT", "SELECT",
    "SESSION_USER", "SET", "SIMILAR", "SOME", "SYMMETRIC", "SYSTEM_USER", "TABLE", "TABLESAMPLE", "TEMP",
    "TEMPORARY", "THEN", "TIES", "TO", "TRAILING", "TRANSACTION", "TRIGGER", "TRUE", "UNBOUNDED", "UNION",
    "UNIQUE", "UPDATE", "USER", "USING", "VACUUM", "VALUES", "VARIADIC", "VERBOSE", "VIEW", "VIRTUAL",
    "WHEN", "WHERE", "WINDOW", "WITH", "WITHOUT",
};

static bool is_sql_keyword(const char *name)
{
    char up[32];
    size_t n = strlen(name);
    if (n >= sizeof up)
        return false;
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
    size_t lo = 0, hi = sizeof sql_keywords / sizeof sql_keywords[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(up, sql_keywords[mid]);
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

static bool has_upper(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            return true;
    return false;
}

/* [a-z_][a-z0-9_]*: a name SQL takes unquoted (case aside). */
static bool is_plain(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

void sql_ident(strbuf *sb, const char *name)
{
    if (!is_plain(name) || is_sql_keyword(name) || has_upper(name) || strncmp(name, "sqlite_", 7) == 0) {
        /* A SQL name given by column("...") may hold anything printable:
         * a double quote is doubled. */
        strbuf_putc(sb, '"');
        for (const char *c = name; *c; c++) {
            if (*c == '"')
                strbuf_putc(sb, '"');
            strbuf_putc(sb, *c);
        }
        strbuf_putc(sb, '"');
    } else {
        strbuf_puts(sb, name);
    }
}

void sql_string(strbuf *sb, const char *s)
{
    strbuf_putc(sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_putc(sb, '\'');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '\'');
}

/* ------------------------------------------------------------------ */

void *plan_alloc(planner *p, size_t n)
{
    void *m = arena_alloc(p->mem, n);
    if (m == NULL)
        p->nomem = true;
    return m;
}

char *plan_printf(planner *p, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    char *s = sb.failed ? NULL : arena_strdup(p->mem, strbuf_str(&sb));
    strbuf_free(&sb);
    if (s == NULL)
        p->nomem = true;
    return s;
}

void sqlb_init(sqlb *b, planner *p)
{
    memset(b, 0, sizeof *b);
    b->p = p;
}

void sqlb_free(sqlb *b)
{
    strbuf_free(&b->lite);
    strbuf_free(&b->pg);
    free(b->binds);
    free(b->keys);
    b->binds = NULL;
    b->keys = NULL;
    b->nbinds = b->cap = 0;
}

void sqlb_puts(sqlb *b, const char *s)
{
    strbuf_puts(&b->lite, s);
    strbuf_puts(&b->pg, s);
}

void sqlb_printf(sqlb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b->lite, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    strbuf_vprintf(&b->pg, fmt, ap);
    va_end(ap);
}

void sqlb_dialect(sqlb *b, const char *lite, const char *pg)
{
    strbuf_puts(&b->lite, lite);
    strbuf_puts(&b->pg, pg);
    if (strcmp(lite, pg) != 0)
        b->differs = true;
}

void sqlb_ident(sqlb *b, const char *name)
{
    sql_ident(&b->lite, name);
    sql_ident(&b->pg, name);
}

void sqlb_string(sqlb *b, const char *s)
{
    sql_string(&b->lite, s);
    sql_string(&b->pg, s);
}

void sqlb_col(sqlb *b, const sch_column *col)
{
    sqlb_ident(b, col->table->name);
    sqlb_puts(b, ".");
    sqlb_ident(b, col->sql_name);
}

void sqlb_acol(sqlb *b, const char *alias, const sch_column *col)
{
    sqlb_puts(b, alias);
    sqlb_puts(b, ".");
    sqlb_ident(b, col->sql_name);
}

static void add_param(sqlb *b, const void *key, plan_bind v)
{
    if (b->nbinds == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 8;
        plan_bind *nb = realloc(b->binds, ncap * sizeof *nb);
        if (nb == NULL) {
            b->p->nomem = true;
            return;
        }
        b->binds = nb;
        const void **nk = realloc(b->keys, ncap * sizeof *nk);
        if (nk == NULL) {
            b->p->nomem = true;
            return;
        }
        b->keys = nk;
        b->cap = ncap;
    }
    b->keys[b->nbinds] = key;
    b->binds[b->nbinds++] = v;
    sqlb_printf(b, "$%zu", b->nbinds);
}

void sqlb_param(sqlb *b, plan_bind v)
{
    add_param(b, NULL, v);
}

size_t sqlb_key_number(const sqlb *b, const void *key)
{
    for (size_t i = 0; i < b->nbinds; i++)
        if (b->keys[i] == key)
            return i + 1;
    return 0;
}

size_t sqlb_param_keyed(sqlb *b, const void *key, plan_bind v)
{
    size_t n = sqlb_key_number(b, key);
    if (n) {
        sqlb_printf(b, "$%zu", n);
        return n;
    }
    add_param(b, key, v);
    return b->nbinds;
}

void sqlb_select_list(sqlb *b, const sch_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            sqlb_puts(b, ", ");
        sqlb_col(b, t->columns[i]);
    }
}

void sqlb_where_key(sqlb *b, const sch_table *t, pb_kind kind, const char *obj)
{
    sqlb_puts(b, "\nWHERE ");
    for (size_t k = 0; k < t->npk; k++) {
        if (k)
            sqlb_puts(b, " AND ");
        sqlb_col(b, t->pk[k]);
        sqlb_puts(b, " = ");
        sqlb_param(b, (plan_bind){ kind, t->pk[k], obj, NULL });
    }
}

void sqlb_order_dir(sqlb *b, bool nullable, bool desc)
{
    /* SQLite sorts NULL first ascending and last descending; said so for
     * PostgreSQL, whose default is the other way round, and harmless to
     * SQLite, which still uses an index for it. */
    if (nullable)
        sqlb_puts(b, desc ? " DESC NULLS LAST" : " NULLS FIRST");
    else if (desc)
        sqlb_puts(b, " DESC");
}

/* alias.column, or table.column without an alias. */
static void order_col(sqlb *b, const char *alias, const sch_column *col)
{
    if (alias)
        sqlb_acol(b, alias, col);
    else
        sqlb_col(b, col);
}

void sqlb_order_terms(sqlb *b, const sch_table *t, const char *alias, const sch_column *first, bool desc)
{
    if (first) {
        order_col(b, alias, first);
        sqlb_order_dir(b, first->nullable, desc);
    }
    bool any = first != NULL;
    for (size_t k = 0; k < t->npk; k++) {
        if (t->pk[k] == first)
            continue;
        if (any)
            sqlb_puts(b, ", ");
        order_col(b, alias, t->pk[k]);
        any = true;
    }
}

void sqlb_order(sqlb *b, const sch_table *t, const sch_column *first, bool desc)
{
    sqlb_puts(b, "\nORDER BY ");
    sqlb_order_terms(b, t, NULL, first, desc);
}

void sqlb_first_child(sqlb *b, const sch_rel *r, const char *alias, const char *parent)
{
    const sch_table *tt = r->target->table;
    /* a key of several columns compares as a row value (SQLite 3.15 and
     * PostgreSQL alike) */
    bool row = tt->npk > 1;
    sqlb_puts(b, row ? "(" : "");
    for (size_t k = 0; k < tt->npk; k++) {
        sqlb_puts(b, k ? ", " : "");
        sqlb_acol(b, alias, tt->pk[k]);
    }
    sqlb_puts(b, row ? ") = (SELECT " : " = (SELECT ");
    for (size_t k = 0; k < tt->npk; k++) {
        sqlb_puts(b, k ? ", " : "");
        sqlb_acol(b, "x", tt->pk[k]);
    }
    sqlb_puts(b, " FROM ");
    sqlb_ident(b, tt->name);
    sqlb_puts(b, " x WHERE ");
    sqlb_acol(b, "x", r->target_col);
    sqlb_printf(b, " = %s ORDER BY ", parent);
    sqlb_order_terms(b, tt, "x", r->order_by, r->order_desc);
    sqlb_puts(b, " LIMIT 1)");
}

plan_bind pb_field(const sch_column *col, const char *obj)
{
    return (plan_bind){ PB_FIELD, col, obj, NULL };
}

plan_bind pb_set(const sch_column *col, const char *obj)
{
    return (plan_bind){ PB_FIELD_SET, col, obj, NULL };
}

plan_bind pb_expr(const sch_column *col, const char *expr)
{
    return (plan_bind){ PB_EXPR, col, NULL, expr };
}

plan_bind pb_int(const char *expr)
{
    return (plan_bind){ PB_INT, NULL, NULL, expr };
}

/* ------------------------------------------------------------------ */

static plan_sql *intern(sqlb *b, const api_fn *first, const char *role, bool script)
{
    planner *p = b->p;
    const char *lite = strbuf_str(&b->lite), *pg = b->differs ? strbuf_str(&b->pg) : NULL;
    char *key = plan_printf(p, "%s\1%s", lite, pg ? pg : "");
    if (key == NULL || b->lite.failed || b->pg.failed) {
        p->nomem = true;
        return NULL;
    }
    plan_sql *sql = symtab_get(&p->texts, key);
    if (sql != NULL)
        return sql;
    sql = plan_alloc(p, sizeof *sql);
    if (sql == NULL)
        return NULL;
    sql->text = arena_strdup(p->mem, lite);
    sql->pg = pg ? arena_strdup(p->mem, pg) : NULL;
    sql->first = first;
    sql->script = script;
    /* <fn>__sql, or <fn>__sql_<role> for a function's other statements
     * (user_insert__sql_key), with 2, 3, ... when a function has two of
     * one role.  Every name a function's constants take starts with
     * <fn>__sql, which the checker keeps from every other name. */
    const char *base = first ? first->name : plan_printf(p, "%s%s", p->a->prefix, p->a->cbase);
    char *cname = strcmp(role, "sql") == 0 ? plan_printf(p, "%s__sql", base) : plan_printf(p, "%s__sql_%s", base, role);
    for (int n = 2; cname && symtab_get(&p->names, cname); n++)
        cname = plan_printf(p, "%s__sql_%s%d", base, role, n);
    sql->cname = cname;
    if (sql->text == NULL || (pg && sql->pg == NULL) || cname == NULL) {
        p->nomem = true;
        return NULL;
    }
    bool nomem = false;
    symtab_put(&p->texts, key, sql, &nomem);
    symtab_put(&p->names, cname, sql, &nomem);
    p->nomem |= nomem;
    /* Remember it in order, for the emitters. */
    plan_schema *ps = p->ps;
    if (ps->nsqls == p->scap) {
        size_t ncap = p->scap ? p->scap * 2 : 64;
        plan_sql **n = plan_alloc(p, ncap * sizeof *n);
        if (n == NULL)
            return NULL;
        if (ps->sqls)
            memcpy(n, ps->sqls, ps->nsqls * sizeof *n);
        ps->sqls = n;
        p->scap = ncap;
    }
    ps->sqls[ps->nsqls++] = sql;
    size_t len = strlen(lite);
    if (len > ps->longest)
        ps->longest = len;
    if (pg && strlen(pg) > ps->longest)
        ps->longest = strlen(pg);
    return sql;
}

static void sqlb_reset(sqlb *b)
{
    strbuf_reset(&b->lite);
    strbuf_reset(&b->pg);
    b->differs = false;
    b->nbinds = 0;
}

plan_stmt sqlb_stmt(sqlb *b, const api_fn *first, const char *role)
{
    plan_stmt st = { 0 };
    st.sql = intern(b, first, role, false);
    if (b->nbinds > 0) {
        st.binds = plan_alloc(b->p, b->nbinds * sizeof *st.binds);
        if (st.binds) {
            memcpy(st.binds, b->binds, b->nbinds * sizeof *st.binds);
            st.nbinds = b->nbinds;
        }
    }
    sqlb_reset(b);
    return st;
}

plan_sql *sqlb_sql(sqlb *b, const api_fn *first, const char *role, bool script)
{
    plan_sql *sql = intern(b, first, role, script);
    sqlb_reset(b);
    return sql;
}

const char *sqlb_pg_type(const sch_column *col)
{
    switch (col->type) {
    case SCH_INTEGER: return "BIGINT";
    case SCH_FLOAT: return "DOUBLE PRECISION";
    case SCH_BOOLEAN: return "BOOLEAN";
    case SCH_TEXT: case SCH_STRING: case SCH_ENUM: return "TEXT";
    case SCH_DATETIME: return "TIMESTAMP WITHOUT TIME ZONE";
    case SCH_BLOB: return "BYTEA";
    }
    return "TEXT";
}
