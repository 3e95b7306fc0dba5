-- A first sync adds a million rows to the text index in pages of 10,000: merge its
-- segments in larger batches (16 at a level instead of 4), fewer times over.
INSERT INTO sessions_text (sessions_text, rank) VALUES ('automerge', 16);
