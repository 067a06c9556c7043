using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TempoModular.Storage;

namespace TempoModular.Testing;

/// <summary>
/// One real in-process Orleans silo on a real database, with the modules a test
/// needs registered exactly as the host registers them. Restart it to prove that
/// state lives in storage, not in memory.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly Action<IServiceCollection, IConfiguration> _modules;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _serviceId = "tempo-test-" + Guid.NewGuid().ToString("N");
    private InProcessTestCluster _cluster;

    private TestSilo(TestDatabase database, Action<IServiceCollection, IConfiguration> modules, IReadOnlyDictionary<string, string?> settings, InProcessTestCluster cluster)
    {
        Database = database;
        _modules = modules;
        _settings = settings;
        _cluster = cluster;
    }

    public TestDatabase Database { get; }

    public IGrainFactory Grains => _cluster.Client;

    /// <summary>The silo's own services (TimeProvider, Data Protection, module singletons).</summary>
    public IServiceProvider Services => _cluster.GetSiloServiceProvider();

    /// <summary>Starts a silo on a new database of the given kind.</summary>
    public static async Task<TestSilo> StartAsync(
        StorageProvider provider,
        Action<IServiceCollection, IConfiguration> modules,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var silo = new TestSilo(database, modules, settings ?? new Dictionary<string, string?>(), null!);
        silo._cluster = await silo.DeployAsync();
        return silo;
    }

    /// <summary>Stops the silo and starts a new one on the same database.</summary>
    public async Task RestartAsync()
    {
        await _cluster.DisposeAsync();
        _cluster = await DeployAsync();
    }

    private async Task<InProcessTestCluster> DeployAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = _serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(Database.Settings.Concat(_settings));
            host.Services.AddTempoStorage(host.Configuration);
            _modules(host.Services, host.Configuration);
        });
        builder.ConfigureSilo((_, silo) => silo.AddTempoGrainStorage());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await Database.DisposeAsync();
    }
}
