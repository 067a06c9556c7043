namespace TempoModular.Applications;

/// <summary>The "Applications" configuration section.</summary>
internal sealed class ApplicationsOptions
{
    public const string Section = "Applications";

    /// <summary>
    /// How long the previous client secret keeps working after a rotation, so an
    /// integrator can roll the new secret out without an outage.
    /// </summary>
    public TimeSpan SecretRotationGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How often an application whose tokens are loaded recounts its active
    /// tokens for the tempo.tokens.active gauge: one pass over its in-memory
    /// token set, between requests, so a scrape never calls a grain.
    /// </summary>
    public TimeSpan ActiveTokenCountInterval { get; set; } = TimeSpan.FromSeconds(30);
}
