-- The certificate every host of a PostgreSQL cluster presents to the others
-- (mutual TLS on the silo port), as Data Protection ciphertext of its PKCS#12
-- bytes. The hosts already share trust through this database and its key ring,
-- so a host that can read this row may join; nothing else can. Written once:
-- the first host to start creates it, every later host reads it.
CREATE TABLE IF NOT EXISTS cluster_certificate
(
    name       varchar(100) NOT NULL PRIMARY KEY,
    protected  text   NOT NULL,
    created_at bigint NOT NULL
);
