using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TempoModular.Identity.Users;

namespace TempoModular.Identity.Tests;

public sealed class LockoutOptionsTests
{
    [Fact]
    public void Without_configuration_five_wrong_passwords_lock_an_account_for_fifteen_minutes()
    {
        var lockout = Resolve([]);

        Assert.Equal(5, lockout.MaxFailedAttempts);
        Assert.Equal(TimeSpan.FromMinutes(15), lockout.Duration);
    }

    [Fact]
    public void The_lockout_threshold_and_duration_come_from_the_Identity_Lockout_section()
    {
        var lockout = Resolve(new()
        {
            ["Identity:Lockout:MaxFailedAttempts"] = "3",
            ["Identity:Lockout:Duration"] = "00:05:00",
        });

        Assert.Equal(3, lockout.MaxFailedAttempts);
        Assert.Equal(TimeSpan.FromMinutes(5), lockout.Duration);
    }

    [Theory]
    [InlineData("Identity:Lockout:MaxFailedAttempts", "0")]
    [InlineData("Identity:Lockout:Duration", "00:00:00")]
    public void A_lockout_that_could_never_lock_or_never_last_is_refused(string key, string value)
    {
        Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));
    }

    private static LockoutOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddIdentityModule(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<LockoutOptions>>().Value;
    }
}
