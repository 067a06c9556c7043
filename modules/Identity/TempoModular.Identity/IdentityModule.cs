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
        services.AddOptions<SignInThrottlingOptions>()
            .Bind(configuration.GetSection(SignInThrottlingOptions.Section))
            .Validate(o => o.FailuresPerUserName >= 1, $"{SignInThrottlingOptions.Section}:FailuresPerUserName must be at least 1.")
            .Validate(o => o.FailuresPerSource >= 1, $"{SignInThrottlingOptions.Section}:FailuresPerSource must be at least 1.")
            .Validate(o => o.Window > TimeSpan.Zero, $"{SignInThrottlingOptions.Section}:Window must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new SignInThrottle(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignInThrottlingOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.Section));

        // Tests replace the clock to move through a throttling window without waiting for it.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PasswordHashing>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BootstrapAdministrator>();
        services.AddSignInCookie(configuration);
        return services;
    }
}
