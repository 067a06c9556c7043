namespace TempoModular.Storage;

/// <summary>
/// Activations of grains whose record was never stored (a made-up client id or
/// user name) live a moment, not until collection: 3,000 token requests with
/// random client ids held 13 MB of grains. Not DeactivateOnIdle after each call:
/// concurrent requests for the same id were then forwarded from one dying
/// activation to the next until Orleans gave up (13 of 16 answered 503).
/// </summary>
public static class UnregisteredActivations
{
    /// <summary>How long the activation of an id that was never stored lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    /// <summary>Call from OnActivateAsync: unless <paramref name="stored"/> turns true meanwhile (the id is registered), the activation ends after <see cref="Lifetime"/>.</summary>
    public static void ForgetUnlessStored(this Grain grain, Func<bool> stored)
    {
        if (stored())
        {
            return;
        }

        grain.RegisterGrainTimer(
            () =>
            {
                if (!stored())
                {
                    grain.DeactivateOnIdle();
                }

                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(Lifetime, Timeout.InfiniteTimeSpan) { KeepAlive = false });
    }
}
