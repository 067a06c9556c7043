namespace TempoModular.Testing;

/// <summary>
/// A wall clock that stands still until a test moves it, so a lifetime or a
/// lockout passes in no time and its end can be asserted exactly. Timers and
/// timestamps stay real: Orleans drives its grain timers through them.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
