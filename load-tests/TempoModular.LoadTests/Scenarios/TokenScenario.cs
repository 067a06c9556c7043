using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>
/// Client-credentials issuance: every iteration records one more active token,
/// in a fresh application or in the one given (whose token set was filled first).
/// </summary>
internal sealed class TokenScenario(RegisteredApplication? application = null) : Scenario
{
    private FormBody _request = null!;

    public override string Name => "token";

    public override string Description => "POST /oauth/token, grant_type=client_credentials, scope=read";

    public override IReadOnlyList<string> Steps { get; } = ["issue"];

    public override async Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken)
    {
        _request = TokenRequests.ClientCredentials(application ?? await setup.RegisterApplicationAsync(Name, ["client_credentials"], cancellationToken));
    }

    public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken) =>
        await user.SendAsync(0, _request.Post(user.Target.Token), HttpStatusCode.OK, OAuthJson.AccessTokenMissing, cancellationToken);
}
