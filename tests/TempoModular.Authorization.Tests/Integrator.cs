using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// The authorization-code flow as a browser and an integrator's back end perform
/// it: authorize, sign in (form with antiforgery), consent, exchange the code.
/// </summary>
internal sealed partial class Integrator(HttpClient browser, HttpClient backEnd, ApplicationCredentials app, string redirectUri = "https://client.example/callback")
{
    public string Verifier { get; init; } = Pkce.NewVerifier();

    public string State { get; } = Guid.NewGuid().ToString("N");

    public string AuthorizeUrl(string? scope = "read write", string? prompt = null, bool pkce = true)
    {
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = State,
            ["prompt"] = prompt,
        };
        if (pkce)
        {
            query["code_challenge"] = Pkce.Challenge(Verifier);
            query["code_challenge_method"] = "S256";
        }

        return QueryHelpers.AddQueryString("/oauth/authorize", query.Where(p => p.Value is not null));
    }

    /// <summary>Runs the browser part and returns the redirect back to the client (code or error).</summary>
    public async Task<Dictionary<string, string>> AuthorizeAsync(string decision = "authorize", string? scope = "read write", string? prompt = null, bool pkce = true, string? url = null)
    {
        var response = await browser.GetAsync(url ?? AuthorizeUrl(scope, prompt, pkce));
        for (var step = 0; step < 6; step++)
        {
            if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().StartsWith(redirectUri, StringComparison.Ordinal))
            {
                return QueryHelpers.ParseQuery(response.Headers.Location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
            }

            if (response.StatusCode == HttpStatusCode.Redirect)
            {
                var location = response.Headers.Location!;
                var path = location.IsAbsoluteUri ? location.PathAndQuery : location.ToString();
                if (path.StartsWith("/account/sign-in", StringComparison.Ordinal))
                {
                    var page = await browser.GetStringAsync(path);
                    response = await browser.PostAsync(WebUtility.HtmlDecode(FormAction().Match(page).Groups[1].Value), new FormUrlEncodedContent(
                    [
                        new("UserName", TestUsers.AdminUser),
                        new("Password", TestUsers.AdminPassword),
                        new("__RequestVerificationToken", Hidden(Form(page, "sign-in"))["__RequestVerificationToken"]),
                    ]));
                    continue;
                }

                response = await browser.GetAsync(path);
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Unexpected {(int)response.StatusCode} in the authorization flow: {await response.Content.ReadAsStringAsync()}");
            var consent = await response.Content.ReadAsStringAsync();
            Assert.Contains("Authorize", consent);
            var fields = Hidden(Form(consent, "/oauth/authorize")).Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).ToList();
            fields.Add(new("decision", decision));
            response = await browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(fields));
        }

        throw new InvalidOperationException("The authorization flow did not come back to the client.");
    }

    public async Task<string> CodeAsync()
    {
        var result = await AuthorizeAsync();
        Assert.True(result.ContainsKey("code"), string.Join(", ", result));
        Assert.Equal(State, result["state"]);
        return result["code"];
    }

    public Task<OAuth.Response> ExchangeAsync(string code, string? verifier = null, string? redirect = null, string path = "/oauth/token")
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirect ?? redirectUri),
            new("client_id", app.ClientId),
        };
        if ((verifier ?? Verifier) is { Length: > 0 } v)
        {
            form.Add(new("code_verifier", v));
        }

        if (app.ClientSecret is not null)
        {
            form.Add(new("client_secret", app.ClientSecret));
        }

        return OAuth.PostFormAsync(backEnd, path, form);
    }

    public Task<OAuth.Response> RefreshAsync(string refreshToken, string path = "/oauth/token", params (string Key, string Value)[] extra)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", app.ClientId),
        };
        if (app.ClientSecret is not null)
        {
            form.Add(new("client_secret", app.ClientSecret));
        }

        form.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
        return OAuth.PostFormAsync(backEnd, path, form);
    }

    // The form whose action contains the given text (the layout has a sign-out form too).
    private static string Form(string page, string action) =>
        FormElement().Matches(page).Select(m => m.Value).FirstOrDefault(form => FormAction().Match(form).Groups[1].Value.Contains(action, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"No form posting to {action} on the page: {page}");

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormElement();

    // Hidden inputs in any attribute order, as a browser would submit them.
    private static Dictionary<string, string> Hidden(string page) =>
        Input().Matches(page)
            .Select(m => m.Value)
            .Where(input => input.Contains("type=\"hidden\"", StringComparison.Ordinal))
            .ToDictionary(
                input => WebUtility.HtmlDecode(Attribute("name").Match(input).Groups[1].Value),
                input => WebUtility.HtmlDecode(Attribute("value").Match(input).Groups[1].Value));

    private static Regex Attribute(string name) => new($"\\b{name}=\"([^\"]*)\"");

    [GeneratedRegex("<input\\b[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("<form\\b[^>]*\\baction=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
