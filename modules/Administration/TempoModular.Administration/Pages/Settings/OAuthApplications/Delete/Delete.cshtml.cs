using Microsoft.AspNetCore.Mvc;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Delete;

/// <summary>Delete: a confirmation naming the application, then the deletion (credentials and tokens stop working at once).</summary>
internal sealed class DeleteModel(IGrainFactory grains, DeleteApplication delete) : SettingsPageModel
{
    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    public ApplicationDetails Application { get; private set; } = null!;

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
        Reach = await ReachAsync();
        return PageOrFragment("_Delete", this);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // Counted just before the deletion: afterwards the token set is gone.
        var reach = await ReachAsync();
        var result = await delete.DeleteAsync(ClientId, Administrator);
        if (!result.Succeeded)
        {
            return ApplicationNotFound();
        }

        return ShowOnList($"Deleted “{result.Value!.Name}”: {Consequence(reach)} lost access.");
    }

    /// <summary>"1 active token and 2 authorized users", as the confirmation and the outcome say it.</summary>
    public static string Consequence((int Tokens, int Users) reach) =>
        $"{Display.Count(reach.Tokens, "active token")} and {Display.Count(reach.Users, "authorized user")}";

    private async Task<(int Tokens, int Users)> ReachAsync()
    {
        var tokenSet = grains.TokenSet(ClientId);
        var tokens = tokenSet.CountActiveTokensAsync();
        var grants = tokenSet.ListGrantsAsync();
        return (await tokens, (await grants).Where(g => g.Subject is not null && g.Subject != ClientId).Select(g => g.Subject).Distinct(StringComparer.Ordinal).Count());
    }
}
