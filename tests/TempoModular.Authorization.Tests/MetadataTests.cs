using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

public sealed class MetadataTests : IClassFixture<BadTokenRequestTests.Fixture>
{
    private readonly BadTokenRequestTests.Fixture _fixture;

    public MetadataTests(BadTokenRequestTests.Fixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/openid-configuration")]
    public async Task Metadata_describes_the_endpoints_grants_and_methods_the_server_supports(string path)
    {
        using var response = await _fixture.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var metadata = document.RootElement;

        Assert.Equal("http://127.0.0.1/", metadata.GetProperty("issuer").GetString());
        Assert.Equal("http://127.0.0.1/oauth/token", metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://127.0.0.1/oauth/authorize", metadata.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://127.0.0.1/oauth/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal("http://127.0.0.1/oauth/introspect", metadata.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], Strings(metadata, "grant_types_supported").Order());
        Assert.Equal(["S256"], Strings(metadata, "code_challenge_methods_supported"));
        Assert.Equal(["code"], Strings(metadata, "response_types_supported"));
        Assert.Contains("read", Strings(metadata, "scopes_supported"));
        Assert.Contains("write", Strings(metadata, "scopes_supported"));
        Assert.Contains("client_secret_basic", Strings(metadata, "token_endpoint_auth_methods_supported"));
        Assert.Contains("client_secret_post", Strings(metadata, "token_endpoint_auth_methods_supported"));
        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }

    [Theory]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/openid-configuration")]
    public async Task Metadata_advertises_nothing_the_server_refuses_or_ignores(string path)
    {
        var body = await _fixture.Client.GetStringAsync(path);
        using var document = JsonDocument.Parse(body);
        var metadata = document.RootElement;

        Assert.False(body.Contains("private_key_jwt", StringComparison.Ordinal), body);
        Assert.Equal(["query"], Strings(metadata, "response_modes_supported"));
        Assert.DoesNotContain("openid", Strings(metadata, "scopes_supported"));
        Assert.All(metadata.TryGetProperty("prompt_values_supported", out var prompts) ? Strings(metadata, "prompt_values_supported") : [], p => Assert.Contains(p, new[] { "consent", "none" }));
        foreach (var name in new[] { "claims_supported", "subject_types_supported", "id_token_signing_alg_values_supported", "userinfo_endpoint", "claims_parameter_supported", "request_parameter_supported" })
        {
            Assert.False(metadata.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Array | value.GetArrayLength() > 0, $"{name} is advertised: {body}");
        }
    }

    [Fact]
    public async Task The_openid_scope_is_refused_rather_than_answered_with_an_id_token()
    {
        var response = await OAuth.ClientCredentialsAsync(_fixture.Client, _fixture.Machine, "openid read");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (response.Status, response.Error));
        Assert.Null(response.String("id_token"));
    }

    [Fact]
    public async Task Introspection_answers_are_never_cached()
    {
        var token = await OAuth.AccessTokenAsync(_fixture.Client, _fixture.Machine);

        var response = await OAuth.IntrospectAsync(_fixture.Client, _fixture.Machine, token);

        Assert.True(response.Json!.Value.GetProperty("active").GetBoolean());
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.CacheControl?.ToString());
    }

    // SkipNonOAuthRequests hands every other path straight on: an endpoint moved
    // elsewhere would silently stop working.
    [Fact]
    public void Every_server_endpoint_lives_under_oauth_or_well_known()
    {
        var options = _fixture.Host.Services.GetRequiredService<IOptionsMonitor<OpenIddict.Server.OpenIddictServerOptions>>().CurrentValue;
        var endpoints = options.AuthorizationEndpointUris.Concat(options.TokenEndpointUris).Concat(options.RevocationEndpointUris)
            .Concat(options.IntrospectionEndpointUris).Concat(options.ConfigurationEndpointUris).Concat(options.JsonWebKeySetEndpointUris)
            .Concat(options.EndSessionEndpointUris).Concat(options.UserInfoEndpointUris).Concat(options.DeviceAuthorizationEndpointUris)
            .Concat(options.EndUserVerificationEndpointUris).Concat(options.PushedAuthorizationEndpointUris).ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, uri => Assert.Matches("^/?(oauth|\\.well-known)/", uri.OriginalString));
    }

    [Fact]
    public async Task The_jwks_publishes_one_public_ec_key_and_no_secret_key()
    {
        using var response = await _fixture.Client.GetAsync("/.well-known/jwks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var keys = document.RootElement.GetProperty("keys").EnumerateArray().ToList();

        var key = Assert.Single(keys);
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.False(key.TryGetProperty("d", out _));
        Assert.False(key.TryGetProperty("k", out _));
    }

    private static string[] Strings(JsonElement metadata, string name) =>
        [.. metadata.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
