"""synth.py - write a synthetic model file of NUM models for timing assocgen.

    /usr/bin/python3 bench/synth.py NUM > FILE.def

NUM is a multiple of 10.  The models come in groups of ten (plus one plain
association table per group) that together use every construct of the
model language: every column type and modifier, defaults and server
defaults, every ondelete action, unique and index columns and table
constraints, string and composite primary keys, and relationships of every
kind -- many-to-one, one-to-many (declared, and made by a backref), one-to-one
(uselist = false), many-to-many through a plain table and through a model's
table (viewonly), self-referential, back_populates pairs, foreign_keys to
choose between two keys, order_by, and every cascade word.  Each group's
Account points at the previous group's, so the schema is one connected
graph rather than NUM/10 islands.
"""

import sys

GROUP = """\
# ---- group {g} ----
table tag_links_{g} {{
    account_id  integer primary_key foreign_key(accounts_{g}.id, ondelete = cascade)
    tag_id      integer primary_key foreign_key(tags_{g}.id, ondelete = cascade)
    linked_at   datetime default(now)
}}

model Account{g} table accounts_{g} {{
    id          integer primary_key
    name        string(120) not_null index
    email       string(255) unique
    active      boolean not_null default(true)
    score       float default(0.5)
    born        datetime
    joined      datetime server_default(current_timestamp)
    avatar      blob
    bio         text default("")
    level       integer not_null default(1)
    status      string(16) not_null server_default("new")
{prev_col}
{prev_rel}    profile     relationship(Profile{g}, uselist = false, back_populates = account,
                             cascade = "all, delete-orphan")
    tags        relationship(Tag{g}, secondary = tag_links_{g}, back_populates = accounts, order_by = label)
    items       relationship(Item{g}, secondary = orders_{g}, foreign_keys = account_id, viewonly = true)
    slots       relationship(Slot{g}, backref = account, cascade = "all", order_by = day desc)
    notes       relationship(Note{g}, back_populates = account, cascade = "save-update, merge, delete",
                             order_by = written asc)

    index(level, joined)
}}

model Profile{g} table profiles_{g} {{
    id          integer primary_key
    account_id  integer not_null unique foreign_key(accounts_{g}.id, ondelete = cascade)
    headline    string(80)
    website     text

    account     relationship(Account{g}, back_populates = profile)
}}

model Tag{g} table tags_{g} {{
    id          integer primary_key
    label       string(50) not_null unique
    color       string(7) default("#cccccc")

    accounts    relationship(Account{g}, secondary = tag_links_{g}, back_populates = tags, order_by = name desc)
}}

model Item{g} table items_{g} {{
    sku         string(32) primary_key
    title       string(200) not_null index
    price       float not_null default(0.0)
    weight      float default(1.25)
    fragile     boolean default(false)
    photo       blob default("")
    added       datetime not_null default(now)
}}

model Order{g} table orders_{g} {{
    id          integer primary_key
    account_id  integer not_null foreign_key(accounts_{g}.id)
    seller_id   integer foreign_key(accounts_{g}.id, ondelete = set_null)
    item_sku    string(32) foreign_key(items_{g}.sku, ondelete = restrict)
    qty         integer not_null default(1)
    placed      datetime default(now)

    buyer       relationship(Account{g}, foreign_keys = account_id,
                             backref = backref(orders, cascade = "all, delete-orphan", order_by = placed desc))
    seller      relationship(Account{g}, foreign_keys = seller_id, backref = sales)
    item        relationship(Item{g}, backref = backref(orders, cascade = "save-update, merge, refresh-expire, expunge"))

    unique(account_id, item_sku, placed)
}}

model Slot{g} table slots_{g} {{
    account_id  integer primary_key foreign_key(accounts_{g}.id, ondelete = cascade)
    day         integer primary_key
    note        text
}}

model Note{g} table notes_{g} {{
    id          integer primary_key
    account_id  integer foreign_key(accounts_{g}.id, ondelete = no_action)
    body        text not_null
    written     datetime not_null default(now)

    account     relationship(Account{g}, back_populates = notes)
}}

model Audit{g} table audits_{g} {{
    id          integer primary_key
    note_id     integer foreign_key(notes_{g}.id, ondelete = set_default) server_default(0)
    at          datetime server_default(current_timestamp)
    what        string(40) not_null default("touch")

    note        relationship(Note{g}, backref = backref(audits, cascade = "all, delete, delete-orphan"))
}}

model Setting{g} table settings_{g} {{
    id          integer primary_key
    profile_id  integer unique foreign_key(profiles_{g}.id)
    key         string(40) not_null
    value       text

    profile     relationship(Profile{g}, backref = backref(setting, uselist = false))
}}

model Node{g} table nodes_{g} {{
    id          integer primary_key
    parent_id   integer foreign_key(nodes_{g}.id, ondelete = cascade)
    account_id  integer foreign_key(accounts_{g}.id)
    label       string(64)

    children    relationship(Node{g}, cascade = "all, delete-orphan", order_by = label)
    account     relationship(Account{g}, backref = nodes)
}}

"""


def group(g):
    if g == 0:
        prev_col = ""
        prev_rel = ""
    else:
        prev_col = f"    prev_id     integer foreign_key(accounts_{g - 1}.id, ondelete = set_null)\n"
        prev_rel = f"    prev        relationship(Account{g - 1}, backref = backref(next, order_by = name))\n"
    return GROUP.format(g=g, prev_col=prev_col.rstrip("\n"), prev_rel=prev_rel)


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) % 10 or int(sys.argv[1]) == 0:
        sys.exit("usage: synth.py NUM  (NUM a positive multiple of 10) > FILE.def")
    num = int(sys.argv[1])
    out = sys.stdout
    out.write(f"# Synthetic schema of {num} models, written by bench/synth.py.  Do not edit.\n\n")
    for g in range(num // 10):
        out.write(group(g))


if __name__ == "__main__":
    main()
