-- The administrators' audit log: who created, edited, revealed the credentials
-- of, rotated the secret of, deleted an application or revoked its tokens, and
-- when. One row per action, appended and never changed: the triggers refuse
-- UPDATE and DELETE, so the log cannot be rewritten through this database
-- connection. No secret is ever written here. Times are Unix milliseconds.
-- Idempotent: runs at every start.

CREATE TABLE IF NOT EXISTS admin_audit
(
    -- AUTOINCREMENT: an id is never reused, so "newest first" is id order.
    id               INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    occurred_at      INTEGER NOT NULL,
    actor            TEXT    NOT NULL,
    actor_name       TEXT    NOT NULL,
    via              TEXT    NOT NULL,
    action           TEXT    NOT NULL,
    client_id        TEXT    NOT NULL,
    application_name TEXT    NOT NULL,
    details          TEXT    NULL
);

-- The log filtered by application, newest first.
CREATE INDEX IF NOT EXISTS ix_admin_audit_client ON admin_audit (client_id, id);

CREATE TRIGGER IF NOT EXISTS admin_audit_no_update BEFORE UPDATE ON admin_audit
BEGIN
    SELECT RAISE(ABORT, 'admin_audit is append-only');
END;

CREATE TRIGGER IF NOT EXISTS admin_audit_no_delete BEFORE DELETE ON admin_audit
BEGIN
    SELECT RAISE(ABORT, 'admin_audit is append-only');
END;
