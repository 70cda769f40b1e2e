/* emit_sql.c - the DDL: CREATE TABLE and CREATE INDEX statements.
 *
 * The tables match what SQLAlchemy 1.4 creates for the same models, so a
 * database made by either is used by both: the same column types, NOT NULL
 * where SQLAlchemy puts it, VARCHAR(N) (with a CHECK on length, which
 * SQLAlchemy leaves out), server defaults as DEFAULT clauses, foreign keys
 * with their ON DELETE action.  Client defaults are not in the DDL: the
 * generated code applies them, as SQLAlchemy's ORM does.
 */
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "symtab.h"

/* SQLite's keywords (sqlite.org/lang_keywords.html): a name that is one is
 * quoted.  Sorted, for bsearch. */
static const char *const sql_keywords[] = {
    "ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYZE", "AND", "AS",
    "ASC", "ATTACH", "AUTOINCREMENT", "BEFORE", "BEGIN", "BETWEEN", "BY", "CASCADE", "CASE",
    "CAST", "CHECK", "COLLATE", "COLUMN", "COMMIT", "CONFLICT", "CONSTRAINT", "CREATE",
    "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DATABASE",
    "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DETACH", "DISTINCT", "DO",
    "DROP", "EACH", "ELSE", "END", "ESCAPE", "EXCEPT", "EXCLUDE", "EXCLUSIVE", "EXISTS",
    "EXPLAIN", "FAIL", "FILTER", "FIRST", "FOLLOWING", "FOR", "FOREIGN", "FROM", "FULL",
    "GENERATED", "GLOB", "GROUP", "GROUPS", "HAVING", "IF", "IGNORE", "IMMEDIATE", "IN",
    "INDEX", "INDEXED", "INITIALLY", "INNER", "INSERT", "INSTEAD", "INTERSECT", "INTO", "IS",
    "ISNULL", "JOIN", "KEY", "LAST", "LEFT", "LIKE", "LIMIT", "MATCH", "MATERIALIZED",
    "NATURAL", "NO", "NOT", "NOTHING", "NOTNULL", "NULL", "NULLS", "OF", "OFFSET", "ON",
    "OR", "ORDER", "OTHERS", "OVER", "PARTITION", "PLAN", "PRAGMA", "PRECEDING", "PRIMARY",
    "QUERY", "RAISE", "RANGE", "RECURSIVE", "REFERENCES", "REGEXP", "REINDEX", "RELEASE",
    "RENAME", "REPLACE", "RESTRICT", "RETURNING", "RIGHT", "ROLLBACK", "ROW", "ROWID",
    "ROWS", "SAVEPOINT", "SELECT", "SET", "TABLE", "TEMP", "TEMPORARY", "THEN", "TIES",
    "TO", "TRANSACTION", "TRIGGER", "UNBOUNDED", "UNION", "UNIQUE", "UPDATE", "USING",
    "VACUUM", "VALUES", "VIEW", "VIRTUAL", "WHEN", "WHERE", "WINDOW", "WITH", "WITHOUT",
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

void sql_ident(strbuf *sb, const char *name)
{
    if (is_sql_keyword(name) || strncmp(name, "sqlite_", 7) == 0)
        strbuf_printf(sb, "\"%s\"", name);
    else
        strbuf_puts(sb, name);
}

static void sql_string(strbuf *sb, const char *s)
{
    strbuf_putc(sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_putc(sb, '\'');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '\'');
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void sql_time_literal(strbuf *sb, int64_t us)
{
    int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
    int64_t frac = us - secs * 1000000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    strbuf_printf(sb, "'%04lld-%02d-%02d %02d:%02d:%02d.%06lld'", (long long)y, m, d,
                  (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (long long)frac);
}

void sql_default_expr(strbuf *sb, const sch_column *col, const sch_default *def)
{
    switch (def->kind) {
    case SCH_DEFAULT_NONE:
    case SCH_DEFAULT_NOW:
        strbuf_puts(sb, "NULL");
        return;
    case SCH_DEFAULT_CURRENT_TIMESTAMP:
        strbuf_puts(sb, "CURRENT_TIMESTAMP");
        return;
    case SCH_DEFAULT_INT:
        if (col->type == SCH_DATETIME)
            sql_time_literal(sb, def->i);
        else
            strbuf_printf(sb, "%lld", (long long)def->i);
        return;
    case SCH_DEFAULT_FLOAT:
        strbuf_printf(sb, "%.17g", def->d);
        return;
    case SCH_DEFAULT_STRING:
        sql_string(sb, def->s);
        return;
    }
}

static void sql_default(strbuf *sb, const sch_column *col, const sch_default *def)
{
    if (def->kind == SCH_DEFAULT_NONE || def->kind == SCH_DEFAULT_NOW)
        return;
    /* Parenthesised: SQLite takes any constant expression that way. */
    strbuf_puts(sb, " DEFAULT (");
    sql_default_expr(sb, col, def);
    strbuf_puts(sb, ")");
}

static const char *sql_type(const sch_column *col)
{
    switch (col->type) {
    case SCH_INTEGER: return "INTEGER";
    case SCH_FLOAT: return "FLOAT";
    case SCH_BOOLEAN: return "BOOLEAN";
    case SCH_TEXT: return "TEXT";
    case SCH_STRING: return "VARCHAR";
    case SCH_DATETIME: return "DATETIME";
    case SCH_BLOB: return "BLOB";
    }
    return "";
}

static void ddl_table(strbuf *sb, const sch_table *t)
{
    strbuf_puts(sb, "CREATE TABLE IF NOT EXISTS ");
    sql_ident(sb, t->name);
    strbuf_puts(sb, " (");
    /* Every item starts with the separator from the one before, so the
     * last needs no look-ahead. */
    const char *sep = "\n    ";
    bool inline_pk = t->npk == 1;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        strbuf_puts(sb, sep);
        sep = ",\n    ";
        sql_ident(sb, col->name);
        strbuf_printf(sb, " %s", sql_type(col));
        if (col->type == SCH_STRING && col->length > 0)
            strbuf_printf(sb, "(%d)", col->length);
        /* SQLite lets a PRIMARY KEY other than the row id hold NULL (a
         * legacy quirk), so any other key column says NOT NULL itself. */
        if (col->primary_key && inline_pk)
            strbuf_puts(sb, col->is_rowid ? " PRIMARY KEY" : " NOT NULL PRIMARY KEY");
        else if (col->primary_key || col->not_null)
            strbuf_puts(sb, " NOT NULL");
        if (col->unique && !(col->primary_key && inline_pk))
            strbuf_puts(sb, " UNIQUE");
        sql_default(sb, col, &col->server_def);
        if (col->type == SCH_STRING && col->length > 0) {
            strbuf_puts(sb, " CHECK (length(");
            sql_ident(sb, col->name);
            strbuf_printf(sb, ") <= %d)", col->length);
        }
        if (col->type == SCH_BOOLEAN) {
            strbuf_puts(sb, " CHECK (");
            sql_ident(sb, col->name);
            strbuf_puts(sb, " IN (0, 1))");
        }
        if (col->fk) {
            strbuf_puts(sb, " REFERENCES ");
            sql_ident(sb, col->fk->table->name);
            strbuf_puts(sb, " (");
            sql_ident(sb, col->fk->name);
            strbuf_puts(sb, ")");
            const char *act = sch_fk_action_sql(col->ondelete);
            if (act)
                strbuf_printf(sb, " ON DELETE %s", act);
        }
    }
    if (!inline_pk && t->npk > 0) {
        strbuf_puts(sb, sep);
        strbuf_puts(sb, "PRIMARY KEY (");
        for (size_t k = 0; k < t->npk; k++) {
            if (k)
                strbuf_puts(sb, ", ");
            sql_ident(sb, t->pk[k]->name);
        }
        strbuf_puts(sb, ")");
    }
    for (size_t k = 0; k < t->nconstraints; k++) {
        const sch_constraint *c = &t->constraints[k];
        if (!c->unique)
            continue;
        strbuf_puts(sb, sep);
        strbuf_puts(sb, "UNIQUE (");
        for (size_t j = 0; j < c->ncolumns; j++) {
            if (j)
                strbuf_puts(sb, ", ");
            sql_ident(sb, c->columns[j]->name);
        }
        strbuf_puts(sb, ")");
    }
    strbuf_puts(sb, "\n);\n");
}

/* True when an index whose first column is `col` exists already: the
 * primary key's, or a unique column's. */
static bool leads_an_index(const sch_column *col)
{
    const sch_table *t = col->table;
    if (col->unique || (t->npk > 0 && t->pk[0] == col))
        return true;
    for (size_t k = 0; k < t->nconstraints; k++)
        if (t->constraints[k].columns[0] == col)
            return true;       /* unique(col, ...) or index(col, ...) serves col too */
    return false;
}

/* Index names are SQLAlchemy's (ix_<table>_<columns>), which two tables
 * can share (table a_b column c, table a column b_c): a name already taken
 * in the schema gets _2, _3, ... so that no CREATE INDEX IF NOT EXISTS is
 * silently skipped. */
typedef struct index_names {
    symtab taken;
    arena mem;              /* the keys of taken */
} index_names;

static void ddl_index(strbuf *sb, index_names *names, const sch_table *t, sch_column *const *cols, size_t n)
{
    strbuf name = STRBUF_INIT;
    strbuf_printf(&name, "ix_%s", t->name);
    for (size_t j = 0; j < n; j++)
        strbuf_printf(&name, "_%s", cols[j]->name);
    size_t base = name.len;
    bool nomem = name.failed;
    for (int k = 2; !nomem && symtab_get(&names->taken, strbuf_str(&name)); k++) {
        name.len = base;
        strbuf_printf(&name, "_%d", k);
        nomem = name.failed;
    }
    char *key = nomem ? NULL : arena_strdup(&names->mem, strbuf_str(&name));
    if (key == NULL || (symtab_put(&names->taken, key, key, &nomem), nomem)) {
        strbuf_free(&name);
        sb->failed = true;
        return;
    }
    strbuf_free(&name);
    strbuf_printf(sb, "CREATE INDEX IF NOT EXISTS %s ON ", key);
    sql_ident(sb, t->name);
    strbuf_puts(sb, " (");
    for (size_t j = 0; j < n; j++) {
        if (j)
            strbuf_puts(sb, ", ");
        sql_ident(sb, cols[j]->name);
    }
    strbuf_puts(sb, ");\n");
}

void sql_ddl(strbuf *sb, const sch_schema *s)
{
    index_names names = { { NULL, 0, 0 }, { NULL } };
    for (size_t i = 0; i < s->ntables; i++) {
        const sch_table *t = s->tables[i];
        if (i)
            strbuf_putc(sb, '\n');
        ddl_table(sb, t);
        for (size_t k = 0; k < t->ncolumns; k++) {
            const sch_column *col = t->columns[k];
            if ((col->index_flag || col->fk_indexed) && !leads_an_index(col))
                ddl_index(sb, &names, t, &t->columns[k], 1);
        }
        for (size_t k = 0; k < t->nconstraints; k++)
            if (!t->constraints[k].unique)
                ddl_index(sb, &names, t, t->constraints[k].columns, t->constraints[k].ncolumns);
    }
    symtab_free(&names.taken);
    arena_free(&names.mem);
}

bool emit_sql(emit_ctx *e)
{
    emit_line(e, "-- Generated by assocgen from %s. DO NOT EDIT.", e->source_name);
    emit_line(e, "-- SQLite DDL for the schema '%s'.", e->s->base);
    emit_line(e, "%s", "");
    sql_ddl(&e->out, e->s);
    return !e->out.failed;
}
