using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Browser.Tests;

/// <summary>
/// The real host (Program.cs, every module, the silo) on Kestrel at 127.0.0.1 and a
/// free port, on a SQLite data folder of its own: a browser needs real HTTP, which
/// WebApplicationFactory's in-memory TestServer does not offer.
/// </summary>
public sealed class KestrelHost : IAsyncDisposable
{
    private readonly Factory _factory;

    private KestrelHost(TestDatabase database, Factory factory, Uri address)
    {
        Database = database;
        _factory = factory;
        Address = address;
    }

    public TestDatabase Database { get; }

    /// <summary>Where the site listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _factory.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public static async Task<KestrelHost> StartAsync()
    {
        var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var httpPort = FreeTcpPort();
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            // The issuer is the site's configured public URL (never the Host
            // header), so the host must know its port before it starts.
            ["Authorization:Issuer"] = $"http://127.0.0.1:{httpPort}/",
            ["Orleans:SiloPort"] = FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ServiceId"] = "tempo-browser-test-" + Guid.NewGuid().ToString("N"),
            ["Bootstrap:AdminPassword"] = TestUsers.AdminPassword,
            ["Metrics:Enabled"] = "false",
        };

        var factory = new Factory(settings);

        // A free port on the loopback address, chosen above so the issuer can name it.
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, httpPort));
        try
        {
            factory.StartServer();
        }
        catch
        {
            await factory.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }

        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = new Uri(addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)) + "/");
        return new KestrelHost(database, factory, address);
    }

    /// <summary>An HttpClient to the site over real HTTP, as an integrator's back end would call it.</summary>
    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = Address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        // As in TestHost: host configuration is what Program.cs sees when it composes the silo.
        protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
        {
            builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(settings));
            return base.CreateHost(builder);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Development: the sign-in cookie is then not Secure-only (see SignInCookie),
            // so the browser sends it back over plain http://127.0.0.1.
            builder.UseEnvironment("Development");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        }
    }
}
