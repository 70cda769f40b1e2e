/* migrate.h - the migration stage (SPEC 7, --migrate-from): two resolved
 * schemas in, a plan out.
 *
 * mig_build() matches OLD's tables with NEW's (by name, else by
 * renamed_from) and their columns (by SQL name, else by renamed_from, else
 * by member name: see match_columns()), finds every difference, refuses
 * those that would lose data
 * unless they are allowed, and decides the steps that take a SQLite
 * database made with OLD's DDL, and holding data, to NEW's:
 *
 *   - ALTER TABLE where SQLite can: rename a table or a column, add a
 *     column (not a key, not unique, NOT NULL only with a constant
 *     default), drop one (not a key, not unique, no foreign key);
 *   - SQLite's 12-step rebuild where it cannot (a type, length, json, an
 *     enum's names, key, NOT NULL, UNIQUE, DEFAULT, foreign key or ON
 *     DELETE that changes; a unique(a, b)): the new table under a
 *     temporary name, the rows copied,
 *     the old table dropped, the new one renamed; the tables that refer to
 *     it keep referring to it by name, and their rows to its keys, which
 *     are copied as they are;
 *   - CREATE and DROP for tables and indexes;
 *   - checks that stop the script, before anything changes (the migration
 *     is not the last one applied, the database is at OLD, the values fit
 *     NEW: lengths, NOT NULL, UNIQUE, booleans, an enum's names, JSON) and
 *     after the steps (the
 *     copied values' types; the foreign keys of every table that changed or
 *     refers to one that did), each with a message naming what is wrong;
 *   - all of it in one transaction, with foreign keys off (as the 12 steps
 *     require), recorded in the table assoc_migrations.
 *
 * The same decisions give PostgreSQL's steps too (pg_steps), for a
 * database made by OLD's create_all on PostgreSQL or by SQLAlchemy from the
 * same models, in the connection's current schema: PostgreSQL's own ALTER
 * TABLE for every change (RENAME, ADD/DROP COLUMN, ALTER COLUMN TYPE ...
 * USING, SET/DROP NOT NULL, SET/DROP DEFAULT, ADD/DROP CONSTRAINT, identity
 * columns), never a rebuild; checks raised from DO blocks; all of it in
 * one transaction (PostgreSQL's DDL is transactional), recorded in
 * assoc_migrations.
 *
 * Every step carries its SQL; emit_migrate.c prints the plan as
 * <base>.migrate.sql and <base>.migrate.pg.sql and decides nothing.  All memory belongs to the arena
 * given to mig_build().
 */
#ifndef ASSOCGEN_MIGRATE_H
#define ASSOCGEN_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "schema.h"

typedef enum mig_kind {
    MIG_BEGIN,           /* foreign keys off, the transaction, the record table */
    MIG_CHECK,           /* stop, with a message, where a condition holds */
    MIG_DROP_INDEX,
    MIG_RENAME_TABLE,
    MIG_RENAME_COLUMN,
    MIG_DROP_TABLE,
    MIG_DROP_COLUMN,
    MIG_ADD_COLUMN,
    MIG_REBUILD,         /* new table, copy, drop, rename */
    MIG_CREATE_TABLE,
    MIG_CREATE_INDEX,
    MIG_DROP_CONSTRAINT, /* PostgreSQL: a key, unique, foreign key or enum CHECK that changes or goes */
    MIG_ALTER_COLUMN,    /* PostgreSQL: a column's type, NOT NULL, DEFAULT or identity */
    MIG_ADD_CONSTRAINT,  /* PostgreSQL: a key, unique, foreign key or enum CHECK that is new or changed */
    MIG_COMMIT           /* the migration recorded, the transaction committed */
} mig_kind;

/* The script stops with `message` where `cond` (SQLite's SQL) holds, or,
 * on PostgreSQL, where `pg` does; NULL: no such check on that database. */
typedef struct mig_check {
    const char *message;
    const char *cond;
    const char *pg;
} mig_check;

typedef struct mig_step {
    mig_kind kind;
    const char *comment;       /* what the step does, and why: for the script's reader */
    const char *table;         /* the table it is about (NEW's name), or NULL */
    const char **sql;          /* its statements, each without its ';' */
    size_t nsql;
    mig_check *checks;         /* MIG_CHECK: what its statements test */
    size_t nchecks;
} mig_step;

typedef struct mig_plan {
    const char *old_file;      /* the two model files, as the messages name them */
    const char *new_file;
    const char *id;            /* the migration's key: OLD's DDL hash '-' NEW's */
    bool empty;                /* OLD and NEW make the same tables (as the database sees
                                  them: the same DDL, or one that differs in no step:
                                  column order, an enum's order, a name's case): nothing to do */
    const char **changes;      /* one line per change, for the script's banner */
    size_t nchanges;
    mig_step *steps;           /* SQLite's script, <base>.migrate.sql */
    size_t nsteps;
    mig_step *pg_steps;        /* PostgreSQL's, <base>.migrate.pg.sql: the same changes */
    size_t npg_steps;
} mig_plan;

typedef struct mig_options {
    bool allow_data_loss;      /* drop tables and columns; NOT NULL without a default */
    const char *old_file;      /* shown in messages and the record */
    const char *new_file;
} mig_options;

/* The plan from old to new.  Refusals are errors in d, at the declaration
 * they are about (in OLD's file for what NEW drops); then, or when memory
 * ran out (also reported), NULL. */
mig_plan *mig_build(const sch_schema *old, const sch_schema *new, const mig_options *o, diag_ctx *d, arena *mem);

/* The name of a step's kind, for tests and messages: "rebuild", ... */
const char *mig_kind_name(mig_kind k);

/* The plan as <base>.migrate.sql (pg false: SQLite's steps) or
 * <base>.migrate.pg.sql (pg true: PostgreSQL's), into e->out
 * (emit_migrate.c); false when memory ran out. */
struct emit_ctx;
bool emit_migrate(struct emit_ctx *e, const mig_plan *p, bool pg);

#endif
