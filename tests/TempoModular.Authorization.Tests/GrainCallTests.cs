using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// The token path asks the application's grain no more than it must: a
/// client-credentials request looks the client up and checks its secret in one
/// call, then records the token (committed before the response) in a second.
/// The host runs with the token-path optimizations on whatever the environment
/// says: with them off (stock OpenIddict) the store is asked, and so the grain
/// called, once per lookup OpenIddict makes.
/// </summary>
public sealed class GrainCallTests
{
    [Fact]
    public async Task A_client_credentials_token_costs_two_calls_to_its_application()
    {
        var calls = new ApplicationCalls();
        await using var host = await TestHost<Program>.StartAsync(
            settings: new Dictionary<string, string?> { ["Authorization:TokenPathOptimizations"] = "true" },
            services: services => services.AddSingleton<IIncomingGrainCallFilter>(calls));
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);

        calls.ClientId = app.ClientId;
        var token = await OAuth.ClientCredentialsAsync(client, app);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal(["AuthenticateAsync", "RecordTokenAsync"], calls.Methods);

        // A wrong secret is refused by the same single call, and nothing is recorded.
        calls.Methods.Clear();
        var refused = await OAuth.ClientCredentialsAsync(client, app with { ClientSecret = app.ClientSecret + "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(["AuthenticateAsync"], calls.Methods);
    }

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
