using System.Net;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>The OAuth endpoints answer 429 + Retry-After with an OAuth error body past their per-client and per-source limits.</summary>
public sealed class OAuthRateLimitTests
{
    [Fact]
    public async Task A_client_past_its_limit_gets_429_with_an_oauth_body_while_another_client_is_served()
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:OAuth:PerClientId:Burst"] = "3",
            ["RateLimits:OAuth:PerClientId:PermitsPerSecond"] = "1",
        });
        using var client = host.CreateClient();
        var busy = await Edge.RegisterMachineClientAsync(host.Grains);
        var other = await Edge.RegisterMachineClientAsync(host.Grains);

        // A permit comes back every second, so on a slow machine a few more than
        // the burst may pass; the limit must still bite within a few requests.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        while (refused is null && statuses.Count < 50)
        {
            var response = await Edge.TokenAsync(client, busy);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == (HttpStatusCode)429)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.NotNull(refused);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("temporarily_unavailable", (await Edge.JsonAsync(refused)).GetProperty("error").GetString());

        // Introspection counts against the same client id (at most a permit or
        // two may have come back since).
        var introspections = new List<HttpStatusCode>();
        while (!introspections.Contains((HttpStatusCode)429) && introspections.Count < 5)
        {
            using var introspect = await Edge.IntrospectAsync(client, busy, "any-token");
            introspections.Add(introspect.StatusCode);
        }

        Assert.Contains((HttpStatusCode)429, introspections);
        using var served = await Edge.TokenAsync(client, other);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        refused.Dispose();
    }

    [Fact]
    public async Task One_source_cycling_through_made_up_client_ids_is_limited_as_a_source()
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:OAuth:PerSource:Burst"] = "5",
            ["RateLimits:OAuth:PerSource:PermitsPerSecond"] = "1",
        });
        using var client = host.CreateClient();
        var app = await Edge.RegisterMachineClientAsync(host.Grains);

        var statuses = new List<HttpStatusCode>();
        while (!statuses.Contains((HttpStatusCode)429) && statuses.Count < 50)
        {
            using var response = await Edge.TokenAsync(client, app with { ClientId = Guid.NewGuid().ToString("N") });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Contains((HttpStatusCode)429, statuses);
    }
}
