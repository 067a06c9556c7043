-- The active token sets and grants of all applications: one row per token and
-- per grant. Issuing a token inserts one row and revoking a grant updates one
-- row, so the cost of a write never grows with how many tokens exist.
-- Times are Unix milliseconds. Idempotent: runs at every start.

CREATE TABLE IF NOT EXISTS oauth_tokens
(
    id           varchar(200) NOT NULL PRIMARY KEY,
    client_id    varchar(100) NOT NULL,
    grant_id     varchar(200) NULL,
    subject      varchar(200) NULL,
    type         varchar(100) NOT NULL,
    status       varchar(20)  NOT NULL,
    created_at   bigint       NOT NULL,
    expires_at   bigint       NULL,
    redeemed_at  bigint       NULL,
    reference_id varchar(200) NULL,
    payload      text         NULL,
    properties   text         NULL,
    version      integer      NOT NULL,
    scope        text         NULL
);

-- Token types are OpenIddict's URNs, the longest 57 characters
-- ("urn:openiddict:params:oauth:token-type:authorization_code"): a database
-- made when the column was varchar(50) could not store an authorization code.
-- Guarded so that a start does not lock the table when nothing is to change.
DO $$
BEGIN
    IF (SELECT character_maximum_length FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'oauth_tokens' AND column_name = 'type') < 100 THEN
        ALTER TABLE oauth_tokens ALTER COLUMN type TYPE varchar(100);
    END IF;
    -- What each token grants (space-separated); databases made before tokens recorded it lack the column.
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'oauth_tokens' AND column_name = 'scope') THEN
        ALTER TABLE oauth_tokens ADD COLUMN scope text NULL;
    END IF;
END $$;

CREATE INDEX IF NOT EXISTS ix_oauth_tokens_client_expiry ON oauth_tokens (client_id, expires_at);

CREATE TABLE IF NOT EXISTS oauth_grants
(
    id         varchar(200) NOT NULL PRIMARY KEY,
    client_id  varchar(100) NOT NULL,
    subject    varchar(200) NULL,
    type       varchar(50)  NOT NULL,
    status     varchar(20)  NOT NULL,
    scopes     text         NOT NULL,
    created_at bigint       NOT NULL,
    properties text         NULL,
    version    integer      NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_oauth_grants_client ON oauth_grants (client_id);
