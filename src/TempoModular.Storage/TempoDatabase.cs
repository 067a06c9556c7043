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
            // journal_size_limit: whenever the WAL restarts, SQLite cuts the file
            // back to the cap, so space a burst took is given back.
            _sqlitePragmas = $"PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {storage.WalSizeLimitBytes};";
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
        using var pragma = connection.CreateCommand();
        pragma.CommandText = _sqlitePragmas;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public ValueTask DisposeAsync()
    {
        _folderLock?.Dispose();
        return _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
