using System.Globalization;
using TempoModular.Administration.Pages.Settings.OAuthApplications;
using TempoModular.Applications;

namespace TempoModular.Administration;

/// <summary>The product's words for the registry's values, as the pages and the audit log show them.</summary>
internal static class Display
{
    public static string ClientType(ClientType type) => type switch
    {
        TempoModular.Applications.ClientType.Confidential => "Confidential",
        TempoModular.Applications.ClientType.Public => "Public",
        _ => type.ToString(),
    };

    public static string GrantType(string grantType) => grantType switch
    {
        GrantTypes.AuthorizationCode => "Authorization code",
        GrantTypes.ClientCredentials => "Client credentials",
        GrantTypes.RefreshToken => "Refresh token",
        GrantTypes.Implicit => "Implicit",
        _ => grantType,
    };

    public static string GrantTypeList(IEnumerable<string> grantTypes) => string.Join(", ", grantTypes.Select(GrantType));

    public static string TokenType(string type) => type switch
    {
        "access_token" => "Access token",
        "refresh_token" => "Refresh token",
        "authorization_code" => "Authorization code",
        "device_code" => "Device code",
        "user_code" => "User code",
        "id_token" => "Identity token",
        _ => type,
    };

    /// <summary>A moment as the pages show it, in UTC to the minute.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The machine-readable form for a &lt;time datetime&gt; attribute.</summary>
    public static string IsoTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A lifetime in words, largest unit first: "1 hour", "60 days", "1 minute 30 seconds".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return Count((long)duration.TotalSeconds, "second");
        }

        var parts = new List<string>();
        foreach (var (amount, unit) in new[] { ((long)duration.TotalDays, "day"), (duration.Hours, "hour"), (duration.Minutes, "minute"), (duration.Seconds, "second") })
        {
            if (amount > 0)
            {
                parts.Add(Count(amount, unit));
            }
        }

        return parts.Count == 0 ? "under a second" : string.Join(" ", parts);
    }

    /// <summary>An application's own token lifetimes ("access token 2 minutes, authorization code 30 seconds"), or "server defaults" when it has none.</summary>
    public static string LifetimeOverrides(TokenLifetimes? lifetimes)
    {
        var overrides = TokenLifetimeKind.All
            .Select(kind => (kind.Name, Lifetime: kind.Of(lifetimes ?? TokenLifetimeKind.None)))
            .Where(o => o.Lifetime is not null)
            .Select(o => $"{o.Name.ToLowerInvariant()} {Duration(o.Lifetime!.Value)}")
            .ToList();
        return overrides.Count == 0 ? "server defaults" : string.Join(", ", overrides);
    }

    /// <summary>
    /// A person, the same way on every page: display name and user name,
    /// "Grace Hopper (grace.hopper)". User names are keyed case-insensitively
    /// (upper case), so they are shown in lower case, never as the key.
    /// </summary>
    public static string Person(string? displayName, string userName)
    {
        var name = UserName(userName);
        return string.IsNullOrWhiteSpace(displayName) ? name : $"{displayName} ({name})";
    }

    /// <summary>
    /// A user name as the product shows and reports it everywhere (pages, the admin
    /// API's <c>createdBy</c>/<c>updatedBy</c>, the registry's stored actor): the
    /// grain key in lower case, so "ADMIN" and "Grace.Hopper" read "admin" and "grace.hopper".
    /// </summary>
    public static string UserName(string userName) => userName.ToLowerInvariant();

    public static string Count(long count, string noun, string? plural = null) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(CultureInfo.InvariantCulture)} {plural ?? noun + "s"}";
}
