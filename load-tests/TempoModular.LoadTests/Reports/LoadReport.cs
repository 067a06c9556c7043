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
    TokenSetScale? Scale = null,
    FailoverResult? Failover = null)
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

    /// <summary>A host's failed requests by status, as "503 × 12, transport × 3".</summary>
    public static string HostErrors(HostResult host) => host.Errors.Count == 0 ? ""
        : string.Join(", ", host.Errors.GroupBy(e => e.Status).Select(g => (Status: g.Key, Count: g.Sum(e => e.Count))).OrderByDescending(e => e.Count).Select(e => $"{e.Status} × {Count(e.Count)}"));

    public static string FailoverKill(FailoverResult failover) =>
        $"{failover.KilledHost} (pid {failover.KilledPid}) killed with SIGKILL {Seconds(failover.KilledAtSeconds)} into the run; the load went on through {string.Join(", ", failover.Survivors)}.";

    public static string FailoverRecovery(FailoverResult failover) => failover.RecoverySeconds is { } seconds
        ? $"Every application served through the survivors again {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s after the kill."
        : "NOT every application was served through the survivors again before the run ended.";

    public static string FailoverTokens(FailoverResult failover) =>
        $"Tokens answered 200: {string.Join(", ", failover.TokensIssuedByHost.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{Count(h.Value)} through {h.Key}"))}; " +
        $"{Count(failover.RevokedDuringRun)} of them revoked during the run (each then presented on another host: {Count(failover.AcceptedAfterRevokeDuringRun)} accepted), " +
        $"{Count(failover.UncertainRevocations)} revocations not answered 200 (left out of both checks).";

    public static string FailoverAfterwards(TokenCheck issued, TokenCheck revoked) =>
        $"Afterwards on {issued.Host}: {Count(issued.Accepted)} of {Count(issued.Checked)} tokens accepted, {Count(issued.Refused)} refused (lost), {Count(issued.UnansweredCount)} unanswered{Unanswered(issued)}; " +
        $"{Count(revoked.Refused)} of {Count(revoked.Checked)} revoked tokens refused, {Count(revoked.Accepted)} accepted, {Count(revoked.UnansweredCount)} unanswered{Unanswered(revoked)}.";

    public static string FailoverAnswers(FailoverResult failover) =>
        $"Answers 500: {Count(failover.Answered500)}; 503 without Retry-After: {Count(failover.Answered503WithoutRetryAfter)}; valid requests refused with a 4xx: {Count(failover.WrongRefusals)}.";

    public static string FailoverRejoin(FailoverResult failover) => failover.Rejoin is not { } rejoin
        ? "The killed host was not restarted (no --restart-signal): its rejoin was not checked."
        : $"{rejoin.Host} restarted: ready {(rejoin.ReadySeconds is { } ready ? $"{Seconds(ready)} after the signal" : "never")}, " +
          $"every application served {(rejoin.ServedSeconds is { } served ? $"{Seconds(served)} after it" : "never")}." +
          (rejoin is { Issued: { } issued, Revoked: { } revoked } ? " " + FailoverAfterwards(issued, revoked) : "");

    private static string Unanswered(TokenCheck check) => check.Unanswered.Count == 0 ? ""
        : " (" + string.Join(", ", check.Unanswered.Select(u => $"{u.Key} × {Count(u.Value)}")) + ")";

    /// <summary>Failed requests summed by HTTP status (or transport failure).</summary>
    public static IEnumerable<(string Status, long Count)> ByStatus(RunResult run) =>
        run.Errors.GroupBy(e => e.Status).Select(g => (g.Key, g.Sum(e => e.Count))).OrderByDescending(e => e.Item2);

    /// <summary>Failed requests summed by OAuth <c>error</c> (or the check that failed).</summary>
    public static IEnumerable<(string Error, long Count)> ByError(RunResult run) =>
        run.Errors.GroupBy(e => e.Error ?? "(none)").Select(g => (g.Key, g.Sum(e => e.Count))).OrderByDescending(e => e.Item2);
}
