using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TempoModular.Storage;

/// <summary>Ready only while the database answers a trivial query.</summary>
internal sealed class StorageHealthCheck(TempoDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} reachable");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} unreachable", ex);
        }
    }
}
