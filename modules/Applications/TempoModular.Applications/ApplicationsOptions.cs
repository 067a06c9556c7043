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
}
