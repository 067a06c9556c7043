using System.Globalization;
using TempoModular.LoadTests.Statistics;
using TempoModular.LoadTests.Suite;
using TempoModular.LoadTests.Thresholds;

namespace TempoModular.LoadTests.Reports;

/// <summary>Everything one invocation of the runner measured and judged: what every report format shows.</summary>
internal sealed record LoadReport(
    string Title,
    DateTimeOffset StartedAt,
    double ElapsedSeconds,
    string Target,
    string Machine,
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<ThresholdCheck> Checks,
    ActiveTokenMemory? Memory,
    TokenSetScale? Scale = null)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary>How the reports print figures: invariant culture, milliseconds to two decimals.</summary>
internal static class Figures
{
    public static string Ms(double milliseconds) => milliseconds.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Count(long count) => count.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Ratio(double ratio) => ratio.ToString("0.#####", CultureInfo.InvariantCulture);

    public static string Seconds(double seconds) => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    public static string Bytes(double bytes) => bytes.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Plan(RunResult run) => run.Model == Running.LoadModel.Open
        ? $"open model at {Rate(run.TargetRate)}/s on {run.Concurrency} virtual users (at most {Count(run.MaxOutstanding)} outstanding), ramp {Seconds(run.RampSeconds)}, warm-up {Seconds(run.WarmupSeconds)}, measured {Seconds(run.DurationSeconds)}"
        : $"closed model, {run.Concurrency} virtual users, ramp {Seconds(run.RampSeconds)}, warm-up {Seconds(run.WarmupSeconds)}, measured {Seconds(run.DurationSeconds)}";

    public static string ScaleHeading(TokenSetScale scale) => $"Issuance with {Count(scale.Tokens)} active tokens";

    public static string ScaleDescription(TokenSetScale scale) =>
        $"Client-credentials issuance with the token capacity run's users and window, into an application holding {TokenSetScale.SmallSet} active tokens, " +
        $"then into one first filled with {Count(scale.Tokens)} through the token endpoint. The requirement: at least 90 % of the rate with ten.";

    public static string ScaleRatio(TokenSetScale scale) =>
        $"Ratio {Ratio(scale.Ratio)}: tokens per second with {Count(scale.Large.ActiveBefore)} active over those with {Count(scale.Small.ActiveBefore)}.";

    /// <summary>The fill: how long, how fast, what was refused, and the host's RSS over it when it was read.</summary>
    public static string ScaleFill(TokenSetScale scale) =>
        $"The fill took {Seconds(scale.FillSeconds)} ({Rate(scale.FillSeconds > 0 ? scale.FillIssued / scale.FillSeconds : 0)} tokens/s): {Count(scale.FillIssued)} issued, {Count(scale.FillRefused)} refused." +
        (scale is { RssBeforeFill: { } before, RssAfterFill: { } after, BytesPerActiveToken: { } bytes }
            ? $" Host process {scale.HostPid}: RSS {Bytes(before)} bytes before it, {Bytes(after)} after, ≈ {Bytes(bytes)} bytes per active token."
            : "");

    /// <summary>Failed requests summed by HTTP status (or transport failure).</summary>
    public static IEnumerable<(string Status, long Count)> ByStatus(RunResult run) =>
        run.Errors.GroupBy(e => e.Status).Select(g => (g.Key, g.Sum(e => e.Count))).OrderByDescending(e => e.Item2);

    /// <summary>Failed requests summed by OAuth <c>error</c> (or the check that failed).</summary>
    public static IEnumerable<(string Error, long Count)> ByError(RunResult run) =>
        run.Errors.GroupBy(e => e.Error ?? "(none)").Select(g => (g.Key, g.Sum(e => e.Count))).OrderByDescending(e => e.Item2);
}
