/* emit_src_rel.c - the bodies of relationship functions: the related row
 * (owned or lent), the collection (listed or streamed), _add and _remove.
 * What each runs and binds is its plan's. */
#include <stdio.h>
#include <string.h>

#include "emit_src.h"

static void get_one(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    SRC_LINE(x, "memset(out, 0, sizeof *out);");
    src_owner_guard(x, r, f->name, "ASSOC_NOTFOUND", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "rc = assoc_row_fetch(db, st, &%s, out);", src_type(x, r->target, type, sizeof type));
    src_close(x, NULL);
}

/* At most one row, lent to one call: step once, as hand-written code
 * would; releasing the statement resets it. */
static void view_one(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    SRC_LINE(x, "%s%s row;", x->e->prefix, r->target->name);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_OK", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "rc = assoc_row_next(db, st, &%s, &row);", src_type(x, r->target, type, sizeof type));
    SRC_LINE(x, "if (rc == ASSOC_ROW)");
    SRC_LINE(x, "rc = fn(&row, ctx);");
    src_close(x, NULL);
}

static void list(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    SRC_LINE(x, "void *items = NULL;");
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    SRC_LINE(x, "out->items = NULL;");
    SRC_LINE(x, "out->len = 0;");
    src_owner_guard(x, r, f->name, "ASSOC_OK", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    if (f->plan->unique)
        SRC_LINE(x, "rc = assoc_rows_unique(db, st, &%s, %s, &items, &out->len);",
                 src_type(x, r->target, type, sizeof type), f->plan->sorted ? "true" : "false");
    else
        SRC_LINE(x, "rc = assoc_rows_collect(db, st, &%s, &items, &out->len);",
                 src_type(x, r->target, type, sizeof type));
    SRC_LINE(x, "out->items = items;");
    src_close(x, NULL);
}

/* A many-to-many collection streamed: its rows gathered (each target once,
 * in order) and the statement released before the first call, so that fn
 * may run it again; nothing is allocated per row. */
static void each_unique(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    SRC_LINE(x, "assoc_kept kept = ASSOC_KEPT_INIT;");
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_OK", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "rc = assoc_rows_keep(db, st, &%s, %s, &kept);", src_type(x, r->target, type, sizeof type),
             f->plan->sorted ? "true" : "false");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    SRC_LINE(x, "st = NULL;");
    SRC_LINE(x, "for (size_t i = 0; rc == ASSOC_OK && i < kept.n; i++)");
    SRC_LINE(x, "rc = fn((const %s%s *)kept.rows[i], ctx);", x->e->prefix, r->target->name);
    SRC_LINE(x, "assoc_kept_free(db, &kept);");
    src_close(x, NULL);
}

static void each(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_stmt *st = &f->plan->stmt;
    char type[300];
    src_open(x, f);
    SRC_LINE(x, "%s%s row;", x->e->prefix, r->target->name);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_OK", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "while ((rc = assoc_row_next(db, st, &%s, &row)) == ASSOC_ROW) {",
             src_type(x, r->target, type, sizeof type));
    SRC_LINE(x, "rc = fn(&row, ctx);");
    SRC_LINE(x, "if (rc != 0)");
    SRC_LINE(x, "break;");
    SRC_LINE(x, "}");
    src_close(x, NULL);
}

/* A one-to-many's rows, each lent with its many-to-one rel2 (NULL where the
 * left join found none), from one statement. */
static void each_with(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel, *r2 = f->rel2;
    const plan_stmt *st = &f->plan->stmt;
    char type[300], type2[300];
    src_open(x, f);
    SRC_LINE(x, "%s%s row;", x->e->prefix, r->target->name);
    SRC_LINE(x, "%s%s row2;", x->e->prefix, r2->target->name);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_OK", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "while ((rc = assoc_row_next(db, st, &%s, &row)) == ASSOC_ROW) {",
             src_type(x, r->target, type, sizeof type));
    SRC_LINE(x, "rc = assoc_row_view(db, st, &%s, %zu, &row2);", src_type(x, r2->target, type2, sizeof type2),
             r->target->table->ncolumns);
    SRC_LINE(x, "if (rc != ASSOC_ROW && rc != ASSOC_OK)");
    SRC_LINE(x, "break;");
    SRC_LINE(x, "rc = fn(&row, rc == ASSOC_ROW ? &row2 : NULL, ctx);");
    SRC_LINE(x, "if (rc != 0)");
    SRC_LINE(x, "break;");
    SRC_LINE(x, "}");
    src_close(x, NULL);
}

/* one-to-many _add: point the child at r and save it.  A string or blob
 * key is copied into the child, never shared with r: the two records are
 * released separately.  The value it replaces may be the caller's, so it
 * is left alone. */
static void add_child(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const sch_column *fk = r->target_col, *oc = r->owner_col;
    const sch_table *tt = r->target->table;
    const plan_fn *pl = f->plan;
    const char *P = x->e->prefix, *ts = r->target->snake;
    bool text_key = fk->type == SCH_STRING || fk->type == SCH_TEXT;
    const char *ft = c_field_type(fk);

    src_open(x, f);
    if (pl->move_key) {
        SRC_LINE(x, "assoc_stmt *st = NULL;");
        SRC_LINE(x, "%s%s prev;", P, r->target->name);
    }
    SRC_LINE(x, "%s%sold = child ? child->%s : %s;", ft, ft[strlen(ft) - 1] == '*' ? "" : " ", fk->c_name,
             fk->type == SCH_BLOB ? "(assoc_blob){ NULL, 0 }" : c_is_pointer(fk) ? "NULL" : "0");
    if (c_has_flag(fk))
        SRC_LINE(x, "bool old_has = child ? child->has_%s : false;", fk->c_name);
    if (text_key)
        SRC_LINE(x, "char *copy = NULL;");
    else if (fk->type == SCH_BLOB)
        SRC_LINE(x, "assoc_blob copy = { NULL, 0 };");
    SRC_LINE(x, "int rc;");
    SRC_BLANK(x);
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_MISUSE", "");
    if (pl->move_key)
        SRC_LINE(x, "prev = *child;");
    if (text_key) {
        SRC_LINE(x, "if (old == NULL || strcmp(old, r->%s) != 0) {", oc->c_name);
        SRC_LINE(x, "rc = assoc_strdup(db, r->%s, &copy);", oc->c_name);
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "return rc;");
        SRC_LINE(x, "child->%s = copy;", fk->c_name);
        SRC_LINE(x, "}");
    } else if (fk->type == SCH_BLOB) {
        SRC_LINE(x, "if (old.data == NULL || old.len != r->%s.len || (old.len > 0 && memcmp(old.data, r->%s.data, "
                    "old.len) != 0)) {",
                 oc->c_name, oc->c_name);
        SRC_LINE(x, "rc = assoc_blobdup(db, r->%s.data, r->%s.len, &copy);", oc->c_name, oc->c_name);
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "return rc;");
        SRC_LINE(x, "child->%s = copy;", fk->c_name);
        SRC_LINE(x, "}");
    } else {
        SRC_LINE(x, "child->%s = r->%s;", fk->c_name, oc->c_name);
    }
    if (c_has_flag(fk))
        SRC_LINE(x, "child->has_%s = true;", fk->c_name);
    if (pl->move_key) {
        /* The foreign key is part of the child's key: move the row from its
         * old key (SQLAlchemy moves it), then save the rest by the new one;
         * a child that had no row is inserted. */
        x->times = src_count_times(&pl->stmt);
        SRC_LINE(x, "rc = assoc_tx_enter(db, true);");
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto restore;");
        src_acquire(x, pl->stmt.sql);
        src_binds(x, &pl->stmt);
        src_step_done(x);
        SRC_LINE(x, "rc = assoc_changes(db) == 0 ? %s%s_insert(db, child) : %s%s_update(db, child);", P, ts, P, ts);
        SRC_LINE(x, "done:");
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "rc = assoc_tx_leave(db, rc);");
        SRC_LINE(x, "restore:");
    } else if (tt->rowid) {
        SRC_LINE(x, "if (child->%s == 0)", tt->rowid->c_name);
        SRC_LINE(x, "rc = %s%s_insert(db, child);", P, ts);
        SRC_LINE(x, "else");
        SRC_LINE(x, "rc = %s%s_update(db, child);", P, ts);
    } else {
        SRC_LINE(x, "rc = %s%s_update(db, child);", P, ts);
        SRC_LINE(x, "if (rc == ASSOC_NOTFOUND)");
        SRC_LINE(x, "rc = %s%s_insert(db, child);", P, ts);
    }
    SRC_LINE(x, "if (rc != ASSOC_OK) {");
    if (text_key)
        SRC_LINE(x, "assoc_free(copy);");
    else if (fk->type == SCH_BLOB)
        SRC_LINE(x, "assoc_free(copy.data);");
    SRC_LINE(x, "child->%s = old;", fk->c_name);
    if (c_has_flag(fk))
        SRC_LINE(x, "child->has_%s = old_has;", fk->c_name);
    SRC_LINE(x, "}");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

static void remove_child(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_fn *pl = f->plan;
    const plan_stmt *st = &pl->stmt;
    src_open(x, f);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_NOTFOUND", ", so nothing is its child");
    src_key_guard(x, "child->", r->target->table, f->name, "ASSOC_NOTFOUND");
    src_acquire(x, st->sql);
    src_binds(x, st);
    if (pl->visit) {
        /* An orphan, deleted by its own model's rules. */
        SRC_LINE(x, "rc = assoc_step(db, st);");
        SRC_LINE(x, "assoc_stmt_release(db, st);");
        SRC_LINE(x, "st = NULL;");
        SRC_LINE(x, "if (rc == ASSOC_OK)");
        SRC_LINE(x, "rc = assoc_fail(db, ASSOC_NOTFOUND, \"%s: not a child of this row\");", f->name);
        SRC_LINE(x, "else if (rc == ASSOC_ROW)");
        SRC_LINE(x, "rc = %s%s_delete(db, child);", x->e->prefix, r->target->snake);
    } else {
        src_step_done(x);
        src_changed_or_notfound(x, f->name, "not a child of this row");
    }
    src_close(x, NULL);
}

/* An association row's column whose default the insert makes at run time
 * (default(uuid), default(call f)): the value goes in a local, made_<c>. */
static bool made_default(const plan_bind *b)
{
    return b->kind == PB_DEFAULT &&
           (b->col->def.kind == SCH_DEFAULT_UUID || b->col->def.kind == SCH_DEFAULT_CALL);
}

static void link_pair(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_stmt *st = &f->plan->stmt;
    char buf[600];
    src_open(x, f);
    for (size_t i = 0; i < st->nbinds; i++) {
        const sch_column *col = st->binds[i].col;
        if (!made_default(&st->binds[i]))
            continue;
        const char *ty = c_field_type(col);
        SRC_LINE(x, "%s%smade_%s = %s;", ty, ty[strlen(ty) - 1] == '*' ? "" : " ", col->c_name,
                 col->type == SCH_BLOB ? "{ NULL, 0 }" : c_is_pointer(col) ? "NULL" : "0");
    }
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_MISUSE", "");
    if (r->target_col->is_rowid) {
        SRC_LINE(x, "if (t->%s == 0)", r->target_col->c_name);
        SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: the target has no %s\");", f->name, r->target_col->name);
    } else if (src_null_cond(buf, sizeof buf, "t->", r->target_col)) {
        SRC_LINE(x, "if (%s)", buf);
        SRC_LINE(x, "return assoc_fail(db, ASSOC_MISUSE, \"%s: the target has no %s\");", f->name, r->target_col->name);
    }
    bool made = false;
    for (size_t i = 0; i < st->nbinds; i++) {
        const sch_column *col = st->binds[i].col;
        if (!made_default(&st->binds[i]))
            continue;
        made = true;
        if (col->def.kind == SCH_DEFAULT_UUID)
            SRC_LINE(x, "rc = assoc_uuid4(db, &made_%s);", col->c_name);
        else
            SRC_LINE(x, "rc = %s(db, &made_%s);", col->def.fn, col->c_name);
        SRC_LINE(x, "if (rc != ASSOC_OK)");
        SRC_LINE(x, "goto done;");
    }
    src_acquire(x, st->sql);
    src_binds(x, st);
    SRC_LINE(x, "rc = assoc_step(db, st);");
    if (!made) {
        src_close(x, NULL);
        return;
    }
    SRC_LINE(x, "done:");
    SRC_LINE(x, "assoc_stmt_release(db, st);");
    for (size_t i = 0; i < st->nbinds; i++)
        if (made_default(&st->binds[i]) && c_is_pointer(st->binds[i].col))
            SRC_LINE(x, "assoc_free(made_%s%s);", st->binds[i].col->c_name,
                     st->binds[i].col->type == SCH_BLOB ? ".data" : "");
    SRC_LINE(x, "return rc;");
    SRC_LINE(x, "}");
    SRC_BLANK(x);
}

static void unlink_pair(src *x, const api_fn *f)
{
    const sch_rel *r = f->rel;
    const plan_stmt *st = &f->plan->stmt;
    src_open(x, f);
    src_locals(x, src_count_times(st));
    src_misuse(x, f);
    src_owner_guard(x, r, f->name, "ASSOC_NOTFOUND", "");
    src_acquire(x, st->sql);
    src_binds(x, st);
    src_step_done(x);
    src_changed_or_notfound(x, f->name, "the two are not linked");
    src_close(x, NULL);
}

void src_fn_rel(src *x, const api_fn *f)
{
    switch (f->kind) {
    case API_REL_GET:
        get_one(x, f);
        break;
    case API_REL_VIEW:
        view_one(x, f);
        break;
    case API_REL_LIST:
        list(x, f);
        break;
    case API_REL_EACH:
        if (f->plan->unique)
            each_unique(x, f);
        else
            each(x, f);
        break;
    case API_REL_EACH_WITH:
        each_with(x, f);
        break;
    case API_REL_ADD:
        if (f->rel->kind == SCH_MANY_TO_MANY)
            link_pair(x, f);
        else
            add_child(x, f);
        break;
    case API_REL_REMOVE:
        if (f->rel->kind == SCH_MANY_TO_MANY)
            unlink_pair(x, f);
        else
            remove_child(x, f);
        break;
    default:
        break;
    }
}
