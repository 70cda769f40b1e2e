"""cases.py - random delete cases for run.py: a model file, the same models
in SQLAlchemy 1.4, rows, and the rows to delete.

A case is drawn from one seed (the same seed makes the same case):

  models     2 to 4 models (Alpha, Beta, Gamma, Delta; tables alphas, ...),
             each an integer key `id` and a `label`
  links      foreign keys f<j>_id from a child model to a parent model, the
             child the parent itself about a third of the time (a tree, or a
             row that is its own parent), with an ondelete action (none,
             cascade, set_null, restrict, no_action) and sometimes not_null;
             two keys between the same two tables, either way, make cycles
             of models (and, in the rows, of rows).  Each link has a
             relationship declared on the parent (one-to-many), on the child
             (many-to-one, remote_side on a self-reference), or none; with a
             backref or not; each side with an ORM cascade (none,
             "save-update", "all", "all, delete-orphan" on a one-to-many
             only, "delete"); where two keys could serve, foreign_keys.
  secondary  0 to 2 association tables s<j> (a_id, b_id, each with an
             ondelete action), self-referential sometimes, with a
             many-to-many on the a side, a backref or not, cascades as above
             (no delete-orphan: SQLAlchemy wants single_parent there)
  rows       3 to 6 per model, keys drawn among the parent's rows (or NULL
             where nullable), association rows without duplicates
  deletes    4 rows to delete, one at a time, each from the same start

Everything is written as text: the model file (`def_text`), a C driver over
the generated code (`driver_c`), the rows as SQL (`rows_sql`); and the
SQLAlchemy models are built by `sqla_models`.
"""
import os
import random

MODEL_NAMES = ["Alpha", "Beta", "Gamma", "Delta"]
CASCADES = [None, "save-update", "all", "all, delete-orphan", "delete"]
ONDELETE = [None, "cascade", "set_null", "restrict", "no_action"]
# For assocgen before remote_side (SPEC 9), to run the cases against older
# commits: a self-referential relationship is then always declared on the
# parent's side.
NO_REMOTE_SIDE = os.environ.get("CASCADE_NO_REMOTE_SIDE", "") not in ("", "0")
SQL_ONDELETE = {"cascade": "CASCADE", "set_null": "SET NULL", "restrict": "RESTRICT", "no_action": "NO ACTION"}


class Model:
    def __init__(self, name):
        self.name = name
        self.snake = name.lower()
        self.table = self.snake + "s"
        self.cols = []          # (name, Link) foreign keys, in order
        self.rels = []          # Rel declared here (backrefs are the target's)


class Link:
    """A foreign key child.col -> parent.id."""
    def __init__(self, j, child, parent, ondelete, not_null):
        self.j, self.child, self.parent = j, child, parent
        self.col = "f%d_id" % j
        self.ondelete, self.not_null = ondelete, not_null


class Secondary:
    def __init__(self, j, a, b, a_ondelete, b_ondelete):
        self.j, self.a, self.b = j, a, b
        self.table = "s%d" % j
        self.a_ondelete, self.b_ondelete = a_ondelete, b_ondelete


class Rel:
    """A relationship as declared: kind o2m (owner is the link's parent),
    m2o (owner is the child) or m2m (owner is the secondary's a)."""
    def __init__(self, name, kind, owner, target, cascade, backref, back_cascade, link=None, secondary=None,
                 foreign_keys=False):
        self.name, self.kind, self.owner, self.target = name, kind, owner, target
        self.cascade, self.backref, self.back_cascade = cascade, backref, back_cascade
        self.link, self.secondary, self.foreign_keys = link, secondary, foreign_keys


class Case:
    def __init__(self, seed):
        self.seed = seed
        rnd = random.Random(seed)
        self.models = [Model(n) for n in MODEL_NAMES[:rnd.randint(2, 4)]]
        self.links, self.secondaries, self.rels = [], [], []
        for j in range(1, rnd.randint(2, 5) + 1):
            child = rnd.choice(self.models)
            parent = child if rnd.random() < 0.35 else rnd.choice(self.models)
            link = Link(j, child, parent, rnd.choice(ONDELETE), rnd.random() < 0.2)
            self.links.append(link)
            child.cols.append(link)
        for j in range(1, rnd.choice([0, 0, 1, 1, 2]) + 1):
            a = rnd.choice(self.models)
            b = a if rnd.random() < 0.3 else rnd.choice(self.models)
            self.secondaries.append(Secondary(j, a, b, rnd.choice(ONDELETE), rnd.choice(ONDELETE)))
        for link in self.links:
            # Two keys between the same two tables: a relationship must say which.
            pair = {link.child.name, link.parent.name}
            ambiguous = sum(1 for l in self.links if {l.child.name, l.parent.name} == pair) > 1
            side = rnd.choice(["o2m", "o2m", "m2o", "m2o", None])
            if side is None:
                continue
            if side == "m2o" and link.child is link.parent and NO_REMOTE_SIDE:
                side = "o2m"
            back = "back%d" % link.j if rnd.random() < 0.7 else None
            one_side, many_side = self.cascade(rnd, True), self.cascade(rnd, False)
            if side == "o2m":
                rel = Rel("rel%d" % link.j, "o2m", link.parent, link.child, one_side, back,
                          many_side if back else None, link=link, foreign_keys=ambiguous)
            else:
                rel = Rel("rel%d" % link.j, "m2o", link.child, link.parent, many_side, back,
                          one_side if back else None, link=link, foreign_keys=ambiguous)
            rel.owner.rels.append(rel)
            self.rels.append(rel)
        for s in self.secondaries:
            if rnd.random() < 0.15:
                continue        # an association table no relationship names
            back = "mmback%d" % s.j if rnd.random() < 0.6 else None
            rel = Rel("mm%d" % s.j, "m2m", s.a, s.b, self.cascade(rnd, False), back,
                      self.cascade(rnd, False) if back else None, secondary=s)
            s.a.rels.append(rel)
            self.rels.append(rel)
        self.rows = self.make_rows(rnd)
        self.deletes = []
        for _ in range(4):
            m = rnd.choice(self.models)
            self.deletes.append((m, rnd.choice(self.rows[m.name])["id"]))

    @staticmethod
    def cascade(rnd, one_to_many):
        c = rnd.choice(CASCADES)
        if c == "all, delete-orphan" and not one_to_many:
            c = "all"
        return c

    def make_rows(self, rnd):
        rows = {}
        for m in self.models:
            rows[m.name] = [{"id": i, "label": "%s%d" % (m.snake[0], i)} for i in range(1, rnd.randint(3, 6) + 1)]
        for link in self.links:
            parents = [r["id"] for r in rows[link.parent.name]]
            for r in rows[link.child.name]:
                if link.child is link.parent:
                    # Mostly a forest (a parent with a smaller key); now and then
                    # the row itself or a later one, which makes cycles of rows.
                    x = rnd.random()
                    if x < 0.08:
                        v = r["id"]
                    elif x < 0.18:
                        v = rnd.choice(parents)
                    else:
                        smaller = [p for p in parents if p < r["id"]]
                        v = rnd.choice(smaller) if smaller and rnd.random() < 0.75 else None
                else:
                    v = rnd.choice(parents) if rnd.random() < 0.8 else None
                if v is None and link.not_null:
                    v = rnd.choice(parents)
                r[link.col] = v
        self.links_rows = {}
        for s in self.secondaries:
            pairs = set()
            for _ in range(rnd.randint(0, 6)):
                pairs.add((rnd.choice(rows[s.a.name])["id"], rnd.choice(rows[s.b.name])["id"]))
            self.links_rows[s.table] = sorted(pairs)
        return rows

    # ------------------------------------------------------------ model file
    def def_text(self):
        out = ["# cases.py seed %d" % self.seed, ""]
        for m in self.models:
            out.append("model %s table %s {" % (m.name, m.table))
            out.append("    id      integer primary_key")
            out.append("    label   string(20)")
            for link in m.cols:
                mods = ""
                if link.not_null:
                    mods += " not_null"
                od = ", ondelete = %s" % link.ondelete if link.ondelete else ""
                out.append("    %s   integer%s foreign_key(%s.id%s)" % (link.col, mods, link.parent.table, od))
            for rel in m.rels:
                out.append("    %s relationship(%s)" % (rel.name, ", ".join(self.def_options(rel))))
            out.append("}")
            out.append("")
        for s in self.secondaries:
            out.append("table %s {" % s.table)
            for col, target, od in (("a_id", s.a, s.a_ondelete), ("b_id", s.b, s.b_ondelete)):
                od = ", ondelete = %s" % od if od else ""
                out.append("    %s    integer foreign_key(%s.id%s)" % (col, target.table, od))
            out.append("}")
            out.append("")
        return "\n".join(out)

    @staticmethod
    def def_options(rel):
        opts = [rel.target.name]
        if rel.kind == "m2m":
            opts.append("secondary = %s" % rel.secondary.table)
            if rel.owner is rel.target:
                opts.append("foreign_keys = a_id")
        if rel.kind == "m2o" and rel.owner is rel.target:
            opts.append("remote_side = id")
        if rel.foreign_keys:
            opts.append("foreign_keys = %s" % rel.link.col)
        if rel.cascade:
            opts.append('cascade = "%s"' % rel.cascade)
        if rel.backref:
            if rel.back_cascade:
                opts.append('backref = backref(%s, cascade = "%s")' % (rel.backref, rel.back_cascade))
            else:
                opts.append("backref = %s" % rel.backref)
        return opts

    # ------------------------------------------------------------ rows
    def rows_sql(self):
        """The rows as INSERTs, to run with foreign keys off (cycles)."""
        out = []
        for m in self.models:
            cols = ["id", "label"] + [l.col for l in m.cols]
            for r in self.rows[m.name]:
                vals = ["NULL" if r[c] is None else (str(r[c]) if c != "label" else "'%s'" % r[c]) for c in cols]
                out.append("INSERT INTO %s (%s) VALUES (%s);" % (m.table, ", ".join(cols), ", ".join(vals)))
        for s in self.secondaries:
            for a, b in self.links_rows[s.table]:
                out.append("INSERT INTO %s (a_id, b_id) VALUES (%d, %d);" % (s.table, a, b))
        return "\n".join(out)

    # ------------------------------------------------------------ C driver
    def driver_c(self, header):
        """driver DB MODEL ID: <model>_get, then <model>_delete; prints the
        return code and the message."""
        out = ['#include <stdio.h>', '#include <stdlib.h>', '#include <string.h>', '#include "%s"' % header, ""]
        for m in self.models:
            out += [
                "static int del_%s(assoc_db *db, int64_t id)" % m.snake,
                "{",
                "    %s r = %s_INIT;" % (m.name, m.name.upper()),
                "    int rc = %s_get(db, id, &r);" % m.snake,
                "    if (rc == ASSOC_OK)",
                "        rc = %s_delete(db, &r);" % m.snake,
                "    %s_free(&r);" % m.snake,
                "    return rc;",
                "}",
                "",
            ]
        out += [
            "int main(int argc, char **argv)",
            "{",
            "    assoc_db *db = NULL;",
            "    int rc = ASSOC_MISUSE;",
            "    if (argc != 4 || assoc_open(argv[1], &db) != ASSOC_OK)",
            "        return 2;",
            "    int64_t id = strtoll(argv[3], NULL, 10);",
        ]
        for i, m in enumerate(self.models):
            out.append('    %sif (strcmp(argv[2], "%s") == 0)' % ("" if i == 0 else "else ", m.name))
            out.append("        rc = del_%s(db, id);" % m.snake)
        out += [
            '    printf("%d %s\\n", rc, rc == ASSOC_OK ? "" : assoc_errmsg(db));',
            "    assoc_close(db);",
            "    return 0;",
            "}",
            "",
        ]
        return "\n".join(out)

    # ------------------------------------------------------------ SQLAlchemy
    def sqla_models(self):
        """The models as SQLAlchemy 1.4 declarative classes: {name: class}."""
        from sqlalchemy import Column, ForeignKey, Integer, String, Table
        from sqlalchemy.orm import backref, declarative_base, relationship

        Base = declarative_base()
        classes = {}
        for m in self.models:
            attrs = {"__tablename__": m.table, "id": Column(Integer, primary_key=True), "label": Column(String(20))}
            for link in m.cols:
                od = SQL_ONDELETE.get(link.ondelete)
                attrs[link.col] = Column(Integer, ForeignKey("%s.id" % link.parent.table, ondelete=od),
                                         nullable=not link.not_null)
            classes[m.name] = type(m.name, (Base,), attrs)
        tables = {}
        for s in self.secondaries:
            tables[s.table] = Table(
                s.table, Base.metadata,
                Column("a_id", Integer, ForeignKey("%s.id" % s.a.table, ondelete=SQL_ONDELETE.get(s.a_ondelete))),
                Column("b_id", Integer, ForeignKey("%s.id" % s.b.table, ondelete=SQL_ONDELETE.get(s.b_ondelete))))
        for rel in self.rels:
            owner, target = classes[rel.owner.name], classes[rel.target.name]
            kw, back_kw = {}, {}
            if rel.cascade:
                kw["cascade"] = rel.cascade
            if rel.back_cascade:
                back_kw["cascade"] = rel.back_cascade
            if rel.kind == "m2m":
                t = tables[rel.secondary.table]
                kw["secondary"] = t
                if rel.owner is rel.target:
                    kw["primaryjoin"] = owner.id == t.c.a_id
                    kw["secondaryjoin"] = owner.id == t.c.b_id
            else:
                child = classes[rel.link.child.name]
                if rel.foreign_keys:
                    kw["foreign_keys"] = [getattr(child, rel.link.col)]
                if rel.owner is rel.target:
                    if rel.kind == "m2o":
                        kw["remote_side"] = [owner.id]
                    else:
                        back_kw["remote_side"] = [owner.id]
            if rel.backref:
                kw["backref"] = backref(rel.backref, **back_kw)
            setattr(owner, rel.name, relationship(target, **kw))
        return Base, classes
