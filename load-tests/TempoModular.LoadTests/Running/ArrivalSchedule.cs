namespace TempoModular.LoadTests.Running;

/// <summary>One arrival of the open model: its number and when it should start.</summary>
internal readonly record struct Arrival(long Index, TimeSpan IntendedStart);

/// <summary>
/// When each request of an open-model run is due: the rate climbs linearly from
/// zero to <see cref="Rate"/> over the ramp, then holds for the rest of the run.
/// A pure function of its inputs, so the run's arrivals are known in advance and
/// a late request keeps the start time it should have had.
/// </summary>
internal sealed class ArrivalSchedule
{
    public ArrivalSchedule(double rate, TimeSpan ramp, TimeSpan steady)
    {
        if (!(rate > 0) || double.IsInfinity(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The arrival rate must be a positive number of requests per second.");
        }

        if (ramp < TimeSpan.Zero || steady < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ramp), "The ramp and the steady part cannot be negative.");
        }

        Rate = rate;
        Ramp = ramp;
        Steady = steady;
        _rampArrivals = rate * ramp.TotalSeconds / 2;
        // Arrival i is due when the cumulative count reaches i, so the arrivals
        // before the end are those with i < N(end). The epsilon keeps an exact
        // product such as 2000/s x 30 s from gaining one from rounding.
        Count = (long)Math.Ceiling(_rampArrivals + rate * steady.TotalSeconds - 1e-9);
    }

    private readonly double _rampArrivals;

    /// <summary>Requests per second once the ramp is over.</summary>
    public double Rate { get; }

    public TimeSpan Ramp { get; }

    public TimeSpan Steady { get; }

    public TimeSpan Length => Ramp + Steady;

    /// <summary>The number of arrivals due before <see cref="Length"/>.</summary>
    public long Count { get; }

    public Arrival this[long index] => new(index, StartOf(index));

    /// <summary>
    /// Inverts the cumulative arrival count N(t): rate·t²/(2·ramp) on the ramp,
    /// rate·ramp/2 + rate·(t − ramp) after it.
    /// </summary>
    public TimeSpan StartOf(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        double seconds = index < _rampArrivals
            ? Math.Sqrt(2 * Ramp.TotalSeconds * index / Rate)
            : Ramp.TotalSeconds + (index - _rampArrivals) / Rate;
        return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
    }
}
