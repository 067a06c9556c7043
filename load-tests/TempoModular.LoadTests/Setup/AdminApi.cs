using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TempoModular.LoadTests.Setup;

/// <summary>An application registered for a run, with the credentials the admin API returned.</summary>
internal sealed record RegisteredApplication(string ClientId, string ClientSecret, string RedirectUrl);

/// <summary>
/// Registers and deletes the runs' applications through the admin API, as an
/// administrator would from a script: never through the database, so the load
/// meets applications exactly as the product creates them.
/// </summary>
internal sealed class AdminApi(HttpClient http, TargetEndpoints target, string userName, string password)
{
    /// <summary>Never visited: the code flow stops at the redirect and reads the code from its Location.</summary>
    public const string RedirectUrl = "https://load.example/cb";

    private readonly AuthenticationHeaderValue _authorization =
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));

    public async Task<RegisteredApplication> RegisterAsync(string name, IReadOnlyList<string> grantTypes, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Applications)
        {
            // Serialized up front: a body with a Content-Length, not a chunked stream.
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                name,
                redirectUrls = new[] { RedirectUrl },
                clientType = "confidential",
                grantTypes,
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = _authorization;

        using var response = await SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw Refused("register an application", response.StatusCode, body);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var clientId = document.RootElement.GetProperty("clientId").GetString();
            var clientSecret = document.RootElement.GetProperty("clientSecret").GetString();
            if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret))
            {
                throw new SetupException($"The admin API registered an application but returned no clientId or clientSecret: {Excerpt(body)}");
            }

            return new RegisteredApplication(clientId, clientSecret, RedirectUrl);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SetupException($"The admin API answered 201 with a body the runner cannot read ({exception.Message}): {Excerpt(body)}");
        }
    }

    public async Task DeleteAsync(string clientId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, target.Application(clientId));
        request.Headers.Authorization = _authorization;
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound))
        {
            throw Refused($"delete application {clientId}", response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    /// <summary>
    /// The application's active tokens, as the admin API's list counts them
    /// (valid, not revoked, not expired): the list filtered by client id, which
    /// matches no other application.
    /// </summary>
    public async Task<long> CountActiveTokensAsync(string clientId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target.Applications, "?filter=" + Uri.EscapeDataString(clientId)));
        request.Headers.Authorization = _authorization;
        using var response = await SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Refused($"count the active tokens of {clientId}", response.StatusCode, body);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("clientId").GetString() == clientId)
                {
                    return item.GetProperty("activeTokens").GetInt64();
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SetupException($"The admin API listed applications in a body the runner cannot read ({exception.Message}): {Excerpt(body)}");
        }

        throw new SetupException($"The admin API does not list application {clientId}.");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new SetupException($"Cannot reach {request.RequestUri}: {exception.Message}");
        }
    }

    private SetupException Refused(string action, HttpStatusCode status, string body) => status switch
    {
        HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => new SetupException(
            $"Cannot {action}: {target.Applications} answered {(int)status}. Is the admin API (Administration module) deployed on this host?"),
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SetupException(
            $"Cannot {action}: the admin API refused the administrator credentials ({(int)status}). Check --admin-user and --admin-password."),
        _ => new SetupException($"Cannot {action}: the admin API answered {(int)status}: {Excerpt(body)}"),
    };

    internal static string Excerpt(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
