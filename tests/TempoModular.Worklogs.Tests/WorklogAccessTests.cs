using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Worklogs.Tests;

/// <summary>Bearer tokens and scopes in front of /4/worklogs (RFC 6750 §3).</summary>
public sealed class WorklogAccessTests : HostedTest<Program>
{
    [Theory]
    [InlineData("GET", "/4/worklogs")]
    [InlineData("GET", "/4/worklogs/1")]
    [InlineData("POST", "/4/worklogs")]
    [InlineData("DELETE", "/4/worklogs/1")]
    public async Task A_request_without_a_token_gets_401_with_a_bearer_challenge(string method, string path)
    {
        var response = await Integrator.SendAsync(Client, new HttpMethod(method), path, token: null,
            method == "POST" ? new StringContent(Integrator.ValidBody, System.Text.Encoding.UTF8, "application/json") : null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        // RFC 6750 §3.1: no error code when the request carried no credentials at all.
        Assert.Equal("Bearer", response.WwwAuthenticate);
    }

    [Fact]
    public async Task A_garbage_token_gets_401_invalid_token()
    {
        var response = await Integrator.GetAsync(Client, "/4/worklogs", "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.WwwAuthenticate);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_not_accepted()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);

        var response = await Integrator.GetAsync(Client, "/4/worklogs?access_token=" + Uri.EscapeDataString(token), token: null);

        // RFC 6750 §2.3 / RFC 9700 §4.3: tokens in URLs leak into logs; only the header counts.
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task A_read_only_token_can_list_and_read_but_not_create_or_delete()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var writer = await Integrator.AccessTokenAsync(Client, app);
        var created = await Integrator.CreateAsync(Client, writer);
        var path = "/4/worklogs/" + created.GetProperty("id").GetInt64();
        var reader = await Integrator.AccessTokenAsync(Client, app, "read");

        Assert.Equal(HttpStatusCode.OK, (await Integrator.GetAsync(Client, "/4/worklogs", reader)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Integrator.GetAsync(Client, path, reader)).Status);

        var post = await Integrator.PostAsync(Client, reader, Integrator.ValidBody);
        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.Equal(
            "Bearer error=\"insufficient_scope\", error_description=\"This request requires the 'write' scope.\", "
            + "error_uri=\"https://datatracker.ietf.org/doc/html/rfc6750#section-3.1\", scope=\"write\"",
            post.WwwAuthenticate);

        var delete = await Integrator.DeleteAsync(Client, path, reader);
        Assert.Equal(HttpStatusCode.Forbidden, delete.Status);
        Assert.Contains("scope=\"write\"", delete.WwwAuthenticate);
        Assert.Equal(HttpStatusCode.OK, (await Integrator.GetAsync(Client, path, reader)).Status);
    }

    [Fact]
    public async Task A_write_only_token_cannot_read()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var writer = await Integrator.AccessTokenAsync(Client, app, "write");

        var response = await Integrator.GetAsync(Client, "/4/worklogs", writer);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Contains("error=\"insufficient_scope\"", response.WwwAuthenticate);
        Assert.Contains("scope=\"read\"", response.WwwAuthenticate);
    }

    [Fact]
    public async Task A_scope_refusal_happens_before_the_body_is_looked_at()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var reader = await Integrator.AccessTokenAsync(Client, app, "read");

        var response = await Integrator.PostAsync(Client, reader, "{ not json");

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_on_the_very_next_call()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);
        Assert.Equal(HttpStatusCode.OK, (await Integrator.GetAsync(Client, "/4/worklogs", token)).Status);

        await Integrator.RevokeAsync(Client, app, token);
        var response = await Integrator.GetAsync(Client, "/4/worklogs", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.WwwAuthenticate);
    }

    [Fact]
    public async Task A_token_of_a_deleted_application_is_refused_on_the_next_call()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);
        await Integrator.CreateAsync(Client, token);

        var deleted = await Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).DeleteAsync(app.ClientId, "test");
        Assert.True(deleted.Succeeded);
        var response = await Integrator.PostAsync(Client, token, Integrator.ValidBody);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.WwwAuthenticate);
    }
}
