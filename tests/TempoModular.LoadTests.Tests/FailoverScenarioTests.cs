using System.Net;
using System.Text;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;
using TempoModular.LoadTests.Suite;

namespace TempoModular.LoadTests.Tests;

public sealed class FailoverScenarioTests
{
    private static readonly TargetEndpoints A = new(new Uri("http://127.0.0.1:5090"), 0), B = new(new Uri("http://127.0.0.1:5091"), 1);

    private readonly ManualClock _clock = new();
    private readonly List<(int Port, string Path)> _requests = [];
    private int _tokens;

    /// <summary>Two fake hosts: the admin API registers, the token endpoint issues numbered tokens, revocation and the API answer as told.</summary>
    private HttpClient Hosts(HttpStatusCode revoke = HttpStatusCode.OK, HttpStatusCode apiWithRevokedToken = HttpStatusCode.Unauthorized) => new(new FakeHandler(request =>
    {
        var path = request.RequestUri!.AbsolutePath;
        lock (_requests)
        {
            _requests.Add((request.RequestUri.Port, path));
        }

        static HttpResponseMessage Json(HttpStatusCode status, string json) => new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return Task.FromResult(path switch
        {
            "/api/admin/applications" => Json(HttpStatusCode.Created, $$"""{"clientId":"app-{{Guid.NewGuid():N}}","clientSecret":"secret"}"""),
            "/oauth/token" => Json(HttpStatusCode.OK, $$"""{"access_token":"token-{{Interlocked.Increment(ref _tokens)}}","token_type":"Bearer"}"""),
            "/oauth/revoke" => new HttpResponseMessage(revoke),
            "/4/worklogs" => new HttpResponseMessage(apiWithRevokedToken),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        });
    }));

    private async Task<(FailoverScenario Scenario, WorkerStats Stats)> RunAsync(HttpClient http, int iterations, int revokeEvery = 3)
    {
        var admin = new AdminApi(http, A, "admin", "pw");
        await using var setup = new ScenarioSetup(A, http, admin, new SignInCredentials("admin", "pw"), TextWriter.Null);
        var scenario = new FailoverScenario(applications: 4, revokeEvery);
        await scenario.SetupAsync(setup, users: 1, CancellationToken.None);
        var stats = new WorkerStats(scenario.Steps.Count, hosts: 2);
        var user = new VirtualUser(0, http, _clock, stats, scenario, TimeSpan.Zero, new TargetRotation([A, B]));
        for (var i = 0; i < iterations; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            await user.RunIterationAsync(_clock.Now, CancellationToken.None);
        }

        return (scenario, stats);
    }

    [Fact]
    public async Task Every_token_answered_200_is_recorded_once_with_its_host_and_every_third_is_revoked_then_checked_on_the_other_host()
    {
        var (scenario, stats) = await RunAsync(Hosts(), iterations: 6);

        Assert.Equal(["token-1", "token-2", "token-4", "token-5"], scenario.Issued.Select(t => t.Token));
        Assert.Equal([A.Index, B.Index, B.Index, A.Index], scenario.Issued.Select(t => t.Host));
        Assert.Equal(["token-3", "token-6"], scenario.Revoked.Select(t => t.Token));
        // Iteration 2 ran on A: revoked on A, presented on B; iteration 5 the other way round.
        Assert.Equal([(5090, "/oauth/revoke"), (5091, "/4/worklogs"), (5091, "/oauth/revoke"), (5090, "/4/worklogs")],
            _requests.Where(r => r.Path is "/oauth/revoke" or "/4/worklogs"));
        Assert.Empty(stats.Violations);
        Assert.Equal(6 + 2 + 2, scenario.Outcomes.Count(o => o.Ok));
        Assert.All(scenario.Applications, application => Assert.StartsWith("app-", application.ClientId));
    }

    [Fact]
    public async Task A_revoked_token_accepted_on_the_other_host_breaks_the_invariant()
    {
        var (scenario, stats) = await RunAsync(Hosts(apiWithRevokedToken: HttpStatusCode.OK), iterations: 3);

        Assert.Equal(1, stats.Violations[Invariants.AcceptedAfterRevoke]);
        var check = Assert.Single(scenario.Outcomes, o => o.Step == FailoverScenario.CheckRevoked);
        Assert.Equal((200, B.Index, false), (check.Status, check.Host, check.Ok));
    }

    [Fact]
    public async Task A_token_whose_revocation_was_not_answered_200_is_in_neither_check()
    {
        var (scenario, _) = await RunAsync(Hosts(revoke: HttpStatusCode.ServiceUnavailable), iterations: 3);

        Assert.Equal(["token-3"], scenario.Uncertain.Select(t => t.Token));
        Assert.Empty(scenario.Revoked);
        Assert.DoesNotContain(scenario.Issued, t => t.Token == "token-3");
        Assert.Equal("503 without Retry-After", FailoverFigures.StatusOf(Assert.Single(scenario.Outcomes, o => !o.Ok)));
    }
}
