using System.Threading.Channels;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Running;

/// <summary>What the dispatcher did with a schedule's arrivals.</summary>
internal readonly record struct DispatchSummary(long Started, long Dropped);

/// <summary>
/// Hands each arrival of a schedule to the load at its intended start. When the
/// clock is already past an arrival's start (the generator stalled) the arrival
/// goes at once but keeps its intended start, so the stall is charged to latency.
/// </summary>
internal static class OpenModelDispatcher
{
    /// <summary>Blocks its thread for the length of the schedule: run it on a thread of its own.</summary>
    public static DispatchSummary Run(
        ArrivalSchedule schedule,
        IRunClock clock,
        Func<Arrival, bool> tryStart,
        CancellationToken cancellationToken)
    {
        long dropped = 0;
        for (long i = 0; i < schedule.Count; i++)
        {
            var arrival = schedule[i];
            if (arrival.IntendedStart > clock.Elapsed)
            {
                clock.SleepUntil(arrival.IntendedStart, cancellationToken);
            }

            if (!tryStart(arrival))
            {
                dropped++;
            }
        }

        return new DispatchSummary(schedule.Count - dropped, dropped);
    }
}

/// <summary>
/// The open model: arrivals at a set rate, whatever the response times, served
/// by a fixed pool of virtual users (one connection each). An arrival that finds
/// every user busy waits for one, and the wait counts in its latency because it
/// keeps its intended start. Only beyond <c>maxOutstanding</c> arrivals (running
/// plus waiting) is an arrival dropped, and counted as a failed request: the cap
/// keeps a dead server from making the generator hoard arrivals without end.
/// </summary>
internal static class OpenModel
{
    public static async Task RunAsync(
        IReadOnlyList<VirtualUser> users,
        ArrivalSchedule schedule,
        int maxOutstanding,
        IRunClock clock,
        RunCollector collector,
        CancellationToken cancellationToken)
    {
        var arrivals = Channel.CreateUnbounded<Arrival>(new UnboundedChannelOptions { SingleWriter = true });
        var outstanding = 0;

        bool TryStart(Arrival arrival)
        {
            if (Interlocked.Increment(ref outstanding) > maxOutstanding)
            {
                Interlocked.Decrement(ref outstanding);
                collector.RecordDrop(arrival.IntendedStart);
                return false;
            }

            return arrivals.Writer.TryWrite(arrival);
        }

        async Task ServeAsync(VirtualUser user)
        {
            await foreach (var arrival in arrivals.Reader.ReadAllAsync(cancellationToken))
            {
                await user.RunIterationAsync(arrival.IntendedStart, cancellationToken);
                Interlocked.Decrement(ref outstanding);
            }
        }

        var serving = users.Select(user => Task.Run(() => ServeAsync(user), cancellationToken)).ToArray();
        try
        {
            await Task.Factory.StartNew(
                () => OpenModelDispatcher.Run(schedule, clock, TryStart, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }
        finally
        {
            arrivals.Writer.Complete();
        }

        await Task.WhenAll(serving);
    }
}
