using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>Introspection (RFC 7662) of a live token by the application it was issued to.</summary>
internal sealed class IntrospectScenario : Scenario
{
    private FormBody[] _requests = [];

    public override string Name => "introspect";

    public override string Description => "POST /oauth/introspect of a live access token; the answer must be active";

    public override IReadOnlyList<string> Steps { get; } = ["introspect"];

    public override async Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken)
    {
        var application = await setup.RegisterApplicationAsync(Name, ["client_credentials"], cancellationToken);
        _requests = new FormBody[users];
        for (var i = 0; i < users; i++)
        {
            _requests[i] = TokenRequests.About(application, await setup.IssueTokenAsync(application, cancellationToken));
        }
    }

    public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken) =>
        await user.SendAsync(0, _requests[user.Index].Post(user.Target.Introspect), HttpStatusCode.OK, OAuthJson.NotActive, cancellationToken);
}
