using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>
/// One answer of the fault run, kept for the figures the aggregate statistics
/// cannot give: when each application was served again after the kill.
/// <see cref="Status"/> 0: no answer (connection lost or refused, or a timeout).
/// </summary>
internal readonly record struct Outcome(double At, int Step, int Application, int Host, int Status, bool RetryAfter, bool Ok);

/// <summary>A token the fault run got a 200 for, with the application it belongs to and the host that issued it.</summary>
internal readonly record struct IssuedToken(string Token, int Application, int Host);

/// <summary>
/// The fault run's load (<see cref="Suite.FailoverRun"/>): client-credentials
/// tokens at full speed, each iteration for an application drawn at random
/// among several (so every application, whichever silo holds its grain, meets
/// every host), every token answered 200 recorded. Every N-th token of a user
/// is revoked on the host that issued it and then presented on another host,
/// which must refuse it.
/// </summary>
internal sealed class FailoverScenario(int applications, int revokeEvery) : Scenario
{
    public const int Issue = 0, Revoke = 1, CheckRevoked = 2;

    private FormBody[] _issue = [];
    private List<Outcome>[] _outcomes = [];
    private List<IssuedToken>[] _issued = [];
    private List<IssuedToken>[] _revoked = [];
    private List<IssuedToken>[] _uncertain = [];

    public override string Name => "failover";

    public override string Description =>
        $"POST /oauth/token, client credentials, for one of {applications} applications at random; every {revokeEvery}th token of a user " +
        "revoked (POST /oauth/revoke) and then presented on another host (GET /4/worklogs, must be 401)";

    public override IReadOnlyList<string> Steps { get; } = ["issue", "revoke", "check-revoked"];

    public override IReadOnlyList<string> Invariants { get; } = [Scenarios.Invariants.AcceptedAfterRevoke];

    public IReadOnlyList<RegisteredApplication> Applications { get; private set; } = [];

    /// <summary>Every answer, in no particular order.</summary>
    public IEnumerable<Outcome> Outcomes => _outcomes.SelectMany(o => o);

    /// <summary>Tokens answered 200 and not revoked: each must be accepted afterwards.</summary>
    public IEnumerable<IssuedToken> Issued => _issued.SelectMany(t => t);

    /// <summary>Tokens whose revocation was answered 200: each must be refused afterwards.</summary>
    public IEnumerable<IssuedToken> Revoked => _revoked.SelectMany(t => t);

    /// <summary>Tokens whose revocation got no 200: revoked or not, nobody can say, so neither check counts them.</summary>
    public IEnumerable<IssuedToken> Uncertain => _uncertain.SelectMany(t => t);

    public override async Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken)
    {
        var registered = new RegisteredApplication[applications];
        for (var i = 0; i < applications; i++)
        {
            registered[i] = await setup.RegisterApplicationAsync($"{Name}-{i}", ["client_credentials"], cancellationToken);
        }

        Applications = registered;
        _issue = [.. registered.Select(TokenRequests.ClientCredentials)];
        _outcomes = [.. Enumerable.Range(0, users).Select(_ => new List<Outcome>(4096))];
        _issued = [.. Enumerable.Range(0, users).Select(_ => new List<IssuedToken>(4096))];
        _revoked = [.. Enumerable.Range(0, users).Select(_ => new List<IssuedToken>())];
        _uncertain = [.. Enumerable.Range(0, users).Select(_ => new List<IssuedToken>())];
    }

    public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken)
    {
        var application = user.Random.Next(applications);
        var target = user.Target;
        var issued = await user.SendAsync(Issue, _issue[application].Post(target.Token), HttpStatusCode.OK, OAuthJson.AccessTokenMissing, cancellationToken);
        Note(user, Issue, application, target, issued);
        if (!issued.Ok)
        {
            return;
        }

        var token = new IssuedToken(OAuthJson.StringOf(issued.Body.Span, "access_token"u8)!, application, target.Index);
        if (user.Iteration % revokeEvery != revokeEvery - 1)
        {
            _issued[user.Index].Add(token);
            return;
        }

        var revoked = await user.SendAsync(Revoke, TokenRequests.About(Applications[application], token.Token).Post(target.Revoke), HttpStatusCode.OK, null, cancellationToken);
        Note(user, Revoke, application, target, revoked);
        if (!revoked.Ok)
        {
            _uncertain[user.Index].Add(token);
            return;
        }

        _revoked[user.Index].Add(token);
        var other = user.OtherTarget;
        var check = await user.SendAsync(CheckRevoked, TokenRequests.Api(other.Worklogs, "Bearer " + token.Token), HttpStatusCode.Unauthorized, null, cancellationToken, other);
        Note(user, CheckRevoked, application, other, check);
        if (check.Status == (int)HttpStatusCode.OK)
        {
            user.Violation(Scenarios.Invariants.AcceptedAfterRevoke);
        }
    }

    private void Note(VirtualUser user, int step, int application, TargetEndpoints host, Reply reply) =>
        _outcomes[user.Index].Add(new Outcome(user.Now.TotalSeconds, step, application, host.Index, reply.Status, reply.RetryAfter, reply.Ok));
}
