using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>The bodies of the OAuth requests the scenarios send, with client_secret_post authentication.</summary>
internal static class TokenRequests
{
    public static FormBody ClientCredentials(RegisteredApplication application) => FormBody.Of(
        ("grant_type", "client_credentials"),
        ("client_id", application.ClientId),
        ("client_secret", application.ClientSecret),
        ("scope", "read"));

    public static FormBody Refresh(RegisteredApplication application, string refreshToken) => FormBody.Of(
        ("grant_type", "refresh_token"),
        ("refresh_token", refreshToken),
        ("client_id", application.ClientId),
        ("client_secret", application.ClientSecret));

    /// <summary>An introspection or revocation request for <paramref name="token"/>.</summary>
    public static FormBody About(RegisteredApplication application, string token) => FormBody.Of(
        ("token", token),
        ("client_id", application.ClientId),
        ("client_secret", application.ClientSecret));

    public static HttpRequestMessage Api(Uri endpoint, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }
}
