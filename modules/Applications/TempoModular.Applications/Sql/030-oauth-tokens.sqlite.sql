-- The active token sets and grants of all applications: one row per token and
-- per grant. Issuing a token inserts one row and revoking a grant updates one
-- row, so the cost of a write never grows with how many tokens exist.
-- Times are Unix milliseconds. Idempotent: runs at every start.

CREATE TABLE IF NOT EXISTS oauth_tokens
(
    id           TEXT    NOT NULL PRIMARY KEY,
    client_id    TEXT    NOT NULL,
    grant_id     TEXT    NULL,
    subject      TEXT    NULL,
    type         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NULL,
    redeemed_at  INTEGER NULL,
    reference_id TEXT    NULL,
    payload      TEXT    NULL,
    properties   TEXT    NULL,
    version      INTEGER NOT NULL,
    scope        TEXT    NULL
);

-- A database made before tokens recorded their scope gets the column from
-- TokenScopeColumn (SQLite has no ADD COLUMN IF NOT EXISTS).

-- An application loads its unexpired tokens when it is activated, and prunes
-- expired ones by the same key.
CREATE INDEX IF NOT EXISTS ix_oauth_tokens_client_expiry ON oauth_tokens (client_id, expires_at);

CREATE TABLE IF NOT EXISTS oauth_grants
(
    id         TEXT    NOT NULL PRIMARY KEY,
    client_id  TEXT    NOT NULL,
    subject    TEXT    NULL,
    type       TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    scopes     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    properties TEXT    NULL,
    version    INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_oauth_grants_client ON oauth_grants (client_id);
