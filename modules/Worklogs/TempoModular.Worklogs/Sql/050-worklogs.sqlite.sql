-- The Worklogs module's own rows. Each worklog is a grain (its record lives in
-- the grain's state); these tables only hand out ids and serve the listing, so
-- writing a worklog inserts one row and never rewrites anything that grows.
-- Idempotent: runs at every start.

-- The id counter: one row, advanced by UPDATE ... RETURNING. SQLite runs one
-- writer at a time, so two requests never get the same id, and the counter is
-- on disk, so ids are never handed out twice across restarts.
CREATE TABLE IF NOT EXISTS worklog_ids
(
    name    TEXT    NOT NULL PRIMARY KEY,
    last_id INTEGER NOT NULL
);

INSERT INTO worklog_ids (name, last_id) VALUES ('worklog', 0) ON CONFLICT (name) DO NOTHING;

-- One row per live worklog, written by its grain. The listing reads newest
-- (highest id) first, so the primary key is the only index it needs. Dates are
-- yyyy-MM-dd and times HH:mm:ss (text sorts like the value); created_at is Unix
-- milliseconds.
CREATE TABLE IF NOT EXISTS worklogs
(
    id                  INTEGER NOT NULL PRIMARY KEY,
    issue_key           TEXT    NOT NULL,
    time_spent_seconds  INTEGER NOT NULL,
    start_date          TEXT    NOT NULL,
    start_time          TEXT    NOT NULL,
    description         TEXT    NOT NULL,
    author_account_id   TEXT    NOT NULL,
    author_display_name TEXT    NOT NULL,
    created_at          INTEGER NOT NULL
);

