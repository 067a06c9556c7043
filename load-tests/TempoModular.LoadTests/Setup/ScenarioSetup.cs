using System.Net;
using TempoModular.LoadTests.Scenarios;

namespace TempoModular.LoadTests.Setup;

/// <summary>
/// What a scenario's setup may use, untimed: the admin API, token issuance and
/// the authorization-code flow. Deletes every application it registered when
/// disposed, which revokes their tokens, so runs do not pile up state.
/// </summary>
internal sealed class ScenarioSetup(TargetEndpoints target, HttpClient http, AdminApi admin, SignInCredentials signIn, TextWriter log) : IAsyncDisposable
{
    private readonly List<string> _registered = [];
    private AuthorizationCodeFlow? _codeFlow;

    public TargetEndpoints Target => target;

    /// <summary>The browser-like client for the authorization-code flow, created on first use.</summary>
    public AuthorizationCodeFlow CodeFlow => _codeFlow ??= new AuthorizationCodeFlow(target, signIn);

    public async Task<RegisteredApplication> RegisterApplicationAsync(string scenario, IReadOnlyList<string> grantTypes, CancellationToken cancellationToken)
    {
        var name = $"load-{scenario}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Random.Shared.Next(100_000):D5}";
        var application = await admin.RegisterAsync(name, grantTypes, cancellationToken);
        _registered.Add(application.ClientId);
        return application;
    }

    /// <summary>A client-credentials access token with the <c>read</c> scope the API asks for.</summary>
    public async Task<string> IssueTokenAsync(RegisteredApplication application, CancellationToken cancellationToken)
    {
        using var request = FormBody.Of(
            ("grant_type", "client_credentials"),
            ("client_id", application.ClientId),
            ("client_secret", application.ClientSecret),
            ("scope", "read")).Post(target.Token);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || OAuthJson.StringOf(body, "access_token"u8) is not { Length: > 0 } token)
        {
            throw new SetupException($"Cannot issue a client-credentials token: {target.Token} answered {(int)response.StatusCode} {OAuthJson.ErrorOf(body)}");
        }

        return token;
    }

    /// <summary>The application's active tokens, as the admin API counts them.</summary>
    public Task<long> CountActiveTokensAsync(RegisteredApplication application, CancellationToken cancellationToken) =>
        admin.CountActiveTokensAsync(application.ClientId, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var clientId in _registered)
        {
            try
            {
                await admin.DeleteAsync(clientId, CancellationToken.None);
            }
            catch (SetupException exception)
            {
                log.WriteLine($"warning: {exception.Message}");
            }
        }

        _registered.Clear();
        _codeFlow?.Dispose();
        _codeFlow = null;
    }
}
