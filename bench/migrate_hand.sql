-- migrate_hand.sql - the benchmark's migration written by hand, as SQLite's
-- documentation gives the 12 steps (lang_altertable.html, "Making Other
-- Kinds Of Table Schema Changes"), for bench/migrate.py to time against
-- the script assocgen writes for the same change (migrate_old.def to
-- migrate_new.def).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE new_events (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    kind VARCHAR(20) NOT NULL CHECK (length(kind) <= 20),
    payload TEXT,
    score FLOAT,
    created DATETIME
);
INSERT INTO new_events (id, user_id, kind, payload, score, created)
SELECT id, user_id, coalesce(kind, 'none'), payload, score, created FROM events;
DROP TABLE events;
ALTER TABLE new_events RENAME TO events;
CREATE INDEX ix_events_user_id ON events (user_id);
PRAGMA foreign_key_check(events);
COMMIT;
PRAGMA foreign_keys = ON;
