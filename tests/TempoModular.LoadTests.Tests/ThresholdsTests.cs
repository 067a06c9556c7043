using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using ThresholdSet = TempoModular.LoadTests.Thresholds.Thresholds;

namespace TempoModular.LoadTests.Tests;

public sealed class ThresholdsTests
{
    [Theory]
    [InlineData(4.9, true)]
    [InlineData(5.0, true)]
    [InlineData(5.1, false)]
    public void The_p99_threshold_passes_only_when_the_slowest_steps_p99_is_within_it(double p99, bool passes)
    {
        var check = Assert.Single(new ThresholdSet(MaxP99Ms: 5).Evaluate(RunResults.With(p99Ms: p99)));

        Assert.Equal(passes, check.Passed);
    }

    [Theory]
    [InlineData(0.0005, true)]
    [InlineData(0.001, true)]
    [InlineData(0.0011, false)]
    public void The_error_rate_threshold_passes_only_at_or_below_the_limit(double errorRate, bool passes)
    {
        var check = Assert.Single(new ThresholdSet(MaxErrorRate: 0.001).Evaluate(RunResults.With(errorRate: errorRate)));

        Assert.Equal(passes, check.Passed);
    }

    [Theory]
    [InlineData(10_500, true)]
    [InlineData(10_000, true)]
    [InlineData(9_999, false)]
    public void The_throughput_threshold_passes_only_at_or_above_the_minimum(double rps, bool passes)
    {
        var check = Assert.Single(new ThresholdSet(MinRps: 10_000).Evaluate(RunResults.With(requestsPerSecond: rps)));

        Assert.Equal(passes, check.Passed);
    }

    [Fact]
    public void A_capacity_run_is_judged_on_throughput_and_errors_but_not_on_latency()
    {
        var checks = new ThresholdSet(MaxP99Ms: 1, MaxErrorRate: 0.01, MinRps: 10).Evaluate(RunResults.With(p99Ms: 50, purpose: RunPurpose.Capacity));

        Assert.Equal(["error rate", "requests per second"], checks.Select(c => c.Threshold));
        Assert.All(checks, c => Assert.True(c.Passed));
    }

    [Fact]
    public void A_latency_run_is_judged_on_latency_and_errors_but_not_on_throughput()
    {
        var checks = new ThresholdSet(MaxP99Ms: 5, MaxErrorRate: 0.01, MinRps: 1_000_000).Evaluate(RunResults.With(purpose: RunPurpose.Latency, model: LoadModel.Open));

        Assert.Equal(["error rate", "p99 of slowest step (issue)"], checks.Select(c => c.Threshold));
    }

    [Fact]
    public void A_behaviour_run_is_judged_on_errors_only()
    {
        var checks = new ThresholdSet(MaxP99Ms: 0.001, MaxErrorRate: 0.5, MinRps: 1_000_000).Evaluate(RunResults.With(purpose: RunPurpose.Behaviour));

        Assert.Equal("error rate", Assert.Single(checks).Threshold);
    }

    [Fact]
    public void A_run_that_completed_nothing_fails_the_latency_threshold()
    {
        var run = RunResults.With(requests: 0) with { Steps = [] };

        Assert.False(Assert.Single(new ThresholdSet(MaxP99Ms: 5).Evaluate(run)).Passed);
    }

    [Fact]
    public void Any_call_accepted_after_revoke_fails_the_run_even_without_thresholds()
    {
        var run = RunResults.With(scenario: "revoke", violations: new Dictionary<string, long> { [Invariants.AcceptedAfterRevoke] = 1 });

        var check = Assert.Single(new ThresholdSet().Evaluate(run));

        Assert.False(check.Passed);
        Assert.Contains(Invariants.AcceptedAfterRevoke, check.Threshold);
    }

    [Fact]
    public void A_revoke_run_without_accepted_calls_passes_its_invariant()
    {
        var run = RunResults.With(scenario: "revoke", purpose: RunPurpose.Behaviour, violations: new Dictionary<string, long> { [Invariants.AcceptedAfterRevoke] = 0 });

        Assert.True(Assert.Single(new ThresholdSet(MinRps: 1e9).Evaluate(run)).Passed);
    }

    [Theory]
    [InlineData(3600, true)]
    [InlineData(3600.5, true)]
    [InlineData(3599, false)]
    public void The_scale_ratio_passes_only_when_the_large_set_keeps_the_share_of_the_small_sets_rate(double largeRate, bool passes)
    {
        var scale = TokenSetScales.With(smallRate: 4000, largeRate: largeRate);

        var ratio = new ThresholdSet(MinScaleRatio: 0.9).Evaluate(scale).Single(c => c.Threshold.StartsWith("issuance rate", StringComparison.Ordinal));

        Assert.Equal(passes, ratio.Passed);
        Assert.Equal("≥ 0.9", ratio.Limit);
        Assert.Equal(scale.Large.Run, ratio.Run);
    }

    [Fact]
    public void A_small_set_that_issued_nothing_fails_the_scale_ratio()
    {
        var scale = TokenSetScales.With(smallRate: 0, largeRate: 100);

        Assert.Equal(0, scale.Ratio);
        Assert.Contains(new ThresholdSet(MinScaleRatio: 0.9).Evaluate(scale), c => !c.Passed);
    }

    [Theory]
    [InlineData(1_000_000, true)]
    [InlineData(990_000, true)]
    [InlineData(989_999, false)]
    public void The_large_set_must_hold_almost_every_token_asked_for_when_its_run_starts_whatever_the_thresholds(long active, bool passes)
    {
        var check = Assert.Single(new ThresholdSet().Evaluate(TokenSetScales.With(largeActiveBefore: active)));

        Assert.Equal("active tokens at its start", check.Threshold);
        Assert.Equal("≥ 990,000", check.Limit);
        Assert.Equal(passes, check.Passed);
    }

    [Fact]
    public void Without_thresholds_or_invariants_there_is_nothing_to_fail()
    {
        Assert.Empty(new ThresholdSet().Evaluate(RunResults.With()));
    }
}
