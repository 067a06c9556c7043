using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Edit;

/// <summary>Saves an application's new name, redirect URLs, grant types and lifetimes, and records what changed.</summary>
internal sealed class EditApplication(IGrainFactory grains, AuditLog audit)
{
    /// <summary><paramref name="before"/> is the application as the caller read it (to say what changed); the registry decides on the update itself.</summary>
    public async Task<RegistryResult<ApplicationDetails>> UpdateAsync(ApplicationDetails before, ApplicationUpdate update, Administrator by)
    {
        var result = await grains.ApplicationDirectory().UpdateAsync(before.ClientId, update, by.Actor);
        if (result.Succeeded)
        {
            await audit.AppendAsync(by, AuditActions.Updated, before.ClientId, result.Value!.Name, Changes(before, result.Value));
        }

        return result;
    }

    private static string Changes(ApplicationDetails before, ApplicationDetails after)
    {
        var changes = new List<string>();
        if (before.Name != after.Name)
        {
            changes.Add($"name \"{before.Name}\" → \"{after.Name}\"");
        }

        if (!before.RedirectUrls.SequenceEqual(after.RedirectUrls, StringComparer.Ordinal))
        {
            changes.Add($"redirect URLs: {string.Join(" ", after.RedirectUrls)}");
        }

        if (!before.GrantTypes.SequenceEqual(after.GrantTypes, StringComparer.Ordinal))
        {
            changes.Add($"grant types: {string.Join(", ", after.GrantTypes)}");
        }

        // No overrides at all and three null ones are the same: server defaults.
        if ((before.TokenLifetimes ?? TokenLifetimeKind.None) != (after.TokenLifetimes ?? TokenLifetimeKind.None))
        {
            changes.Add($"token lifetimes: {Display.LifetimeOverrides(before.TokenLifetimes)} → {Display.LifetimeOverrides(after.TokenLifetimes)}");
        }

        return changes.Count == 0 ? "Saved without changes." : "Changed " + string.Join("; ", changes) + ".";
    }
}
