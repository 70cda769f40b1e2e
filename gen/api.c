/* api.c - the table of the generated API: see api.h.
 *
 * The order of the rows is the header's: per schema create_all and verify;
 * per model its CRUD functions, look-ups, memory functions, then each
 * relationship's, then each query's; the Groups types' free functions.
 * Names beyond the spec's (the to-one _view loaders) are added last and
 * only where no other name of the schema takes them, so a schema the spec
 * accepts is never refused for a name it did not ask for.
 */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cnames.h"
#include "symtab.h"

typedef struct builder {
    api *a;
    arena *mem;
    size_t fcap, ncap;
    bool nomem;
    symtab taken;            /* every name claimed so far (for the _view rule) */
    symtab calls;            /* default(call f) functions declared so far */
} builder;

static void *grow(builder *b, void *old, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return old;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = arena_alloc(b->mem, ncap * size);
    if (p == NULL) {
        b->nomem = true;
        return NULL;
    }
    if (old)
        memcpy(p, old, n * size);
    *cap = ncap;
    return p;
}

static void name(builder *b, const char *n, const char *what, loc at)
{
    if (n == NULL || what == NULL) {
        b->nomem = true;
        return;
    }
    api_name *names = grow(b, b->a->names, b->a->nnames, &b->ncap, sizeof *names);
    if (names == NULL)
        return;
    b->a->names = names;
    names[b->a->nnames++] = (api_name){ n, what, at };
    bool nomem = false;
    if (symtab_get(&b->taken, n) == NULL)
        symtab_put(&b->taken, n, (void *)n, &nomem);
    b->nomem |= nomem;
}

/* A new function row named prefix + fmt..., claimed as `what` at `at`. */
static api_fn *fn(builder *b, api_kind kind, const char *what, loc at, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static api_fn *fn(builder *b, api_kind kind, const char *what, loc at, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    api_fn *fns = grow(b, b->a->fns, b->a->nfns, &b->fcap, sizeof *fns);
    if (fns == NULL || n < 0 || (size_t)n >= sizeof buf) {
        b->nomem = true;
        return NULL;
    }
    b->a->fns = fns;
    api_fn *f = &fns[b->a->nfns++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->ret = "int";
    f->name = arena_printf(b->mem, "%s%s", b->a->prefix, buf);
    f->params = arena_alloc(b->mem, 16 * sizeof *f->params);
    if (f->name == NULL || f->params == NULL) {
        b->nomem = true;
        return NULL;
    }
    name(b, arena_strdup(b->mem, buf), what, at);
    return f;
}

static void param(builder *b, api_fn *f, const char *type, const char *pname)
{
    if (f == NULL)
        return;
    if (f->nparams == 16) {
        /* Composite keys: room for their columns beyond the first 16. */
        api_param *p = arena_alloc(b->mem, 64 * sizeof *p);
        if (p == NULL) {
            b->nomem = true;
            return;
        }
        memcpy(p, f->params, 16 * sizeof *p);
        f->params = p;
    }
    if (f->nparams == 64) {
        b->nomem = true;
        return;
    }
    f->params[f->nparams++] = (api_param){ type, pname };
}

/* "const shop_User *" and the like. */
static const char *ty(builder *b, const char *fmt, const char *M)
{
    char *s = arena_printf(b->mem, fmt, b->a->prefix, M);
    if (s == NULL)
        b->nomem = true;
    return s;
}

static void db_param(builder *b, api_fn *f)
{
    param(b, f, "assoc_db *", "db");
}

/* ------------------------------------------------------------------ */

/* default(call f): the program defines f, the header declares it, once
 * however many columns call it (the checker has seen that they agree on
 * its type).  Declared before the first insert that calls it. */
static void call_default_fn(builder *b, const sch_model *m, const sch_column *col)
{
    if (col->def.kind != SCH_DEFAULT_CALL || symtab_get(&b->calls, col->def.fn))
        return;
    bool nomem = false;
    symtab_put(&b->calls, col->def.fn, (void *)col, &nomem);
    b->nomem |= nomem;
    const char *owner = col->table->model ? col->table->model->name : col->table->name;
    api_fn *f = fn(b, API_DEFAULT_CALL, arena_printf(b->mem, "default(call %s) of %s.%s", col->def.fn, owner, col->name),
                   col->at, "%s", col->def.fn);
    if (f == NULL)
        return;
    f->name = col->def.fn;       /* the program's name: no prefix */
    const char *t = c_field_type(col);
    db_param(b, f);
    if (col->type == SCH_ENUM)
        param(b, f, ty(b, "%s%s *", t), "out");
    else
        param(b, f, arena_printf(b->mem, "%s%s*", t, t[strlen(t) - 1] == '*' ? "" : " "), "out");
    f->model = m;
    f->col = col;
    f->doc = arena_printf(b->mem,
        "Yours to define, for %s.%s's default(call %s):\n"
        "fill *out for an insert that left %s unset and return ASSOC_OK, or an\n"
        "error code (assoc_fail() records its message), which aborts the insert.%s",
        owner, col->name, col->def.fn, col->name,
        !c_is_pointer(col) ? "" : col->table->model ? "\n*out is assoc_malloc'd and becomes the record's."
                                                    : "\n*out is assoc_malloc'd; the library frees it once the row is in.");
}

static void model_fns(builder *b, const sch_model *m)
{
    const char *M = m->name, *s = m->snake;
    const sch_table *t = m->table;
    const char *who = arena_printf(b->mem, "model %s", M);
    loc at = m->at;
    api_fn *f;

    /* Ownership after insert is mixed only when a string or blob default
     * can be written back next to the caller's own pointers: say exactly
     * what to release, where it applies. */
    bool ptr_default = false;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        ptr_default |= c_is_pointer(col) && (col->def.kind != SCH_DEFAULT_NONE || col->server_def.kind != SCH_DEFAULT_NONE);
    }
    for (size_t i = 0; i < t->ncolumns; i++)
        call_default_fn(b, m, t->columns[i]);
    for (size_t k = 0; k < m->nrels; k++)       /* the association rows _add inserts */
        if (m->rels[k]->kind == SCH_MANY_TO_MANY && m->rels[k]->secondary->model == NULL)
            for (size_t i = 0; i < m->rels[k]->secondary->ncolumns; i++)
                call_default_fn(b, m, m->rels[k]->secondary->columns[i]);
    f = fn(b, API_INSERT, who, at, "%s_insert", s);
    db_param(b, f);
    param(b, f, ty(b, "%s%s *", M), "r");
    if (f) {
        f->model = m;
        if (ptr_default)
            f->doc = arena_printf(b->mem,
                "Insert r.  A row id of 0 is assigned; unset columns take their defaults,\n"
                "which are written back into r.  A string or blob written back for a field\n"
                "left NULL is the library's: release it with assoc_free(), or the whole\n"
                "record with %s%s_free() when none of its strings or blobs are yours.", b->a->prefix, s);
        else
            f->doc = "Insert r.  A row id of 0 is assigned; unset columns take their defaults,\n"
                     "which are written back into r.  Strings and blobs stay the caller's.";
    }

    f = fn(b, API_GET, who, at, "%s_get", s);
    db_param(b, f);
    for (size_t k = 0; k < t->npk; k++) {
        char buf[160];
        param(b, f, c_param_type(t->pk[k]), arena_strdup(b->mem, c_key_param(t->pk[k], buf, sizeof buf)));
    }
    param(b, f, ty(b, "%s%s *", M), "out");
    if (f) {
        f->model = m;
        f->doc = arena_printf(b->mem, "By primary key.  OUT: *out (release with %s%s_free); ASSOC_NOTFOUND when absent.",
                              b->a->prefix, s);
    }

    f = fn(b, API_UPDATE, who, at, "%s_update", s);
    db_param(b, f);
    param(b, f, ty(b, "const %s%s *", M), "r");
    if (f) {
        f->model = m;
        f->doc = "Write every column of the row with r's key; ASSOC_NOTFOUND when absent.";
        strbuf clock = STRBUF_INIT;
        for (size_t i = 0; i < t->ncolumns; i++)
            if (t->columns[i]->onupdate_now)
                strbuf_printf(&clock, "%s%s", clock.len ? ", " : "", t->columns[i]->name);
        if (clock.len)
            f->doc = arena_printf(b->mem, "Write every column of the row with r's key; ASSOC_NOTFOUND when absent.\n"
                                          "%s: the time of the update (onupdate(now)); r is left as it is.",
                                  strbuf_str(&clock));
        if (clock.failed)
            b->nomem = true;
        strbuf_free(&clock);
    }

    f = fn(b, API_DELETE, who, at, "%s_delete", s);
    db_param(b, f);
    param(b, f, ty(b, "const %s%s *", M), "r");
    if (f) {
        f->model = m;
        f->doc = "Delete the row with r's key and apply the relationship rules\n"
                 "(association rows, cascades, orphans), atomically.";
    }

    f = fn(b, API_FIRST, who, at, "%s_first", s);
    db_param(b, f);
    param(b, f, ty(b, "%s%s *", M), "out");
    if (f) {
        f->model = m;
        f->doc = "The row with the lowest key.  OUT: *out; ASSOC_NOTFOUND on an empty table.";
    }

    f = fn(b, API_ALL, who, at, "%s_all", s);
    db_param(b, f);
    param(b, f, ty(b, "%s%sList *", M), "out");
    if (f) {
        f->model = m;
        f->doc = arena_printf(b->mem, "Every row, by key.  OUT: *out (release with %s%s_list_free).", b->a->prefix, s);
    }

    f = fn(b, API_EACH, who, at, "%s_each", s);
    db_param(b, f);
    param(b, f, ty(b, "int (*fn)(const %s%s *, void *)", M), "");
    param(b, f, "void *", "ctx");
    if (f) {
        f->model = m;
        f->doc = "Call fn for every row, by key, without building a list; the record is\n"
                 "valid during the call only.  A non-zero return from fn stops and is returned.";
    }

    f = fn(b, API_COUNT, who, at, "%s_count", s);
    db_param(b, f);
    param(b, f, "int64_t *", "out");
    if (f) {
        f->model = m;
        f->doc = "OUT: *out, the number of rows.";
    }

    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        const char *cw = arena_printf(b->mem, "column %s.%s", M, col->name);
        const char *vt = col->type == SCH_ENUM ? ty(b, "%s%s", c_field_type(col)) : c_param_type(col);
        if (c_has_get_by(col)) {
            f = fn(b, API_GET_BY, cw, col->at, "%s_get_by_%s", s, col->name);
            db_param(b, f);
            param(b, f, vt, "value");
            param(b, f, ty(b, "%s%s *", M), "out");
            if (f) {
                f->model = m;
                f->col = col;
                f->doc = arena_printf(b->mem, "The row whose %s is value.  OUT: *out; ASSOC_NOTFOUND when absent.",
                                      col->name);
            }
        }
        if (c_has_find_by(col)) {
            f = fn(b, API_FIND_BY, cw, col->at, "%s_find_by_%s", s, col->name);
            db_param(b, f);
            param(b, f, vt, "value");
            param(b, f, ty(b, "%s%sList *", M), "out");
            if (f) {
                f->model = m;
                f->col = col;
                f->doc = arena_printf(b->mem, "The rows whose %s is value, by key.  OUT: *out (empty when none).",
                                      col->name);
            }
        }
    }

    f = fn(b, API_FREE, who, at, "%s_free", s);
    param(b, f, ty(b, "%s%s *", M), "r");
    if (f) {
        f->model = m;
        f->ret = "void";
        f->doc = "Release what the library allocated in r (not r itself) and zero it.\n"
                 "NULL is accepted.";
    }
    f = fn(b, API_LIST_FREE, who, at, "%s_list_free", s);
    param(b, f, ty(b, "%s%sList *", M), "l");
    if (f) {
        f->model = m;
        f->ret = "void";
    }
}

static const char *rel_section(builder *b, const sch_model *m, const sch_rel *r)
{
    const char *flags = arena_printf(b->mem, "%s%s", r->is_backref ? " (a backref)" : "",
                                     r->viewonly ? ", view only" : "");
    if (r->kind == SCH_MANY_TO_MANY)
        return arena_printf(b->mem, "%s.%s: %s to %s through %s%s.", m->name, r->name, sch_rel_kind_name(r->kind),
                            r->target->name, r->secondary->name, flags);
    return arena_printf(b->mem, "%s.%s: %s to %s, joined on %s.%s = %s.%s%s.", m->name, r->name,
                        sch_rel_kind_name(r->kind), r->target->name, m->table->name, r->owner_col->name,
                        r->target->table->name, r->target_col->name, flags);
}

static void rel_fns(builder *b, const sch_model *m, const sch_rel *r)
{
    const char *M = m->name, *s = m->snake, *n = r->name, *T = r->target->name;
    const char *rw = arena_printf(b->mem, "relationship %s.%s%s", M, n, r->is_backref ? " (a backref)" : "");
    loc at = r->at;
    api_fn *f;

    if (!c_rel_is_list(r)) {
        f = fn(b, API_REL_GET, rw, at, "%s_%s", s, n);
        db_param(b, f);
        param(b, f, ty(b, "const %s%s *", M), "r");
        param(b, f, ty(b, "%s%s *", T), "out");
        if (f) {
            f->model = m;
            f->rel = r;
            f->section = rel_section(b, m, r);
            f->doc = "OUT: *out; ASSOC_NOTFOUND when there is no related row.";
        }
    } else {
        f = fn(b, API_REL_LIST, rw, at, "%s_%s", s, n);
        db_param(b, f);
        param(b, f, ty(b, "const %s%s *", M), "r");
        param(b, f, ty(b, "%s%sList *", T), "out");
        if (f) {
            f->model = m;
            f->rel = r;
            f->section = rel_section(b, m, r);
            f->doc = r->order_by ? "OUT: *out, the related rows, by order_by." : "OUT: *out, the related rows, by key.";
        }
        f = fn(b, API_REL_EACH, rw, at, "%s_%s_each", s, n);
        db_param(b, f);
        param(b, f, ty(b, "const %s%s *", M), "r");
        param(b, f, ty(b, "int (*fn)(const %s%s *, void *)", T), "");
        param(b, f, "void *", "ctx");
        if (f) {
            f->model = m;
            f->rel = r;
        }
        if (!r->viewonly) {
            f = fn(b, API_REL_ADD, rw, at, "%s_%s_add", s, n);
            db_param(b, f);
            param(b, f, ty(b, "const %s%s *", M), "r");
            if (r->kind == SCH_ONE_TO_MANY)
                param(b, f, ty(b, "%s%s *", T), "child");
            else
                param(b, f, ty(b, "const %s%s *", T), "t");
            if (f) {
                f->model = m;
                f->rel = r;
                if (r->kind == SCH_ONE_TO_MANY && c_is_pointer(r->target_col))
                    f->doc = arena_printf(b->mem,
                        "Set child's %s to r's (in *child too) and save it: insert when its\n"
                        "key is unset, else update.  A new key value is the library's copy\n"
                        "(release it with assoc_free); the value it replaces is not freed.", r->target_col->name);
                else if (r->kind == SCH_ONE_TO_MANY)
                    f->doc = arena_printf(b->mem,
                        "Set child's %s to r's (in *child too) and save it: insert when its\n"
                        "key is unset, else update.", r->target_col->name);
                else
                    f->doc = arena_printf(b->mem, "Link t to r: insert a row into %s, its other columns by their defaults.",
                                          r->secondary->name);
            }
            f = fn(b, API_REL_REMOVE, rw, at, "%s_%s_remove", s, n);
            db_param(b, f);
            param(b, f, ty(b, "const %s%s *", M), "r");
            param(b, f, ty(b, "const %s%s *", T), r->kind == SCH_ONE_TO_MANY ? "child" : "t");
            if (f) {
                f->model = m;
                f->rel = r;
                if (r->kind == SCH_ONE_TO_MANY)
                    f->doc = arena_printf(b->mem, "Take child out of the collection: %s.  ASSOC_NOTFOUND if it is not r's.",
                                          (r->cascade & SCH_CASCADE_DELETE_ORPHAN) ? "delete it (delete-orphan)"
                                                                                   : "set its key to NULL");
                else
                    f->doc = arena_printf(b->mem, "Delete every %s row linking r and t.  ASSOC_NOTFOUND if none.",
                                          r->secondary->name);
            }
        }
    }
}

/* The batched loads of a relationship (SPEC 6), every kind: _load into the
 * target's Groups, _load_each streaming; and _count of a collection. */
static void load_fns(builder *b, const sch_model *m, const sch_rel *r)
{
    const char *M = m->name, *s = m->snake, *n = r->name, *T = r->target->name;
    const char *rw = arena_printf(b->mem, "relationship %s.%s%s", M, n, r->is_backref ? " (a backref)" : "");
    /* the source's static that runs one chunk for both (plan_load's chunk_fn) */
    name(b, arena_printf(b->mem, "%s_%s__chunk", s, n), rw, r->at);
    api_fn *f = fn(b, API_REL_LOAD, rw, r->at, "%s_%s_load", s, n);
    db_param(b, f);
    param(b, f, ty(b, "const %s%s *", M), "parents");
    param(b, f, "size_t", "n");
    param(b, f, ty(b, "%s%sGroups *", T), "out");
    if (f) {
        f->model = m;
        f->rel = r;
        f->doc = arena_printf(b->mem,
            "%s.%s of every parent at once (parents may repeat; n may be 0), a constant\n"
            "number of statements per chunk of %d parents.  OUT: *out: each related row\n"
            "once, by key, and each parent's rows in the relationship's order (release\n"
            "with %s%s_groups_free).", M, n, API_LOAD_CHUNK, b->a->prefix, r->target->snake);
    }
    f = fn(b, API_REL_LOAD_EACH, rw, r->at, "%s_%s_load_each", s, n);
    db_param(b, f);
    param(b, f, ty(b, "const %s%s *", M), "parents");
    param(b, f, "size_t", "n");
    param(b, f, ty(b, "int (*fn)(size_t parent, const %s%s *, void *)", T), "");
    param(b, f, "void *", "ctx");
    if (f) {
        f->model = m;
        f->rel = r;
        f->doc = "The same, streamed: fn(parent index, row, ctx) once per parent and related\n"
                 "row, a repeated parent once per occurrence; the row is valid during the\n"
                 "call only.  A non-zero return from fn stops and is returned.  fn may use\n"
                 "db; past one chunk it runs in the load's transaction, and what it wrote\n"
                 "is undone if the load fails after it.";
    }
    if (c_rel_is_list(r)) {
        f = fn(b, API_REL_COUNT, rw, r->at, "%s_%s_count", s, n);
        db_param(b, f);
        param(b, f, ty(b, "const %s%s *", M), "r");
        param(b, f, "int64_t *", "out");
        if (f) {
            f->model = m;
            f->rel = r;
            f->doc = "OUT: *out, the size of r's collection, without loading it.";
        }
    }
}

/* The functions of a declared query (SPEC 6).  Its arguments struct, when
 * it has parameters, is <Model><Q>Args. */
static void query_fns(builder *b, const sch_model *m, const sch_query *q)
{
    const char *M = m->name, *s = m->snake, *n = q->name;
    const char *qw = arena_printf(b->mem, "query %s.%s", M, n);
    const char *args = q->nparams ? ty(b, "const %s%s", M) : NULL;
    if (args)
        args = arena_printf(b->mem, "%s%sArgs *", args, q->camel);
    if (q->nparams)
        name(b, arena_printf(b->mem, "%s%sArgs", M, q->camel), qw, q->at);
    static const struct { api_kind kind; const char *suffix; } kinds[] = {
        { API_Q_LIST, "" }, { API_Q_EACH, "_each" }, { API_Q_FIRST, "_first" }, { API_Q_COUNT, "_count" },
        { API_Q_EXISTS, "_exists" }, { API_Q_DELETE, "_delete" }, { API_Q_PAGE, "_page" },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (kinds[k].kind == API_Q_PAGE && !q->paginate)
            continue;
        api_fn *f = fn(b, kinds[k].kind, qw, q->at, "%s_%s%s", s, n, kinds[k].suffix);
        db_param(b, f);
        if (args)
            param(b, f, args, "args");
        switch (kinds[k].kind) {
        case API_Q_LIST:
            param(b, f, ty(b, "%s%sList *", M), "out");
            break;
        case API_Q_EACH:
            param(b, f, ty(b, "int (*fn)(const %s%s *, void *)", M), "");
            param(b, f, "void *", "ctx");
            break;
        case API_Q_FIRST:
            param(b, f, ty(b, "%s%s *", M), "out");
            break;
        case API_Q_COUNT:
            param(b, f, "int64_t *", "out");
            break;
        case API_Q_EXISTS:
            param(b, f, "bool *", "out");
            break;
        case API_Q_DELETE:
            param(b, f, "int64_t *", "deleted");
            break;
        default:
            param(b, f, ty(b, "const %s%s *", M), "after");
            param(b, f, "int64_t", "limit");
            param(b, f, ty(b, "%s%sList *", M), "out");
            break;
        }
        if (f == NULL)
            continue;
        f->model = m;
        f->query = q;
        switch (kinds[k].kind) {
        case API_Q_LIST:
            f->section = arena_printf(b->mem, "%s.%s: a declared query.", M, n);
            f->doc = arena_printf(b->mem, "The rows that match, in the query's order, after its offset, at most its\n"
                                          "limit.  OUT: *out (release with %s%s_list_free).", b->a->prefix, s);
            break;
        case API_Q_EACH:
            f->doc = "The same rows streamed to fn, valid during the call only; a non-zero\n"
                     "return from fn stops and is returned.";
            break;
        case API_Q_FIRST:
            f->doc = "The first of those rows.  OUT: *out; ASSOC_NOTFOUND when none.";
            break;
        case API_Q_COUNT:
            f->doc = "OUT: *out, how many rows match, whatever the order, limit and offset.";
            break;
        case API_Q_EXISTS:
            f->doc = "OUT: *out, whether any row matches.";
            break;
        case API_Q_DELETE:
            f->doc = arena_printf(b->mem, "Delete exactly the rows %s%s_%s returns, with the relationship rules\n"
                                          "of each, atomically.  OUT: *deleted, the rows of %s that went.",
                                  b->a->prefix, s, n, M);
            break;
        default:
            f->doc = "The next at most limit rows after the row `after` in the query's order\n"
                     "(after NULL: the first page), by keyset: no row is missed or repeated\n"
                     "when rows come and go between calls.  The query's limit and offset do\n"
                     "not apply.  OUT: *out; limit < 1 is ASSOC_MISUSE.";
            break;
        }
    }
}

const char *const api_model_fns[] = {
    "insert", "insert_many", "get", "update", "delete", "first", "all", "each", "count", "free", "list_free",
    "groups_free", NULL,
};
/* The row readers (emit_src_rows.c) and the row type's tables. */
const char *const api_model_statics[] = {
    "read", "view", "rest", "release", "type", "columns", "cmp", "texts", "blobs", NULL,
};
const char *const api_rel_fns[] = {
    "", "_each", "_add", "_remove", "_view", "_load", "_load_each", "_count", "__chunk", NULL,
};

/* The names of a model's types; then (model_macros) its macros and the
 * generated source's own statics for it. */
static void model_names(builder *b, const sch_model *m)
{
    const char *who = arena_printf(b->mem, "model %s", m->name);
    name(b, arena_strdup(b->mem, m->name), who, m->at);
    name(b, arena_printf(b->mem, "%sList", m->name), who, m->at);
    /* enum(...) columns: their C type and constants */
    for (size_t i = 0; i < m->table->ncolumns; i++) {
        const sch_column *col = m->table->columns[i];
        if (col->type != SCH_ENUM)
            continue;
        const char *cw = arena_printf(b->mem, "column %s.%s (an enum)", m->name, col->name);
        name(b, arena_strdup(b->mem, col->enumv->type), cw, col->at);
        for (size_t k = 0; k < col->enumv->nvalues; k++) {
            char buf[300];
            name(b, arena_strdup(b->mem, c_enum_const(buf, sizeof buf, "", col, k)), cw, col->at);
        }
    }
}

static void model_macros(builder *b, const sch_model *m)
{
    const char *who = arena_printf(b->mem, "model %s", m->name);
    char up[512];
    c_upper(up, sizeof up, m->snake);
    name(b, arena_printf(b->mem, "%s_INIT", up), who, m->at);
    name(b, arena_printf(b->mem, "%sGroups", m->name), who, m->at);
    name(b, arena_printf(b->mem, "%s_GROUPS_INIT", up), who, m->at);
    name(b, arena_printf(b->mem, "%s_LIST_INIT", up), who, m->at);
    for (size_t k = 0; api_model_statics[k] != NULL; k++)
        name(b, arena_printf(b->mem, "%s__%s", m->snake, api_model_statics[k]), who, m->at);
    for (size_t i = 0; i < m->table->ncolumns; i++)
        if (m->table->columns[i]->type == SCH_ENUM) {
            name(b, arena_printf(b->mem, "%s__enum_%s", m->snake, m->table->columns[i]->c_name), who, m->at);
            name(b, arena_printf(b->mem, "%s__enum_%s_names", m->snake, m->table->columns[i]->c_name), who, m->at);
        }
}

/* The to-one borrowing loader <m>_<rel>_view, only where its name is free:
 * a model UserProfile beside a relationship User.profile is common, and a
 * name like that must not make a schema the spec accepts fail. */
static void view_fns(builder *b, const sch_model *m, const sch_rel *r)
{
    const char *M = m->name, *T = r->target->name;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s_%s_view", m->snake, r->name);
    if (symtab_get(&b->taken, buf) != NULL)
        return;
    api_fn *f = fn(b, API_REL_VIEW, arena_printf(b->mem, "relationship %s.%s", M, r->name), r->at, "%s", buf);
    db_param(b, f);
    param(b, f, ty(b, "const %s%s *", M), "r");
    param(b, f, ty(b, "int (*fn)(const %s%s *, void *)", T), "");
    param(b, f, "void *", "ctx");
    if (f) {
        f->model = m;
        f->rel = r;
        f->doc = "The related row, if any, lent to fn without copying (valid during\n"
                 "the call only): fn runs once, or not at all and ASSOC_OK is returned;\n"
                 "a non-zero return from fn is returned.";
    }
}

/* <m>_<rel>_with_<rel2>_each, a name beyond the spec's, only where it is
 * free: a one-to-many collection streamed with each child's many-to-one
 * rel2 in the same statement (a join), as SQLAlchemy's joinedload of rel2
 * along rel; rel2 back to the owner by rel's own key is left out. */
static void with_fns(builder *b, const sch_model *m, const sch_rel *r)
{
    char buf[1024];
    if (r->kind != SCH_ONE_TO_MANY || !c_rel_is_list(r))
        return;
    const sch_model *t = r->target;
    for (size_t k = 0; k < t->nrels; k++) {
        const sch_rel *r2 = t->rels[k];
        if (r2->kind != SCH_MANY_TO_ONE || r2->owner_col == r->target_col)
            continue;
        snprintf(buf, sizeof buf, "%s_%s_with_%s_each", m->snake, r->name, r2->name);
        if (symtab_get(&b->taken, buf) != NULL)
            continue;
        api_fn *f = fn(b, API_REL_EACH_WITH, arena_printf(b->mem, "relationship %s.%s", m->name, r->name), r->at,
                       "%s", buf);
        db_param(b, f);
        param(b, f, ty(b, "const %s%s *", m->name), "r");
        param(b, f, arena_printf(b->mem, "int (*fn)(const %s%s *, const %s%s *, void *)", b->a->prefix, t->name,
                                 b->a->prefix, r2->target->name), "");
        param(b, f, "void *", "ctx");
        if (f) {
            f->model = m;
            f->rel = r;
            f->rel2 = r2;
            f->doc = arena_printf(b->mem,
                "As %s%s_%s_each, each %s lent to fn with its %s, read by the same\n"
                "statement (NULL when it has none); both valid during the call only.",
                b->a->prefix, m->snake, r->name, t->name, r2->name);
        }
    }
}

/* <m>_insert_many, a name beyond the spec's: only where it is free, and
 * for models whose inserts make nothing the library must own (no string
 * or blob default, default(uuid) or default(call) of one) and write no
 * post_update key, so that a failed call leaves the caller's records as
 * they were with nothing to release. */
static void many_fns(builder *b, const sch_model *m)
{
    const sch_table *t = m->table;
    char buf[1024];
    if (t->ncolumns == (t->rowid != NULL ? 1u : 0u))
        return; /* nothing but the row id: no row to write many of */
    for (size_t i = 0; i < t->ncolumns; i++) {
        const sch_column *col = t->columns[i];
        if (col->post_update ||
            (c_is_pointer(col) && (col->def.kind != SCH_DEFAULT_NONE || col->server_def.kind != SCH_DEFAULT_NONE)))
            return;
    }
    snprintf(buf, sizeof buf, "%s_insert_many", m->snake);
    if (symtab_get(&b->taken, buf) != NULL)
        return;
    api_fn *f = fn(b, API_INSERT_MANY, arena_printf(b->mem, "model %s", m->name), m->at, "%s", buf);
    db_param(b, f);
    param(b, f, ty(b, "%s%s *", m->name), "rows");
    param(b, f, "size_t", "n");
    if (f) {
        f->model = m;
        f->doc = arena_printf(b->mem,
            "Insert rows[0..n) as %s%s_insert would, in order, %d rows to a statement,\n"
            "atomically.  A row id of 0 is assigned; unset columns take their\n"
            "defaults; both are written back into rows once every row is in, and\n"
            "rows are left as they were on failure.  n == 0 does nothing.",
            b->a->prefix, m->snake, API_INSERT_ROWS);
    }
}

api *api_build(const sch_schema *s, const char *prefix, arena *mem)
{
    builder b = { .mem = mem };
    api *a = arena_alloc(mem, sizeof *a);
    if (a == NULL)
        return NULL;
    b.a = a;
    a->s = s;
    a->prefix = prefix;
    a->cbase = s->base;

    api_fn *f = fn(&b, API_CREATE_ALL, "the schema", (loc){ 0 }, "%s_create_all", s->base);
    db_param(&b, f);
    if (f)
        f->doc = "Create every table and index of the schema that does not exist.  The\n"
                 "tables that exist already must be the schema's (as _verify checks them):\n"
                 "else ASSOC_SCHEMA, and nothing is created.";
    f = fn(&b, API_VERIFY, "the schema", (loc){ 0 }, "%s_verify", s->base);
    db_param(&b, f);
    if (f)
        f->doc = "ASSOC_OK when every table of the schema exists with its columns (name,\n"
                 "affinity of the type, primary key, not null, unique) and foreign keys (with\n"
                 "their ON DELETE); else ASSOC_SCHEMA, and assoc_errmsg() names the first\n"
                 "difference and how to migrate.  Other tables, columns, indexes and CHECKs\n"
                 "are allowed.";
    /* The source's description of the tables, which both compare with. */
    static const char *const spec_statics[] = { "schema", "schema_tables", "schema_columns", "schema_uniques" };
    for (size_t k = 0; k < sizeof spec_statics / sizeof spec_statics[0]; k++)
        name(&b, arena_printf(mem, "%s__%s", s->base, spec_statics[k]), "the schema", (loc){ 0 });

    for (size_t i = 0; i < s->nmodels && !b.nomem; i++)
        model_names(&b, s->models[i]);
    for (size_t i = 0; i < s->nmodels && !b.nomem; i++) {
        const sch_model *m = s->models[i];
        model_fns(&b, m);
        for (size_t k = 0; k < m->nrels; k++) {
            rel_fns(&b, m, m->rels[k]);
            load_fns(&b, m, m->rels[k]);
        }
        for (size_t k = 0; k < m->nqueries; k++)
            query_fns(&b, m, m->queries[k]);
    }
    /* The Groups types' free functions, one per model some relationship
     * leads to. */
    for (size_t i = 0; i < s->nmodels && !b.nomem; i++) {
        const sch_model *t = s->models[i];
        bool target = false;
        for (size_t j = 0; j < s->nmodels && !target; j++)
            for (size_t k = 0; k < s->models[j]->nrels; k++)
                target |= s->models[j]->rels[k]->target == t;
        if (!target)
            continue;
        f = fn(&b, API_GROUPS_FREE, arena_printf(mem, "model %s", t->name), t->at, "%s_groups_free", t->snake);
        param(&b, f, arena_printf(mem, "%s%sGroups *", prefix, t->name), "g");
        if (f) {
            f->model = t;
            f->ret = "void";
            f->section = arena_printf(mem, "%sGroups: the rows of a relationship for many parents.", t->name);
            f->doc = "Release the rows and the arrays (not g itself) and zero it; NULL accepted.";
        }
    }
    for (size_t i = 0; i < s->nmodels && !b.nomem; i++)
        model_macros(&b, s->models[i]);
    /* Where the header declares them: after each model's own functions.
     * The rows are appended, then moved into place below. */
    size_t before = a->nfns;
    for (size_t i = 0; i < s->nmodels && !b.nomem; i++) {
        const sch_model *m = s->models[i];
        for (size_t k = 0; k < m->nrels; k++)
            if (!c_rel_is_list(m->rels[k]))
                view_fns(&b, m, m->rels[k]);
    }
    for (size_t i = 0; i < s->nmodels && !b.nomem; i++)
        many_fns(&b, s->models[i]);
    for (size_t i = 0; i < s->nmodels && !b.nomem; i++)
        for (size_t k = 0; k < s->models[i]->nrels; k++)
            with_fns(&b, s->models[i], s->models[i]->rels[k]);
    /* Each _view row goes right after its relationship's _get row, each
     * _with_<rel2>_each after its relationship's _each, each _insert_many
     * after its model's _insert. */
    for (size_t v = before; v < a->nfns && !b.nomem; v++) {
        api_fn view = a->fns[v];
        size_t at = 0;
        while (at < v && !(view.kind == API_REL_VIEW        ? a->fns[at].kind == API_REL_GET && a->fns[at].rel == view.rel
                           : view.kind == API_REL_EACH_WITH ? a->fns[at].kind == API_REL_EACH && a->fns[at].rel == view.rel
                                                            : a->fns[at].kind == API_INSERT && a->fns[at].model == view.model))
            at++;
        if (at == v)
            continue;
        memmove(&a->fns[at + 2], &a->fns[at + 1], (v - at - 1) * sizeof *a->fns);
        a->fns[at + 1] = view;
    }
    symtab_free(&b.taken);
    symtab_free(&b.calls);
    return b.nomem ? NULL : a;
}

void api_signature(strbuf *sb, const api_fn *f)
{
    strbuf_printf(sb, "%s %s(", f->ret, f->name);
    for (size_t i = 0; i < f->nparams; i++) {
        const char *t = f->params[i].type;
        if (i)
            strbuf_puts(sb, ", ");
        if (f->params[i].name[0] == '\0')
            strbuf_puts(sb, t);     /* a function pointer: its name is in the type */
        else
            strbuf_printf(sb, "%s%s%s", t, t[strlen(t) - 1] == '*' ? "" : " ", f->params[i].name);
    }
    strbuf_putc(sb, ')');
}

const api_fn *api_find(const api *a, api_kind kind, const sch_model *m, const sch_rel *r)
{
    for (size_t i = 0; i < a->nfns; i++)
        if (a->fns[i].kind == kind && a->fns[i].model == m && (r == NULL || a->fns[i].rel == r))
            return &a->fns[i];
    return NULL;
}
