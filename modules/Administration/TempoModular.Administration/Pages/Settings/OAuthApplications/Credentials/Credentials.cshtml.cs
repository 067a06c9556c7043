using Microsoft.AspNetCore.Mvc;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Credentials;

/// <summary>Credentials: the client id, and the client secret once the administrator asks to reveal it (audited).</summary>
internal sealed class CredentialsModel(IGrainFactory grains, RevealCredentials reveal) : SettingsPageModel
{
    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    public CredentialsView Credentials { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Credentials = CredentialsView.Masked(application);
        return PageOrFragment("_Credentials", Credentials);
    }

    // A POST, not a GET: revealing is recorded, so it must not happen because a
    // browser prefetched a link, and it needs the antiforgery token.
    public async Task<IActionResult> OnPostAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application
            || await reveal.RevealAsync(application, Administrator) is not { } credentials)
        {
            return ApplicationNotFound();
        }

        Credentials = CredentialsView.Shown(application, credentials);
        return PageOrFragment("_Credentials", Credentials);
    }
}
