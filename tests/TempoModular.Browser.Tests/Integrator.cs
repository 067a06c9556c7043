using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TempoModular.Browser.Tests;

/// <summary>What an integration does with the credentials an administrator handed it: get tokens, call the REST API.</summary>
internal static class Integrator
{
    /// <summary>A client-credentials token request (form body, client_secret_post).</summary>
    public static async Task<(HttpStatusCode Status, string Body, string? AccessToken)> ClientCredentialsAsync(HttpClient http, string clientId, string clientSecret)
    {
        using var response = await http.PostAsync("/oauth/token", new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", clientId),
            new("client_secret", clientSecret),
        ]));
        var body = await response.Content.ReadAsStringAsync();
        string? token = null;
        if (response.IsSuccessStatusCode)
        {
            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("access_token").GetString();
        }

        return (response.StatusCode, body, token);
    }

    public static async Task<string> AccessTokenAsync(HttpClient http, string clientId, string clientSecret)
    {
        var (status, body, token) = await ClientCredentialsAsync(http, clientId, clientSecret);
        Assert.True(status == HttpStatusCode.OK, $"The token request was refused ({(int)status}): {body}");
        return token!;
    }

    /// <summary>GET /4/worklogs with the bearer token; the status the API answers.</summary>
    public static async Task<HttpStatusCode> CallApiAsync(HttpClient http, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
