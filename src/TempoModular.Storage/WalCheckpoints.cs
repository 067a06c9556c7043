using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TempoModular.Storage;

/// <summary>
/// Moves SQLite's WAL checkpoints off the request path. By default the
/// connection whose commit pushes the WAL past 1,000 pages runs the checkpoint
/// (copy to the database file and fsync) inside that commit, so every few
/// seconds of token issuance one group of requests waited for a disk sync.
/// Our connections turn automatic checkpoints off (see TempoDatabase) and this
/// service checkpoints once a second in PASSIVE mode, which never blocks
/// readers or writers. Durability is unchanged: a commit is in the WAL before
/// it returns either way.
/// </summary>
internal sealed partial class WalCheckpoints(TempoDatabase database, ILogger<WalCheckpoints> logger, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Provider != StorageProvider.Sqlite)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckpointAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The next tick tries again; meanwhile the WAL only grows.
                LogFailed(logger, error);
            }
        }
    }

    internal async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite WAL checkpoint failed; retrying in a second.")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
