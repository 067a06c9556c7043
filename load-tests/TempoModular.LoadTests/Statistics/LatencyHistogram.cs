using HdrHistogram;

namespace TempoModular.LoadTests.Statistics;

/// <summary>
/// The histograms every latency goes into: microseconds from 1 µs to 60 s at
/// three significant digits, so p99.9 of a sub-millisecond call and a timeout
/// share one scale.
/// </summary>
internal static class LatencyHistogram
{
    /// <summary>The longest latency tracked: beyond the HTTP timeout, so nothing real is clipped.</summary>
    public const long HighestMicroseconds = 60_000_000;

    private const int SignificantDigits = 3;

    public static LongHistogram Create() => new(1, HighestMicroseconds, SignificantDigits);

    public static Recorder CreateRecorder() =>
        new(1, HighestMicroseconds, SignificantDigits, static (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));

    public static long ToMicroseconds(TimeSpan latency) =>
        Math.Clamp(latency.Ticks / TimeSpan.TicksPerMicrosecond, 0, HighestMicroseconds);

    public static double MicrosecondsToMilliseconds(long microseconds) => microseconds / 1000.0;
}
