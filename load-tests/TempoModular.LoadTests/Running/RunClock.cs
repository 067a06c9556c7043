using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TempoModular.LoadTests.Running;

/// <summary>
/// The run's time line, as an offset from the run's start. The load models and
/// the virtual users read time only through it, so tests drive them with a
/// manual clock instead of sleeping.
/// </summary>
internal interface IRunClock
{
    TimeSpan Elapsed { get; }

    /// <summary>Returns once <see cref="Elapsed"/> has reached <paramref name="due"/>; coarse (timer ticks of about a millisecond).</summary>
    ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken);

    /// <summary>
    /// Blocks the calling thread until <see cref="Elapsed"/> has reached
    /// <paramref name="due"/>, to within tens of microseconds. For a thread of
    /// its own only: the open model's dispatcher.
    /// </summary>
    void SleepUntil(TimeSpan due, CancellationToken cancellationToken);
}

internal sealed class StopwatchClock : IRunClock
{
    /// <summary>Long sleeps are cut so that cancellation is noticed.</summary>
    private static readonly TimeSpan LongestSleep = TimeSpan.FromMilliseconds(50);

    private readonly long _start = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public async ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
    {
        while (Elapsed < due)
        {
            var remaining = due - Elapsed;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(remaining.TotalMilliseconds))), cancellationToken);
        }
    }

    public void SleepUntil(TimeSpan due, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = due - Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            Sleep(remaining < LongestSleep ? remaining : LongestSleep);
        }
    }

    // .NET sleeps and timers resolve to a millisecond at best, and every arrival
    // they start late is charged that lateness as latency: a sub-millisecond
    // call would read a millisecond slower than it is. nanosleep wakes within
    // the kernel's timer slack (50 µs by default) and, unlike spinning, leaves
    // the core to the requests.
    private static void Sleep(TimeSpan duration)
    {
        if (OperatingSystem.IsLinux())
        {
            var request = new TimeSpec((nint)(duration.Ticks / TimeSpan.TicksPerSecond), (nint)(duration.Ticks % TimeSpan.TicksPerSecond * 100));
            NanoSleep(in request, IntPtr.Zero);
        }
        else
        {
            Thread.Sleep(duration < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : duration);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct TimeSpec(nint Seconds, nint Nanoseconds);

    [DllImport("libc", EntryPoint = "nanosleep")]
    private static extern int NanoSleep(in TimeSpec request, IntPtr remaining);
}
