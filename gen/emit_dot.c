/* emit_dot.c - an entity-relationship diagram of the schema for Graphviz.
 *
 * Render it with `dot -Tsvg models.dot -o models.svg`.  What is drawn:
 *
 *   - a box per table (models and plain tables alike): a header with the
 *     model's name and its table (blue), or the plain table's name (grey);
 *     a row per column with its key markers (PK primary key, FK foreign
 *     key, UQ unique, IX indexed, NN not null), its name and its type; and
 *     a footer row per table constraint, unique(a, b) or index(a, b);
 *   - a dashed grey edge per foreign key, from the column to the column it
 *     references, labelled with its ON DELETE action when it has one;
 *   - a solid edge per relationship, between the two tables, labelled with
 *     Model.name and its kind (many-to-one, one-to-many, one-to-one,
 *     many-to-many through X) and, where it changes what a delete does, its
 *     cascade (delete, delete-orphan); viewonly ones are dotted.  The ends
 *     use crow's-foot notation: a crow's foot on the many side, a bar on the
 *     one side.
 *
 * A relationship and its reverse (a backref or back_populates pair) are one
 * edge with both names on it; so are two relationships declared separately
 * that are each other's mirror (User.products and Product.users through
 * the same association table).  Edges over a foreign key run from the table
 * holding it to the table it references, as the foreign key edges do, so
 * the layout puts referenced tables to the right.
 *
 * The output depends on the schema only (declaration order throughout), so
 * it is stable for golden files.
 */
#include <string.h>

#include "emit.h"

/* ---------------------------------------------------------------------- */
/* Escaping.  The checker allows only identifiers as names, but a table may
 * be named by a string, so escape anyway: nothing in a name can break the
 * file. */

/* Text inside an HTML-like label. */
static void html(strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_puts(sb, "&amp;"); break;
        case '<': strbuf_puts(sb, "&lt;"); break;
        case '>': strbuf_puts(sb, "&gt;"); break;
        case '"': strbuf_puts(sb, "&quot;"); break;
        default: strbuf_putc(sb, *s); break;
        }
    }
}

/* A double-quoted DOT string (node IDs, ports, plain labels), quotes included. */
static void quoted(strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_putc(sb, '\\');
        if (*s == '\n') {
            strbuf_puts(sb, "\\n");
            continue;
        }
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

/* ---------------------------------------------------------------------- */
/* Nodes */

/* Column rows carry two ports: "<col>.w" on the first cell and "<col>.e" on
 * the last, so an edge leaves a row from its right end and enters one at its
 * left end instead of crossing it.  No column name holds a '.', so these
 * never clash. */
static void port(strbuf *sb, const sch_column *c, const char *side)
{
    strbuf_putc(sb, '"');
    for (const char *s = c->name; *s; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_putc(sb, '\\');
        strbuf_putc(sb, *s);
    }
    strbuf_printf(sb, ".%s\"", side);
}

static void html_port(strbuf *sb, const sch_column *c, const char *side)
{
    strbuf_puts(sb, "port=\"");
    html(sb, c->name);
    strbuf_printf(sb, ".%s\"", side);
}

static void column_markers(strbuf *sb, const sch_column *c)
{
    const char *sep = "";
    if (c->primary_key)
        strbuf_puts(sb, "PK"), sep = " ";
    if (c->fk)
        strbuf_printf(sb, "%sFK", sep), sep = " ";
    if (c->unique)
        strbuf_printf(sb, "%sUQ", sep), sep = " ";
    if (c->index_flag)
        strbuf_printf(sb, "%sIX", sep), sep = " ";
    if (c->not_null && !c->primary_key)
        strbuf_printf(sb, "%sNN", sep);
}

static void column_type(strbuf *sb, const sch_column *c)
{
    strbuf_puts(sb, c->json ? "json" : sch_type_name(c->type));
    if (c->type == SCH_STRING && c->length > 0)
        strbuf_printf(sb, "(%d)", c->length);
    if (c->type == SCH_ENUM) {
        strbuf_putc(sb, '(');
        for (size_t k = 0; k < c->enumv->nvalues; k++) {
            if (k)
                strbuf_puts(sb, ", ");
            html(sb, c->enumv->values[k]);
        }
        strbuf_putc(sb, ')');
    }
}

static void table_node(emit_ctx *e, const sch_table *t)
{
    strbuf *sb = &e->out;
    strbuf_puts(sb, "    ");
    quoted(sb, t->name);
    strbuf_puts(sb, " [label=<\n"
                    "        <table border=\"1\" color=\"#636363\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"3\">\n");
    if (t->model) {
        strbuf_puts(sb, "        <tr><td colspan=\"3\" bgcolor=\"#c6dbef\"><b>");
        html(sb, t->model->name);
        strbuf_puts(sb, "</b> <font point-size=\"9\">(");
        html(sb, t->name);
        strbuf_puts(sb, ")</font></td></tr>\n");
    } else {
        strbuf_puts(sb, "        <tr><td colspan=\"3\" bgcolor=\"#d9d9d9\"><b>");
        html(sb, t->name);
        strbuf_puts(sb, "</b> <font point-size=\"9\">(table)</font></td></tr>\n");
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        const sch_column *c = t->columns[k];
        strbuf_puts(sb, "        <tr><td align=\"left\" ");
        html_port(sb, c, "w");
        strbuf_putc(sb, '>');
        /* Graphviz rejects an empty <font></font>. */
        strbuf marks = STRBUF_INIT;
        column_markers(&marks, c);
        if (marks.failed)
            sb->failed = true;
        if (marks.len)
            strbuf_printf(sb, "<font point-size=\"8\" color=\"#555555\">%s</font>", strbuf_str(&marks));
        strbuf_free(&marks);
        strbuf_puts(sb, "</td><td align=\"left\">");
        if (c->primary_key)
            strbuf_puts(sb, "<u>");
        html(sb, c->name);
        if (c->primary_key)
            strbuf_puts(sb, "</u>");
        if (strcmp(c->sql_name, c->name) != 0) {
            /* column("..."): the name the database knows it by */
            strbuf_puts(sb, " <font point-size=\"8\" color=\"#555555\">&quot;");
            html(sb, c->sql_name);
            strbuf_puts(sb, "&quot;</font>");
        }
        strbuf_puts(sb, "</td><td align=\"left\" ");
        html_port(sb, c, "e");
        strbuf_puts(sb, "><i>");
        column_type(sb, c);
        strbuf_puts(sb, "</i></td></tr>\n");
    }
    for (size_t k = 0; k < t->nconstraints; k++) {
        const sch_constraint *con = &t->constraints[k];
        strbuf_printf(sb, "        <tr><td colspan=\"3\" align=\"left\"><font point-size=\"8\" color=\"#555555\">%s (",
                      con->unique ? "unique" : "index");
        for (size_t j = 0; j < con->ncolumns; j++) {
            if (j)
                strbuf_puts(sb, ", ");
            html(sb, con->columns[j]->name);
        }
        strbuf_puts(sb, ")</font></td></tr>\n");
    }
    strbuf_puts(sb, "        </table>>];\n");
}

/* ---------------------------------------------------------------------- */
/* Edges */

static void fk_edge(emit_ctx *e, const sch_column *c)
{
    strbuf *sb = &e->out;
    strbuf_puts(sb, "    ");
    quoted(sb, c->table->name);
    strbuf_putc(sb, ':');
    port(sb, c, "e");
    strbuf_puts(sb, ":e -> ");
    quoted(sb, c->fk->table->name);
    strbuf_putc(sb, ':');
    port(sb, c->fk, "w");
    strbuf_puts(sb, ":w [style=dashed, color=\"#888888\", arrowhead=empty, arrowsize=0.6");
    const char *act = sch_fk_action_sql(c->ondelete);
    if (act)
        strbuf_printf(sb, ", label=\"ON DELETE %s\", fontcolor=\"#666666\", fontsize=7", act);
    strbuf_puts(sb, "];\n");
}

/* True when a and b describe the same link from its two ends without being
 * declared a pair: the same foreign key, or the same association table
 * with its two columns swapped. */
static bool mirrors(const sch_rel *a, const sch_rel *b)
{
    if (a == b || a->reverse || b->reverse || a->owner != b->target || a->target != b->owner)
        return false;
    if (a->kind == SCH_MANY_TO_MANY || b->kind == SCH_MANY_TO_MANY)
        return a->kind == b->kind && a->secondary == b->secondary &&
               a->sec_owner_col == b->sec_target_col && a->sec_target_col == b->sec_owner_col;
    const sch_rel *m2o = a->kind == SCH_MANY_TO_ONE ? a : b;
    const sch_rel *o2m = a->kind == SCH_MANY_TO_ONE ? b : a;
    return m2o->kind == SCH_MANY_TO_ONE && o2m->kind != SCH_MANY_TO_ONE &&
           m2o->owner_col == o2m->target_col && m2o->target_col == o2m->owner_col;
}

/* The relationship drawn on the same edge as r, or NULL. */
static const sch_rel *partner(const sch_schema *s, const sch_rel *r)
{
    if (r->reverse)
        return r->reverse;
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t k = 0; k < s->models[i]->nrels; k++)
            if (mirrors(r, s->models[i]->rels[k]))
                return s->models[i]->rels[k];
    return NULL;
}

/* Position of a relationship in the schema's declaration order. */
static size_t rel_order(const sch_schema *s, const sch_rel *r)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t k = 0; k < s->models[i]->nrels; k++, n++)
            if (s->models[i]->rels[k] == r)
                return n;
    return n;
}

/* One line of an edge label: "Order.user: many-to-one", "User.orders:
 * one-to-many; cascade delete, delete-orphan". */
static void rel_line(strbuf *sb, const sch_rel *r)
{
    strbuf_printf(sb, "%s.%s: %s", r->owner->name, r->name, sch_rel_kind_name(r->kind));
    if (r->secondary)
        strbuf_printf(sb, " through %s", r->secondary->name);
    bool del = r->cascade & SCH_CASCADE_DELETE, orphan = r->cascade & SCH_CASCADE_DELETE_ORPHAN;
    if (del || orphan)
        strbuf_printf(sb, "; cascade %s%s%s", del ? "delete" : "", del && orphan ? ", " : "",
                      orphan ? "delete-orphan" : "");
    if (r->viewonly)
        strbuf_puts(sb, "; viewonly");
}

static void rel_edge(emit_ctx *e, const sch_rel *r, const sch_rel *p)
{
    strbuf *sb = &e->out;
    /* tail -> head: the table holding the foreign key to the table it
     * references; for a many-to-many, the declared side's owner to its
     * target.  `first` is the relationship whose owner is the tail. */
    const sch_rel *first = r, *second = p;
    const char *tail_arrow, *head_arrow;
    if (r->kind == SCH_MANY_TO_MANY) {
        tail_arrow = head_arrow = "crow";
    } else {
        if (r->kind != SCH_MANY_TO_ONE && p) {
            first = p;
            second = r;
        }
        /* first is the many-to-one (or r alone, a one-to-many or one-to-one
         * drawn from its target, which holds the key). */
        const sch_rel *o2m = first->kind == SCH_MANY_TO_ONE ? second : first;
        bool one_to_one = o2m && o2m->kind == SCH_ONE_TO_ONE;
        tail_arrow = one_to_one ? "teeodot" : "crow";
        head_arrow = "tee";
    }
    const sch_model *tail = first->kind == SCH_MANY_TO_ONE || first->kind == SCH_MANY_TO_MANY
                                ? first->owner : first->target;
    const sch_model *head = tail == first->owner ? first->target : first->owner;

    strbuf label = STRBUF_INIT;
    rel_line(&label, first);
    if (second) {
        strbuf_putc(&label, '\n');
        rel_line(&label, second);
    }
    bool viewonly = first->viewonly && (!second || second->viewonly);
    const char *color = first->kind == SCH_MANY_TO_MANY ? "#238b45" : "#2171b5";

    strbuf_puts(sb, "    ");
    quoted(sb, tail->table->name);
    strbuf_puts(sb, " -> ");
    quoted(sb, head->table->name);
    strbuf_printf(sb, " [dir=both, arrowtail=%s, arrowhead=%s, color=\"%s\", fontcolor=\"%s\"%s",
                  tail_arrow, head_arrow, color, color, viewonly ? ", style=dotted" : "");
    /* A many-to-many edge takes part in the ranking like any other: on the
     * same rank (constraint=false, minlen=0) dot leaves its label out of the
     * drawing's bounds and crops it. */
    strbuf_puts(sb, ", label=");
    if (label.failed)
        sb->failed = true;
    quoted(sb, strbuf_str(&label));
    strbuf_puts(sb, "];\n");
    strbuf_free(&label);
}

bool emit_dot(emit_ctx *e)
{
    const sch_schema *s = e->s;
    strbuf *sb = &e->out;
    emit_line(e, "// Generated by assocgen from %s. DO NOT EDIT.", e->source_name);
    emit_line(e, "// An entity-relationship diagram: dot -Tsvg %s.dot -o %s.svg", e->base, e->base);
    strbuf_puts(sb, "digraph ");
    quoted(sb, s->base);
    strbuf_puts(sb, " {\n");
    strbuf_puts(sb, "    graph [rankdir=LR, nodesep=0.4, ranksep=1.1, fontname=\"Helvetica\", labelloc=t, labeljust=l,\n"
                    "           label=<<b>");
    html(sb, s->base);
    strbuf_puts(sb, "</b> <font point-size=\"9\">from ");
    html(sb, e->source_name);
    strbuf_puts(sb, "</font><br align=\"left\"/>"
                    "<font point-size=\"8\">columns: PK primary key, FK foreign key, UQ unique, IX indexed, NN not null."
                    "<br align=\"left\"/>"
                    "edges: dashed grey = foreign key; solid = relationship (crow's foot = many, bar = one),"
                    " dotted = viewonly.</font><br align=\"left\"/>>];\n");
    emit_line(e, "    node [shape=plain, fontname=\"Helvetica\", fontsize=10];");
    emit_line(e, "    edge [fontname=\"Helvetica\", fontsize=8];");
    emit_line(e, "%s", "");

    for (size_t i = 0; i < s->ntables; i++)
        table_node(e, s->tables[i]);
    emit_line(e, "%s", "");

    emit_line(e, "    // foreign keys");
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t k = 0; k < s->tables[i]->ncolumns; k++)
            if (s->tables[i]->columns[k]->fk)
                fk_edge(e, s->tables[i]->columns[k]);
    emit_line(e, "%s", "");

    emit_line(e, "    // relationships");
    for (size_t i = 0; i < s->nmodels; i++) {
        const sch_model *m = s->models[i];
        for (size_t k = 0; k < m->nrels; k++) {
            const sch_rel *r = m->rels[k];
            const sch_rel *p = partner(s, r);
            if (p && partner(s, p) != r)
                p = NULL;     /* a third mirror: drawn on its own */
            /* A pair is drawn once, where its first member is declared. */
            if (p && rel_order(s, p) < rel_order(s, r))
                continue;
            rel_edge(e, r, p);
        }
    }
    emit_line(e, "}");
    return !e->out.failed;
}
