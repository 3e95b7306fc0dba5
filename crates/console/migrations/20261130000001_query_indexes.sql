-- Indexes that answer the list's common filters without reading rows: a country with a
-- status, and a login window sorted by last activity (the window's rows are sorted inside
-- the index; only the page's rows are read).
DROP INDEX sessions_country;
CREATE INDEX sessions_country ON sessions (country_code, status, created_at);
DROP INDEX sessions_created;
CREATE INDEX sessions_created ON sessions (created_at, status, last_seen_at);
