-- Cluster membership for Microsoft.Orleans.Clustering.AdoNet on PostgreSQL:
-- every host started on this database finds the others here. The embedded
-- default (SQLite) is one host and clusters with itself, so it has no such
-- tables. Parameter names (@DeploymentId, @Address, ...) and result column
-- names are the provider's contract; @DeploymentId is the cluster id.
-- Idempotent: runs at every start.

-- One row per cluster. Version is the membership table's optimistic
-- concurrency token: every membership change must name the version it read.
CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL PRIMARY KEY,
    timestamp    timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port and generation, which changes
-- at every start of a host).
CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150) NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      varchar(45)  NOT NULL,
    port         integer      NOT NULL,
    generation   integer      NOT NULL,
    siloname     varchar(150) NOT NULL,
    hostname     varchar(150) NOT NULL,
    status       integer      NOT NULL,
    proxyport    integer      NULL,
    suspecttimes varchar(8000) NULL,
    starttime    timestamptz  NOT NULL,
    iamalivetime timestamptz  NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES ('InsertMembershipVersionKey', '
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- A membership change succeeds only against the version its writer read, and
-- then moves the version on; the version row is locked first so that of two
-- writers holding the same version exactly one changes anything (the other
-- re-reads the locked row after the first commits, finds the version moved on,
-- and writes nothing: no silo row without its version bump).
INSERT INTO orleansquery (querykey, querytext) VALUES ('InsertMembershipKey', '
WITH current_version AS (
    SELECT deploymentid FROM orleansmembershipversiontable
    WHERE deploymentid = @DeploymentId AND version = @Version
    FOR UPDATE
), inserted AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    SELECT deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM current_version
    ON CONFLICT (deploymentid, address, port, generation) DO NOTHING
    RETURNING deploymentid
), bumped AS (
    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid IN (SELECT deploymentid FROM inserted)
    RETURNING 1
)
SELECT count(*) > 0 FROM bumped;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

INSERT INTO orleansquery (querykey, querytext) VALUES ('UpdateMembershipKey', '
WITH current_version AS (
    SELECT deploymentid FROM orleansmembershipversiontable
    WHERE deploymentid = @DeploymentId AND version = @Version
    FOR UPDATE
), updated AS (
    UPDATE orleansmembershiptable
    SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
    WHERE deploymentid IN (SELECT deploymentid FROM current_version)
      AND address = @Address AND port = @Port AND generation = @Generation
    RETURNING deploymentid
), bumped AS (
    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid IN (SELECT deploymentid FROM updated)
    RETURNING 1
)
SELECT count(*) > 0 FROM bumped;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- A heartbeat: never fails, never moves the version, never goes backwards.
INSERT INTO orleansquery (querykey, querytext) VALUES ('UpdateIAmAlivetimeKey', '
UPDATE orleansmembershiptable
SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- Reads return the version row even when no silo row matches: the provider
-- takes the table version from it.
INSERT INTO orleansquery (querykey, querytext) VALUES ('MembershipReadRowKey', '
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

INSERT INTO orleansquery (querykey, querytext) VALUES ('MembershipReadAllKey', '
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

INSERT INTO orleansquery (querykey, querytext) VALUES ('DeleteMembershipTableEntriesKey', '
DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- Gateways are for external Orleans clients; this product's web hosts call
-- their own silo in-process, so the list is normally empty (proxy port 0).
INSERT INTO orleansquery (querykey, querytext) VALUES ('GatewaysQueryKey', '
SELECT address, proxyport, generation
FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- Status 6 is Dead. Rows of silos that died long ago are removed; a row that
-- changed since the provider read it (same values, captured) is left alone.
INSERT INTO orleansquery (querykey, querytext) VALUES ('CleanupDefunctSiloEntriesKey', '
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND status = 6
  AND iamalivetime < @IAmAliveTime AND starttime < @IAmAliveTime
  AND COALESCE(suspecttimes, '''') = '''';
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

INSERT INTO orleansquery (querykey, querytext) VALUES ('CleanupDefunctSiloEntryKey', '
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND status = 6
  AND address = @Address AND port = @Port AND generation = @Generation
  AND iamalivetime = @IAmAliveTime AND starttime = @StartTime
  AND COALESCE(suspecttimes, '''') = COALESCE(CAST(@SuspectTimes AS varchar), '''');
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
