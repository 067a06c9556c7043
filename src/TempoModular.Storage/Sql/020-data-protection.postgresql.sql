-- The Data Protection key ring of a PostgreSQL deployment (the embedded default
-- keeps it as files under the data folder).
CREATE TABLE IF NOT EXISTS dataprotectionkeys
(
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendlyname varchar(256) NOT NULL,
    xml          text         NOT NULL
);
