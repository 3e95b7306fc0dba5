-- Status alone (with the row id every index ends in): a text search's matches are counted
-- by status through this small index instead of reading each matching row.
CREATE INDEX sessions_status ON sessions (status);
