-- The text index is brought up to date in batches (the maintenance task, and every text
-- search before it reads) instead of by a trigger on each new session. Each write to an
-- FTS5 index ends in a new segment and merge work whatever its size, and per sign-in that
-- was the largest single cost of its transaction on a million sessions. Sessions are never
-- deleted and their indexed columns never change, so a row id mark is all the state needed:
-- every session with a greater row id is not in the index yet.
DROP TRIGGER sessions_text_insert;
CREATE TABLE search_mark (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_upto INTEGER NOT NULL
);
-- Everything so far was indexed by the trigger.
INSERT INTO search_mark (id, indexed_upto) SELECT 1, COALESCE(MAX(rowid), 0) FROM sessions;
