using Microsoft.AspNetCore.Mvc;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Register;

/// <summary>Add application: the form (a dialog over the list, or a page of its own), then the new credentials.</summary>
internal sealed class NewModel(RegisterApplication register) : SettingsPageModel
{
    [BindProperty]
    public ApplicationInput Input { get; set; } = new();

    public ApplicationForm Form { get; private set; } = null!;

    /// <summary>Set once the application is registered: what the page shows instead of the form.</summary>
    public CredentialsView? Created { get; private set; }

    public IActionResult OnGet()
    {
        Form = new ApplicationForm(ApplicationInput.ForNewApplication(), [], existing: null);
        return PageOrFragment("_ApplicationForm", Form);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (lifetimes, unreadable) = Input.ParseTokenLifetimes();
        var registration = new ApplicationRegistration(
            Input.Name!, [.. Input.RedirectUrls.Select(u => u!)], ApiClientType(Input.ClientType), [.. Input.GrantTypes], lifetimes,
            Input.PkceSetting(Input.ClientType == "public"));
        var result = await register.RegisterAsync(registration, Administrator);
        if (!result.Succeeded)
        {
            Form = new ApplicationForm(Input, ApplicationInput.Refusals(unreadable, result.Errors), existing: null);
            return PageOrFragment("_ApplicationForm", Form);
        }

        Created = CredentialsView.Shown(result.Value!.Application, result.Value.Credentials);
        RaiseApplicationsChanged();
        return PageOrFragment("_Created", Created);
    }

    public IActionResult OnPostAddRedirectUrl()
    {
        Form = new ApplicationForm(Input, [], existing: null, focusRedirectUrl: Input.AddRedirectUrl());
        return PageOrFragment("_ApplicationForm", Form);
    }

    public IActionResult OnPostRemoveRedirectUrl(int remove)
    {
        Form = new ApplicationForm(Input, [], existing: null, focusRedirectUrl: Input.RemoveRedirectUrl(remove));
        return PageOrFragment("_ApplicationForm", Form);
    }

    // The radio buttons post "confidential" or "public"; anything else goes to
    // the registry as an undefined client type, which it refuses in its words.
    private static ClientType ApiClientType(string? value) => value switch
    {
        "confidential" => ClientType.Confidential,
        "public" => ClientType.Public,
        _ => (ClientType)(-1),
    };
}
