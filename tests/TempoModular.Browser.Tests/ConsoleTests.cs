using Microsoft.Playwright;
using TempoModular.Applications;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>
/// Every page of the site, loaded whole and (for the list's dialogs) over the list,
/// at a laptop's and a phone's size: no console error, no uncaught exception and no
/// Content-Security-Policy violation (the session records them all and
/// <see cref="BrowserSite.RunAsync"/> fails the test on any), and no inline style
/// for the policy to block in the first place.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleTests(BrowserSite site)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public Task Every_page_loads_without_console_errors_or_policy_violations(int width, int height) => site.RunAsync(async browser =>
    {
        var name = "Console check " + Guid.NewGuid().ToString("N")[..6];
        var application = await RegisterAsync(name);
        var page = browser.Page;
        await page.SetViewportSizeAsync(width, height);

        // Signed out: the home page and the sign-in page.
        foreach (var path in new[] { "/", "/account/sign-in" })
        {
            await LoadAsync(browser, path);
        }

        await browser.AssertPolicyViolationsAreCaughtAsync();
        await browser.SignInAsync();

        var app = $"{BrowserSession.ApplicationsPath}/{application.ClientId}";
        foreach (var path in new[]
                 {
                     "/", "/settings", BrowserSession.ApplicationsPath, $"{BrowserSession.ApplicationsPath}/new",
                     $"{app}/edit", $"{app}/credentials", $"{app}/rotate-secret", $"{app}/delete", $"{app}/tokens",
                     "/settings/users", BrowserSession.AuditLogPath,
                 })
        {
            await LoadAsync(browser, path);
        }

        // The dialogs as htmx loads them over the list, reloaded several times (the
        // reported error came "on every load" of the list).
        for (var load = 0; load < 3; load++)
        {
            await browser.OpenApplicationsAsync(name);
            await AssertNoInlineStylesAsync(page);
        }

        await browser.OpenAddDialogAsync();
        await AssertNoInlineStylesAsync(page);
        await page.Keyboard.PressAsync("Escape");
        foreach (var action in new[] { "Credentials", "Edit", "Rotate secret", "Delete" })
        {
            await browser.ChooseActionAsync(name, action);
            await AssertNoInlineStylesAsync(page);
            await page.Keyboard.PressAsync("Escape");
            await Expect(browser.Dialog).ToBeHiddenAsync();
        }

        await browser.AssertPolicyViolationsAreCaughtAsync();
    });

    private static async Task LoadAsync(BrowserSession browser, string path)
    {
        var response = await browser.Page.GotoAsync(path);
        Assert.True(response is { Ok: true }, $"{path} answered {response?.Status}.");
        await browser.ScriptsReadyAsync();
        await browser.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AssertNoInlineStylesAsync(browser.Page);
    }

    // style-src 'self' blocks style attributes (even empty ones) and <style>
    // elements, and the browser says so on the console; none may be in the page.
    private static async Task AssertNoInlineStylesAsync(IPage page)
    {
        var inline = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('[style], style')].map(e => e.outerHTML.slice(0, 120))");
        Assert.True(inline.Length == 0, $"{page.Url} has inline styles: {string.Join(" | ", inline)}");
    }

    private async Task<ApplicationCredentials> RegisterAsync(string name)
    {
        var result = await site.Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, ["https://integration.example.com/oauth/callback"], ClientType.Confidential, [GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials]),
            "browser-tests");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Value!.Credentials;
    }
}
