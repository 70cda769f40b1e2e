#!/usr/bin/python3
"""reduce.py ASSOCGEN LIBASSOC WORKDIR SEED [K] - shrink a case of run.py
that disagrees with SQLAlchemy to a small one that disagrees the same way.

Starts from the case of SEED with only its K-th delete (default: the first
that disagrees), then drops, one at a time while the disagreement stays of
the same kind: relationships, backrefs, cascades, association tables, keys,
ondelete actions, not_null, models, rows and key values.  Prints the
smallest case found (model file, rows, delete, outcomes); its files are in
WORKDIR/r<SEED>.  For reports, not run by the suite.
"""
import copy
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import cases  # noqa: E402
import run  # noqa: E402

run.STRICT = True   # a known disagreement is what is being reduced


def candidates(c):
    """Smaller variants of case c, each a fresh copy."""
    def variant(fn, *args):
        v = copy.deepcopy(c)
        try:
            return v if fn(v, *args) is not False else None
        except (ValueError, IndexError):
            return None

    def drop_rel(v, i):
        rel = v.rels.pop(i)
        owner = next(m for m in v.models if m.name == rel.owner.name)
        owner.rels = [r for r in owner.rels if r.name != rel.name]

    def drop_backref(v, i):
        if v.rels[i].backref is None:
            return False
        v.rels[i].backref = v.rels[i].back_cascade = None

    def drop_cascade(v, i):
        if v.rels[i].cascade is None:
            return False
        v.rels[i].cascade = None

    def drop_back_cascade(v, i):
        if v.rels[i].back_cascade is None:
            return False
        v.rels[i].back_cascade = None

    def drop_secondary(v, i):
        s = v.secondaries.pop(i)
        for k in [k for k, r in enumerate(v.rels) if r.secondary is not None and r.secondary.j == s.j][::-1]:
            drop_rel(v, k)
        v.links_rows.pop(s.table, None)

    def drop_link(v, i):
        link = v.links[i]
        if any(r.link is not None and r.link.j == link.j for r in v.rels):
            return False
        v.links.pop(i)
        child = next(m for m in v.models if m.name == link.child.name)
        child.cols = [l for l in child.cols if l.j != link.j]
        for r in v.rows[child.name]:
            r.pop(link.col, None)

    def plain_link(v, i):
        link = v.links[i]
        if link.ondelete is None and not link.not_null:
            return False
        if link.ondelete is not None:
            link.ondelete = None
        else:
            link.not_null = False

    def drop_model(v, i):
        m = v.models[i]
        if any(l.child is m or l.parent is m for l in v.links) or \
           any(s.a is m or s.b is m for s in v.secondaries) or v.deletes[0][0] is m:
            return False
        v.models.pop(i)
        v.rows.pop(m.name)

    def drop_row(v, name, k):
        row = v.rows[name][k]
        if v.deletes[0][0].name == name and v.deletes[0][1] == row["id"]:
            return False
        for link in v.links:
            if link.parent.name != name:
                continue
            for r in v.rows[link.child.name]:
                if r.get(link.col) == row["id"]:
                    if link.not_null:
                        return False
                    r[link.col] = None
        for s in v.secondaries:
            v.links_rows[s.table] = [(a, b) for a, b in v.links_rows[s.table]
                                     if not (s.a.name == name and a == row["id"]) and
                                     not (s.b.name == name and b == row["id"])]
        v.rows[name].pop(k)

    def null_value(v, name, k, col):
        r = v.rows[name][k]
        if r[col] is None or next(l for l in v.links if l.col == col).not_null:
            return False
        r[col] = None

    def drop_pair(v, table, k):
        v.links_rows[table].pop(k)

    for i in range(len(c.rels)):
        yield variant(drop_rel, i)
    for i in range(len(c.secondaries)):
        yield variant(drop_secondary, i)
    for i in range(len(c.links)):
        yield variant(drop_link, i)
    for i in range(len(c.models)):
        yield variant(drop_model, i)
    for name, rows in c.rows.items():
        for k in range(len(rows)):
            yield variant(drop_row, name, k)
    for t, pairs in c.links_rows.items():
        for k in range(len(pairs)):
            yield variant(drop_pair, t, k)
    for i in range(len(c.rels)):
        yield variant(drop_backref, i)
        yield variant(drop_cascade, i)
        yield variant(drop_back_cascade, i)
    for i in range(len(c.links)):
        yield variant(plain_link, i)
    for name, rows in c.rows.items():
        for k, r in enumerate(rows):
            for col in r:
                if col.endswith("_id"):
                    yield variant(null_value, name, k, col)


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    assocgen, libassoc, work = (os.path.abspath(a) for a in argv[1:4])
    seed = int(argv[4])
    d = os.path.join(work, "r%d" % seed)
    case = cases.Case(seed)
    if len(argv) > 5:
        case.deletes = [case.deletes[int(argv[5])]]
    else:
        for k, dl in enumerate(case.deletes):
            one = copy.deepcopy(case)
            one.deletes = [one.deletes[k]]
            if run.check_case(one, d, assocgen, libassoc)[1]:
                case = one
                break
        else:
            print("seed %d: every delete agrees" % seed)
            return 0
    _, failed, report, kinds, _ = run.check_case(case, d, assocgen, libassoc)
    if not failed:
        print("seed %d: that delete agrees" % seed)
        return 0
    kind = kinds[0]
    print("reducing seed %d (%s)" % (seed, kind), file=sys.stderr)
    progress = True
    while progress:
        progress = False
        for v in candidates(case):
            if v is None:
                continue
            _, f, _, k, _ = run.check_case(v, d, assocgen, libassoc)
            if f and k[0] == kind:
                case = v
                progress = True
                break
    _, _, report, _, _ = run.check_case(case, d, assocgen, libassoc)
    print(report[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
