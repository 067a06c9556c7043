using System.ComponentModel.DataAnnotations;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications;

/// <summary>The fields of the add and edit forms as posted (form field names: Name, RedirectUrls, ClientType, GrantTypes).</summary>
internal sealed class ApplicationInput
{
    // Kept as typed, spaces included: the form shows back exactly what was entered.
    [DisplayFormat(ConvertEmptyStringToNull = false)]
    public string? Name { get; set; }

    /// <summary>One entry per row, in order; an empty row binds as null.</summary>
    public List<string?> RedirectUrls { get; set; } = [];

    /// <summary>"confidential" or "public"; posted by the add form only.</summary>
    public string? ClientType { get; set; }

    public List<string> GrantTypes { get; set; } = [];

    /// <summary>What a new application's form starts with: one empty redirect URL, confidential, authorization code.</summary>
    public static ApplicationInput ForNewApplication() => new()
    {
        RedirectUrls = [null],
        ClientType = "confidential",
        GrantTypes = [TempoModular.Applications.GrantTypes.AuthorizationCode],
    };

    public static ApplicationInput From(ApplicationDetails application) => new()
    {
        Name = application.Name,
        RedirectUrls = [.. application.RedirectUrls],
        GrantTypes = [.. application.GrantTypes],
    };

    /// <summary>Adds an empty row at the end; returns its index.</summary>
    public int AddRedirectUrl()
    {
        RedirectUrls.Add(null);
        return RedirectUrls.Count - 1;
    }

    /// <summary>Removes a row (keeping one, empty, when it was the last); returns the row to focus next.</summary>
    public int RemoveRedirectUrl(int index)
    {
        if (index >= 0 && index < RedirectUrls.Count)
        {
            RedirectUrls.RemoveAt(index);
        }

        if (RedirectUrls.Count == 0)
        {
            RedirectUrls.Add(null);
        }

        return Math.Clamp(index, 0, RedirectUrls.Count - 1);
    }
}

/// <summary>
/// The add/edit form as the page draws it: the values as typed, and the
/// registry's errors placed next to the fields they name.
/// </summary>
internal sealed class ApplicationForm
{
    private static readonly string[] FieldsWithAPlace = ["name", "redirectUrls", "clientType", "grantTypes"];

    public ApplicationForm(ApplicationInput input, IReadOnlyList<FieldError> errors, ApplicationDetails? existing, int? focusRedirectUrl = null)
    {
        Input = input;
        Errors = errors;
        Existing = existing;
        FocusRedirectUrl = focusRedirectUrl;
    }

    public ApplicationInput Input { get; }

    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>The application being edited; null on the add form.</summary>
    public ApplicationDetails? Existing { get; }

    public bool IsNew => Existing is null;

    /// <summary>The redirect URL row to focus after a row was added or removed.</summary>
    public int? FocusRedirectUrl { get; }

    public string Action => IsNew ? SettingsPageModel.ApplicationsPath + "/new" : SettingsPageModel.ApplicationPath(Existing!.ClientId, "edit");

    public string Heading => IsNew ? "Add application" : $"Edit {Existing!.Name}";

    public string SubmitLabel => IsNew ? "Add Application" : "Edit Application";

    public bool IsConfidential => IsNew ? Input.ClientType != "public" : Existing!.ClientType == ClientType.Confidential;

    public bool HasGrantType(string grantType) => Input.GrantTypes.Contains(grantType, StringComparer.Ordinal);

    /// <summary>The messages for a field ("name", "redirectUrls", "redirectUrls[2]", ...), joined; null when it has none.</summary>
    public string? ErrorFor(string field)
    {
        var messages = Errors.Where(e => e.Field == field).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    public string? RedirectUrlError(int index) => ErrorFor($"redirectUrls[{index}]");

    /// <summary>Errors that belong to no field of the form (e.g. the application was deleted meanwhile).</summary>
    public IReadOnlyList<string> FormErrors => [.. Errors.Where(e => !HasAPlace(e.Field)).Select(e => e.Message)];

    /// <summary>The first field with an error, which gets the focus: "name", "redirect-url-2", ...</summary>
    public string? FirstInvalidField
    {
        get
        {
            if (ErrorFor("name") is not null)
            {
                return "name";
            }

            for (var i = 0; i < Input.RedirectUrls.Count; i++)
            {
                if (RedirectUrlError(i) is not null)
                {
                    return $"redirect-url-{i}";
                }
            }

            if (ErrorFor("redirectUrls") is not null)
            {
                return "redirect-url-0";
            }

            if (ErrorFor("clientType") is not null)
            {
                return IsConfidential ? "client-type-confidential" : "client-type-public";
            }

            return ErrorFor("grantTypes") is not null ? "grant-type-authorization-code" : null;
        }
    }

    /// <summary>The element that gets the focus when the form is drawn.</summary>
    public string FocusedField => FirstInvalidField ?? (FocusRedirectUrl is { } row ? $"redirect-url-{row}" : "name");

    private static bool HasAPlace(string field) =>
        FieldsWithAPlace.Contains(field, StringComparer.Ordinal)
        || (field.StartsWith("redirectUrls[", StringComparison.Ordinal) && field.EndsWith(']'));
}
