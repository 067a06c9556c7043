using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Suite;

/// <summary>
/// The standard suite. For token, api and introspect: a closed-model run at
/// full concurrency finds the maximum throughput, then an open-model run at
/// half of it measures latency where a production system should sit. Then
/// revoke, refresh and journey run closed at a quarter of the concurrency, for
/// behaviour under load rather than for speed. The token set scale step
/// (<see cref="TokenSetScale"/>, with <see cref="ScaleTokens"/>) follows it.
/// </summary>
internal static class StandardSuite
{
    public const string Name = "standard";

    /// <summary>The performance requirement's "one million active tokens in an application's set".</summary>
    public const int ScaleTokens = 1_000_000;

    public static IReadOnlyList<string> CapacityScenarios { get; } = ["token", "api", "introspect"];

    public static IReadOnlyList<string> BehaviourScenarios { get; } = ["revoke", "refresh", "journey"];

    public static async Task<IReadOnlyList<RunResult>> RunAsync(LoadSession session, SuiteSettings settings, CancellationToken cancellationToken)
    {
        var runs = new List<RunResult>();
        foreach (var scenario in CapacityScenarios)
        {
            var capacity = await session.RunAsync(settings.Plan(scenario, LoadModel.Closed, settings.Concurrency, RunPurpose.Capacity), cancellationToken);
            runs.Add(capacity);
            runs.Add(await session.RunAsync(settings.Plan(scenario, LoadModel.Open, settings.Concurrency, RunPurpose.Latency, HalfOf(capacity)), cancellationToken));
        }

        foreach (var scenario in BehaviourScenarios)
        {
            runs.Add(await session.RunAsync(settings.Plan(scenario, LoadModel.Closed, Math.Max(1, settings.Concurrency / 4), RunPurpose.Behaviour), cancellationToken));
        }

        return runs;
    }

    /// <summary>Half the measured maximum, in iterations per second; at least one.</summary>
    internal static double HalfOf(RunResult capacity) => Math.Max(1, Math.Round(capacity.IterationsPerSecond / 2));
}

/// <summary>The suite's time line and width, from the command line.</summary>
internal sealed record SuiteSettings(int Concurrency, TimeSpan Duration, TimeSpan Warmup, TimeSpan Ramp, int? MaxOutstanding = null)
{
    public RunPlan Plan(string scenario, LoadModel model, int concurrency, RunPurpose purpose, double rate = 0) =>
        new(scenario, model, concurrency, Duration, Warmup, Ramp, rate, purpose, MaxOutstanding);
}
