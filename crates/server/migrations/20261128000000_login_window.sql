-- Sign-in order with the columns a login window filters and sorts on, so that "signed in
-- between A and B, most recently active first" sorts the window inside the index and
-- reads only the page's rows. It serves `status=all` in sign-in order as the narrower
-- index it replaces did.
DROP INDEX sessions_org_created;
CREATE INDEX sessions_org_window ON sessions (org_id, created_at, status, last_seen_at, id);
