using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TempoModular.Applications;

namespace TempoModular.Worklogs.Tests;

/// <summary>What an integrator does over HTTP: register an application, get and revoke tokens, call the worklog API.</summary>
internal static class Integrator
{
    public const string ValidBody = """{ "issueKey": "ABC-123", "timeSpentSeconds": 3600, "startDate": "2026-11-30", "startTime": "09:00:00", "description": "Pairing on the importer" }""";

    /// <summary>A confidential application allowed the client_credentials grant; returns its credentials and name.</summary>
    public static async Task<(ApplicationCredentials Credentials, string Name)> RegisterMachineClientAsync(IGrainFactory grains)
    {
        var name = "Worklog sync " + Guid.NewGuid().ToString("N")[..8];
        var result = await grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, ["https://client.example/cb"], ClientType.Confidential, [GrantTypes.ClientCredentials]),
            "test");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return (result.Value!, name);
    }

    /// <summary>An access token from the real token endpoint (every scope unless one is asked for).</summary>
    public static async Task<string> AccessTokenAsync(HttpClient client, ApplicationCredentials app, string? scope = null)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", app.ClientId),
            new("client_secret", app.ClientSecret!),
        };
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        using var response = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public static async Task RevokeAsync(HttpClient client, ApplicationCredentials app, string token)
    {
        using var response = await client.PostAsync("/oauth/revoke", new FormUrlEncodedContent(
        [
            new("token", token),
            new("client_id", app.ClientId),
            new("client_secret", app.ClientSecret!),
        ]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static Task<ApiResponse> GetAsync(HttpClient client, string path, string? token) => SendAsync(client, HttpMethod.Get, path, token);

    public static Task<ApiResponse> DeleteAsync(HttpClient client, string path, string? token) => SendAsync(client, HttpMethod.Delete, path, token);

    public static Task<ApiResponse> PostAsync(HttpClient client, string? token, string body, string contentType = "application/json") =>
        SendAsync(client, HttpMethod.Post, "/4/worklogs", token, new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } });

    public static async Task<ApiResponse> SendAsync(HttpClient client, HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        return await ApiResponse.ReadAsync(response);
    }

    /// <summary>Creates a worklog and returns its JSON.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient client, string token, string body = ValidBody)
    {
        var response = await PostAsync(client, token, body);
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        return response.Json!.Value;
    }
}

/// <summary>A response with its JSON body parsed (when it has one).</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body, JsonElement? Json, HttpResponseHeaders Headers, string? ContentType)
{
    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        JsonElement? json = body.StartsWith('{') ? JsonDocument.Parse(body).RootElement.Clone() : null;
        return new ApiResponse(response.StatusCode, body, json, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The single WWW-Authenticate header, as sent.</summary>
    public string? WwwAuthenticate => Headers.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : null;

    /// <summary>The fields named in <c>{ "errors": [ { "field" } ] }</c>.</summary>
    public IReadOnlyList<string?> ErrorFields => Json is { } json && json.TryGetProperty("errors", out var errors)
        ? errors.EnumerateArray().Select(e => e.TryGetProperty("field", out var f) ? f.GetString() : null).ToList()
        : [];

    public override string ToString() => $"{(int)Status} {WwwAuthenticate} {Body}";
}
