using System.Net;
using System.Text;
using TempoModular.LoadTests.Statistics;
using TempoModular.LoadTests.Suite;
using static TempoModular.LoadTests.Reports.Figures;

namespace TempoModular.LoadTests.Reports;

/// <summary>
/// One self-contained HTML file: inline styles and inline SVG charts, no
/// scripts and nothing fetched, so it opens the same from a CI artifact or a
/// laptop without network.
/// </summary>
internal static class HtmlReport
{
    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:980px;color:#1d2430;padding:0 1rem}
        h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #d8dde6;padding-bottom:.3rem}
        table{border-collapse:collapse;margin:.6rem 0 1rem}th,td{border:1px solid #d8dde6;padding:.25rem .55rem}
        th{background:#f3f5f8;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
        .pass{color:#176b2c;font-weight:600}.fail{color:#b3261e;font-weight:700}
        .meta{color:#4a5568}svg{display:block;margin:.4rem 0 1rem;max-width:100%;height:auto}
        svg .title{font-weight:600;font-size:13px}svg .axis{font-size:11px;fill:#4a5568}
        svg .grid{stroke:#e6e9ef}svg .unmeasured{fill:#f1f2f5}
        """;

    public static string Render(LoadReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append($"<title>{E(report.Title)}</title><style>{Style}</style></head><body>");
        html.Append($"<h1>{E(report.Title)}</h1>");
        html.Append($"<p>Verdict: {Verdict(report.Passed)}</p>");
        html.Append($"<p class=\"meta\">Started {E(report.StartedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture))}, took {E(Seconds(report.ElapsedSeconds))}. ");
        html.Append($"Target {E(report.Target)}. Load generator: {E(report.Machine)}.</p>");

        html.Append("<h2>Summary</h2><table><tr><th>run</th><th>req/s</th><th>iterations/s</th><th>p50 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>error rate</th><th>dropped</th></tr>");
        foreach (var run in report.Runs)
        {
            html.Append($"<tr><td><a href=\"#{Anchor(run)}\">{E(run.Label)}</a></td>{N(Rate(run.RequestsPerSecond))}{N(Rate(run.IterationsPerSecond))}{N(Ms(run.Latency.P50Ms))}{N(Ms(run.Latency.P99Ms))}{N(Ms(run.Latency.P999Ms))}{N(Ms(run.Latency.MaxMs))}{N(Ratio(run.ErrorRate))}{N(Count(run.Dropped))}</tr>");
        }

        html.Append("</table><p class=\"meta\">Latency is per iteration, timed from its intended start; per-step figures below.</p>");

        if (report.Checks.Count > 0)
        {
            html.Append("<h2>Thresholds</h2><table><tr><th>run</th><th>threshold</th><th>limit</th><th>actual</th><th>result</th></tr>");
            foreach (var check in report.Checks)
            {
                html.Append($"<tr><td>{E(check.Run)}</td><td>{E(check.Threshold)}</td><td>{E(check.Limit)}</td><td>{E(check.Actual)}</td><td>{Verdict(check.Passed)}</td></tr>");
            }

            html.Append("</table>");
        }

        if (report.Memory is { } memory)
        {
            html.Append("<h2>Host memory per active token</h2>");
            html.Append($"<p>Host process {memory.HostPid}, resident set size (VmRSS) as client-credentials tokens issued to one application accumulate, all left active.</p>");
            html.Append("<table><tr><th>active tokens</th><th>RSS bytes</th></tr>");
            foreach (var reading in memory.Readings)
            {
                html.Append($"<tr>{N(Count(reading.ActiveTokens))}{N(Bytes(reading.RssBytes))}</tr>");
            }

            html.Append("</table>");
            html.Append($"<p><strong>≈ {E(Bytes(memory.BytesPerActiveToken))} bytes per active token entry</strong> (least-squares slope of RSS over active tokens). {E(MarkdownReport.ActiveTokenMemoryCaveat)}</p>");
        }

        if (report.Scale is { } scale)
        {
            html.Append($"<h2>{E(ScaleHeading(scale))}</h2><p>{E(ScaleDescription(scale))}</p>");
            html.Append("<table><tr><th>run</th><th>active tokens at start</th><th>at end</th><th>tokens/s</th><th>p99 ms</th></tr>");
            foreach (var set in new[] { scale.Small, scale.Large })
            {
                html.Append($"<tr><td><a href=\"#{Anchor(set.Run)}\">{E(set.Run)}</a></td>{N(Count(set.ActiveBefore))}{N(Count(set.ActiveAfter))}{N(Rate(set.TokensPerSecond))}{N(Ms(set.P99Ms))}</tr>");
            }

            html.Append($"</table><p><strong>{E(ScaleRatio(scale))}</strong> {E(ScaleFill(scale))}</p>");
        }

        if (report.Failover is { } failover)
        {
            html.Append("<h2>Failover</h2><ul>");
            foreach (var line in new[] { FailoverKill(failover), FailoverTokens(failover), FailoverAfterwards(failover.IssuedAfterwards, failover.RevokedAfterwards), FailoverAnswers(failover), FailoverRejoin(failover) })
            {
                html.Append($"<li>{E(line)}</li>");
            }

            html.Append($"</ul><p><strong class=\"{(failover.RecoverySeconds is null ? "fail" : "pass")}\">{E(FailoverRecovery(failover))}</strong></p>");
            if (failover.Failures.Count > 0)
            {
                html.Append("<table><tr><th>phase</th><th>host</th><th>step</th><th>status</th><th>count</th></tr>");
                foreach (var failure in failover.Failures)
                {
                    html.Append($"<tr><td>{E(failure.Phase)}</td><td>{E(failure.Host)}</td><td>{E(failure.Step)}</td><td>{E(failure.Status)}</td>{N(Count(failure.Count))}</tr>");
                }

                html.Append("</table>");
            }

            html.Append("<table><tr><th>application</th><th>failed answers after the kill</th><th>served again after</th></tr>");
            foreach (var application in failover.Applications)
            {
                html.Append($"<tr>{N(application.Application.ToString(System.Globalization.CultureInfo.InvariantCulture))}{N(Count(application.FailuresAfterKill))}{N(application.ServedAgainSeconds is { } s ? Seconds(s) : "never")}</tr>");
            }

            html.Append("</table>");
        }

        foreach (var run in report.Runs)
        {
            RenderRun(html, run);
        }

        return html.Append("</body></html>").ToString();
    }

    private static void RenderRun(StringBuilder html, RunResult run)
    {
        html.Append($"<h2 id=\"{Anchor(run)}\">{E(run.Label)}</h2>");
        html.Append($"<p>{E(run.Description)}; {E(Plan(run))}.</p>");
        html.Append($"<p>Iterations: {Count(run.Iterations)} succeeded, {Count(run.FailedIterations)} failed, {Count(run.Dropped)} dropped. Requests: {Count(run.Requests)} succeeded, {Count(run.FailedRequests)} failed.</p>");

        var measuredFrom = run.RampSeconds + run.WarmupSeconds;
        html.Append(SvgChart.Line("Throughput", "requests/s", [
            new ChartSeries("ok req/s", "#2563eb", run.Series.Select(s => (s.EndSeconds, s.RequestsPerSecond)).ToList()),
            new ChartSeries("errors/s", "#dc2626", run.Series.Select(s => (s.EndSeconds, s.Seconds > 0 ? (s.Errors + s.Dropped) / s.Seconds : 0)).ToList()),
        ], measuredFrom));
        if (run.Hosts.Count > 1)
        {
            string[] colors = ["#2563eb", "#16a34a", "#9333ea", "#0891b2"];
            html.Append(SvgChart.Line("Throughput by host", "requests/s", [
                .. run.Hosts.SelectMany((host, h) => new[]
                {
                    new ChartSeries($"{host.Host} ok", colors[h % colors.Length], run.Series.Select(s => (s.EndSeconds, PerSecond(s, s.Hosts?[h].Ok))).ToList()),
                    new ChartSeries($"{host.Host} errors", h % 2 == 0 ? "#dc2626" : "#ea580c", run.Series.Select(s => (s.EndSeconds, PerSecond(s, s.Hosts?[h].Errors))).ToList()),
                }),
            ], measuredFrom));
        }

        html.Append(SvgChart.Line("Request latency per second", "ms", [
            new ChartSeries("p50", "#16a34a", run.Series.Select(s => (s.EndSeconds, s.P50Ms)).ToList()),
            new ChartSeries("p99", "#ea580c", run.Series.Select(s => (s.EndSeconds, s.P99Ms)).ToList()),
            new ChartSeries("max", "#9333ea", run.Series.Select(s => (s.EndSeconds, s.MaxMs)).ToList()),
        ], measuredFrom));

        html.Append("<table><tr><th>step</th><th>requests</th><th>failed</th><th>req/s</th><th>mean</th><th>p50</th><th>p75</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>");
        foreach (var step in run.Steps)
        {
            html.Append(Row(step.Name, step.Requests, step.Failed, step.RequestsPerSecond, step.Latency));
        }

        html.Append(Row("(iteration)", run.Iterations, run.FailedIterations, run.IterationsPerSecond, run.Latency));
        html.Append("</table>");
        if (run.Hosts.Count > 1)
        {
            html.Append("<table><tr><th>host</th><th>requests</th><th>failed</th><th>req/s</th><th>p50</th><th>p99</th><th>max</th><th>failed by status</th></tr>");
            foreach (var host in run.Hosts)
            {
                html.Append($"<tr><td>{E(host.Host)}</td>{N(Count(host.Requests))}{N(Count(host.FailedRequests))}{N(Rate(host.RequestsPerSecond))}{N(Ms(host.Latency.P50Ms))}{N(Ms(host.Latency.P99Ms))}{N(Ms(host.Latency.MaxMs))}<td>{E(HostErrors(host))}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<p class=\"meta\">Latencies in milliseconds.");
        if (run.Model == Running.LoadModel.Open)
        {
            html.Append($" Start lag (how late iterations started against their schedule: the generator's own lateness plus any wait for a free user; included above): p50 {Ms(run.StartLag.P50Ms)} ms, p99 {Ms(run.StartLag.P99Ms)} ms, max {Ms(run.StartLag.MaxMs)} ms.");
        }

        html.Append("</p>");
        foreach (var (invariant, count) in run.Violations)
        {
            html.Append($"<p>Invariant {E(invariant)}: {(count == 0 ? "<span class=\"pass\">held (0 calls)</span>" : $"<span class=\"fail\">BROKEN ({Count(count)} calls)</span>")}</p>");
        }

        if (run.Errors.Count > 0)
        {
            html.Append("<table><tr><th>HTTP status</th><th>count</th></tr>");
            foreach (var (status, count) in ByStatus(run))
            {
                html.Append($"<tr><td>{E(status)}</td>{N(Count(count))}</tr>");
            }

            html.Append("</table><table><tr><th>OAuth error, or what was wrong</th><th>count</th></tr>");
            foreach (var (error, count) in ByError(run))
            {
                html.Append($"<tr><td>{E(error)}</td>{N(Count(count))}</tr>");
            }

            html.Append("</table><table><tr><th>step</th><th>status</th><th>error</th><th>count</th></tr>");
            foreach (var error in run.Errors)
            {
                html.Append($"<tr><td>{E(error.Step)}</td><td>{E(error.Status)}</td><td>{E(error.Error ?? "")}</td>{N(Count(error.Count))}</tr>");
            }

            html.Append("</table>");
        }
    }

    private static double PerSecond(IntervalSample sample, long? count) => sample.Seconds > 0 ? (count ?? 0) / sample.Seconds : 0;

    private static string Row(string name, long requests, long failed, double rate, LatencySummary l) =>
        $"<tr><td>{E(name)}</td>{N(Count(requests))}{N(Count(failed))}{N(Rate(rate))}{N(Ms(l.MeanMs))}{N(Ms(l.P50Ms))}{N(Ms(l.P75Ms))}{N(Ms(l.P95Ms))}{N(Ms(l.P99Ms))}{N(Ms(l.P999Ms))}{N(Ms(l.MaxMs))}</tr>";

    private static string Verdict(bool passed) => passed ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>";

    private static string Anchor(RunResult run) => Anchor(run.Label);

    private static string Anchor(string label) => "run-" + new string(label.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());

    private static string N(string figure) => $"<td class=\"n\">{E(figure)}</td>";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
