using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TempoModular.Storage;

namespace TempoModular.Testing;

/// <summary>
/// The real host (Program.cs, every module, the silo) on a throw-away database,
/// reached through the real ASP.NET Core pipeline. Restart keeps the database.
/// </summary>
public sealed class TestHost<TEntryPoint> : IAsyncDisposable where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDatabase;
    private readonly Action<IServiceCollection>? _services;
    private Factory _factory;

    private TestHost(TestDatabase database, Dictionary<string, string?> settings, bool ownsDatabase, Action<IServiceCollection>? services)
    {
        Database = database;
        _settings = settings;
        _ownsDatabase = ownsDatabase;
        _services = services;
        _factory = new Factory(settings, services);
    }

    public TestDatabase Database { get; }

    public IServiceProvider Services => _factory.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public static async Task<TestHost<TEntryPoint>> StartAsync(StorageProvider provider = StorageProvider.Sqlite, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        Start(await TestDatabase.CreateAsync(provider), ownsDatabase: true, settings, services);

    /// <summary>A host on a database another host (or the test) owns: hosts of one cluster, or a second host refused its data folder.</summary>
    public static TestHost<TEntryPoint> StartOn(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null) =>
        Start(database, ownsDatabase: false, settings, services: null);

    private static TestHost<TEntryPoint> Start(TestDatabase database, bool ownsDatabase, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? services)
    {
        var all = new Dictionary<string, string?>(database.Settings)
        {
            // Each host gets its own silo port so tests can run side by side.
            ["Orleans:SiloPort"] = FreeTcpPort().ToString(),
            ["Orleans:ServiceId"] = "tempo-test-" + Guid.NewGuid().ToString("N"),
            ["Bootstrap:AdminPassword"] = TestUsers.AdminPassword,
            // The in-memory test server listens nowhere, so it cannot name itself.
            ["Authorization:Issuer"] = "http://127.0.0.1/",
            // Hosts run side by side: none takes the one default metrics port.
            ["Metrics:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = new TestHost<TEntryPoint>(database, all, ownsDatabase, services);
        try
        {
            _ = host.Services; // start now, not on the first request
        }
        catch
        {
            host._factory.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>An HttpClient into the pipeline that does not follow redirects and keeps cookies.</summary>
    public HttpClient CreateClient() => _factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri("http://127.0.0.1"),
    });

    /// <summary>Stops the whole host and starts a new one on the same database and data folder.</summary>
    public async Task RestartAsync()
    {
        await _factory.DisposeAsync();
        _factory = new Factory(_settings, _services);
        _ = _factory.Services;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services) : WebApplicationFactory<TEntryPoint>
    {
        // Host configuration reaches Program.cs before it reads configuration to
        // compose the silo (storage provider, ports, ids); the app configuration
        // below only applies once the host is built, which is too late for that.
        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(settings));
            return base.CreateHost(builder);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
            if (services is not null)
            {
                // Test-only additions (a failing endpoint, a log sink), after the host's own.
                builder.ConfigureServices(services);
            }
        }
    }
}

/// <summary>Well-known credentials of the users the tests create.</summary>
public static class TestUsers
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "correct-horse-battery-staple";
}
