namespace TempoModular.Applications;

/// <summary>How an application authenticates at the token endpoint (RFC 6749 §2.1).</summary>
public enum ClientType
{
    /// <summary>Cannot keep a secret (browser, mobile, CLI); authenticates with PKCE alone.</summary>
    Public = 0,

    /// <summary>Holds a client secret.</summary>
    Confidential = 1,
}

/// <summary>The OAuth grant type names, as they appear in token requests.</summary>
public static class GrantTypes
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";

    /// <summary>Never allowed (RFC 9700 §2.1.2); named so the refusal can say so.</summary>
    public const string Implicit = "implicit";

    /// <summary>Never allowed (RFC 9700 §2.4); named so the refusal can say so.</summary>
    public const string Password = "password";
}

/// <summary>
/// What an administrator enters to register an application. <c>RequirePkce</c>:
/// whether the authorization-code flow must use PKCE; null means yes (public
/// clients always must; see <see cref="ApplicationDetails.RequirePkce"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationRegistration(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> RedirectUrls,
    [property: Id(2)] ClientType ClientType,
    [property: Id(3)] IReadOnlyList<string> GrantTypes,
    [property: Id(4)] TokenLifetimes? TokenLifetimes = null,
    [property: Id(5)] bool? RequirePkce = null);

/// <summary>What an administrator may change later; the client type is fixed at registration. A null <c>RequirePkce</c> keeps the current setting.</summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationUpdate(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> RedirectUrls,
    [property: Id(2)] IReadOnlyList<string> GrantTypes,
    [property: Id(3)] TokenLifetimes? TokenLifetimes = null,
    [property: Id(4)] bool? RequirePkce = null);

/// <summary>
/// Token lifetimes of one application, overriding the site's defaults; a null
/// member means "the site's default". In an <see cref="ApplicationUpdate"/>, a
/// null <c>TokenLifetimes</c> keeps the application's current overrides.
/// </summary>
[GenerateSerializer, Immutable, Alias("tempo.applications.token-lifetimes.v1")]
public sealed record TokenLifetimes(
    [property: Id(0)] TimeSpan? AccessToken,
    [property: Id(1)] TimeSpan? RefreshToken,
    [property: Id(2)] TimeSpan? AuthorizationCode);

/// <summary>
/// The token lifetime overrides the registry accepts: an access token short
/// enough that a leaked one expires soon (RFC 9700 §2.2.1 favours short-lived
/// ones), a code that lives only for the redirect (RFC 6749 §4.1.2 recommends
/// 10 minutes at most). Published so the admin API can describe them.
/// </summary>
public static class TokenLifetimeLimits
{
    public static readonly (TimeSpan Min, TimeSpan Max) AccessToken = (TimeSpan.FromMinutes(1), TimeSpan.FromHours(24));
    public static readonly (TimeSpan Min, TimeSpan Max) RefreshToken = (TimeSpan.FromHours(1), TimeSpan.FromDays(365));
    public static readonly (TimeSpan Min, TimeSpan Max) AuthorizationCode = (TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10));
}

/// <summary>
/// A registered application as administrators and the authorization server see
/// it (no secret). <c>RequirePkce</c>: the authorization-code flow must use PKCE;
/// always true for public clients (RFC 9700 §2.1.1), the registered choice for
/// confidential ones (off for those registered before the setting existed, so
/// Tempo's PKCE-less flow keeps working).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationDetails(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> RedirectUrls,
    [property: Id(3)] ClientType ClientType,
    [property: Id(4)] IReadOnlyList<string> GrantTypes,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string CreatedBy,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] string UpdatedBy,
    [property: Id(9)] DateTimeOffset? PreviousSecretValidUntil,
    [property: Id(10)] TokenLifetimes? TokenLifetimes = null,
    [property: Id(11)] bool RequirePkce = true);

/// <summary>Credentials to hand to an integrator. <see cref="ClientSecret"/> is null for public clients.</summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationCredentials(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string? ClientSecret,
    [property: Id(2)] DateTimeOffset? PreviousSecretValidUntil)
{
    // A record prints every property; this keeps the secret out of logs, traces
    // and test failure messages that print the credentials.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "null" : "(hidden)")}, PreviousSecretValidUntil = {PreviousSecretValidUntil}");
        return true;
    }
}

/// <summary>A newly registered application as stored, with its client secret (null for public clients): what registering returns, so nobody reads it back.</summary>
[GenerateSerializer, Immutable]
public sealed record RegisteredApplication(
    [property: Id(0)] ApplicationDetails Application,
    [property: Id(1)] string? ClientSecret)
{
    public string ClientId => Application.ClientId;

    public ApplicationCredentials Credentials => new(Application.ClientId, ClientSecret, null);

    // Registering used to return the credentials alone; callers that only hand
    // them on (tests, scripts' setup code) keep working unchanged.
    public static implicit operator ApplicationCredentials(RegisteredApplication registered) => registered.Credentials;

    // Like ApplicationCredentials: the secret stays out of anything that prints the record.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Application = {Application}, ClientSecret = {(ClientSecret is null ? "null" : "(hidden)")}");
        return true;
    }
}

/// <summary>One entry of the site's application directory.</summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationSummary(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string Name,
    [property: Id(2)] ClientType ClientType,
    [property: Id(3)] IReadOnlyList<string> GrantTypes,
    [property: Id(4)] int RedirectUrlCount,
    [property: Id(5)] DateTimeOffset CreatedAt);

/// <summary>A page of the directory, sorted by name (case-insensitive).</summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationPage(
    [property: Id(0)] IReadOnlyList<ApplicationSummary> Items,
    [property: Id(1)] int Page,
    [property: Id(2)] int PageSize,
    [property: Id(3)] int TotalCount);

/// <summary>Why an input was refused: the field it concerns (e.g. "name", "redirectUrls[1]") and a message for a person.</summary>
[GenerateSerializer, Immutable]
public sealed record FieldError(
    [property: Id(0)] string Field,
    [property: Id(1)] string Message);

/// <summary>The outcome of a registry operation: a value, or the errors that stopped it (nothing was written then).</summary>
[GenerateSerializer, Immutable]
public sealed record RegistryResult<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] IReadOnlyList<FieldError> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static RegistryResult<T> Success(T value) => new(value, []);

    public static RegistryResult<T> Failure(params FieldError[] errors) => new(default, errors);

    public static RegistryResult<T> Failure(IReadOnlyList<FieldError> errors) => new(default, errors);
}
