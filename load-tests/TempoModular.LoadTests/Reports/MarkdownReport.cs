using System.Text;
using TempoModular.LoadTests.Statistics;
using TempoModular.LoadTests.Suite;
using static TempoModular.LoadTests.Reports.Figures;

namespace TempoModular.LoadTests.Reports;

internal static class MarkdownReport
{
    public static string Render(LoadReport report)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {report.Title}").AppendLine();
        md.AppendLine($"- Verdict: **{(report.Passed ? "PASS" : "FAIL")}**");
        md.AppendLine($"- Started: {report.StartedAt:yyyy-MM-dd HH:mm:ss zzz}, took {Seconds(report.ElapsedSeconds)}");
        md.AppendLine($"- Target: {report.Target}");
        md.AppendLine($"- Load generator: {report.Machine}").AppendLine();

        md.AppendLine("## Summary").AppendLine();
        md.AppendLine("| run | req/s | iterations/s | p50 ms | p99 ms | p99.9 ms | max ms | error rate | dropped |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var run in report.Runs)
        {
            md.AppendLine($"| {run.Label} | {Rate(run.RequestsPerSecond)} | {Rate(run.IterationsPerSecond)} | {Ms(run.Latency.P50Ms)} | {Ms(run.Latency.P99Ms)} | {Ms(run.Latency.P999Ms)} | {Ms(run.Latency.MaxMs)} | {Ratio(run.ErrorRate)} | {Count(run.Dropped)} |");
        }

        md.AppendLine().AppendLine("Latency is per iteration, timed from its intended start; per-step figures below.").AppendLine();

        if (report.Checks.Count > 0)
        {
            md.AppendLine("## Thresholds").AppendLine();
            md.AppendLine("| run | threshold | limit | actual | result |");
            md.AppendLine("|---|---|---|---|---|");
            foreach (var check in report.Checks)
            {
                md.AppendLine($"| {check.Run} | {check.Threshold} | {check.Limit} | {check.Actual} | {(check.Passed ? "pass" : "**FAIL**")} |");
            }

            md.AppendLine();
        }

        if (report.Memory is { } memory)
        {
            md.AppendLine("## Host memory per active token").AppendLine();
            md.AppendLine($"Host process {memory.HostPid}, resident set size (VmRSS) as client-credentials tokens issued to one application accumulate, all left active:").AppendLine();
            md.AppendLine("| active tokens | RSS bytes |");
            md.AppendLine("|--:|--:|");
            foreach (var reading in memory.Readings)
            {
                md.AppendLine($"| {Count(reading.ActiveTokens)} | {Bytes(reading.RssBytes)} |");
            }

            md.AppendLine();
            md.AppendLine($"**≈ {Bytes(memory.BytesPerActiveToken)} bytes per active token entry** (least-squares slope of RSS over active tokens).");
            md.AppendLine(ActiveTokenMemoryCaveat).AppendLine();
        }

        if (report.Scale is { } scale)
        {
            md.AppendLine($"## {ScaleHeading(scale)}").AppendLine();
            md.AppendLine(ScaleDescription(scale)).AppendLine();
            md.AppendLine("| run | active tokens at start | at end | tokens/s | p99 ms |");
            md.AppendLine("|---|--:|--:|--:|--:|");
            foreach (var set in new[] { scale.Small, scale.Large })
            {
                md.AppendLine($"| {set.Run} | {Count(set.ActiveBefore)} | {Count(set.ActiveAfter)} | {Rate(set.TokensPerSecond)} | {Ms(set.P99Ms)} |");
            }

            md.AppendLine().AppendLine($"**{ScaleRatio(scale)}**").AppendLine(ScaleFill(scale)).AppendLine();
        }

        if (report.Failover is { } failover)
        {
            RenderFailover(md, failover);
        }

        foreach (var run in report.Runs)
        {
            RenderRun(md, run);
        }

        return md.ToString();
    }

    private static void RenderFailover(StringBuilder md, FailoverResult failover)
    {
        md.AppendLine("## Failover").AppendLine();
        md.AppendLine($"- {FailoverKill(failover)}");
        md.AppendLine($"- **{FailoverRecovery(failover)}**");
        md.AppendLine($"- {FailoverTokens(failover)}");
        md.AppendLine($"- {FailoverAfterwards(failover.IssuedAfterwards, failover.RevokedAfterwards)}");
        md.AppendLine($"- {FailoverAnswers(failover)}");
        md.AppendLine($"- {FailoverRejoin(failover)}").AppendLine();
        if (failover.Failures.Count > 0)
        {
            md.AppendLine("Failed answers:").AppendLine();
            md.AppendLine("| phase | host | step | status | count |");
            md.AppendLine("|---|---|---|---|--:|");
            foreach (var failure in failover.Failures)
            {
                md.AppendLine($"| {failure.Phase} | {failure.Host} | {failure.Step} | {failure.Status} | {Count(failure.Count)} |");
            }

            md.AppendLine();
        }

        md.AppendLine("Per application, through the survivors after the kill:").AppendLine();
        md.AppendLine("| application | failed answers | served again after |");
        md.AppendLine("|--:|--:|--:|");
        foreach (var application in failover.Applications)
        {
            md.AppendLine($"| {application.Application} | {Count(application.FailuresAfterKill)} | {(application.ServedAgainSeconds is { } s ? Seconds(s) : "never")} |");
        }

        md.AppendLine();
    }

    internal const string ActiveTokenMemoryCaveat =
        "RSS also holds garbage not yet collected and moves in steps as the GC sizes its heaps: trust the figure only when " +
        "the readings climb steadily, and raise --memory-tokens when they do not.";

    private static void RenderRun(StringBuilder md, RunResult run)
    {
        md.AppendLine($"## {run.Label}").AppendLine();
        md.AppendLine($"{run.Description}; {Plan(run)}.").AppendLine();
        md.AppendLine($"Iterations: {Count(run.Iterations)} succeeded, {Count(run.FailedIterations)} failed, {Count(run.Dropped)} dropped. Requests: {Count(run.Requests)} succeeded, {Count(run.FailedRequests)} failed.").AppendLine();
        md.AppendLine("| step | requests | failed | req/s | mean | p50 | p75 | p95 | p99 | p99.9 | max |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var step in run.Steps)
        {
            md.AppendLine(Row(step.Name, step.Requests, step.Failed, step.RequestsPerSecond, step.Latency));
        }

        md.AppendLine(Row("(iteration)", run.Iterations, run.FailedIterations, run.IterationsPerSecond, run.Latency));
        md.AppendLine().AppendLine("Latencies in milliseconds.");
        if (run.Hosts.Count > 1)
        {
            md.AppendLine().AppendLine("By host (every step together):").AppendLine();
            md.AppendLine("| host | requests | failed | req/s | p50 | p99 | max | failed by status |");
            md.AppendLine("|---|--:|--:|--:|--:|--:|--:|---|");
            foreach (var host in run.Hosts)
            {
                md.AppendLine($"| {host.Host} | {Count(host.Requests)} | {Count(host.FailedRequests)} | {Rate(host.RequestsPerSecond)} | {Ms(host.Latency.P50Ms)} | {Ms(host.Latency.P99Ms)} | {Ms(host.Latency.MaxMs)} | {HostErrors(host)} |");
            }
        }

        if (run.Model == Running.LoadModel.Open)
        {
            md.AppendLine($"Start lag (how late iterations started against their schedule: the generator's own lateness plus any wait for a free user; included above): p50 {Ms(run.StartLag.P50Ms)} ms, p99 {Ms(run.StartLag.P99Ms)} ms, max {Ms(run.StartLag.MaxMs)} ms.");
        }

        md.AppendLine();
        foreach (var (invariant, count) in run.Violations)
        {
            md.AppendLine($"Invariant {invariant}: {(count == 0 ? "held (0 calls)" : $"**BROKEN ({Count(count)} calls)**")}.").AppendLine();
        }

        if (run.Errors.Count > 0)
        {
            md.AppendLine("Errors by HTTP status: " + string.Join(", ", ByStatus(run).Select(e => $"{e.Status} × {Count(e.Count)}")) + ".");
            md.AppendLine("Errors by OAuth error, or what was wrong: " + string.Join(", ", ByError(run).Select(e => $"{e.Error} × {Count(e.Count)}")) + ".").AppendLine();
            md.AppendLine("| step | status | error | count |");
            md.AppendLine("|---|---|---|--:|");
            foreach (var error in run.Errors)
            {
                md.AppendLine($"| {error.Step} | {error.Status} | {error.Error ?? ""} | {Count(error.Count)} |");
            }

            md.AppendLine();
        }
    }

    private static string Row(string name, long requests, long failed, double rate, LatencySummary l) =>
        $"| {name} | {Count(requests)} | {Count(failed)} | {Rate(rate)} | {Ms(l.MeanMs)} | {Ms(l.P50Ms)} | {Ms(l.P75Ms)} | {Ms(l.P95Ms)} | {Ms(l.P99Ms)} | {Ms(l.P999Ms)} | {Ms(l.MaxMs)} |";
}
