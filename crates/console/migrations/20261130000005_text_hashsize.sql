-- The text index holds up to 64 MiB of new terms in memory before it writes a segment
-- (SQLite's default is 1 MiB): building it for a million rows at the end of a first sync
-- then writes a few large segments instead of merging thousands of small ones, in half the
-- time. Only a transaction that big uses that much.
INSERT INTO sessions_text (sessions_text, rank) VALUES ('hashsize', 67108864);
