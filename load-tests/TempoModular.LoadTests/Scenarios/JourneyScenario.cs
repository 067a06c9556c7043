using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>
/// An integrator's session: get a token, make a few API calls, introspect the
/// token, and now and then revoke it (then check it is refused).
/// </summary>
internal sealed class JourneyScenario : Scenario
{
    private const int Issue = 0, CallApi = 1, Introspect = 2, Revoke = 3, CallAfterRevoke = 4;

    /// <summary>One session in ten ends by revoking its token, as an integrator that logs out.</summary>
    private const double RevokeShare = 0.1;

    private RegisteredApplication _application = null!;
    private FormBody _issue = null!;

    public override string Name => "journey";

    public override string Description => "token, 3 to 5 API calls, introspect, and in one session of ten revoke (then the API must refuse)";

    public override IReadOnlyList<string> Steps { get; } = ["issue", "get-worklogs", "introspect", "revoke", "get-worklogs-revoked"];

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
        for (int call = 0, calls = user.Random.Next(3, 6); call < calls; call++)
        {
            if (!(await user.SendAsync(CallApi, TokenRequests.Api(target.Worklogs, authorization), HttpStatusCode.OK, null, cancellationToken)).Ok)
            {
                return;
            }
        }

        var about = TokenRequests.About(_application, token);
        if (!(await user.SendAsync(Introspect, about.Post(target.Introspect), HttpStatusCode.OK, OAuthJson.NotActive, cancellationToken)).Ok)
        {
            return;
        }

        if (user.Random.NextDouble() < RevokeShare
            && (await user.SendAsync(Revoke, about.Post(target.Revoke), HttpStatusCode.OK, null, cancellationToken)).Ok)
        {
            await RevokeScenario.CallRevokedAsync(user, CallAfterRevoke, authorization, cancellationToken);
        }
    }
}
