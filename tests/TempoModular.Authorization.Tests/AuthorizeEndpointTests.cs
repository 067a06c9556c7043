using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>The authorization endpoint's refusals, before anyone signs in.</summary>
public sealed class AuthorizeEndpointTests : IClassFixture<BadTokenRequestTests.Fixture>
{
    private const string Callback = "https://client.example/callback";
    private readonly BadTokenRequestTests.Fixture _fixture;

    public AuthorizeEndpointTests(BadTokenRequestTests.Fixture fixture) => _fixture = fixture;

    private async Task<HttpResponseMessage> AuthorizeAsync(params (string Key, string? Value)[] parameters)
    {
        var url = QueryHelpers.AddQueryString("/oauth/authorize", parameters.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        return await _fixture.Client.GetAsync(url);
    }

    [Fact]
    public async Task An_unknown_client_gets_an_error_page_and_no_redirect()
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", "nobody"), ("redirect_uri", "https://attacker.example/steal"), ("state", "s"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        // RFC 6749 §4.1.2.1 has no invalid_client for this endpoint: invalid_request, shown to the user.
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_request", page);
        Assert.Contains("client_id", page);
    }

    [Theory]
    [InlineData("https://attacker.example/callback")]
    [InlineData("https://client.example/callback/")]
    [InlineData("https://client.example/callback?x=1")]
    [InlineData("HTTPS://client.example/callback")]
    public async Task A_redirect_url_that_is_not_registered_exactly_gets_an_error_page_and_no_redirect(string redirect)
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", _fixture.WebApp.ClientId), ("redirect_uri", redirect), ("state", "s"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_public_client_without_pkce_is_sent_back_with_invalid_request()
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", _fixture.Public.ClientId), ("redirect_uri", Callback), ("state", "s1"));

        var error = ErrorRedirect(response);
        Assert.Equal("invalid_request", error["error"]);
        Assert.Equal("s1", error["state"]);
        Assert.Equal("http://127.0.0.1/", error["iss"]);
    }

    [Fact]
    public async Task Plain_pkce_is_refused()
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", _fixture.Public.ClientId), ("redirect_uri", Callback), ("state", "s2"),
            ("code_challenge", new string('a', 43)), ("code_challenge_method", "plain"));

        Assert.Equal("invalid_request", ErrorRedirect(response)["error"]);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("0123456789012345678901234567890123456789+/=")]
    public async Task A_challenge_that_is_not_43_to_128_unreserved_characters_is_refused(string challenge)
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", _fixture.Public.ClientId), ("redirect_uri", Callback), ("state", "s5"),
            ("code_challenge", challenge), ("code_challenge_method", "S256"));

        var error = ErrorRedirect(response);
        Assert.Equal("invalid_request", error["error"]);
        Assert.Contains("code_challenge", error["error_description"]);
    }

    [Theory]
    [InlineData("form_post")]
    [InlineData("fragment")]
    public async Task Response_modes_other_than_query_are_refused(string mode)
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", _fixture.Public.ClientId), ("redirect_uri", Callback), ("state", "s6"),
            ("code_challenge", Pkce.Challenge(Pkce.NewVerifier())), ("code_challenge_method", "S256"), ("response_mode", mode));

        Assert.True((int)response.StatusCode < 500);
        var error = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_request", error);
    }

    [Theory]
    [InlineData("http://localhost:53123/cb")]
    [InlineData("http://127.0.0.1:53123/cb/")]
    [InlineData("http://127.0.0.1:53123/other")]
    [InlineData("https://127.0.0.1:53123/cb")]
    public async Task Only_the_port_of_a_loopback_ip_literal_may_differ_from_the_registration(string redirect)
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", _fixture.Public.ClientId), ("redirect_uri", redirect), ("state", "s7"),
            ("code_challenge", Pkce.Challenge(Pkce.NewVerifier())), ("code_challenge_method", "S256"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("id_token token")]
    public async Task The_implicit_flow_is_refused(string responseType)
    {
        using var response = await AuthorizeAsync(("response_type", responseType), ("client_id", _fixture.Public.ClientId), ("redirect_uri", Callback), ("state", "s3"), ("nonce", "n"));

        Assert.True((int)response.StatusCode < 500);
        var error = response.Headers.Location is null
            ? await response.Content.ReadAsStringAsync()
            : response.Headers.Location.ToString();
        Assert.Contains("unsupported_response_type", error);
    }

    [Fact]
    public async Task A_valid_request_from_an_anonymous_user_is_sent_to_sign_in_and_back()
    {
        using var response = await AuthorizeAsync(("response_type", "code"), ("client_id", _fixture.Public.ClientId), ("redirect_uri", Callback), ("state", "s4"),
            ("code_challenge", Pkce.Challenge(Pkce.NewVerifier())), ("code_challenge_method", "S256"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("http://127.0.0.1/account/sign-in?ReturnUrl=", location);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(location).Query)["ReturnUrl"].ToString();
        Assert.StartsWith("/oauth/authorize?", returnUrl);
    }

    private static Dictionary<string, string> ErrorRedirect(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(Callback, location.ToString());
        return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }
}
