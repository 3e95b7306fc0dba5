-- Actions taken in the console, written here (with the Idempotency-Key they are sent
-- with) before they are sent, so that an action survives a crash or a server that is
-- down, and runs on the server exactly once however often it is sent.
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,      -- also the Idempotency-Key
    created_at  INTEGER NOT NULL,
    action      TEXT NOT NULL,         -- the Action as JSON
    state       TEXT NOT NULL,         -- pending | sent | failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    error_code  TEXT,
    error       TEXT,
    receipt     TEXT,                  -- the server's ActionReceipt (JSON) once sent
    sent_at     INTEGER
);
CREATE INDEX outbox_state ON outbox (state, created_at);
