using Microsoft.AspNetCore.Mvc;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Edit;

/// <summary>Edit: the add form prefilled, the client type read-only; "Edit Application" saves.</summary>
internal sealed class EditModel(IGrainFactory grains, EditApplication edit) : SettingsPageModel
{
    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    [BindProperty]
    public ApplicationInput Input { get; set; } = new();

    public ApplicationForm Form { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Form = new ApplicationForm(ApplicationInput.From(application), [], application);
        return PageOrFragment("_ApplicationForm", Form);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        // The form always posts the lifetimes, so all three blank returns the
        // application to the server's defaults (null would keep its current ones).
        var (lifetimes, unreadable) = Input.ParseTokenLifetimes();
        var result = await edit.UpdateAsync(
            application, new ApplicationUpdate(Input.Name!, [.. Input.RedirectUrls.Select(u => u!)], [.. Input.GrantTypes], lifetimes,
                Input.PkceSetting(application.ClientType == ClientType.Public)), Administrator);
        if (!result.Succeeded)
        {
            Form = new ApplicationForm(Input, ApplicationInput.Refusals(unreadable, result.Errors), application);
            return PageOrFragment("_ApplicationForm", Form);
        }

        return ShowOnList($"Saved “{result.Value!.Name}”.");
    }

    public async Task<IActionResult> OnPostAddRedirectUrlAsync()
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Form = new ApplicationForm(Input, [], application, focusRedirectUrl: Input.AddRedirectUrl());
        return PageOrFragment("_ApplicationForm", Form);
    }

    public async Task<IActionResult> OnPostRemoveRedirectUrlAsync(int remove)
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Form = new ApplicationForm(Input, [], application, focusRedirectUrl: Input.RemoveRedirectUrl(remove));
        return PageOrFragment("_ApplicationForm", Form);
    }
}
