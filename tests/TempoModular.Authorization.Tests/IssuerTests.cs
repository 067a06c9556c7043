using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// One issuer for the whole site, from configuration: a forged Host header must
/// not put another URL into the metadata or the tokens (RFC 8414 §3.3), and a
/// token must not depend on the host name it was requested under.
/// </summary>
public sealed class IssuerTests : IAsyncLifetime
{
    private const string Issuer = "https://tempo.example/";

    private TestHost<Program> _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost<Program>.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Authorization:Issuer"] = Issuer,
        });
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("tempo.example")]
    public async Task The_metadata_names_the_configured_issuer_whatever_host_the_request_names(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/oauth-authorization-server");
        request.Headers.Host = host;
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metadata = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Issuer, metadata.GetProperty("issuer").GetString());
        Assert.Equal(Issuer + "oauth/token", metadata.GetProperty("token_endpoint").GetString());
    }

    [Fact]
    public async Task A_request_for_an_unknown_host_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/oauth-authorization-server");
        request.Headers.Host = "evil.example";
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_carries_the_configured_issuer_and_works_under_every_allowed_host_name()
    {
        var app = await OAuth.RegisterMachineClientAsync(_host.Grains);
        using var issue = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = app.ClientId,
                ["client_secret"] = app.ClientSecret!,
            }),
        };
        issue.Headers.Host = "localhost";
        using var issued = await _client.SendAsync(issue);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;

        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var claims = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '='))).RootElement;
        Assert.Equal(Issuer, claims.GetProperty("iss").GetString());

        foreach (var host in new[] { "127.0.0.1", "tempo.example" })
        {
            using var call = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
            call.Headers.Host = host;
            call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answered = await _client.SendAsync(call);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
    }
}
