namespace TempoModular.Identity.SignIn;

/// <summary>How long a sign-in lasts and how stale its permissions may get: the "Identity:SignIn" section.</summary>
internal sealed class SignInOptions
{
    public const string Section = "Identity:SignIn";

    /// <summary>Sliding: a sign-in unused for this long ends.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// How often a request re-reads the user's permissions from the user's grain:
    /// a permission taken away stops working within this time, at the cost of one
    /// grain call per signed-in user per interval.
    /// </summary>
    public TimeSpan PermissionsRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
