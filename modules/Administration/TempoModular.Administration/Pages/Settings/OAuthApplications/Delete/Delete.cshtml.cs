using Microsoft.AspNetCore.Mvc;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Delete;

/// <summary>Delete: a confirmation naming the application, then the deletion (credentials and tokens stop working at once).</summary>
internal sealed class DeleteModel(IGrainFactory grains, DeleteApplication delete) : SettingsPageModel
{
    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    public ApplicationDetails Application { get; private set; } = null!;

    public bool Deleted { get; private set; }

    /// <summary>What deleting cuts off: active tokens and the users who authorized the application.</summary>
    public (int Tokens, int Users) Reach { get; private set; }

    public string Action => ApplicationPath(ClientId, "delete");

    public async Task<IActionResult> OnGetAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Application = application;
        var tokenSet = grains.TokenSet(ClientId);
        var tokens = tokenSet.CountActiveTokensAsync();
        var grants = tokenSet.ListGrantsAsync();
        Reach = (await tokens, (await grants).Where(g => g.Subject is not null && g.Subject != ClientId).Select(g => g.Subject).Distinct(StringComparer.Ordinal).Count());
        return PageOrFragment("_Delete", this);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await delete.DeleteAsync(ClientId, Administrator);
        if (!result.Succeeded)
        {
            return ApplicationNotFound();
        }

        Application = result.Value!;
        Deleted = true;
        RaiseApplicationsChanged();
        return PageOrFragment("_Delete", this);
    }
}
