-- Lists sort by a column and then by id (the server's order for ties). With the id in each
-- index, a page is read in order from the index and stops after the page, and a sort of
-- many matches needs no row reads.
DROP INDEX sessions_status_created;
CREATE INDEX sessions_status_created ON sessions (status, created_at, id);
DROP INDEX sessions_seen;
CREATE INDEX sessions_seen ON sessions (last_seen_at, id);
DROP INDEX sessions_user;
CREATE INDEX sessions_user ON sessions (user_id, created_at, id);
DROP INDEX sessions_country;
CREATE INDEX sessions_country ON sessions (country_code, status, created_at, id);
DROP INDEX sessions_created;
CREATE INDEX sessions_created ON sessions (created_at, status, last_seen_at, id);
