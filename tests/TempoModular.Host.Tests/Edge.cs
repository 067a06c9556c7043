using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>What the host tests send through the edge: token requests, admin API calls, parsed answers.</summary>
internal static class Edge
{
    public static async Task<ApplicationCredentials> RegisterMachineClientAsync(IGrainFactory grains)
    {
        var registered = await grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration("Machine " + Guid.NewGuid().ToString("N")[..8], ["https://client.example/cb"], ClientType.Confidential, [GrantTypes.ClientCredentials]),
            "test");
        return registered.Value!;
    }

    public static async Task<HttpResponseMessage> TokenAsync(HttpClient client, ApplicationCredentials app, string? secret = null) =>
        await client.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.ClientId,
            ["client_secret"] = secret ?? app.ClientSecret!,
        }));

    public static async Task<HttpResponseMessage> IntrospectAsync(HttpClient client, ApplicationCredentials app, string token) =>
        await client.PostAsync("/oauth/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret!,
        }));

    public static AuthenticationHeaderValue AdminBasic(string user = TestUsers.AdminUser, string password = TestUsers.AdminPassword) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static async Task<HttpResponseMessage> RegisterThroughApiAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/applications")
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { name = "Api " + Guid.NewGuid().ToString("N")[..8], clientType = "confidential", redirectUrls = new[] { "https://client.example/cb" } }),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = AdminBasic();
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Retries until the request answers the expected status or the time is up; returns the last answer.</summary>
    public static async Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> send, System.Net.HttpStatusCode expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var response = await send();
            if (response.StatusCode == expected || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(200);
        }
    }

    /// <summary>Token requests one after another until one is not answered 200 (at most <paramref name="limit"/>): how many were issued, and the refusal (the caller disposes it).</summary>
    public static async Task<(int Issued, HttpResponseMessage? Refused)> IssueUntilRefusedAsync(HttpClient client, ApplicationCredentials app, int limit = 5000)
    {
        for (var issued = 0; issued < limit; issued++)
        {
            var response = await TokenAsync(client, app);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                return (issued, response);
            }

            response.Dispose();
        }

        return (limit, null);
    }

    /// <summary>A token request refused because storage cannot commit: 503, Retry-After and the OAuth error body.</summary>
    public static async Task AssertStorageFaultAsync(HttpResponseMessage? refused)
    {
        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(Storage.StorageFaults.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("temporarily_unavailable", (await JsonAsync(refused)).GetProperty("error").GetString());
        }
    }
}
