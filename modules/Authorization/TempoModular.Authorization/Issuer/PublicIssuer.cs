using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TempoModular.Authorization.Issuer;

/// <summary>
/// The issuer every token, the metadata and the authorization response's
/// <c>iss</c> name: <c>Authorization:Issuer</c>, or else the first address this
/// host listens on. Never the request's Host header: a forged Host would
/// otherwise put an attacker's URL into the metadata and the tokens (RFC 8414
/// §3.3, RFC 9207), and one cluster behind several host names would issue
/// tokens its own hosts refuse. Every host of a cluster sets the same value,
/// the public URL in front of them.
/// </summary>
internal sealed partial class PublicIssuer(IConfiguration configuration, IServiceProvider services)
{
    private readonly Lazy<Uri> _value = new(() => Resolve(configuration, services));

    public Uri Value => _value.Value;

    private static Uri Resolve(IConfiguration configuration, IServiceProvider services)
    {
        if (configuration["Authorization:Issuer"] is { Length: > 0 } configured)
        {
            return Absolute(configured, "Authorization:Issuer");
        }

        // The addresses the server really bound (port 0 resolved), else --urls.
        var bound = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var listening = bound ?? configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? throw new InvalidOperationException("Set Authorization:Issuer to the public URL of the site.");
        var uri = Absolute(listening, "Urls");
        if (uri.Host is "0.0.0.0" or "[::]" or "*" or "+" || listening.Contains("://*", StringComparison.Ordinal) || listening.Contains("://+", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The host listens on every address ({listening}), so it cannot name itself: set Authorization:Issuer to the public URL of the site.");
        }

        return uri;
    }

    private static Uri Absolute(string value, string key)
    {
        // Kestrel's "*" and "+" wildcards are not valid URI hosts.
        var text = value.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new InvalidOperationException($"{key} '{value}' is not an absolute http(s) URL without query or fragment (RFC 8414 §2).");
        }

        // A trailing slash, so "issuer" compares equal however it was written.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }

    /// <summary>
    /// Unless <c>AllowedHosts</c> is configured, the site answers only requests
    /// addressed to the issuer's host or to loopback (health probes, a proxy on
    /// the same machine); anything else is refused with 400 by host filtering.
    /// </summary>
    internal sealed class DefaultAllowedHosts(IConfiguration configuration, PublicIssuer issuer) : IPostConfigureOptions<HostFilteringOptions>
    {
        public void PostConfigure(string? name, HostFilteringOptions options)
        {
            if (configuration["AllowedHosts"] is not null)
            {
                return;
            }

            options.AllowedHosts = [issuer.Value.Host, "localhost", "127.0.0.1", "[::1]"];
        }
    }

    /// <summary>Names the issuer in the log once the server listens, and stops the host at once if none can be named.</summary>
    internal sealed partial class Announcement(PublicIssuer issuer, IHostApplicationLifetime lifetime, ILogger<PublicIssuer> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                try
                {
                    LogIssuer(issuer.Value);
                }
                catch (InvalidOperationException ex)
                {
                    LogNoIssuer(ex.Message);
                    lifetime.StopApplication();
                }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Issuer: {Issuer}")]
        private partial void LogIssuer(Uri issuer);

        [LoggerMessage(Level = LogLevel.Critical, Message = "{Problem}")]
        private partial void LogNoIssuer(string problem);
    }
}
