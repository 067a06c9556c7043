-- The authorization server's own keys (token signing and encryption), each
-- stored as Data Protection ciphertext. Written once per key name; every host
-- of a cluster reads the same keys, so tokens survive restarts and hosts.
CREATE TABLE IF NOT EXISTS oauth_server_keys
(
    name       TEXT    NOT NULL PRIMARY KEY,
    protected  TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
