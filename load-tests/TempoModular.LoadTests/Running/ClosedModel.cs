namespace TempoModular.LoadTests.Running;

/// <summary>
/// The closed model: every virtual user loops, starting its next iteration the
/// moment the last one ends. Users join evenly over the ramp.
/// </summary>
internal static class ClosedModel
{
    public static Task RunAsync(IReadOnlyList<VirtualUser> users, RunPlan plan, IRunClock clock, CancellationToken cancellationToken) =>
        Task.WhenAll(users.Select(user => Task.Run(() => LoopAsync(user, users.Count, plan, clock, cancellationToken), cancellationToken)));

    private static async Task LoopAsync(VirtualUser user, int users, RunPlan plan, IRunClock clock, CancellationToken cancellationToken)
    {
        await clock.WaitUntilAsync(plan.Ramp * user.Index / users, cancellationToken);
        while (true)
        {
            var start = clock.Elapsed;
            if (start >= plan.End)
            {
                return;
            }

            await user.RunIterationAsync(start, cancellationToken);
        }
    }
}
