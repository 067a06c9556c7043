using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Suite;

namespace TempoModular.LoadTests.Tests;

public sealed class FailoverFiguresTests
{
    private const int A = 0, B = 1;
    private const double Kill = 10;

    private static Outcome Answer(double at, int application, int host, int status, bool retryAfter = false, int step = FailoverScenario.Issue) =>
        new(at, step, application, host, status, retryAfter, Ok: step == FailoverScenario.CheckRevoked ? status == 401 : status == 200);

    [Fact]
    public void An_application_is_served_again_at_its_first_success_through_a_survivor_after_its_last_failure_there()
    {
        Outcome[] outcomes =
        [
            Answer(9, 0, B, 200),
            Answer(10.5, 0, B, 503, retryAfter: true),
            Answer(12, 0, B, 200),          // a success between failures is not yet recovery
            Answer(13, 0, B, 503, retryAfter: true),
            Answer(14.25, 0, B, 200),
            Answer(15, 0, B, 200),
            Answer(11, 1, B, 200),          // never failed through B
            Answer(10.1, 1, A, 0),          // in flight on A at the kill: A's failures do not count
        ];

        var (seconds, applications) = FailoverFigures.Recovery(outcomes, Kill, killedHost: A, applications: 2);

        Assert.Equal(4.25, seconds);
        Assert.Equal([new ApplicationRecovery(0, 2, 4.25), new ApplicationRecovery(1, 0, 0)], applications);
    }

    [Fact]
    public void The_cluster_has_not_recovered_while_one_application_fails_to_the_end_or_was_never_asked_after_the_kill()
    {
        Outcome[] outcomes = [Answer(11, 0, B, 200), Answer(12, 1, B, 503, retryAfter: true), Answer(5, 2, B, 200)];

        var (seconds, applications) = FailoverFigures.Recovery(outcomes, Kill, A, applications: 3);

        Assert.Null(seconds);
        Assert.Null(applications[1].ServedAgainSeconds);
        Assert.Null(applications[2].ServedAgainSeconds);
    }

    [Fact]
    public void Failed_answers_are_grouped_by_phase_host_step_and_status_with_503s_told_apart_by_retry_after()
    {
        Outcome[] outcomes =
        [
            Answer(10.1, 0, A, 0), Answer(10.2, 1, A, 0),
            Answer(11, 0, B, 503, retryAfter: true), Answer(11.5, 1, B, 503, retryAfter: true), Answer(12, 1, B, 503),
            Answer(12, 1, B, 500, step: FailoverScenario.Revoke),
            Answer(3, 0, B, 400),
            Answer(13, 1, B, 401, step: FailoverScenario.CheckRevoked),
        ];

        var failures = FailoverFigures.Failures(outcomes, Kill, ["a:1", "b:2"], ["issue", "revoke", "check-revoked"]);

        Assert.Equal(
        [
            new FailoverFailure(FailoverResult.BeforeKill, "b:2", "issue", "400", 1),
            new FailoverFailure(FailoverResult.AfterKill, "a:1", "issue", "no answer", 2),
            new FailoverFailure(FailoverResult.AfterKill, "b:2", "issue", "503 with Retry-After", 2),
            new FailoverFailure(FailoverResult.AfterKill, "b:2", "issue", "503 without Retry-After", 1),
            new FailoverFailure(FailoverResult.AfterKill, "b:2", "revoke", "500", 1),
        ], failures);
        Assert.Equal(1, FailoverFigures.WrongRefusals(outcomes));
    }

    [Fact]
    public void A_clean_fault_run_passes_every_check()
    {
        Assert.All(FailoverResults.With().Checks, check => Assert.True(check.Passed, check.Threshold));
    }

    [Theory]
    [InlineData("lost")]
    [InlineData("unanswered")]
    [InlineData("accepted-after-revoke")]
    [InlineData("500")]
    [InlineData("503-without-retry-after")]
    [InlineData("not-recovered")]
    [InlineData("not-rejoined")]
    public void Any_broken_promise_fails_the_fault_run(string broken)
    {
        var clean = FailoverResults.With();
        var result = broken switch
        {
            "lost" => clean with { IssuedAfterwards = clean.IssuedAfterwards with { Accepted = 999, Refused = 1 } },
            "unanswered" => clean with { IssuedAfterwards = clean.IssuedAfterwards with { Accepted = 999, Unanswered = new Dictionary<string, long> { ["503"] = 1 } } },
            "accepted-after-revoke" => clean with { RevokedAfterwards = clean.RevokedAfterwards with { Accepted = 1, Refused = 99 } },
            "500" => clean with { Answered500 = 3 },
            "503-without-retry-after" => clean with { Answered503WithoutRetryAfter = 1 },
            "not-recovered" => clean with { RecoverySeconds = null },
            "not-rejoined" => clean with { Rejoin = clean.Rejoin! with { ServedSeconds = null, Issued = null, Revoked = null } },
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        };

        Assert.Single(result.Checks, check => !check.Passed);
    }
}

/// <summary>Fault-run results with chosen figures, for judging and reporting them.</summary>
internal static class FailoverResults
{
    public static FailoverResult With() => new(
        KilledHost: "127.0.0.1:5090",
        KilledPid: 4242,
        KilledAtSeconds: 10.002,
        Survivors: ["127.0.0.1:5091"],
        RecoverySeconds: 7.5,
        Applications: [new ApplicationRecovery(0, 12, 7.5), new ApplicationRecovery(1, 0, 0)],
        Failures:
        [
            new FailoverFailure(FailoverResult.AfterKill, "127.0.0.1:5090", "issue", "no answer", 31),
            new FailoverFailure(FailoverResult.AfterKill, "127.0.0.1:5091", "issue", "503 with Retry-After", 12),
        ],
        TokensIssuedByHost: new Dictionary<string, long> { ["127.0.0.1:5090"] = 400, ["127.0.0.1:5091"] = 700 },
        RevokedDuringRun: 100,
        UncertainRevocations: 0,
        AcceptedAfterRevokeDuringRun: 0,
        Answered500: 0,
        Answered503WithoutRetryAfter: 0,
        WrongRefusals: 0,
        IssuedAfterwards: new TokenCheck("127.0.0.1:5091", 1000, 1000, 0, new Dictionary<string, long>()),
        RevokedAfterwards: new TokenCheck("127.0.0.1:5091", 100, 0, 100, new Dictionary<string, long>()),
        Rejoin: new FailoverRejoin("127.0.0.1:5090", 4.2, 5.1,
            new TokenCheck("127.0.0.1:5090", 1000, 1000, 0, new Dictionary<string, long>()),
            new TokenCheck("127.0.0.1:5090", 100, 0, 100, new Dictionary<string, long>())));
}
