-- Text search over sessions: a trigram index (any substring of three or more characters,
-- ignoring case) of what a session shows about its device, place, IP and app. Those never
-- change after sign-in and sessions are never deleted, so the index is only ever added to.
-- Contentless: the text lives in `sessions`; the index maps trigrams to session rowids.
CREATE VIRTUAL TABLE sessions_text USING fts5(body, content = '', tokenize = 'trigram');

CREATE TRIGGER sessions_text_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO sessions_text (rowid, body) VALUES (
        new.rowid,
        coalesce(new.ip, '') || ' ' || coalesce(new.city, '') || ' ' || coalesce(new.region, '')
        || ' ' || coalesce(new.country_code, '') || ' ' || coalesce(new.browser, '') || ' '
        || coalesce(new.os, '') || ' ' || coalesce(new.device_model, '') || ' '
        || coalesce(new.device_name, '') || ' ' || coalesce(new.app_name, '')
    );
END;

INSERT INTO sessions_text (rowid, body)
SELECT rowid,
    coalesce(ip, '') || ' ' || coalesce(city, '') || ' ' || coalesce(region, '')
    || ' ' || coalesce(country_code, '') || ' ' || coalesce(browser, '') || ' '
    || coalesce(os, '') || ' ' || coalesce(device_model, '') || ' '
    || coalesce(device_name, '') || ' ' || coalesce(app_name, '')
FROM sessions;
