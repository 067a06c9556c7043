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

/// <summary>A user as the rest of the product sees it (never the password hash).</summary>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string UserName,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] TempoPermissions Permissions,
    [property: Id(3)] DateTimeOffset CreatedAt);

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

    [Orleans.Concurrency.ReadOnly]
    Task<UserProfile?> GetAsync();

    /// <summary>Checks a password. Callers throttle repeated failures per source first (<see cref="SignInThrottle"/>).</summary>
    Task<SignInResult> VerifyPasswordAsync(string password);

    Task SetPermissionsAsync(TempoPermissions permissions);
}

/// <summary>Lists the site's users (one activation, key 0); tells whether any user exists yet.</summary>
public interface IUserDirectoryGrain : IGrainWithIntegerKey
{
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> ListUserNamesAsync();

    /// <summary>Called by the user grain when a user is created.</summary>
    Task AddAsync(string normalizedUserName);
}

public static class UserNames
{
    /// <summary>The key of a user's grain: trimmed, upper-invariant.</summary>
    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();
}
