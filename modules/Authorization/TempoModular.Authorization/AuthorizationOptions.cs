namespace TempoModular.Authorization;

/// <summary>The "Authorization" configuration section.</summary>
internal sealed class AuthorizationOptions
{
    public const string Section = "Authorization";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(60);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When true (the default), OAuth and API requests over plain HTTP are refused
    /// unless they come from the loopback interface (development on one machine).
    /// Behind a TLS-terminating proxy, forward the scheme (X-Forwarded-Proto).
    /// </summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// When true (the default), the replacements of OpenIddict internals that
    /// exist for speed alone are used (see Optimizations/TokenPathOptimizations);
    /// false runs stock OpenIddict, to check an upgrade against its own behaviour.
    /// </summary>
    public bool TokenPathOptimizations { get; set; } = true;
}
