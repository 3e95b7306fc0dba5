-- Core schema of the session authority. Instants are Unix milliseconds (INTEGER), ids are
-- prefixed ULIDs (TEXT), secrets are stored only as SHA-256 digests (BLOB).

CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE policies (
    org_id                 TEXT PRIMARY KEY REFERENCES orgs(id),
    max_sessions           INTEGER,
    on_limit               TEXT NOT NULL,
    idle_timeout_s         BIGINT,
    absolute_timeout_s     BIGINT,
    remember_me_allowed    BOOLEAN NOT NULL,
    remember_me_timeout_s  BIGINT,
    require_reason         BOOLEAN NOT NULL,
    lockout_threshold      INTEGER NOT NULL,
    lockout_window_s       BIGINT NOT NULL,
    lockout_duration_s     BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);

CREATE TABLE users (
    id                       TEXT PRIMARY KEY,
    org_id                   TEXT NOT NULL REFERENCES orgs(id),
    username                 TEXT NOT NULL,
    name                     TEXT NOT NULL,
    email                    TEXT,
    role                     TEXT NOT NULL,
    password_hash            TEXT NOT NULL,
    -- An admin's lock: permanent until unlocked.
    locked                   BOOLEAN NOT NULL DEFAULT FALSE,
    -- A lock after repeated failures: ends at this instant.
    locked_until             BIGINT,
    lock_reason              TEXT,
    password_reset_required  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at               BIGINT NOT NULL,
    UNIQUE (org_id, username)
);

CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    token_hash      BLOB NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    login_method    TEXT NOT NULL,
    app_name        TEXT,
    app_version     TEXT,
    browser         TEXT,
    browser_version TEXT,
    os              TEXT,
    os_version      TEXT,
    device_model    TEXT,
    device_type     TEXT,
    device_name     TEXT,
    language        TEXT,
    ip              TEXT,
    city            TEXT,
    region          TEXT,
    country_code    TEXT,
    lat             DOUBLE PRECISION,
    lon             DOUBLE PRECISION,
    timezone        TEXT,
    created_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    remember_me     BOOLEAN NOT NULL,
    status          TEXT NOT NULL,
    ended_at        BIGINT,
    end_reason      TEXT,
    ended_by        TEXT,
    reason          TEXT,
    ticket          TEXT,
    risk            TEXT NOT NULL,
    requests        BIGINT NOT NULL DEFAULT 0,
    last_path       TEXT
);
CREATE INDEX sessions_user_status ON sessions (user_id, status, created_at);
-- A user's history, newest first, whatever the status (risk assessment at sign-in).
CREATE INDEX sessions_user_created ON sessions (user_id, created_at);
CREATE INDEX sessions_org_status ON sessions (org_id, status, created_at);

CREATE TABLE login_attempts (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    user_id         TEXT,
    username        TEXT NOT NULL,
    at              BIGINT NOT NULL,
    success         BOOLEAN NOT NULL,
    failure_reason  TEXT,
    session_id      TEXT,
    ip              TEXT,
    city            TEXT,
    region          TEXT,
    country_code    TEXT,
    lat             DOUBLE PRECISION,
    lon             DOUBLE PRECISION,
    timezone        TEXT,
    browser         TEXT,
    browser_version TEXT,
    os              TEXT,
    os_version      TEXT,
    device_model    TEXT,
    device_type     TEXT,
    app_name        TEXT,
    app_version     TEXT
);
CREATE INDEX login_attempts_org_at ON login_attempts (org_id, at);
CREATE INDEX login_attempts_user_at ON login_attempts (user_id, at);

-- Pending logins held while the user picks sessions to end (session limit in `ask` mode).
CREATE TABLE login_tickets (
    ticket_hash  BLOB PRIMARY KEY,
    org_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    pending      TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs(id),
    name          TEXT NOT NULL,
    key_hash      BLOB NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    created_by    TEXT,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

-- Requests per API key and hour, for `requests_24h`.
CREATE TABLE api_key_usage (
    key_id    TEXT NOT NULL,
    hour      BIGINT NOT NULL,
    requests  BIGINT NOT NULL,
    PRIMARY KEY (key_id, hour)
);

-- Append-only, hash-chained per org: hash = SHA-256(prev_hash || canonical fields).
CREATE TABLE audit_events (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT,
    reason     TEXT,
    ticket     TEXT,
    data       TEXT NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL,
    UNIQUE (org_id, seq)
);
