namespace TempoModular.Applications;

/// <summary>
/// The rules an application's settings must meet, in one place, so that the
/// registry, the admin pages and the admin API refuse the same input with the
/// same words. Pure: no storage, no clock; name uniqueness needs the directory
/// and is checked there.
/// </summary>
internal static class ApplicationValidation
{
    public const int MaxNameLength = 100;
    public const int MaxRedirectUrls = 10;

    // RFC 8252 §7.3: native apps receive the redirect on a loopback listener,
    // where plain http is acceptable because the traffic never leaves the device.
    private static readonly string[] LoopbackHosts = ["127.0.0.1", "[::1]", "localhost"];

    // Stored in this order whatever order they were asked for, so equal grant
    // sets always look equal.
    private static readonly string[] SelectableGrantTypes =
        [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials];

    /// <summary>A registration as it will be stored (name trimmed, grant types defaulted and de-duplicated), or the errors.</summary>
    public static RegistryResult<ApplicationRegistration> Validate(ApplicationRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var errors = new List<FieldError>();
        var name = ValidateName(registration.Name, errors);
        var redirectUrls = ValidateRedirectUrls(registration.RedirectUrls, errors);
        ClientType? clientType = Enum.IsDefined(registration.ClientType) ? registration.ClientType : null;
        if (clientType is null)
        {
            errors.Add(new FieldError("clientType", "Choose public or confidential."));
        }

        var grantTypes = ValidateGrantTypes(registration.GrantTypes, clientType, errors);
        ValidateLifetimes(registration.TokenLifetimes, errors);
        ValidatePkce(registration.RequirePkce, clientType, errors);
        return errors.Count > 0
            ? RegistryResult<ApplicationRegistration>.Failure(errors)
            : RegistryResult<ApplicationRegistration>.Success(new ApplicationRegistration(name, redirectUrls, registration.ClientType, grantTypes, registration.TokenLifetimes, registration.RequirePkce));
    }

    /// <summary>An update as it will be stored, checked against the application's fixed client type, or the errors.</summary>
    public static RegistryResult<ApplicationUpdate> Validate(ApplicationUpdate update, ClientType clientType)
    {
        ArgumentNullException.ThrowIfNull(update);
        var errors = new List<FieldError>();
        var name = ValidateName(update.Name, errors);
        var redirectUrls = ValidateRedirectUrls(update.RedirectUrls, errors);
        var grantTypes = ValidateGrantTypes(update.GrantTypes, clientType, errors);
        ValidateLifetimes(update.TokenLifetimes, errors);
        ValidatePkce(update.RequirePkce, clientType, errors);
        return errors.Count > 0
            ? RegistryResult<ApplicationUpdate>.Failure(errors)
            : RegistryResult<ApplicationUpdate>.Success(new ApplicationUpdate(name, redirectUrls, grantTypes, update.TokenLifetimes, update.RequirePkce));
    }

    // RFC 9700 §2.1.1: a public client has no secret, so without PKCE an
    // intercepted code is all it takes to get its tokens.
    private static void ValidatePkce(bool? requirePkce, ClientType? clientType, List<FieldError> errors)
    {
        if (requirePkce == false && clientType == ClientType.Public)
        {
            errors.Add(new FieldError("requirePkce", "Public clients always use PKCE: without a secret, an intercepted code is all an attacker needs."));
        }
    }

    private static readonly (string Field, Func<TokenLifetimes, TimeSpan?> Value, (TimeSpan Min, TimeSpan Max) Limits, string Range)[] LifetimeBounds =
    [
        ("tokenLifetimes.accessToken", l => l.AccessToken, TokenLifetimeLimits.AccessToken, "between 1 minute and 24 hours"),
        ("tokenLifetimes.refreshToken", l => l.RefreshToken, TokenLifetimeLimits.RefreshToken, "between 1 hour and 365 days"),
        ("tokenLifetimes.authorizationCode", l => l.AuthorizationCode, TokenLifetimeLimits.AuthorizationCode, "between 10 seconds and 10 minutes"),
    ];

    private static void ValidateLifetimes(TokenLifetimes? lifetimes, List<FieldError> errors)
    {
        if (lifetimes is null)
        {
            return;
        }

        foreach (var (field, value, limits, range) in LifetimeBounds)
        {
            if (value(lifetimes) is { } lifetime && (lifetime < limits.Min || lifetime > limits.Max))
            {
                errors.Add(new FieldError(field, $"Must be {range}."));
            }
        }
    }

    /// <summary>The name as stored and compared: surrounding white space removed.</summary>
    public static string NormalizeName(string? name) => name?.Trim() ?? "";

    private static string ValidateName(string? name, List<FieldError> errors)
    {
        var trimmed = NormalizeName(name);
        if (trimmed.Length == 0)
        {
            errors.Add(new FieldError("name", "Enter a name."));
        }
        else if (trimmed.Length > MaxNameLength)
        {
            errors.Add(new FieldError("name", $"The name can be at most {MaxNameLength} characters long."));
        }
        else if (trimmed.Any(IsInvisibleControl))
        {
            errors.Add(new FieldError("name", "The name cannot contain control characters or invisible formatting characters such as a right-to-left override."));
        }

        return trimmed;
    }

    // The name is what an administrator reads in the list and a user reads on
    // the consent page. Control characters (NUL, line breaks) and format
    // characters (bidi overrides U+202A-202E and U+2066-2069, zero-width ones)
    // make it show as something it is not: "Good\u202eevil" reads "Goodlive".
    // (Identity's user display names follow the same rule.)
    private static bool IsInvisibleControl(char c) =>
        char.IsControl(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    private static string[] ValidateRedirectUrls(IReadOnlyList<string>? redirectUrls, List<FieldError> errors)
    {
        redirectUrls ??= [];
        if (redirectUrls.Count == 0)
        {
            errors.Add(new FieldError("redirectUrls", "Enter at least one redirect URL."));
        }
        else if (redirectUrls.Count > MaxRedirectUrls)
        {
            errors.Add(new FieldError("redirectUrls", $"Enter at most {MaxRedirectUrls} redirect URLs."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < redirectUrls.Count; i++)
        {
            var problem = RedirectUrlProblem(redirectUrls[i]);
            if (problem is null && !seen.Add(redirectUrls[i]))
            {
                problem = "This redirect URL is already in the list.";
            }

            if (problem is not null)
            {
                errors.Add(new FieldError($"redirectUrls[{i}]", problem));
            }
        }

        // Kept exactly as entered: the authorization server compares the
        // redirect_uri of a request with these by simple string comparison
        // (RFC 9700 §4.1.3), so any normalization here would make a registered
        // URL differ from what the integrator sends.
        return [.. redirectUrls];
    }

    /// <summary>Why a redirect URL cannot be registered, or null when it can.</summary>
    private static string? RedirectUrlProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Enter a redirect URL or remove the empty entry.";
        }

        // The URL is compared byte for byte later; a space that a browser would
        // send as %20, or that was pasted by accident, would never match.
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "A redirect URL cannot contain spaces or control characters.";
        }

        // RFC 9700 §4.1.1/§4.1.3: pattern-matched redirect URLs let an attacker
        // pick a URL under their control and receive the authorization code.
        if (url.Contains('*'))
        {
            return "A redirect URL cannot contain a wildcard (*): it must be the exact URL the application uses.";
        }

        // Uri accepts "/callback" as a file path on Unix, so insist on "scheme://".
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return "Enter an absolute URL, such as https://example.com/callback.";
        }

        // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment.
        if (url.Contains('#'))
        {
            return "A redirect URL cannot contain a fragment (#).";
        }

        // user:password@host hides the real host from a reader of the URL
        // (RFC 3986 §7.6) and puts a credential where it does not belong.
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?'], authorityStart);
        var authority = authorityEnd < 0 ? url[authorityStart..] : url[authorityStart..authorityEnd];
        if (authority.Contains('@') || uri.UserInfo.Length > 0)
        {
            return "A redirect URL cannot contain a user name or password.";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        // RFC 9700 §2.6 / RFC 6749 §3.1.2.1: the code travels in the redirect, so
        // it needs TLS, except on the loopback interface (RFC 8252 §7.3).
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            return LoopbackHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase)
                ? null
                : "Use https. Plain http is allowed only for loopback addresses (127.0.0.1, [::1], localhost).";
        }

        return "Use an https URL (or http on 127.0.0.1, [::1] or localhost).";
    }

    private static string[] ValidateGrantTypes(IReadOnlyList<string>? grantTypes, ClientType? clientType, List<FieldError> errors)
    {
        grantTypes ??= [];
        if (grantTypes.Count == 0)
        {
            return [GrantTypes.AuthorizationCode];
        }

        var selected = new HashSet<string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        var blank = false;
        foreach (var grantType in grantTypes)
        {
            if (string.IsNullOrWhiteSpace(grantType))
            {
                blank = true;
            }
            else if (SelectableGrantTypes.Contains(grantType, StringComparer.Ordinal))
            {
                selected.Add(grantType);
            }
            else if (grantType == GrantTypes.Implicit)
            {
                // RFC 9700 §2.1.2: the implicit grant returns the token in the URL,
                // where it leaks through history, referrers and logs.
                errors.Add(new FieldError("grantTypes", "The implicit grant is deprecated (RFC 9700) and can no longer be selected; use the authorization code grant with PKCE."));
            }
            else if (grantType == GrantTypes.Password)
            {
                // RFC 9700 §2.4: the application would see the user's password.
                errors.Add(new FieldError("grantTypes", "The resource owner password credentials grant is not allowed (RFC 9700); use the authorization code grant."));
            }
            else if (!unknown.Contains(grantType, StringComparer.Ordinal))
            {
                unknown.Add(grantType);
            }
        }

        if (blank)
        {
            errors.Add(new FieldError("grantTypes", "A grant type cannot be blank."));
        }

        if (unknown.Count > 0)
        {
            errors.Add(new FieldError("grantTypes", $"Unknown grant type{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(g => $"\"{g}\""))}."));
        }

        // RFC 6749 §2.1/§4.4: client credentials authenticate the client alone,
        // which a public client, holding no secret, cannot do.
        if (clientType == ClientType.Public && selected.Contains(GrantTypes.ClientCredentials))
        {
            errors.Add(new FieldError("grantTypes", "A public client cannot use the client credentials grant: it has no client secret."));
        }

        // Refresh tokens come with authorization codes; RFC 6749 §4.4.3 says a
        // client credentials response should not include one.
        if (selected.Contains(GrantTypes.RefreshToken) && !selected.Contains(GrantTypes.AuthorizationCode))
        {
            errors.Add(new FieldError("grantTypes", "The refresh token grant needs the authorization code grant: refresh tokens are only issued with authorization codes."));
        }

        return [.. SelectableGrantTypes.Where(selected.Contains)];
    }
}
