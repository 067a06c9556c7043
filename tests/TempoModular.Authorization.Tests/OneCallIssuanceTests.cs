using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// With the token-path optimizations a host validates a client-credentials
/// request against its own copy of the application and lets the call that
/// records the token check the secret and what the copy was trusted for
/// (Optimizations/OneCallIssuance.cs). Whatever changed since the copy was made
/// must count from the next request, exactly as in stock OpenIddict, which asks
/// the grain every time: so each test runs in both modes, after a first token
/// that gives the host its copy.
/// </summary>
public sealed class OneCallIssuanceTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_application_changed_after_the_host_served_it_is_judged_as_it_is_now(bool optimized)
    {
        await using var host = await StartAsync(optimized);
        using var client = host.CreateClient();
        var directory = host.Grains.GetGrain<IApplicationDirectoryGrain>(0);
        var app = await OAuth.RegisterAsync(host.Grains, ClientType.Confidential, GrantTypes.ClientCredentials, GrantTypes.AuthorizationCode);
        var details = (await host.Grains.GetGrain<IOAuthApplicationGrain>(app.ClientId).GetAsync())!;
        var tokens = host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId);
        Assert.Equal(HttpStatusCode.OK, (await OAuth.ClientCredentialsAsync(client, app)).Status);

        // The grant withdrawn: refused, and nothing recorded.
        var withdrawn = await directory.UpdateAsync(app.ClientId, new ApplicationUpdate(details.Name, details.RedirectUrls, [GrantTypes.AuthorizationCode]), "test");
        Assert.True(withdrawn.Succeeded);
        var active = await tokens.CountActiveTokensAsync();
        var refused = await OAuth.ClientCredentialsAsync(client, app);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("unauthorized_client", refused.Error);
        Assert.Equal(active, await tokens.CountActiveTokensAsync());

        // The grant back with a shorter access-token lifetime: the next token has it.
        // Then only the lifetime changes (the host's copy still allows the grant): the
        // token is issued with the application's current lifetime.
        foreach (var minutes in new[] { 5, 10 })
        {
            var edited = await directory.UpdateAsync(
                app.ClientId,
                new ApplicationUpdate(details.Name, details.RedirectUrls, [GrantTypes.ClientCredentials, GrantTypes.AuthorizationCode], new TokenLifetimes(TimeSpan.FromMinutes(minutes), null, null)),
                "test");
            Assert.True(edited.Succeeded);
            var token = await OAuth.ClientCredentialsAsync(client, app);
            Assert.Equal(HttpStatusCode.OK, token.Status);
            Assert.InRange(token.Json!.Value.GetProperty("expires_in").GetInt32(), minutes * 60 - 10, minutes * 60);
            var entry = await tokens.FindTokenAsync(ClientCredentialsTests.TokenIdOf(token.String("access_token")!));
            Assert.NotNull(entry);
            var lifetime = TimeSpan.FromMinutes(minutes);
            Assert.InRange(entry.ExpiresAt!.Value - entry.CreatedAt, lifetime - TimeSpan.FromSeconds(1), lifetime + TimeSpan.FromSeconds(1));
        }

        // The secret rotated: the new one works, the previous one within its grace
        // period, a wrong one never.
        var rotated = await host.Grains.GetGrain<IOAuthApplicationGrain>(app.ClientId).RotateSecretAsync("test");
        Assert.True(rotated.Succeeded);
        Assert.Equal(HttpStatusCode.OK, (await OAuth.ClientCredentialsAsync(client, rotated.Value!)).Status);
        Assert.Equal(HttpStatusCode.OK, (await OAuth.ClientCredentialsAsync(client, app)).Status);
        Assert.Equal("invalid_client", (await OAuth.ClientCredentialsAsync(client, app with { ClientSecret = "not-the-secret" })).Error);

        // Deleted: an unknown client from the next request on.
        Assert.True((await directory.DeleteAsync(app.ClientId, "test")).Succeeded);
        var gone = await OAuth.ClientCredentialsAsync(client, rotated.Value!);
        Assert.Equal(HttpStatusCode.Unauthorized, gone.Status);
        Assert.Equal("invalid_client", gone.Error);
    }

    // OpenIddict judges the scope before the client's secret; a copy that lets the
    // request through changes neither that order nor the answers.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_request_is_refused_for_the_same_reason_with_either_secret(bool optimized)
    {
        await using var host = await StartAsync(optimized);
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);
        Assert.Equal(HttpStatusCode.OK, (await OAuth.ClientCredentialsAsync(client, app)).Status);
        var wrongSecret = app with { ClientSecret = app.ClientSecret + "x" };

        Assert.Equal("invalid_scope", (await OAuth.ClientCredentialsAsync(client, wrongSecret, scope: "no-such-scope")).Error);
        Assert.Equal("invalid_scope", (await OAuth.ClientCredentialsAsync(client, app, scope: "no-such-scope")).Error);
        var refused = await OAuth.ClientCredentialsAsync(client, wrongSecret, scope: "read");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("invalid_client", refused.Error);
        Assert.Equal(HttpStatusCode.OK, (await OAuth.ClientCredentialsAsync(client, app, scope: "read")).Status);
    }

    // Every request carries its own deferred check: right and wrong secrets fired
    // at once, repeatedly, are each judged on their own.
    [Fact]
    public async Task Concurrent_requests_with_right_and_wrong_secrets_are_each_judged_on_their_own()
    {
        await using var host = await StartAsync(optimized: true);
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);
        var tokens = host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId);
        Assert.Equal(HttpStatusCode.OK, (await OAuth.ClientCredentialsAsync(client, app)).Status);

        for (var round = 0; round < 5; round++)
        {
            var requests = Enumerable.Range(0, 40)
                .Select(i => (Right: i % 2 == 0, Answer: OAuth.ClientCredentialsAsync(client, i % 2 == 0 ? app : app with { ClientSecret = app.ClientSecret + i })))
                .ToList();
            await Task.WhenAll(requests.Select(r => r.Answer));

            foreach (var (right, answer) in requests)
            {
                var response = await answer;
                if (right)
                {
                    Assert.Equal(HttpStatusCode.OK, response.Status);
                    Assert.NotNull(await tokens.FindTokenAsync(ClientCredentialsTests.TokenIdOf(response.String("access_token")!)));
                }
                else
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
                    Assert.Equal("invalid_client", response.Error);
                }
            }
        }

        Assert.Equal(1 + 5 * 20, await tokens.CountActiveTokensAsync());
    }

    private static Task<TestHost<Program>> StartAsync(bool optimized) =>
        TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Authorization:TokenPathOptimizations"] = optimized ? "true" : "false" });
}
