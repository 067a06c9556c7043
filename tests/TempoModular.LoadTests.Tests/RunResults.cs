using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Tests;

/// <summary>Run results with chosen figures, for judging and reporting them.</summary>
internal static class RunResults
{
    public static RunResult With(
        double p99Ms = 2,
        double errorRate = 0,
        double requestsPerSecond = 1000,
        RunPurpose purpose = RunPurpose.Single,
        LoadModel model = LoadModel.Closed,
        string scenario = "token",
        IReadOnlyDictionary<string, long>? violations = null,
        long requests = 30_000,
        IReadOnlyList<HostResult>? hosts = null)
    {
        var latency = new LatencySummary(requests, p99Ms / 4, p99Ms / 3, p99Ms / 2, p99Ms * 0.8, p99Ms, p99Ms * 1.5, p99Ms * 2);
        return new RunResult(
            scenario, "a test run", model, purpose, Concurrency: 32, MaxOutstanding: 320, TargetRate: model == LoadModel.Open ? 500 : 0,
            RampSeconds: 1, WarmupSeconds: 2, DurationSeconds: 30,
            Iterations: requests, FailedIterations: 3, Dropped: 2, Requests: requests, FailedRequests: 3,
            RequestsPerSecond: requestsPerSecond, IterationsPerSecond: requestsPerSecond, ErrorRate: errorRate,
            Latency: latency,
            StartLag: new LatencySummary(requests, 0.1, 0.1, 0.2, 0.3, 0.4, 0.5, 0.9),
            Steps: [new StepResult("issue", requests, 3, requestsPerSecond, latency)],
            Errors: [new ErrorCount("issue", "400", "invalid_client", 2), new ErrorCount("issue", "transport", "ConnectionError", 1)],
            Violations: violations ?? new Dictionary<string, long>(),
            Series: [.. Enumerable.Range(1, 33).Select(s => new IntervalSample(s, 1, s > 3, (long)requestsPerSecond, s == 10 ? 3 : 0, 0, p99Ms / 3, p99Ms, p99Ms * 2))],
            Hosts: hosts ?? [new HostResult("127.0.0.1:5080", requests, 3, requestsPerSecond, latency, [])]);
    }
}
