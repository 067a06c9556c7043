namespace TempoModular.Identity.Bootstrap;

/// <summary>The first administrator of a new site: the "Bootstrap" section (or Bootstrap__AdminPassword in the environment).</summary>
internal sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    public string AdminUser { get; set; } = "admin";

    /// <summary>Empty: a random password is generated and printed once on the console.</summary>
    public string? AdminPassword { get; set; }
}
