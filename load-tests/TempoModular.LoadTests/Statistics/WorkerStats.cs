using HdrHistogram;

namespace TempoModular.LoadTests.Statistics;

/// <summary>Where one request failed and how: the HTTP status (or transport failure) and the OAuth error.</summary>
internal readonly record struct ErrorKey(string Step, string Status, string? Error);

/// <summary>One virtual user's figures for one host of the run.</summary>
internal sealed class HostStats
{
    private long _liveOk;
    private long _liveErrors;

    /// <summary>Successful requests of the measured window, every step together.</summary>
    public LongHistogram Requests { get; } = LatencyHistogram.Create();

    public long Failed { get; private set; }

    public Dictionary<ErrorKey, long> Errors { get; } = [];

    internal void RecordRequest(long microseconds, bool measured)
    {
        Interlocked.Increment(ref _liveOk);
        if (measured)
        {
            Requests.RecordValue(microseconds);
        }
    }

    internal void RecordFailure(ErrorKey key, bool measured)
    {
        Interlocked.Increment(ref _liveErrors);
        if (measured)
        {
            Failed++;
            Errors[key] = Errors.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Successful and failed requests since the previous call, in every phase.</summary>
    public (long Ok, long Errors) TakeInterval() => (Interlocked.Exchange(ref _liveOk, 0), Interlocked.Exchange(ref _liveErrors, 0));
}

/// <summary>
/// One virtual user's figures. Only that user writes them, so recording takes
/// no lock; the run merges every user's histograms at each reporting interval
/// (the live recorder) and once at the end (the measured totals).
/// </summary>
internal sealed class WorkerStats
{
    private readonly Recorder _live = LatencyHistogram.CreateRecorder();
    private HistogramBase? _recycled;
    private long _liveErrors;
    private readonly long[] _stepFailures;

    public WorkerStats(int steps, int hosts = 1)
    {
        Hosts = new HostStats[hosts];
        for (var i = 0; i < hosts; i++)
        {
            Hosts[i] = new HostStats();
        }

        Steps = new LongHistogram[steps];
        for (var i = 0; i < steps; i++)
        {
            Steps[i] = LatencyHistogram.Create();
        }

        _stepFailures = new long[steps];
    }

    /// <summary>Successful requests of the measured window, per step.</summary>
    public LongHistogram[] Steps { get; }

    /// <summary>The same requests again, by the host they went to (the target's index).</summary>
    public HostStats[] Hosts { get; }

    /// <summary>Successful iterations of the measured window, timed from their intended start.</summary>
    public LongHistogram Iterations { get; } = LatencyHistogram.Create();

    /// <summary>
    /// How late iterations of the measured window started against their intended
    /// start: the generator's own lateness plus, in the open model, the wait for a free user.
    /// </summary>
    public LongHistogram StartLag { get; } = LatencyHistogram.Create();

    public long FailedIterations { get; private set; }

    public IReadOnlyList<long> StepFailures => _stepFailures;

    public Dictionary<ErrorKey, long> Errors { get; } = [];

    /// <summary>Broken invariants, counted in every phase: a security failure in warm-up is still one.</summary>
    public Dictionary<string, long> Violations { get; } = [];

    public void RecordRequest(int step, TimeSpan latency, bool measured, int host = 0)
    {
        var microseconds = LatencyHistogram.ToMicroseconds(latency);
        _live.RecordValue(microseconds);
        Hosts[host].RecordRequest(microseconds, measured);
        if (measured)
        {
            Steps[step].RecordValue(microseconds);
        }
    }

    public void RecordFailure(int step, string status, string? error, string stepName, bool measured, int host = 0)
    {
        Interlocked.Increment(ref _liveErrors);
        var key = new ErrorKey(stepName, status, error);
        Hosts[host].RecordFailure(key, measured);
        if (!measured)
        {
            return;
        }

        _stepFailures[step]++;
        Errors[key] = Errors.GetValueOrDefault(key) + 1;
    }

    public void RecordIteration(TimeSpan latency, bool succeeded, bool measured)
    {
        if (!measured)
        {
            return;
        }

        if (succeeded)
        {
            Iterations.RecordValue(LatencyHistogram.ToMicroseconds(latency));
        }
        else
        {
            FailedIterations++;
        }
    }

    public void RecordStartLag(TimeSpan lag, bool measured)
    {
        if (measured)
        {
            StartLag.RecordValue(LatencyHistogram.ToMicroseconds(lag));
        }
    }

    public void RecordViolation(string invariant) => Violations[invariant] = Violations.GetValueOrDefault(invariant) + 1;

    /// <summary>The successful requests since the previous call; the recorder starts a new interval.</summary>
    public HistogramBase TakeInterval() => _recycled = _live.GetIntervalHistogram(_recycled);

    /// <summary>The failed requests since the previous call.</summary>
    public long TakeIntervalErrors() => Interlocked.Exchange(ref _liveErrors, 0);
}
