-- The Worklogs module's own rows. Each worklog is a grain (its record lives in
-- the grain's state); these tables only hand out ids and serve the listing, so
-- writing a worklog inserts one row and never rewrites anything that grows.
-- Idempotent: runs at every start.

-- Ids come from a sequence: nextval never hands out a value twice, whatever
-- the host, the concurrency or a rolled-back transaction.
CREATE SEQUENCE IF NOT EXISTS worklog_ids AS bigint;

-- One row per live worklog, written by its grain. The listing reads newest
-- (highest id) first, so the primary key is the only index it needs. Dates are
-- yyyy-MM-dd and times HH:mm:ss (text sorts like the value); created_at is Unix
-- milliseconds.
CREATE TABLE IF NOT EXISTS worklogs
(
    id                  bigint       NOT NULL PRIMARY KEY,
    issue_key           varchar(255) NOT NULL,
    time_spent_seconds  integer      NOT NULL,
    start_date          varchar(10)  NOT NULL,
    start_time          varchar(8)   NOT NULL,
    description         text         NOT NULL,
    author_account_id   varchar(200) NOT NULL,
    author_display_name text         NOT NULL,
    created_at          bigint       NOT NULL
);

