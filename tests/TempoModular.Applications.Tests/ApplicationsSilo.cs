using Microsoft.Extensions.DependencyInjection;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Applications.Tests;

/// <summary>
/// A silo running the Applications module on a database of its own, shared by
/// the tests of one class (a silo takes a second or two to start). Its clock is
/// a <see cref="ManualTimeProvider"/> and its rotation grace period one hour.
/// </summary>
public abstract class ApplicationsSilo(StorageProvider provider) : IAsyncLifetime
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromHours(1);

    private TestSilo? _silo;

    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public TestSilo Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    public IApplicationDirectoryGrain Directory => Silo.Grains.GetGrain<IApplicationDirectoryGrain>(0);

    public IOAuthApplicationGrain Application(string clientId) => Silo.Grains.GetGrain<IOAuthApplicationGrain>(clientId);

    /// <summary>How many applications the directory lists.</summary>
    public async Task<int> CountListedApplicationsAsync() => (await Directory.ListAsync(1, 1, null)).TotalCount;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(
            provider,
            (services, configuration) =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                services.AddApplicationsModule(configuration);
            },
            new Dictionary<string, string?> { ["Applications:SecretRotationGracePeriod"] = GracePeriod.ToString() });
    }

    public Task RestartAsync() => Silo.RestartAsync();

    /// <summary>Rows of application grain state in the database, deleted applications included.</summary>
    /// <remarks>The ADO.NET provider keeps the state name in graintypestring.</remarks>
    public async Task<long> CountStoredApplicationsAsync()
    {
        await using var connection = await Silo.Services.GetRequiredService<TempoDatabase>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM orleansstorage WHERE graintypestring = 'oauth-application'";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

public sealed class SqliteSilo() : ApplicationsSilo(StorageProvider.Sqlite);

public sealed class PostgreSqlSilo() : ApplicationsSilo(StorageProvider.PostgreSql);
