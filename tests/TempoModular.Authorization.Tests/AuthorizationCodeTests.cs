using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>The authorization-code flow with PKCE, end to end over HTTP, and what may go wrong in it.</summary>
public sealed class AuthorizationCodeTests : IAsyncLifetime
{
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

    private async Task<(ApplicationCredentials App, Integrator Flow)> PublicAppAsync()
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Public, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        return (app, new Integrator(_browser, _backEnd, app));
    }

    [Fact]
    public async Task A_public_client_gets_tokens_through_sign_in_consent_and_a_pkce_code_exchange()
    {
        var (app, flow) = await PublicAppAsync();

        var redirect = await flow.AuthorizeAsync();
        Assert.Equal(flow.State, redirect["state"]);
        Assert.Equal("http://127.0.0.1/", redirect["iss"]);
        var tokens = await flow.ExchangeAsync(redirect["code"]);

        Assert.True(tokens.Status == HttpStatusCode.OK, redirect["code"] + " " + tokens.ToString());
        Assert.Equal("Bearer", tokens.String("token_type"));
        Assert.NotNull(tokens.String("access_token"));
        Assert.NotNull(tokens.String("refresh_token"));
        var entry = await _host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId).FindTokenAsync(ClientCredentialsTests.TokenIdOf(tokens.String("access_token")!));
        Assert.Equal(TokenStatuses.Valid, entry!.Status);
        Assert.Equal(UserNamesOfAdmin, entry.Subject);
    }

    private static string UserNamesOfAdmin => Identity.UserNames.Normalize(TestUsers.AdminUser);

    [Fact]
    public async Task The_user_token_calls_the_api_and_worklogs_are_written_in_the_users_name()
    {
        var (_, flow) = await PublicAppAsync();
        var tokens = await flow.ExchangeAsync(await flow.CodeAsync());
        var bearer = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.String("access_token"));

        using var create = new HttpRequestMessage(HttpMethod.Post, "/4/worklogs")
        {
            Content = new StringContent("""{"issueKey":"ABC-1","timeSpentSeconds":60,"startDate":"2026-11-30"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = bearer;
        var created = await OAuth.Response.ReadAsync(await _backEnd.SendAsync(create));
        using var list = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        list.Headers.Authorization = bearer;
        var listed = await _backEnd.SendAsync(list);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var author = created.Json!.Value.GetProperty("author");
        Assert.Equal(UserNamesOfAdmin, author.GetProperty("accountId").GetString());
        Assert.Equal("Administrator", author.GetProperty("displayName").GetString());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task A_returning_user_is_not_asked_again_unless_the_client_asks_for_consent()
    {
        var (app, flow) = await PublicAppAsync();
        await flow.CodeAsync();

        var again = await _browser.GetAsync(flow.AuthorizeUrl());
        var forced = await _browser.GetAsync(flow.AuthorizeUrl(prompt: "consent"));

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("code=", again.Headers.Location!.Query);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Contains("Authorize", await forced.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Denying_sends_the_user_back_with_access_denied()
    {
        var (_, flow) = await PublicAppAsync();

        var redirect = await flow.AuthorizeAsync(decision: "deny");

        Assert.Equal("access_denied", redirect["error"]);
        Assert.Equal(flow.State, redirect["state"]);
    }

    [Fact]
    public async Task A_code_is_single_use_and_replaying_it_revokes_what_it_issued()
    {
        var (app, flow) = await PublicAppAsync();
        var code = await flow.CodeAsync();
        var first = await flow.ExchangeAsync(code);
        Assert.Equal(HttpStatusCode.OK, first.Status);

        var replay = await flow.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal("invalid_grant", replay.Error);
        var access = await _host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId).FindTokenAsync(ClientCredentialsTests.TokenIdOf(first.String("access_token")!));
        Assert.Equal(TokenStatuses.Revoked, access!.Status);
        Assert.Equal("invalid_grant", (await flow.RefreshAsync(first.String("refresh_token")!)).Error);
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_spent_one_revokes_the_whole_grant()
    {
        var (app, flow) = await PublicAppAsync();
        var first = await flow.ExchangeAsync(await flow.CodeAsync());
        var second = await flow.RefreshAsync(first.String("refresh_token")!);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(first.String("refresh_token"), second.String("refresh_token"));
        Assert.NotNull(second.String("access_token"));

        var reuse = await flow.RefreshAsync(first.String("refresh_token")!);

        Assert.Equal("invalid_grant", reuse.Error);
        // The thief's use of the spent token also cut off the legitimate chain.
        Assert.Equal("invalid_grant", (await flow.RefreshAsync(second.String("refresh_token")!)).Error);
        var access = await _host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId).FindTokenAsync(ClientCredentialsTests.TokenIdOf(second.String("access_token")!));
        Assert.Equal(TokenStatuses.Revoked, access!.Status);
    }

    [Fact]
    public async Task Revoking_a_refresh_token_revokes_the_access_tokens_of_its_grant()
    {
        var (app, flow) = await PublicAppAsync();
        var tokens = await flow.ExchangeAsync(await flow.CodeAsync());

        var revoked = await OAuth.RevokeAsync(_backEnd, app, tokens.String("refresh_token")!, hint: "refresh_token");

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        var access = await _host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId).FindTokenAsync(ClientCredentialsTests.TokenIdOf(tokens.String("access_token")!));
        Assert.Equal(TokenStatuses.Revoked, access!.Status);
        Assert.Equal("invalid_grant", (await flow.RefreshAsync(tokens.String("refresh_token")!)).Error);
    }

    [Fact]
    public async Task A_wrong_pkce_verifier_is_an_invalid_grant()
    {
        var (_, flow) = await PublicAppAsync();

        var response = await flow.ExchangeAsync(await flow.CodeAsync(), verifier: Pkce.NewVerifier());

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (response.Status, response.Error));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(129)]
    public async Task A_verifier_outside_43_to_128_characters_is_an_invalid_request_even_when_it_matches(int length)
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Public, GrantTypes.AuthorizationCode);
        var flow = new Integrator(_browser, _backEnd, app) { Verifier = new string('v', length) };

        var response = await flow.ExchangeAsync(await flow.CodeAsync());

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (response.Status, response.Error));
    }

    [Fact]
    public async Task A_code_flow_access_token_names_each_claim_once()
    {
        var (_, flow) = await PublicAppAsync();
        var tokens = await flow.ExchangeAsync(await flow.CodeAsync());

        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(tokens.String("access_token")!.Split('.')[1]));
        var names = System.Text.Json.JsonDocument.Parse(payload).RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("iss", names);
        Assert.Equal(names.Distinct(), names);
    }

    [Theory]
    [InlineData("=")]
    [InlineData("\t")]
    public async Task An_access_token_whose_signature_is_not_canonical_base64url_is_refused(string extra)
    {
        var (_, flow) = await PublicAppAsync();
        var token = (await flow.ExchangeAsync(await flow.CodeAsync())).String("access_token")!;
        var altered = extra == "=" ? token + "=" : token[..^5] + extra + token[^5..];

        using var request = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + altered);
        using var response = await _backEnd.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_native_client_on_a_loopback_address_may_use_any_port()
    {
        // Registered: http://127.0.0.1:7777/cb (RFC 8252 §7.3).
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Public, GrantTypes.AuthorizationCode);
        var flow = new Integrator(_browser, _backEnd, app, redirectUri: "http://127.0.0.1:53123/cb");

        var tokens = await flow.ExchangeAsync(await flow.CodeAsync());

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
    }

    [Fact]
    public async Task A_missing_pkce_verifier_is_an_invalid_request()
    {
        var (_, flow) = await PublicAppAsync();

        var response = await flow.ExchangeAsync(await flow.CodeAsync(), verifier: "");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(response.Error, new[] { "invalid_request", "invalid_grant" });
    }

    [Fact]
    public async Task A_redirect_url_other_than_the_authorized_one_is_an_invalid_grant()
    {
        var (_, flow) = await PublicAppAsync();

        var response = await flow.ExchangeAsync(await flow.CodeAsync(), redirect: "http://127.0.0.1:7777/cb");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (response.Status, response.Error));
    }

    [Fact]
    public async Task A_code_issued_to_one_client_cannot_be_exchanged_by_another()
    {
        var (_, flow) = await PublicAppAsync();
        var (other, _) = await PublicAppAsync();
        var code = await flow.CodeAsync();

        var response = await new Integrator(_browser, _backEnd, other).ExchangeAsync(code, verifier: flow.Verifier);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (response.Status, response.Error));
    }

    [Fact]
    public async Task A_confidential_client_registered_without_pkce_may_skip_it_and_authenticates_with_its_secret()
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, requirePkce: false, GrantTypes.AuthorizationCode);
        var flow = new Integrator(_browser, _backEnd, app);

        var redirect = await flow.AuthorizeAsync(pkce: false);
        var tokens = await flow.ExchangeAsync(redirect["code"], verifier: "");

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.Null(tokens.String("refresh_token"));
    }

    [Fact]
    public async Task A_new_confidential_client_requires_pkce_unless_registered_without_it()
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, GrantTypes.AuthorizationCode);
        var flow = new Integrator(_browser, _backEnd, app);

        var withoutPkce = await flow.AuthorizeAsync(pkce: false);
        var updated = await _host.Grains.GetGrain<IApplicationDirectoryGrain>(0).UpdateAsync(app.ClientId,
            new ApplicationUpdate((await _host.Grains.GetGrain<IOAuthApplicationGrain>(app.ClientId).GetAsync())!.Name, ["https://client.example/callback"], [GrantTypes.AuthorizationCode], RequirePkce: false), "test");
        var afterUpdate = await flow.AuthorizeAsync(pkce: false);

        Assert.Equal("invalid_request", withoutPkce["error"]);
        Assert.True(updated.Succeeded);
        Assert.False(updated.Value!.RequirePkce);
        Assert.Equal(HttpStatusCode.OK, (await flow.ExchangeAsync(afterUpdate["code"], verifier: "")).Status);
    }

    [Fact]
    public async Task A_scope_beyond_read_and_write_is_refused_at_the_authorization_endpoint()
    {
        var (_, flow) = await PublicAppAsync();

        var redirect = await flow.AuthorizeAsync(scope: "read admin");

        Assert.Equal("invalid_scope", redirect["error"]);
    }
}

public sealed class ExpiredCodeTests
{
    [Fact]
    public async Task An_expired_code_is_an_invalid_grant()
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Authorization:AuthorizationCodeLifetime"] = "00:00:01",
        });
        using var browser = host.CreateClient();
        using var backEnd = host.CreateClient();
        var app = await OAuth.RegisterAsync(host.Grains, ClientType.Public, GrantTypes.AuthorizationCode);
        var flow = new Integrator(browser, backEnd, app);
        var code = await flow.CodeAsync();

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var response = await flow.ExchangeAsync(code);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (response.Status, response.Error));
    }
}
