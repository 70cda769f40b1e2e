-- cycles.sql: foreign keys of a table to itself, which become many-to-one
-- relationships with remote_side (SQLAlchemy's adjacency list), and keys
-- of two tables to each other:
--   topics.first_post_id / last_post_id and posts.topic_id (ON DELETE
--     CASCADE): deleting a topic deletes its posts, which it refers to;
--     post_update on first_post and last_post makes that delete possible
--   widgets.favorite_entry_id and entries.widget_id, neither cascading,
--     but deleting a board deletes both: post_update on favorite_entry,
--     the key not named after its table
--   accounts.owner_contact_id and contacts.account_id, both NOT NULL:
--     no post_update can be, and a comment says that such a delete fails
--   teams.captain_id and players.team_id, which no delete reaches
--     together: nothing to do
CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    parent_id INTEGER REFERENCES nodes (id) ON DELETE CASCADE,
    twin_id INTEGER UNIQUE REFERENCES nodes (id),
    "Code" VARCHAR(8) UNIQUE,
    alias_of VARCHAR(8) REFERENCES nodes ("Code")
);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES categories (id)
);

CREATE TABLE forums (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    forum_id INTEGER NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    first_post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL,
    last_post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);

CREATE TABLE boards (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE widgets (
    id INTEGER PRIMARY KEY,
    board_id INTEGER NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name TEXT,
    favorite_entry_id INTEGER REFERENCES entries (id)
);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    board_id INTEGER NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    widget_id INTEGER REFERENCES widgets (id),
    text TEXT
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    owner_contact_id INTEGER NOT NULL REFERENCES contacts (id)
);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL
);

CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT, captain_id INTEGER REFERENCES players (id));
CREATE TABLE players (id INTEGER PRIMARY KEY, name TEXT, team_id INTEGER REFERENCES teams (id));

-- (the sqlite3 shell does not enforce foreign keys: rows that refer to
-- each other go in in any order)
INSERT INTO nodes VALUES (1, 'root', NULL, 2, 'R', NULL), (2, 'twin', NULL, 1, 'T', 'R'),
    (3, 'a', 1, NULL, 'A', NULL), (4, 'b', 1, NULL, NULL, 'A'), (5, 'a1', 3, NULL, 'A1', 'T');
INSERT INTO categories VALUES (1, 'top', NULL), (2, 'mid', 1), (3, 'leaf', 2), (4, 'other', NULL);
INSERT INTO forums VALUES (1, 'News'), (2, 'Help');
INSERT INTO topics VALUES (1, 1, 'Hello', 1, 2), (2, 2, 'How?', 3, 3), (3, 2, 'Empty', NULL, NULL);
INSERT INTO posts VALUES (1, 1, 'first'), (2, 1, 'second'), (3, 2, 'question');
INSERT INTO boards VALUES (1, 'main'), (2, 'spare');
INSERT INTO widgets VALUES (1, 1, 'w1', 2), (2, 1, NULL, NULL), (3, 2, 'w3', 3);
INSERT INTO entries VALUES (1, 1, 1, 'e1'), (2, 1, 1, 'e2'), (3, 2, 3, 'e3');
INSERT INTO accounts VALUES (1, 'acme', 1), (2, 'solo', 2);
INSERT INTO contacts VALUES (1, 1, 'wile'), (2, 2, 'sam');
INSERT INTO teams VALUES (1, 'reds', 1), (2, 'blues', NULL);
INSERT INTO players VALUES (1, 'ann', 1), (2, 'bob', 1), (3, 'cy', NULL);
