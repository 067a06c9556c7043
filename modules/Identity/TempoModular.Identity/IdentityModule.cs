using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TempoModular.Identity.Bootstrap;
using TempoModular.Identity.SignIn;
using TempoModular.Identity.Users;

namespace TempoModular.Identity;

public static class IdentityModule
{
    /// <summary>Users, their permissions, the bootstrap administrator and the sign-in cookie (the site's default authentication scheme).</summary>
    public static IServiceCollection AddIdentityModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LockoutOptions>()
            .Bind(configuration.GetSection(LockoutOptions.Section))
            .Validate(o => o.MaxFailedAttempts >= 1, $"{LockoutOptions.Section}:MaxFailedAttempts must be at least 1.")
            .Validate(o => o.Duration > TimeSpan.Zero, $"{LockoutOptions.Section}:Duration must be positive.")
            .ValidateOnStart();
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.Section));

        // Tests replace the clock to move through a lockout without waiting for it.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PasswordHashing>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BootstrapAdministrator>();
        services.AddSignInCookie(configuration);
        return services;
    }
}
