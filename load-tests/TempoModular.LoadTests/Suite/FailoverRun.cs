using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using TempoModular.LoadTests.Cli;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Suite;

/// <summary>
/// The fault run: tokens at full speed through every host, the first host
/// killed with SIGKILL mid-run (no shutdown, no goodbye to the cluster), the
/// load going on through the others. Then every token answered 200 is
/// presented to a survivor (none may be refused: nothing lost) and every
/// revoked one too (none may be accepted); and, when the script restarts the
/// killed host, it must serve every application again.
/// </summary>
internal static class FailoverRun
{
    /// <summary>How often a token is presented again when the answer is neither 200 nor 401 (a 503 while the cluster settles).</summary>
    private const int CheckAttempts = 10;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<(FailoverResult Failover, RunResult Run)> RunAsync(LoadSession session, RunPlan plan, FailoverSettings settings, CancellationToken cancellationToken)
    {
        var console = session.Console;
        var targets = session.Targets;
        var killed = targets.Targets[0];
        var survivors = targets.Targets.Skip(1).ToList();
        var labels = targets.Targets.Select(t => t.Label).ToList();
        // Every answer counts, from the first: there is no warm-up to leave out.
        plan = plan with { Warmup = TimeSpan.Zero };
        // Before the end: the command line holds --kill-after below --duration.
        var killAt = plan.Ramp + settings.KillAfter;

        await using var setup = session.NewSetup();
        var scenario = new FailoverScenario(settings.Applications, settings.RevokeEvery);
        var killedAt = 0.0;
        var run = await new ScenarioRunner(session.Load, targets, console).RunAsync(scenario, plan, setup, cancellationToken, async clock =>
        {
            await clock.WaitUntilAsync(killAt, cancellationToken);
            Kill(settings.KillPid);
            killedAt = clock.Elapsed.TotalSeconds;
            targets.TakeOut(killed);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {killedAt:0.000}s killed {killed.Label} (pid {settings.KillPid}) with SIGKILL; the load goes on through {string.Join(", ", survivors.Select(s => s.Label))}"));
        });

        var outcomes = scenario.Outcomes.ToList();
        var (recovery, applications) = FailoverFigures.Recovery(outcomes, killedAt, killed.Index, settings.Applications);
        console.WriteLine(recovery is { } seconds
            ? string.Create(CultureInfo.InvariantCulture, $"   every application served through the survivors again {seconds:0.0} s after the kill")
            : "   NOT every application was served through the survivors again before the run ended");

        var verifier = survivors[0];
        var issued = scenario.Issued.ToList();
        var revoked = scenario.Revoked.ToList();
        console.WriteLine($"== checking on {verifier.Label}: {issued.Count:N0} tokens answered 200 (must be accepted), {revoked.Count:N0} revoked (must be refused)");
        var issuedAfterwards = await CheckTokensAsync(session.Load, verifier, issued, plan.Concurrency, cancellationToken);
        var revokedAfterwards = await CheckTokensAsync(session.Load, verifier, revoked, plan.Concurrency, cancellationToken);
        console.WriteLine($"   issued: {issuedAfterwards.Accepted:N0} accepted, {issuedAfterwards.Refused:N0} refused (lost), {issuedAfterwards.UnansweredCount:N0} unanswered; " +
                          $"revoked: {revokedAfterwards.Refused:N0} refused, {revokedAfterwards.Accepted:N0} accepted, {revokedAfterwards.UnansweredCount:N0} unanswered");

        var rejoin = settings.RestartSignal is { } signal
            ? await RejoinAsync(session.Load, killed, scenario, issued, revoked, signal, settings.RejoinTimeout, plan.Concurrency, console, cancellationToken)
            : null;
        if (rejoin is null)
        {
            console.WriteLine("   no --restart-signal: the killed host's rejoin is not checked");
        }

        var result = new FailoverResult(
            killed.Label,
            settings.KillPid,
            killedAt,
            [.. survivors.Select(s => s.Label)],
            recovery,
            applications,
            FailoverFigures.Failures(outcomes, killedAt, labels, scenario.Steps),
            issued.Concat(revoked).Concat(scenario.Uncertain).GroupBy(t => labels[t.Host]).ToDictionary(g => g.Key, g => g.LongCount()),
            revoked.Count,
            scenario.Uncertain.LongCount(),
            run.Violations.GetValueOrDefault(Invariants.AcceptedAfterRevoke),
            outcomes.LongCount(o => o.Status == 500),
            outcomes.LongCount(o => o.Status == 503 && !o.RetryAfter),
            FailoverFigures.WrongRefusals(outcomes),
            issuedAfterwards,
            revokedAfterwards,
            rejoin);
        return (result, run);
    }

    /// <summary>
    /// Presents each token to <paramref name="host"/> (<c>GET /4/worklogs</c>):
    /// 200 accepted, 401 refused; anything else is asked again, after the
    /// Retry-After the host gave (at most 5 s), up to <see cref="CheckAttempts"/> times.
    /// </summary>
    internal static async Task<TokenCheck> CheckTokensAsync(HttpClient http, TargetEndpoints host, IReadOnlyList<IssuedToken> tokens, int concurrency, CancellationToken cancellationToken)
    {
        long accepted = 0, refused = 0;
        var unanswered = new Dictionary<string, long>();
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (token, ct) =>
        {
            var status = await PresentAsync(http, host, token.Token, ct);
            switch (status)
            {
                case "200":
                    Interlocked.Increment(ref accepted);
                    break;
                case "401":
                    Interlocked.Increment(ref refused);
                    break;
                default:
                    lock (unanswered)
                    {
                        unanswered[status] = unanswered.GetValueOrDefault(status) + 1;
                    }

                    break;
            }
        });

        return new TokenCheck(host.Label, tokens.Count, accepted, refused, unanswered);
    }

    private static async Task<string> PresentAsync(HttpClient http, TargetEndpoints host, string token, CancellationToken cancellationToken)
    {
        var status = "no answer";
        for (var attempt = 0; attempt < CheckAttempts; attempt++)
        {
            var wait = TimeSpan.FromSeconds(1);
            try
            {
                using var response = await http.SendAsync(TokenRequests.Api(host.Worklogs, "Bearer " + token), cancellationToken);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                }

                status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                if (response.Headers.RetryAfter?.Delta is { } delta)
                {
                    wait = delta < TimeSpan.FromSeconds(5) ? delta : TimeSpan.FromSeconds(5);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                status = exception is HttpRequestException ? "no answer" : "timeout";
            }

            await Task.Delay(wait, cancellationToken);
        }

        return status;
    }

    /// <summary>
    /// Asks the script to start the killed host again (creates the signal file),
    /// waits until it is ready and until it issues a token for every
    /// application, then presents a sample of the run's tokens to it.
    /// </summary>
    private static async Task<FailoverRejoin> RejoinAsync(
        HttpClient http,
        TargetEndpoints host,
        FailoverScenario scenario,
        IReadOnlyList<IssuedToken> issued,
        IReadOnlyList<IssuedToken> revoked,
        string signal,
        TimeSpan timeout,
        int concurrency,
        TextWriter console,
        CancellationToken cancellationToken)
    {
        console.WriteLine($"== restarting {host.Label}: signal {signal}, waiting up to {timeout.TotalSeconds:0} s for it to serve every application");
        await File.WriteAllTextAsync(signal, host.Base.AbsoluteUri, cancellationToken);
        var elapsed = Stopwatch.StartNew();

        double? ready = null;
        while (ready is null && elapsed.Elapsed < timeout)
        {
            if (await AnswersAsync(http, () => new HttpRequestMessage(HttpMethod.Get, host.Ready), cancellationToken) == HttpStatusCode.OK)
            {
                ready = elapsed.Elapsed.TotalSeconds;
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        double? served = null;
        if (ready is not null)
        {
            var pending = new HashSet<int>(Enumerable.Range(0, scenario.Applications.Count));
            while (pending.Count > 0 && elapsed.Elapsed < timeout)
            {
                foreach (var application in pending.ToList())
                {
                    var request = TokenRequests.ClientCredentials(scenario.Applications[application]);
                    if (await AnswersAsync(http, () => request.Post(host.Token), cancellationToken) == HttpStatusCode.OK)
                    {
                        pending.Remove(application);
                    }
                }

                if (pending.Count > 0)
                {
                    await Task.Delay(PollInterval, cancellationToken);
                }
            }

            served = pending.Count == 0 ? elapsed.Elapsed.TotalSeconds : null;
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   {host.Label}: ready {(ready is { } r ? $"after {r:0.0} s" : "never")}, every application served {(served is { } s ? $"after {s:0.0} s" : "never")} (from the signal)"));
        if (served is null)
        {
            return new FailoverRejoin(host.Label, ready, null, null, null);
        }

        // A sample: the survivor has already been asked about every token.
        const int Sample = 2000;
        var issuedCheck = await CheckTokensAsync(http, host, [.. issued.Take(Sample)], concurrency, cancellationToken);
        var revokedCheck = await CheckTokensAsync(http, host, [.. revoked.Take(Sample)], concurrency, cancellationToken);
        console.WriteLine($"   on {host.Label}: {issuedCheck.Accepted:N0} of {issuedCheck.Checked:N0} issued tokens accepted, {revokedCheck.Refused:N0} of {revokedCheck.Checked:N0} revoked refused");
        return new FailoverRejoin(host.Label, ready, served, issuedCheck, revokedCheck);
    }

    private static async Task<HttpStatusCode?> AnswersAsync(HttpClient http, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        try
        {
            using var message = request();
            using var response = await http.SendAsync(message, cancellationToken);
            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>SIGKILL: the process gets no chance to leave the cluster, flush or answer what it holds.</summary>
    private static void Kill(int pid)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new SetupException("The failover run kills a host with SIGKILL, which needs Linux or macOS.");
        }

        if (SendSignal(pid, SigKill) != 0)
        {
            throw new SetupException($"Cannot kill process {pid} (errno {Marshal.GetLastPInvokeError()}): is --kill-pid the first host's process?");
        }
    }

    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
