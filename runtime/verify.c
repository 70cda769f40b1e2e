/* verify.c - does the database hold the tables the generated code expects?
 * (SPEC 7: <schema>_verify, and the check create_all makes of the tables
 * that already exist.)  The contract is assoc_verify() in assoc.h.
 *
 * Two halves.  read_table() learns what the database holds of one table --
 * its columns (declared type, NOT NULL, place in the primary key), its
 * foreign keys with their ON DELETE actions, its unique indexes -- into a
 * found_table, which is the same whatever the database.  It is the one
 * function here that knows SQLite (PRAGMA table_info, foreign_key_list,
 * index_list, index_info); PostgreSQL's reader (information_schema and
 * pg_catalog) goes beside it and fills the same structure.  compare()
 * holds a found_table against the description the generator wrote
 * (assoc_table_spec) and names the first difference.
 *
 * Memory: what a reader finds lives in a small pool freed after each
 * table; messages go to the connection's buffer (assoc_fail), which never
 * allocates.
 */
#include "assoc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------
 * What the database holds of one table
 * ------------------------------------------------------------------- */

typedef struct found_column {
    const char *name;
    const char *type;              /* as declared; "" when none (PostgreSQL: format_type's) */
    bool not_null;
    int pk;                        /* 1-based place in the primary key; 0: not in it */
    bool assigned;                 /* PostgreSQL: the server assigns it (identity, serial) */
    bool native_enum;              /* PostgreSQL: of an ENUM type (CREATE TYPE ... AS ENUM) */
    struct found_column *next;
} found_column;

typedef struct found_fk {
    const char *from;              /* the child column */
    const char *table, *to;        /* the parent; to NULL: the parent's primary key */
    const char *ondelete;          /* "NO ACTION", "CASCADE", ... */
    int parts;                     /* its columns: 1, or more for a composite key */
    struct found_fk *next;
} found_fk;

/* A unique index over plain columns (a UNIQUE constraint, the primary
 * key's, or CREATE UNIQUE INDEX), not partial. */
typedef struct found_unique {
    const char *name;
    const char *columns[16];       /* wider ones are kept with n > 16 and never match */
    size_t n;
    bool plain;                    /* every column a column (no expression) */
    struct found_unique *next;
} found_unique;

/* The pool's unit of alignment: what the found_ structures hold.  (Not
 * max_align_t: SQLite's allocator aligns to 8 bytes.) */
typedef union unit {
    int64_t i;
    double d;
    void *p;
} unit;

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    unit data[];
} chunk;

typedef struct found_table {
    bool exists;
    found_column *columns;
    found_fk *fks;
    found_unique *uniques;
    chunk *mem;
    bool nomem;
} found_table;

static void *found_alloc(found_table *f, size_t n)
{
    n = (n + sizeof(unit) - 1) / sizeof(unit) * sizeof(unit);
    chunk *c = f->mem;
    if (c == NULL || c->size - c->used < n) {
        size_t size = n > 4000 ? n : 4000;
        c = assoc_malloc(sizeof *c + size);
        if (c == NULL) {
            f->nomem = true;
            return NULL;
        }
        c->next = f->mem;
        c->used = 0;
        c->size = size;
        f->mem = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

static const char *found_text(found_table *f, const unsigned char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen((const char *)s) + 1;
    char *p = found_alloc(f, n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

static void found_free(found_table *f)
{
    while (f->mem != NULL) {
        chunk *next = f->mem->next;
        assoc_free(f->mem);
        f->mem = next;
    }
    memset(f, 0, sizeof *f);
}

/* ---- SQLite ---- */

static int lite_prepare(assoc_db *db, const char *sql, const char *table, sqlite3_stmt **st)
{
    sqlite3 *h = assoc_sqlite(db);
    int rc = sqlite3_prepare_v2(h, sql, -1, st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(*st, 1, table, -1, SQLITE_STATIC);
    return rc == SQLITE_OK ? ASSOC_OK : assoc_status(db, rc);
}

/* Step st to its end; row() takes each row.  The statement is finalized. */
static int lite_rows(assoc_db *db, sqlite3_stmt *st, found_table *f, void (*row)(sqlite3_stmt *, found_table *))
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && !f->nomem)
        row(st, f);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    rc = rc == SQLITE_OK ? ASSOC_OK : assoc_status(db, rc);
    sqlite3_finalize(st);
    if (rc == ASSOC_OK && f->nomem)
        rc = assoc_fail(db, ASSOC_NOMEM, "out of memory reading the database's schema");
    return rc;
}

static void lite_exists(sqlite3_stmt *st, found_table *f)
{
    (void)st;
    f->exists = true;
}

static void lite_column(sqlite3_stmt *st, found_table *f)
{
    found_column *c = found_alloc(f, sizeof *c);
    if (c == NULL)
        return;
    c->name = found_text(f, sqlite3_column_text(st, 0));
    c->type = found_text(f, sqlite3_column_type(st, 1) == SQLITE_NULL ? (const unsigned char *)""
                                                                     : sqlite3_column_text(st, 1));
    c->not_null = sqlite3_column_int(st, 2) != 0;
    c->pk = sqlite3_column_int(st, 3);
    c->next = NULL;
    found_column **tail = &f->columns;
    while (*tail)
        tail = &(*tail)->next;
    *tail = c;
}

static void lite_fk(sqlite3_stmt *st, found_table *f)
{
    found_fk *k = found_alloc(f, sizeof *k);
    if (k == NULL)
        return;
    k->from = found_text(f, sqlite3_column_text(st, 0));
    k->table = found_text(f, sqlite3_column_text(st, 1));
    k->to = found_text(f, sqlite3_column_text(st, 2));
    k->ondelete = found_text(f, sqlite3_column_text(st, 3));
    k->parts = sqlite3_column_int(st, 4);
    k->next = f->fks;
    f->fks = k;
}

/* One row per (unique index, column), in index order then column order. */
static void lite_unique(sqlite3_stmt *st, found_table *f)
{
    const char *index = (const char *)sqlite3_column_text(st, 0);
    found_unique *u = f->uniques;
    if (u == NULL || index == NULL || strcmp(u->name, index) != 0) {
        u = found_alloc(f, sizeof *u);
        if (u == NULL)
            return;
        memset(u, 0, sizeof *u);
        u->name = found_text(f, (const unsigned char *)index);
        u->plain = true;
        u->next = f->uniques;
        f->uniques = u;
    }
    const unsigned char *col = sqlite3_column_text(st, 1);
    if (col == NULL)
        u->plain = false;           /* an expression: lower(email) is no unique email */
    else if (u->n < sizeof u->columns / sizeof u->columns[0])
        u->columns[u->n] = found_text(f, col);
    u->n++;
}

/* What SQLite's main database holds of `name`: the one place this file
 * knows SQLite.  (PostgreSQL's reader goes beside it.) */
static int read_table_sqlite(assoc_db *db, const char *name, found_table *f)
{
    static const char *const sql_exists =
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE";
    static const char *const sql_columns =
        "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1, 'main') ORDER BY cid";
    static const char *const sql_fks =
        "SELECT \"from\", \"table\", \"to\", on_delete,"
        " (SELECT count(*) FROM pragma_foreign_key_list(?1, 'main') AS o WHERE o.id = k.id)"
        " FROM pragma_foreign_key_list(?1, 'main') AS k ORDER BY id, seq";
    static const char *const sql_uniques =
        "SELECT il.name, ii.name FROM pragma_index_list(?1, 'main') AS il, pragma_index_info(il.name, 'main') AS ii"
        " WHERE il.\"unique\" = 1 AND il.partial = 0 ORDER BY il.seq, ii.seqno";
    sqlite3_stmt *st = NULL;
    int rc = lite_prepare(db, sql_exists, name, &st);
    if (rc == ASSOC_OK)
        rc = lite_rows(db, st, f, lite_exists);
    if (rc != ASSOC_OK || !f->exists)
        return rc;
    rc = lite_prepare(db, sql_columns, name, &st);
    if (rc == ASSOC_OK)
        rc = lite_rows(db, st, f, lite_column);
    if (rc == ASSOC_OK)
        rc = lite_prepare(db, sql_fks, name, &st);
    if (rc == ASSOC_OK)
        rc = lite_rows(db, st, f, lite_fk);
    /* REFERENCES users, without a column, names the parent's key. */
    for (found_fk *k = f->fks; k && rc == ASSOC_OK; k = k->next) {
        if (k->to != NULL || k->table == NULL)
            continue;
        found_table parent;
        memset(&parent, 0, sizeof parent);
        rc = lite_prepare(db, sql_columns, k->table, &st);
        if (rc == ASSOC_OK)
            rc = lite_rows(db, st, &parent, lite_column);
        const found_column *key = NULL;
        size_t nkey = 0;
        for (const found_column *c = parent.columns; c; c = c->next)
            if (c->pk > 0) {
                key = c;
                nkey++;
            }
        if (nkey == 1)
            k->to = found_text(f, (const unsigned char *)key->name);
        found_free(&parent);
    }
    if (rc == ASSOC_OK)
        rc = lite_prepare(db, sql_uniques, name, &st);
    if (rc == ASSOC_OK)
        rc = lite_rows(db, st, f, lite_unique);
    return rc;
}

/* ---- PostgreSQL ----
 *
 * The catalogs of the connection's current schema (the first of its
 * search_path, where create_all made the tables), through libassoc's own
 * statements.  Names compare without case, as PostgreSQL folds unquoted
 * ones to lower case. */

/* The same text for both fields: these statements run on PostgreSQL only. */
#define PG_SQL(text) { text, text }

static const assoc_sql pg_exists = PG_SQL(
    "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() AND lower(c.relname) = lower($1)");
static const assoc_sql pg_columns = PG_SQL(
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,\n"
    "    COALESCE((SELECT k.ord FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(att, ord)\n"
    "              WHERE k.att = a.attnum), 0),\n"
    "    a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false),\n"
    "    t.typtype = 'e'\n"
    "FROM pg_catalog.pg_attribute a\n"
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid\n"
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary\n"
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n"
    "WHERE n.nspname = current_schema() AND lower(c.relname) = lower($1) AND a.attnum > 0\n"
    "    AND NOT a.attisdropped\n"
    "ORDER BY a.attnum");
static const assoc_sql pg_fks = PG_SQL(
    "SELECT a.attname, fc.relname, fa.attname,\n"
    "    CASE con.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'\n"
    "        WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END,\n"
    "    cardinality(con.conkey)\n"
    "FROM pg_catalog.pg_constraint con\n"
    "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid\n"
    "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) AS k(col, fcol)\n"
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col\n"
    "JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fcol\n"
    "WHERE con.contype = 'f' AND n.nspname = current_schema() AND lower(c.relname) = lower($1)\n"
    "ORDER BY con.oid");
static const assoc_sql pg_uniques = PG_SQL(
    "SELECT ic.relname, a.attname\n"
    "FROM pg_catalog.pg_index i\n"
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid\n"
    "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)\n"
    "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0\n"
    "WHERE i.indisunique AND i.indpred IS NULL AND n.nspname = current_schema()\n"
    "    AND lower(c.relname) = lower($1)\n"
    "ORDER BY ic.relname, k.ord");

/* One text column of the current row, copied into f's pool (NULL: NULL). */
static const char *pg_text(assoc_db *db, assoc_stmt *st, int col, found_table *f, int *rc)
{
    char *t = NULL;
    if (*rc == ASSOC_OK)
        *rc = assoc_column_text_ref(db, st, col, &t);
    return *rc == ASSOC_OK ? found_text(f, (const unsigned char *)t) : NULL;
}

/* Run one catalog query for table `name`; row() takes each row. */
static int pg_rows(assoc_db *db, const assoc_sql *sql, const char *name, found_table *f,
                   int (*row)(assoc_db *, assoc_stmt *, found_table *))
{
    assoc_stmt *st = NULL;
    int rc = assoc_stmt_acquire(db, sql, &st);
    if (rc == ASSOC_OK)
        rc = assoc_bind_text(db, st, 1, name);
    while (rc == ASSOC_OK && (rc = assoc_step(db, st)) == ASSOC_ROW) {
        rc = row(db, st, f);
        if (rc == ASSOC_OK && f->nomem)
            rc = assoc_fail(db, ASSOC_NOMEM, "out of memory reading the database's schema");
    }
    assoc_stmt_release(db, st);
    return rc;
}

static int pg_exists_row(assoc_db *db, assoc_stmt *st, found_table *f)
{
    (void)db;
    (void)st;
    f->exists = true;
    return ASSOC_OK;
}

static int pg_column_row(assoc_db *db, assoc_stmt *st, found_table *f)
{
    int rc = ASSOC_OK;
    int64_t pk = 0;
    found_column *c = found_alloc(f, sizeof *c);
    if (c == NULL)
        return ASSOC_OK;
    memset(c, 0, sizeof *c);
    c->name = pg_text(db, st, 0, f, &rc);
    c->type = pg_text(db, st, 1, f, &rc);
    if (rc == ASSOC_OK)
        rc = assoc_col_bool(db, st, 2, &c->not_null, NULL);
    if (rc == ASSOC_OK)
        rc = assoc_col_int64(db, st, 3, &pk, NULL);
    if (rc == ASSOC_OK)
        rc = assoc_col_bool(db, st, 4, &c->assigned, NULL);
    if (rc == ASSOC_OK)
        rc = assoc_col_bool(db, st, 5, &c->native_enum, NULL);
    c->pk = (int)pk;
    found_column **tail = &f->columns;
    while (*tail)
        tail = &(*tail)->next;
    *tail = c;
    return rc;
}

static int pg_fk_row(assoc_db *db, assoc_stmt *st, found_table *f)
{
    int rc = ASSOC_OK;
    int64_t parts = 0;
    found_fk *k = found_alloc(f, sizeof *k);
    if (k == NULL)
        return ASSOC_OK;
    k->from = pg_text(db, st, 0, f, &rc);
    k->table = pg_text(db, st, 1, f, &rc);
    k->to = pg_text(db, st, 2, f, &rc);
    k->ondelete = pg_text(db, st, 3, f, &rc);
    if (rc == ASSOC_OK)
        rc = assoc_col_int64(db, st, 4, &parts, NULL);
    k->parts = (int)parts;
    k->next = f->fks;
    f->fks = k;
    return rc;
}

static int pg_unique_row(assoc_db *db, assoc_stmt *st, found_table *f)
{
    int rc = ASSOC_OK;
    const char *index = pg_text(db, st, 0, f, &rc);
    const char *col = pg_text(db, st, 1, f, &rc);
    if (rc != ASSOC_OK || index == NULL)
        return rc;
    found_unique *u = f->uniques;
    if (u == NULL || strcmp(u->name, index) != 0) {
        u = found_alloc(f, sizeof *u);
        if (u == NULL)
            return ASSOC_OK;
        memset(u, 0, sizeof *u);
        u->name = index;
        u->plain = true;
        u->next = f->uniques;
        f->uniques = u;
    }
    if (col == NULL)
        u->plain = false;           /* an expression */
    else if (u->n < sizeof u->columns / sizeof u->columns[0])
        u->columns[u->n] = col;
    u->n++;
    return ASSOC_OK;
}

static int read_table_pg(assoc_db *db, const char *name, found_table *f)
{
    int rc = pg_rows(db, &pg_exists, name, f, pg_exists_row);
    if (rc != ASSOC_OK || !f->exists)
        return rc;
    rc = pg_rows(db, &pg_columns, name, f, pg_column_row);
    if (rc == ASSOC_OK)
        rc = pg_rows(db, &pg_fks, name, f, pg_fk_row);
    if (rc == ASSOC_OK)
        rc = pg_rows(db, &pg_uniques, name, f, pg_unique_row);
    return rc;
}

static int read_table(assoc_db *db, const char *name, found_table *f)
{
    memset(f, 0, sizeof *f);
    if (assoc_sqlite(db) != NULL)
        return read_table_sqlite(db, name, f);
    return read_table_pg(db, name, f);
}

/* ---------------------------------------------------------------------
 * Comparing
 * ------------------------------------------------------------------- */

/* Does the declared type contain `word` (any case)? */
static bool contains_word(const char *type, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = type; *p; p++)
        if (strncasecmp(p, word, n) == 0)
            return true;
    return false;
}

/* SQLite's rules for the affinity of a declared type, in their order. */
static int affinity_of(const char *type)
{
    char up[64];
    size_t n = 0;
    for (; type[n] && n < sizeof up - 1; n++)
        up[n] = (char)(type[n] >= 'a' && type[n] <= 'z' ? type[n] - 'a' + 'A' : type[n]);
    up[n] = '\0';
    if (strstr(up, "INT"))
        return ASSOC_AFFINITY_INTEGER;
    if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
        return ASSOC_AFFINITY_TEXT;
    if (strstr(up, "BLOB") || n == 0)
        return ASSOC_AFFINITY_BLOB;
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        return ASSOC_AFFINITY_REAL;
    return ASSOC_AFFINITY_NUMERIC;
}

/* PostgreSQL: the types a column of the schema's type may have (the
 * schema describes SQLite's DDL: its type and affinity say which). */
static const char *pg_family(const assoc_column_spec *col)
{
    if (col->flags & ASSOC_COL_JSON)
        return "json or jsonb";
    if (col->flags & ASSOC_COL_ENUM)
        return "character varying, text, character or an ENUM type";
    switch (col->affinity) {
    case ASSOC_AFFINITY_INTEGER: return "bigint, integer or smallint";
    case ASSOC_AFFINITY_REAL: return "double precision, real or numeric";
    case ASSOC_AFFINITY_TEXT: return "character varying, text or character";
    case ASSOC_AFFINITY_BLOB: return "bytea";
    default:
        if (contains_word(col->type, "BOOL"))
            return "boolean";
        return "timestamp without time zone";
    }
}

/* Is the type format_type() gave one of the family's ("a, b or c")? */
static bool pg_type_in(const char *type, const char *family)
{
    char name[64];
    size_t n = 0;
    for (; type[n] && type[n] != '(' && n < sizeof name - 1; n++)
        name[n] = type[n];
    while (n > 0 && name[n - 1] == ' ')
        n--;
    name[n] = '\0';
    /* timestamp(6) without time zone: the precision sits in the middle */
    if (strncmp(type, "timestamp", 9) == 0 && strstr(type, "without time zone") != NULL)
        snprintf(name, sizeof name, "%s", "timestamp without time zone");
    const char *p = family;
    size_t len = strlen(name);
    while ((p = strstr(p, name)) != NULL) {
        bool start = p == family || p[-1] == ' ';
        bool end = p[len] == '\0' || p[len] == ',' || strncmp(p + len, " or", 3) == 0;
        if (start && end)
            return true;
        p += len;
    }
    return false;
}

static const char *affinity_name(int a)
{
    switch (a) {
    case ASSOC_AFFINITY_INTEGER: return "integer";
    case ASSOC_AFFINITY_TEXT: return "text";
    case ASSOC_AFFINITY_BLOB: return "blob";
    case ASSOC_AFFINITY_REAL: return "real";
    default: return "numeric";
    }
}

static bool same_name(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

static const found_column *find_column(const found_table *f, const char *name)
{
    for (const found_column *c = f->columns; c; c = c->next)
        if (same_name(c->name, name))
            return c;
    return NULL;
}

static const assoc_table_spec *spec_table(const assoc_schema_spec *s, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (same_name(s->tables[i].name, name))
            return &s->tables[i];
    return NULL;
}

/* The parent column a foreign key without one names: the parent's only
 * key column, as the schema describes the parent. */
static const char *parent_key(const assoc_schema_spec *s, const char *table)
{
    const assoc_table_spec *t = spec_table(s, table);
    const char *key = NULL;
    size_t n = 0;
    for (size_t i = 0; t && i < t->ncolumns; i++)
        if (t->columns[i].flags & ASSOC_COL_PRIMARY_KEY) {
            key = t->columns[i].name;
            n++;
        }
    return n == 1 ? key : NULL;
}

static const char *ondelete_of(const char *a)
{
    return a != NULL ? a : "NO ACTION";
}

/* "(a, b)" of the key columns the database has, in key order. */
static void found_key(const found_table *f, char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "(");
    for (int place = 1; k < size; place++) {
        const found_column *hit = NULL;
        for (const found_column *c = f->columns; c; c = c->next)
            if (c->pk == place)
                hit = c;
        if (hit == NULL)
            break;
        k += (size_t)snprintf(buf + k, size - k, "%s%s", place > 1 ? ", " : "", hit->name);
    }
    if (k < size)
        snprintf(buf + k, size - k, ")");
}

static void spec_key(const assoc_table_spec *t, char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "(");
    bool first = true;
    for (size_t i = 0; i < t->ncolumns && k < size; i++)
        if (t->columns[i].flags & ASSOC_COL_PRIMARY_KEY) {
            k += (size_t)snprintf(buf + k, size - k, "%s%s", first ? "" : ", ", t->columns[i].name);
            first = false;
        }
    if (k < size)
        snprintf(buf + k, size - k, ")");
}

/* Whether a plain unique index of the table covers exactly these columns
 * (names as a "a, b" list), in any order. */
static bool has_unique(const found_table *f, const char *const *cols, size_t n)
{
    for (const found_unique *u = f->uniques; u; u = u->next) {
        if (!u->plain || u->n != n || n > sizeof u->columns / sizeof u->columns[0])
            continue;
        size_t hits = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < u->n; j++)
                if (same_name(cols[i], u->columns[j])) {
                    hits++;
                    break;
                }
        if (hits == n)
            return true;
    }
    return false;
}

/* "a, b" -> its names, into buf (at most max of them).  A name within
 * double quotes ("First Name", a doubled quote standing for one) may hold
 * blanks and commas.  Returns how many. */
static size_t split_list(const char *list, char *buf, size_t size, const char **out, size_t max)
{
    size_t n = 0, k = 0;
    const char *p = list;
    while (*p && n < max) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        out[n++] = buf + k;
        if (*p == '"') {
            for (p++; *p && k + 1 < size; p++) {
                if (*p == '"' && p[1] != '"')
                    break;
                if (*p == '"')
                    p++;
                buf[k++] = *p;
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',' && *p != ' ' && k + 1 < size)
                buf[k++] = *p++;
        }
        if (k + 1 >= size)
            break;
        buf[k++] = '\0';
    }
    return n;
}

typedef struct verdict {
    char what[200];                /* "table users, column email" */
    char diff[400];                /* "the database has ..., the schema wants ..." */
} verdict;

#define SAY(v, ...) snprintf((v)->diff, sizeof (v)->diff, __VA_ARGS__)

/* The first difference between the table and its description, into v;
 * false when there is none. */
static bool compare(const assoc_schema_spec *s, const assoc_table_spec *t, const found_table *f, bool pg,
                    verdict *v)
{
    snprintf(v->what, sizeof v->what, "table %s", t->name);
    if (!f->exists) {
        SAY(v, "the database has no such table (create_all makes the tables that are missing)");
        return true;
    }
    size_t nkey = 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].flags & ASSOC_COL_PRIMARY_KEY)
            nkey++;

    for (size_t i = 0; i < t->ncolumns; i++) {
        const assoc_column_spec *col = &t->columns[i];
        const found_column *c = find_column(f, col->name);
        snprintf(v->what, sizeof v->what, "table %s, column %s", t->name, col->name);
        if (c == NULL) {
            SAY(v, "the database has no such column, the schema wants %s", col->type);
            return true;
        }
        if (pg) {
            /* PostgreSQL's types are the values' types: the column's
             * must be of the family the schema's type maps to. */
            const char *family = pg_family(col);
            bool native_enum = (col->flags & ASSOC_COL_ENUM) && c->native_enum;
            if (!pg_type_in(c->type, family) && !native_enum) {
                /* (a json column's type is SQLite's TEXT) */
                SAY(v, "the database has %s, the schema wants %s (%s)", c->type,
                    (col->flags & ASSOC_COL_JSON) ? "JSON" : col->type, family);
                return true;
            }
        }
        int aff = pg ? col->affinity : affinity_of(c->type);
        /* SQLAlchemy's Date and Time keep text in a column whose declared
         * type gives it numeric affinity ("DATE"), and no such text looks
         * like a number, so a string column reads and writes it as is. */
        bool temporal_text = aff == ASSOC_AFFINITY_NUMERIC && col->affinity == ASSOC_AFFINITY_TEXT &&
                             (contains_word(c->type, "DATE") || contains_word(c->type, "TIME"));
        /* SQLAlchemy's JSON is declared JSON on SQLite (numeric affinity),
         * where it keeps JSON text. */
        bool json_decl = !pg && aff == ASSOC_AFFINITY_NUMERIC && (col->flags & ASSOC_COL_JSON) &&
                         contains_word(c->type, "JSON");
        if (aff != col->affinity && !temporal_text && !json_decl) {
            SAY(v, "the database has %s%s (%s affinity), the schema wants %s (%s affinity)",
                c->type[0] ? "" : "no type", c->type, affinity_name(aff), col->type, affinity_name(col->affinity));
            return true;
        }
        bool key = (col->flags & ASSOC_COL_PRIMARY_KEY) != 0;
        if (key != (c->pk > 0)) {
            char has[160], wants[160];
            found_key(f, has, sizeof has);
            spec_key(t, wants, sizeof wants);
            snprintf(v->what, sizeof v->what, "table %s", t->name);
            SAY(v, "the database's primary key is %s, the schema wants %s", strcmp(has, "()") ? has : "none",
                strcmp(wants, "()") ? wants : "none");
            return true;
        }
        /* The row id: generated inserts leave the key to SQLite, which
         * assigns it only to an INTEGER PRIMARY KEY, its row id's alias
         * (BIGINT PRIMARY KEY is a column like any other). */
        if (pg && (col->flags & ASSOC_COL_ROWID) && (!c->assigned || nkey != 1)) {
            SAY(v, "the database has %s without an identity or a sequence, the schema wants a key the server "
                   "assigns (an insert leaves it to the server)", c->type);
            return true;
        }
        if (!pg && (col->flags & ASSOC_COL_ROWID) && (strcasecmp(c->type, "INTEGER") != 0 || nkey != 1)) {
            SAY(v, "the database has %s, which is not SQLite's row id, the schema wants INTEGER PRIMARY KEY "
                   "(an insert leaves the key to SQLite, which assigns only that)", c->type);
            return true;
        }
        /* A key column's NOT NULL is the key's business: SQLite's row id is
         * never NULL whatever is declared, and SQLAlchemy declares it. */
        bool want_nn = (col->flags & ASSOC_COL_NOT_NULL) != 0;
        if (!key && want_nn != c->not_null) {
            SAY(v, "the database has %s, the schema wants %s", c->not_null ? "NOT NULL" : "it nullable",
                want_nn ? "NOT NULL" : "it nullable");
            return true;
        }
        /* Unique: a plain unique index of that one column (a key of one
         * column is unique by itself, and says nothing here). */
        if (!(key && nkey == 1)) {
            bool want_u = (col->flags & ASSOC_COL_UNIQUE) != 0;
            bool has_u = has_unique(f, &col->name, 1);
            if (want_u != has_u) {
                SAY(v, "the database has %s, the schema wants %s", has_u ? "UNIQUE" : "it not unique",
                    want_u ? "UNIQUE" : "it not unique");
                return true;
            }
        }
        /* Foreign keys on this column: the declared one, with its action,
         * and no other. */
        const found_fk *match = NULL, *other = NULL;
        for (const found_fk *k = f->fks; k; k = k->next) {
            /* A foreign key of several columns is none the model language
             * can declare: an extra constraint, as a CHECK is. */
            if (!same_name(k->from, col->name) || k->parts > 1)
                continue;
            const char *to = k->to ? k->to : parent_key(s, k->table);
            if (col->ref_table && same_name(k->table, col->ref_table) && same_name(to, col->ref_column))
                match = k;
            else
                other = k;
        }
        if (col->ref_table && match == NULL) {
            if (other)
                SAY(v, "the database has a foreign key to %s (%s), the schema wants one to %s (%s)", other->table,
                    other->to ? other->to : "its key", col->ref_table, col->ref_column);
            else
                SAY(v, "the database has no foreign key, the schema wants REFERENCES %s (%s)", col->ref_table,
                    col->ref_column);
            return true;
        }
        if (col->ref_table == NULL && other) {
            SAY(v, "the database has a foreign key to %s (%s), the schema wants none", other->table,
                other->to ? other->to : "its key");
            return true;
        }
        if (match && strcasecmp(ondelete_of(match->ondelete), ondelete_of(col->ondelete)) != 0) {
            SAY(v, "the database's foreign key to %s (%s) has ON DELETE %s, the schema wants ON DELETE %s",
                col->ref_table, col->ref_column, ondelete_of(match->ondelete), ondelete_of(col->ondelete));
            return true;
        }
    }
    /* The key: no column the schema leaves out of it may be in it. */
    size_t found_nkey = 0;
    for (const found_column *c = f->columns; c; c = c->next)
        if (c->pk > 0)
            found_nkey++;
    if (found_nkey != nkey) {
        char has[160], wants[160];
        found_key(f, has, sizeof has);
        spec_key(t, wants, sizeof wants);
        snprintf(v->what, sizeof v->what, "table %s", t->name);
        SAY(v, "the database's primary key is %s, the schema wants %s", has, strcmp(wants, "()") ? wants : "none");
        return true;
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        char buf[512];
        const char *cols[16];
        size_t n = split_list(t->uniques[i], buf, sizeof buf, cols, 16);
        if (!has_unique(f, cols, n)) {
            snprintf(v->what, sizeof v->what, "table %s", t->name);
            SAY(v, "the database has no UNIQUE (%s), the schema wants it", t->uniques[i]);
            return true;
        }
    }
    return false;
}

int assoc_verify(assoc_db *db, const assoc_schema_spec *s, int mode)
{
    if (db == NULL)
        return ASSOC_MISUSE;
    if (s == NULL)
        return assoc_fail(db, ASSOC_MISUSE, "assoc_verify: NULL argument");
    for (size_t i = 0; i < s->ntables; i++) {
        const assoc_table_spec *t = &s->tables[i];
        found_table f;
        int rc = read_table(db, t->name, &f);
        verdict v;
        bool differs = rc == ASSOC_OK && (f.exists || mode != ASSOC_VERIFY_EXISTING) &&
                       compare(s, t, &f, assoc_sqlite(db) == NULL, &v);
        found_free(&f);
        if (rc != ASSOC_OK)
            return rc;
        if (differs) {
            /* assocgen writes PostgreSQL's script beside SQLite's:
             * models.migrate.sql, models.migrate.pg.sql. */
            char pg_script[256];
            size_t n = strlen(s->script);
            if (n > 4 && strcmp(s->script + n - 4, ".sql") == 0)
                snprintf(pg_script, sizeof pg_script, "%.*s.pg.sql", (int)(n - 4), s->script);
            else
                snprintf(pg_script, sizeof pg_script, "%s", s->script);
            if (assoc_sqlite(db) == NULL)
                return assoc_fail(db, ASSOC_SCHEMA,
                                  "the database does not match the schema %s (%s): %s: %s. To migrate it: "
                                  "assocgen --migrate-from OLD.def %s (OLD.def: the model file the database was "
                                  "made with), then psql -v ON_ERROR_STOP=1 -f %s DATABASE-URI (in the schema the "
                                  "tables are in)",
                                  s->name, s->file, v.what, v.diff, s->file, pg_script);
            return assoc_fail(db, ASSOC_SCHEMA,
                              "the database does not match the schema %s (%s): %s: %s. To migrate it: "
                              "assocgen --migrate-from OLD.def %s (OLD.def: the model file the database was made "
                              "with), then sqlite3 -bail DATABASE < %s",
                              s->name, s->file, v.what, v.diff, s->file, s->script);
        }
    }
    return ASSOC_OK;
}
