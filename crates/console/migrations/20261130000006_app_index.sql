-- App names: the filter bar lists them (most used first) from this index alone, without
-- reading every session row, and the app filter finds its rows through it.
CREATE INDEX sessions_app ON sessions (app_name);
