namespace TempoModular.Identity;

/// <summary>How the site signs its users in: the cookie scheme the Identity module registers.</summary>
public static class TempoAuthentication
{
    /// <summary>The authentication scheme of the sign-in cookie.</summary>
    public const string CookieScheme = "Tempo.Cookie";

    /// <summary>
    /// The authentication scheme the REST API accepts bearer tokens with, which the
    /// Authorization module registers (OpenIddict validation, or a faster check of
    /// the same things that leaves every refusal to it).
    /// </summary>
    public const string BearerScheme = "Tempo.Bearer";

    /// <summary>Where an anonymous user is sent to sign in (with a local ReturnUrl).</summary>
    public const string SignInPath = "/account/sign-in";

    /// <summary>The normalized user name (the user grain's key); OpenID Connect's "sub".</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The user's display name; OpenID Connect's "name".</summary>
    public const string NameClaim = "name";

    /// <summary>The claim carrying the user's <see cref="TempoPermissions"/> as an integer.</summary>
    public const string PermissionsClaim = "tempo_permissions";
}
