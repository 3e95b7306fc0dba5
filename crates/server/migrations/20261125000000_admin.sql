-- The change feed and idempotent admin calls.

-- One row per entity: its latest change. Every committed write moves the entity to the next
-- sequence number (delete, then insert: AUTOINCREMENT never reuses one), so a reader that has
-- seen N and asks for what comes after N misses nothing: writers are serialised, so sequence
-- order is commit order.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    UNIQUE (entity, entity_id)
);
CREATE INDEX changes_org_seq ON changes (org_id, seq);

CREATE TRIGGER sessions_ins AFTER INSERT ON sessions BEGIN
    DELETE FROM changes WHERE entity = 'session' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'session', NEW.id);
END;
CREATE TRIGGER sessions_upd AFTER UPDATE ON sessions BEGIN
    DELETE FROM changes WHERE entity = 'session' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'session', NEW.id);
END;
CREATE TRIGGER users_ins AFTER INSERT ON users BEGIN
    DELETE FROM changes WHERE entity = 'user' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'user', NEW.id);
END;
CREATE TRIGGER users_upd AFTER UPDATE ON users BEGIN
    DELETE FROM changes WHERE entity = 'user' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'user', NEW.id);
END;
CREATE TRIGGER logins_ins AFTER INSERT ON login_attempts BEGIN
    DELETE FROM changes WHERE entity = 'login' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'login', NEW.id);
END;
CREATE TRIGGER audit_ins AFTER INSERT ON audit_events BEGIN
    DELETE FROM changes WHERE entity = 'audit' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'audit', NEW.id);
END;
CREATE TRIGGER policies_ins AFTER INSERT ON policies BEGIN
    DELETE FROM changes WHERE entity = 'policy' AND entity_id = NEW.org_id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'policy', NEW.org_id);
END;
CREATE TRIGGER policies_upd AFTER UPDATE ON policies BEGIN
    DELETE FROM changes WHERE entity = 'policy' AND entity_id = NEW.org_id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'policy', NEW.org_id);
END;
CREATE TRIGGER api_keys_ins AFTER INSERT ON api_keys BEGIN
    DELETE FROM changes WHERE entity = 'api_key' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'api_key', NEW.id);
END;
CREATE TRIGGER api_keys_upd AFTER UPDATE ON api_keys BEGIN
    DELETE FROM changes WHERE entity = 'api_key' AND entity_id = NEW.id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'api_key', NEW.id);
END;

-- The audit trail is append-only: the database refuses to edit or delete an event.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- The first answer of a mutating admin call made with an Idempotency-Key, replayed for the
-- same key; `request_hash` tells a retry from a different call reusing the key.
CREATE TABLE idempotency_keys (
    org_id        TEXT NOT NULL,
    key           TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    request_hash  BLOB NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (org_id, key)
);

-- Filters of the admin sessions list.
CREATE INDEX sessions_org_seen ON sessions (org_id, last_seen_at);
CREATE INDEX sessions_org_country ON sessions (org_id, country_code, created_at);
