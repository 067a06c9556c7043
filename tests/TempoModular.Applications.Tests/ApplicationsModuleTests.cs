using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TempoModular.Testing;

namespace TempoModular.Applications.Tests;

public sealed class ApplicationsModuleTests
{
    [Fact]
    public void Grace_period_is_24_hours_unless_configured()
    {
        Assert.Equal(TimeSpan.FromHours(24), Options().SecretRotationGracePeriod);
        Assert.Equal(TimeSpan.FromMinutes(90), Options(("Applications:SecretRotationGracePeriod", "01:30:00")).SecretRotationGracePeriod);
    }

    [Fact]
    public void Negative_grace_period_is_refused()
    {
        Assert.Throws<OptionsValidationException>(() => Options(("Applications:SecretRotationGracePeriod", "-01:00:00")));
    }

    [Fact]
    public void System_clock_is_used_unless_another_was_registered()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);

        Assert.Same(TimeProvider.System, Services().GetRequiredService<TimeProvider>());
        Assert.Same(clock, Services(s => s.AddSingleton<TimeProvider>(clock)).GetRequiredService<TimeProvider>());
    }

    private static ApplicationsOptions Options(params (string Key, string Value)[] settings) =>
        Services(configure: null, settings).GetRequiredService<IOptions<ApplicationsOptions>>().Value;

    private static ServiceProvider Services(Action<IServiceCollection>? configure = null, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection();
        configure?.Invoke(services);
        services.AddApplicationsModule(configuration);
        return services.BuildServiceProvider();
    }
}
