using System.Globalization;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Statistics;
using TempoModular.LoadTests.Suite;

namespace TempoModular.LoadTests.Thresholds;

/// <summary>One threshold judged on one run.</summary>
internal sealed record ThresholdCheck(string Run, string Threshold, string Limit, string Actual, bool Passed);

/// <summary>
/// The limits a run must meet, from the command line. Latency is judged on the
/// slowest step's p99 (every request must be fast, not the average step), the
/// rate on successful requests per second, the error rate on failed and dropped
/// requests. In the suite a closed capacity run is not judged on latency (it
/// saturates on purpose) and an open latency run is not judged on rate (it runs
/// below capacity on purpose). Broken invariants fail every run.
/// </summary>
internal sealed record Thresholds(double? MaxP99Ms = null, double? MaxErrorRate = null, double? MinRps = null, double? MinScaleRatio = null)
{
    public IReadOnlyList<ThresholdCheck> Evaluate(RunResult run)
    {
        var checks = new List<ThresholdCheck>();
        foreach (var (invariant, count) in run.Violations)
        {
            checks.Add(new ThresholdCheck(run.Label, $"{invariant} calls", "0", Format(count), count == 0));
        }

        if (MaxErrorRate is { } maxErrorRate)
        {
            checks.Add(new ThresholdCheck(run.Label, "error rate", $"≤ {Format(maxErrorRate)}", Format(run.ErrorRate), run.ErrorRate <= maxErrorRate));
        }

        if (MaxP99Ms is { } maxP99 && run.Purpose is RunPurpose.Single or RunPurpose.Latency)
        {
            var slowest = run.SlowestStep;
            var p99 = slowest?.Latency.P99Ms ?? 0;
            // A run that completed nothing has no latency to pass with.
            checks.Add(new ThresholdCheck(run.Label, $"p99 of slowest step ({slowest?.Name ?? "none"})", $"≤ {Format(maxP99)} ms", $"{p99.ToString("0.00", CultureInfo.InvariantCulture)} ms", slowest is not null && p99 <= maxP99));
        }

        if (MinRps is { } minRps && run.Purpose is RunPurpose.Single or RunPurpose.Capacity)
        {
            checks.Add(new ThresholdCheck(run.Label, "requests per second", $"≥ {Format(minRps)}", run.RequestsPerSecond.ToString("0.#", CultureInfo.InvariantCulture), run.RequestsPerSecond >= minRps));
        }

        return checks;
    }

    /// <summary>
    /// The token set scale step: the large set must have been filled (else its
    /// rate proves nothing, whatever the thresholds), and its issuance rate be
    /// at least <see cref="MinScaleRatio"/> of the small set's.
    /// </summary>
    public IReadOnlyList<ThresholdCheck> Evaluate(TokenSetScale scale)
    {
        var checks = new List<ThresholdCheck>
        {
            new(scale.Large.Run, "active tokens at its start", $"≥ {Count(scale.MinimumLargeSet)}", Count(scale.Large.ActiveBefore), scale.Large.ActiveBefore >= scale.MinimumLargeSet),
        };
        if (MinScaleRatio is { } minRatio)
        {
            checks.Add(new ThresholdCheck(scale.Large.Run, $"issuance rate over that with {TokenSetScale.SmallSet} active", $"≥ {Format(minRatio)}", Format(scale.Ratio), scale.Ratio >= minRatio));
        }

        return checks;
    }

    private static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
