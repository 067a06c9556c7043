using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>
/// Refresh-token rotation: each virtual user holds one grant's chain and
/// refreshes it, presenting each refresh token exactly once. The chains start
/// from the authorization-code flow, the only way to a refresh token.
/// </summary>
internal sealed class RefreshScenario : Scenario
{
    private ScenarioSetup _setup = null!;
    private RegisteredApplication _application = null!;
    private string?[] _chains = [];

    public override string Name => "refresh";

    public override string Description => "POST /oauth/token, grant_type=refresh_token, each user rotating its own chain";

    public override IReadOnlyList<string> Steps { get; } = ["refresh"];

    public override async Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken)
    {
        _setup = setup;
        _application = await setup.RegisterApplicationAsync(Name, ["authorization_code", "refresh_token"], cancellationToken);
        _chains = new string?[users];
        for (var i = 0; i < users; i++)
        {
            _chains[i] = await setup.CodeFlow.AcquireRefreshTokenAsync(_application, cancellationToken);
        }
    }

    public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken)
    {
        var chain = _chains[user.Index] ??= await _setup.CodeFlow.AcquireRefreshTokenAsync(_application, cancellationToken);
        var reply = await user.SendAsync(0, TokenRequests.Refresh(_application, chain).Post(user.Target.Token), HttpStatusCode.OK, OAuthJson.RefreshTokenMissing, cancellationToken);

        // The old token is spent whatever the answer (presenting it again would
        // revoke the grant), so a failed refresh ends the chain. The next one is
        // started here, in the iteration that already failed, so that no later
        // iteration's latency includes a sign-in.
        _chains[user.Index] = reply.Ok
            ? OAuthJson.StringOf(reply.Body.Span, "refresh_token"u8)
            : await _setup.CodeFlow.AcquireRefreshTokenAsync(_application, cancellationToken);
    }
}
