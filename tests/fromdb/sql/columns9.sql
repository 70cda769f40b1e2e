-- columns9.sql: columns SPEC 9's constructs can say, written by hand:
-- json (a declared JSON, and our DDL's CHECK (json_valid(x)) in both its
-- forms), enum(...) (a CHECK x IN ('a', ...) on a column, as a named table
-- constraint, after "x IS NULL OR"), SQL names that are not identifiers or
-- whose C field another column's takes (members with column("...")), and
-- what stays as it was, with a comment saying why: CHECK IN over values
-- that are not names, over numbers, under COLLATE NOCASE; an indexed JSON
-- column; a JSON column whose default is not JSON; an enum whose C type
-- another name takes.
CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    "Author Code" VARCHAR(12) NOT NULL UNIQUE,
    "Full Name" TEXT,
    note_text TEXT,
    "Note Text" TEXT,
    "int" INTEGER,
    "int_" INTEGER,
    x INTEGER,
    has_x INTEGER,
    "2nd line" TEXT,
    "%" REAL,
    "e-mail" TEXT UNIQUE
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    "Doc Title" VARCHAR(80) NOT NULL,
    "Author Code" VARCHAR(12) REFERENCES authors ("Author Code"),
    "Editor Id" INTEGER REFERENCES authors (id) ON DELETE SET NULL,
    body JSON,
    meta TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
    extra TEXT CHECK (extra IS NULL OR json_valid(extra)),
    tags JSON DEFAULT '[]',
    notjson JSON DEFAULT 'not json',
    indexed JSON,
    state VARCHAR(9) NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'review', 'published')),
    "Kind" TEXT CONSTRAINT kind_names CHECK ("Kind" IS NULL OR "Kind" IN ('memo', 'letter')),
    priority VARCHAR(6),
    mood TEXT CHECK (mood IN ('so-so', 'fine')),
    level INTEGER CHECK (level IN (1, 2, 3)),
    flag TEXT COLLATE NOCASE CHECK (flag IN ('on', 'off')),
    list TEXT CHECK (list IN ('a', 'b')),
    CONSTRAINT priority CHECK (priority IN ('low', 'normal', 'high')),
    UNIQUE ("Doc Title", "Author Code")
);
CREATE INDEX documents_indexed ON documents (indexed);
CREATE INDEX "documents Kind" ON documents ("Kind");

-- no primary key: a plain table, whose members are named the same way
CREATE TABLE audit (
    "at time" DATETIME NOT NULL,
    "what happened" TEXT,
    detail JSON
);

INSERT INTO authors VALUES
    (1, 'ann', 'Ann Author', 'a note', 'A Note', 1, 2, 3, 4, 'second', 0.5, 'ann@example.com'),
    (2, 'bob', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO documents (id, "Doc Title", "Author Code", "Editor Id", body, meta, extra, tags, notjson, indexed,
                       state, "Kind", priority, mood, level, flag, list)
    VALUES (1, 'Hello', 'ann', 2, '{"a": [1, 2]}', '{"m": 1}', NULL, '["x"]', 'plain', '{}',
            'published', 'memo', 'high', 'so-so', 2, 'ON', 'a'),
           (2, 'Draft', 'bob', NULL, NULL, '{}', '{"e": true}', NULL, NULL, NULL,
            'draft', NULL, NULL, NULL, NULL, NULL, NULL),
           (3, 'Letter', NULL, 1, '"text"', '[]', 'null', '[]', 'not json', 'null',
            'review', 'letter', 'low', 'fine', 1, 'off', 'b');
INSERT INTO audit VALUES ('2024-01-02 03:04:05', 'made', '{"id": 1}');
