-- Alerts: the users whose new sessions are worth a notification, and the console's own
-- switches for this profile. Neither is part of the server's data, so a resync keeps them.
CREATE TABLE watchlist (
    user_id  TEXT PRIMARY KEY,
    added_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
