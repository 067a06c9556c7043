using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Scenarios;

/// <summary>
/// A load scenario against the product's HTTP surface. Its setup provisions
/// what the iterations need (untimed); an iteration is one pass of its steps
/// by one virtual user. A virtual user never runs two iterations at once, so
/// per-user state indexed by <see cref="VirtualUser.Index"/> needs no lock.
/// </summary>
internal abstract class Scenario
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>The step names; a step's index is what the iteration passes to <see cref="VirtualUser.SendAsync"/>.</summary>
    public abstract IReadOnlyList<string> Steps { get; }

    /// <summary>Invariants whose breach fails the run whatever the thresholds say.</summary>
    public virtual IReadOnlyList<string> Invariants => [];

    public abstract Task SetupAsync(ScenarioSetup setup, int users, CancellationToken cancellationToken);

    public abstract Task RunAsync(VirtualUser user, CancellationToken cancellationToken);
}

internal static class Invariants
{
    /// <summary>An API call with a revoked access token answered 200 instead of 401.</summary>
    public const string AcceptedAfterRevoke = "accepted-after-revoke";
}

/// <summary>The scenarios by name, as the command line and the suite ask for them.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["token", "api", "introspect", "refresh", "revoke", "journey"];

    public static Scenario Create(string name) => name switch
    {
        "token" => new TokenScenario(),
        "api" => new ApiScenario(),
        "introspect" => new IntrospectScenario(),
        "refresh" => new RefreshScenario(),
        "revoke" => new RevokeScenario(),
        "journey" => new JourneyScenario(),
        _ => throw new ArgumentException($"Unknown scenario '{name}'; the scenarios are {string.Join(", ", Names)}.", nameof(name)),
    };
}
