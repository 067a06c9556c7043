using System.Globalization;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Running;

/// <summary>
/// Runs one scenario under one load model: sets it up, drives the load over
/// the run's targets, prints a progress line every second and returns the
/// run's figures, in total and by host.
/// </summary>
internal sealed class ScenarioRunner(HttpClient http, TargetRotation targets, TextWriter console)
{
    /// <param name="during">Started with the load, on the run's clock: what a fault run does to the hosts meanwhile.</param>
    public async Task<RunResult> RunAsync(Scenario scenario, RunPlan plan, ScenarioSetup setup, CancellationToken cancellationToken, Func<IRunClock, Task>? during = null)
    {
        console.WriteLine($"== {scenario.Name}: {Describe(plan)}{(targets.Targets.Count > 1 ? $", round-robin over {string.Join(", ", targets.Targets.Select(t => t.Label))}" : "")}");
        await scenario.SetupAsync(setup, plan.Concurrency, cancellationToken);

        var clock = new StopwatchClock();
        var workers = Enumerable.Range(0, plan.Concurrency).Select(_ => new WorkerStats(scenario.Steps.Count, targets.Targets.Count)).ToArray();
        var users = workers.Select((stats, i) => new VirtualUser(i, http, clock, stats, scenario, plan.MeasureFrom, targets)).ToArray();
        var collector = new RunCollector(workers, plan.MeasureFrom);

        var load = plan.Model == LoadModel.Open
            ? OpenModel.RunAsync(users, new ArrivalSchedule(plan.Rate, plan.Ramp, plan.Warmup + plan.Duration), plan.Outstanding, clock, collector, cancellationToken)
            : ClosedModel.RunAsync(users, plan, clock, cancellationToken);
        var alongside = during?.Invoke(clock) ?? Task.CompletedTask;

        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(1)))
        {
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            while (await Task.WhenAny(load, tick) == tick)
            {
                await tick;
                console.WriteLine(ProgressLine(plan, collector.Sample(clock.Elapsed)));
                tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            }
        }

        await load;
        await alongside;
        if (collector.Finish(clock.Elapsed) is { } last)
        {
            console.WriteLine(ProgressLine(plan, last));
        }

        var result = RunResult.From(plan, scenario.Description, scenario.Steps, scenario.Invariants, collector, [.. targets.Targets.Select(t => t.Label)]);
        console.WriteLine($"   {result.RequestsPerSecond:N0} req/s, p99 {result.Latency.P99Ms:0.00} ms, errors {result.FailedRequests:N0}, dropped {result.Dropped:N0}");
        return result;
    }

    private static string Describe(RunPlan plan) => plan.Model == LoadModel.Open
        ? $"open model, {plan.Rate:0.#}/s on {plan.Concurrency} users, at most {plan.Outstanding} outstanding, ramp {plan.Ramp.TotalSeconds:0.#} s, warm-up {plan.Warmup.TotalSeconds:0.#} s, measure {plan.Duration.TotalSeconds:0.#} s"
        : $"closed model, {plan.Concurrency} users, ramp {plan.Ramp.TotalSeconds:0.#} s, warm-up {plan.Warmup.TotalSeconds:0.#} s, measure {plan.Duration.TotalSeconds:0.#} s";

    /// <summary>Elapsed time, the phase the interval was mostly in, its rate and p99, its errors and drops; with several hosts, each one's answers and errors.</summary>
    internal static string ProgressLine(RunPlan plan, IntervalSample sample) => string.Create(CultureInfo.InvariantCulture,
        $"{sample.EndSeconds,6:0.0}s {plan.PhaseAt(TimeSpan.FromSeconds(sample.EndSeconds - sample.Seconds / 2)),-8} {sample.RequestsPerSecond,9:N0} req/s  p99 {sample.P99Ms,8:0.00} ms  errors {sample.Errors,6:N0}  dropped {sample.Dropped,6:N0}")
        + (sample.Hosts is { } hosts ? string.Concat(hosts.Select((h, i) => string.Create(CultureInfo.InvariantCulture, $"  | #{i + 1} {h.Ok,7:N0} ok {h.Errors,5:N0} err"))) : "");
}
