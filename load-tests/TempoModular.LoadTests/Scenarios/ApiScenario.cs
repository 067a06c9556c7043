using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>The protected API with a bearer token issued in setup: validation plus the token-entry check.</summary>
internal sealed class ApiScenario : Scenario
{
    private string[] _authorizations = [];

    public override string Name => "api";

    public override string Description => "GET /4/worklogs with a pre-issued bearer token (one per virtual user)";

    public override IReadOnlyList<string> Steps { get; } = ["get-worklogs"];

    public override async Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken)
    {
        var application = await setup.RegisterApplicationAsync(Name, ["client_credentials"], cancellationToken);
        _authorizations = new string[users];
        for (var i = 0; i < users; i++)
        {
            _authorizations[i] = "Bearer " + await setup.IssueTokenAsync(application, cancellationToken);
        }
    }

    public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken) =>
        await user.SendAsync(0, TokenRequests.Api(user.Target.Worklogs, _authorizations[user.Index]), HttpStatusCode.OK, null, cancellationToken);
}
