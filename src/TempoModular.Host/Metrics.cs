using System.Net;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TempoModular.Storage;

namespace TempoModular.Host;

/// <summary>The "Metrics" section: where the Prometheus scrape endpoint listens.</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Metrics";

    public bool Enabled { get; set; } = true;

    /// <summary>Loopback by default: the endpoint is for the operator's scraper on this machine, never the public.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>9464 is the port OpenTelemetry's Prometheus exporters use by convention.</summary>
    public int Port { get; set; } = 9464;

    public string Path { get; set; } = "/metrics";
}

/// <summary>
/// OpenTelemetry metrics (the product's meter, Orleans', ASP.NET Core's and the
/// runtime's) served for Prometheus on a port of their own. The scrape endpoint
/// is a separate small Kestrel server, not a route of the site: nothing about
/// the public address, proxies or Host headers can reach it, and the site's
/// port answers 404 for the path like for any unknown page.
/// </summary>
internal static partial class Metrics
{
    public static WebApplicationBuilder AddTempoMetrics(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        if (!IPAddress.TryParse(options.Address, out var address) || options.Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"Metrics:Address must be an IP address and Metrics:Port a port number (got '{options.Address}', {options.Port}).");
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(TempoMeter.Name))
            .WithMetrics(metrics => metrics
                .AddMeter(TempoMeter.Name, "Microsoft.Orleans", "System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        builder.Services.AddHostedService(services => new ScrapeEndpoint(
            new IPEndPoint(address, options.Port), options.Path, services.GetRequiredService<MeterProvider>(), services.GetRequiredService<ILogger<ScrapeEndpoint>>()));
        return builder;
    }

    /// <summary>The scrape server: one path on its own address and port, 404 for everything else.</summary>
    private sealed partial class ScrapeEndpoint(IPEndPoint endpoint, string path, MeterProvider meters, ILogger<ScrapeEndpoint> logger) : IHostedService, IAsyncDisposable
    {
        private WebApplication? _server;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // An empty builder reads no configuration, so the site's Urls and
            // Kestrel settings never apply here.
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
            var server = builder.Build();
            server.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null!, path, configureBranchedPipeline: null!, optionsName: null!);
            await server.StartAsync(cancellationToken);
            _server = server;
            LogListening(logger, endpoint, path);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_server is not null)
            {
                await _server.StopAsync(cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus metrics at http://{Endpoint}{Path}")]
        private static partial void LogListening(ILogger logger, IPEndPoint endpoint, string path);
    }
}
