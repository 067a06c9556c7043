using System.Diagnostics;
using System.Runtime.InteropServices;
using TempoModular.LoadTests.Cli;
using TempoModular.LoadTests.Reports;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;
using TempoModular.LoadTests.Suite;

CliOptions? options;
try
{
    options = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (UsageException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (options is null)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var startedAt = DateTimeOffset.Now;
var elapsed = Stopwatch.StartNew();
var targets = new TargetRotation([.. options.Urls.Select((url, i) => new TargetEndpoints(url, i))]);
using var load = LoadSession.CreateLoadClient(options.Concurrency);
// Deleting an application revokes every token it holds: allow it time.
using var adminHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(5) };
var admin = new AdminApi(adminHttp, targets.Targets[0], options.AdminUser, options.AdminPassword);
var session = new LoadSession(targets, load, admin, options.SignIn, Console.Out);

try
{
    await session.WaitUntilReadyAsync(cancellation.Token);
    var memory = options.HostPid is { } hostPid && options.MemoryTokens > 0
        ? await session.MeasureActiveTokenMemoryAsync(hostPid, options.MemoryTokens, options.Concurrency, cancellation.Token)
        : null;
    FailoverResult? failover = null;
    List<RunResult> runs = [];
    if (options.Failover is { } failoverSettings)
    {
        (failover, var run) = await FailoverRun.RunAsync(session, options.SinglePlan, failoverSettings, cancellation.Token);
        runs.Add(run);
    }
    else if (options.Suite is not null)
    {
        runs.AddRange(await StandardSuite.RunAsync(session, options.SuiteSettings, cancellation.Token));
    }
    else if (options.Scenario is not null)
    {
        runs.Add(await session.RunAsync(options.SinglePlan, cancellation.Token));
    }

    TokenSetScale? scale = null;
    if (options.ScaleTokens > 0)
    {
        (scale, var small, var large) = await session.MeasureTokenSetScaleAsync(options.ScaleTokens, options.SuiteSettings, options.HostPid, cancellation.Token);
        runs.AddRange([small, large]);
    }

    var report = new LoadReport(
        failover is not null ? "Fault run: a host killed mid-run"
            : options.Suite is not null ? $"Load report: {options.Suite} suite"
            : options.Scenario is not null ? $"Load report: {options.Scenario}"
            : "Load report: token set scale",
        startedAt,
        elapsed.Elapsed.TotalSeconds,
        string.Join(", ", targets.Targets.Select(t => t.Base.AbsoluteUri)),
        $"{Environment.ProcessorCount} logical cores available, {RuntimeInformation.OSDescription}, .NET {Environment.Version}",
        runs,
        [.. runs.SelectMany(options.Thresholds.Evaluate), .. scale is null ? [] : options.Thresholds.Evaluate(scale), .. failover?.Checks ?? []],
        memory,
        scale,
        failover);
    var directory = options.ReportDirectory ?? ReportWriter.DefaultDirectory(startedAt);
    ReportWriter.Write(report, directory);

    foreach (var check in report.Checks.Where(c => !c.Passed))
    {
        Console.WriteLine($"MISSED  {check.Run}: {check.Threshold} {check.Actual}, limit {check.Limit}");
    }

    Console.WriteLine($"{(report.Passed ? "PASS" : "FAIL")}: report in {Path.GetFullPath(directory)}");
    return report.Passed ? 0 : 1;
}
catch (SetupException exception)
{
    Console.Error.WriteLine($"Setup failed: {exception.Message}");
    return 3;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled; no report written.");
    return 130;
}
