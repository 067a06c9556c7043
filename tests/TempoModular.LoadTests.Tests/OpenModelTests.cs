using HdrHistogram;
using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Tests;

public sealed class OpenModelTests
{
    [Fact]
    public void The_dispatcher_starts_every_arrival_when_the_clock_reaches_its_intended_start()
    {
        var clock = new ManualClock();
        var schedule = new ArrivalSchedule(rate: 200, ramp: TimeSpan.FromSeconds(1), steady: TimeSpan.FromSeconds(1));
        var started = new List<(Arrival Arrival, TimeSpan At)>();

        var summary = OpenModelDispatcher.Run(schedule, clock, arrival =>
        {
            started.Add((arrival, clock.Now));
            return true;
        }, CancellationToken.None);

        Assert.Equal(new DispatchSummary(schedule.Count, 0), summary);
        Assert.Equal(Enumerable.Range(0, (int)schedule.Count).Select(i => (long)i), started.Select(s => s.Arrival.Index));
        Assert.All(started, s => Assert.Equal(schedule.StartOf(s.Arrival.Index), s.Arrival.IntendedStart));
        Assert.All(started, s => Assert.Equal(s.Arrival.IntendedStart, s.At));
    }

    [Fact]
    public void After_a_stall_late_arrivals_go_at_once_and_keep_their_intended_start()
    {
        var clock = new ManualClock();
        var schedule = new ArrivalSchedule(rate: 100, ramp: TimeSpan.Zero, steady: TimeSpan.FromSeconds(1));
        var started = new List<(Arrival Arrival, TimeSpan At)>();

        OpenModelDispatcher.Run(schedule, clock, arrival =>
        {
            started.Add((arrival, clock.Now));
            if (arrival.Index == 10)
            {
                // The generator freezes for 100 ms while starting arrival 10.
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }

            return true;
        }, CancellationToken.None);

        var late = started.Where(s => s.Arrival.Index is > 10 and <= 20).ToList();
        Assert.Equal(10, late.Count);
        Assert.All(late, s => Assert.Equal(TimeSpan.FromMilliseconds(200), s.At));
        Assert.All(late, s => Assert.Equal(TimeSpan.FromMilliseconds(10 * s.Arrival.Index), s.Arrival.IntendedStart));
        Assert.DoesNotContain(clock.Waits, due => due > TimeSpan.FromMilliseconds(100) && due <= TimeSpan.FromMilliseconds(200));
        Assert.Equal(schedule.Count, started.Count);
    }

    [Fact]
    public void Arrivals_the_load_cannot_take_are_counted_as_dropped()
    {
        var schedule = new ArrivalSchedule(rate: 1000, ramp: TimeSpan.Zero, steady: TimeSpan.FromMilliseconds(50));

        var summary = OpenModelDispatcher.Run(schedule, new ManualClock(), arrival => arrival.Index % 2 == 0, CancellationToken.None);

        Assert.Equal(new DispatchSummary(Started: 25, Dropped: 25), summary);
    }

    [Fact]
    public async Task Arrivals_wait_for_a_busy_user_up_to_the_outstanding_cap_and_beyond_it_are_dropped()
    {
        var clock = new ManualClock();
        var gate = new TaskCompletionSource();
        var calls = 0;
        using var http = new HttpClient(new FakeHandler(async _ =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return new HttpResponseMessage(HttpStatusCode.OK);
        }));
        var scenario = new OneRequestScenario();
        var workers = new[] { new WorkerStats(1), new WorkerStats(1) };
        var users = workers.Select((stats, i) => new VirtualUser(i, http, clock, stats, scenario, TimeSpan.Zero)).ToArray();
        var collector = new RunCollector(workers, TimeSpan.Zero);

        // Ten arrivals due 1 ms apart; two users, at most four arrivals outstanding.
        var run = OpenModel.RunAsync(users, new ArrivalSchedule(1000, TimeSpan.Zero, TimeSpan.FromMilliseconds(10)), maxOutstanding: 4, clock, collector, CancellationToken.None);
        // The dispatcher has its own thread; the users stay busy until it has seen every arrival.
        var allDispatched = SpinWait.SpinUntil(() => collector.Dropped == 6, TimeSpan.FromSeconds(30));
        gate.SetResult();
        await run;

        Assert.True(allDispatched, $"{collector.Dropped} arrivals dropped");
        Assert.Equal(6, collector.Dropped);
        Assert.Equal(4, calls);
        Assert.Equal(4, workers.Sum(w => w.Iterations.TotalCount));
        // The two that waited for a user started when the clock stood at 9 ms and
        // are charged their wait: the ones due at 2 and 3 ms started 7 and 6 ms late.
        var startLag = new RunCollector(workers, TimeSpan.Zero).MergeStartLag();
        Assert.True(startLag.GetCountAtValue(7_000) >= 1);
        Assert.True(startLag.GetCountAtValue(6_000) >= 1);
    }
}

/// <summary>Answers requests with a function instead of a network.</summary>
internal sealed class FakeHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request);
}

/// <summary>A scenario of one GET, for driving virtual users in tests.</summary>
internal sealed class OneRequestScenario(int steps = 1) : Scenario
{
    public override string Name => "test";

    public override string Description => "test";

    public override IReadOnlyList<string> Steps { get; } = [.. Enumerable.Range(0, steps).Select(i => $"step-{i}")];

    public override Task SetupAsync(LoadTests.Setup.ScenarioSetup setup, int users, CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task RunAsync(VirtualUser user, CancellationToken cancellationToken)
    {
        for (var step = 0; step < Steps.Count; step++)
        {
            if (!(await user.SendAsync(step, new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"), HttpStatusCode.OK, null, cancellationToken)).Ok)
            {
                return;
            }
        }
    }
}
