using System.Text.RegularExpressions;
using TempoModular.Identity;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>Who may open the settings pages, as a browser sees it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessTests(BrowserSite site)
{
    [Fact]
    public Task A_user_without_the_permissions_sees_the_403_page_naming_the_ones_missing() => site.RunAsync(async browser =>
    {
        var userName = "timesheet.lead." + Guid.NewGuid().ToString("N")[..8];
        const string password = "a long enough password";
        var errors = await site.Host.Grains.GetGrain<IUserGrain>(UserNames.Normalize(userName))
            .CreateAsync(new NewUser(userName, "Grace Hopper", password, TempoPermissions.TempoAdministrator));
        Assert.Empty(errors);

        // The 403 page answers with its status; Chromium logs that on the console.
        browser.ExpectConsoleError(new Regex("/account/access-denied.*status of 403"));
        await browser.Page.GotoAsync(BrowserSession.ApplicationsPath);
        await Expect(browser.Page).ToHaveURLAsync(new Regex("/account/sign-in"));
        await browser.SignInAsync(userName, password);

        await Expect(browser.Page).ToHaveURLAsync(new Regex("/account/access-denied"));
        await Expect(browser.Page.Locator("h1")).ToHaveTextAsync("Access denied");
        await Expect(browser.Page.Locator("ul.missing-permissions > li")).ToHaveTextAsync(
            ["Jira Administrator", "Tempo Team Administrator", "Tempo Account Administrator"]);
        await Expect(browser.Page.Locator("#page-title")).ToHaveCountAsync(0);
        await Expect(browser.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Sign in as another user" })).ToBeVisibleAsync();
    });
}
