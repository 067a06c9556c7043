using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TempoModular.Applications;

namespace TempoModular.Authorization.Tests;

/// <summary>What an integrator does over HTTP, in a few lines per call.</summary>
internal static class OAuth
{
    public static Task<ApplicationCredentials> RegisterAsync(IGrainFactory grains, ClientType type, params string[] grants) =>
        RegisterAsync(grains, type, null, grants);

    public static async Task<ApplicationCredentials> RegisterAsync(IGrainFactory grains, ClientType type, bool? requirePkce, params string[] grants)
    {
        var name = "App " + Guid.NewGuid().ToString("N")[..8];
        var result = await grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, ["https://client.example/callback", "http://127.0.0.1:7777/cb"], type, grants, RequirePkce: requirePkce),
            "test");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Value!;
    }

    public static Task<ApplicationCredentials> RegisterMachineClientAsync(IGrainFactory grains) =>
        RegisterAsync(grains, ClientType.Confidential, GrantTypes.ClientCredentials);

    public static async Task<Response> PostFormAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        using var response = await client.SendAsync(request);
        return await Response.ReadAsync(response);
    }

    public static Task<Response> ClientCredentialsAsync(HttpClient client, ApplicationCredentials app, string? scope = null)
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

        return PostFormAsync(client, "/oauth/token", form);
    }

    public static async Task<string> AccessTokenAsync(HttpClient client, ApplicationCredentials app)
    {
        var response = await ClientCredentialsAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.String("access_token")!;
    }

    public static Task<Response> IntrospectAsync(HttpClient client, ApplicationCredentials caller, string token) =>
        PostFormAsync(client, "/oauth/introspect", [new("token", token), new("client_id", caller.ClientId), new("client_secret", caller.ClientSecret!)]);

    public static Task<Response> RevokeAsync(HttpClient client, ApplicationCredentials caller, string token, string path = "/oauth/revoke", string? hint = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("token", token), new("client_id", caller.ClientId) };
        if (caller.ClientSecret is not null)
        {
            form.Add(new("client_secret", caller.ClientSecret));
        }

        if (hint is not null)
        {
            form.Add(new("token_type_hint", hint));
        }

        return PostFormAsync(client, path, form);
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}")));

    /// <summary>A response with its JSON body parsed (when it has one).</summary>
    internal sealed record Response(HttpStatusCode Status, string Body, JsonElement? Json, HttpResponseHeaders Headers)
    {
        public static async Task<Response> ReadAsync(HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync();
            JsonElement? json = null;
            if (body.StartsWith('{'))
            {
                json = JsonDocument.Parse(body).RootElement.Clone();
            }

            return new Response(response.StatusCode, body, json, response.Headers);
        }

        public string? String(string name) =>
            Json is { } json && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        public string? Error => String("error");

        public override string ToString() => $"{(int)Status} {Body}";
    }
}
