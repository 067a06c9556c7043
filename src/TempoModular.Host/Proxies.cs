using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TempoModular.Host;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies
/// named in <c>ForwardedHeaders:KnownProxies</c> (IP addresses) and
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR), plus loopback: from anyone
/// else they would let a client claim HTTPS it did not use or another source
/// address. They never change the issuer (<c>Authorization:Issuer</c>).
/// </summary>
internal static class Proxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ForwardedHeaders");
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in section.GetSection("KnownProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in section.GetSection("KnownNetworks").Get<string[]>() ?? [])
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }
}
