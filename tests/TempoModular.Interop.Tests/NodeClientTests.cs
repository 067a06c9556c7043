using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using TempoModular.Applications;
using TempoModular.Authorization.Tests;
using TempoModular.Browser.Tests;

namespace TempoModular.Interop.Tests;

/// <summary>
/// Two npm clients against the real host on Kestrel at 127.0.0.1: openid-client 6
/// (discovery, client credentials, the code flow with PKCE for public and
/// confidential clients, refresh, revocation, introspection, a protected
/// resource call) and simple-oauth2 5.1 configured the way Nango's Tempo provider
/// is (Tempo's paths, form-body credentials, no PKCE). Sign-in and consent go over HTTP.
/// </summary>
public sealed class NodeClientTests : IAsyncLifetime
{
    private const string Callback = "https://client.example/callback";

    private KestrelHost _host = null!;
    private HttpClient _browser = null!;
    private HttpClient _backEnd = null!;

    public async Task InitializeAsync()
    {
        _host = await KestrelHost.StartAsync();
        _browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = _host.Address };
        _backEnd = _host.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        _backEnd.Dispose();
        await _host.DisposeAsync();
    }

    private string Issuer => _host.Address.ToString();

    private Task<JsonElement> OpenIdClientAsync(ApplicationCredentials app, string step, object? more = null) =>
        NodeClients.RunAsync("openid-client.mjs", Merge(new { step, issuer = Issuer, clientId = app.ClientId, clientSecret = app.ClientSecret, redirectUri = Callback, state = "s-" + step }, more));

    private Task<JsonElement> SimpleOAuth2Async(ApplicationCredentials app, string step, object? more = null) =>
        NodeClients.RunAsync("simple-oauth2.mjs", Merge(new { step, issuer = Issuer, clientId = app.ClientId, clientSecret = app.ClientSecret, redirectUri = Callback, state = "nango-state" }, more));

    private static Dictionary<string, JsonElement> Merge(object first, object? second)
    {
        var merged = JsonSerializer.SerializeToElement(first).EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        if (second is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(second).EnumerateObject())
            {
                merged[property.Name] = property.Value;
            }
        }

        return merged;
    }

    [Fact]
    public async Task Openid_client_uses_client_credentials_introspects_calls_the_api_and_revokes()
    {
        var app = await OAuth.RegisterMachineClientAsync(_host.Grains);

        var tokens = await OpenIdClientAsync(app, "clientCredentials");
        var token = Text(tokens, "access_token");
        Assert.Equal(200, (await OpenIdClientAsync(app, "api", new { token })).GetProperty("status").GetInt32());
        Assert.True((await OpenIdClientAsync(app, "introspect", new { token })).GetProperty("active").GetBoolean());
        await OpenIdClientAsync(app, "revoke", new { token });

        Assert.False((await OpenIdClientAsync(app, "introspect", new { token })).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(token));
    }

    [Theory]
    [InlineData(ClientType.Public)]
    [InlineData(ClientType.Confidential)]
    public async Task Openid_client_runs_the_code_flow_with_pkce_refreshes_and_revokes(ClientType type)
    {
        var app = await OAuth.RegisterAsync(_host.Grains, type, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var start = await OpenIdClientAsync(app, "authorizeUrl");
        var redirect = await new Integrator(_browser, _backEnd, app).AuthorizeAsync(url: Text(start, "url"));
        var callback = QueryHelpers.AddQueryString(Callback, redirect.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));

        var tokens = await OpenIdClientAsync(app, "exchange", new { callback, verifier = Text(start, "verifier"), state = "s-authorizeUrl" });
        Assert.Equal(200, (await OpenIdClientAsync(app, "api", new { token = Text(tokens, "access_token") })).GetProperty("status").GetInt32());
        var refreshed = await OpenIdClientAsync(app, "refresh", new { token = Text(tokens, "refresh_token") });

        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(Text(tokens, "access_token")));
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(Text(refreshed, "access_token")));
        await OpenIdClientAsync(app, "revoke", new { token = Text(refreshed, "refresh_token") });
        Assert.Equal("invalid_grant", Text(await OpenIdClientAsync(app, "refresh", new { token = Text(refreshed, "refresh_token") }), "error"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(Text(refreshed, "access_token")));
        if (type == ClientType.Confidential)
        {
            Assert.False((await OpenIdClientAsync(app, "introspect", new { token = Text(refreshed, "access_token") })).GetProperty("active").GetBoolean());
        }
    }

    [Fact]
    public async Task Simple_oauth2_configured_as_nango_runs_tempos_flow_refreshes_and_revokes()
    {
        // Nango sends no PKCE to Tempo: the application is registered without it.
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, requirePkce: false, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var start = await SimpleOAuth2Async(app, "authorizeUrl");
        var redirect = await new Integrator(_browser, _backEnd, app).AuthorizeAsync(url: Text(start, "url"));
        Assert.Equal("nango-state", redirect["state"]);

        var tokens = await SimpleOAuth2Async(app, "exchange", new { code = redirect["code"] });
        Assert.Equal("read write", Text(tokens, "scope"));
        var refreshed = await SimpleOAuth2Async(app, "refresh", new { token = Text(tokens, "refresh_token") });

        Assert.Equal("Bearer", Text(refreshed, "token_type"));
        Assert.Equal("read write", Text(refreshed, "scope"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(Text(tokens, "access_token")));
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(Text(refreshed, "access_token")));
        Assert.True((await OAuth.IntrospectAsync(_backEnd, app, Text(refreshed, "access_token"))).Json!.Value.GetProperty("active").GetBoolean());
        await SimpleOAuth2Async(app, "revoke", new { token = Text(refreshed, "refresh_token") });
        Assert.Equal("invalid_grant", Text(await SimpleOAuth2Async(app, "refresh", new { token = Text(refreshed, "refresh_token") }), "error"));
        Assert.False((await OAuth.IntrospectAsync(_backEnd, app, Text(refreshed, "access_token"))).Json!.Value.GetProperty("active").GetBoolean());
    }

    private static string Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new Xunit.Sdk.XunitException($"No {name} in {json}");

    private async Task<HttpStatusCode> ApiStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "4/worklogs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _backEnd.SendAsync(request);
        return response.StatusCode;
    }
}
