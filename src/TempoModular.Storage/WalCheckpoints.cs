using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TempoModular.Storage;

/// <summary>
/// Moves SQLite's WAL checkpoints off the request path and keeps the WAL under
/// <see cref="StorageOptions.WalSizeLimitMegabytes"/>.
/// <para>
/// By default the connection whose commit pushes the WAL past 1,000 pages runs
/// the checkpoint inside that commit, so every few seconds of token issuance
/// one group of requests waited for a disk sync. Our connections turn automatic
/// checkpoints off (see TempoDatabase); this service copies the WAL into the
/// database once a second in PASSIVE mode, which never blocks anyone.
/// </para>
/// <para>
/// PASSIVE alone never shortens the file: SQLite only starts the WAL over when
/// no reader still uses it, and under steady load some reader always does, so
/// the file grew by every commit (2.6 GB in 3 minutes at 1,000 tokens/s). So
/// the file size is watched every 100 ms and, once it reaches a quarter of the
/// cap, a TRUNCATE checkpoint waits for the readers to finish, copies the few
/// frames PASSIVE has not, and empties the file. Only then do writers wait
/// (for that checkpoint, up to the lock timeout), and only while the WAL is
/// large. Durability is unchanged: a commit is in the WAL before it returns.
/// </para>
/// </summary>
internal sealed partial class WalCheckpoints(TempoDatabase database, IOptions<StorageOptions> options, ILogger<WalCheckpoints> logger, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PassiveInterval = TimeSpan.FromSeconds(1);

    /// <summary>The WAL size at which the file is emptied: a quarter of the cap leaves room for a few seconds of the heaviest load while readers finish.</summary>
    internal long TruncateThreshold => options.Value.WalSizeLimitBytes / 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.SqliteFile is null)
        {
            return;
        }

        var wal = new FileInfo(database.SqliteFile + "-wal");
        var lastPassive = time.GetTimestamp();
        var failures = 0;
        using var timer = new PeriodicTimer(Poll, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                wal.Refresh();
                if (wal.Exists && wal.Length >= TruncateThreshold)
                {
                    var (busy, _, _) = await CheckpointAsync("TRUNCATE", stoppingToken);
                    LogTruncated(logger, wal.Length, busy != 0);
                    lastPassive = time.GetTimestamp();
                }
                else if (time.GetElapsedTime(lastPassive) >= PassiveInterval)
                {
                    await CheckpointAsync("PASSIVE", stoppingToken);
                    lastPassive = time.GetTimestamp();
                }

                failures = 0;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The next tick tries again; the first failure of a run is logged
                // with its cause, then one line every 100 failures (10 s).
                if (failures++ % 100 == 0)
                {
                    LogFailed(logger, failures, error);
                }
            }
        }
    }

    /// <summary>Runs one checkpoint; returns SQLite's (busy, WAL frames, frames checkpointed).</summary>
    internal async Task<(long Busy, long Frames, long Checkpointed)> CheckpointAsync(string mode, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            // A TRUNCATE checkpoint holds the write lock while it waits for readers
            // (a large application loading its tokens reads for seconds): give up
            // after a second and try again on a later tick rather than make writers
            // wait out their whole lock timeout.
            sqlite.DefaultTimeout = 1;
        }

        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await checkpoint.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : (0, 0, 0);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQLite WAL of {Bytes} bytes truncated (busy: {Busy})")]
    private static partial void LogTruncated(ILogger logger, long bytes, bool busy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite WAL checkpoint failed ({Failures} in a row); retrying in 100 ms.")]
    private static partial void LogFailed(ILogger logger, int failures, Exception error);
}
