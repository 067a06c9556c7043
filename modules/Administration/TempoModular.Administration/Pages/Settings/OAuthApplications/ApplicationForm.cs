using System.ComponentModel.DataAnnotations;
using System.Globalization;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications;

/// <summary>
/// The fields of the add and edit forms as posted (form field names: Name, RedirectUrls,
/// ClientType, GrantTypes, AccessTokenLifetime, RefreshTokenLifetime, AuthorizationCodeLifetime).
/// </summary>
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

    // Lifetimes in seconds, kept as typed (text, not numbers) so that what the
    // form shows back after a refusal is what was entered; blank is the server's default.
    public string? AccessTokenLifetime { get; set; }

    public string? RefreshTokenLifetime { get; set; }

    public string? AuthorizationCodeLifetime { get; set; }

    /// <summary>A checkbox: posted only when ticked. Public clients always use PKCE, whatever it says.</summary>
    public bool RequirePkce { get; set; }

    /// <summary>The setting for the registry: null (no change, and no refusal) for a public client, which always uses PKCE.</summary>
    public bool? PkceSetting(bool isPublic) => isPublic ? null : RequirePkce;

    /// <summary>What a new application's form starts with: one empty redirect URL, confidential, authorization code.</summary>
    public static ApplicationInput ForNewApplication() => new()
    {
        RedirectUrls = [null],
        ClientType = "confidential",
        GrantTypes = [TempoModular.Applications.GrantTypes.AuthorizationCode],
        RequirePkce = true,
    };

    public static ApplicationInput From(ApplicationDetails application) => new()
    {
        Name = application.Name,
        RedirectUrls = [.. application.RedirectUrls],
        GrantTypes = [.. application.GrantTypes],
        AccessTokenLifetime = Seconds(application.TokenLifetimes?.AccessToken),
        RefreshTokenLifetime = Seconds(application.TokenLifetimes?.RefreshToken),
        AuthorizationCodeLifetime = Seconds(application.TokenLifetimes?.AuthorizationCode),
        RequirePkce = application.RequirePkce,
    };

    /// <summary>The typed seconds of one lifetime.</summary>
    public string? Typed(TokenLifetimeKind kind) =>
        kind == TokenLifetimeKind.AccessToken ? AccessTokenLifetime
        : kind == TokenLifetimeKind.RefreshToken ? RefreshTokenLifetime
        : AuthorizationCodeLifetime;

    /// <summary>
    /// The lifetimes for the registry (blank: the server's default), and a message
    /// for each one that is not a whole number of seconds. Such a lifetime goes to
    /// the registry as a negative one, which it refuses in its words: nothing is
    /// saved, and the other fields are still checked.
    /// </summary>
    public (TokenLifetimes Lifetimes, IReadOnlyList<FieldError> NotNumbers) ParseTokenLifetimes()
    {
        var notNumbers = new List<FieldError>();
        TimeSpan? Parse(TokenLifetimeKind kind)
        {
            var typed = Typed(kind);
            if (string.IsNullOrWhiteSpace(typed))
            {
                return null;
            }

            if (long.TryParse(typed.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            {
                return TokenLifetimeKind.FromSeconds(seconds);
            }

            notNumbers.Add(new FieldError(kind.Field, "Enter a whole number of seconds."));
            return TimeSpan.FromSeconds(-1);
        }

        var lifetimes = new TokenLifetimes(Parse(TokenLifetimeKind.AccessToken), Parse(TokenLifetimeKind.RefreshToken), Parse(TokenLifetimeKind.AuthorizationCode));
        return (lifetimes, notNumbers);
    }

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

    private static string? Seconds(TimeSpan? lifetime) => TokenLifetimeKind.ToSeconds(lifetime)?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A token lifetime's input on the add and edit forms: its element id and the name it posts as.</summary>
/// <remarks>
/// <see cref="Label"/> is what the pages call it: the authorization code's lifetime
/// is the "sign-in code" lifetime, because the forms and panels also list the
/// "Authorization code" grant type, which is something else.
/// </remarks>
internal sealed record LifetimeInput(TokenLifetimeKind Kind, string Id, string InputName, string Label)
{
    public static IReadOnlyList<LifetimeInput> All { get; } =
    [
        new(TokenLifetimeKind.AccessToken, "access-token-lifetime", nameof(ApplicationInput.AccessTokenLifetime), "Access token lifetime"),
        new(TokenLifetimeKind.RefreshToken, "refresh-token-lifetime", nameof(ApplicationInput.RefreshTokenLifetime), "Refresh token lifetime"),
        new(TokenLifetimeKind.AuthorizationCode, "authorization-code-lifetime", nameof(ApplicationInput.AuthorizationCodeLifetime), "Sign-in code lifetime"),
    ];
}

/// <summary>
/// The add/edit form as the page draws it: the values as typed, and the
/// registry's errors placed next to the fields they name.
/// </summary>
internal sealed class ApplicationForm
{
    private static readonly string[] FieldsWithAPlace = ["name", "redirectUrls", "clientType", "grantTypes", .. TokenLifetimeKind.All.Select(k => k.Field)];

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

            if (ErrorFor("grantTypes") is not null)
            {
                return "grant-type-authorization-code";
            }

            return LifetimeInput.All.FirstOrDefault(l => ErrorFor(l.Kind.Field) is not null)?.Id;
        }
    }

    /// <summary>The element that gets the focus when the form is drawn.</summary>
    public string FocusedField => FirstInvalidField ?? (FocusRedirectUrl is { } row ? $"redirect-url-{row}" : "name");

    private static bool HasAPlace(string field) =>
        FieldsWithAPlace.Contains(field, StringComparer.Ordinal)
        || (field.StartsWith("redirectUrls[", StringComparison.Ordinal) && field.EndsWith(']'));
}
