using System.Globalization;
using Microsoft.Extensions.Configuration;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications;

/// <summary>
/// One of an application's three token lifetimes: the registry's name for its
/// field (the API's JSON path too), its name in words, and its value.
/// </summary>
internal sealed record TokenLifetimeKind(string Field, string Name, Func<TokenLifetimes, TimeSpan?> Of)
{
    public static readonly TokenLifetimeKind AccessToken = new("tokenLifetimes.accessToken", "Access token", l => l.AccessToken);
    public static readonly TokenLifetimeKind RefreshToken = new("tokenLifetimes.refreshToken", "Refresh token", l => l.RefreshToken);
    public static readonly TokenLifetimeKind AuthorizationCode = new("tokenLifetimes.authorizationCode", "Authorization code", l => l.AuthorizationCode);

    public static IReadOnlyList<TokenLifetimeKind> All { get; } = [AccessToken, RefreshToken, AuthorizationCode];

    /// <summary>Whether the application sets any lifetime of its own.</summary>
    public static bool HasOverrides(TokenLifetimes? lifetimes) => (lifetimes ?? None) != None;

    /// <summary>No overrides: every lifetime is the server's default.</summary>
    public static TokenLifetimes None { get; } = new(null, null, null);

    // A TimeSpan holds about 29,000 years. More seconds than that are still sent
    // on, as the longest lifetime there is, for the registry to refuse in its words.
    private static readonly long MaxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

    /// <summary>
    /// A lifetime from whole seconds, the unit of OAuth's <c>expires_in</c>
    /// (RFC 6749 §5.1), in which the API and the pages take lifetimes.
    /// </summary>
    public static TimeSpan? FromSeconds(long? seconds) =>
        seconds is { } s ? TimeSpan.FromSeconds(Math.Clamp(s, -MaxSeconds, MaxSeconds)) : null;

    public static long? ToSeconds(TimeSpan? lifetime) => lifetime is { } l ? (long)Math.Round(l.TotalSeconds) : null;
}

/// <summary>
/// The server's default token lifetimes, read from the Authorization module's
/// configuration section only to tell administrators what a blank lifetime
/// means; a lifetime the configuration does not set is null (the module's own default).
/// </summary>
internal sealed record ServerTokenLifetimes(TokenLifetimes Defaults)
{
    public static ServerTokenLifetimes From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Authorization");
        return new(new TokenLifetimes(
            Read(section["AccessTokenLifetime"]), Read(section["RefreshTokenLifetime"]), Read(section["AuthorizationCodeLifetime"])));
    }

    private static TimeSpan? Read(string? value) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var lifetime) ? lifetime : null;
}
