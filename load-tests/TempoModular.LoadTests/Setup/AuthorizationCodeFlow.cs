using System.Net;
using System.Security.Cryptography;
using System.Text;
using TempoModular.LoadTests.Scenarios;

namespace TempoModular.LoadTests.Setup;

/// <summary>The user who signs in and consents in the authorization-code flow.</summary>
internal sealed record SignInCredentials(string UserName, string Password);

/// <summary>
/// Drives the authorization-code flow over HTTP as a browser would, to obtain
/// refresh tokens: authorize with PKCE S256, sign in, consent, exchange the
/// code. It reads the pages' forms instead of assuming their field names, and
/// says which page it did not understand when they change.
/// </summary>
internal sealed class AuthorizationCodeFlow : IDisposable
{
    private const int MaxHops = 10;

    private readonly TargetEndpoints _target;
    private readonly SignInCredentials _signIn;
    private readonly HttpClient _browser;
    private readonly CookieJar _cookies = new();

    public AuthorizationCodeFlow(TargetEndpoints target, SignInCredentials signIn)
    {
        _target = target;
        _signIn = signIn;
        // Redirects are followed by hand: the last one leads to the client's
        // redirect URL, which is read, not visited.
        _browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>A fresh grant's refresh token, after signing in (once) and consenting (once per application).</summary>
    public async Task<string> AcquireRefreshTokenAsync(RegisteredApplication application, CancellationToken cancellationToken)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        var authorize = new Uri(_target.Authorize, "?" + FormBody.Of(
            ("response_type", "code"),
            ("client_id", application.ClientId),
            ("redirect_uri", application.RedirectUrl),
            ("scope", "read"),
            ("state", state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256")));

        var code = await AuthorizeAsync(authorize, application, state, cancellationToken);

        using var exchange = FormBody.Of(
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", application.RedirectUrl),
            ("code_verifier", verifier),
            ("client_id", application.ClientId),
            ("client_secret", application.ClientSecret)).Post(_target.Token);
        using var response = await _browser.SendAsync(exchange, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new SetupException($"The code exchange at {_target.Token} answered {(int)response.StatusCode} {OAuthJson.ErrorOf(body)}: {OAuthJson.StringOf(body, "error_description"u8)}");
        }

        return OAuthJson.StringOf(body, "refresh_token"u8) is { Length: > 0 } refreshToken
            ? refreshToken
            : throw new SetupException("The code exchange issued no refresh token: is the refresh_token grant registered for the application?");
    }

    /// <summary>Follows the flow from the authorization request to the redirect that carries the code.</summary>
    private async Task<string> AuthorizeAsync(Uri authorize, RegisteredApplication application, string state, CancellationToken cancellationToken)
    {
        var next = authorize;
        FormBody? form = null;
        var signedInOnce = false;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            using var request = form is null ? new HttpRequestMessage(HttpMethod.Get, next) : form.Post(next);
            _cookies.AddTo(request);
            using var response = await SendAsync(request, cancellationToken);
            _cookies.Store(response);

            if (IsRedirect(response.StatusCode))
            {
                var location = response.Headers.Location is { } header ? new Uri(next, header)
                    : throw new SetupException($"{request.Method} {next} redirected without a Location.");
                if (location.AbsoluteUri.StartsWith(application.RedirectUrl, StringComparison.Ordinal))
                {
                    return CodeFrom(location, state);
                }

                (next, form) = (location, null);
                continue;
            }

            var html = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new SetupException($"{request.Method} {next} answered {(int)response.StatusCode} ({HtmlForm.TitleOf(html) ?? AdminApi.Excerpt(html)}).");
            }

            var forms = HtmlForm.Parse(html, next);
            if (forms.FirstOrDefault(f => f.Password is not null) is { } signIn)
            {
                if (signedInOnce)
                {
                    throw new SetupException($"Signing in as '{_signIn.UserName}' was refused at {next}: check --user and --password.");
                }

                signedInOnce = true;
                var userName = signIn.UserName ?? throw new SetupException($"The sign-in page at {next} has a password field but no user-name field.");
                (next, form) = (signIn.Action, FormBody.Of([
                    .. signIn.Hidden.Select(i => (i.Name, i.Value)),
                    (userName.Name, _signIn.UserName),
                    (signIn.Password!.Name, _signIn.Password)]));
                continue;
            }

            if (forms.FirstOrDefault(f => f.Buttons.Any(IsAuthorize)) is { } consent)
            {
                (next, form) = (consent.Action, FormBody.Of([
                    .. consent.Hidden.Select(i => (i.Name, i.Value)),
                    ("decision", "authorize")]));
                continue;
            }

            throw new SetupException(
                $"The page at {next} ('{HtmlForm.TitleOf(html)}') is neither a sign-in form (no password field) nor a consent form " +
                "(no button name=\"decision\" value=\"authorize\"); the authorization-code flow cannot go on.");
        }

        throw new SetupException($"The authorization-code flow did not reach {application.RedirectUrl} within {MaxHops} steps.");
    }

    private static string CodeFrom(Uri redirect, string state)
    {
        var query = ParseQuery(redirect.Query);
        if (query.TryGetValue("error", out var error))
        {
            throw new SetupException($"The authorization request was refused: {error} {query.GetValueOrDefault("error_description")}");
        }

        // RFC 6749 §10.12: the state ties the redirect to this request.
        if (query.GetValueOrDefault("state") != state)
        {
            throw new SetupException("The authorization response carried another state than the request's.");
        }

        return query.TryGetValue("code", out var code) && !string.IsNullOrEmpty(code)
            ? code
            : throw new SetupException($"The redirect to the client carried no code: {redirect}");
    }

    internal static Dictionary<string, string> ParseQuery(string query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            parameters.TryAdd(Unescape(name), Unescape(value));
        }

        return parameters;

        static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _browser.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new SetupException($"Cannot reach {request.RequestUri}: {exception.Message}");
        }
    }

    private static bool IsAuthorize(HtmlButton button) => button is { Name: "decision", Value: "authorize" };

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _browser.Dispose();
}

/// <summary>
/// The flow's cookies, kept by hand. The sign-in and antiforgery cookies are
/// marked Secure outside development, and .NET's CookieContainer never sends a
/// Secure cookie over plain HTTP, while browsers do to loopback, which the
/// product allows for plain HTTP. The flow talks to one host only.
/// </summary>
internal sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Store(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            return;
        }

        lock (_lock)
        {
            foreach (var value in values)
            {
                var pair = value.Split(';', 2)[0];
                var equals = pair.IndexOf('=');
                if (equals <= 0)
                {
                    continue;
                }

                var name = pair[..equals].Trim();
                var content = pair[(equals + 1)..].Trim();
                var expired = value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                if (content.Length == 0 || expired)
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = content;
                }
            }
        }
    }

    public void AddTo(HttpRequestMessage request)
    {
        lock (_lock)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }
        }
    }
}
