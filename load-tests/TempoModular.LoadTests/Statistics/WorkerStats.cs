using HdrHistogram;

namespace TempoModular.LoadTests.Statistics;

/// <summary>Where one request failed and how: the HTTP status (or transport failure) and the OAuth error.</summary>
internal readonly record struct ErrorKey(string Step, string Status, string? Error);

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

    public WorkerStats(int steps)
    {
        Steps = new LongHistogram[steps];
        for (var i = 0; i < steps; i++)
        {
            Steps[i] = LatencyHistogram.Create();
        }

        _stepFailures = new long[steps];
    }

    /// <summary>Successful requests of the measured window, per step.</summary>
    public LongHistogram[] Steps { get; }

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

    public void RecordRequest(int step, TimeSpan latency, bool measured)
    {
        var microseconds = LatencyHistogram.ToMicroseconds(latency);
        _live.RecordValue(microseconds);
        if (measured)
        {
            Steps[step].RecordValue(microseconds);
        }
    }

    public void RecordFailure(int step, string status, string? error, string stepName, bool measured)
    {
        Interlocked.Increment(ref _liveErrors);
        if (!measured)
        {
            return;
        }

        _stepFailures[step]++;
        var key = new ErrorKey(stepName, status, error);
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
