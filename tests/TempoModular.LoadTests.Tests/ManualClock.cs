using TempoModular.LoadTests.Running;

namespace TempoModular.LoadTests.Tests;

/// <summary>A run clock that moves only when told to: waiting jumps straight to the due time.</summary>
internal sealed class ManualClock : IRunClock
{
    public TimeSpan Now { get; set; }

    public TimeSpan Elapsed => Now;

    public List<TimeSpan> Waits { get; } = [];

    public void Advance(TimeSpan by) => Now += by;

    public ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
    {
        SleepUntil(due, cancellationToken);
        return ValueTask.CompletedTask;
    }

    public void SleepUntil(TimeSpan due, CancellationToken cancellationToken)
    {
        Waits.Add(due);
        if (due > Now)
        {
            Now = due;
        }
    }
}
