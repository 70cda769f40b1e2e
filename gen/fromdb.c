/* fromdb.c - assocgen --from-db: a model file from an existing SQLite
 * database.  See fromdb.h.
 *
 * The work goes in passes over every table, each using what the ones
 * before settled:
 *   1. read: sqlite_master, then per table table_xinfo, foreign_key_list,
 *      index_list, index_xinfo, in one read transaction of a read-only
 *      connection;
 *   2. columns: the language's type (json for a declared JSON or a CHECK
 *      (json_valid(col)), enum(...) for a CHECK col IN ('a', ...) of names,
 *      both read from the CREATE TABLE text), and whether the column can
 *      be written at all (a generated column, a name column("...") cannot
 *      give);
 *   3. indexes: unique / index modifiers, unique(a, b) / index(a, b);
 *   4. foreign keys: single-column keys to a primary key or unique column;
 *      then what json and enum columns cannot be (unique json, an enum
 *      key) goes back to text, server defaults, each key takes the type of
 *      the column it refers to, and every column gets its member name
 *      (column("SQL name") where that is no identifier or its C field
 *      another column's);
 *   5. kinds: a model per table with a primary key, a plain table for an
 *      association table (SPEC 7) and for a table without a primary key;
 *   6. names: models, with every C name a model and its columns (enums
 *      too) generate, then relationships, each name checked against all of
 *      those; then post_update where two tables' keys refer to each other
 *      and a delete reaches both (pass_cycles);
 *   7. the text, which the checker reads before anything is written.
 * Whatever the language cannot say is left out with a '#' comment in the
 * output and a warning line.
 */
#include "fromdb.h"
#include "calendar.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "api.h"
#include "arena.h"
#include "assocgen.h"
#include "cnames.h"
#include "json.h"
#include "reserved.h"
#include "strbuf.h"
#include "symtab.h"


typedef struct fnote { const char *text; struct fnote *next; } fnote;
typedef struct notes { fnote *head, *tail; } notes;

typedef struct ftab ftab;
typedef struct ffk ffk;

typedef struct fcol {
    ftab *tab;
    const char *name, *decl, *dflt;   /* as the database has them */
    int notnull, pk, hidden;          /* table_xinfo */
    sch_type type;                    /* never SCH_ENUM: an enum has nenum > 0 */
    long length;                      /* string(N); 0 for a bare string */
    const char *skip;                 /* why the column is left out, or NULL */
    const char *member;               /* its name in the model; column("name") when not name */
    const char *def;                  /* server_default's argument, as written */
    bool unique, index;
    const char *index_name;           /* index: the database's name for it */
    bool json;                        /* json (type SCH_TEXT): declared JSON, or CHECK (json_valid(col)) */
    const char **enum_vals;           /* enum(...) (type SCH_STRING or SCH_TEXT) when nenum > 0 */
    size_t nenum;
    /* What the table's CHECK constraints say of the column (read_checks). */
    bool json_check;                  /* CHECK (json_valid(col)), or (col IS NULL OR json_valid(col)) */
    size_t nin;                       /* CHECKs col IN ('a', ...) */
    const char **in_vals;             /* the first one's strings; NULL when one was no string */
    size_t nin_vals;
    const char *collate;              /* COLLATE of its definition, or NULL */
    ffk *fk;                          /* the foreign key the column carries */
    notes notes;                      /* remarks on its line */
} fcol;

struct ffk {
    ftab *holder, *target;
    fcol *col, *tcol;
    const char *ondelete;             /* the language's word; NULL for NO ACTION */
    bool one_to_one;                  /* the column is unique: one child at most */
    bool fk_option;                   /* the relationship says foreign_keys = col */
    bool post_update;                 /* the relationship says post_update = true (pass_cycles) */
    const char *rel, *back;           /* relationship and backref; rel NULL: none */
    notes notes;                      /* remarks above its relationship */
};

typedef struct fcons { bool unique; fcol **cols; size_t n; const char *name; } fcons;

/* K_TABLE: not decided yet (pass 5 decides). */
typedef enum { K_TABLE, K_SKIP, K_MODEL, K_PLAIN, K_ASSOC } fkind;

struct ftab {
    const char *name, *sql, *list_type;
    fkind kind;
    const char *skip;                 /* K_SKIP: why */
    const char *model, *snake;        /* K_MODEL */
    fcol *cols;
    size_t ncols, npk;
    bool write_pk;                    /* primary_key is written (a whole key) */
    ffk *fks;                         /* the foreign keys kept, in column order */
    size_t nfks;
    fcons *cons;
    size_t ncons, cons_cap;
    notes notes;                      /* remarks at the top of its body */
    const char *m2m_rel, *m2m_back;   /* K_ASSOC: the many-to-many, when made */
    symtab members;                   /* K_MODEL: column and relationship names */
};

typedef struct fctx {
    arena a;
    sqlite3 *db;
    const char *path, *file, *cbase;
    ftab *tabs;
    size_t ntabs;
    symtab lower;                     /* lower-case table name -> ftab */
    symtab cnames;                    /* every C name generated code would take */
    strbuf warn;                      /* one line per thing left out */
    bool nomem, has_date, has_time;
    char *err;
    size_t errsize;
} fctx;

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static const char *xstrdup(fctx *x, const char *s)
{
    char *p = arena_strdup(&x->a, s ? s : "");
    if (p == NULL)
        x->nomem = true;
    return p ? p : "";
}

static const char *xprintf(fctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *xprintf(fctx *x, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    const char *out = sb.failed ? NULL : arena_strdup(&x->a, strbuf_str(&sb));
    strbuf_free(&sb);
    if (out == NULL) {
        x->nomem = true;
        return "";
    }
    return out;
}

static void *xalloc(fctx *x, size_t n)
{
    void *p = arena_alloc(&x->a, n ? n : 1);
    if (p == NULL)
        x->nomem = true;
    return p;
}

/* Comment text: printable ASCII only, so that no byte of a database name
 * or expression can end the comment or trouble the scanner. */
static const char *clean(fctx *x, const char *s, size_t max)
{
    strbuf sb = STRBUF_INIT;
    size_t n = 0;
    for (; s && *s && n < max; s++, n++) {
        unsigned char c = (unsigned char)*s;
        strbuf_putc(&sb, c >= 0x20 && c < 0x7f ? (char)c : '?');
    }
    if (s && *s)
        strbuf_puts(&sb, "...");
    const char *out = sb.failed ? NULL : arena_strdup(&x->a, strbuf_str(&sb));
    strbuf_free(&sb);
    if (out == NULL)
        x->nomem = true;
    return out ? out : "";
}

static void add_note(fctx *x, notes *n, const char *text)
{
    fnote *f = xalloc(x, sizeof *f);
    if (f == NULL)
        return;
    f->text = text;
    if (n->tail)
        n->tail->next = f;
    else
        n->head = f;
    n->tail = f;
}

/* Something the model leaves out: a comment where it stands, and a warning
 * (which names the column, when `col` is not NULL). */
static void left_out(fctx *x, notes *n, const ftab *t, const char *col, const char *text)
{
    add_note(x, n, text);
    strbuf_printf(&x->warn, "%s: table '%s'%s%s%s: %s\n", x->file, clean(x, t->name, 80), col ? ", column '" : "",
                  col ? clean(x, col, 80) : "", col ? "'" : "", text);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static bool put(fctx *x, symtab *t, const char *key)
{
    bool nomem = false;
    const char *k = xstrdup(x, key);
    void *prev = symtab_put(t, k, (void *)k, &nomem);
    if (nomem)
        x->nomem = true;
    return prev == NULL && !nomem;
}

/* The words of the language that the grammar reads as keywords: where a
 * table name is one, it is written as a string. */
static bool is_language_word(const char *s)
{
    return strcmp(s, "model") == 0 || strcmp(s, "table") == 0 || strcmp(s, "import") == 0;
}

/* ------------------------------------------------------------------ */
/* Names C cannot take (the checker's rules, SPEC 1 "Diagnostics")     */

/* The field a member becomes in its model's struct. */
static const char *field_of(fctx *x, const char *member)
{
    return c_field_needs_underscore(member) ? xprintf(x, "%s_", member) : member;
}

static const char *field_name(fctx *x, const fcol *c)
{
    return field_of(x, c->member);
}

/* A number, boolean, datetime or enum column that can be unset has a has_
 * flag (the checker's sch_type_has_flag). */
static bool has_flag(const fcol *c)
{
    return sch_type_has_flag(c->nenum ? SCH_ENUM : c->type) && !c->pk && (!c->notnull || c->def != NULL);
}

/* ------------------------------------------------------------------ */
/* English: users -> user -> users                                      */

static const char *const irregular[][2] = {
    { "person", "people" }, { "child", "children" }, { "man", "men" }, { "woman", "women" },
    { "mouse", "mice" }, { "goose", "geese" }, { "tooth", "teeth" }, { "foot", "feet" },
    { "criterion", "criteria" }, { "analysis", "analyses" }, { "matrix", "matrices" },
    { "vertex", "vertices" }, { "index", "indices" }, { "status", "statuses" },
    { "bus", "buses" }, { "campus", "campuses" }, { "virus", "viruses" }, { "bonus", "bonuses" },
    { "census", "censuses" }, { "focus", "focuses" }, { "radius", "radii" },
    { "movie", "movies" }, { "cookie", "cookies" }, { "pie", "pies" }, { "tie", "ties" },
    { "lie", "lies" }, { "zombie", "zombies" }, { "calorie", "calories" },
    { "cache", "caches" }, { "niche", "niches" }, { "headache", "headaches" },
    { "series", "series" }, { "species", "species" }, { "news", "news" }, { "data", "data" },
    { "sheep", "sheep" }, { "fish", "fish" }, { "information", "information" },
};

/* The last word of a name: after its last '_'. */
static const char *last_word(const char *s)
{
    const char *u = strrchr(s, '_');
    return u && u[1] ? u + 1 : s;
}

/* Replace the last k bytes of s with `with`. */
static const char *re_end(fctx *x, const char *s, size_t k, const char *with)
{
    return xprintf(x, "%.*s%s", (int)(strlen(s) - k), s, with);
}

static const char *singular(fctx *x, const char *s)
{
    const char *w = last_word(s);
    for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++) {
        if (strcasecmp(w, irregular[i][1]) == 0)
            return re_end(x, s, strlen(w), irregular[i][0]);
        if (strcasecmp(w, irregular[i][0]) == 0)
            return s;
    }
    size_t n = strlen(w);
    if (n > 3 && ends_with(w, "ies"))
        return re_end(x, s, 3, "y");
    if (n > 4 && (ends_with(w, "sses") || ends_with(w, "xes") || ends_with(w, "ches") ||
                  ends_with(w, "shes") || ends_with(w, "zzes")))
        return re_end(x, s, 2, "");
    if (ends_with(w, "ss") || ends_with(w, "us") || ends_with(w, "is"))
        return s;
    if (n > 1 && ends_with(w, "s"))
        return re_end(x, s, 1, "");
    return s;
}

static const char *plural(fctx *x, const char *s)
{
    const char *w = last_word(s);
    for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++)
        if (strcasecmp(w, irregular[i][0]) == 0)
            return re_end(x, s, strlen(w), irregular[i][1]);
    size_t n = strlen(w);
    char last = n ? w[n - 1] : 0, before = n > 1 ? w[n - 2] : 0;
    if (last == 'y' && before && !strchr("aeiou", before))
        return re_end(x, s, 1, "ies");
    if (last == 's' || last == 'x' || last == 'z' || ends_with(w, "ch") || ends_with(w, "sh"))
        return xprintf(x, "%ses", s);
    return xprintf(x, "%ss", s);
}

/* A table's name as a lower-case snake name: OrderLines -> order_lines. */
static const char *table_snake(fctx *x, const ftab *t)
{
    return c_snake_case(&x->a, t->name, &x->nomem);
}

/* "the holding table's name, plural": orders -> orders, person -> people. */
static const char *plural_snake(fctx *x, const ftab *t)
{
    const char *s = table_snake(x, t);
    return strcmp(singular(x, s), s) != 0 ? s : plural(x, s);
}

static const char *singular_snake(fctx *x, const ftab *t)
{
    return singular(x, table_snake(x, t));
}

/* A column's name without its _id: user_id -> user; NULL when it has none. */
static const char *stem(fctx *x, const char *col)
{
    size_t n = strlen(col);
    if (n > 3 && ends_with(col, "_id"))
        return xprintf(x, "%.*s", (int)(n - 3), col);
    return NULL;
}

/* users -> User, order_lines -> OrderLine, USER_ACCOUNTS -> UserAccount. */
static const char *camel(fctx *x, const char *table, bool make_singular)
{
    strbuf sb = STRBUF_INIT;
    const char *p = table;
    while (*p) {
        size_t n = strcspn(p, "_");
        if (n > 0) {
            const char *word = xprintf(x, "%.*s", (int)n, p);
            bool all_upper = true;
            for (const char *q = word; *q; q++)
                if (*q >= 'a' && *q <= 'z')
                    all_upper = false;
            if (all_upper)
                word = c_lower_copy(&x->a, word, &x->nomem);
            if (make_singular && p[n] == '\0')
                word = singular(x, word);
            char first = word[0];
            strbuf_putc(&sb, first >= 'a' && first <= 'z' ? (char)(first - 'a' + 'A') : first);
            strbuf_puts(&sb, word + 1);
        }
        p += n;
        if (*p == '_')
            p++;
    }
    const char *out = sb.failed ? NULL : xstrdup(x, strbuf_str(&sb));
    if (sb.failed)
        x->nomem = true;
    strbuf_free(&sb);
    if (out == NULL || out[0] == '\0')
        return "T";
    if (out[0] >= '0' && out[0] <= '9')
        return xprintf(x, "T%s", out);
    return out;
}

/* ------------------------------------------------------------------ */
/* Pass 1: reading                                                     */

static int db_fail(fctx *x, const char *what)
{
    snprintf(x->err, x->errsize, "cannot read database '%s'%s%s: %s", x->path, what ? " " : "",
             what ? what : "", sqlite3_errmsg(x->db));
    return 2;
}

static const char *col_text(fctx *x, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (s == NULL)
        return NULL;
    char *p = arena_strndup(&x->a, (const char *)s, (size_t)sqlite3_column_bytes(st, i));
    if (p == NULL)
        x->nomem = true;
    return p ? p : "";
}

/* Grow an arena array to hold one more element. */
static void *grow(fctx *x, void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return items;
    size_t nc = *cap ? 2 * *cap : 8;
    void *p = xalloc(x, nc * size);
    if (p == NULL)
        return NULL;
    if (n)
        memcpy(p, items, n * size);
    *cap = nc;
    return p;
}

static int prepare(fctx *x, const char *sql, const char *table, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(x->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_fail(x, NULL);
    if (table)
        sqlite3_bind_text(*st, 1, table, -1, SQLITE_STATIC);
    return 0;
}

static int finish(fctx *x, sqlite3_stmt *st, int step_rc, const char *table)
{
    int rc = 0;
    if (step_rc != SQLITE_DONE)
        rc = db_fail(x, table ? xprintf(x, "(table '%s')", clean(x, table, 80)) : NULL);
    sqlite3_finalize(st);
    return rc;
}

static int read_tables(fctx *x)
{
    /* table_list (SQLite 3.37) tells virtual and shadow tables apart; on an
     * older library the CREATE VIRTUAL TABLE text still tells the first. */
    symtab kinds = { 0 };
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(x->db, "SELECT name, type FROM pragma_table_list WHERE schema = 'main'", -1, &st,
                           NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = col_text(x, st, 0), *type = col_text(x, st, 1);
            bool nomem = false;
            if (name && type)
                symtab_put(&kinds, name, (void *)type, &nomem);
            x->nomem |= nomem;
        }
        sqlite3_finalize(st);
    }
    int rc = prepare(x, "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid", NULL, &st);
    size_t cap = 0;
    int s = SQLITE_DONE;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = col_text(x, st, 0);
        if (name == NULL || strncasecmp(name, "sqlite_", 7) == 0)
            continue;   /* SQLite's own: sqlite_sequence, sqlite_stat1 */
        ftab *tabs = grow(x, x->tabs, x->ntabs, &cap, sizeof *tabs);
        if (tabs == NULL)
            break;
        x->tabs = tabs;
        ftab *t = &x->tabs[x->ntabs++];
        memset(t, 0, sizeof *t);
        t->name = name;
        t->sql = col_text(x, st, 1);
        t->list_type = symtab_get(&kinds, name);
    }
    if (rc == 0)
        rc = finish(x, st, s, NULL);
    for (size_t i = 0; rc == 0 && i < x->ntabs; i++) {
        bool nomem = false;
        symtab_put(&x->lower, c_lower_copy(&x->a, x->tabs[i].name, &x->nomem), &x->tabs[i], &nomem);
        x->nomem |= nomem;
    }
    symtab_free(&kinds);
    return rc;
}

static int read_columns(fctx *x, ftab *t)
{
    sqlite3_stmt *st;
    int rc = prepare(x, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid",
                     t->name, &st);
    if (rc)
        return rc;
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        fcol *cols = grow(x, t->cols, t->ncols, &cap, sizeof *cols);
        if (cols == NULL)
            break;
        t->cols = cols;
        fcol *c = &t->cols[t->ncols++];
        memset(c, 0, sizeof *c);
        c->tab = t;
        c->name = col_text(x, st, 0);
        c->decl = col_text(x, st, 1);
        c->notnull = sqlite3_column_int(st, 2);
        c->dflt = col_text(x, st, 3);
        c->pk = sqlite3_column_int(st, 4);
        c->hidden = sqlite3_column_int(st, 5);
        if (c->name == NULL)
            c->name = "";
        if (c->decl == NULL)
            c->decl = "";
    }
    return finish(x, st, s == SQLITE_ROW ? SQLITE_DONE : s, t->name);
}

static fcol *find_col(const ftab *t, const char *name)
{
    for (size_t i = 0; name && i < t->ncols; i++)
        if (strcasecmp(t->cols[i].name, name) == 0)
            return &t->cols[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Pass 2: columns                                                     */

/* Collapse blanks, upper-case: " varchar ( 20 )" -> "VARCHAR ( 20 )". */
static const char *type_key(fctx *x, const char *decl, const char **args)
{
    strbuf sb = STRBUF_INIT;
    const char *p = decl;
    *args = NULL;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    bool blank = false;
    for (; *p && *p != '('; p++) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            blank = true;
            continue;
        }
        if (blank && sb.len)
            strbuf_putc(&sb, ' ');
        blank = false;
        strbuf_putc(&sb, c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
    }
    if (*p == '(') {
        const char *close = strchr(p, ')');
        *args = close ? xprintf(x, "%.*s", (int)(close - p - 1), p + 1) : NULL;
    }
    const char *out = xstrdup(x, strbuf_str(&sb));
    if (sb.failed)
        x->nomem = true;
    strbuf_free(&sb);
    return out;
}

static bool one_of(const char *key, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(key, *words) == 0)
            return true;
    return false;
}

/* SQLite's affinity rules (sqlite.org/datatype3.html 3.1), in their order. */
static sch_type by_affinity(const char *up, bool *numeric)
{
    *numeric = false;
    if (strstr(up, "INT"))
        return SCH_INTEGER;
    if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
        return SCH_TEXT;
    if (strstr(up, "BLOB") || up[0] == '\0')
        return SCH_BLOB;
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        return SCH_FLOAT;
    *numeric = true;
    return SCH_FLOAT;
}

static void map_type(fctx *x, fcol *c)
{
    static const char *const strings[] = { "CHAR", "VARCHAR", "NCHAR", "NVARCHAR", "CHARACTER",
                                           "CHARACTER VARYING", "VARYING CHARACTER", "NATIVE CHARACTER",
                                           "NATIONAL CHARACTER", "NATIONAL CHARACTER VARYING",
                                           "NATIONAL VARCHAR", "VARCHAR2", "NVARCHAR2", NULL };
    static const char *const integers[] = { "INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT",
                                            "INT2", "INT8", "UNSIGNED BIG INT", "INTEGER UNSIGNED",
                                            "INT UNSIGNED", "BIGINT UNSIGNED", "SMALLINT UNSIGNED",
                                            NULL };
    static const char *const texts[] = { "TEXT", "CLOB", NULL };
    static const char *const floats[] = { "REAL", "FLOAT", "DOUBLE", "DOUBLE PRECISION", "NUMERIC",
                                          "DECIMAL", NULL };
    static const char *const booleans[] = { "BOOLEAN", "BOOL", NULL };
    static const char *const datetimes[] = { "DATETIME", "DATETIME2", "TIMESTAMP", NULL };
    const char *args;
    const char *key = type_key(x, c->decl, &args);

    if (one_of(key, integers)) {
        c->type = SCH_INTEGER;
    } else if (one_of(key, strings)) {
        c->type = SCH_STRING;
        char *end;
        errno = 0;
        long n = args ? strtol(args, &end, 10) : 0;
        if (args && errno == 0 && end != args && n >= 1 && n <= 1000000000) {
            while (*end == ' ')
                end++;
            if (*end == '\0')
                c->length = n;
        }
    } else if (one_of(key, texts)) {
        c->type = SCH_TEXT;
    } else if (one_of(key, floats)) {
        c->type = SCH_FLOAT;
    } else if (one_of(key, booleans)) {
        c->type = SCH_BOOLEAN;
    } else if (one_of(key, datetimes) || strncmp(key, "TIMESTAMP ", 10) == 0) {
        c->type = SCH_DATETIME;
    } else if (strcmp(key, "DATE") == 0) {
        c->type = SCH_STRING;
        c->length = 10;
        x->has_date = true;
        add_note(x, &c->notes, "DATE, read as its text (see the top)");
    } else if (strcmp(key, "TIME") == 0 || strncmp(key, "TIME ", 5) == 0) {
        c->type = SCH_STRING;
        c->length = 15;
        x->has_time = true;
        add_note(x, &c->notes, "TIME, read as its text (see the top)");
    } else if (strcmp(key, "JSON") == 0) {
        c->type = SCH_TEXT;     /* SQLAlchemy's JSON: JSON text */
        c->json = true;
    } else if (strcmp(key, "JSONB") == 0) {
        c->type = SCH_TEXT;
        add_note(x, &c->notes, "JSONB, read as its text (not json: SQLite's JSONB may be its binary form)");
    } else if (strcmp(key, "UUID") == 0 || strcmp(key, "GUID") == 0) {
        c->type = SCH_STRING;
        add_note(x, &c->notes, xprintf(x, "%s, read as its text", key));
    } else if (strcmp(key, "BLOB") == 0 || key[0] == '\0') {
        c->type = SCH_BLOB;
        if (key[0] == '\0')
            add_note(x, &c->notes, "no declared type: BLOB affinity");
    } else {
        bool numeric;
        c->type = by_affinity(key, &numeric);
        add_note(x, &c->notes, xprintf(x, "declared %s: %s affinity", clean(x, c->decl, 40),
                                       numeric ? "NUMERIC" : c->type == SCH_INTEGER ? "INTEGER" :
                                       c->type == SCH_TEXT ? "TEXT" : c->type == SCH_BLOB ? "BLOB" : "REAL"));
    }
}

/* The column's type in the language, without its arguments. */
static const char *type_word(const fcol *c)
{
    return c->nenum ? "enum" : c->json ? "json" : sch_type_name(c->type);
}

/* Strip blanks and balanced outer parentheses: "( (0) )" -> "0". */
static const char *unwrap(fctx *x, const char *s)
{
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
            n--;
        if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
            /* Only when the first '(' closes at the end: not "(1) + (2)". */
            int depth = 0;
            bool in_str = false, whole = true;
            for (size_t i = 0; i < n; i++) {
                if (s[i] == '\'')
                    in_str = !in_str;
                if (in_str)
                    continue;
                if (s[i] == '(')
                    depth++;
                else if (s[i] == ')' && --depth == 0 && i + 1 < n)
                    whole = false;
            }
            if (whole) {
                s = xprintf(x, "%.*s", (int)(n - 2), s + 1);
                continue;
            }
        }
        return xprintf(x, "%.*s", (int)n, s);
    }
}

/* A SQL string literal 'it''s' -> it's; NULL when s is not exactly one. */
static const char *sql_string_value(fctx *x, const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[0] != '\'' || s[n - 1] != '\'')
        return NULL;
    strbuf sb = STRBUF_INIT;
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == '\'') {
            if (s[i + 1] != '\'' || i + 2 >= n) {
                strbuf_free(&sb);
                return NULL;
            }
            i++;
        }
        strbuf_putc(&sb, s[i]);
    }
    const char *out = xstrdup(x, strbuf_str(&sb));
    if (sb.failed)
        x->nomem = true;
    strbuf_free(&sb);
    return out;
}

/* A decimal integer that fits 64 bits (hexadecimal too, as SQL writes it). */
static bool parse_int(const char *s, long long *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p == '\0')
        return false;
    bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    for (const char *q = hex ? p + 2 : p; *q; q++)
        if (!(*q >= '0' && *q <= '9') && !(hex && ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))))
            return false;
    if (hex && p[2] == '\0')
        return false;
    errno = 0;
    char *end;
    long long v = hex ? (long long)strtoull(p + 2, &end, 16) : strtoll(s, &end, 10);
    if (errno == ERANGE || *end != '\0')
        return false;
    *out = hex && s[0] == '-' ? -v : v;
    return true;
}

static bool parse_real(const char *s, double *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    bool digit = false;
    while (*p >= '0' && *p <= '9')
        p++, digit = true;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digit = true;
    if (!digit)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return false;
    char *end;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

/* A float as the language's lexer reads it: 1, -2.5, 1.0e+30. */
static const char *real_literal(fctx *x, double v)
{
    char buf[64];
    /* The shortest that reads back as the same double: 9.99, not 9.9900000000000002. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* "1e+30" is read as a decimal only with digits on both sides of a '.'. */
    char *e = strchr(buf, 'e');
    if (e && !memchr(buf, '.', (size_t)(e - buf))) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*s.0%s", (int)(e - buf), buf, e);
        return xstrdup(x, tmp);
    }
    return xstrdup(x, buf);
}

/* The text as a string of the language, or NULL when it cannot be one. */
static const char *def_string(fctx *x, const char *v)
{
    strbuf sb = STRBUF_INIT;
    strbuf_putc(&sb, '"');
    const unsigned char *p = (const unsigned char *)v;
    bool ok = true;
    while (*p && ok) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            strbuf_putc(&sb, '\\');
            strbuf_putc(&sb, (char)c);
        } else if (c == '\n') {
            strbuf_puts(&sb, "\\n");
        } else if (c == '\t') {
            strbuf_puts(&sb, "\\t");
        } else if (c == '\r') {
            strbuf_puts(&sb, "\\r");
        } else if (c < 0x20 || c == 0x7f) {
            ok = false;
        } else if (c < 0x80) {
            strbuf_putc(&sb, (char)c);
        } else {
            /* UTF-8, checked: a lead byte and its continuation bytes. */
            size_t k = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : 0;
            if (k == 0 || c > 0xF4) {
                ok = false;
                break;
            }
            for (size_t i = 1; i <= k; i++)
                if ((p[i] & 0xC0) != 0x80)
                    ok = false;
            if (ok)
                strbuf_putn(&sb, (const char *)p, k + 1);
            p += k;
        }
        p++;
    }
    strbuf_putc(&sb, '"');
    const char *out = ok && !sb.failed ? xstrdup(x, strbuf_str(&sb)) : NULL;
    x->nomem |= sb.failed;
    strbuf_free(&sb);
    return out;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* "YYYY-MM-DD[ HH:MM:SS[.f...]]" that the checker takes as a datetime
 * default: the calendar the checker and the runtime share (a copy here
 * took year 0000, which the checker refuses, failing the whole file). */
static bool is_datetime_text(const char *s)
{
    int64_t t;
    return assoc_cal_parse(s, strlen(s), true, &t);
}

static void map_default(fctx *x, fcol *c)
{
    if (c->dflt == NULL)
        return;
    const char *e = unwrap(x, c->dflt);
    const char *str = sql_string_value(x, e);
    long long iv;
    double dv;
    bool is_int = parse_int(e, &iv), is_real = parse_real(e, &dv);
    bool is_true = strcasecmp(e, "TRUE") == 0, is_false = strcasecmp(e, "FALSE") == 0;
    const char *def = NULL;

    if (strcasecmp(e, "NULL") == 0)
        return;
    switch (c->type) {
    case SCH_INTEGER:
        if (str && parse_int(str, &iv))
            is_int = true;
        if (is_true || is_false)
            def = is_true ? "1" : "0";
        else if (is_int)
            def = xprintf(x, "%lld", iv);
        else if (is_real && dv == floor(dv) && fabs(dv) < 9e15)
            def = xprintf(x, "%lld", (long long)dv);
        break;
    case SCH_FLOAT:
        if (str && parse_real(str, &dv))
            is_real = true;
        if (is_int && !is_real)
            def = xprintf(x, "%lld", iv);
        else if (is_real)
            def = real_literal(x, dv);
        break;
    case SCH_BOOLEAN:
        if (str && (strcmp(str, "0") == 0 || strcmp(str, "1") == 0))
            def = str[0] == '1' ? "true" : "false";
        else if (is_true || is_false)
            def = is_true ? "true" : "false";
        else if (is_int && (iv == 0 || iv == 1))
            def = iv ? "true" : "false";
        break;
    case SCH_STRING:
    case SCH_TEXT:
    case SCH_BLOB:
        if (c->nenum > 0) {
            /* one of the values, by its name */
            for (size_t k = 0; str && k < c->nenum; k++)
                if (strcmp(str, c->enum_vals[k]) == 0)
                    def = c->enum_vals[k];
            break;
        }
        if (str == NULL && (is_int || is_real))
            str = e;   /* DEFAULT 5 on a text column stores '5' */
        if (str) {
            def = def_string(x, str);
            if (def && c->type == SCH_STRING && c->length > 0 && utf8_chars(str) > (size_t)c->length)
                def = NULL;
            if (def && c->json && !json_valid_text(str, strlen(str))) {
                left_out(x, &c->notes, c->tab, c->name,
                         xprintf(x, "DEFAULT %s left out: it is not JSON, as a json column's default must be",
                                 clean(x, c->dflt, 60)));
                return;
            }
        }
        break;
    case SCH_DATETIME:
        if (strcasecmp(e, "CURRENT_TIMESTAMP") == 0)
            def = "current_timestamp";
        else if (str && is_datetime_text(str))
            def = def_string(x, str);
        break;
    case SCH_ENUM:
        break;
    }
    if (def)
        c->def = def;
    else
        left_out(x, &c->notes, c->tab, c->name,
                 xprintf(x, "DEFAULT %s left out: no server_default of %s %s column says it", clean(x, c->dflt, 60),
                         c->type == SCH_INTEGER || c->nenum ? "an" : "a", type_word(c)));
}

/* ------------------------------------------------------------------ */
/* Pass 2, before the columns: what the table's CHECK constraints say   */
/*
 * SQLite keeps a table's CREATE TABLE text in sqlite_master; its CHECK
 * constraints are read from it for two forms the language has a type for:
 *   col IN ('a', 'b', ...)     SQLAlchemy's Enum(create_constraint=True)
 *                              and our DDL's enum(a, b): an enum
 *   json_valid(col)            our DDL's json: a json column
 * each alone, in parentheses, or after "col IS NULL OR".  Any other CHECK
 * stays the database's own (verify allows it).  The text is tokenized as
 * SQLite does (quoted names, string literals, comments); a text this
 * cannot read gives no CHECKs. */

typedef enum { TK_WORD, TK_QUOTED, TK_STRING, TK_OTHER } tkind;
typedef struct tok { tkind kind; const char *text; } tok;
typedef struct toks { tok *v; size_t n, cap; } toks;

static void add_tok(fctx *x, toks *ts, tkind kind, const char *text)
{
    tok *v = grow(x, ts->v, ts->n, &ts->cap, sizeof *v);
    if (v == NULL)
        return;
    ts->v = v;
    v[ts->n++] = (tok){ kind, text };
}

/* The quoted text at q up to its closing `close` (doubled, it stands for
 * itself, except in [...]), unquoted; *end after it.  NULL when it does
 * not close. */
static const char *unquote(fctx *x, const char *q, char close, const char **end)
{
    strbuf sb = STRBUF_INIT;
    const char *p = q + 1;
    for (;;) {
        if (*p == '\0') {
            strbuf_free(&sb);
            return NULL;
        }
        if (*p == close) {
            if (close != ']' && p[1] == close) {
                strbuf_putc(&sb, close);
                p += 2;
                continue;
            }
            break;
        }
        strbuf_putc(&sb, *p++);
    }
    *end = p + 1;
    const char *out = sb.failed ? NULL : xstrdup(x, strbuf_str(&sb));
    x->nomem |= sb.failed;
    strbuf_free(&sb);
    return out;
}

static bool word_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c >= 0x80;
}

static bool tokenize(fctx *x, const char *sql, toks *ts)
{
    const char *p = sql;
    while (*p && !x->nomem) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            p++;
        } else if (c == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (c == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (e == NULL)
                return false;
            p = e + 2;
        } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
            const char *end;
            const char *v = unquote(x, p, c == '[' ? ']' : (char)c, &end);
            if (v == NULL)
                return false;
            add_tok(x, ts, c == '\'' ? TK_STRING : TK_QUOTED, v);
            p = end;
        } else if (word_char(c)) {
            size_t n = 1;
            while (word_char((unsigned char)p[n]))
                n++;
            add_tok(x, ts, TK_WORD, xprintf(x, "%.*s", (int)n, p));
            p += n;
        } else {
            add_tok(x, ts, TK_OTHER, xprintf(x, "%c", (char)c));
            p++;
        }
    }
    return !x->nomem;
}

static bool is_kw(const tok *t, const char *kw)
{
    return t->kind == TK_WORD && strcasecmp(t->text, kw) == 0;
}

static bool is_punct(const tok *t, char ch)
{
    return t->kind == TK_OTHER && t->text[0] == ch;
}

/* The index after the parenthesis that closes the one at v[i], or n. */
static size_t close_paren(const tok *v, size_t i, size_t n)
{
    int depth = 0;
    for (; i < n; i++) {
        if (is_punct(&v[i], '('))
            depth++;
        else if (is_punct(&v[i], ')') && --depth == 0)
            return i + 1;
    }
    return n;
}

/* Without the parentheses that hold all of it: "((a))" -> "a". */
static void strip_parens(const tok **v, size_t *n)
{
    while (*n >= 2 && is_punct(&(*v)[0], '(') && close_paren(*v, 0, *n) == *n && is_punct(&(*v)[*n - 1], ')')) {
        (*v)++;
        *n -= 2;
    }
}

/* A column named by one token. */
static fcol *col_ref(const ftab *t, const tok *v)
{
    return v->kind == TK_WORD || v->kind == TK_QUOTED ? find_col(t, v->text) : NULL;
}

/* "col IS NULL" */
static fcol *null_test(const ftab *t, const tok *v, size_t n)
{
    strip_parens(&v, &n);
    return n == 3 && is_kw(&v[1], "IS") && is_kw(&v[2], "NULL") ? col_ref(t, &v[0]) : NULL;
}

/* "json_valid(col)" */
static fcol *json_test(const ftab *t, const tok *v, size_t n)
{
    strip_parens(&v, &n);
    return n == 4 && is_kw(&v[0], "json_valid") && is_punct(&v[1], '(') && is_punct(&v[3], ')')
               ? col_ref(t, &v[2]) : NULL;
}

/* "col IN ('a', 'b')": the column; *vals NULL when a value is no string. */
static fcol *in_test(fctx *x, const ftab *t, const tok *v, size_t n, const char ***vals, size_t *nvals)
{
    strip_parens(&v, &n);
    if (n < 5 || !is_kw(&v[1], "IN") || !is_punct(&v[2], '(') || close_paren(v, 2, n) != n)
        return NULL;
    fcol *c = col_ref(t, &v[0]);
    const char **out = xalloc(x, n * sizeof *out);
    size_t k = 0;
    bool strings = out != NULL;
    for (size_t i = 3; i + 1 < n; i += 2) {
        if (v[i].kind != TK_STRING)
            strings = false;
        else if (out)
            out[k++] = v[i].text;
        if (!is_punct(&v[i + 1], i + 2 == n ? ')' : ','))
            return NULL;
    }
    *vals = strings ? out : NULL;
    *nvals = strings ? k : 0;
    return c;
}

/* One CHECK's expression: a test of the forms above, or "col IS NULL OR"
 * one of them. */
static void judge_check(fctx *x, const ftab *t, const tok *v, size_t n)
{
    strip_parens(&v, &n);
    size_t or_at = 0, ors = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_punct(&v[i], '('))
            i = close_paren(v, i, n) - 1;
        else if (is_kw(&v[i], "OR"))
            ors++, or_at = i;
    }
    if (ors > 1)
        return;
    const tok *test = v;
    size_t tn = n;
    fcol *nullable = NULL;
    if (ors == 1) {
        /* either side may be the IS NULL */
        const tok *l = v, *r = v + or_at + 1;
        size_t ln = or_at, rn = n - or_at - 1;
        if ((nullable = null_test(t, l, ln)) != NULL)
            test = r, tn = rn;
        else if ((nullable = null_test(t, r, rn)) != NULL)
            test = l, tn = ln;
        else
            return;
    }
    const char **vals = NULL;
    size_t nvals = 0;
    fcol *c;
    if ((c = json_test(t, test, tn)) != NULL && (nullable == NULL || nullable == c)) {
        c->json_check = true;
    } else if ((c = in_test(x, t, test, tn, &vals, &nvals)) != NULL && (nullable == NULL || nullable == c)) {
        if (c->nin++ == 0) {
            c->in_vals = vals;
            c->nin_vals = nvals;
        }
    }
}

/* One definition of the table's list: a column's (its CHECKs and COLLATE)
 * or a table constraint (a CHECK of it). */
static void read_definition(fctx *x, const ftab *t, const tok *v, size_t n)
{
    static const char *const constraint_words[] = { "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN" };
    if (n == 0)
        return;
    bool table_constraint = false;
    for (size_t k = 0; k < sizeof constraint_words / sizeof constraint_words[0]; k++)
        table_constraint |= is_kw(&v[0], constraint_words[k]);
    fcol *own = table_constraint ? NULL : col_ref(t, &v[0]);
    for (size_t k = table_constraint ? 0 : 1; k < n;) {
        if (is_kw(&v[k], "CHECK") && k + 1 < n && is_punct(&v[k + 1], '(')) {
            size_t e = close_paren(v, k + 1, n);
            if (e - 1 > k + 2 && is_punct(&v[e - 1], ')'))
                judge_check(x, t, v + k + 2, e - 1 - (k + 2));
            k = e;
        } else if (own && is_kw(&v[k], "COLLATE") && k + 1 < n) {
            own->collate = v[k + 1].text;
            k += 2;
        } else if (is_punct(&v[k], '(')) {
            k = close_paren(v, k, n);
        } else {
            k++;
        }
    }
}

static void read_checks(fctx *x, const ftab *t)
{
    toks ts = { 0 };
    if (t->sql == NULL || !tokenize(x, t->sql, &ts))
        return;
    size_t i = 0;
    while (i < ts.n && !is_punct(&ts.v[i], '('))
        i++;
    if (i == ts.n)
        return;         /* CREATE TABLE ... AS SELECT: no definitions */
    size_t end = close_paren(ts.v, i, ts.n) - 1;
    for (i++; i < end;) {
        size_t j = i;
        while (j < end && !is_punct(&ts.v[j], ','))
            j = is_punct(&ts.v[j], '(') ? close_paren(ts.v, j, end) : j + 1;
        read_definition(x, t, ts.v + i, j - i);
        i = j + 1;
    }
}

/* A column's type from its CHECKs: json, or enum(...) for a text column
 * whose values are names.  Where the language cannot say it, the CHECK
 * stays the database's, and a comment says why. */
static void unjson(fctx *x, fcol *c, const char *why)
{
    c->json = false;
    add_note(x, &c->notes, xprintf(x, "text, not json: %s", why));
}

static void unenum(fctx *x, fcol *c, const char *why)
{
    c->nenum = 0;
    c->enum_vals = NULL;
    add_note(x, &c->notes, xprintf(x, "CHECK %s IN (...) kept in the database, not an enum: %s",
                                   clean(x, c->name, 60), why));
    if (c->def) {       /* a value's name: now a string */
        c->def = NULL;
        map_default(x, c);
    }
}

static void apply_checks(fctx *x, fcol *c)
{
    bool textual = c->type == SCH_TEXT || c->type == SCH_STRING;
    if (c->json_check && textual && !c->json) {
        c->json = true;
        c->type = SCH_TEXT;
        c->length = 0;
    }
    if (c->json && c->pk)
        unjson(x, c, "a json column cannot be a key (PostgreSQL's JSON has no equality)");
    if (c->nin == 0 || !textual)
        return;
    const char *why = NULL;
    if (c->nin > 1)
        why = "it has several CHECKs of that form";
    else if (c->in_vals == NULL)
        why = "a value of its CHECK is not a string";
    else if (c->json)
        why = "it is json";
    else if (c->pk)
        why = "an enum column cannot be a key";
    else if (c->collate && strcasecmp(c->collate, "BINARY") != 0)
        why = xprintf(x, "COLLATE %s lets other spellings of the values in", clean(x, c->collate, 30));
    const char **vals = why ? NULL : xalloc(x, (c->nin_vals + 1) * sizeof *vals);
    size_t n = 0;
    for (size_t i = 0; vals && i < c->nin_vals && !why; i++) {
        const char *v = c->in_vals[i];
        bool again = false;
        if (!c_is_identifier(v))
            why = xprintf(x, "'%s' is not a name (letters, digits, '_')", clean(x, v, 60));
        for (size_t k = 0; k < n && !why && !again; k++) {
            if (strcmp(vals[k], v) == 0)
                again = true;
            else if (strcasecmp(vals[k], v) == 0)
                why = xprintf(x, "'%s' and '%s' would be one C constant", vals[k], v);
        }
        if (!why && !again)
            vals[n++] = v;
    }
    if (why) {
        unenum(x, c, why);
        return;
    }
    if (vals == NULL || n == 0)
        return;
    c->enum_vals = vals;
    c->nenum = n;
}

/* Why column("name") cannot give the column's SQL name, or NULL. */
static const char *sql_name_trouble(fctx *x, const char *name)
{
    if (name[0] == '\0')
        return "its name is empty";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "its name holds a control character";
    if (strlen(name) > 128)
        return "its name is longer than 128 bytes (column(\"...\") takes up to 128)";
    if (def_string(x, name) == NULL)
        return "its name is not UTF-8";
    return NULL;
}

static void pass_columns(fctx *x, ftab *t)
{
    read_checks(x, t);
    for (size_t i = 0; i < t->ncols; i++) {
        fcol *c = &t->cols[i];
        map_type(x, c);
        if (c->hidden == 2 || c->hidden == 3)
            c->skip = "a generated column (the language has none)";
        else if (c->hidden)
            c->skip = "a hidden column";
        else if (!c_is_identifier(c->name))
            c->skip = sql_name_trouble(x, c->name);
        if (c->skip)
            left_out(x, &t->notes, t, NULL, xprintf(x, "column '%s' left out: %s", clean(x, c->name, 60), c->skip));
        else
            apply_checks(x, c);     /* its default once its type is settled: pass_defaults */
    }
}

/* ------------------------------------------------------------------ */
/* Pass 3: indexes and unique constraints                              */

static void add_constraint(fctx *x, ftab *t, bool unique, fcol **cols, size_t n, const char *name)
{
    for (size_t i = 0; i < t->ncons; i++) {
        fcons *k = &t->cons[i];
        if (k->unique != unique || k->n != n)
            continue;
        size_t j = 0;
        while (j < n && k->cols[j] == cols[j])
            j++;
        if (j == n)
            return;     /* the same again */
    }
    fcons *cons = grow(x, t->cons, t->ncons, &t->cons_cap, sizeof *cons);
    if (cons == NULL)
        return;
    t->cons = cons;
    t->cons[t->ncons++] = (fcons){ unique, cols, n, name };
}

static int pass_indexes(fctx *x, ftab *t)
{
    sqlite3_stmt *list, *info;
    int rc = prepare(x, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) ORDER BY name",
                     t->name, &list);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(list)) == SQLITE_ROW && !x->nomem) {
        const char *iname = col_text(x, list, 0), *origin = col_text(x, list, 2);
        bool unique = sqlite3_column_int(list, 1) != 0, partial = sqlite3_column_int(list, 3) != 0;
        if (origin && strcmp(origin, "pk") == 0)
            continue;
        if (iname == NULL)
            continue;
        rc = prepare(x, "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1) WHERE key ORDER BY seqno",
                     iname, &info);
        if (rc)
            break;
        fcol **cols = xalloc(x, (t->ncols + 1) * sizeof *cols);
        size_t n = 0;
        const char *why = partial ? "a partial index (WHERE ...)" : NULL;
        int si;
        while ((si = sqlite3_step(info)) == SQLITE_ROW && cols) {
            const char *cname = col_text(x, info, 1), *coll = col_text(x, info, 3);
            fcol *c = sqlite3_column_int(info, 0) < 0 ? NULL : find_col(t, cname);
            if (c == NULL)
                why = why ? why : "it indexes an expression";
            else if (c->skip)
                why = why ? why : xprintf(x, "column '%s' is left out", clean(x, c->name, 60));
            else if (n < t->ncols)
                cols[n++] = c;
            if (!why && sqlite3_column_int(info, 2))
                add_note(x, &t->notes, xprintf(x, "index %s: DESC is not in the language; the index is ascending here",
                                               clean(x, iname, 60)));
            if (!why && coll && strcasecmp(coll, "BINARY") != 0)
                add_note(x, &t->notes, xprintf(x, "index %s: COLLATE %s is not in the language", clean(x, iname, 60),
                                               clean(x, coll, 30)));
        }
        rc = finish(x, info, si == SQLITE_ROW ? SQLITE_DONE : si, t->name);
        if (rc || cols == NULL)
            break;
        if (why) {
            left_out(x, &t->notes, t, NULL, xprintf(x, "%s %s left out: %s", unique ? "unique index" : "index",
                                              clean(x, iname, 60), why));
        } else if (n == 1) {
            if (!unique) {
                cols[0]->index = true;
                cols[0]->index_name = iname;
            }
            else if (!(cols[0]->pk && t->npk == 1))
                cols[0]->unique = true;
        } else if (n > 1) {
            add_constraint(x, t, unique, cols, n, iname);
        }
    }
    if (rc == 0)
        rc = finish(x, list, s == SQLITE_ROW ? SQLITE_DONE : s, t->name);
    else
        sqlite3_finalize(list);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Pass 4: foreign keys                                                */

static const char *action_word(const char *sql)
{
    if (sql == NULL)
        return NULL;
    if (strcasecmp(sql, "CASCADE") == 0) return "cascade";
    if (strcasecmp(sql, "SET NULL") == 0) return "set_null";
    if (strcasecmp(sql, "SET DEFAULT") == 0) return "set_default";
    if (strcasecmp(sql, "RESTRICT") == 0) return "restrict";
    return NULL;
}

static bool is_unique_key(const ftab *t, const fcol *c)
{
    return (c->pk && t->npk == 1) || c->unique;
}

static int pass_fks(fctx *x, ftab *t)
{
    sqlite3_stmt *st;
    int rc = prepare(x, "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete "
                        "FROM pragma_foreign_key_list(?1) ORDER BY id, seq", t->name, &st);
    if (rc)
        return rc;
    t->fks = xalloc(x, (t->ncols + 1) * sizeof *t->fks);
    /* Rows of one key come together; a key is read whole, then judged. */
    int s = sqlite3_step(st);
    while (s == SQLITE_ROW && t->fks) {
        int id = sqlite3_column_int(st, 0);
        const char *ttable = col_text(x, st, 2), *from = col_text(x, st, 3), *to = col_text(x, st, 4);
        const char *on_update = col_text(x, st, 5), *on_delete = col_text(x, st, 6);
        int ncols = 0;
        while (s == SQLITE_ROW && sqlite3_column_int(st, 0) == id) {
            ncols++;
            s = sqlite3_step(st);
        }
        const char *what = xprintf(x, "foreign key %s -> %s", clean(x, from, 60), clean(x, ttable, 60));
        fcol *c = find_col(t, from);
        ftab *target = ttable ? symtab_get(&x->lower, c_lower_copy(&x->a, ttable, &x->nomem)) : NULL;
        fcol *tc = NULL;
        if (target && target->kind != K_SKIP && to)
            tc = find_col(target, to);
        else if (target && target->kind != K_SKIP)      /* REFERENCES t: its primary key */
            for (size_t i = 0; i < target->ncols; i++)
                if (target->cols[i].pk && target->npk == 1)
                    tc = &target->cols[i];
        const char *why = NULL;
        if (ncols > 1)
            why = "a key of several columns (the language has single-column foreign keys)";
        else if (c == NULL || c->skip)
            why = "its column is left out";
        else if (target == NULL)
            why = "no such table";
        else if (target->kind == K_SKIP)
            why = "that table is left out";
        else if (tc == NULL)
            why = to ? "no such column" : "that table has no single-column primary key";
        else if (tc->skip)
            why = "the column it refers to is left out";
        else if (!is_unique_key(target, tc))
            why = "the column it refers to is neither the primary key nor unique";
        else if (c->fk)
            why = xprintf(x, "column '%s' already has a foreign key (the language takes one a column)", c->name);
        if (why) {
            left_out(x, &t->notes, t, NULL, xprintf(x, "%s left out: %s", what, why));
            continue;
        }
        ffk *f = &t->fks[t->nfks++];
        f->holder = t;
        f->target = target;
        f->col = c;
        f->tcol = tc;
        f->ondelete = action_word(on_delete);
        c->fk = f;
        if (on_update && strcasecmp(on_update, "NO ACTION") != 0)
            add_note(x, &c->notes, xprintf(x, "ON UPDATE %s is not in the language", clean(x, on_update, 20)));
    }
    /* Keys in column order, as the columns are written. */
    ffk *sorted = xalloc(x, (t->ncols + 1) * sizeof *sorted);
    size_t k = 0;
    for (size_t i = 0; i < t->ncols && sorted; i++)
        if (t->cols[i].fk)
            sorted[k++] = *t->cols[i].fk;
    if (sorted)
        t->fks = sorted;
    for (size_t i = 0; i < t->nfks && sorted; i++)
        t->fks[i].col->fk = &t->fks[i];
    return finish(x, st, s == SQLITE_ROW ? SQLITE_DONE : s, t->name);
}

/* What a json or enum column cannot be, known once the indexes and keys
 * are: json is neither unique, indexed nor a key (PostgreSQL's JSON has
 * no equality); an enum is no foreign key, nor what one refers to.  Such
 * a column stays text (or a string), but for an index of a json column,
 * which is left out: verify does not look for indexes, and it takes a
 * JSON column for json only. */
static void pass_demote(fctx *x)
{
    for (size_t i = 0; i < x->ntabs; i++) {
        ftab *t = &x->tabs[i];
        if (t->kind == K_SKIP)
            continue;
        for (size_t k = 0; k < t->ncons; k++)
            for (size_t j = 0; j < t->cons[k].n; j++)
                if (t->cons[k].unique && t->cons[k].cols[j]->json)
                    unjson(x, t->cons[k].cols[j], "it is in a unique constraint of several columns, which a json column cannot be (PostgreSQL's JSON has no equality)");
        for (size_t k = 0; k < t->ncols; k++)
            if (t->cols[k].json && t->cols[k].unique)
                unjson(x, &t->cols[k], "a json column cannot be unique (PostgreSQL's JSON has no equality)");
        for (size_t k = 0; k < t->ncols; k++)
            if (t->cols[k].json && t->cols[k].index) {
                t->cols[k].index = false;
                left_out(x, &t->notes, t, NULL, xprintf(x, "index %s left out: %s is json, which cannot be indexed (PostgreSQL's JSON has no equality)",
                                                  clean(x, t->cols[k].index_name, 60), clean(x, t->cols[k].name, 60)));
            }
        for (size_t k = 0; k < t->ncons; k++) {
            fcons *cs = &t->cons[k];
            const fcol *json = NULL;
            for (size_t j = 0; j < cs->n && !json; j++)
                if (!cs->unique && cs->cols[j]->json)
                    json = cs->cols[j];
            if (json == NULL)
                continue;
            left_out(x, &t->notes, t, NULL, xprintf(x, "index %s left out: %s is json, which cannot be indexed (PostgreSQL's JSON has no equality)",
                                              clean(x, cs->name, 60), clean(x, json->name, 60)));
            for (size_t j = k + 1; j < t->ncons; j++)
                t->cons[j - 1] = t->cons[j];
            t->ncons--;
            k--;
        }
        for (size_t k = 0; k < t->nfks; k++) {
            ffk *f = &t->fks[k];
            if (f->col->json)
                unjson(x, f->col, "a json column cannot be a foreign key");
            if (f->col->nenum)
                unenum(x, f->col, "an enum column cannot be a foreign key");
            if (f->tcol->json)
                unjson(x, f->tcol, xprintf(x, "%s.%s refers to it", clean(x, t->name, 60), clean(x, f->col->name, 60)));
            if (f->tcol->nenum)
                unenum(x, f->tcol, xprintf(x, "%s.%s refers to it", clean(x, t->name, 60), clean(x, f->col->name, 60)));
        }
    }
}

/* Defaults, once json and enum columns are what they will be. */
static void pass_defaults(fctx *x)
{
    for (size_t i = 0; i < x->ntabs; i++)
        for (size_t k = 0; x->tabs[i].kind != K_SKIP && k < x->tabs[i].ncols; k++)
            if (!x->tabs[i].cols[k].skip)
                map_default(x, &x->tabs[i].cols[k]);
}

/* The checker joins a foreign key and its target only as the same type
 * (string and text are one): the declared types of a key and of what it
 * refers to can differ in SQLite (a DATETIME column holding an INTEGER
 * key), and the generated code would not compile.  Such a key takes the
 * type of the column it refers to, and says so (a has_ flag it gets that
 * another column's field is makes that column's member another name:
 * name_members runs after this).  Repeated, so a key to a key to a key
 * settles. */
static bool same_type(const fcol *a, const fcol *b)
{
    bool ta = a->type == SCH_STRING || a->type == SCH_TEXT, tb = b->type == SCH_STRING || b->type == SCH_TEXT;
    return a->type == b->type || (ta && tb);
}

static void pass_fk_types(fctx *x)
{
    bool changed = true;
    for (size_t round = 0; changed && round <= x->ntabs; round++) {
        changed = false;
        for (size_t i = 0; i < x->ntabs; i++) {
            ftab *t = &x->tabs[i];
            for (size_t k = 0; k < t->nfks; k++) {
                fcol *c = t->fks[k].col, *tc = t->fks[k].tcol;
                if (same_type(c, tc))
                    continue;
                add_note(x, &c->notes, xprintf(x, "declared %s: %s, the type of %s.%s, which it refers to",
                                               c->decl[0] ? clean(x, c->decl, 40) : "without a type",
                                               sch_type_name(tc->type), clean(x, tc->tab->name, 60), clean(x, tc->name, 60)));
                c->type = tc->type;
                c->length = tc->length;
                if (c->def) {
                    c->def = NULL;
                    map_default(x, c);
                }
                changed = true;
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Pass 5: what each table becomes                                     */

static bool has_pk(const ftab *t)
{
    if (t->npk == 0)
        return false;
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].pk && t->cols[i].skip)
            return false;
    return true;
}

/* SPEC 7: two foreign keys and no other columns, or besides them only an
 * integer primary key. */
static bool assoc_shape(const ftab *t)
{
    if (t->nfks != 2 || t->fks[0].target == t || t->fks[1].target == t)
        return false;
    size_t others = 0;
    const fcol *other = NULL;
    for (size_t i = 0; i < t->ncols; i++)
        if (!t->cols[i].fk) {
            others++;
            other = &t->cols[i];
        }
    return others == 0 || (others == 1 && !other->skip && other->pk && t->npk == 1 && other->type == SCH_INTEGER);
}

/* Members.  A column whose SQL name is an identifier is a member of that
 * name, as before SPEC 9.  Any other (a blank, a '-' in it...) is a member
 * named by its runs of ASCII letters and digits, lower-case, joined by '_'
 * ("Task Title" -> task_title; "col_" before a leading digit, "col" when
 * there are none), with column("Task Title").  In a model (where the
 * columns are C fields) a member whose C field or has_ flag another
 * column's takes (int_ beside int, whose field is int_; has_x beside a
 * nullable x) gets _2, _3... after its name (less a trailing '_'), with
 * column(...) too.  Identifier-named columns are named first, key columns
 * first among them, each in the table's order, so a column keeps its name
 * where it can. */
static const char *member_base(fctx *x, const char *name)
{
    strbuf sb = STRBUF_INIT;
    bool gap = false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned char ch = *p;
        bool digit = ch >= '0' && ch <= '9';
        if (!(digit || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
            gap = true;
            continue;
        }
        if (sb.len == 0 && digit)
            strbuf_puts(&sb, "col_");
        else if (gap && sb.len)
            strbuf_putc(&sb, '_');
        gap = false;
        strbuf_putc(&sb, ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : (char)ch);
    }
    if (sb.len == 0)
        strbuf_puts(&sb, "col");
    const char *out = sb.failed ? NULL : xstrdup(x, strbuf_str(&sb));
    x->nomem |= sb.failed;
    strbuf_free(&sb);
    return out ? out : "col";
}

static bool member_free(fctx *x, symtab *names, symtab *fields, const fcol *c, const char *cand, bool fields_matter)
{
    if (symtab_get(names, c_lower_copy(&x->a, cand, &x->nomem)))
        return false;
    if (!fields_matter)
        return true;
    const char *f = field_of(x, cand);
    return !symtab_get(fields, f) && !(has_flag(c) && symtab_get(fields, xprintf(x, "has_%s", f)));
}

static void name_members(fctx *x, ftab *t, bool fields_matter)
{
    symtab names = { 0 }, fields = { 0 };
    for (int round = 0; round < 4; round++)
        for (size_t i = 0; i < t->ncols; i++) {
            fcol *c = &t->cols[i];
            bool ident = c_is_identifier(c->name);
            if (c->skip || ident != (round < 2) || (round % 2 == 0) != (c->pk != 0))
                continue;
            const char *m = NULL;
            if (ident && member_free(x, &names, &fields, c, c->name, fields_matter))
                m = c->name;
            const char *base = ident ? c->name : member_base(x, c->name);
            if (ident) {
                size_t n = strlen(base);
                while (n > 1 && base[n - 1] == '_')
                    n--;
                base = xprintf(x, "%.*s", (int)n, base);
            }
            if (m == NULL && !ident && member_free(x, &names, &fields, c, base, fields_matter))
                m = base;
            for (int n = 2; m == NULL && n < 100000 && !x->nomem; n++) {
                const char *cand = xprintf(x, "%s_%d", base, n);
                if (member_free(x, &names, &fields, c, cand, fields_matter))
                    m = cand;
            }
            if (m == NULL) {    /* out of memory */
                c->member = c->name;
                continue;
            }
            c->member = m;
            put(x, &names, c_lower_copy(&x->a, m, &x->nomem));
            const char *f = field_of(x, m);
            put(x, &fields, f);
            if (has_flag(c))
                put(x, &fields, xprintf(x, "has_%s", f));
        }
    symtab_free(&names);
    symtab_free(&fields);
}

static void pass_kinds(fctx *x)
{
    bool *cand = xalloc(x, (x->ntabs + 1) * sizeof *cand);
    if (cand == NULL)
        return;
    for (size_t i = 0; i < x->ntabs; i++) {
        ftab *t = &x->tabs[i];
        if (t->kind == K_SKIP)
            continue;
        cand[i] = assoc_shape(t) && has_pk(t->fks[0].target) && has_pk(t->fks[1].target);
    }
    for (size_t i = 0; i < x->ntabs; i++) {
        ftab *t = &x->tabs[i];
        if (t->kind == K_SKIP)
            continue;
        t->write_pk = has_pk(t);
        if (cand[i] && !cand[t->fks[0].target - x->tabs] && !cand[t->fks[1].target - x->tabs])
            t->kind = K_ASSOC;
        else if (t->write_pk)
            t->kind = K_MODEL;
        else
            t->kind = K_PLAIN;
        if (t->kind == K_PLAIN)
            left_out(x, &t->notes, t, NULL, "no primary key the language can hold: a plain table, which gets no C functions (a primary key in the database would make it a model)");
    }
}

/* ------------------------------------------------------------------ */
/* Pass 6: names                                                       */

/* claim: take cname for a model and return false; else whether another
 * name has it already. */
static bool model_name_taken(fctx *x, const char *cname, bool claim)
{
    if (claim)
        put(x, &x->cnames, cname);
    return !claim && symtab_get(&x->cnames, cname) != NULL;
}

/* The C names a model takes (its types and macros, then api.c's tables
 * api_model_fns and api_model_statics, the ones api_build gives); false
 * when one is taken already.  claim: take them all. */
static bool model_names(fctx *x, const char *name, const char *sn, bool claim)
{
    const char *up = c_upper_copy(&x->a, sn, &x->nomem);
    const char *own[] = {
        name,
        xprintf(x, "%sList", name),
        xprintf(x, "%sGroups", name),
        xprintf(x, "%s_INIT", up),
        xprintf(x, "%s_LIST_INIT", up),
        xprintf(x, "%s_GROUPS_INIT", up),
    };
    for (size_t k = 0; k < sizeof own / sizeof own[0]; k++)
        if (model_name_taken(x, own[k], claim))
            return false;
    for (size_t k = 0; api_model_fns[k] != NULL; k++)
        if (model_name_taken(x, xprintf(x, "%s_%s", sn, api_model_fns[k]), claim))
            return false;
    for (size_t k = 0; api_model_statics[k] != NULL; k++)
        if (model_name_taken(x, xprintf(x, "%s__%s", sn, api_model_statics[k]), claim))
            return false;
    return true;
}

/* The model's own functions for its unique and index columns. */
static bool column_names(fctx *x, ftab *t, const char *sn, bool claim)
{
    for (size_t i = 0; i < t->ncols; i++) {
        fcol *c = &t->cols[i];
        const char *fn[2] = { NULL, NULL };
        if (c->skip)
            continue;
        if (c->unique && !(c->pk && t->npk == 1))
            fn[0] = xprintf(x, "%s_get_by_%s", sn, c->member);
        if (c->index)
            fn[1] = xprintf(x, "%s_find_by_%s", sn, c->member);
        for (int k = 0; k < 2; k++) {
            if (fn[k] && !claim && symtab_get(&x->cnames, fn[k]))
                return false;
            if (fn[k] && claim)
                put(x, &x->cnames, fn[k]);
        }
        if (claim)
            put(x, &t->members, c->member);
    }
    return true;
}

static bool model_name_ok(fctx *x, ftab *t, const char *name)
{
    if (!c_is_identifier(name) || c_type_name_taken(name))
        return false;
    const char *sn = c_snake_case(&x->a, name, &x->nomem);
    if (c_snake_is_libassoc(sn))
        return false;
    return model_names(x, name, sn, false) && column_names(x, t, sn, false);
}

static void name_model(fctx *x, ftab *t)
{
    /* users -> User; where that is another model's, Users; then User2...
     * A name C or libassoc keeps for itself gets Tbl before it. */
    const char *cands[2] = { camel(x, t->name, true), camel(x, t->name, false) };
    for (size_t k = 0; k < 2; k++) {
        const char *sn = c_snake_case(&x->a, cands[k], &x->nomem);
        if (c_type_name_taken(cands[k]) || c_snake_is_libassoc(sn))
            cands[k] = xprintf(x, "Tbl%s", cands[k]);
    }
    const char *name = NULL;
    for (size_t k = 0; k < 2 && !name; k++)
        if (model_name_ok(x, t, cands[k]))
            name = cands[k];
    for (int n = 2; !name && n < 100000 && !x->nomem; n++) {
        const char *c = xprintf(x, "%s%d", cands[0], n);
        if (model_name_ok(x, t, c))
            name = c;
    }
    if (name == NULL)
        return;
    t->model = name;
    t->snake = c_snake_case(&x->a, name, &x->nomem);
    model_names(x, name, t->snake, true);
    column_names(x, t, t->snake, true);
}

static bool rel_name_free(fctx *x, const ftab *owner, const char *name)
{
    if (name == NULL || !c_is_identifier(name) || symtab_get(&owner->members, name))
        return false;
    for (size_t k = 0; api_rel_fns[k] != NULL; k++) /* api.c's table */
        if (symtab_get(&x->cnames, xprintf(x, "%s_%s%s", owner->snake, name, api_rel_fns[k])))
            return false;
    return true;
}

/* The first free name of cands (NULL ends them), else the first with _2,
 * _3...; claimed as a member of owner with its C names. */
static const char *pick(fctx *x, ftab *owner, const char *const *cands)
{
    const char *name = NULL;
    for (size_t k = 0; cands[k] && !name; k++)
        if (rel_name_free(x, owner, cands[k]))
            name = cands[k];
    const char *base = NULL;
    for (size_t k = 0; cands[k] && !base; k++)
        if (c_is_identifier(cands[k]))
            base = cands[k];
    for (int n = 2; !name && base && n < 100000 && !x->nomem; n++) {
        const char *c = xprintf(x, "%s_%d", base, n);
        if (rel_name_free(x, owner, c))
            name = c;
    }
    if (name == NULL)
        return NULL;
    put(x, &owner->members, name);
    for (size_t k = 0; api_rel_fns[k] != NULL; k++)
        put(x, &x->cnames, xprintf(x, "%s_%s%s", owner->snake, name, api_rel_fns[k]));
    return name;
}

static size_t fks_between(const ftab *from, const ftab *to)
{
    size_t n = 0;
    for (size_t i = 0; i < from->nfks; i++)
        if (from->fks[i].target == to)
            n++;
    return n;
}

/* foreign_keys = col names a column of either table: when both have a
 * foreign key of that name between them, the checker cannot tell which. */
static bool fk_name_ambiguous(const ffk *f)
{
    if (f->holder == f->target)
        return false;
    for (size_t i = 0; i < f->target->nfks; i++)
        if (f->target->fks[i].target == f->holder && strcmp(f->target->fks[i].col->member, f->col->member) == 0)
            return true;
    return false;
}

static void name_fk(fctx *x, ffk *f)
{
    ftab *t = f->holder, *u = f->target;
    size_t n = fks_between(t, u) + (t != u ? fks_between(u, t) : 0);
    f->fk_option = n > 1;
    if (f->fk_option && fk_name_ambiguous(f)) {
        left_out(x, &t->notes, t, NULL, xprintf(x, "no relationship for %s: '%s' and '%s' both have a foreign key '%s' to each other, so foreign_keys = %s would be ambiguous",
                                          f->col->member, t->name, u->name, f->col->member, f->col->member));
        return;
    }
    f->one_to_one = is_unique_key(t, f->col);
    const char *st = stem(x, f->col->member);
    bool several = fks_between(t, u) > 1;
    const char *prefix = st ? st : f->col->member;
    /* The collection (or one-to-one) on the target: orders, or
     * sender_messages where two keys of messages point at users. */
    const char *coll = f->one_to_one ? singular_snake(x, t) : plural_snake(x, t);
    const char *coll_c[] = { several ? xprintf(x, "%s_%s", prefix, coll) : coll, NULL };
    /* The many-to-one: user for user_id, else the target's singular. */
    const char *one_c[] = { st ? st : singular_snake(x, u), st ? singular_snake(x, u) : NULL, NULL };
    if (t == u) {
        /* The many-to-one is declared, with remote_side (see put_fk_rel);
         * the names are picked collection first, as they were before. */
        f->back = pick(x, t, coll_c);
        f->rel = f->back ? pick(x, t, one_c) : NULL;
    } else {
        f->rel = pick(x, t, one_c);
        f->back = f->rel ? pick(x, u, coll_c) : NULL;
    }
    if (f->back == NULL)
        f->rel = NULL;
}

static void name_assoc(fctx *x, ftab *a)
{
    ffk *f = &a->fks[0], *g = &a->fks[1];
    ftab *t1 = f->target, *t2 = g->target;
    if (t1->kind != K_MODEL || t2->kind != K_MODEL || !t1->model || !t2->model) {
        add_note(x, &a->notes, xprintf(x, "no many-to-many through it: '%s' is not a model",
                                       t1->kind != K_MODEL ? t1->name : t2->name));
        return;
    }
    const char *self_f = NULL, *self_g = NULL;
    if (t1 == t2) {
        /* follows(follower_id, followed_id): user.followed_users are the
         * users a user follows; user.follower_users, those who follow. */
        const char *sf = stem(x, f->col->member), *sg = stem(x, g->col->member);
        self_f = xprintf(x, "%s_%s", sf ? sf : f->col->member, plural_snake(x, t1));
        self_g = xprintf(x, "%s_%s", sg ? sg : g->col->member, plural_snake(x, t1));
    }
    const char *rel_c[] = { t1 == t2 ? self_g : plural_snake(x, t2), table_snake(x, a), NULL };
    const char *back_c[] = { t1 == t2 ? self_f : plural_snake(x, t1), table_snake(x, a), NULL };
    a->m2m_rel = pick(x, t1, rel_c);
    a->m2m_back = a->m2m_rel ? pick(x, t2, back_c) : NULL;
    if (a->m2m_back == NULL)
        a->m2m_rel = NULL;
}

/* An enum column's C names (the checker's check_enum, api.c): its type
 * <Model><Member> (Task.status: TaskStatus), a constant <MODEL_MEMBER>_<VALUE>
 * each value, and the source's statics; where one is taken, the column
 * stays a string and keeps its CHECK in the database. */
static void claim_enums(fctx *x, ftab *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        fcol *c = &t->cols[i];
        if (c->skip || c->nenum == 0)
            continue;
        const char **names = xalloc(x, (c->nenum + 4) * sizeof *names);
        if (names == NULL)
            return;
        size_t n = 0;
        const char *up = c_upper_copy(&x->a, xprintf(x, "%s_%s", t->snake, c->member), &x->nomem);
        names[n++] = xprintf(x, "%s%s", t->model, c_camel_case(&x->a, c->member, &x->nomem));
        names[n++] = xprintf(x, "%s__enum_%s", t->snake, field_name(x, c));
        names[n++] = xprintf(x, "%s__enum_%s_names", t->snake, field_name(x, c));
        for (size_t k = 0; k < c->nenum; k++)
            names[n++] = xprintf(x, "%s_%s", up, c_upper_copy(&x->a, c->enum_vals[k], &x->nomem));
        const char *taken = NULL;
        for (size_t k = 0; k < n && !taken; k++)
            if (symtab_get(&x->cnames, names[k]) || c_reserved(names[k], NULL) != C_FREE)
                taken = names[k];
        if (taken) {
            unenum(x, c, xprintf(x, "its C name %s is taken", taken));
            continue;
        }
        for (size_t k = 0; k < n; k++)
            put(x, &x->cnames, names[k]);
    }
}

static void pass_names(fctx *x)
{
    put(x, &x->cnames, xprintf(x, "%s_create_all", x->cbase));
    put(x, &x->cnames, xprintf(x, "%s_verify", x->cbase));
    for (size_t i = 0; i < x->ntabs; i++)
        if (x->tabs[i].kind == K_MODEL) {
            name_model(x, &x->tabs[i]);
            if (x->tabs[i].model == NULL)
                x->tabs[i].kind = K_PLAIN;
        }
    for (size_t i = 0; i < x->ntabs; i++)
        if (x->tabs[i].kind == K_MODEL)
            claim_enums(x, &x->tabs[i]);
    for (size_t i = 0; i < x->ntabs; i++) {
        ftab *t = &x->tabs[i];
        if (t->kind != K_MODEL)
            continue;
        for (size_t k = 0; k < t->nfks; k++) {
            ffk *f = &t->fks[k];
            if (f->target->kind == K_MODEL)
                name_fk(x, f);
            else
                add_note(x, &t->notes, xprintf(x, "no relationship for %s: '%s' is not a model", f->col->member,
                                               f->target->name));
        }
    }
    for (size_t i = 0; i < x->ntabs; i++)
        if (x->tabs[i].kind == K_ASSOC)
            name_assoc(x, &x->tabs[i]);
}

/* ------------------------------------------------------------------ */
/* Pass 6, then: rows that refer to each other (post_update)            */
/*
 * Two models whose foreign keys refer to each other (a topic's
 * first_post_id, a post's topic_id) make a delete cycle where one delete
 * reaches rows of both: deleting a topic deletes its posts (ON DELETE
 * CASCADE, written cascade = "all"), and the generated delete, as
 * SQLAlchemy's flush does, finds no order in which a topic and its first
 * post can go (CircularDependencyError; nothing is deleted).  post_update =
 * true on one key's relationship clears that key before the rows go, which
 * breaks the cycle, as SQLAlchemy's post_update does.  It goes on a key
 * that can hold NULL and has a relationship (the checker's rules); of
 * two such, on the one that does not cascade, then on the one not named
 * after its target (first_post_id rather than topic_id), then on the
 * first table's.  Where neither key can take it, a comment and a warning
 * say so.
 */

static const char *a_or_an(const char *word)
{
    return strchr("AEIOUaeiou", word[0]) ? "an" : "a";
}

static bool cascades_fk(const ffk *f)
{
    return f->rel && f->ondelete && strcmp(f->ondelete, "cascade") == 0;
}

/* topic_id for topics: the row's parent, not a row it points at. */
static bool named_after_target(fctx *x, const ffk *f)
{
    const char *st = stem(x, f->col->member);
    return st && strcasecmp(st, singular_snake(x, f->target)) == 0;
}

/* Why f cannot be post_update, or NULL. */
static const char *no_post_update(fctx *x, const ffk *f)
{
    const char *where = xprintf(x, "%s.%s", clean(x, f->holder->name, 60), clean(x, f->col->name, 60));
    if (f->col->pk)
        return xprintf(x, "%s is a key", where);
    if (f->col->notnull)
        return xprintf(x, "%s is NOT NULL", where);
    if (f->rel == NULL)
        return xprintf(x, "%s has no relationship", where);
    return NULL;
}

/* Whether a is a better place for post_update than b (both can take it). */
static bool better(fctx *x, const ffk *a, const ffk *b)
{
    if (cascades_fk(a) != cascades_fk(b))
        return !cascades_fk(a);
    if (named_after_target(x, a) != named_after_target(x, b))
        return !named_after_target(x, a);
    return a->holder < b->holder;
}

static void pass_cycles(fctx *x)
{
    size_t n = x->ntabs;
    /* reach[s * n + t]: deleting a row of s can delete rows of t, through
     * the cascades written (target -> holder), found from each s in turn */
    unsigned char *reach = xalloc(x, n * n + 1);
    size_t *stack = xalloc(x, (n + 1) * sizeof *stack);
    /* the cascades out of each table: holders first[t] .. first[t + 1] - 1 */
    size_t *first = xalloc(x, (n + 2) * sizeof *first), nedges = 0;
    for (size_t h = 0; h < n; h++)
        for (size_t k = 0; k < x->tabs[h].nfks; k++)
            nedges += cascades_fk(&x->tabs[h].fks[k]);
    size_t *holder = xalloc(x, (nedges + 1) * sizeof *holder);
    if (reach == NULL || stack == NULL || first == NULL || holder == NULL)
        return;
    memset(reach, 0, n * n + 1);
    memset(first, 0, (n + 2) * sizeof *first);
    for (size_t h = 0; h < n; h++)
        for (size_t k = 0; k < x->tabs[h].nfks; k++)
            if (cascades_fk(&x->tabs[h].fks[k]))
                first[(size_t)(x->tabs[h].fks[k].target - x->tabs) + 2]++;
    for (size_t t = 2; t < n + 2; t++)
        first[t] += first[t - 1];
    for (size_t h = 0; h < n; h++)
        for (size_t k = 0; k < x->tabs[h].nfks; k++)
            if (cascades_fk(&x->tabs[h].fks[k]))
                holder[first[(size_t)(x->tabs[h].fks[k].target - x->tabs) + 1]++] = h;
    for (size_t s = 0; s < n; s++) {
        if (x->tabs[s].kind != K_MODEL)
            continue;
        size_t top = 0;
        reach[s * n + s] = 1;
        stack[top++] = s;
        while (top > 0) {
            size_t t = stack[--top];
            for (size_t e = first[t]; e < first[t + 1]; e++)
                if (!reach[s * n + holder[e]]) {
                    reach[s * n + holder[e]] = 1;
                    stack[top++] = holder[e];
                }
        }
    }
    for (size_t i = 0; i < n; i++) {
        ftab *A = &x->tabs[i];
        if (A->kind != K_MODEL)
            continue;
        for (size_t ka = 0; ka < A->nfks; ka++) {
            ffk *a = &A->fks[ka];
            ftab *B = a->target;
            size_t j = (size_t)(B - x->tabs);
            if (B == A || B->kind != K_MODEL || j < i)
                continue;
            for (size_t kb = 0; kb < B->nfks && !a->post_update; kb++) {
                ffk *b = &B->fks[kb];
                if (b->target != A || b->post_update)
                    continue;
                /* a delete that reaches both: of A, of B, else of another */
                size_t s = reach[i * n + j] ? i : reach[j * n + i] ? j : n;
                for (size_t k = 0; k < n && s == n; k++)
                    if (reach[k * n + i] && reach[k * n + j])
                        s = k;
                if (s == n)
                    continue;
                const ftab *S = &x->tabs[s];
                const char *what = S == A ? xprintf(x, "deleting %s %s deletes %s rows too", a_or_an(A->model), A->model, B->model)
                                 : S == B ? xprintf(x, "deleting %s %s deletes %s rows too", a_or_an(B->model), B->model, A->model)
                                 : xprintf(x, "deleting %s %s deletes %s and %s rows", a_or_an(S->model), S->model, A->model, B->model);
                const char *why_a = no_post_update(x, a), *why_b = no_post_update(x, b);
                ffk *f = why_a && why_b ? NULL : why_a ? b : why_b ? a : better(x, a, b) ? a : b;
                ffk *other = f == a ? b : a;
                if (f == NULL) {
                    left_out(x, &A->notes, A, NULL,
                             xprintf(x, "%s and %s.%s refer to each other, and %s; neither can be post_update (%s, %s), so a delete of rows that refer to each other stops on the cycle, as SQLAlchemy's CircularDependencyError",
                                     a->col->member, clean(x, B->name, 60), b->col->member, what, why_a, why_b));
                    continue;
                }
                f->post_update = true;
                /* Said once for a table's keys to one other: then briefly. */
                bool said = false;
                for (size_t k = 0; k < f->holder->nfks; k++)
                    said |= &f->holder->fks[k] != f && f->holder->fks[k].post_update &&
                            f->holder->fks[k].target == f->target && f->holder->fks[k].notes.head;
                if (said) {
                    add_note(x, &f->notes, xprintf(x, "%s and %s.%s too: post_update", f->col->member,
                                                   clean(x, other->holder->name, 60), other->col->member));
                    continue;
                }
                add_note(x, &f->notes, xprintf(x, "%s and %s.%s refer to each other, and %s:", f->col->member,
                                               clean(x, other->holder->name, 60), other->col->member, what));
                add_note(x, &f->notes, xprintf(x, "post_update clears %s before the rows go, so rows that refer to each other", f->col->member));
                add_note(x, &f->notes, "can be deleted (SQLAlchemy's post_update; without it such a delete stops on the cycle)");
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Pass 7: the text                                                    */

static void put_name(strbuf *sb, const char *name)
{
    if (is_language_word(name))
        strbuf_printf(sb, "\"%s\"", name);
    else
        strbuf_puts(sb, name);
}

static void put_pad(strbuf *sb, const char *name, size_t width)
{
    strbuf_puts(sb, name);
    for (size_t n = strlen(name); n < width; n++)
        strbuf_putc(sb, ' ');
    strbuf_putc(sb, ' ');
}

static void put_notes(fctx *x, strbuf *sb, const notes *n, const char *indent)
{
    for (const fnote *f = n->head; f; f = f->next)
        strbuf_printf(sb, "%s# %s\n", indent, clean(x, f->text, 400));
}

static void put_column(fctx *x, strbuf *sb, const ftab *t, const fcol *c, size_t width)
{
    strbuf_puts(sb, "    ");
    put_pad(sb, c->member, width);
    strbuf_puts(sb, type_word(c));
    if (c->nenum) {
        strbuf_putc(sb, '(');
        for (size_t k = 0; k < c->nenum; k++)
            strbuf_printf(sb, "%s%s", k ? ", " : "", c->enum_vals[k]);
        strbuf_putc(sb, ')');
    } else if (c->type == SCH_STRING && c->length > 0) {
        strbuf_printf(sb, "(%ld)", c->length);
    }
    if (strcmp(c->member, c->name) != 0)
        strbuf_printf(sb, " column(%s)", def_string(x, c->name));
    if (c->pk && t->write_pk)
        strbuf_puts(sb, " primary_key");
    else if (c->notnull)
        strbuf_puts(sb, " not_null");
    if (c->unique && !(c->pk && t->npk == 1))
        strbuf_puts(sb, " unique");
    if (c->index)
        strbuf_puts(sb, " index");
    if (c->def)
        strbuf_printf(sb, " server_default(%s)", c->def);
    if (c->fk) {
        const char *tn = c->fk->target->name, *cn = c->fk->tcol->member;
        if (is_language_word(tn) || is_language_word(cn))
            strbuf_printf(sb, " foreign_key(\"%s.%s\"", tn, cn);
        else
            strbuf_printf(sb, " foreign_key(%s.%s", tn, cn);
        if (c->fk->ondelete)
            strbuf_printf(sb, ", ondelete = %s", c->fk->ondelete);
        strbuf_putc(sb, ')');
    }
    bool first = true;
    for (const fnote *f = c->notes.head; f; f = f->next) {
        strbuf_printf(sb, "%s%s", first ? "  # " : "; ", clean(x, f->text, 200));
        first = false;
    }
    strbuf_putc(sb, '\n');
}

static void put_constraints(strbuf *sb, const ftab *t)
{
    for (int unique = 1; unique >= 0; unique--)
        for (size_t i = 0; i < t->ncons; i++) {
            const fcons *k = &t->cons[i];
            if (k->unique != (unique == 1))
                continue;
            strbuf_printf(sb, "    %s(", unique ? "unique" : "index");
            for (size_t j = 0; j < k->n; j++)
                strbuf_printf(sb, "%s%s", j ? ", " : "", k->cols[j]->member);
            strbuf_puts(sb, ")\n");
        }
}

/* backref = name, or backref(name, uselist = false, cascade = "all"). */
static void put_backref(strbuf *sb, const char *name, bool one, bool cascade)
{
    if (!one && !cascade) {
        strbuf_printf(sb, "backref = %s", name);
        return;
    }
    strbuf_printf(sb, "backref = backref(%s%s%s)", name, one ? ", uselist = false" : "",
                  cascade ? ", cascade = \"all\"" : "");
}

/* A foreign key's relationship, the many-to-one on its holder, with its
 * backref on the target.  ON DELETE CASCADE becomes cascade "all" on the
 * collection: the generated _delete then deletes the children as the
 * database would (without it, it would set their key to NULL first).  A
 * self-referential one says remote_side = the column it refers to, as
 * SQLAlchemy's adjacency list does: without it, a relationship of a model
 * to itself is the one-to-many. */
static void put_fk_rel(strbuf *sb, const ffk *f, size_t width)
{
    bool cascade = f->ondelete && strcmp(f->ondelete, "cascade") == 0;
    strbuf_puts(sb, "    ");
    put_pad(sb, f->rel, width);
    strbuf_printf(sb, "relationship(%s", f->target->model);
    if (f->fk_option)
        strbuf_printf(sb, ", foreign_keys = %s", f->col->member);
    if (f->holder == f->target)
        strbuf_printf(sb, ", remote_side = %s", f->tcol->member);
    if (f->post_update)
        strbuf_puts(sb, ", post_update = true");
    strbuf_puts(sb, ", ");
    put_backref(sb, f->back, f->one_to_one, cascade);
    strbuf_puts(sb, ")\n");
}

static void put_m2m(strbuf *sb, const ftab *a, size_t width)
{
    const ffk *f = &a->fks[0], *g = &a->fks[1];
    strbuf_puts(sb, "    ");
    put_pad(sb, a->m2m_rel, width);
    strbuf_printf(sb, "relationship(%s, secondary = ", g->target->model);
    put_name(sb, a->name);
    if (f->target == g->target)
        strbuf_printf(sb, ", foreign_keys = %s", f->col->member);
    strbuf_printf(sb, ", backref = %s)\n", a->m2m_back);
}

static void put_table(fctx *x, strbuf *sb, const ftab *t)
{
    if (t->kind == K_SKIP) {
        bool after_skip = t > x->tabs && t[-1].kind == K_SKIP;
        strbuf_printf(sb, "%s# table %s left out: %s\n", after_skip ? "" : "\n", clean(x, t->name, 200), t->skip);
        put_notes(x, sb, &t->notes, "#   ");
        return;
    }
    size_t width = 0;
    for (size_t i = 0; i < t->ncols; i++)
        if (!t->cols[i].skip && strlen(t->cols[i].member) > width)
            width = strlen(t->cols[i].member);
    bool has_rels = false;
    if (t->kind == K_MODEL) {
        for (size_t i = 0; i < t->nfks; i++)
            if (t->fks[i].rel) {
                has_rels = true;
                if (strlen(t->fks[i].rel) > width)
                    width = strlen(t->fks[i].rel);
            }
        for (size_t i = 0; i < x->ntabs; i++) {
            const ftab *a = &x->tabs[i];
            if (a->kind == K_ASSOC && a->m2m_rel && a->fks[0].target == t) {
                has_rels = true;
                if (strlen(a->m2m_rel) > width)
                    width = strlen(a->m2m_rel);
            }
        }
        strbuf_printf(sb, "\nmodel %s", t->model);
        if (strcmp(c_snake_case(&x->a, t->model, &x->nomem), t->name) != 0) {
            strbuf_puts(sb, " table ");
            put_name(sb, t->name);
        }
        strbuf_puts(sb, " {\n");
    } else {
        strbuf_printf(sb, "\ntable %s {\n", t->name);
        if (t->kind == K_ASSOC && t->m2m_rel)
            strbuf_printf(sb, "    # the association table of %s.%s and %s.%s\n", t->fks[0].target->model,
                          t->m2m_rel, t->fks[1].target->model, t->m2m_back);
    }
    put_notes(x, sb, &t->notes, "    ");
    for (size_t i = 0; i < t->ncols; i++)
        if (!t->cols[i].skip)
            put_column(x, sb, t, &t->cols[i], width);
    put_constraints(sb, t);
    if (has_rels) {
        strbuf_putc(sb, '\n');
        for (size_t i = 0; i < t->nfks; i++) {
            const ffk *f = &t->fks[i];
            if (!f->rel)
                continue;
            if (f->holder == f->target)
                strbuf_printf(sb, "    # %s refers to this table: %s is the many-to-one (remote_side = %s, as in\n"
                                  "    # SQLAlchemy's adjacency list), its backref %s the %s whose %s is this row's %s\n",
                              f->col->member, f->rel, f->tcol->member, f->back, f->one_to_one ? "row" : "rows",
                              f->col->member, f->tcol->member);
            put_notes(x, sb, &f->notes, "    ");
            put_fk_rel(sb, f, width);
        }
        for (size_t i = 0; i < x->ntabs; i++) {
            const ftab *a = &x->tabs[i];
            if (a->kind == K_ASSOC && a->m2m_rel && a->fks[0].target == t)
                put_m2m(sb, a, width);
        }
    }
    strbuf_puts(sb, "}\n");
}

static void put_file(fctx *x, strbuf *sb)
{
    strbuf_printf(sb, "# Generated by assocgen --from-db from %s.\n", clean(x, x->file, 200));
    if (x->has_date || x->has_time)
        strbuf_puts(sb, "# DATE columns are string(10) and TIME columns string(15): the language has no date\n"
                        "# or time type, and a datetime column would not read the 'YYYY-MM-DD' and\n"
                        "# 'HH:MM:SS.ffffff' text that SQLAlchemy and Django store in them.\n");
    for (size_t i = 0; i < x->ntabs; i++)
        put_table(x, sb, &x->tabs[i]);
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

/* A file: URI for a path: '%', '?' and '#' escaped; an absolute path
 * after an empty authority, so that "//x" stays a path. */
static const char *uri_for(fctx *x, const char *path)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, path[0] == '/' ? "file://" : "file:");
    for (const char *p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            strbuf_printf(&sb, "%%%02X", (unsigned char)*p);
        else
            strbuf_putc(&sb, *p);
    }
    strbuf_puts(&sb, "?mode=ro");
    const char *out = sb.failed ? NULL : xstrdup(x, strbuf_str(&sb));
    x->nomem |= sb.failed;
    strbuf_free(&sb);
    return out;
}

static int open_db(fctx *x)
{
    struct stat st;
    if (stat(x->path, &st) != 0) {
        snprintf(x->err, x->errsize, "cannot open database '%s': %s", x->path, strerror(errno));
        return 2;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(x->err, x->errsize, "cannot open database '%s': %s", x->path, strerror(EISDIR));
        return 2;
    }
    const char *uri = uri_for(x, x->path);
    if (uri == NULL)
        return 2;
    if (sqlite3_open_v2(uri, &x->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        snprintf(x->err, x->errsize, "cannot open database '%s': %s", x->path,
                 x->db ? sqlite3_errmsg(x->db) : "out of memory");
        return 2;
    }
    /* One read transaction for every query, so that a program changing
     * the schema meanwhile cannot give a mix of two; a writer holding the
     * file is waited for a while. */
    sqlite3_busy_timeout(x->db, 5000);
    if (sqlite3_exec(x->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(x, NULL);
    return 0;
}

static const char *file_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char shadow_why[] = "a shadow table of a virtual table";

int fromdb_generate(const char *db_path, const char *base, char **text, size_t *len, char **notes, char *err,
                    size_t errsize)
{
    fctx x = { .path = db_path, .err = err, .errsize = errsize };
    *text = NULL;
    *len = 0;
    if (notes)
        *notes = NULL;
    err[0] = '\0';
    x.file = file_part(db_path);
    char *cb = strdup(base);
    if (cb == NULL) {
        snprintf(err, errsize, "out of memory");
        return 2;
    }
    for (char *p = cb; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            *p = '_';
    x.cbase = cb;

    int rc = open_db(&x);
    if (rc == 0)
        rc = read_tables(&x);
    if (rc == 0 && x.ntabs == 0 && !x.nomem) {
        snprintf(err, errsize, "database '%s' has no tables: there is nothing to write a model of", db_path);
        rc = 2;
    }
    for (size_t i = 0; rc == 0 && i < x.ntabs && !x.nomem; i++) {
        ftab *t = &x.tabs[i];
        bool is_virtual = (t->list_type && strcmp(t->list_type, "virtual") == 0) ||
                          (t->sql && strncasecmp(t->sql, "CREATE VIRTUAL", 14) == 0);
        if (is_virtual)
            t->skip = "a virtual table (the language has plain tables only)";
        else if (t->list_type && strcmp(t->list_type, "shadow") == 0)
            t->skip = shadow_why;
        else if (!c_is_identifier(t->name))
            t->skip = "its name is not an identifier (letters, digits, '_')";
        if (t->skip) {
            t->kind = K_SKIP;
            if (t->skip != shadow_why)      /* its virtual table's warning says it */
                strbuf_printf(&x.warn, "%s: table '%s' left out: %s\n", x.file, clean(&x, t->name, 80), t->skip);
            continue;
        }
        rc = read_columns(&x, t);
        if (rc)
            break;
        pass_columns(&x, t);
        size_t usable = 0;
        for (size_t k = 0; k < t->ncols; k++) {
            usable += !t->cols[k].skip;
            t->npk += t->cols[k].pk > 0;
        }
        if (usable == 0) {
            t->kind = K_SKIP;
            t->skip = "none of its columns can be written in the language";
            strbuf_printf(&x.warn, "%s: table '%s' left out: %s\n", x.file, clean(&x, t->name, 80), t->skip);
        }
    }
    for (size_t i = 0; rc == 0 && i < x.ntabs && !x.nomem; i++)
        if (x.tabs[i].kind != K_SKIP)
            rc = pass_indexes(&x, &x.tabs[i]);
    for (size_t i = 0; rc == 0 && i < x.ntabs && !x.nomem; i++)
        if (x.tabs[i].kind != K_SKIP)
            rc = pass_fks(&x, &x.tabs[i]);
    if (rc == 0 && !x.nomem) {
        pass_demote(&x);
        pass_defaults(&x);
        pass_fk_types(&x);
        for (size_t i = 0; i < x.ntabs; i++)
            if (x.tabs[i].kind != K_SKIP)
                name_members(&x, &x.tabs[i], has_pk(&x.tabs[i]));
        pass_kinds(&x);
        pass_names(&x);
        pass_cycles(&x);
    }
    strbuf out = STRBUF_INIT;
    if (rc == 0 && !x.nomem)
        put_file(&x, &out);
    if (rc == 0 && (x.nomem || out.failed || x.warn.failed)) {
        snprintf(err, errsize, "out of memory reading '%s'", db_path);
        rc = 2;
    }
    if (rc == 0) {
        *len = out.len;
        *text = strbuf_take(&out);
        if (notes)
            *notes = x.warn.len ? strbuf_take(&x.warn) : NULL;
    }
    strbuf_free(&out);
    strbuf_free(&x.warn);
    for (size_t i = 0; i < x.ntabs; i++)
        symtab_free(&x.tabs[i].members);
    symtab_free(&x.lower);
    symtab_free(&x.cnames);
    if (x.db)
        sqlite3_close(x.db);
    arena_free(&x.a);
    free(cb);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The command                                                         */

typedef struct mem_file { const char *path, *text; size_t len; } mem_file;

static int read_mem(void *ctx, const char *path, char **text, size_t *len)
{
    const mem_file *m = ctx;
    if (strcmp(path, m->path) != 0)
        return ENOENT;
    *text = malloc(m->len + 1);
    if (*text == NULL)
        return ENOMEM;
    memcpy(*text, m->text, m->len);
    (*text)[m->len] = '\0';
    *len = m->len;
    return 0;
}

/* mkdir -p; the directories made are counted so a failure can undo them. */
static int make_dirs(const char *dir, char **made, size_t *nmade, FILE *msgs)
{
    char *p = strdup(dir);
    if (p == NULL) {
        fprintf(msgs, "assocgen: out of memory\n");
        return 2;
    }
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char keep = p[i];
        p[i] = '\0';
        struct stat st;
        if (stat(p, &st) != 0) {
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                fprintf(msgs, "assocgen: cannot create directory '%s': %s\n", p, strerror(errno));
                free(p);
                return 2;
            }
            if (*nmade < 64)
                made[(*nmade)++] = strdup(p);
        } else if (!S_ISDIR(st.st_mode)) {
            fprintf(msgs, "assocgen: cannot create directory '%s': %s\n", p, strerror(ENOTDIR));
            free(p);
            return 2;
        }
        p[i] = keep;
    }
    free(p);
    return 0;
}

static bool same_content(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    bool same = true;
    char buf[4096];
    size_t off = 0, n;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        same = off + n <= len && memcmp(buf, text + off, n) == 0;
        off += n;
    }
    same = same && !ferror(f) && off == len;
    fclose(f);
    return same;
}

static int write_file(const char *path, const char *text, size_t len, FILE *msgs)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(msgs, "assocgen: cannot write '%s': not a regular file\n", path);
        return 2;
    }
    if (same_content(path, text, len))
        return 0;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (tmp == NULL) {
        fprintf(msgs, "assocgen: out of memory\n");
        return 2;
    }
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    int e = fd < 0 ? errno : 0;
    for (size_t off = 0; e == 0 && off < len;) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno != EINTR)
            e = errno;
        else if (w > 0)
            off += (size_t)w;
    }
    if (fd >= 0) {
        if (e == 0 && fchmod(fd, 0644) != 0)
            e = errno;
        if (close(fd) != 0 && e == 0)
            e = errno;
    }
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        if (fd >= 0)
            unlink(tmp);
        fprintf(msgs, "assocgen: cannot write '%s': %s\n", path, strerror(e));
    }
    free(tmp);
    return e ? 2 : 0;
}

int fromdb_run(const char *db_path, const char *out_dir, bool check_only, FILE *msgs)
{
    /* DIR/FILE.def: the database file's name without its extension, which
     * must name a schema (FILE_create_all). */
    const char *file = file_part(db_path);
    const char *dot = strrchr(file, '.');
    size_t bn = dot && dot != file ? (size_t)(dot - file) : strlen(file);
    char *base = malloc(bn + 1);
    if (base == NULL) {
        fprintf(msgs, "assocgen: out of memory\n");
        return 2;
    }
    memcpy(base, file, bn);
    base[bn] = '\0';
    if (!((base[0] >= 'A' && base[0] <= 'Z') || (base[0] >= 'a' && base[0] <= 'z') || base[0] == '_') ||
        strcmp(base, "assoc") == 0) {
        fprintf(msgs, "assocgen: '%s': the model file would be '%s.def', %s; copy the database to another name\n",
                db_path, base, strcmp(base, "assoc") == 0 ? "whose outputs would be libassoc's assoc.h and assoc.c"
                : "and a model file's name must start with a letter or '_' (it names <name>_create_all)");
        free(base);
        return 2;
    }

    char err[1024], *text = NULL, *notes = NULL;
    size_t len = 0;
    int rc = fromdb_generate(db_path, base, &text, &len, &notes, err, sizeof err);
    if (rc != 0) {
        fprintf(msgs, "assocgen: %s\n", err);
        free(base);
        return rc;
    }
    for (const char *p = notes; p && *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(msgs, "assocgen: warning: %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }

    size_t plen = strlen(out_dir) + bn + 6;
    char *path = malloc(plen);
    if (path == NULL) {
        fprintf(msgs, "assocgen: out of memory\n");
        rc = 2;
    } else {
        snprintf(path, plen, "%s/%s.def", out_dir, base);
    }
    /* The checker reads the result before anything is written: a model
     * file that would not pass --check is a bug here, shown, not written. */
    assocgen *g = rc == 0 ? assocgen_create() : NULL;
    if (rc == 0 && g == NULL) {
        fprintf(msgs, "assocgen: out of memory\n");
        rc = 2;
    }
    if (g) {
        mem_file m = { path, text, len };
        assocgen_set_reader(g, read_mem, &m);
        int lrc = assocgen_load(g, path);
        for (const diagnostic *d = assocgen_diagnostics(g); d; d = d->next)
            fputs(d->rendered, msgs);
        if (lrc != 0) {
            fprintf(msgs, "assocgen: internal error: the model made from '%s' does not pass the checker; nothing written\n",
                    db_path);
            rc = 1;
        }
        assocgen_destroy(g);
    }
    if (rc == 0 && !check_only) {
        char *made[64];
        size_t nmade = 0;
        rc = make_dirs(out_dir, made, &nmade, msgs);
        if (rc == 0)
            rc = write_file(path, text, len, msgs);
        for (size_t i = nmade; i-- > 0;) {
            if (rc != 0 && made[i])
                rmdir(made[i]);
            free(made[i]);
        }
    }
    free(path);
    free(text);
    free(notes);
    free(base);
    return rc;
}
