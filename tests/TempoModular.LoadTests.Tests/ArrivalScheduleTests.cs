using TempoModular.LoadTests.Running;

namespace TempoModular.LoadTests.Tests;

public sealed class ArrivalScheduleTests
{
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void A_constant_rate_schedules_rate_times_duration_arrivals_evenly_spaced_from_zero()
    {
        var schedule = new ArrivalSchedule(rate: 100, ramp: TimeSpan.Zero, steady: TimeSpan.FromSeconds(2));

        Assert.Equal(200, schedule.Count);
        for (var i = 0; i < schedule.Count; i++)
        {
            Assert.Equal(Ms(10 * i), schedule.StartOf(i));
        }
    }

    [Fact]
    public void A_ramp_holds_half_the_arrivals_a_full_rate_would_and_the_steady_part_the_full_rate()
    {
        var schedule = new ArrivalSchedule(rate: 1000, ramp: TimeSpan.FromSeconds(2), steady: TimeSpan.FromSeconds(3));
        var starts = Enumerable.Range(0, (int)schedule.Count).Select(i => schedule.StartOf(i)).ToList();

        Assert.Equal(1000 + 3000, schedule.Count);
        Assert.Equal(1000, starts.Count(s => s < TimeSpan.FromSeconds(2)));
        Assert.Equal(3000, starts.Count(s => s >= TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void On_a_linear_ramp_the_first_half_of_the_ramp_holds_a_quarter_of_its_arrivals()
    {
        var schedule = new ArrivalSchedule(rate: 1000, ramp: TimeSpan.FromSeconds(4), steady: TimeSpan.Zero);
        var starts = Enumerable.Range(0, (int)schedule.Count).Select(i => schedule.StartOf(i)).ToList();

        Assert.Equal(2000, schedule.Count);
        Assert.Equal(500, starts.Count(s => s < TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void After_the_ramp_arrivals_are_one_period_apart()
    {
        var schedule = new ArrivalSchedule(rate: 500, ramp: TimeSpan.FromSeconds(1), steady: TimeSpan.FromSeconds(1));

        // The ramp holds 250 arrivals; the 250th is due exactly when the ramp ends.
        Assert.Equal(TimeSpan.FromSeconds(1), schedule.StartOf(250));
        Assert.Equal(TimeSpan.FromSeconds(1) + Ms(2), schedule.StartOf(251));
        Assert.Equal(TimeSpan.FromSeconds(1) + Ms(2 * 249), schedule.StartOf(499));
    }

    [Fact]
    public void Intended_starts_begin_at_zero_never_decrease_and_end_inside_the_run()
    {
        var schedule = new ArrivalSchedule(rate: 777, ramp: Ms(1500), steady: Ms(2500));
        var starts = Enumerable.Range(0, (int)schedule.Count).Select(i => schedule.StartOf(i)).ToList();

        Assert.Equal(TimeSpan.Zero, starts[0]);
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.True(pair.First <= pair.Second));
        Assert.True(starts[^1] < schedule.Length);
    }

    [Fact]
    public void An_exact_product_of_rate_and_duration_gains_no_arrival_from_rounding()
    {
        Assert.Equal(60_000, new ArrivalSchedule(2000, TimeSpan.Zero, TimeSpan.FromSeconds(30)).Count);
        Assert.Equal(2000 * 5 / 2 + 2000 * 30, new ArrivalSchedule(2000, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)).Count);
        Assert.Equal(5, new ArrivalSchedule(0.5, TimeSpan.Zero, TimeSpan.FromSeconds(10)).Count);
    }

    [Fact]
    public void A_fractional_count_includes_the_arrival_due_before_the_end()
    {
        var schedule = new ArrivalSchedule(1.5, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        Assert.Equal(2, schedule.Count);
        Assert.True(schedule.StartOf(1) < TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    public void A_rate_that_is_not_positive_is_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(rate, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
}
