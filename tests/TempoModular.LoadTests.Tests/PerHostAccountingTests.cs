using System.Net;
using System.Text;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Tests;

public sealed class PerHostAccountingTests
{
    private static readonly TargetEndpoints A = new(new Uri("http://127.0.0.1:5080"), 0), B = new(new Uri("http://127.0.0.1:5081"), 1);

    private readonly ManualClock _clock = new();

    /// <summary>Host A answers 200; host B answers 503 with Retry-After, or without it when told so.</summary>
    private static HttpClient Hosts(bool retryAfter = true) => new(new FakeHandler(request =>
    {
        if (request.RequestUri!.Port == A.Base.Port)
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}", Encoding.UTF8, "application/json") });
        }

        var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        if (retryAfter)
        {
            unavailable.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        }

        return Task.FromResult(unavailable);
    }));

    private (VirtualUser[] Users, WorkerStats[] Workers) Users(HttpClient http, Scenario scenario, int users = 2)
    {
        var rotation = new TargetRotation([A, B]);
        var workers = Enumerable.Range(0, users).Select(_ => new WorkerStats(scenario.Steps.Count, hosts: 2)).ToArray();
        return ([.. workers.Select((stats, i) => new VirtualUser(i, http, _clock, stats, scenario, TimeSpan.Zero, rotation))], workers);
    }

    [Fact]
    public async Task Requests_are_counted_under_the_host_they_went_to_with_each_hosts_errors_apart()
    {
        var (users, workers) = Users(Hosts(), new TargetScenario());

        foreach (var user in users)
        {
            for (var i = 0; i < 4; i++)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(1));
                await user.RunIterationAsync(_clock.Now, CancellationToken.None);
            }
        }

        Assert.All(workers, w => Assert.Equal(2, w.Hosts[0].Requests.TotalCount));
        Assert.All(workers, w => Assert.Equal(2, w.Hosts[1].Failed));
        Assert.All(workers, w => Assert.Equal(0, w.Hosts[0].Failed));
        Assert.All(workers, w => Assert.Equal(2, w.Hosts[1].Errors[new ErrorKey("call", "503", "expected 200")]));
        Assert.All(workers, w => Assert.Empty(w.Hosts[0].Errors));
    }

    [Fact]
    public async Task The_run_result_holds_each_hosts_requests_failures_and_errors_and_the_totals_hold_both()
    {
        var (users, workers) = Users(Hosts(), new TargetScenario(), users: 3);
        var collector = new RunCollector(workers, TimeSpan.Zero);
        foreach (var user in users)
        {
            for (var i = 0; i < 10; i++)
            {
                await user.RunIterationAsync(_clock.Now, CancellationToken.None);
            }
        }

        var sample = collector.Sample(TimeSpan.FromSeconds(1));
        var result = RunResult.From(new RunPlan("test", LoadModel.Closed, 3, TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.Zero), "d", ["call"], [], collector, [A.Label, B.Label]);

        Assert.Equal([new HostInterval(15, 0), new HostInterval(0, 15)], sample.Hosts);
        Assert.Equal(["127.0.0.1:5080", "127.0.0.1:5081"], result.Hosts.Select(h => h.Host));
        Assert.Equal((15L, 0L), (result.Hosts[0].Requests, result.Hosts[0].FailedRequests));
        Assert.Equal((0L, 15L), (result.Hosts[1].Requests, result.Hosts[1].FailedRequests));
        Assert.Equal(15, Assert.Single(result.Hosts[1].Errors).Count);
        Assert.Empty(result.Hosts[0].Errors);
        Assert.Equal((15L, 15L), (result.Requests, result.FailedRequests));
    }

    [Fact]
    public async Task A_request_sent_to_another_host_on_purpose_is_counted_under_that_host()
    {
        var (users, workers) = Users(Hosts(), new TargetScenario(crossHost: true), users: 1);

        await users[0].RunIterationAsync(TimeSpan.Zero, CancellationToken.None);

        // The iteration's host is A (user 0, iteration 0); its second call went to B.
        Assert.Equal(1, workers[0].Hosts[0].Requests.TotalCount);
        Assert.Equal(1, workers[0].Hosts[1].Failed);
    }

    [Fact]
    public async Task A_503_without_retry_after_is_counted_apart()
    {
        var (users, workers) = Users(Hosts(retryAfter: false), new TargetScenario(), users: 1);

        await users[0].RunIterationAsync(TimeSpan.Zero, CancellationToken.None);
        await users[0].RunIterationAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1, workers[0].Errors[new ErrorKey("call", "503", "expected 200, no Retry-After")]);
    }

    [Fact]
    public void One_host_has_no_per_host_interval()
    {
        var collector = new RunCollector([new WorkerStats(1)], TimeSpan.Zero);

        Assert.Null(collector.Sample(TimeSpan.FromSeconds(1)).Hosts);
    }

    /// <summary>A GET to the iteration's host, and with <c>crossHost</c> a second one to the other host.</summary>
    private sealed class TargetScenario(bool crossHost = false) : Scenario
    {
        public override string Name => "test";

        public override string Description => "test";

        public override IReadOnlyList<string> Steps { get; } = ["call"];

        public override Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken) => Task.CompletedTask;

        public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken)
        {
            await user.SendAsync(0, new HttpRequestMessage(HttpMethod.Get, user.Target.Worklogs), HttpStatusCode.OK, null, cancellationToken);
            if (crossHost)
            {
                var other = user.OtherTarget;
                await user.SendAsync(0, new HttpRequestMessage(HttpMethod.Get, other.Worklogs), HttpStatusCode.OK, null, cancellationToken, other);
            }
        }
    }
}
