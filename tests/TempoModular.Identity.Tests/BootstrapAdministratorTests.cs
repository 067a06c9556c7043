using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TempoModular.Identity.Bootstrap;
using TempoModular.Storage;

namespace TempoModular.Identity.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class BootstrapAdministratorTests
{
    private const string ConfiguredPassword = "configured-admin-password-1";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_new_site_gets_the_configured_administrator_with_all_four_permissions(StorageProvider provider)
    {
        using var console = new ConsoleCapture();
        var logs = new CapturedLogs();

        await using var silo = await IdentitySilo.StartAsync(
            provider,
            settings: new Dictionary<string, string?>
            {
                ["Bootstrap:AdminUser"] = "Site.Admin",
                ["Bootstrap:AdminPassword"] = ConfiguredPassword,
            },
            services: s => s.AddSingleton<ILoggerProvider>(logs));

        Assert.Equal(["SITE.ADMIN"], await silo.Directory().ListUserNamesAsync());
        var administrator = await silo.User("site.admin").GetAsync();
        Assert.NotNull(administrator);
        Assert.Equal("Site.Admin", administrator.UserName);
        Assert.Equal("Administrator", administrator.DisplayName);
        Assert.Equal(TempoPermissions.OAuthApplicationAdministrator, administrator.Permissions);
        Assert.Equal(SignInOutcome.Succeeded, (await silo.User("Site.Admin").VerifyPasswordAsync(ConfiguredPassword)).Outcome);
        Assert.DoesNotContain(ConfiguredPassword, console.Text);
        Assert.Contains("Site.Admin", logs.Text);
        Assert.DoesNotContain(ConfiguredPassword, logs.Text);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Without_a_configured_password_a_generated_one_is_printed_once_and_signs_the_administrator_in(StorageProvider provider)
    {
        using var console = new ConsoleCapture();
        var logs = new CapturedLogs();

        await using var silo = await IdentitySilo.StartAsync(
            provider,
            settings: new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = "" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));

        var printed = console.Text;
        var match = Regex.Match(printed, @"Password:\s+(\S+)");
        Assert.True(match.Success, printed);
        var password = match.Groups[1].Value;
        Assert.Matches("^[A-Za-z0-9_-]{20,}$", password);
        Assert.Contains("will NOT be shown again", printed);
        Assert.Contains("User name: admin", printed);
        Assert.Equal(SignInOutcome.Succeeded, (await silo.User("admin").VerifyPasswordAsync(password)).Outcome);
        Assert.Equal(TempoPermissions.OAuthApplicationAdministrator, (await silo.User("admin").GetAsync())!.Permissions);
        Assert.Contains("bootstrap administrator", logs.Text);
        Assert.DoesNotContain(password, logs.Text);
        Assert.DoesNotContain(password, await silo.Database.DumpAsync());

        await silo.RestartAsync();

        Assert.DoesNotContain("Password:", console.Text[printed.Length..]);
        Assert.Equal(["ADMIN"], await silo.Directory().ListUserNamesAsync());
        Assert.Equal(SignInOutcome.Succeeded, (await silo.User("admin").VerifyPasswordAsync(password)).Outcome);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_restart_leaves_existing_users_alone_even_when_the_configured_administrator_changed(StorageProvider provider)
    {
        using var console = new ConsoleCapture();
        var settings = new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = ConfiguredPassword };
        await using var silo = await IdentitySilo.StartAsync(provider, settings: settings);
        var administrator = await silo.User("admin").GetAsync();
        Assert.NotNull(administrator);

        // TestSilo reads the settings again on every start.
        settings["Bootstrap:AdminPassword"] = "a-different-admin-password";
        await silo.RestartAsync();

        Assert.Equal(administrator, await silo.User("admin").GetAsync());
        Assert.Equal(SignInOutcome.Succeeded, (await silo.User("admin").VerifyPasswordAsync(ConfiguredPassword)).Outcome);
        Assert.Equal(SignInOutcome.WrongCredentials, (await silo.User("admin").VerifyPasswordAsync("a-different-admin-password")).Outcome);

        settings["Bootstrap:AdminUser"] = "another.admin";
        await silo.RestartAsync();

        Assert.Null(await silo.User("another.admin").GetAsync());
        Assert.Equal(["ADMIN"], await silo.Directory().ListUserNamesAsync());
        Assert.Empty(console.Text);
    }

    [Theory]
    [InlineData("Bootstrap:AdminPassword", "tiny-pass")]
    [InlineData("Bootstrap:AdminUser", "   ")]
    [InlineData("Bootstrap:AdminUser", "admin istrator")]
    public async Task A_configured_administrator_that_breaks_the_rules_stops_the_silo_without_revealing_the_password(string key, string value)
    {
        using var console = new ConsoleCapture();
        var settings = new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = "tiny-pass", [key] = value };
        if (key != "Bootstrap:AdminPassword")
        {
            settings["Bootstrap:AdminPassword"] = ConfiguredPassword;
        }

        // SQLite only: the silo never starts, so there is nothing of PostgreSQL's to exercise.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => IdentitySilo.StartAsync(StorageProvider.Sqlite, settings: settings));

        Assert.Contains(key, error.ToString());
        Assert.DoesNotContain(settings["Bootstrap:AdminPassword"]!, error.ToString());
        Assert.DoesNotContain(settings["Bootstrap:AdminPassword"]!, console.Text);
    }

    [Fact]
    public void The_administrator_password_can_come_from_the_environment()
    {
        Environment.SetEnvironmentVariable("Bootstrap__AdminPassword", "from-the-environment-1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            using var services = new ServiceCollection().AddIdentityModule(configuration).BuildServiceProvider();

            Assert.Equal("from-the-environment-1", services.GetRequiredService<IOptions<BootstrapOptions>>().Value.AdminPassword);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Bootstrap__AdminPassword", null);
        }
    }
}
