using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// An integration written against Tempo works unchanged: Tempo's authorize URLs
/// (no response_type, access_type and jira_url, no PKCE for a confidential
/// client), the token and revocation paths with and without the slash, and the
/// five fields of every token response.
/// </summary>
public sealed class TempoProtocolTests : IAsyncLifetime
{
    private const string Callback = "https://client.example/callback";
    private static readonly string[] FiveFields = ["access_token", "expires_in", "refresh_token", "scope", "token_type"];

    private TestHost<Program> _host = null!;
    private HttpClient _browser = null!;
    private HttpClient _backEnd = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost<Program>.StartAsync();
        _browser = _host.CreateClient();
        _backEnd = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        _backEnd.Dispose();
        await _host.DisposeAsync();
    }

    private static string TempoAuthorizeUrl(string path, ApplicationCredentials app, string state) =>
        QueryHelpers.AddQueryString(path, new Dictionary<string, string?>
        {
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = Callback,
            ["access_type"] = "tenant_user",
            ["jira_url"] = "https://example.atlassian.net",
            ["state"] = state,
        });

    private static string[] FieldsOf(OAuth.Response response) =>
        [.. response.Json!.Value.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("/oauth/authorize/redirect", "/oauth/token")]
    [InlineData("/oauth/authorize/redirect/", "/oauth/token/")]
    [InlineData("/oauth/authorize/", "/oauth/token")]
    public async Task A_tempo_integration_runs_its_code_flow_without_response_type_or_pkce(string authorizePath, string tokenPath)
    {
        // Tempo's flow has no PKCE: the application is registered without it.
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, requirePkce: false, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var flow = new Integrator(_browser, _backEnd, app);

        var redirect = await flow.AuthorizeAsync(url: TempoAuthorizeUrl(authorizePath, app, "tempo-state"));
        Assert.True(redirect.ContainsKey("code"), string.Join(", ", redirect));
        Assert.Equal("tempo-state", redirect["state"]);
        var tokens = await flow.ExchangeAsync(redirect["code"], verifier: "", path: tokenPath);

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.Equal(FiveFields, FieldsOf(tokens));
        Assert.Equal("read write", tokens.String("scope"));
    }

    [Fact]
    public async Task The_rfc_authorize_endpoint_still_requires_response_type()
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, GrantTypes.AuthorizationCode);

        using var response = await _browser.GetAsync(TempoAuthorizeUrl("/oauth/authorize", app, "s"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(Callback, response.Headers.Location!.ToString());
        Assert.Equal("invalid_request", QueryHelpers.ParseQuery(response.Headers.Location.Query)["error"].ToString());
    }

    [Theory]
    [InlineData("/oauth/token", false, null)]
    [InlineData("/oauth/token/", true, null)]
    [InlineData("/oauth/token", true, "read")]
    public async Task A_refresh_answers_the_five_fields_with_or_without_redirect_uri_and_scope(string path, bool sendRedirect, string? scope)
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var flow = new Integrator(_browser, _backEnd, app);
        var first = await flow.ExchangeAsync(await flow.CodeAsync());
        var extra = new List<(string, string)>();
        if (sendRedirect)
        {
            extra.Add(("redirect_uri", Callback));
        }

        if (scope is not null)
        {
            extra.Add(("scope", scope));
        }

        var refreshed = await flow.RefreshAsync(first.String("refresh_token")!, path, [.. extra]);

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal(FiveFields, FieldsOf(refreshed));
        Assert.Equal(scope ?? "read write", refreshed.String("scope"));
    }

    [Theory]
    [InlineData("/oauth/revoke")]
    [InlineData("/oauth/revoke_token")]
    [InlineData("/oauth/revoke_token/")]
    public async Task Revocation_answers_at_every_path_tempo_clients_use(string path)
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var flow = new Integrator(_browser, _backEnd, app);
        var tokens = await flow.ExchangeAsync(await flow.CodeAsync());

        var revoked = await OAuth.RevokeAsync(_backEnd, app, tokens.String("refresh_token")!, path);

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal("invalid_grant", (await flow.RefreshAsync(tokens.String("refresh_token")!)).Error);
        Assert.False((await OAuth.IntrospectAsync(_backEnd, app, tokens.String("access_token")!)).Json!.Value.GetProperty("active").GetBoolean());
    }
}
