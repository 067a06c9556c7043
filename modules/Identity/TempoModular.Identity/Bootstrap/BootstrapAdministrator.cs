using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TempoModular.Identity.Users;

namespace TempoModular.Identity.Bootstrap;

/// <summary>
/// Gives a new site its first administrator, so someone can sign in and
/// register OAuth applications. Runs once the silo is active; a site that has
/// any user is left alone, so a password changed later is never overwritten.
/// </summary>
internal sealed partial class BootstrapAdministrator(
    IGrainFactory grains,
    IOptions<BootstrapOptions> options,
    ILogger<BootstrapAdministrator> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public const string DisplayName = "Administrator";

    // 24 random bytes: 192 bits, 32 base64url characters.
    private const int GeneratedPasswordBytes = 24;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BootstrapAdministrator), ServiceLifecycleStage.Active, EnsureAdministratorAsync);

    private async Task EnsureAdministratorAsync(CancellationToken cancellationToken)
    {
        var users = await grains.GetGrain<IUserDirectoryGrain>(0).ListUserNamesAsync().WaitAsync(cancellationToken);
        if (users.Count > 0)
        {
            return;
        }

        var userName = options.Value.AdminUser?.Trim() ?? "";
        if (userName.Length == 0)
        {
            // Orleans has no grain for an empty key, so the user grain cannot say this itself.
            throw new InvalidOperationException("The bootstrap administrator could not be created: Bootstrap:AdminUser is empty.");
        }

        var configuredPassword = options.Value.AdminPassword;
        var generated = string.IsNullOrEmpty(configuredPassword);
        var password = generated ? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(GeneratedPasswordBytes)) : configuredPassword!;

        var errors = await grains.GetGrain<IUserGrain>(UserNames.Normalize(userName))
            .CreateAsync(new NewUser(userName, DisplayName, password, TempoPermissions.OAuthApplicationAdministrator))
            .WaitAsync(cancellationToken);

        if (errors.Count == 1 && errors[0] is { Field: NewUserRules.Fields.UserName, Message: NewUserRules.UserNameTaken })
        {
            // Another host of the cluster created it first (and printed its own password).
            return;
        }

        if (errors.Count > 0)
        {
            // Stopping the silo is the loud way to say it: a site whose configured
            // administrator cannot exist would start with nobody able to sign in.
            // The messages describe the rules, never the configured value.
            throw new InvalidOperationException(
                "The bootstrap administrator could not be created (check Bootstrap:AdminUser and Bootstrap:AdminPassword): "
                + string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")));
        }

        LogCreated(userName, generated);
        if (generated)
        {
            // Console, not ILogger: log sinks keep and ship what they receive, and
            // this password must exist in exactly one place, the operator's screen.
            // One write, so other output cannot interleave with the banner.
            Console.WriteLine(Banner(userName, password));
        }
    }

    private static string Banner(string userName, string password) => $"""

        ================================================================
          TempoModular: bootstrap administrator created
            User name: {userName}
            Password:  {password}
          Write the password down now: it is not stored anywhere in
          clear and will NOT be shown again. Set Bootstrap:AdminPassword
          before the first start to choose it yourself.
        ================================================================

        """;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the bootstrap administrator {UserName} (generated password: {Generated}); the site had no users")]
    private partial void LogCreated(string userName, bool generated);
}
