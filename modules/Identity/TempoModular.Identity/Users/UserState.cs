namespace TempoModular.Identity.Users;

/// <summary>
/// A user as stored. The grain storage writes JSON that names this CLR type
/// (namespace, class, assembly) and its properties: renaming or moving any of
/// them leaves stored users unreadable.
/// </summary>
[GenerateSerializer]
internal sealed class UserState
{
    /// <summary>As entered (trimmed), so the product shows the casing the user chose.</summary>
    [Id(0)] public string UserName { get; set; } = "";

    [Id(1)] public string DisplayName { get; set; } = "";

    /// <summary>ASP.NET Core Identity V3 format (PBKDF2, salt and iteration count inside); never the password.</summary>
    [Id(2)] public string PasswordHash { get; set; } = "";

    [Id(3)] public TempoPermissions Permissions { get; set; }

    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    // Ids 5 and 6 held the lockout counter and end, gone with the lockout; rows
    // that still carry them read fine (Orleans skips unknown fields). Do not reuse them.

    /// <summary>Changes whenever every sign-in must end; "" for users stored before sign-ins carried one (their cookies carry none).</summary>
    [Id(7)] public string SecurityStamp { get; set; } = "";

    /// <summary>Set when an administrator deactivated the user: no sign-in, no password check passes.</summary>
    [Id(8)] public DateTimeOffset? DeactivatedAt { get; set; }
}
