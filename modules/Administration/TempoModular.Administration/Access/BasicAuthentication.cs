using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TempoModular.Identity;

namespace TempoModular.Administration.Access;

/// <summary>
/// HTTP Basic (RFC 7617) for scripts calling the admin API with an
/// administrator's user name and password. The password is checked by the
/// user's grain; failures are throttled per source and user name by the same
/// <see cref="SignInThrottle"/> as the sign-in page.
/// </summary>
internal static class BasicAuthentication
{
    /// <summary>The Basic scheme itself.</summary>
    public const string Scheme = "Tempo.Basic";

    /// <summary>The admin API's scheme: Basic when the request carries it, else the sign-in cookie; refusals always as problem details.</summary>
    public const string ApiScheme = "Tempo.AdminApi";

    /// <summary>The challenge of every 401 from the admin API.</summary>
    public const string Challenge = "Basic realm=\"TempoModular\"";

    // No user name is this long (Identity allows 64 characters); this only keeps
    // arbitrary header contents from activating grains.
    public const int MaxUserNameLength = 256;

    public static AuthenticationBuilder AddAdminApiAuthentication(this AuthenticationBuilder authentication) => authentication
        .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(Scheme, displayName: "HTTP Basic", _ => { })
        .AddPolicyScheme(ApiScheme, displayName: "Admin API", options =>
        {
            options.ForwardDefaultSelector = context => HasBasicCredentials(context.Request) ? Scheme : TempoAuthentication.CookieScheme;

            // A script must learn it may answer with Basic, and a refusal must say
            // why in JSON; the cookie scheme would redirect or send a bare status.
            options.ForwardChallenge = Scheme;
            options.ForwardForbid = Scheme;
        });

    public static bool HasBasicCredentials(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
        && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a password may be accepted over this connection: HTTPS, or plain
    /// HTTP from the loopback interface (a script on the host itself), or plain
    /// HTTP anywhere when the deployment says TLS ends in front of the host.
    /// </summary>
    public static bool TransportAllowsPasswords(HttpContext context, AdministrationOptions options)
    {
        if (context.Request.IsHttps || options.AllowBasicOverHttp)
        {
            return true;
        }

        // In-process test servers have no remote address.
        var remote = context.Connection.RemoteIpAddress;
        return remote is null || IPAddress.IsLoopback(remote);
    }

    /// <summary>User name and password from a Basic header's credentials, or null when they are not "name:password" in base64 UTF-8.</summary>
    public static (string UserName, string Password)? Decode(string? parameter)
    {
        if (string.IsNullOrWhiteSpace(parameter))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true)
                .GetString(Convert.FromBase64String(parameter.Trim()));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }

        // RFC 7617 §2: the user-id cannot contain a colon; the password can.
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
    }

    /// <summary>The principal a verified user gets: the same claims as the sign-in cookie.</summary>
    public static ClaimsPrincipal Principal(UserProfile user) => new(new ClaimsIdentity(
        [
            new Claim(Administrators.SubjectClaim, UserNames.Normalize(user.UserName)),
            new Claim(Administrators.NameClaim, user.DisplayName),
            new Claim(TempoAuthentication.PermissionsClaim, ((int)user.Permissions).ToString(CultureInfo.InvariantCulture)),
        ],
        Scheme,
        Administrators.NameClaim,
        "role"));
}

/// <summary>Verifies Basic credentials through <see cref="IUserGrain.VerifyPasswordAsync"/>; answers refusals with problem details.</summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    SignInThrottle throttle,
    IOptions<AdministrationOptions> administration) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string WrongCredentials = "The user name or password is incorrect.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        // The password has already crossed the network in the clear; refusing
        // still matters, so that no script keeps working (and leaking) that way.
        if (!BasicAuthentication.TransportAllowsPasswords(Context, administration.Value))
        {
            return AuthenticateResult.Fail("HTTP Basic needs HTTPS: the password would travel unencrypted.");
        }

        if (BasicAuthentication.Decode(header.Parameter) is not var (userName, password)
            || string.IsNullOrWhiteSpace(userName)
            || userName.Length > BasicAuthentication.MaxUserNameLength)
        {
            // Orleans refuses an empty grain key; a malformed header is simply wrong credentials.
            return AuthenticateResult.Fail(WrongCredentials);
        }

        var source = Context.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(source, userName) is { } wait)
        {
            // Refused before any PBKDF2 work; the challenge answers 429.
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            Context.Items[ThrottledFor] = seconds;
            return AuthenticateResult.Fail($"Too many failed sign-in attempts from your address. Try again in {seconds} seconds.");
        }

        var result = await grains.GetGrain<IUserGrain>(UserNames.Normalize(userName)).VerifyPasswordAsync(password);
        if (result is { Outcome: SignInOutcome.Succeeded, User: { } user })
        {
            throttle.RecordSuccess(source, userName);
            return AuthenticateResult.Success(new AuthenticationTicket(BasicAuthentication.Principal(user), Scheme.Name));
        }

        throttle.RecordFailure(source, userName);
        return AuthenticateResult.Fail(WrongCredentials);
    }

    private static readonly object ThrottledFor = new();

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync();
        if (Context.Items[ThrottledFor] is int seconds)
        {
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            TempoModular.Storage.TempoMeter.RateLimitRejections.Add(1, TempoModular.Storage.TempoMeter.Limiters.SignIn);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed attempts", detail: outcome.Failure?.Message).ExecuteAsync(Context);
            return;
        }

        Response.Headers.WWWAuthenticate = BasicAuthentication.Challenge;
        await Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Authentication required",
            detail: outcome.Failure?.Message
                ?? "Sign in as an administrator: send the site's sign-in cookie, or HTTP Basic with your user name and password.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var missing = Administrators.MissingPermissions(Context.User);
        await Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: missing.Count == 0
                ? "This request is not open to you."
                : "Administering OAuth 2.0 applications takes all four Tempo and Jira administrator permissions; you lack: " + string.Join(", ", missing) + ".",
            extensions: new Dictionary<string, object?> { ["missingPermissions"] = missing }).ExecuteAsync(Context);
    }
}
