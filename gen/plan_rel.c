/* plan_rel.c - the plans of relationship functions: the related row or
 * rows, streaming them, adding and removing. */
#include <string.h>

#include "plan_int.h"

/* The target's columns, from the target's table. */
static void select_target(sqlb *b, const sch_rel *r)
{
    const sch_table *tt = r->target->table;
    sqlb_puts(b, "SELECT ");
    sqlb_select_list(b, tt);
    sqlb_puts(b, "\nFROM ");
    sqlb_ident(b, tt->name);
}

/* The rows related to the record r: its children by their foreign key, or
 * its parent by the key it holds.  The owner's join value is bound after
 * the guard that returns when it is NULL. */
static void where_related(sqlb *b, const sch_rel *r)
{
    sqlb_puts(b, "\nWHERE ");
    sqlb_col(b, r->target_col);
    sqlb_puts(b, " = ");
    sqlb_param(b, pb_set(r->owner_col, "r->"));
}

/* The far side of a many-to-many: a join from the owner's association rows
 * (through the index on their owner column, when there is one) to the
 * targets by key.  A target linked twice comes twice; the rows are gathered
 * and each target kept once, in key order, by libassoc, which sorts them
 * in C: a semi-join (IN (SELECT ...)) would build an index of the linked
 * keys on every call, and an ORDER BY run SQLite's sorter, each more work
 * than the whole C sort.  With an order_by the statement orders the rows
 * (by it, then the key), so that a target's repeats are adjacent. */
static void join_secondary(sqlb *b, const sch_rel *r)
{
    select_target(b, r);
    sqlb_puts(b, "\nJOIN ");
    sqlb_ident(b, r->secondary->name);
    sqlb_puts(b, " ON ");
    sqlb_col(b, r->sec_target_col);
    sqlb_puts(b, " = ");
    sqlb_col(b, r->target_col);
    sqlb_puts(b, "\nWHERE ");
    sqlb_col(b, r->sec_owner_col);
    sqlb_puts(b, " = ");
    sqlb_param(b, pb_set(r->owner_col, "r->"));
    if (r->order_by)
        sqlb_order(b, r->target->table, r->order_by, r->order_desc);
}

/* A one-to-many's rows, each with its many-to-one rel2: the collection's
 * statement with the related row left-joined (j), its columns after the
 * child's, in the collection's order.  One statement where a load of the
 * collection, then of rel2 for its rows, would run two. */
static void plan_read_with(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel, *r2 = f->rel2;
    const sch_table *tt = r->target->table, *t2 = r2->target->table;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "SELECT ");
    sqlb_select_list(&b, tt);
    for (size_t i = 0; i < t2->ncolumns; i++) {
        sqlb_puts(&b, ", ");
        sqlb_acol(&b, "j", t2->columns[i]);
    }
    sqlb_puts(&b, "\nFROM ");
    sqlb_ident(&b, tt->name);
    sqlb_puts(&b, "\nLEFT JOIN ");
    sqlb_ident(&b, t2->name);
    sqlb_puts(&b, " j ON ");
    sqlb_acol(&b, "j", r2->target_col);
    sqlb_puts(&b, " = ");
    sqlb_col(&b, r2->owner_col);
    where_related(&b, r);
    sqlb_order(&b, tt, r->order_by, r->order_desc);
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

static void plan_read(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    sqlb b;
    sqlb_init(&b, p);
    if (r->kind == SCH_MANY_TO_MANY) {
        join_secondary(&b, r);
        f->plan->unique = true;
        f->plan->sorted = r->order_by != NULL;
    } else {
        select_target(&b, r);
        where_related(&b, r);
        if (r->kind != SCH_MANY_TO_ONE)
            sqlb_order(&b, r->target->table, r->order_by, r->order_desc);
        if (r->kind == SCH_ONE_TO_ONE)
            sqlb_puts(&b, "\nLIMIT 1");
    }
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

/* one-to-many _add: the child's key is set in C and the child saved with
 * its model's insert or update.  When the foreign key is part of the
 * child's primary key, the row's key changes: the statement moves the row
 * from its old key to the new one first (SQLAlchemy moves it; saving by
 * the new key would insert a second row). */
static void plan_add_child(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    const sch_table *tt = r->target->table;
    if (!r->target_col->primary_key)
        return;
    f->plan->move_key = true;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "UPDATE ");
    sqlb_ident(&b, tt->name);
    sqlb_puts(&b, "\nSET ");
    sqlb_ident(&b, r->target_col->sql_name);
    sqlb_puts(&b, " = ");
    sqlb_param(&b, pb_set(r->owner_col, "r->"));
    /* the old key: the child as the caller gave it */
    sqlb_where_key(&b, tt, PB_FIELD_SET, "prev.");
    f->plan->stmt = sqlb_stmt(&b, f, "move");
    sqlb_free(&b);
}

/* many-to-many _add: an association row, its other columns by their
 * client defaults (an insert of its model would give it those). */
static void plan_link(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    const sch_table *sec = r->secondary;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "INSERT INTO ");
    sqlb_ident(&b, sec->name);
    sqlb_puts(&b, " (");
    sqlb_ident(&b, r->sec_owner_col->sql_name);
    sqlb_puts(&b, ", ");
    sqlb_ident(&b, r->sec_target_col->sql_name);
    for (size_t i = 0; i < sec->ncolumns; i++) {
        const sch_column *col = sec->columns[i];
        if (col != r->sec_owner_col && col != r->sec_target_col && col->def.kind != SCH_DEFAULT_NONE) {
            sqlb_puts(&b, ", ");
            sqlb_ident(&b, col->sql_name);
        }
    }
    sqlb_puts(&b, ")\nVALUES (");
    sqlb_param(&b, pb_set(r->owner_col, "r->"));
    sqlb_puts(&b, ", ");
    sqlb_param(&b, pb_set(r->target_col, "t->"));
    for (size_t i = 0; i < sec->ncolumns; i++) {
        const sch_column *col = sec->columns[i];
        if (col != r->sec_owner_col && col != r->sec_target_col && col->def.kind != SCH_DEFAULT_NONE) {
            sqlb_puts(&b, ", ");
            sqlb_param(&b, (plan_bind){ PB_DEFAULT, col, NULL, NULL });
        }
    }
    sqlb_puts(&b, ")");
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

/* one-to-many _remove: the child leaves the collection.  With
 * delete-orphan it is deleted: by one statement when deleting it touches
 * no other row, else through its model's _delete after a statement checks
 * that it is r's child.  Without, its key is set to NULL. */
static void plan_unlink_child(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    const sch_table *tt = r->target->table;
    plan_fn *pl = f->plan;
    pl->orphan = (r->cascade & SCH_CASCADE_DELETE_ORPHAN) != 0;
    pl->visit = pl->orphan && plan_delete_has_rules(r->target);
    sqlb b;
    sqlb_init(&b, p);
    if (pl->visit) {
        sqlb_puts(&b, "SELECT 1\nFROM ");
        sqlb_ident(&b, tt->name);
    } else if (pl->orphan) {
        sqlb_puts(&b, "DELETE FROM ");
        sqlb_ident(&b, tt->name);
    } else {
        sqlb_puts(&b, "UPDATE ");
        sqlb_ident(&b, tt->name);
        sqlb_puts(&b, "\nSET ");
        sqlb_ident(&b, r->target_col->sql_name);
        sqlb_puts(&b, " = NULL");
    }
    sqlb_where_key(&b, tt, PB_FIELD_SET, "child->");
    sqlb_puts(&b, " AND ");
    sqlb_col(&b, r->target_col);
    sqlb_puts(&b, " = ");
    sqlb_param(&b, pb_set(r->owner_col, "r->"));
    pl->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

/* many-to-many _remove: every association row linking the two. */
static void plan_unlink(planner *p, api_fn *f)
{
    const sch_rel *r = f->rel;
    sqlb b;
    sqlb_init(&b, p);
    sqlb_puts(&b, "DELETE FROM ");
    sqlb_ident(&b, r->secondary->name);
    sqlb_puts(&b, "\nWHERE ");
    sqlb_col(&b, r->sec_owner_col);
    sqlb_puts(&b, " = ");
    sqlb_param(&b, pb_set(r->owner_col, "r->"));
    sqlb_puts(&b, " AND ");
    sqlb_col(&b, r->sec_target_col);
    sqlb_puts(&b, " = ");
    sqlb_param(&b, pb_field(r->target_col, "t->"));
    f->plan->stmt = sqlb_stmt(&b, f, "sql");
    sqlb_free(&b);
}

void plan_rel(planner *p, api_fn *f)
{
    switch (f->kind) {
    case API_REL_GET:
    case API_REL_VIEW:
    case API_REL_LIST:
    case API_REL_EACH:
        plan_read(p, f);
        break;
    case API_REL_EACH_WITH:
        plan_read_with(p, f);
        break;
    case API_REL_ADD:
        if (f->rel->kind == SCH_MANY_TO_MANY)
            plan_link(p, f);
        else
            plan_add_child(p, f);
        break;
    case API_REL_REMOVE:
        if (f->rel->kind == SCH_MANY_TO_MANY)
            plan_unlink(p, f);
        else
            plan_unlink_child(p, f);
        break;
    default:
        break;
    }
}
