using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// The token path asks the application's grain no more than it must: a
/// client-credentials request checks the secret and records the token (committed
/// before the response) in one call, once the host has a copy of the application.
/// The host runs with the token-path optimizations on whatever the environment
/// says: with them off (stock OpenIddict) the store is asked, and so the grain
/// called, once per lookup OpenIddict makes. Introspection and revocation check
/// the secret and read the presented token's entry in one call.
/// </summary>
public sealed class GrainCallTests
{
    [Fact]
    public async Task A_client_credentials_token_costs_one_call_to_its_application_once_the_host_has_seen_it()
    {
        var calls = new ApplicationCalls();
        await using var host = await StartAsync(calls);
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);

        // The first request this host serves for the application looks it up (and
        // keeps a copy), then records the token.
        calls.ClientId = app.ClientId;
        Assert.Equal(HttpStatusCode.OK, (await OAuth.ClientCredentialsAsync(client, app)).Status);
        Assert.Equal(["AuthenticateAsync", "RecordTokenAsync"], calls.Methods);

        // From then on one call checks the secret against the application as it
        // is now and records the token (committed before the response).
        calls.Methods.Clear();
        var token = await OAuth.ClientCredentialsAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal(["RecordClientCredentialsTokenAsync"], calls.Methods);
        Assert.NotNull(await host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId).FindTokenAsync(ClientCredentialsTests.TokenIdOf(token.String("access_token")!)));

        // A wrong secret is refused by the same single call, and nothing is recorded.
        var before = await host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId).CountActiveTokensAsync();
        calls.Methods.Clear();
        var refused = await OAuth.ClientCredentialsAsync(client, app with { ClientSecret = app.ClientSecret + "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("invalid_client", refused.Error);
        Assert.Equal(["RecordClientCredentialsTokenAsync"], calls.Methods);
        Assert.Equal(before, await host.Grains.GetGrain<IApplicationTokenSet>(app.ClientId).CountActiveTokensAsync());
    }

    [Fact]
    public async Task Introspection_and_revocation_check_the_secret_and_read_the_token_in_one_call()
    {
        var calls = new ApplicationCalls();
        await using var host = await StartAsync(calls);
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);
        var token = await OAuth.AccessTokenAsync(client, app);

        calls.ClientId = app.ClientId;
        var active = await OAuth.IntrospectAsync(client, app, token);
        Assert.True(active.Json!.Value.GetProperty("active").GetBoolean());
        Assert.Equal(["AuthenticateForTokenAsync"], calls.Methods);

        // A wrong secret gets no token entry, and the request is refused.
        calls.Methods.Clear();
        var refused = await OAuth.IntrospectAsync(client, app with { ClientSecret = app.ClientSecret + "x" }, token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(["AuthenticateForTokenAsync"], calls.Methods);

        // Revocation reads the entry from the same call, then revokes it; the next
        // introspection reads it again and finds it revoked.
        calls.Methods.Clear();
        var revoked = await OAuth.RevokeAsync(client, app, token);
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal("AuthenticateForTokenAsync", calls.Methods.First());
        Assert.DoesNotContain("FindTokenAsync", calls.Methods);
        var inactive = await OAuth.IntrospectAsync(client, app, token);
        Assert.False(inactive.Json!.Value.GetProperty("active").GetBoolean());

        // Something that is not a token of ours costs the plain lookup only.
        calls.Methods.Clear();
        var unknown = await OAuth.IntrospectAsync(client, app, "not.a-token.at-all");
        Assert.False(unknown.Json!.Value.GetProperty("active").GetBoolean());
        Assert.Equal(["AuthenticateAsync"], calls.Methods);
    }

    private static Task<TestHost<Program>> StartAsync(ApplicationCalls calls) =>
        TestHost<Program>.StartAsync(
            settings: new Dictionary<string, string?> { ["Authorization:TokenPathOptimizations"] = "true" },
            services: services => services.AddSingleton<IIncomingGrainCallFilter>(calls));

    private sealed class ApplicationCalls : IIncomingGrainCallFilter
    {
        public string? ClientId { get; set; }

        public ConcurrentQueue<string> Methods { get; } = new();

        public Task Invoke(IIncomingGrainCallContext context)
        {
            // Calls through the product's grain interfaces only: the grain's own
            // timers (the active-token recount for metrics) come in as Orleans'
            // timer callbacks and are no call a request made.
            if (ClientId is { } clientId && context.TargetId.Key.ToString() == clientId
                && context.InterfaceMethod?.DeclaringType?.Namespace?.StartsWith("TempoModular", StringComparison.Ordinal) == true)
            {
                Methods.Enqueue(context.MethodName);
            }

            return context.Invoke();
        }
    }
}
