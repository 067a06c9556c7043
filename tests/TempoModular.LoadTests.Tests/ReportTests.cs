using System.Text.Json;
using System.Text.RegularExpressions;
using TempoModular.LoadTests.Reports;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Statistics;
using TempoModular.LoadTests.Suite;
using TempoModular.LoadTests.Thresholds;

namespace TempoModular.LoadTests.Tests;

public sealed class ReportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tempo-load-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static LoadReport Report(bool withMemory = true, bool withScale = true)
    {
        var capacity = RunResults.With(p99Ms: 12.34, requestsPerSecond: 4321, purpose: RunPurpose.Capacity);
        var latency = RunResults.With(p99Ms: 3.21, requestsPerSecond: 2160, purpose: RunPurpose.Latency, model: LoadModel.Open);
        var revoke = RunResults.With(scenario: "revoke", purpose: RunPurpose.Behaviour, violations: new Dictionary<string, long> { [Invariants.AcceptedAfterRevoke] = 0 });
        var thresholds = new Thresholds.Thresholds(MaxP99Ms: 5, MaxErrorRate: 0.001, MinRps: 4000);
        return new LoadReport(
            "Load report: standard suite",
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            123.4,
            "http://127.0.0.1:5080/",
            "2 logical cores",
            [capacity, latency, revoke],
            [.. new[] { capacity, latency, revoke }.SelectMany(thresholds.Evaluate)],
            withMemory ? new ActiveTokenMemory(4242, [new(0, 100_000_000), new(10_000, 105_120_000), new(20_000, 110_240_000)]) : null,
            withScale ? TokenSetScales.With(smallRate: 4000, largeRate: 3800) : null);
    }

    [Fact]
    public void The_writer_produces_markdown_json_and_html_files_in_the_report_folder()
    {
        var files = ReportWriter.Write(Report(), _directory);

        Assert.Equal(["report.md", "report.json", "report.html"], files.Select(Path.GetFileName));
        Assert.All(files, file => Assert.True(new FileInfo(file).Length > 500, file));
    }

    [Fact]
    public void The_markdown_report_holds_the_percentiles_throughput_errors_checks_and_memory_figure()
    {
        var markdown = MarkdownReport.Render(Report());

        Assert.Contains("12.34", markdown);
        Assert.Contains("3.21", markdown);
        Assert.Contains("4,321", markdown);
        Assert.Contains("what was wrong: invalid_client × 2", markdown);
        Assert.Contains("transport × 1", markdown);
        Assert.Contains("| p99 of slowest step (issue) | ≤ 5 ms | 3.21 ms | pass |", markdown);
        Assert.Contains("≈ 512 bytes per active token entry", markdown);
        Assert.Contains("| 20,000 | 110,240,000 |", markdown);
        Assert.Contains("accepted-after-revoke: held (0 calls)", markdown);
        Assert.Contains("**PASS**", markdown);
    }

    [Fact]
    public void The_json_report_holds_every_run_with_its_figures_and_the_verdict()
    {
        using var json = JsonDocument.Parse(JsonReport.Render(Report()));
        var root = json.RootElement;

        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(3, root.GetProperty("runs").GetArrayLength());
        var capacity = root.GetProperty("runs")[0];
        Assert.Equal(12.34, capacity.GetProperty("latency").GetProperty("p99Ms").GetDouble());
        Assert.Equal(4321, capacity.GetProperty("requestsPerSecond").GetDouble());
        Assert.Equal("capacity", capacity.GetProperty("purpose").GetString());
        Assert.Equal(33, capacity.GetProperty("series").GetArrayLength());
        Assert.Equal("invalid_client", capacity.GetProperty("errors")[0].GetProperty("error").GetString());
        Assert.Equal(512, root.GetProperty("memory").GetProperty("bytesPerActiveToken").GetDouble());
    }

    [Fact]
    public void The_html_report_holds_the_figures_and_an_svg_chart_per_measure_of_each_run()
    {
        var html = HtmlReport.Render(Report());

        Assert.Contains("12.34", html);
        Assert.Contains("4,321", html);
        Assert.Contains("invalid_client", html);
        Assert.Equal(3 * 2, Regex.Matches(html, "<svg ").Count);
        Assert.Contains("<polyline", html);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.EndsWith("</html>", html);
    }

    [Fact]
    public void The_html_report_references_nothing_outside_itself()
    {
        var html = HtmlReport.Render(Report());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Regex.Matches(html, @"\b(src|href|xlink:href|action)\s*=\s*""(?!#)", RegexOptions.IgnoreCase));
    }

    [Fact]
    public void A_failed_check_makes_every_report_say_fail()
    {
        var report = Report() with { Checks = [new ThresholdCheck("token, closed, 32 users", "error rate", "≤ 0", "0.1", false)] };

        Assert.Contains("**FAIL**", MarkdownReport.Render(report));
        Assert.Contains("<span class=\"fail\">FAIL</span>", HtmlReport.Render(report));
        Assert.Contains("\"passed\": false", JsonReport.Render(report));
    }

    [Fact]
    public void The_markdown_report_holds_both_issuance_rates_the_active_tokens_around_them_the_ratio_and_the_fill()
    {
        var markdown = MarkdownReport.Render(Report());

        Assert.Contains("## Issuance with 1,000,000 active tokens", markdown);
        Assert.Contains("| token with 10 active, closed, 32 users | 10 | 140,010 | 4,000 | 11.50 |", markdown);
        Assert.Contains("| token with 1,000,000 active, closed, 32 users | 1,000,000 | 1,133,000 | 3,800 | 12.25 |", markdown);
        Assert.Contains("**Ratio 0.95: tokens per second with 1,000,000 active over those with 10.**", markdown);
        Assert.Contains("The fill took 250 s (4,000 tokens/s): 1,000,000 issued, 0 refused.", markdown);
        Assert.Contains("RSS 300,000,000 bytes before it, 800,000,000 after, ≈ 500 bytes per active token.", markdown);
    }

    [Fact]
    public void The_html_report_holds_the_token_set_scale_section_with_links_to_its_runs()
    {
        var html = HtmlReport.Render(Report());

        Assert.Contains("<h2>Issuance with 1,000,000 active tokens</h2>", html);
        Assert.Contains("<a href=\"#run-token-with-1-000-000-active--closed--32-users\">", html);
        Assert.Contains("Ratio 0.95", html);
        Assert.Contains("≈ 500 bytes per active token.", html);
    }

    [Fact]
    public void The_json_report_holds_the_token_set_scale_figures()
    {
        using var json = JsonDocument.Parse(JsonReport.Render(Report()));
        var scale = json.RootElement.GetProperty("scale");

        Assert.Equal(0.95, scale.GetProperty("ratio").GetDouble(), 9);
        Assert.Equal(1_000_000, scale.GetProperty("large").GetProperty("activeBefore").GetInt64());
        Assert.Equal(3800, scale.GetProperty("large").GetProperty("tokensPerSecond").GetDouble());
        Assert.Equal(500, scale.GetProperty("bytesPerActiveToken").GetDouble());
    }

    [Fact]
    public void Reports_without_the_token_set_scale_step_leave_its_section_out()
    {
        var report = Report(withScale: false);

        Assert.DoesNotContain("Issuance with", MarkdownReport.Render(report));
        Assert.DoesNotContain("Issuance with", HtmlReport.Render(report));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(JsonReport.Render(report)).RootElement.GetProperty("scale").ValueKind);
    }

    [Fact]
    public void Reports_without_a_memory_measurement_leave_its_section_out()
    {
        var report = Report(withMemory: false, withScale: false);

        Assert.DoesNotContain("per active token", MarkdownReport.Render(report));
        Assert.DoesNotContain("per active token", HtmlReport.Render(report));
    }

    private static LoadReport FailoverReport()
    {
        var latency = new LatencySummary(1000, 1, 1, 1, 2, 3, 4, 5);
        var run = RunResults.With(scenario: "failover", hosts:
        [
            new HostResult("127.0.0.1:5090", 400, 31, 40, latency, [new ErrorCount("issue", "transport", "ConnectionError", 31)]),
            new HostResult("127.0.0.1:5091", 800, 12, 80, latency, [new ErrorCount("issue", "503", "temporarily_unavailable", 12)]),
        ]);
        var failover = FailoverResults.With();
        return Report(withMemory: false, withScale: false) with { Runs = [run], Failover = failover, Checks = failover.Checks };
    }

    [Fact]
    public void The_markdown_report_of_several_hosts_holds_each_hosts_figures_and_errors()
    {
        var markdown = MarkdownReport.Render(FailoverReport());

        Assert.Contains("| 127.0.0.1:5090 | 400 | 31 | 40 | 1.00 | 3.00 | 5.00 | transport × 31 |", markdown);
        Assert.Contains("| 127.0.0.1:5091 | 800 | 12 | 80 | 1.00 | 3.00 | 5.00 | 503 × 12 |", markdown);
    }

    [Fact]
    public void A_report_of_one_host_has_no_per_host_table()
    {
        Assert.DoesNotContain("By host", MarkdownReport.Render(Report()));
    }

    [Fact]
    public void The_markdown_report_of_a_fault_run_holds_the_kill_the_recovery_the_failures_the_token_checks_and_the_rejoin()
    {
        var markdown = MarkdownReport.Render(FailoverReport());

        Assert.Contains("127.0.0.1:5090 (pid 4242) killed with SIGKILL 10 s into the run; the load went on through 127.0.0.1:5091.", markdown);
        Assert.Contains("**Every application served through the survivors again 7.5 s after the kill.**", markdown);
        Assert.Contains("| after the kill | 127.0.0.1:5091 | issue | 503 with Retry-After | 12 |", markdown);
        Assert.Contains("Afterwards on 127.0.0.1:5091: 1,000 of 1,000 tokens accepted, 0 refused (lost), 0 unanswered; 100 of 100 revoked tokens refused, 0 accepted", markdown);
        Assert.Contains("Answers 500: 0; 503 without Retry-After: 0", markdown);
        Assert.Contains("127.0.0.1:5090 restarted: ready 4.2 s after the signal, every application served 5.1 s after it.", markdown);
        Assert.Contains("| tokens answered 200 then refused on 127.0.0.1:5091 (lost) | 0 | 0 | pass |", markdown);
        Assert.Contains("| 0 | 12 | 7.5 s |", markdown);
        Assert.Contains("**PASS**", markdown);
    }

    [Fact]
    public void The_json_and_html_reports_of_a_fault_run_hold_its_figures_and_a_chart_per_host()
    {
        var report = FailoverReport();
        using var json = JsonDocument.Parse(JsonReport.Render(report));
        var html = HtmlReport.Render(report);

        var failover = json.RootElement.GetProperty("failover");
        Assert.Equal(7.5, failover.GetProperty("recoverySeconds").GetDouble());
        Assert.Equal(0, failover.GetProperty("tokensLost").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("runs")[0].GetProperty("hosts").GetArrayLength());
        Assert.Contains("<h2>Failover</h2>", html);
        Assert.Contains("Throughput by host", html);
        Assert.Contains("503 with Retry-After", html);
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1, 1)]
    [InlineData(1.01, 2)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(4321, 5000)]
    public void Chart_axes_end_on_the_next_round_value(double value, double axis) =>
        Assert.Equal(axis, SvgChart.NiceCeiling(value), 9);
}
