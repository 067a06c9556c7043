using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TempoModular.Applications.Tokens;
using TempoModular.Storage;

namespace TempoModular.Applications;

public static class ApplicationsModule
{
    /// <summary>The application registry: its options, clock and Data Protection (grains are found by Orleans).</summary>
    public static IServiceCollection AddApplicationsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApplicationsOptions>()
            .Bind(configuration.GetSection(ApplicationsOptions.Section))
            .Validate(o => o.SecretRotationGracePeriod >= TimeSpan.Zero, "Applications:SecretRotationGracePeriod cannot be negative.")
            .Validate(o => o.ActiveTokenCountInterval > TimeSpan.Zero, "Applications:ActiveTokenCountInterval must be positive.")
            .ValidateOnStart();

        // Tests replace the clock to step across the rotation grace period.
        services.TryAddSingleton(TimeProvider.System);
        services.AddDataProtection();

        // The token sets' durable side: one group-committing writer per silo.
        services.TryAddSingleton<TokenJournal>();
        services.AddSchemaSource(typeof(ApplicationsModule).Assembly);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, TokenScopeColumn>();
        return services;
    }
}
