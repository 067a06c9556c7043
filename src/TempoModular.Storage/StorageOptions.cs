namespace TempoModular.Storage;

/// <summary>Where the product keeps its data: the "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><see cref="StorageProvider.Sqlite"/> (embedded default) or <see cref="StorageProvider.PostgreSql"/>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Folder for the SQLite file and the key rings; relative paths are taken from the working directory.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>Npgsql connection string, used when <see cref="Provider"/> is PostgreSQL.</summary>
    public string? PostgreSql { get; set; }

    /// <summary>Orleans service id: rows of another service id in the same database are never read.</summary>
    public string ServiceId { get; set; } = "tempo-modular";

    /// <summary>
    /// SQLite: how long a commit waits for another writer's lock before it fails
    /// (and the request gets 503 + Retry-After). Long enough for a background
    /// checkpoint or a burst of commits, short enough that a stuck lock is
    /// reported in seconds rather than stalling every request for half a minute.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// SQLite: the most the write-ahead log (tempo.db-wal) may hold, in
    /// megabytes. Writers restart it from a quarter of this, wait for readers
    /// from half, and refuse to pass it (see TempoDatabase.KeepWalUnderCapAsync).
    /// </summary>
    public int WalSizeLimitMegabytes { get; set; } = 64;

    internal long WalSizeLimitBytes => Math.Max(1, WalSizeLimitMegabytes) * 1024L * 1024L;

    public string DataFolderFullPath => Path.GetFullPath(DataFolder);
}

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}
