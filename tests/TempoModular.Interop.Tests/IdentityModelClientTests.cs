using System.Net;
using System.Net.Http.Headers;
using Duende.IdentityModel.Client;
using TempoModular.Applications;
using TempoModular.Authorization.Tests;
using TempoModular.Testing;

namespace TempoModular.Interop.Tests;

/// <summary>
/// Duende.IdentityModel, the .NET client library most integrations use, through
/// every flow against the real pipeline: discovery, client credentials, the
/// authorization code with PKCE (public and confidential), Tempo's code flow
/// without PKCE, refresh (the old pair dead), revocation at both paths,
/// introspection, and the API afterwards. Sign-in and consent go over HTTP.
/// </summary>
public sealed class IdentityModelClientTests : IAsyncLifetime
{
    private const string Callback = "https://client.example/callback";

    private TestHost<Program> _host = null!;
    private HttpClient _browser = null!;
    private HttpClient _client = null!;
    private DiscoveryDocumentResponse _discovery = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost<Program>.StartAsync();
        _browser = _host.CreateClient();
        _client = _host.CreateClient();
        _discovery = await _client.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = Url("/"),
            // Loopback development over plain HTTP, as the server allows.
            Policy = { RequireHttps = false },
        });
        Assert.False(_discovery.IsError, _discovery.Error);
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private string Url(string path) => new Uri(_client.BaseAddress!, path).ToString();

    [Fact]
    public async Task Client_credentials_then_the_api_introspection_and_revocation_at_tempos_path()
    {
        var app = await OAuth.RegisterMachineClientAsync(_host.Grains);

        var token = await _client.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = _discovery.TokenEndpoint,
            ClientId = app.ClientId,
            ClientSecret = app.ClientSecret,
            Scope = "read",
        });
        Assert.False(token.IsError, token.Error);
        Assert.Equal("read", token.Scope);
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(token.AccessToken!));
        Assert.True((await IntrospectAsync(app, token.AccessToken!)).IsActive);

        var revoked = await RevokeAsync(app, token.AccessToken!, "/oauth/revoke_token");

        Assert.False(revoked.IsError, revoked.Error);
        Assert.False((await IntrospectAsync(app, token.AccessToken!)).IsActive);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(token.AccessToken!));
    }

    [Theory]
    [InlineData(ClientType.Public)]
    [InlineData(ClientType.Confidential)]
    public async Task The_code_flow_with_pkce_then_refresh_and_revocation(ClientType type)
    {
        var app = await OAuth.RegisterAsync(_host.Grains, type, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var flow = new Integrator(_browser, _client, app);
        var url = new RequestUrl(_discovery.AuthorizeEndpoint!).CreateAuthorizeUrl(
            clientId: app.ClientId, responseType: "code", scope: "read write", redirectUri: Callback, state: flow.State,
            codeChallenge: Pkce.Challenge(flow.Verifier), codeChallengeMethod: "S256");
        var redirect = await flow.AuthorizeAsync(url: url);
        Assert.Equal(flow.State, redirect["state"]);

        var tokens = await _client.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = _discovery.TokenEndpoint,
            ClientId = app.ClientId,
            ClientSecret = app.ClientSecret,
            ClientCredentialStyle = app.ClientSecret is null ? ClientCredentialStyle.PostBody : ClientCredentialStyle.AuthorizationHeader,
            Code = redirect["code"],
            RedirectUri = Callback,
            CodeVerifier = flow.Verifier,
        });
        Assert.False(tokens.IsError, tokens.Error);
        Assert.Equal("read write", tokens.Scope);
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(tokens.AccessToken!));

        var refreshed = await RefreshAsync(app, tokens.RefreshToken!);

        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(tokens.AccessToken!));
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(refreshed.AccessToken!));
        var revoked = await RevokeAsync(app, refreshed.RefreshToken!, "/oauth/revoke");
        Assert.False(revoked.IsError, revoked.Error);
        Assert.Equal("invalid_grant", (await RefreshAsync(app, refreshed.RefreshToken!)).Error);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(refreshed.AccessToken!));
    }

    [Fact]
    public async Task Tempos_code_flow_without_pkce_at_tempos_paths()
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, requirePkce: false, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var flow = new Integrator(_browser, _client, app);
        // Tempo's documented link: no response_type, no PKCE.
        var url = new RequestUrl(Url("/oauth/authorize/redirect")).Create(new Parameters
        {
            { "client_id", app.ClientId },
            { "redirect_uri", Callback },
            { "access_type", "tenant_user" },
            { "state", flow.State },
        });
        var redirect = await flow.AuthorizeAsync(url: url);

        var tokens = await _client.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = Url("/oauth/token/"),
            ClientId = app.ClientId,
            ClientSecret = app.ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Code = redirect["code"],
            RedirectUri = Callback,
        });
        Assert.False(tokens.IsError, tokens.Error);
        Assert.Equal(["access_token", "expires_in", "refresh_token", "scope", "token_type"], tokens.Json!.Value.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var revoked = await RevokeAsync(app, tokens.RefreshToken!, "/oauth/revoke_token/");

        Assert.False(revoked.IsError, revoked.Error);
        Assert.False((await IntrospectAsync(app, tokens.AccessToken!)).IsActive);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(tokens.AccessToken!));
    }

    private Task<TokenResponse> RefreshAsync(ApplicationCredentials app, string refreshToken) =>
        _client.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = _discovery.TokenEndpoint,
            ClientId = app.ClientId,
            ClientSecret = app.ClientSecret,
            ClientCredentialStyle = app.ClientSecret is null ? ClientCredentialStyle.PostBody : ClientCredentialStyle.AuthorizationHeader,
            RefreshToken = refreshToken,
        });

    private Task<TokenRevocationResponse> RevokeAsync(ApplicationCredentials app, string token, string path) =>
        _client.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = Url(path),
            ClientId = app.ClientId,
            ClientSecret = app.ClientSecret,
            ClientCredentialStyle = app.ClientSecret is null ? ClientCredentialStyle.PostBody : ClientCredentialStyle.AuthorizationHeader,
            Token = token,
        });

    private Task<TokenIntrospectionResponse> IntrospectAsync(ApplicationCredentials app, string token) =>
        _client.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = _discovery.IntrospectionEndpoint,
            ClientId = app.ClientId,
            ClientSecret = app.ClientSecret,
            Token = token,
        });

    private async Task<HttpStatusCode> ApiStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }
}
