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

    // Lifetimes as an amount and a unit, kept as typed (text, not numbers) so that
    // what the form shows back after a refusal is what was entered; a blank
    // amount is the server's default.
    public string? AccessTokenLifetime { get; set; }

    public string? AccessTokenLifetimeUnit { get; set; }

    public string? RefreshTokenLifetime { get; set; }

    public string? RefreshTokenLifetimeUnit { get; set; }

    public string? AuthorizationCodeLifetime { get; set; }

    public string? AuthorizationCodeLifetimeUnit { get; set; }

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

    public static ApplicationInput From(ApplicationDetails application) => new ApplicationInput
    {
        Name = application.Name,
        RedirectUrls = [.. application.RedirectUrls],
        GrantTypes = [.. application.GrantTypes],
        RequirePkce = application.RequirePkce,
    }.WithLifetimes(application.TokenLifetimes ?? TokenLifetimeKind.None);

    /// <summary>Each lifetime in the largest unit that holds it exactly (14 days, 90 seconds); blank for the server's default.</summary>
    private ApplicationInput WithLifetimes(TokenLifetimes lifetimes)
    {
        foreach (var lifetime in LifetimeInput.All)
        {
            if (lifetime.Kind.Of(lifetimes) is { } value)
            {
                var (amount, unit) = LifetimeUnit.Largest(value);
                Set(lifetime.Kind, amount.ToString(CultureInfo.InvariantCulture), unit.Value);
            }
        }

        return this;
    }

    /// <summary>The typed amount of one lifetime.</summary>
    public string? Typed(TokenLifetimeKind kind) =>
        kind == TokenLifetimeKind.AccessToken ? AccessTokenLifetime
        : kind == TokenLifetimeKind.RefreshToken ? RefreshTokenLifetime
        : AuthorizationCodeLifetime;

    /// <summary>The unit chosen for one lifetime, as posted ("minutes", "days"...); null when none was posted.</summary>
    public string? TypedUnit(TokenLifetimeKind kind) =>
        kind == TokenLifetimeKind.AccessToken ? AccessTokenLifetimeUnit
        : kind == TokenLifetimeKind.RefreshToken ? RefreshTokenLifetimeUnit
        : AuthorizationCodeLifetimeUnit;

    private void Set(TokenLifetimeKind kind, string amount, string unit)
    {
        if (kind == TokenLifetimeKind.AccessToken)
        {
            (AccessTokenLifetime, AccessTokenLifetimeUnit) = (amount, unit);
        }
        else if (kind == TokenLifetimeKind.RefreshToken)
        {
            (RefreshTokenLifetime, RefreshTokenLifetimeUnit) = (amount, unit);
        }
        else
        {
            (AuthorizationCodeLifetime, AuthorizationCodeLifetimeUnit) = (amount, unit);
        }
    }

    /// <summary>
    /// The lifetimes for the registry (blank: the server's default), and a message
    /// for each one that is not a positive whole number of a known unit. Such a
    /// lifetime goes to the registry as a negative one, which it refuses: nothing
    /// is saved, and the other fields are still checked (see <see cref="Refusals"/>).
    /// </summary>
    public (TokenLifetimes Lifetimes, IReadOnlyList<FieldError> Unreadable) ParseTokenLifetimes()
    {
        var unreadable = new List<FieldError>();
        TimeSpan? Parse(LifetimeInput input)
        {
            var typed = Typed(input.Kind);
            if (string.IsNullOrWhiteSpace(typed))
            {
                return null;
            }

            var unit = LifetimeUnit.Find(TypedUnit(input.Kind) ?? input.DefaultUnit.Value);
            if (unit is null)
            {
                unreadable.Add(new FieldError(input.Kind.Field, $"Choose {LifetimeUnit.Choices}."));
                return TimeSpan.FromSeconds(-1);
            }

            // Digits only: "1h", "1.5", "-3" and "0" are refused here, in the unit's words,
            // rather than as an out-of-range number of seconds. More digits than a long
            // holds are a whole number still: the registry refuses it as out of range.
            var amount = typed.Trim();
            if (amount.All(char.IsAsciiDigit) && amount.Any(c => c != '0'))
            {
                return long.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? unit.Of(count) : TimeSpan.MaxValue;
            }

            unreadable.Add(new FieldError(input.Kind.Field, $"Enter a positive whole number of {unit.Value}."));
            return TimeSpan.FromSeconds(-1);
        }

        var lifetimes = new TokenLifetimes(Parse(LifetimeInput.All[0]), Parse(LifetimeInput.All[1]), Parse(LifetimeInput.All[2]));
        return (lifetimes, unreadable);
    }

    /// <summary>
    /// What the form shows after a refusal: the form's own message for a lifetime it
    /// could not read, in place of the registry's range message for the stand-in
    /// value it sent; the registry's messages for everything else.
    /// </summary>
    public static IReadOnlyList<FieldError> Refusals(IReadOnlyList<FieldError> unreadable, IReadOnlyList<FieldError> registry) =>
        [.. unreadable, .. registry.Where(e => !unreadable.Any(u => u.Field == e.Field))];

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
/// A token lifetime's input on the add and edit forms: its element id, the names
/// its amount and unit post as, and the unit it starts in.
/// </summary>
/// <remarks>
/// <see cref="Label"/> is what the pages call it: the authorization code's lifetime
/// is the "sign-in code" lifetime, because the forms and panels also list the
/// "Authorization code" grant type, which is something else.
/// </remarks>
internal sealed record LifetimeInput(TokenLifetimeKind Kind, string Id, string InputName, string Label, LifetimeUnit DefaultUnit)
{
    // Default units fit the registry's ranges: access tokens live minutes to a
    // day, refresh tokens hours to a year, sign-in codes seconds to minutes.
    public static IReadOnlyList<LifetimeInput> All { get; } =
    [
        new(TokenLifetimeKind.AccessToken, "access-token-lifetime", nameof(ApplicationInput.AccessTokenLifetime), "Access token lifetime", LifetimeUnit.Minutes),
        new(TokenLifetimeKind.RefreshToken, "refresh-token-lifetime", nameof(ApplicationInput.RefreshTokenLifetime), "Refresh token lifetime", LifetimeUnit.Days),
        new(TokenLifetimeKind.AuthorizationCode, "authorization-code-lifetime", nameof(ApplicationInput.AuthorizationCodeLifetime), "Sign-in code lifetime", LifetimeUnit.Seconds),
    ];

    public string UnitId => Id + "-unit";

    public string UnitInputName => InputName + "Unit";

    /// <summary>The unit the select shows: as posted or as stored, else the default.</summary>
    public LifetimeUnit UnitOf(ApplicationInput input) => LifetimeUnit.Find(input.TypedUnit(Kind)) ?? DefaultUnit;
}

/// <summary>
/// A unit of the forms' lifetime inputs. Seconds are offered too: sign-in codes
/// are allowed from 10 seconds, and an application registered through the API
/// may hold any whole number of seconds, which the edit form must show exactly.
/// </summary>
internal sealed record LifetimeUnit(string Value, TimeSpan Size)
{
    public static readonly LifetimeUnit Seconds = new("seconds", TimeSpan.FromSeconds(1));
    public static readonly LifetimeUnit Minutes = new("minutes", TimeSpan.FromMinutes(1));
    public static readonly LifetimeUnit Hours = new("hours", TimeSpan.FromHours(1));
    public static readonly LifetimeUnit Days = new("days", TimeSpan.FromDays(1));

    /// <summary>Smallest first, as the selects list them.</summary>
    public static IReadOnlyList<LifetimeUnit> All { get; } = [Seconds, Minutes, Hours, Days];

    public static string Choices => "seconds, minutes, hours or days";

    public static LifetimeUnit? Find(string? value) => All.FirstOrDefault(u => u.Value == value);

    /// <summary>The lifetime of <paramref name="count"/> units; beyond what a TimeSpan holds, the longest there is, for the registry to refuse as out of range.</summary>
    public TimeSpan Of(long count) =>
        count > TimeSpan.MaxValue.Ticks / Size.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks(count * Size.Ticks);

    /// <summary>A lifetime in the largest unit that divides it exactly: 14 days, 2 hours, 90 seconds.</summary>
    public static (long Amount, LifetimeUnit Unit) Largest(TimeSpan lifetime)
    {
        var whole = TimeSpan.FromSeconds(Math.Round(lifetime.TotalSeconds));
        var unit = All.Last(u => whole.Ticks % u.Size.Ticks == 0);
        return (whole.Ticks / unit.Size.Ticks, unit);
    }
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
