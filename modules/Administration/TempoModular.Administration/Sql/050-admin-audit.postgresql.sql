-- The administrators' audit log: who created, edited, revealed the credentials
-- of, rotated the secret of, deleted an application or revoked its tokens, and
-- when. One row per action, appended and never changed: the trigger refuses
-- UPDATE and DELETE, so the log cannot be rewritten through this database
-- connection. No secret is ever written here. Times are Unix milliseconds.
-- Idempotent: runs at every start.

CREATE TABLE IF NOT EXISTS admin_audit
(
    id               bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at      bigint       NOT NULL,
    actor            varchar(200) NOT NULL,
    actor_name       text         NOT NULL,
    via              varchar(20)  NOT NULL,
    action           varchar(50)  NOT NULL,
    client_id        varchar(100) NOT NULL,
    application_name text         NOT NULL,
    details          text         NULL
);

-- The log filtered by application, newest first.
CREATE INDEX IF NOT EXISTS ix_admin_audit_client ON admin_audit (client_id, id);

-- Created only when missing: several hosts starting at once must not race on
-- replacing the same function or trigger.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'admin_audit_append_only') THEN
        CREATE FUNCTION admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $body$
        BEGIN
            RAISE EXCEPTION 'admin_audit is append-only';
        END;
        $body$;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'admin_audit_append_only') THEN
        CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit
            FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only();
    END IF;
END
$$;
