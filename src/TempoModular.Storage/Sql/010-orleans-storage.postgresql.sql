-- Grain state for Microsoft.Orleans.Persistence.AdoNet on PostgreSQL.
-- Same contract as the SQLite script: parameter names and result columns are
-- the provider's. Idempotent: runs at every start.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer      NOT NULL,
    graintypehash          integer      NOT NULL,
    serviceid              varchar(150) NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    grainidextensionstring varchar(512) NOT NULL,
    payloadbinary          bytea        NULL,
    modifiedon             timestamptz  NOT NULL,
    version                integer      NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_grain ON orleansstorage
    (grainidhash, graintypehash, serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring);

INSERT INTO orleansquery (querykey, querytext) VALUES ('ReadFromStorageKey', '
SELECT payloadbinary AS "PayloadBinary", version AS "Version"
FROM orleansstorage
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
  AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainidextensionstring = COALESCE(CAST(@GrainIdExtensionString AS varchar), '''');
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- The provider detects a lost race by getting its own version back (or
-- nothing when it believed no row existed), so the conflict branch returns it.
INSERT INTO orleansquery (querykey, querytext) VALUES ('WriteToStorageKey', '
WITH written AS (
    INSERT INTO orleansstorage
        (grainidhash, graintypehash, serviceid, graintypestring, grainidn0, grainidn1,
         grainidextensionstring, payloadbinary, modifiedon, version)
    VALUES
        (@GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
         COALESCE(CAST(@GrainIdExtensionString AS varchar), ''''), @PayloadBinary, now(),
         COALESCE(CAST(@GrainStateVersion AS integer), 0) + 1)
    ON CONFLICT (grainidhash, graintypehash, serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring)
    DO UPDATE SET payloadbinary = excluded.payloadbinary,
                  modifiedon = excluded.modifiedon,
                  version = orleansstorage.version + 1
    WHERE orleansstorage.version = CAST(@GrainStateVersion AS integer)
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM written
UNION ALL
SELECT CAST(@GrainStateVersion AS integer)
WHERE NOT EXISTS (SELECT 1 FROM written) AND CAST(@GrainStateVersion AS integer) IS NOT NULL;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

INSERT INTO orleansquery (querykey, querytext) VALUES ('ClearStorageKey', '
WITH cleared AS (
    UPDATE orleansstorage
    SET payloadbinary = NULL, modifiedon = now(), version = version + 1
    WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
      AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
      AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
      AND grainidextensionstring = COALESCE(CAST(@GrainIdExtensionString AS varchar), '''')
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM cleared
UNION ALL
SELECT CAST(@GrainStateVersion AS integer)
WHERE NOT EXISTS (SELECT 1 FROM cleared) AND CAST(@GrainStateVersion AS integer) IS NOT NULL;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
