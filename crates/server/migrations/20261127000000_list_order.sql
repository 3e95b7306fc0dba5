-- Lists of every status in sign-in order (`status=all`) walk this instead of sorting.
CREATE INDEX sessions_org_created ON sessions (org_id, created_at);
