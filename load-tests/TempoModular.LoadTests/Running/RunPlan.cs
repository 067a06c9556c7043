namespace TempoModular.LoadTests.Running;

internal enum LoadModel
{
    /// <summary>A fixed number of virtual users, each starting its next iteration when the last ends.</summary>
    Closed,

    /// <summary>Iterations arrive at a set rate whatever the system's response time.</summary>
    Open,
}

/// <summary>Why a run is in a report; it decides which thresholds judge it.</summary>
internal enum RunPurpose
{
    /// <summary>A run asked for on the command line: every threshold applies.</summary>
    Single,

    /// <summary>Closed model, finds the maximum throughput: judged on throughput, not latency.</summary>
    Capacity,

    /// <summary>Open model below capacity: judged on latency, not throughput.</summary>
    Latency,

    /// <summary>Checks behaviour under load: judged on errors and invariants only.</summary>
    Behaviour,
}

/// <summary>
/// One run's shape. The time line is ramp, then warm-up, then the measured
/// window; only iterations that are due inside the measured window count.
/// </summary>
internal sealed record RunPlan(
    string Scenario,
    LoadModel Model,
    int Concurrency,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan Ramp,
    double Rate = 0,
    RunPurpose Purpose = RunPurpose.Single,
    int? MaxOutstanding = null)
{
    /// <summary>
    /// Open model: how many arrivals may be running or waiting for a user before
    /// more are dropped. By default a second's worth of arrivals, and at least
    /// ten per user, so a short stall shows as latency rather than as drops.
    /// </summary>
    public int Outstanding => MaxOutstanding ?? (int)Math.Min(int.MaxValue, Math.Max(10.0 * Concurrency, Math.Ceiling(Rate)));

    public TimeSpan MeasureFrom => Ramp + Warmup;

    public TimeSpan End => MeasureFrom + Duration;

    public string PhaseAt(TimeSpan elapsed) =>
        elapsed < Ramp ? "ramp" : elapsed < MeasureFrom ? "warm-up" : elapsed < End ? "measure" : "drain";
}
