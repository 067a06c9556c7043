using System.Text.Json.Serialization;
using HdrHistogram;
using TempoModular.LoadTests.Running;

namespace TempoModular.LoadTests.Statistics;

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P75Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary Of(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return new(0, 0, 0, 0, 0, 0, 0, 0);
        }

        double At(double percentile) => LatencyHistogram.MicrosecondsToMilliseconds(histogram.GetValueAtPercentile(percentile));
        return new(
            histogram.TotalCount,
            histogram.GetMean() / 1000.0,
            At(50), At(75), At(95), At(99), At(99.9),
            LatencyHistogram.MicrosecondsToMilliseconds(histogram.GetMaxValue()));
    }
}

internal sealed record StepResult(string Name, long Requests, long Failed, double RequestsPerSecond, LatencySummary Latency);

internal sealed record ErrorCount(string Step, string Status, string? Error, long Count);

/// <summary>What one host of the run answered: its requests, their latency and its errors.</summary>
internal sealed record HostResult(string Host, long Requests, long FailedRequests, double RequestsPerSecond, LatencySummary Latency, IReadOnlyList<ErrorCount> Errors);

/// <summary>The figures of one run: what the reports show and the thresholds judge.</summary>
internal sealed record RunResult(
    string Scenario,
    string Description,
    LoadModel Model,
    RunPurpose Purpose,
    int Concurrency,
    int MaxOutstanding,
    double TargetRate,
    double RampSeconds,
    double WarmupSeconds,
    double DurationSeconds,
    long Iterations,
    long FailedIterations,
    long Dropped,
    long Requests,
    long FailedRequests,
    double RequestsPerSecond,
    double IterationsPerSecond,
    double ErrorRate,
    LatencySummary Latency,
    LatencySummary StartLag,
    IReadOnlyList<StepResult> Steps,
    IReadOnlyList<ErrorCount> Errors,
    IReadOnlyDictionary<string, long> Violations,
    IReadOnlyList<IntervalSample> Series,
    IReadOnlyList<HostResult> Hosts)
{
    public string Label => Model == LoadModel.Open
        ? $"{Scenario}, open, {TargetRate:0.#}/s"
        : $"{Scenario}, closed, {Concurrency} users";

    /// <summary>The step with the highest p99: the one a latency threshold is judged on.</summary>
    [JsonIgnore]
    public StepResult? SlowestStep => Steps.Where(s => s.Requests > 0).MaxBy(s => s.Latency.P99Ms);

    public static RunResult From(RunPlan plan, string description, IReadOnlyList<string> stepNames, IEnumerable<string> invariants, RunCollector collector, IReadOnlyList<string> hosts)
    {
        var seconds = plan.Duration.TotalSeconds;
        double PerSecond(long count) => seconds > 0 ? count / seconds : 0;

        var steps = new List<StepResult>(stepNames.Count);
        for (var i = 0; i < stepNames.Count; i++)
        {
            var histogram = collector.MergeSteps(i);
            var failed = collector.Workers.Sum(w => w.StepFailures[i]);
            steps.Add(new StepResult(stepNames[i], histogram.TotalCount, failed, PerSecond(histogram.TotalCount), LatencySummary.Of(histogram)));
        }

        var iterations = collector.MergeIterations();
        var requests = steps.Sum(s => s.Requests);
        var failedRequests = steps.Sum(s => s.Failed);
        var dropped = collector.Dropped;
        var attempted = requests + failedRequests + dropped;

        var errors = Count(collector.Workers.SelectMany(w => w.Errors));
        var byHost = hosts.Select((host, h) =>
        {
            var histogram = collector.MergeHost(h);
            return new HostResult(
                host,
                histogram.TotalCount,
                collector.Workers.Sum(w => w.Hosts[h].Failed),
                PerSecond(histogram.TotalCount),
                LatencySummary.Of(histogram),
                Count(collector.Workers.SelectMany(w => w.Hosts[h].Errors)));
        }).ToList();

        var violations = invariants.ToDictionary(name => name, _ => 0L);
        foreach (var (name, count) in collector.Workers.SelectMany(w => w.Violations))
        {
            violations[name] = violations.GetValueOrDefault(name) + count;
        }

        return new RunResult(
            plan.Scenario, description, plan.Model, plan.Purpose, plan.Concurrency, plan.Model == LoadModel.Open ? plan.Outstanding : plan.Concurrency, plan.Rate,
            plan.Ramp.TotalSeconds, plan.Warmup.TotalSeconds, seconds,
            Iterations: iterations.TotalCount,
            FailedIterations: collector.Workers.Sum(w => w.FailedIterations),
            Dropped: dropped,
            Requests: requests,
            FailedRequests: failedRequests,
            RequestsPerSecond: PerSecond(requests),
            IterationsPerSecond: PerSecond(iterations.TotalCount),
            // A dropped arrival is a request the system under test could not take.
            ErrorRate: attempted == 0 ? 0 : (double)(failedRequests + dropped) / attempted,
            Latency: LatencySummary.Of(iterations),
            StartLag: LatencySummary.Of(collector.MergeStartLag()),
            Steps: steps,
            Errors: errors,
            Violations: violations,
            Series: [.. collector.Series],
            Hosts: byHost);
    }

    private static List<ErrorCount> Count(IEnumerable<KeyValuePair<ErrorKey, long>> errors) => errors
        .GroupBy(e => e.Key)
        .Select(g => new ErrorCount(g.Key.Step, g.Key.Status, g.Key.Error, g.Sum(e => e.Value)))
        .OrderByDescending(e => e.Count)
        .ToList();
}
