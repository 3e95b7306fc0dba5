-- A user's history, newest first, carrying what risk assessment reads at each sign-in
-- (status, place, device): the read becomes one range of this index instead of a table
-- row fetched from a different page for each earlier session. It replaces the narrower
-- index on (user_id, created_at), whose queries it serves as well.
CREATE INDEX sessions_user_history ON sessions (
    user_id, created_at, status, country_code, city, region, lat, lon, timezone,
    browser, os, device_model
);
DROP INDEX sessions_user_created;
