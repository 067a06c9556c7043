using Microsoft.Playwright;
using TempoModular.Applications;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>
/// Every settings page at a laptop's 1280x800 and a phone's 390x844: no sideways
/// pan, dialog buttons in sight, the Actions menu reachable, no console error.
/// Screenshots of each go to the test output folder (TestResults/screenshots/fit).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageFitTests(BrowserSite site)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public Task Every_settings_page_fits_the_window_without_panning_sideways(int width, int height) => site.RunAsync(async browser =>
    {
        var name = "Fit check " + Guid.NewGuid().ToString("N")[..6];
        var application = await RegisterAsync(name);
        var page = browser.Page;
        await page.SetViewportSizeAsync(width, height);
        await browser.OpenApplicationsAsync(name);
        await AssertFitsAsync(page, width, height, "applications-list");

        foreach (var path in new[]
                 {
                     "/settings", "/settings/audit-log", "/settings/users",
                     $"{BrowserSession.ApplicationsPath}/{application.ClientId}/tokens",
                     $"{BrowserSession.ApplicationsPath}/new",
                     $"{BrowserSession.ApplicationsPath}/{application.ClientId}/edit",
                     $"{BrowserSession.ApplicationsPath}/{application.ClientId}/delete",
                 })
        {
            await page.GotoAsync(path);
            await browser.ScriptsReadyAsync();
            await AssertFitsAsync(page, width, height, path.Trim('/').Replace('/', '-').Replace(application.ClientId, "app"));
        }

        // The dialogs over the list: their buttons are in the window without scrolling inside them.
        await browser.OpenApplicationsAsync(name);
        await browser.OpenAddDialogAsync();
        await AssertInWindowAsync(browser.Dialog.Locator("#save-application"), width, height);
        await AssertFitsAsync(page, width, height, "add-dialog");
        await page.Keyboard.PressAsync("Escape");

        foreach (var (action, button) in new[] { ("Edit", "#save-application"), ("Delete", "#delete-application"), ("Rotate secret", "#rotate-secret"), ("Credentials", "[data-close-dialog]") })
        {
            await browser.ChooseActionAsync(name, action);
            await AssertInWindowAsync(browser.Dialog.Locator(button).First, width, height);
            await AssertFitsAsync(page, width, height, action.ToLowerInvariant().Replace(' ', '-') + "-dialog");
            await page.Keyboard.PressAsync("Escape");
            await Expect(browser.Dialog).ToBeHiddenAsync();
        }

        // Every item of the Actions menu can be seen and chosen.
        var row = browser.Row(name);
        await row.Locator("details.menu > summary").ClickAsync();
        foreach (var item in new[] { "Credentials", "Edit", "Tokens and grants", "Rotate secret", "Delete" })
        {
            var link = row.Locator(".menu-items").GetByRole(AriaRole.Link, new() { Name = item, Exact = true });
            await link.ScrollIntoViewIfNeededAsync();
            await Expect(link).ToBeInViewportAsync();
            Assert.True(await IsTopmostAsync(link), $"{item} in the Actions menu is covered or clipped at {width} px.");
        }

        await AssertFitsAsync(page, width, height, "actions-menu");
        await row.Locator(".menu-items").GetByRole(AriaRole.Link, new() { Name = "Delete", Exact = true }).ClickAsync();
        await AssertInWindowAsync(browser.Dialog.Locator("#delete-application"), width, height);
    });

    private static async Task AssertFitsAsync(IPage page, int width, int height, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", "fit");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{width}x{height}.png") });
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{name} is {overflow} px wider than a {width} px window.");
    }

    private static async Task AssertInWindowAsync(ILocator element, int width, int height)
    {
        await Expect(element).ToBeVisibleAsync();
        var box = await element.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y >= 0 && box.Y + box.Height <= height && box.X >= 0 && box.X + box.Width <= width,
            $"The button is at ({box.X}, {box.Y}) to ({box.X + box.Width}, {box.Y + box.Height}), outside a {width}x{height} window.");
    }

    // What a click at the element's centre would hit: the element itself, not a clipping or covering box.
    private static Task<bool> IsTopmostAsync(ILocator element) =>
        element.EvaluateAsync<bool>("e => { const r = e.getBoundingClientRect(); const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return hit === e || e.contains(hit); }");

    private async Task<ApplicationCredentials> RegisterAsync(string name)
    {
        var result = await site.Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, ["https://integration.example.com/oauth/callback"], ClientType.Confidential, [GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials]),
            "browser-tests");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Value!.Credentials;
    }
}
