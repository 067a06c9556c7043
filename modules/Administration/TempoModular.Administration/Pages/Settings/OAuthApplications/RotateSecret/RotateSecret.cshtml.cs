using Microsoft.AspNetCore.Mvc;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.RotateSecret;

/// <summary>Rotate secret: a confirmation, then the new secret and until when the previous one keeps working.</summary>
internal sealed class RotateSecretModel(IGrainFactory grains, RotateClientSecret rotate) : SettingsPageModel
{
    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    public ApplicationDetails Application { get; private set; } = null!;

    /// <summary>Set once rotated: the new secret.</summary>
    public CredentialsView? Rotated { get; private set; }

    /// <summary>Why the secret was not rotated (a public client has none).</summary>
    public string? Refusal { get; private set; }

    public string Action => ApplicationPath(ClientId, "rotate-secret");

    public async Task<IActionResult> OnGetAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Application = application;
        return PageOrFragment("_RotateSecret", this);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Application = application;
        var result = await rotate.RotateAsync(application, Administrator);
        if (result.Errors.Any(e => e.Field == "clientId"))
        {
            return ApplicationNotFound();
        }

        if (result.Succeeded)
        {
            Rotated = CredentialsView.Shown(application, result.Value!);
        }
        else
        {
            Refusal = string.Join(" ", result.Errors.Select(e => e.Message));
        }

        return PageOrFragment("_RotateSecret", this);
    }
}
