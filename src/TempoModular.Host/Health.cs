using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TempoModular.Host;

/// <summary>Tracks whether the co-hosted silo has reached its Active stage.</summary>
internal sealed class SiloStatus : ILifecycleParticipant<ISiloLifecycle>, IHealthCheck
{
    private volatile bool _active;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloStatus), ServiceLifecycleStage.Active,
            _ => { _active = true; return Task.CompletedTask; },
            _ => { _active = false; return Task.CompletedTask; });

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_active ? HealthCheckResult.Healthy("silo active") : HealthCheckResult.Unhealthy("silo not active"));
}

internal static class Health
{
    public static IServiceCollection AddTempoHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SiloStatus>("silo", tags: ["ready"]);
        return services;
    }

    /// <summary>/health/live: the process answers. /health/ready: silo active and storage reachable.</summary>
    public static void MapTempoHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    }
}
