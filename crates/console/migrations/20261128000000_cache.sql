-- The console's offline copy of one organisation on one authority, filled from the change
-- feed. Each row keeps the server's JSON (`body`) as it came, plus the columns the query
-- engine filters and sorts on.

CREATE TABLE sessions (
    id            TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL,
    username      TEXT NOT NULL,
    user_name     TEXT NOT NULL,
    status        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    app_name      TEXT,
    country_code  TEXT,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    -- The risk flags' kinds, each between spaces (" new_device impossible_travel ").
    risk          TEXT NOT NULL,
    -- What the text search reads (device, place, IP, app), to rewrite the index only when
    -- it changes.
    search        TEXT NOT NULL,
    body          TEXT NOT NULL
);
CREATE INDEX sessions_status_created ON sessions (status, created_at);
CREATE INDEX sessions_created ON sessions (created_at);
CREATE INDEX sessions_seen ON sessions (last_seen_at);
CREATE INDEX sessions_user ON sessions (user_id, created_at);
CREATE INDEX sessions_country ON sessions (country_code, created_at);

-- Substring search over `search` (rowid = sessions.rowid).
CREATE VIRTUAL TABLE sessions_text USING fts5(
    search, content = '', contentless_delete = 1, tokenize = 'trigram'
);

CREATE TABLE users (
    id        TEXT PRIMARY KEY,
    username  TEXT NOT NULL,
    name      TEXT NOT NULL,
    email     TEXT,
    role      TEXT NOT NULL,
    locked    INTEGER NOT NULL,
    body      TEXT NOT NULL
);
CREATE INDEX users_username ON users (username);

CREATE TABLE logins (
    id       TEXT PRIMARY KEY,
    at       INTEGER NOT NULL,
    user_id  TEXT,
    success  INTEGER NOT NULL,
    body     TEXT NOT NULL
);
CREATE INDEX logins_at ON logins (at);
CREATE INDEX logins_user ON logins (user_id, at);

CREATE TABLE audit_events (
    id      TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT,
    body    TEXT NOT NULL
);
CREATE INDEX audit_seq ON audit_events (seq);

CREATE TABLE policy (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    body  TEXT NOT NULL
);

CREATE TABLE api_keys (
    id    TEXT PRIMARY KEY,
    body  TEXT NOT NULL
);

-- `position`: the last change-feed sequence number applied; `synced_at`: Unix ms of the
-- last sync that reached the end of the feed.
CREATE TABLE sync_state (
    key    TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
