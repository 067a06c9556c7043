using System.Net;
using Orleans.Configuration;
using TempoModular.Storage;

namespace TempoModular.Host;

/// <summary>How the silo inside the host is put together.</summary>
internal static class Silo
{
    public static ISiloBuilder AddTempoSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

        if (storage.Provider == StorageProvider.PostgreSql)
        {
            // Every host started on the database finds the others in its
            // membership table (created by the schema bootstrap, 015-*.sql), so
            // each grain has one activation in the whole cluster and a revocation
            // on one host is what every host sees next.
            silo.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = "Npgsql";
                clustering.ConnectionString = storage.PostgreSql;
            });
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ServiceId = options.ServiceId;
                cluster.ClusterId = options.ClusterId;
            });
            silo.ConfigureEndpoints(options.AdvertisedIPAddress, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.ListenOnAnyHostAddress);
        }
        else
        {
            // The embedded default is one host (its data folder is locked, see
            // DataFolderLock): it clusters with itself on loopback. The service id
            // keys every stored row, so it must stay the same across restarts.
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        // A dead host is noticed after about three missed probes of two seconds
        // (the default is 3 x 5 s): until then calls to its grains fail fast and
        // are answered 503 + Retry-After (see ServiceUnavailable). A call that
        // gets no answer fails after ten seconds instead of thirty.
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = TimeSpan.FromSeconds(2);
            membership.NumMissedProbesLimit = 3;
            configuration.GetSection(SiloOptions.Section + ":Membership").Bind(membership);
        });
        silo.Configure<SiloMessagingOptions>(messaging =>
        {
            messaging.ResponseTimeout = TimeSpan.FromSeconds(10);
            configuration.GetSection(SiloOptions.Section + ":Messaging").Bind(messaging);
        });

        silo.UseClusterTls(configuration);
        silo.AddTempoGrainStorage();
        silo.Services.AddSingleton<SiloStatus>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloStatus>());
        return silo;
    }
}

/// <summary>The "Orleans" configuration section.</summary>
internal sealed class SiloOptions
{
    public const string Section = "Orleans";

    /// <summary>The silo-to-silo port; every host on one machine needs its own.</summary>
    public int SiloPort { get; set; } = EndpointOptions.DEFAULT_SILO_PORT;

    /// <summary>0: no gateway; the web host talks to its own silo in-process.</summary>
    public int GatewayPort { get; set; }

    public string ServiceId { get; set; } = "tempo-modular";

    public string ClusterId { get; set; } = "tempo-modular";

    /// <summary>
    /// The address the other hosts reach this one at (PostgreSQL clusters).
    /// Loopback by default, which is right for several hosts on one machine;
    /// hosts on several machines each set their own routable address.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface (for example in a container) while advertising <see cref="AdvertisedAddress"/>.</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    public IPAddress AdvertisedIPAddress => IPAddress.TryParse(AdvertisedAddress, out var address)
        ? address
        : throw new InvalidOperationException($"Orleans:AdvertisedAddress '{AdvertisedAddress}' is not an IP address.");
}
