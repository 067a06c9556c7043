using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TempoModular.Testing;

namespace TempoModular.Host.Tests.Cluster;

/// <summary>What the cluster tests do through a host's public HTTP surface: the admin API (HTTP Basic) and the OAuth endpoints.</summary>
internal static class ClusterAdmin
{
    public sealed record Application(string ClientId, string ClientSecret);

    public static HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestUsers.AdminUser}:{TestUsers.AdminPassword}")));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public static async Task<Application> RegisterAsync(HttpClient client, string name)
    {
        using var response = await client.SendAsync(Admin(HttpMethod.Post, "/api/admin/applications", new
        {
            name,
            redirectUrls = new[] { "https://cluster.example/callback" },
            clientType = "confidential",
            grantTypes = new[] { "client_credentials" },
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Application(json.GetProperty("clientId").GetString()!, json.GetProperty("clientSecret").GetString()!);
    }

    public static Task<HttpResponseMessage> RequestTokenAsync(HttpClient client, string clientId, string clientSecret) =>
        client.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        }));

    public static async Task<string> IssueTokenAsync(HttpClient client, Application application)
    {
        using var response = await RequestTokenAsync(client, application.ClientId, application.ClientSecret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    public static async Task<HttpStatusCode> CallApiAsync(HttpClient client, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    public static async Task<HttpStatusCode> RevokeAsync(HttpClient client, Application application, string token)
    {
        using var response = await client.PostAsync("/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = application.ClientId,
            ["client_secret"] = application.ClientSecret,
        }));
        return response.StatusCode;
    }
}
