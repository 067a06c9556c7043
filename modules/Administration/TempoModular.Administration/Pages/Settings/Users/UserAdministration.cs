using System.Buffers.Text;
using System.Security.Cryptography;
using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;
using TempoModular.Identity;

namespace TempoModular.Administration.Pages.Settings.Users;

/// <summary>A user as the users page and the API show them.</summary>
internal sealed record UserRow(UserProfile Profile)
{
    public string Key => UserNames.Normalize(Profile.UserName);

    public bool IsAdministrator => Profile.Active && Profile.Permissions.HasFlag(TempoPermissions.OAuthApplicationAdministrator);
}

/// <summary>What an operation on a user did: the errors by field, or the outcome and a password to show once.</summary>
internal sealed record UserOutcome(IReadOnlyList<UserError> Errors, UserProfile? User = null, string? GeneratedPassword = null, long RevokedGrants = 0, bool NotFound = false)
{
    public bool Succeeded => Errors.Count == 0;

    public static UserOutcome Refused(string field, string message) => new([new UserError(field, message)]);
}

/// <summary>
/// The site's users and their four permissions: list, add, grant and withdraw,
/// reset a password, unlock, deactivate. The Identity module's grains decide
/// (including that the last administrator stays); each change is audited.
/// </summary>
internal sealed class UserAdministration(IGrainFactory grains, AuditLog audit, SignInThrottle throttle)
{
    // User names are at most 64 characters; nothing longer may activate a grain.
    private const int MaxUserNameLength = 64;

    private IUserDirectoryGrain Directory => grains.GetGrain<IUserDirectoryGrain>(0);

    public async Task<IReadOnlyList<UserRow>> ListAsync()
    {
        var names = await Directory.ListUserNamesAsync();
        var profiles = await Task.WhenAll(names.Select(name => grains.GetGrain<IUserGrain>(name).GetAsync()));
        return [.. profiles.OfType<UserProfile>().Select(p => new UserRow(p)).OrderBy(u => u.Profile.DisplayName, StringComparer.CurrentCultureIgnoreCase)];
    }

    public async Task<UserProfile?> GetAsync(string? userName) =>
        IsPlausible(userName) ? await grains.GetGrain<IUserGrain>(UserNames.Normalize(userName!)).GetAsync() : null;

    /// <summary>Adds a user; a blank password gets a generated one, returned once for the administrator to hand over.</summary>
    public async Task<UserOutcome> AddAsync(string? userName, string? displayName, string? password, TempoPermissions permissions, Administrator by)
    {
        if (!IsPlausible(userName))
        {
            return UserOutcome.Refused("userName", string.IsNullOrWhiteSpace(userName) ? "Enter a user name." : $"A user name has at most {MaxUserNameLength} characters.");
        }

        var generated = string.IsNullOrEmpty(password) ? NewPassword() : null;
        var user = grains.GetGrain<IUserGrain>(UserNames.Normalize(userName!));
        var errors = await user.CreateAsync(new NewUser(userName!, displayName ?? "", generated ?? password!, permissions));
        if (errors.Count > 0)
        {
            return new UserOutcome(errors);
        }

        var created = (await user.GetAsync())!;
        await AppendAsync(by, AuditActions.UserAdded, created, $"Permissions: {Permissions(created.Permissions)}.");
        return new UserOutcome([], created, generated);
    }

    public async Task<UserOutcome> SetPermissionsAsync(string userName, TempoPermissions permissions, Administrator by)
    {
        if (await GetAsync(userName) is not { } before)
        {
            return NoSuchUser();
        }

        var errors = await Directory.SetPermissionsAsync(before.UserName, permissions);
        if (errors.Count > 0)
        {
            return new UserOutcome(errors, before);
        }

        var after = before with { Permissions = permissions };
        if (before.Permissions != permissions)
        {
            await AppendAsync(by, AuditActions.PermissionsChanged, after, $"Permissions: {Permissions(before.Permissions)} → {Permissions(permissions)}.");
        }

        return new UserOutcome([], after);
    }

    /// <summary>Sets a new password (a blank one is generated and returned once); every sign-in of the user ends.</summary>
    public async Task<UserOutcome> ResetPasswordAsync(string userName, string? password, Administrator by)
    {
        if (await GetAsync(userName) is not { } user)
        {
            return NoSuchUser();
        }

        var generated = string.IsNullOrEmpty(password) ? NewPassword() : null;
        var errors = await grains.GetGrain<IUserGrain>(UserNames.Normalize(user.UserName)).ResetPasswordAsync(generated ?? password!);
        if (errors.Count > 0)
        {
            return new UserOutcome(errors, user);
        }

        await AppendAsync(by, AuditActions.PasswordReset, user, "Every sign-in of the user ended.");
        return new UserOutcome([], user, generated);
    }

    /// <summary>
    /// Lets a user whose name is throttled after wrong passwords try again at
    /// once: forgets the failures recorded against the name (on this host; each
    /// host of a cluster counts its own).
    /// </summary>
    public async Task<UserOutcome> UnlockAsync(string userName, Administrator by)
    {
        if (await GetAsync(userName) is not { } user)
        {
            return NoSuchUser();
        }

        throttle.ClearUserName(user.UserName);
        await AppendAsync(by, AuditActions.UserUnlocked, user, null);
        return new UserOutcome([], user);
    }

    /// <summary>Deactivates a user: their sign-ins end, and every grant they gave an application is revoked with its tokens.</summary>
    public async Task<UserOutcome> DeactivateAsync(string userName, Administrator by)
    {
        if (await GetAsync(userName) is not { } user)
        {
            return NoSuchUser();
        }

        var errors = await Directory.DeactivateAsync(user.UserName);
        if (errors.Count > 0)
        {
            return new UserOutcome(errors, user);
        }

        var (grants, tokens) = await RevokeGrantsGivenByAsync(UserNames.Normalize(user.UserName));
        await AppendAsync(by, AuditActions.UserDeactivated, user,
            $"Sign-ins ended; {Display.Count(grants, "grant")} to applications and {Display.Count(tokens, "token")} revoked.");
        return new UserOutcome([], user with { Active = false }, RevokedGrants: grants);
    }

    // Grants name the user by the subject the sign-in cookie carries: the
    // normalized user name. Page by page through the directory, so a site with
    // many applications is not held in memory at once.
    private async Task<(long Grants, long Tokens)> RevokeGrantsGivenByAsync(string subject)
    {
        long grants = 0, tokens = 0;
        var directory = grains.GetGrain<IApplicationDirectoryGrain>(0);
        for (var page = 1; ; page++)
        {
            var applications = await directory.ListAsync(page, 100, null);
            foreach (var application in applications.Items)
            {
                var tokenSet = grains.GetGrain<IApplicationTokenSet>(application.ClientId);
                foreach (var grant in await tokenSet.FindGrantsAsync(subject, TokenStatuses.Valid, null))
                {
                    tokens += await tokenSet.RevokeGrantAsync(grant.Id);
                    grants++;
                }
            }

            if (page * applications.PageSize >= applications.TotalCount)
            {
                return (grants, tokens);
            }
        }
    }

    private Task AppendAsync(Administrator by, string action, UserProfile user, string? details) =>
        audit.AppendAsync(by, action, "", "", $"User {user.DisplayName} ({user.UserName}). {details}".TrimEnd());

    private static string Permissions(TempoPermissions permissions) =>
        TempoPermissionNames.Held(permissions) is { Count: > 0 } held ? string.Join(", ", held) : "none";

    private static UserOutcome NoSuchUser() => new([new UserError("userName", "There is no such user.")], NotFound: true);

    private static bool IsPlausible(string? userName) => !string.IsNullOrWhiteSpace(userName) && userName.Trim().Length <= MaxUserNameLength;

    // 144 random bits, URL-safe: survives being read out, pasted and typed.
    private static string NewPassword() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
}
