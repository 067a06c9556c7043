using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>
/// Revocation under load: a token works, is revoked, and must be refused on the
/// very next call. A revoked token that is still accepted breaks an invariant
/// and fails the run whatever the thresholds.
/// </summary>
internal sealed class RevokeScenario : Scenario
{
    private const int Issue = 0, CallApi = 1, Revoke = 2, CallAfterRevoke = 3;

    private RegisteredApplication _application = null!;
    private FormBody _issue = null!;

    public override string Name => "revoke";

    public override string Description => "issue, GET /4/worklogs (200), revoke (200), GET /4/worklogs again, on the next host if several (must be 401)";

    public override IReadOnlyList<string> Steps { get; } = ["issue", "get-worklogs", "revoke", "get-worklogs-revoked"];

    public override IReadOnlyList<string> Invariants { get; } = [Scenarios.Invariants.AcceptedAfterRevoke];

    public override async Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken)
    {
        _application = await setup.RegisterApplicationAsync(Name, ["client_credentials"], cancellationToken);
        _issue = TokenRequests.ClientCredentials(_application);
    }

    public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken)
    {
        var target = user.Target;
        var issued = await user.SendAsync(Issue, _issue.Post(target.Token), HttpStatusCode.OK, OAuthJson.AccessTokenMissing, cancellationToken);
        if (!issued.Ok)
        {
            return;
        }

        var token = OAuthJson.StringOf(issued.Body.Span, "access_token"u8)!;
        var authorization = "Bearer " + token;
        if (!(await user.SendAsync(CallApi, TokenRequests.Api(target.Worklogs, authorization), HttpStatusCode.OK, null, cancellationToken)).Ok)
        {
            return;
        }

        if (!(await user.SendAsync(Revoke, TokenRequests.About(_application, token).Post(target.Revoke), HttpStatusCode.OK, null, cancellationToken)).Ok)
        {
            return;
        }

        await CallRevokedAsync(user, CallAfterRevoke, authorization, cancellationToken);
    }

    /// <summary>
    /// Calls the API with a revoked token, on another host when the run has
    /// several (a revocation holds on every host from the very next request):
    /// 401 is right, 200 breaks the revocation invariant.
    /// </summary>
    internal static async Task CallRevokedAsync(VirtualUser user, int step, string authorization, CancellationToken cancellationToken)
    {
        var host = user.OtherTarget;
        var reply = await user.SendAsync(step, TokenRequests.Api(host.Worklogs, authorization), HttpStatusCode.Unauthorized, null, cancellationToken, host);
        if (reply.Status == (int)HttpStatusCode.OK)
        {
            user.Violation(Scenarios.Invariants.AcceptedAfterRevoke);
        }
    }
}
