using System.Globalization;
using System.Security.Claims;

namespace TempoModular.Identity;

/// <summary>The four permissions in the product's words, and how a signed-in principal carries them.</summary>
public static class TempoPermissionNames
{
    /// <summary>The four, in the order the product lists them.</summary>
    public static IReadOnlyList<(TempoPermissions Permission, string Name)> Four { get; } =
    [
        (TempoPermissions.TempoAdministrator, "Tempo Administrator"),
        (TempoPermissions.JiraAdministrator, "Jira Administrator"),
        (TempoPermissions.TempoTeamAdministrator, "Tempo Team Administrator"),
        (TempoPermissions.TempoAccountAdministrator, "Tempo Account Administrator"),
    ];

    /// <summary>Display names of the permissions <paramref name="held"/> includes.</summary>
    public static IReadOnlyList<string> Held(TempoPermissions held) => [.. Four.Where(p => held.HasFlag(p.Permission)).Select(p => p.Name)];

    /// <summary>Display names of the four that <paramref name="held"/> lacks.</summary>
    public static IReadOnlyList<string> Missing(TempoPermissions held) => [.. Four.Where(p => !held.HasFlag(p.Permission)).Select(p => p.Name)];

    /// <summary>The permissions a principal carries (<see cref="TempoAuthentication.PermissionsClaim"/>); none when it carries no readable claim.</summary>
    public static TempoPermissions Of(ClaimsPrincipal user) =>
        int.TryParse(user.FindFirst(TempoAuthentication.PermissionsClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? (TempoPermissions)value
            : TempoPermissions.None;

    /// <summary>The claim value for <see cref="TempoAuthentication.PermissionsClaim"/>.</summary>
    public static string ClaimValue(TempoPermissions permissions) => ((int)permissions).ToString(CultureInfo.InvariantCulture);
}
