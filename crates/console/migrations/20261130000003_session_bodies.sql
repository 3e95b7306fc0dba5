-- Session JSON in a table of its own (keyed by the session's rowid): filters and counts
-- read the sessions table row by row (a text search's ~50,000 matches, say), and rows
-- that carry a kilobyte of JSON each made that ten times slower than it needs to be.
CREATE TABLE session_bodies (
    id    INTEGER PRIMARY KEY,  -- sessions.rowid
    body  TEXT NOT NULL
);
INSERT INTO session_bodies (id, body) SELECT rowid, body FROM sessions;
ALTER TABLE sessions DROP COLUMN body;
