using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TempoModular.Applications;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>The list of applications: filtering as one types, and keyboard use of its dialogs.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApplicationListTests(BrowserSite site)
{
    [Fact]
    public Task The_filter_narrows_the_list_as_you_type() => site.RunAsync(async browser =>
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..7];
        await RegisterAsync($"{tag} Payroll export");
        await RegisterAsync($"{tag} Payroll import");
        await RegisterAsync($"{tag} Mobile timesheet app");
        await browser.OpenApplicationsAsync();
        var status = browser.Page.Locator("#applications-status");

        // No button is pressed: the list follows the typing after its short pause.
        await browser.FilterAsync(tag);
        await Expect(browser.Rows).ToHaveCountAsync(3);
        await Expect(status).ToHaveTextAsync(new Regex("^3 applications match"));

        await browser.Page.Locator("input#filter").PressSequentiallyAsync(" Payroll");
        await Expect(browser.Rows.Locator("th[scope=row]")).ToHaveTextAsync([$"{tag} Payroll export", $"{tag} Payroll import"]);
        await Expect(browser.Page).ToHaveURLAsync(new Regex("filter=" + tag));

        await browser.Page.Locator("input#filter").PressSequentiallyAsync(" zz");
        await Expect(browser.Rows).ToHaveCountAsync(0);
        await Expect(browser.Page.Locator("#applications-empty")).ToContainTextAsync("No application matches");

        // Clearing the box brings the others back.
        await browser.Page.Locator("input#filter").FillAsync(tag);
        await Expect(browser.Rows).ToHaveCountAsync(3);
    });

    [Fact]
    public Task The_dialog_takes_focus_when_opened_and_gives_it_back_to_its_opener_when_closed() => site.RunAsync(async browser =>
    {
        var page = browser.Page;
        var name = "Salesforce billing bridge " + Guid.NewGuid().ToString("N")[..6];
        await RegisterAsync(name);
        await browser.OpenApplicationsAsync(name);

        // Add application, from the keyboard.
        var add = page.Locator("a#add-application");
        await add.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(browser.Dialog).ToBeVisibleAsync();
        await Expect(browser.Dialog.Locator("#application-form-panel")).ToBeVisibleAsync();
        Assert.True(await FocusIsInDialogAsync(page), "Focus did not move into the dialog.");
        await page.Keyboard.PressAsync("Escape");
        await Expect(browser.Dialog).ToBeHiddenAsync();
        await Expect(add).ToBeFocusedAsync();
        await Expect(browser.Dialog.Locator("#dialog-content")).ToBeEmptyAsync();

        // A row's Actions menu: open it, arrow down to Credentials, Enter; Escape comes back to the menu.
        var summary = browser.Row(name).Locator("details.menu > summary");
        await summary.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(browser.Row(name).GetByRole(AriaRole.Link, new() { Name = "Credentials", Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(browser.Dialog.Locator("#credentials-panel")).ToBeVisibleAsync();
        Assert.True(await FocusIsInDialogAsync(page), "Focus did not move into the dialog.");
        await page.Keyboard.PressAsync("Escape");
        await Expect(browser.Dialog).ToBeHiddenAsync();
        await Expect(summary).ToBeFocusedAsync();
    });

    private static Task<bool> FocusIsInDialogAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => { const d = document.getElementById('application-dialog'); return d.open && d.contains(document.activeElement) && document.activeElement !== d; }");

    private async Task RegisterAsync(string name)
    {
        var result = await site.Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, ["https://integration.example.com/oauth/callback"], ClientType.Confidential, [GrantTypes.AuthorizationCode]),
            "browser-tests");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
    }
}
