namespace TempoModular.Identity;

/// <summary>The four Tempo/Jira permissions a user may hold.</summary>
[Flags]
public enum TempoPermissions
{
    None = 0,
    TempoAdministrator = 1,
    JiraAdministrator = 2,
    TempoTeamAdministrator = 4,
    TempoAccountAdministrator = 8,

    /// <summary>What administering OAuth 2.0 applications takes: all four.</summary>
    OAuthApplicationAdministrator = TempoAdministrator | JiraAdministrator | TempoTeamAdministrator | TempoAccountAdministrator,
}

/// <summary>
/// A user as the rest of the product sees it (never the password hash). A
/// sign-in is valid while the user is <see cref="Active"/> and its
/// <see cref="SecurityStamp"/> is the one it was issued with: signing out,
/// a new password and deactivation change the stamp.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string UserName,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] TempoPermissions Permissions,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] bool Active = true,
    [property: Id(5)] string SecurityStamp = "");

/// <summary>What creating a user takes.</summary>
[GenerateSerializer, Immutable]
public sealed record NewUser(
    [property: Id(0)] string UserName,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Password,
    [property: Id(3)] TempoPermissions Permissions);

public enum SignInOutcome
{
    Succeeded = 0,
    WrongCredentials = 1,
}

/// <summary>The answer to a password check. A wrong user name and a wrong password look the same to the caller.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInResult(
    [property: Id(0)] SignInOutcome Outcome,
    [property: Id(1)] UserProfile? User);

/// <summary>Why creating a user was refused, by field.</summary>
[GenerateSerializer, Immutable]
public sealed record UserError(
    [property: Id(0)] string Field,
    [property: Id(1)] string Message);

/// <summary>
/// One user, keyed by the normalized (trimmed, upper-invariant) user name; see
/// <see cref="UserNames.Normalize"/>.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; errors name the field and nothing is written.</summary>
    Task<IReadOnlyList<UserError>> CreateAsync(NewUser user);

    /// <summary>
    /// The user, deactivated ones included; null when there is none. Interleaves
    /// with everything (it only reads what is in memory), so checking a sign-in on
    /// each request never waits behind a password hash.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<UserProfile?> GetAsync();

    /// <summary>
    /// Checks a password. Callers throttle repeated failures per source first
    /// (<see cref="SignInThrottle"/>). A deactivated user's right password is
    /// refused like a wrong one. Read-only, so checks of one user interleave: the
    /// hash runs off the grain's turn, and an API client's concurrent Basic
    /// requests are not served one PBKDF2 after another.
    /// </summary>
    [Orleans.Concurrency.ReadOnly]
    Task<SignInResult> VerifyPasswordAsync(string password);

    /// <summary>Sets a new password (errors on field "password"); ends every sign-in.</summary>
    Task<IReadOnlyList<UserError>> ResetPasswordAsync(string password);

    /// <summary>Ends every sign-in of the user (signing out ends them all: they share the stamp).</summary>
    Task EndSessionsAsync();
}

/// <summary>
/// The site's users (one activation, key 0): lists them, and changes what may
/// leave the site without an administrator. Being one non-reentrant activation
/// is what keeps the last administrator: two demotions cannot both pass the check.
/// </summary>
public interface IUserDirectoryGrain : IGrainWithIntegerKey
{
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> ListUserNamesAsync();

    /// <summary>Replaces a user's permissions; refused (field "permissions") when it would leave no active user holding all four.</summary>
    Task<IReadOnlyList<UserError>> SetPermissionsAsync(string userName, TempoPermissions permissions);

    /// <summary>Deactivates a user and ends their sign-ins; refused (field "userName") for the last active user holding all four permissions.</summary>
    Task<IReadOnlyList<UserError>> DeactivateAsync(string userName);
}

public static class UserNames
{
    /// <summary>The key of a user's grain: trimmed, upper-invariant.</summary>
    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();
}
