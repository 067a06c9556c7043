using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TempoModular.Storage;

/// <summary>
/// Ready only while the database takes a write. A read (SELECT 1) kept
/// answering while the disk was full or another process held the write lock,
/// so the probe commits a one-row update, waiting at most
/// <see cref="ProbeTimeoutSeconds"/> for the lock.
/// </summary>
internal sealed class StorageHealthCheck(TempoDatabase database) : IHealthCheck
{
    /// <summary>Well under the orchestrators' usual probe timeouts.</summary>
    internal const int ProbeTimeoutSeconds = 2;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            if (connection is SqliteConnection sqlite)
            {
                // The transaction below begins IMMEDIATE (takes the write lock up
                // front); a lock held elsewhere shows as SQLITE_BUSY after this wait.
                sqlite.DefaultTimeout = ProbeTimeoutSeconds;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandTimeout = ProbeTimeoutSeconds;
            command.CommandText = "UPDATE tempo_storage_probe SET checked_at = @now WHERE id = 1";
            command.AddParameter("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} takes writes");
        }
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} does not take writes", ex);
        }
    }
}
