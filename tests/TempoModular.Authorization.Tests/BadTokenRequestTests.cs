using System.Net;
using System.Text;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// Every malformed or forbidden token request gets its precise status and OAuth
/// error, never a 5xx. One host for the whole table: each case registers what it needs.
/// </summary>
public sealed class BadTokenRequestTests : IClassFixture<BadTokenRequestTests.Fixture>
{
    private readonly Fixture _fixture;

    public BadTokenRequestTests(Fixture fixture) => _fixture = fixture;

    public sealed class Fixture : IAsyncLifetime
    {
        public TestHost<Program> Host { get; private set; } = null!;
        public HttpClient Client { get; private set; } = null!;
        public ApplicationCredentials Machine { get; private set; } = null!;
        public ApplicationCredentials Public { get; private set; } = null!;
        public ApplicationCredentials WebApp { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await TestHost<Program>.StartAsync();
            Client = Host.CreateClient();
            Machine = await OAuth.RegisterMachineClientAsync(Host.Grains);
            Public = await OAuth.RegisterAsync(Host.Grains, ClientType.Public, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
            WebApp = await OAuth.RegisterAsync(Host.Grains, ClientType.Confidential, GrantTypes.AuthorizationCode);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Host.DisposeAsync();
        }
    }

    public sealed record Case(string Name, Func<Fixture, HttpRequestMessage> Request, HttpStatusCode Status, string Error)
    {
        public override string ToString() => Name;
    }

    private static HttpRequestMessage Form(string path, params (string Key, string Value)[] fields) =>
        new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))) };

    private static HttpRequestMessage Raw(string path, string body, string contentType = "application/x-www-form-urlencoded") =>
        new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType)) };

    private static (string, string)[] Credentials(ApplicationCredentials app) =>
        [("client_id", app.ClientId), ("client_secret", app.ClientSecret!)];

    public static TheoryData<Case> Cases => new()
    {
        new("missing grant_type", f => Form("/oauth/token", Credentials(f.Machine)), HttpStatusCode.BadRequest, "invalid_request"),
        new("duplicated grant_type", f => Form("/oauth/token", [("grant_type", "client_credentials"), ("grant_type", "client_credentials"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "invalid_request"),
        new("duplicated client_id", f => Form("/oauth/token", [("grant_type", "client_credentials"), ("client_id", f.Machine.ClientId), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "invalid_request"),
        new("missing client_id", f => Form("/oauth/token", ("grant_type", "client_credentials"), ("client_secret", f.Machine.ClientSecret!)), HttpStatusCode.BadRequest, "invalid_request"),
        new("wrong secret", f => Form("/oauth/token", ("grant_type", "client_credentials"), ("client_id", f.Machine.ClientId), ("client_secret", "wrong")), HttpStatusCode.Unauthorized, "invalid_client"),
        new("missing secret", f => Form("/oauth/token", ("grant_type", "client_credentials"), ("client_id", f.Machine.ClientId)), HttpStatusCode.Unauthorized, "invalid_client"),
        new("unknown client", f => Form("/oauth/token", ("grant_type", "client_credentials"), ("client_id", "no-such-client"), ("client_secret", "x")), HttpStatusCode.Unauthorized, "invalid_client"),
        new("parameters in the query string", f => new HttpRequestMessage(HttpMethod.Post, $"/oauth/token?grant_type=client_credentials&client_id={f.Machine.ClientId}&client_secret={Uri.EscapeDataString(f.Machine.ClientSecret!)}") { Content = new FormUrlEncodedContent([]) }, HttpStatusCode.BadRequest, "invalid_request"),
        new("body in the form and a parameter in the query", f => new HttpRequestMessage(HttpMethod.Post, "/oauth/token?scope=read") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = f.Machine.ClientId, ["client_secret"] = f.Machine.ClientSecret! }) }, HttpStatusCode.BadRequest, "invalid_request"),
        new("GET instead of POST", f => new HttpRequestMessage(HttpMethod.Get, $"/oauth/token?grant_type=client_credentials&client_id={f.Machine.ClientId}"), HttpStatusCode.BadRequest, "invalid_request"),
        new("password grant", f => Form("/oauth/token", [("grant_type", "password"), ("username", "admin"), ("password", "x"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "unsupported_grant_type"),
        new("implicit as a grant type", f => Form("/oauth/token", [("grant_type", "implicit"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "unsupported_grant_type"),
        new("unknown grant type", f => Form("/oauth/token", [("grant_type", "urn:example:magic"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "unsupported_grant_type"),
        new("scope beyond read and write", f => Form("/oauth/token", [("grant_type", "client_credentials"), ("scope", "read admin"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "invalid_scope"),
        new("public client asking for client credentials", f => Form("/oauth/token", ("grant_type", "client_credentials"), ("client_id", f.Public.ClientId)), HttpStatusCode.BadRequest, "unauthorized_client"),
        new("confidential client whose registration lacks client credentials", f => Form("/oauth/token", [("grant_type", "client_credentials"), .. Credentials(f.WebApp)]), HttpStatusCode.BadRequest, "unauthorized_client"),
        new("authorization code that was never issued", f => Form("/oauth/token", [("grant_type", "authorization_code"), ("code", "made-up"), ("redirect_uri", "https://client.example/callback"), .. Credentials(f.WebApp)]), HttpStatusCode.BadRequest, "invalid_grant"),
        new("authorization code grant without a code", f => Form("/oauth/token", [("grant_type", "authorization_code"), ("redirect_uri", "https://client.example/callback"), .. Credentials(f.WebApp)]), HttpStatusCode.BadRequest, "invalid_request"),
        new("refresh token that was never issued", f => Form("/oauth/token", ("grant_type", "refresh_token"), ("refresh_token", "made-up"), ("client_id", f.Public.ClientId)), HttpStatusCode.BadRequest, "invalid_grant"),
        new("JSON body instead of a form", f => new HttpRequestMessage(HttpMethod.Post, "/oauth/token") { Content = new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json") }, HttpStatusCode.BadRequest, "invalid_request"),
        new("malformed form body", f => new HttpRequestMessage(HttpMethod.Post, "/oauth/token") { Content = new StringContent("grant_type=%zz&&=%%%", Encoding.UTF8, "application/x-www-form-urlencoded") }, HttpStatusCode.BadRequest, "invalid_request"),
        new("oversized body", f => Form("/oauth/token", [("grant_type", "client_credentials"), ("padding", new string('a', 1_100_000)), .. Credentials(f.Machine)]), HttpStatusCode.RequestEntityTooLarge, "invalid_request"),
        new("revocation without a token", f => Form("/oauth/revoke", Credentials(f.Machine)), HttpStatusCode.BadRequest, "invalid_request"),
        new("revocation with the wrong secret", f => Form("/oauth/revoke", ("token", "x"), ("client_id", f.Machine.ClientId), ("client_secret", "wrong")), HttpStatusCode.Unauthorized, "invalid_client"),
        new("revocation with parameters in the query string", f => new HttpRequestMessage(HttpMethod.Post, $"/oauth/revoke?token=x&client_id={f.Machine.ClientId}") { Content = new FormUrlEncodedContent([]) }, HttpStatusCode.BadRequest, "invalid_request"),
        new("introspection by a public client", f => Form("/oauth/introspect", ("token", "x"), ("client_id", f.Public.ClientId)), HttpStatusCode.Unauthorized, "invalid_client"),
        new("NUL in a form value", f => Raw("/oauth/token", $"grant_type=client_credentials&client_id={f.Machine.ClientId}%00&client_secret=x"), HttpStatusCode.BadRequest, "invalid_request"),
        new("control character in a form name", f => Form("/oauth/token", [("grant_type", "client_credentials"), ("sco\tpe", "read"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "invalid_request"),
        // The form reader keeps escapes that do not decode as UTF-8 as they are: a secret that does not match.
        new("escapes that are not UTF-8", f => Raw("/oauth/token", $"grant_type=client_credentials&client_id={f.Machine.ClientId}&client_secret=%FF%FE"), HttpStatusCode.Unauthorized, "invalid_client"),
        new("more than 1,024 form fields", f => Raw("/oauth/token", "grant_type=client_credentials&" + string.Join("&", Enumerable.Range(0, 1100).Select(i => $"f{i}=1"))), HttpStatusCode.BadRequest, "invalid_request"),
        new("a form key over 2,048 characters", f => Raw("/oauth/token", $"grant_type=client_credentials&{new string('k', 3000)}=1"), HttpStatusCode.BadRequest, "invalid_request"),
        new("an unknown charset", f => Raw("/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded; charset=no-such-charset"), HttpStatusCode.BadRequest, "invalid_request"),
        new("duplicated scope", f => Form("/oauth/token", [("grant_type", "client_credentials"), ("scope", "read"), ("scope", "write"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "invalid_request"),
        new("duplicated client_secret", f => Form("/oauth/token", [("grant_type", "client_credentials"), ("client_secret", "wrong"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "invalid_request"),
        new("duplicated token at revocation", f => Form("/oauth/revoke_token", [("token", "a"), ("token", "b"), .. Credentials(f.Machine)]), HttpStatusCode.BadRequest, "invalid_request"),
        new("NUL in an authorization request", f => new HttpRequestMessage(HttpMethod.Get, $"/oauth/authorize?response_type=code&client_id={f.Public.ClientId}%00"), HttpStatusCode.BadRequest, "invalid_request"),
        new("duplicated parameter in an authorization request", f => new HttpRequestMessage(HttpMethod.Get, $"/oauth/authorize?response_type=code&client_id={f.Public.ClientId}&scope=read&scope=write"), HttpStatusCode.BadRequest, "invalid_request"),
        new("introspection with the wrong secret", f => Form("/oauth/introspect", ("token", "x"), ("client_id", f.Machine.ClientId), ("client_secret", "wrong")), HttpStatusCode.Unauthorized, "invalid_client"),
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task A_bad_request_gets_its_precise_error_and_never_a_server_error(Case @case)
    {
        using var request = @case.Request(_fixture);
        using var response = await _fixture.Client.SendAsync(request);
        var parsed = await OAuth.Response.ReadAsync(response);

        Assert.True((int)parsed.Status < 500, $"{@case.Name}: {parsed}");
        Assert.Equal((@case.Status, @case.Error), (parsed.Status, parsed.Error));
        // OpenIddict's error_uri describes OpenIddict, not this server.
        Assert.Null(parsed.String("error_uri"));
    }

    [Fact]
    public async Task Many_concurrent_requests_for_one_unknown_client_id_are_each_refused_as_invalid_client()
    {
        // The made-up id's grain deactivates itself after each look-up; requests
        // arriving meanwhile must reach a new activation, not a 5xx.
        for (var round = 0; round < 10; round++)
        {
            var clientId = "unknown-" + Guid.NewGuid().ToString("N");
            var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                using var request = Form("/oauth/token", ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", "x"));
                using var response = await _fixture.Client.SendAsync(request);
                return await OAuth.Response.ReadAsync(response);
            }));

            Assert.All(answers, a => Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (a.Status, a.Error)));
        }
    }
}
