using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TempoModular.Storage;

/// <summary>
/// Moves SQLite's WAL checkpoints off the request path.
/// <para>
/// By default the connection whose commit pushes the WAL past 1,000 pages runs
/// the checkpoint inside that commit, so every few seconds of token issuance
/// one group of requests waited for a disk sync. Our connections turn automatic
/// checkpoints off (see TempoDatabase); this service copies the WAL into the
/// database once a second in PASSIVE mode, which never blocks anyone. Keeping
/// the file under its cap is the writers' part (TempoDatabase.KeepWalUnderCapAsync):
/// only a checkpoint run between two commits catches up with the WAL's head.
/// </para>
/// </summary>
internal sealed partial class WalCheckpoints(TempoDatabase database, ILogger<WalCheckpoints> logger, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.SqliteFile is null)
        {
            return;
        }

        var failures = 0;
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckpointAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The next tick tries again; the first failure of a run is logged
                // with its cause, then one line every 60 failures (a minute).
                if (failures++ % 60 == 0)
                {
                    LogFailed(logger, failures, error);
                }
            }
        }
    }

    /// <summary>Runs one PASSIVE checkpoint; returns SQLite's (busy, WAL frames, frames checkpointed).</summary>
    internal async Task<(long Busy, long Frames, long Checkpointed)> CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await checkpoint.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : (0, 0, 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite WAL checkpoint failed ({Failures} in a row); retrying in a second.")]
    private static partial void LogFailed(ILogger logger, int failures, Exception error);
}
