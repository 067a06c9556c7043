using System.Text.RegularExpressions;
using TempoModular.Identity;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>Settings > Users in a browser: permissions changed by an administrator reach the user on their next request.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UsersTests(BrowserSite site)
{
    private const string UsersPath = "/settings/users";
    private const string Password = "a long enough password";

    [Fact]
    public Task Granting_the_fourth_permission_lets_the_user_in_and_withdrawing_it_locks_them_out_on_the_next_request() => site.RunAsync(async user =>
    {
        var userName = "team.lead." + Guid.NewGuid().ToString("N")[..8];
        var key = UserNames.Normalize(userName).ToLowerInvariant();
        Assert.Empty(await site.Host.Grains.GetGrain<IUserGrain>(UserNames.Normalize(userName)).CreateAsync(new NewUser(
            userName, "Katherine Johnson", Password, TempoPermissions.OAuthApplicationAdministrator & ~TempoPermissions.TempoAccountAdministrator)));

        // Refused, with the page naming what is missing. The 403 page answers
        // with its status; Chromium logs that on the console.
        user.ExpectConsoleError(new Regex("/account/access-denied.*status of 403"));
        await user.Page.GotoAsync(BrowserSession.ApplicationsPath);
        await user.SignInAsync(userName, Password);
        await Expect(user.Page).ToHaveURLAsync(new Regex("/account/access-denied"));
        await Expect(user.Page.Locator("ul.missing-permissions > li")).ToHaveTextAsync(["Tempo Account Administrator"]);

        await using var admin = await BrowserSession.OpenAsync(site.Browser, site.Host);
        await admin.Page.GotoAsync(UsersPath);
        await admin.SignInAsync();
        await Expect(admin.Page.Locator("h1#page-title")).ToHaveTextAsync("Users");
        // Ids hold the user name, dots included: as "#id", CSS would read ".lead" as a class.
        await admin.Page.Locator($"[id='user-{key}-TempoAccountAdministrator']").CheckAsync();
        await admin.Page.Locator($"[id='user-{key}-save']").ClickAsync();
        await Expect(admin.Page.Locator("#users-notice")).ToContainTextAsync("Permissions of Katherine Johnson saved.");

        await user.Page.GotoAsync(BrowserSession.ApplicationsPath);
        await Expect(user.Page.Locator("h1#page-title")).ToHaveTextAsync("OAuth 2.0 Applications");

        await admin.Page.Locator($"[id='user-{key}-JiraAdministrator']").UncheckAsync();
        await admin.Page.Locator($"[id='user-{key}-save']").ClickAsync();
        await Expect(admin.Page.Locator("#users-notice")).ToContainTextAsync("Permissions of Katherine Johnson saved.");

        await user.Page.GotoAsync(BrowserSession.ApplicationsPath);
        await Expect(user.Page).ToHaveURLAsync(new Regex("/account/access-denied"));
        await Expect(user.Page.Locator("ul.missing-permissions > li")).ToHaveTextAsync(["Jira Administrator"]);
        admin.AssertNoPageProblems(nameof(Granting_the_fourth_permission_lets_the_user_in_and_withdrawing_it_locks_them_out_on_the_next_request) + " (administrator)");
    });

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public Task The_users_page_does_not_pan_sideways(int width, int height) => site.RunAsync(async browser =>
    {
        await browser.Page.SetViewportSizeAsync(width, height);
        await browser.Page.GotoAsync(UsersPath);
        await browser.SignInAsync();
        await Expect(browser.Page.Locator("h1#page-title")).ToHaveTextAsync("Users");

        var overflow = await browser.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow} px wider than a {width} px window.");
    });
}
