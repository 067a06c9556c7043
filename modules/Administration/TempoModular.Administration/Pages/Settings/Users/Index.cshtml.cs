using Microsoft.AspNetCore.Mvc;
using TempoModular.Identity;

namespace TempoModular.Administration.Pages.Settings.Users;

/// <summary>Settings > Users: every user with their four permissions; add, grant and withdraw, reset a password, unlock, deactivate.</summary>
internal sealed class IndexModel(UserAdministration users) : SettingsPageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    /// <summary>What the last action did, in words (shown inline, not in a dialog).</summary>
    public string? Notice { get; private set; }

    /// <summary>A password generated for the administrator to hand over; shown once.</summary>
    public string? GeneratedPassword { get; private set; }

    /// <summary>The user an action concerned, and what refused it (by field).</summary>
    public string? Concerning { get; private set; }

    public IReadOnlyList<UserError> Errors { get; private set; } = [];

    [BindProperty]
    public NewUserInput NewUser { get; set; } = new();

    public Task<IActionResult> OnGetAsync() => ShowAsync();

    public async Task<IActionResult> OnPostAddAsync()
    {
        var outcome = await users.AddAsync(NewUser.UserName, NewUser.DisplayName, NewUser.Password, Parse(NewUser.Permissions), Administrator);
        Concerning = "new";
        if (outcome.Succeeded)
        {
            Notice = $"{outcome.User!.DisplayName} ({outcome.User.UserName}) added.";
            GeneratedPassword = outcome.GeneratedPassword;
            NewUser = new();
        }

        return await ShowAsync(outcome);
    }

    public async Task<IActionResult> OnPostPermissionsAsync(string userName, List<string>? permissions) =>
        await ShowAsync(await users.SetPermissionsAsync(userName, Parse(permissions), Administrator), userName, u => $"Permissions of {u.DisplayName} saved.");

    public async Task<IActionResult> OnPostResetPasswordAsync(string userName, string? password)
    {
        var outcome = await users.ResetPasswordAsync(userName, password, Administrator);
        GeneratedPassword = outcome.GeneratedPassword;
        return await ShowAsync(outcome, userName, u => $"New password set for {u.DisplayName}; their sign-ins ended.");
    }

    public async Task<IActionResult> OnPostUnlockAsync(string userName) =>
        await ShowAsync(await users.UnlockAsync(userName, Administrator), userName, u => $"{u.DisplayName} can sign in again.");

    public async Task<IActionResult> OnPostDeactivateAsync(string userName) =>
        await ShowAsync(await users.DeactivateAsync(userName, Administrator), userName,
            u => $"{u.DisplayName} is deactivated: their sign-ins ended and their grants to applications were revoked.");

    /// <summary>The message for a field of the user the last action concerned.</summary>
    public string? ErrorFor(string concerning, string field) =>
        Concerning == concerning ? Errors.FirstOrDefault(e => e.Field == field)?.Message : null;

    public static string FieldId(UserRow user, string field) => $"user-{user.Key.ToLowerInvariant()}-{field}";

    private async Task<IActionResult> ShowAsync(UserOutcome outcome, string userName, Func<UserProfile, string> notice)
    {
        Concerning = UserNames.Normalize(userName ?? "");
        if (outcome.Succeeded)
        {
            Notice = notice(outcome.User!);
        }

        return await ShowAsync(outcome);
    }

    private async Task<IActionResult> ShowAsync(UserOutcome? outcome = null)
    {
        Errors = outcome?.Errors ?? [];
        Users = await users.ListAsync();

        return PageOrFragment("_Users", this);
    }

    // The form posts the permissions' enum names; anything else is not a permission.
    private static TempoPermissions Parse(IEnumerable<string>? names) =>
        (names ?? []).Aggregate(TempoPermissions.None, (held, name) =>
            TempoPermissionNames.Four.FirstOrDefault(p => p.Permission.ToString() == name).Permission | held);
}

/// <summary>The add-user form as posted.</summary>
internal sealed class NewUserInput
{
    public string? UserName { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>Blank: the server generates one and shows it once.</summary>
    public string? Password { get; set; }

    public List<string> Permissions { get; set; } = [];
}
