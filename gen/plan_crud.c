/* plan_crud.c - the plans of a model's own functions: create_all, insert,
 * get, update, first, all, each, count, get_by, find_by.  (Delete is
 * plan_delete.c's; relationships plan_rel.c's.) */
#include <string.h>

#include "plan_int.h"

/* A column the caller can leave unset: it has a presence flag or is a
 * pointer.  Only such a column can take a default through the C API. */
static bool can_be_unset(const sch_column *col)
{
    return c_has_flag(col) || c_is_pointer(col);
}

/* The default an insert applies to an unset column, or NULL: the client
 * default, else the server default (its literal applied in C too, so the
 * value written back is the one bound; current_timestamp read from the
 * database's clock). */
static const sch_default *insert_default(const sch_column *col)
{
    if (!can_be_unset(col))
        return NULL;
    if (col->def.kind != SCH_DEFAULT_NONE)
        return &col->def;
    if (col->server_def.kind != SCH_DEFAULT_NONE)
        return &col->server_def;
    return NULL;
}

static void plan_create_all(planner *p, api_fn *f)
{
    sqlb b;
    sqlb_init(&b, p);
    strbuf lite = STRBUF_INIT, pg = STRBUF_INIT;
    plan_ddl(&lite, p->a->s, false);
    plan_ddl(&pg, p->a->s, true);
    sqlb_dialect(&b, strbuf_str(&lite), strbuf_str(&pg));
    if (lite.failed || pg.failed)
        p->nomem = true;
    strbuf_free(&lite);
    strbuf_free(&pg);
    f->plan->stmt.sql = sqlb_sql(&b, f, "ddl", true);
    p->ps->ddl = f->plan->stmt.sql;
    f->plan->spec = plan_spec_of(p);
    sqlb_free(&b);
}

/* INSERT INTO t (every column but the row id, then the row id) VALUES
 * ($1, ...): every default is applied in C before the row goes in, so the
 * values written back are the ones bound.  With a row id, a second
 * statement leaves it out for the database to assign: SQLite's last insert
 * rowid, PostgreSQL's RETURNING (its identity column would refuse a NULL).
 * RETURNING is not used on SQLite: it costs an ephemeral table per row (the
 * insert phase of the benchmark ran 1.19x the hand-written C's
 * instructions with it, 1.07x without; bench/README.md). */
static void plan_insert(planner *p, api_fn *f)
{
    const sch_table *t = f->model->table;
    plan_fn *pl = f->plan;
    pl->rowid = t->rowid;

    size_t nd = 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        nd += insert_default(t->columns[i]) != NULL;
    pl->defaults = nd ? plan_alloc(p, nd * sizeof *pl->defaults) : NULL;
    for (size_t i = 0; i < t->ncolumns && (nd == 0 || pl->defaults); i++) {
        const sch_column *col = t->columns[i];
        const sch_default *d = insert_default(col);
        if (d == NULL)
            continue;
        plan_default *pd = &pl->defaults[pl->ndefaults++];
        pd->col = col;
        pd->def = d;
        pd->stamp = d->kind == SCH_DEFAULT_CURRENT_TIMESTAMP;
        pd->dup = c_is_pointer(col);
        /* PostgreSQL's RETURNING: the row id first, where there is one */
        pd->pg_col = pd->stamp ? (int)pl->nstamps + (t->rowid ? 1 : 0) : -1;
        pl->nstamps += pd->stamp;
    }
    /* post_update keys: NULL in the insert, then set by an UPDATE each once
     * the row is in (a copy v keeps r as it was until all of it is done) */
    for (size_t i = 0; i < t->ncolumns; i++)
        pl->npost += t->columns[i]->post_update;
    pl->copy = pl->ndefaults > 0 || pl->npost > 0;
    const char *obj = pl->copy ? "v." : "r->";

    sqlb b;
    sqlb_init(&b, p);
    for (int with_key = 1; with_key >= (t->rowid ? 0 : 1); with_key--) {
        sqlb_puts(&b, "INSERT INTO ");
        sqlb_ident(&b, t->name);
        sqlb_puts(&b, " (");
        size_t n = 0;
        for (size_t i = 0; i < t->ncolumns; i++) {
            if (t->columns[i]->is_rowid)
                continue;
            sqlb_puts(&b, n++ ? ", " : "");
            sqlb_ident(&b, t->columns[i]->sql_name);
        }
        if (with_key && t->rowid) {
            sqlb_puts(&b, n++ ? ", " : "");
            sqlb_ident(&b, t->rowid->sql_name);
        }
        sqlb_puts(&b, ")\nVALUES (");
        n = 0;
        for (size_t i = 0; i < t->ncolumns; i++) {
            const sch_column *col = t->columns[i];
            if (col->is_rowid)
                continue;
            sqlb_puts(&b, n++ ? ", " : "");
            bool stamp = false;
            for (size_t k = 0; k < pl->ndefaults; k++)
                stamp |= pl->defaults[k].col == col && pl->defaults[k].stamp;
            if (col->post_update) {
                sqlb_param(&b, (plan_bind){ PB_NULL, col, NULL, NULL });
            } else if (stamp) {
                /* PostgreSQL: NULL when unset, the statement's clock then
                 * (what DEFAULT (CURRENT_TIMESTAMP) stores: LOCALTIMESTAMP
                 * in the session's time zone, UTC), returned below */
                sqlb_dialect(&b, "", "COALESCE(");
                sqlb_param(&b, (plan_bind){ PB_STAMP, col, obj, NULL });
                sqlb_dialect(&b, "", ", LOCALTIMESTAMP)");
            } else {
                sqlb_param(&b, pb_field(col, obj));
            }
        }
        if (with_key && t->rowid) {
            sqlb_puts(&b, n++ ? ", " : "");
            sqlb_param(&b, pb_set(t->rowid, obj));
        }
        sqlb_puts(&b, ")");
        /* ", create_dttm, ...": the stamps, as PostgreSQL's RETURNING
         * gives them after the row id (plan_default.pg_col) */
        strbuf stamps = STRBUF_INIT;
        for (size_t k = 0; k < pl->ndefaults; k++)
            if (pl->defaults[k].stamp) {
                strbuf_puts(&stamps, ", ");
                sql_ident(&stamps, pl->defaults[k].col->sql_name);
            }
        if (stamps.failed)
            p->nomem = true;
        if (!t->rowid) {
            if (pl->nstamps) {
                sqlb_dialect(&b, "", "\nRETURNING ");
                strbuf_puts(&b.pg, strbuf_str(&stamps) + 2);
            }
            pl->stmt = sqlb_stmt(&b, f, "sql");
        } else if (with_key) {
            /* PostgreSQL: an explicit key does not move the identity's
             * sequence, so the next assigned key could collide with it;
             * the statement moves it past the key (setval is not undone by
             * a rollback, which leaves a gap at worst). */
            strbuf pre = STRBUF_INIT;
            strbuf_puts(&pre, "WITH ins AS (");
            strbuf_puts(&pre, strbuf_str(&b.pg));
            strbuf_puts(&pre, "\nRETURNING ");
            sql_ident(&pre, t->rowid->sql_name);
            strbuf_puts(&pre, strbuf_str(&stamps));
            strbuf_puts(&pre, ")\nSELECT ins.");
            sql_ident(&pre, t->rowid->sql_name);
            for (size_t k = 0; k < pl->ndefaults; k++)
                if (pl->defaults[k].stamp) {
                    strbuf_puts(&pre, ", ins.");
                    sql_ident(&pre, pl->defaults[k].col->sql_name);
                }
            strbuf_puts(&pre, ", setval(s.seq, GREATEST(ins.");
            sql_ident(&pre, t->rowid->sql_name);
            strbuf_puts(&pre, ", COALESCE(pg_sequence_last_value(s.seq), 1)))\nFROM ins, (SELECT pg_get_serial_sequence(");
            strbuf tq = STRBUF_INIT;
            sql_ident(&tq, t->name);
            sql_string(&pre, strbuf_str(&tq));
            pre.failed |= tq.failed;
            strbuf_free(&tq);
            strbuf_puts(&pre, ", ");
            /* pg_get_serial_sequence takes the column's name as is */
            sql_string(&pre, t->rowid->sql_name);
            strbuf_puts(&pre, ")::regclass AS seq) s");
            strbuf_reset(&b.pg);
            strbuf_puts(&b.pg, strbuf_str(&pre));
            b.differs = true;
            if (pre.failed)
                p->nomem = true;
            strbuf_free(&pre);
            pl->stmt = sqlb_stmt(&b, f, "key");
        } else {
            sqlb_dialect(&b, "", "\nRETURNING ");
            sql_ident(&b.pg, t->rowid->sql_name);
            strbuf_puts(&b.pg, strbuf_str(&stamps));
            pl->auto_stmt = sqlb_stmt(&b, f, "sql");
        }
        strbuf_free(&stamps);
    }
    if (pl->npost) {
        pl->post = plan_alloc(p, pl->npost * sizeof *pl->post);
        pl->post_cols = plan_alloc(p, pl->npost * sizeof *pl->post_cols);
        size_t k = 0;
        for (size_t i = 0; i < t->ncolumns && pl->post && pl->post_cols; i++) {
            const sch_column *col = t->columns[i];
            if (!col->post_update)
                continue;
            sqlb_puts(&b, "UPDATE ");
            sqlb_ident(&b, t->name);
            sqlb_puts(&b, "\nSET ");
            sqlb_ident(&b, col->sql_name);
            sqlb_puts(&b, " = ");
            sqlb_param(&b, pb_set(col, obj));
            sqlb_where_key(&b, t, PB_FIELD_SET, obj);
            pl->post_cols[k] = col;
            pl->post[k++] = sqlb_stmt(&b, f, "post");
        }
    }
    sqlb_free(&b);
}

/* The text of `rows` rows of a one-row INSERT whose last "VALUES (...)"
 * holds parameters only (what plan_insert writes; on PostgreSQL a stamp's
 * in COALESCE($n, LOCALTIMESTAMP)): the tuple repeated,
 * copy r's $k numbered $(r * np + k), np the tuple's parameters; what
 * follows the tuple (PostgreSQL's RETURNING) once, after the last.  From
 * the plan's arena; NULL when memory ran out or the text is not of that
 * form (a defect of the planner, reported as such). */
static const char *rows_text(planner *p, const char *sql, int rows)
{
    const char *v = NULL, *close, *t;
    size_t np = 0;

    for (t = strstr(sql, "VALUES ("); t != NULL; t = strstr(t + 1, "VALUES ("))
        v = t;
    if (v == NULL)
        return NULL;
    v += strlen("VALUES ");
    int depth = 0;
    for (close = v; *close != '\0'; close++) {
        if (*close == '(')
            depth++;
        else if (*close == ')' && --depth == 0)
            break;
    }
    if (*close == '\0')
        return NULL;
    for (t = v; t < close; t++) {
        if (*t == '\'' || *t == '"')
            return NULL;
        if (*t == '$') {
            size_t k = 0;
            while (t + 1 < close && t[1] >= '0' && t[1] <= '9')
                k = k * 10 + (size_t)(*++t - '0');
            if (k > np)
                np = k;
        }
    }
    strbuf out = STRBUF_INIT;
    strbuf_putn(&out, sql, (size_t)(v - sql));
    for (int r = 0; r < rows; r++) {
        strbuf_puts(&out, r ? ", " : "");
        for (t = v; t <= close; t++) {
            if (*t != '$') {
                strbuf_putc(&out, *t);
                continue;
            }
            size_t k = 0;
            while (t + 1 < close && t[1] >= '0' && t[1] <= '9')
                k = k * 10 + (size_t)(*++t - '0');
            strbuf_printf(&out, "$%zu", k + (size_t)r * np);
        }
    }
    strbuf_puts(&out, close + 1);
    const char *text = out.failed ? NULL : arena_strdup(p->mem, strbuf_str(&out));
    strbuf_free(&out);
    return text;
}

/* The table of insert_many's statements: entry r - 1 inserts r rows, the
 * first the insert's own statement (one), the others the same tuple r
 * times, each a constant of its own (<fn>__sql_<r>).  On PostgreSQL
 * RETURNING gives each row's id, in the order of the VALUES list. */
static void plan_insert_rows(planner *p, api_fn *f, plan_sql *one)
{
    plan_variants *v = plan_alloc(p, sizeof *v);
    if (v == NULL)
        return;
    v->n = API_INSERT_ROWS;
    v->sql = plan_alloc(p, v->n * sizeof *v->sql);
    if (v->sql == NULL)
        return;
    v->sql[0] = one;
    v->cname = plan_printf(p, "%s__sql_rows", f->name);
    v->first = f;
    sqlb b;
    sqlb_init(&b, p);
    for (int r = 2; r <= API_INSERT_ROWS; r++) {
        const char *lite = rows_text(p, one->text, r);
        const char *pg = rows_text(p, one->pg ? one->pg : one->text, r);
        if (lite == NULL || pg == NULL) {
            p->nomem = true;
            break;
        }
        sqlb_dialect(&b, lite, pg);
        v->sql[r - 1] = sqlb_sql(&b, f, plan_printf(p, "%d", r), false);
    }
    sqlb_free(&b);
    f->plan->qv = v;
}

/* insert_many: the insert's own statement without the row id (each row
 * gets the one the database assigns: SQLite's, which libassoc knows in
 * advance, assoc_rowids; PostgreSQL's by RETURNING), its binds reading row
 * w[j] of the chunk, whose caller's record is rows[base + j]; the same
 * statement of 2 .. API_INSERT_ROWS rows (plan_insert_rows). */
static void plan_insert_many(planner *p, api_fn *f)
{
    const sch_table *t = f->model->table;
    const api_fn *ins = api_find(p->a, API_INSERT, f->model, NULL);
    plan_fn *pl = f->plan;
    if (ins == NULL || ins->plan == NULL)
        return;
    const plan_fn *pi = ins->plan;
    const plan_stmt *one = t->rowid ? &pi->auto_stmt : &pi->stmt;
    pl->one = ins;
    pl->rowid = pi->rowid;
    pl->defaults = pi->defaults;
    pl->ndefaults = pi->ndefaults;
    pl->nstamps = pi->nstamps;
    pl->copy = true;
    pl->stmt.sql = one->sql;
    pl->stmt.nbinds = one->nbinds;
    pl->stmt.binds = plan_alloc(p, one->nbinds * sizeof *pl->stmt.binds);
    if (pl->stmt.binds == NULL)
        return;
    for (size_t i = 0; i < one->nbinds; i++) {
        plan_bind b = one->binds[i];
        if (b.kind == PB_STAMP)
            b = (plan_bind){ PB_STAMP, b.col, "w[j].", "rows[base + j]." };
        else if (b.obj != NULL)
            b.obj = "w[j].";
        pl->stmt.binds[i] = b;
    }
    plan_insert_rows(p, f, one->sql);
    if (!t->rowid)
        return;
    /* The largest row id, and whether triggers on the table (main's or
     * temp's) could change it while the rows go in. */
    strbuf lit = STRBUF_INIT;
    sql_string(&lit, t->name);
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "SELECT max(");
    sqlb_ident(&b, t->rowid->sql_name);
    sqlb_puts(&b, "),\n");
    const char *const masters[] = { "sqlite_master", "sqlite_temp_master" };
    for (int k = 0; k < 2; k++) {
        sqlb_printf(&b, "%s(SELECT count(*) FROM %s WHERE type = 'trigger' AND tbl_name = %s COLLATE NOCASE)",
                    k ? " + " : "", masters[k], strbuf_str(&lit));
    }
    sqlb_puts(&b, "\nFROM ");
    sqlb_ident(&b, t->name);
    if (lit.failed)
        p->nomem = true;
    strbuf_free(&lit);
    pl->max_sql = sqlb_sql(&b, f, "max", false);
    sqlb_free(&b);
}

static void select_from(sqlb *b, const sch_table *t)
{
    sqlb_puts(b, "SELECT ");
    sqlb_select_list(b, t);
    sqlb_puts(b, "\nFROM ");
    sqlb_ident(b, t->name);
}

static void plan_get(planner *p, api_fn *f)
{
    const sch_table *t = f->model->table;
    sqlb b;
    sqlb_init(&b, p);
    select_from(&b, t);
    sqlb_puts(&b, "\nWHERE ");
    for (size_t k = 0; k < t->npk; k++) {
        if (k)
            sqlb_puts(&b, " AND ");
        sqlb_col(&b, t->pk[k]);
        sqlb_puts(&b, " = ");
        /* the key parameters follow db in the signature */
        sqlb_param(&b, pb_expr(t->pk[k], f->params[1 + k].name));
    }
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

static void plan_update(planner *p, api_fn *f)
{
    const sch_table *t = f->model->table;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "UPDATE ");
    sqlb_ident(&b, t->name);
    sqlb_puts(&b, "\nSET ");
    size_t nset = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (t->columns[i]->primary_key)
            continue;
        if (nset++)
            sqlb_puts(&b, ", ");
        sqlb_ident(&b, t->columns[i]->sql_name);
        sqlb_puts(&b, " = ");
        if (t->columns[i]->onupdate_now) {
            /* SQLAlchemy's onupdate: the clock, whatever r holds */
            sqlb_param(&b, pb_expr(t->columns[i], "stamp"));
            f->plan->clock = true;
        } else {
            sqlb_param(&b, pb_field(t->columns[i], "r->"));
        }
    }
    if (nset == 0) {             /* only key columns: touch the row to find it */
        sqlb_ident(&b, t->pk[0]->sql_name);
        sqlb_puts(&b, " = ");
        sqlb_ident(&b, t->pk[0]->sql_name);
    }
    sqlb_where_key(&b, t, PB_FIELD_SET, "r->");
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

/* first, all, each, count: every row, by key. */
static void plan_reads(planner *p, api_fn *f)
{
    const sch_table *t = f->model->table;
    sqlb b;
    sqlb_init(&b, p);
    if (f->kind == API_COUNT) {
        sqlb_puts(&b, "SELECT count(*)\nFROM ");
        sqlb_ident(&b, t->name);
    } else {
        select_from(&b, t);
        sqlb_order(&b, t, NULL, false);
        if (f->kind == API_FIRST)
            sqlb_puts(&b, "\nLIMIT 1");
    }
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

/* get_by, find_by: the rows whose column is `value`. */
static void plan_lookup(planner *p, api_fn *f)
{
    const sch_table *t = f->model->table;
    const sch_column *col = f->col;
    sqlb b;
    sqlb_init(&b, p);
    select_from(&b, t);
    sqlb_puts(&b, "\nWHERE ");
    sqlb_col(&b, col);
    if (col->type == SCH_DATETIME) {
        /* A datetime is stored as text: the calendar's, or CURRENT_TIMESTAMP's
         * shorter form (whole seconds) when a server default wrote it.  The
         * second parameter is that form of the value when it has no
         * fraction (else the full text again): an IN list keeps the index. */
        sqlb_puts(&b, " IN (");
        sqlb_param(&b, pb_expr(col, "value"));
        sqlb_puts(&b, ", ");
        sqlb_param(&b, (plan_bind){ PB_SHORT_TIME, col, NULL, "value" });
        sqlb_puts(&b, ")");
    } else {
        sqlb_puts(&b, " = ");
        sqlb_param(&b, pb_expr(col, "value"));
    }
    if (f->kind == API_FIND_BY)
        sqlb_order(&b, t, NULL, false);
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

void plan_crud(planner *p, api_fn *f)
{
    switch (f->kind) {
    case API_CREATE_ALL:
        plan_create_all(p, f);
        break;
    case API_INSERT:
        plan_insert(p, f);
        break;
    case API_INSERT_MANY:
        plan_insert_many(p, f);
        break;
    case API_GET:
        plan_get(p, f);
        break;
    case API_UPDATE:
        plan_update(p, f);
        break;
    case API_FIRST:
    case API_ALL:
    case API_EACH:
    case API_COUNT:
        plan_reads(p, f);
        break;
    case API_GET_BY:
    case API_FIND_BY:
        plan_lookup(p, f);
        break;
    default:
        break;
    }
}
