using System.Globalization;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Thresholds;

namespace TempoModular.LoadTests.Suite;

/// <summary>Failed answers of the fault run with one phase, host, step and status.</summary>
internal sealed record FailoverFailure(string Phase, string Host, string Step, string Status, long Count);

/// <summary>
/// Tokens presented to one host after the load: <see cref="Accepted"/> and
/// <see cref="Refused"/> (200 and 401 to <c>GET /4/worklogs</c>), and those
/// that got neither however often they were retried, by their last status.
/// </summary>
internal sealed record TokenCheck(string Host, long Checked, long Accepted, long Refused, IReadOnlyDictionary<string, long> Unanswered)
{
    public long UnansweredCount => Unanswered.Values.Sum();
}

/// <summary>When one application was served through the surviving hosts again, in seconds after the kill (null: never).</summary>
internal sealed record ApplicationRecovery(int Application, long FailuresAfterKill, double? ServedAgainSeconds);

/// <summary>The killed host, started again: when it was ready, when it served every application, and what it said of the run's tokens.</summary>
internal sealed record FailoverRejoin(string Host, double? ReadySeconds, double? ServedSeconds, TokenCheck? Issued, TokenCheck? Revoked);

/// <summary>
/// What the fault run found: the kill, how long until every application was
/// served again through the survivors, the failed answers by phase and status,
/// whether any token answered 200 was lost or any revoked one accepted, and
/// whether the killed host rejoined.
/// </summary>
internal sealed record FailoverResult(
    string KilledHost,
    int KilledPid,
    double KilledAtSeconds,
    IReadOnlyList<string> Survivors,
    double? RecoverySeconds,
    IReadOnlyList<ApplicationRecovery> Applications,
    IReadOnlyList<FailoverFailure> Failures,
    IReadOnlyDictionary<string, long> TokensIssuedByHost,
    long RevokedDuringRun,
    long UncertainRevocations,
    long AcceptedAfterRevokeDuringRun,
    long Answered500,
    long Answered503WithoutRetryAfter,
    long WrongRefusals,
    TokenCheck IssuedAfterwards,
    TokenCheck RevokedAfterwards,
    FailoverRejoin? Rejoin)
{
    public const string BeforeKill = "before the kill";
    public const string AfterKill = "after the kill";

    public long TokensLost => IssuedAfterwards.Refused;

    public long AcceptedAfterRevoke => AcceptedAfterRevokeDuringRun + RevokedAfterwards.Accepted + (Rejoin?.Revoked?.Accepted ?? 0);

    /// <summary>Broken promises fail the run whatever the thresholds: lost tokens, accepted revoked ones, 500s, no recovery, no rejoin.</summary>
    public IReadOnlyList<ThresholdCheck> Checks
    {
        get
        {
            const string run = "failover";
            var checks = new List<ThresholdCheck>
            {
                Zero(run, $"tokens answered 200 then refused on {IssuedAfterwards.Host} (lost)", TokensLost),
                Zero(run, $"tokens answered 200 that {IssuedAfterwards.Host} could not be asked about", IssuedAfterwards.UnansweredCount),
                Zero(run, "calls accepted after a revocation", AcceptedAfterRevoke),
                Zero(run, "answers 500", Answered500),
                Zero(run, "answers 503 without Retry-After", Answered503WithoutRetryAfter),
                Zero(run, "valid requests refused with a 4xx (wrong answers)", WrongRefusals),
                new(run, "seconds until the survivors serve every application", "recovered", RecoverySeconds is { } s ? Seconds(s) : "never", RecoverySeconds is not null),
            };
            if (Rejoin is { } rejoin)
            {
                checks.Add(new(run, $"{rejoin.Host} restarted serves every application", "served", rejoin.ServedSeconds is { } served ? Seconds(served) : "never", rejoin.ServedSeconds is not null));
                if (rejoin.Issued is { } issued)
                {
                    checks.Add(Zero(run, $"tokens refused on {rejoin.Host} after it rejoined", issued.Refused + issued.UnansweredCount));
                }
            }

            return checks;
        }
    }

    private static ThresholdCheck Zero(string run, string what, long count) =>
        new(run, what, "0", count.ToString("#,0", CultureInfo.InvariantCulture), count == 0);

    private static string Seconds(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}

/// <summary>The fault run's figures, computed from its recorded answers.</summary>
internal static class FailoverFigures
{
    /// <summary>
    /// For each application, when it was served through the survivors again:
    /// the first answer that succeeded after its last failed one (after the
    /// kill), in seconds after the kill; 0 when it never failed there, null
    /// when it failed and nothing succeeded after. The cluster has recovered
    /// when the last application has: their maximum.
    /// </summary>
    public static (double? Seconds, IReadOnlyList<ApplicationRecovery> Applications) Recovery(
        IReadOnlyList<Outcome> outcomes, double killedAt, int killedHost, int applications)
    {
        var after = outcomes.Where(o => o.At >= killedAt && o.Host != killedHost).ToLookup(o => o.Application);
        var recoveries = new List<ApplicationRecovery>(applications);
        for (var application = 0; application < applications; application++)
        {
            var answers = after[application].ToList();
            var failures = answers.Where(o => !o.Ok).ToList();
            if (failures.Count == 0)
            {
                recoveries.Add(new ApplicationRecovery(application, 0, answers.Count > 0 ? 0 : null));
                continue;
            }

            var lastFailure = failures.Max(o => o.At);
            var servedAgain = answers.Where(o => o.Ok && o.At > lastFailure).Select(o => (double?)o.At).Min();
            recoveries.Add(new ApplicationRecovery(application, failures.Count, servedAgain - killedAt));
        }

        return (recoveries.All(r => r.ServedAgainSeconds is not null) ? recoveries.Max(r => r.ServedAgainSeconds) : null, recoveries);
    }

    /// <summary>Failed answers by phase (before or after the kill), host, step and status.</summary>
    public static IReadOnlyList<FailoverFailure> Failures(IReadOnlyList<Outcome> outcomes, double killedAt, IReadOnlyList<string> hosts, IReadOnlyList<string> steps) =>
        [.. outcomes.Where(o => !o.Ok)
            .GroupBy(o => (Phase: o.At < killedAt ? FailoverResult.BeforeKill : FailoverResult.AfterKill, Host: hosts[o.Host], Step: steps[o.Step], Status: StatusOf(o)))
            .Select(g => new FailoverFailure(g.Key.Phase, g.Key.Host, g.Key.Step, g.Key.Status, g.LongCount()))
            .OrderBy(f => f.Phase == FailoverResult.AfterKill).ThenBy(f => f.Host, StringComparer.Ordinal).ThenByDescending(f => f.Count)];

    /// <summary>
    /// Valid requests refused with a 4xx: a token request of a registered
    /// application or a revocation by the token's own application. A 4xx there
    /// is a wrong answer, not a retryable one. (The check of a revoked token
    /// expects its 401.)
    /// </summary>
    public static long WrongRefusals(IReadOnlyList<Outcome> outcomes) =>
        outcomes.LongCount(o => o.Step != FailoverScenario.CheckRevoked && o.Status is >= 400 and < 500);

    public static string StatusOf(Outcome outcome) => outcome.Status switch
    {
        0 => "no answer",
        503 when !outcome.RetryAfter => "503 without Retry-After",
        503 => "503 with Retry-After",
        var status => status.ToString(CultureInfo.InvariantCulture),
    };
}
