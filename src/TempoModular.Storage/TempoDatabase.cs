using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TempoModular.Storage;

/// <summary>
/// The one database of a deployment. Modules that keep rows outside grain state
/// (append-only logs, token entries) open their connections here, so every part
/// of the product writes to the same file or server.
/// </summary>
public sealed class TempoDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly DataFolderLock? _folderLock;
    private readonly string _sqlitePragmas = "";

    // The SQLite handles (one per pooled physical connection) that have had the
    // pragmas: they hold for the handle's life, and compiling the three of them
    // again on every open from the pool was a sixth of an API call's SQLite time.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _configured = [];
    private readonly string? _walFile;
    private readonly long _walCap;
    private readonly TimeSpan _lockTimeout;

    public TempoDatabase(IOptions<StorageOptions> options)
    {
        var storage = options.Value;
        Provider = storage.Provider;
        if (Provider == StorageProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(storage.PostgreSql))
            {
                throw new InvalidOperationException("Storage:Provider is PostgreSql but Storage:PostgreSql (the connection string) is empty.");
            }

            ConnectionString = storage.PostgreSql;
            _postgres = NpgsqlDataSource.Create(ConnectionString);
        }
        else
        {
            PrivateFiles.CreateFolder(storage.DataFolderFullPath);
            _folderLock = DataFolderLock.Acquire(storage.DataFolderFullPath);
            SqliteFile = Path.Combine(storage.DataFolderFullPath, "tempo.db");
            // Created owner-only before SQLite opens it: SQLite gives the -wal and
            // -shm files the database file's permissions, and the file holds
            // password hashes and secret ciphertexts.
            PrivateFiles.CreateFile(SqliteFile);
            _walFile = SqliteFile + "-wal";
            _walCap = storage.WalSizeLimitBytes;
            _lockTimeout = storage.LockTimeout;
            // journal_size_limit: on the first commit after the WAL restarts, SQLite
            // cuts the file back to an eighth of the cap, so space a burst took is
            // given back. Below the quarter at which KeepWalUnderCapAsync starts
            // checkpointing, because it reads the file's length: at a quarter, the
            // file never got shorter than its threshold, so once the WAL had reached
            // it every commit ran a checkpoint first.
            _sqlitePragmas = $"PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {_walCap / 8};";
            ConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = SqliteFile,
                Pooling = true,
                // Writers wait for each other rather than failing with SQLITE_BUSY,
                // up to the configured lock timeout (then the request gets 503).
                DefaultTimeout = Math.Max(1, (int)Math.Ceiling(storage.LockTimeout.TotalSeconds)),
            }.ToString();
        }
    }

    public StorageProvider Provider { get; }

    /// <summary>The SQLite database file (its WAL is this path + "-wal"); null on PostgreSQL.</summary>
    public string? SqliteFile { get; }

    public string ConnectionString { get; }

    /// <summary>The invariant name Orleans' ADO.NET providers know the driver by.</summary>
    public string AdoInvariant => Provider == StorageProvider.PostgreSql ? "Npgsql" : "System.Data.SQLite";

    /// <summary>The file-name suffix of this database's SQL scripts: "sqlite" or "postgresql".</summary>
    public string Dialect => Provider == StorageProvider.PostgreSql ? "postgresql" : "sqlite";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL is a property of the file (set once by the schema bootstrap). NORMAL
        // under WAL still survives a killed process: a commit is in the WAL file
        // before it returns; only an OS crash can lose the last commits.
        // Checkpoints run in the background (WalCheckpoints), not inside a commit.
        var handle = connection.Handle!;
        if (!_configured.TryGetValue(handle, out _))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = _sqlitePragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            _configured.TryAdd(handle, handle);
        }

        return connection;
    }

    /// <summary>
    /// The most rows one commit may carry: their WAL frames fit in half the
    /// WAL cap, so a commit always fits once the WAL has been emptied.
    /// Unbounded on PostgreSQL.
    /// </summary>
    public int MaxRowsPerCommit => _walFile is null
        ? int.MaxValue
        : (int)Math.Clamp((_walCap / 2 / WalFrameBytes - WalFramesPerCommit) / WalFramesPerRow, 1, int.MaxValue);

    /// <summary>A WAL frame: a 24-byte header and one 4 KiB page.</summary>
    private const long WalFrameBytes = 24 + 4096;

    /// <summary>
    /// An upper bound of the pages a row of the token tables dirties: its table
    /// page, its two index pages and a share of interior pages.
    /// </summary>
    private const long WalFramesPerRow = 4;

    /// <summary>
    /// What a commit writes whatever its size: the database header page, a
    /// freelist page, the pages of a split at each level of the three
    /// b-trees a token touches, and room for the small commit another writer
    /// (grain state, audit, the health probe) may slip in meanwhile. Without
    /// it a one-row commit that split pages passed the cap by two frames.
    /// </summary>
    private const long WalFramesPerCommit = 16;

    private static long WalBytesFor(int rows) => (rows * WalFramesPerRow + WalFramesPerCommit) * WalFrameBytes;

    /// <summary>
    /// SQLite: keeps the WAL under its cap. The busiest writer (the token
    /// journal) calls this on its own connection before each commit of
    /// <paramref name="rows"/> rows, outside a transaction.
    /// <para>
    /// Under steady load a background checkpoint never catches up with the
    /// WAL's head (every commit appends past it), so SQLite never starts the
    /// file over and it grew by every commit (2.6 GB in 3 minutes at 1,000
    /// tokens/s). Run by the writer between its commits, a checkpoint does
    /// catch up; the next commit then writes the WAL from its start and
    /// journal_size_limit cuts the file back. So:
    /// </para>
    /// <list type="bullet">
    /// <item>from a quarter of the cap, a PASSIVE checkpoint (it waits for
    /// nobody; the background one has copied most frames already);</item>
    /// <item>from half, a TRUNCATE checkpoint that gives up at once if a reader
    /// still holds an old snapshot (that reader is what keeps the WAL from
    /// restarting; readers are short, a later commit finds a moment);</item>
    /// <item>when the commit would pass the cap, the same checkpoint waits
    /// for that reader up to the lock timeout; if the commit still does not
    /// fit, it is refused as a full database (SQLITE_FULL, answered 503 +
    /// Retry-After). The cap holds like a disk's size does; nothing answered
    /// 200 is lost, and only commits at the cap ever wait.</item>
    /// </list>
    /// </summary>
    public async Task KeepWalUnderCapAsync(DbConnection writer, int rows, CancellationToken cancellationToken = default)
    {
        if (_walFile is null)
        {
            return;
        }

        var size = WalLength();
        if (size < _walCap / 4)
        {
            return;
        }

        if (size < _walCap / 2)
        {
            await ExecuteAsync(writer, "PRAGMA wal_checkpoint(PASSIVE);", cancellationToken);
            return;
        }

        await ExecuteAsync(writer, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        var needed = WalBytesFor(rows);
        if (WalLength() + needed <= _walCap)
        {
            return;
        }

        // Microsoft.Data.Sqlite retries busy statements itself and leaves
        // SQLite's busy handler off, so a checkpoint would not wait without this.
        await ExecuteAsync(writer, $"PRAGMA busy_timeout = {(long)_lockTimeout.TotalMilliseconds}; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA busy_timeout = 0;", cancellationToken);
        if (WalLength() + needed > _walCap)
        {
            throw new SqliteException(
                $"The SQLite WAL holds {WalLength()} bytes and a reader keeps it from being emptied; a commit of {rows} rows would pass its cap of {_walCap} bytes (Storage:WalSizeLimitMegabytes).",
                13 /* SQLITE_FULL */);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private long WalLength()
    {
        var wal = new FileInfo(_walFile!);
        return wal.Exists ? wal.Length : 0;
    }

    public ValueTask DisposeAsync()
    {
        _folderLock?.Dispose();
        return _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
