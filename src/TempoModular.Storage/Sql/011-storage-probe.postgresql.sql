-- One row the readiness probe rewrites: ready means the database takes a write,
-- not only that it answers a read (see StorageHealthCheck).
CREATE TABLE IF NOT EXISTS tempo_storage_probe
(
    id         integer PRIMARY KEY,
    checked_at bigint NOT NULL
);

INSERT INTO tempo_storage_probe (id, checked_at) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
