using HdrHistogram;

namespace TempoModular.LoadTests.Statistics;

/// <summary>One host's share of a reporting interval: requests answered as expected, and failed.</summary>
internal readonly record struct HostInterval(long Ok, long Errors);

/// <summary>One reporting interval: what completed in it, over every virtual user (and by host, when there are several).</summary>
internal sealed record IntervalSample(
    double EndSeconds,
    double Seconds,
    bool Measured,
    long Requests,
    long Errors,
    long Dropped,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyList<HostInterval>? Hosts = null)
{
    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;
}

/// <summary>
/// Merges the virtual users' figures: each interval's live histograms into the
/// time series, and at the end their measured histograms into the run's totals.
/// </summary>
internal sealed class RunCollector(IReadOnlyList<WorkerStats> workers, TimeSpan measureFrom)
{
    private readonly LongHistogram _interval = LatencyHistogram.Create();
    private readonly List<IntervalSample> _series = [];
    private TimeSpan _previous = TimeSpan.Zero;
    private long _liveDropped;
    private long _measuredDropped;

    public IReadOnlyList<WorkerStats> Workers => workers;

    public IReadOnlyList<IntervalSample> Series => _series;

    public long Dropped => Interlocked.Read(ref _measuredDropped);

    /// <summary>An open-model arrival that found every virtual user busy and was not sent.</summary>
    public void RecordDrop(TimeSpan intendedStart)
    {
        Interlocked.Increment(ref _liveDropped);
        if (intendedStart >= measureFrom)
        {
            Interlocked.Increment(ref _measuredDropped);
        }
    }

    /// <summary>Closes the interval that ends at <paramref name="elapsed"/>.</summary>
    public IntervalSample Sample(TimeSpan elapsed)
    {
        _interval.Reset();
        long errors = 0;
        var hosts = new HostInterval[workers.Count == 0 ? 0 : workers[0].Hosts.Length];
        foreach (var worker in workers)
        {
            _interval.Add(worker.TakeInterval());
            errors += worker.TakeIntervalErrors();
            for (var h = 0; h < hosts.Length; h++)
            {
                var (ok, failed) = worker.Hosts[h].TakeInterval();
                hosts[h] = new HostInterval(hosts[h].Ok + ok, hosts[h].Errors + failed);
            }
        }

        var sample = new IntervalSample(
            EndSeconds: elapsed.TotalSeconds,
            Seconds: (elapsed - _previous).TotalSeconds,
            Measured: elapsed > measureFrom,
            Requests: _interval.TotalCount,
            Errors: errors,
            Dropped: Interlocked.Exchange(ref _liveDropped, 0),
            P50Ms: Milliseconds(_interval, 50),
            P99Ms: Milliseconds(_interval, 99),
            MaxMs: _interval.TotalCount == 0 ? 0 : LatencyHistogram.MicrosecondsToMilliseconds(_interval.GetMaxValue()),
            Hosts: hosts.Length > 1 ? hosts : null);
        _previous = elapsed;
        _series.Add(sample);
        return sample;
    }

    /// <summary>
    /// Closes the last, partial interval. One much shorter than a second is
    /// left out of the time series, where its rate would be noise; its
    /// requests are in the totals all the same.
    /// </summary>
    public IntervalSample? Finish(TimeSpan elapsed)
    {
        var last = Sample(elapsed);
        if (last.Seconds >= 0.1)
        {
            return last;
        }

        _series.RemoveAt(_series.Count - 1);
        return null;
    }

    public LongHistogram MergeSteps(int step) => Merge(w => w.Steps[step]);

    public LongHistogram MergeIterations() => Merge(w => w.Iterations);

    public LongHistogram MergeStartLag() => Merge(w => w.StartLag);

    public LongHistogram MergeHost(int host) => Merge(w => w.Hosts[host].Requests);

    private LongHistogram Merge(Func<WorkerStats, HistogramBase> select)
    {
        var total = LatencyHistogram.Create();
        foreach (var worker in workers)
        {
            total.Add(select(worker));
        }

        return total;
    }

    private static double Milliseconds(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : LatencyHistogram.MicrosecondsToMilliseconds(histogram.GetValueAtPercentile(percentile));
}
