using System.Diagnostics;
using System.Globalization;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Suite;

/// <summary>One issuance run into one application, with the application's active tokens before and after it.</summary>
internal sealed record TokenSetRun(string Run, long ActiveBefore, long ActiveAfter, double TokensPerSecond, double P99Ms)
{
    public static TokenSetRun Of(RunResult run, long activeBefore, long activeAfter) =>
        new(run.Label, activeBefore, activeAfter, run.IterationsPerSecond, run.Latency.P99Ms);
}

/// <summary>
/// Whether issuance slows as an application's token set grows: the token
/// capacity run's load into an application holding <see cref="SmallSet"/>
/// active tokens, then into one first filled with <see cref="Tokens"/> through
/// the token endpoint. The performance requirement: with a million, at least
/// 90 % of the rate with ten.
/// </summary>
internal sealed record TokenSetScale(
    int Tokens,
    TokenSetRun Small,
    TokenSetRun Large,
    long FillIssued,
    long FillRefused,
    double FillSeconds,
    int? HostPid = null,
    long? RssBeforeFill = null,
    long? RssAfterFill = null)
{
    public const int SmallSet = 10;

    /// <summary>The large application's issuance rate over the small one's.</summary>
    public double Ratio => Small.TokensPerSecond > 0 ? Large.TokensPerSecond / Small.TokensPerSecond : 0;

    /// <summary>
    /// The large run means nothing unless the set was full when it started:
    /// tokens refused during the fill, or expired before the run, would shrink it.
    /// A hundredth is allowed for stray failures.
    /// </summary>
    public long MinimumLargeSet => (long)Math.Ceiling(Tokens * 0.99);

    /// <summary>
    /// The host's RSS growth over the fill per token it issued: over a million
    /// tokens the GC's steps are small against the slope, unlike over fifty thousand.
    /// </summary>
    public double? BytesPerActiveToken => RssBeforeFill is { } before && RssAfterFill is { } after && FillIssued > 0
        ? (double)(after - before) / FillIssued
        : null;

    public static async Task<(TokenSetScale Scale, RunResult Small, RunResult Large)> MeasureAsync(
        ScenarioSetup setup,
        ScenarioRunner runner,
        HttpClient http,
        int tokens,
        SuiteSettings settings,
        int? hostPid,
        TextWriter console,
        CancellationToken cancellationToken)
    {
        console.WriteLine($"== token set scale: issuance into an application with {SmallSet} active tokens, then into one with {tokens:N0}");

        async Task<(RunResult Run, TokenSetRun Figures)> MeasureIssuanceAsync(RegisteredApplication application, int activeTokens)
        {
            var before = await setup.CountActiveTokensAsync(application, cancellationToken);
            var plan = settings.Plan(string.Create(CultureInfo.InvariantCulture, $"token with {activeTokens:N0} active"), LoadModel.Closed, settings.Concurrency, RunPurpose.Capacity);
            var run = await runner.RunAsync(new TokenScenario(application), plan, setup, cancellationToken);
            return (run, TokenSetRun.Of(run, before, await setup.CountActiveTokensAsync(application, cancellationToken)));
        }

        async Task<long?> ReadRssAsync()
        {
            if (hostPid is not { } pid)
            {
                return null;
            }

            // As for the memory measurement: a moment for the host to settle.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return ActiveTokenMemory.ResidentBytes(pid);
        }

        var small = await setup.RegisterApplicationAsync("scale-small", ["client_credentials"], cancellationToken);
        await new TokenFill(http, setup, small).IssueAsync(SmallSet, 1, cancellationToken);
        var (smallRun, smallFigures) = await MeasureIssuanceAsync(small, SmallSet);

        var large = await setup.RegisterApplicationAsync("scale-large", ["client_credentials"], cancellationToken);
        var rssBefore = await ReadRssAsync();
        console.WriteLine($"   filling with {tokens:N0} tokens, {settings.Concurrency} requests at a time");
        var fill = new TokenFill(http, setup, large);
        var elapsed = Stopwatch.StartNew();
        var filling = fill.IssueAsync(tokens, settings.Concurrency, cancellationToken);
        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(1)))
        {
            var (lastDone, lastSeconds) = (0L, 0.0);
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            while (await Task.WhenAny(filling, tick) == tick)
            {
                await tick;
                var (done, seconds) = (fill.Issued + fill.Refused, elapsed.Elapsed.TotalSeconds);
                var rss = hostPid is { } pid ? ActiveTokenMemory.ResidentBytes(pid) : (long?)null;
                console.WriteLine(FillProgressLine(done, tokens, (done - lastDone) / (seconds - lastSeconds), seconds, fill.Refused, rss));
                (lastDone, lastSeconds) = (done, seconds);
                tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            }
        }

        await filling;
        var fillSeconds = elapsed.Elapsed.TotalSeconds;
        console.WriteLine(FillProgressLine(fill.Issued + fill.Refused, tokens, (fill.Issued + fill.Refused) / fillSeconds, fillSeconds, fill.Refused, null));
        var rssAfter = await ReadRssAsync();
        var (largeRun, largeFigures) = await MeasureIssuanceAsync(large, tokens);

        var scale = new TokenSetScale(tokens, smallFigures, largeFigures, fill.Issued, fill.Refused, fillSeconds, hostPid, rssBefore, rssAfter);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   {smallFigures.TokensPerSecond:N0} tokens/s with {smallFigures.ActiveBefore:N0} active, {largeFigures.TokensPerSecond:N0} with {largeFigures.ActiveBefore:N0}: ratio {scale.Ratio:0.###}")
            + (scale.BytesPerActiveToken is { } bytes ? string.Create(CultureInfo.InvariantCulture, $"; ≈ {bytes:N0} bytes of RSS per active token") : ""));
        return (scale, smallRun, largeRun);
    }

    /// <summary>Requests answered so far of those to send, the recent rate, the time left at the mean rate, refusals and the host's RSS.</summary>
    internal static string FillProgressLine(long done, long total, double perSecond, double elapsedSeconds, long refused, long? rssBytes)
    {
        var left = done > 0 && done < total ? TimeSpan.FromSeconds((total - done) * elapsedSeconds / done) : TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture,
            $"{elapsedSeconds,6:0.0}s fill {done,11:N0} / {total:N0} ({100.0 * done / Math.Max(1, total),3:0} %)  {perSecond,7:N0}/s  ETA {(int)left.TotalMinutes}m {left.Seconds:00}s  refused {refused:N0}")
            + (rssBytes is { } rss ? string.Create(CultureInfo.InvariantCulture, $"  RSS {rss / 1048576.0:0.0} MiB") : "");
    }
}
