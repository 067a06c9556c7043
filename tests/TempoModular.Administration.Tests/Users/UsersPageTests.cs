using System.Net;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>Settings > Users: the list with each user's four permissions, and changing them through the page's forms.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class UsersPageTests(AdministrationHostFixture fixture)
{
    private const string UsersPath = "/settings/users";
    private const string SettingsPage = Browser.ApplicationsPath;

    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task The_page_lists_users_with_their_permissions_and_the_sidebar_leads_to_it()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.JiraAdministrator, "Dorothy Vaughan");
        using var admin = await Host.SignedInClientAsync();

        var page = await admin.GetStringAsync(UsersPath);
        var key = UserNames.Normalize(userName).ToLowerInvariant();

        Assert.Contains("Dorothy Vaughan", page);
        Assert.Contains("checked", Browser.Element(page, $"user-{key}-JiraAdministrator"));
        Assert.DoesNotContain("checked", Browser.Element(page, $"user-{key}-TempoAdministrator"));
        Assert.Contains($"href=\"{UsersPath}\" aria-current=\"page\"", page);
    }

    [Fact]
    public async Task Granting_the_fourth_permission_lets_the_user_in_on_their_next_request_and_withdrawing_it_locks_them_out()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.OAuthApplicationAdministrator & ~TempoPermissions.TempoTeamAdministrator);
        using var them = await Host.SignedInClientAsync(userName, Browser.UserPassword);
        using var admin = await Host.SignedInClientAsync();

        var refused = await them.GetAsync(SettingsPage);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var denied = await (await them.GetAsync(refused.Headers.Location!.OriginalString)).Content.ReadAsStringAsync();
        Assert.Contains("<li>Tempo Team Administrator</li>", denied);

        var granted = await admin.SubmitAsync(UsersPath, UsersPath + "?handler=Permissions", htmx: false,
            ("userName", userName), ("permissions", "TempoAdministrator"), ("permissions", "JiraAdministrator"), ("permissions", "TempoTeamAdministrator"), ("permissions", "TempoAccountAdministrator"));
        Assert.Contains("Permissions of Grace Hopper saved.", await granted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await them.GetAsync(SettingsPage)).StatusCode);

        await admin.SubmitAsync(UsersPath, UsersPath + "?handler=Permissions", htmx: false,
            ("userName", userName), ("permissions", "TempoAdministrator"), ("permissions", "JiraAdministrator"), ("permissions", "TempoTeamAdministrator"));
        Assert.Equal(HttpStatusCode.Redirect, (await them.GetAsync(SettingsPage)).StatusCode);
    }

    [Fact]
    public async Task Adding_a_user_on_the_page_shows_the_generated_password_once_and_errors_next_to_their_fields()
    {
        using var admin = await Host.SignedInClientAsync();
        var userName = "page." + Guid.NewGuid().ToString("N")[..8];

        var refused = await (await admin.SubmitAsync(UsersPath, UsersPath + "?handler=Add", htmx: false,
            ("NewUser.UserName", userName), ("NewUser.DisplayName", ""), ("NewUser.Password", ""))).Content.ReadAsStringAsync();
        var added = await (await admin.SubmitAsync(UsersPath, UsersPath + "?handler=Add", htmx: false,
            ("NewUser.UserName", userName), ("NewUser.DisplayName", "Mary Jackson"), ("NewUser.Password", ""), ("NewUser.Permissions", "TempoAdministrator"))).Content.ReadAsStringAsync();

        Assert.Equal("Enter a display name.", Browser.FieldError(refused, "new-displayName"));
        Assert.Contains($"Mary Jackson ({userName}) added.", added);
        var password = System.Text.RegularExpressions.Regex.Match(added, "<code id=\"generated-password\">([^<]+)</code>").Groups[1].Value;
        Assert.Equal(24, password.Length);
        Assert.DoesNotContain("generated-password", await admin.GetStringAsync(UsersPath));
        using var them = await Host.SignedInClientAsync(userName, password);
    }
}
