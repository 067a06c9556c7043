namespace TempoModular.Identity.Users;

/// <summary>How long repeated wrong passwords lock an account: the "Identity:Lockout" section.</summary>
internal sealed class LockoutOptions
{
    public const string Section = "Identity:Lockout";

    /// <summary>Consecutive wrong passwords that lock the account; online guessing gets this many tries per <see cref="Duration"/>.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
}
