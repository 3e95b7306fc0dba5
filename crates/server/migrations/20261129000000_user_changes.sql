-- A user's row in the feed carries figures drawn from their sessions (active sessions,
-- last active): a session that starts, ends or is used moves its user to the next
-- sequence number too, so that a copy built from the feed has them right.
CREATE TRIGGER sessions_ins_user AFTER INSERT ON sessions BEGIN
    DELETE FROM changes WHERE entity = 'user' AND entity_id = NEW.user_id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'user', NEW.user_id);
END;
CREATE TRIGGER sessions_upd_user AFTER UPDATE OF status, last_seen_at ON sessions BEGIN
    DELETE FROM changes WHERE entity = 'user' AND entity_id = NEW.user_id;
    INSERT INTO changes (org_id, entity, entity_id) VALUES (NEW.org_id, 'user', NEW.user_id);
END;
