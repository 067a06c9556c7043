using Orleans.Configuration;
using TempoModular.Storage;

namespace TempoModular.Host;

/// <summary>How the silo inside the host is put together.</summary>
internal static class Silo
{
    public static ISiloBuilder AddTempoSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();

        // A single host clusters with itself. The service id keys every stored
        // row, so it must stay the same across restarts.
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        silo.AddTempoGrainStorage();
        silo.Services.AddSingleton<SiloStatus>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloStatus>());
        return silo;
    }
}

internal sealed class SiloOptions
{
    public const string Section = "Orleans";

    public int SiloPort { get; set; } = EndpointOptions.DEFAULT_SILO_PORT;

    /// <summary>0: no gateway; the web host talks to its own silo in-process.</summary>
    public int GatewayPort { get; set; }

    public string ServiceId { get; set; } = "tempo-modular";

    public string ClusterId { get; set; } = "tempo-modular";
}
