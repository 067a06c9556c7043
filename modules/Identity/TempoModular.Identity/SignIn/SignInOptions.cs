namespace TempoModular.Identity.SignIn;

/// <summary>How long a sign-in lasts: the "Identity:SignIn" section.</summary>
internal sealed class SignInOptions
{
    public const string Section = "Identity:SignIn";

    /// <summary>Sliding: a sign-in unused for this long ends.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

}
