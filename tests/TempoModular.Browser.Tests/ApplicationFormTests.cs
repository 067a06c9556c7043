using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>The add form in its dialog: client types, grant types and validation as a browser shows them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApplicationFormTests(BrowserSite site)
{
    [Fact]
    public Task A_public_application_shows_no_secret() => site.RunAsync(async browser =>
    {
        var name = "Mobile timesheet app " + Guid.NewGuid().ToString("N")[..6];
        await browser.OpenApplicationsAsync();
        await browser.OpenAddDialogAsync();
        var dialog = browser.Dialog;
        await dialog.Locator("#name").FillAsync(name);
        await dialog.Locator("#redirect-url-0").FillAsync("http://127.0.0.1:8765/callback");
        await dialog.Locator("#client-type-public").CheckAsync();
        await dialog.Locator("#grant-type-refresh-token").CheckAsync();
        await dialog.Locator("#save-application").ClickAsync();

        var created = dialog.Locator("section#created-panel");
        await Expect(created).ToBeVisibleAsync();
        await Expect(created.Locator("#client-id")).Not.ToHaveValueAsync("");
        await Expect(created.Locator("#client-secret-none")).ToContainTextAsync("public client, which has no client secret");
        await Expect(created.Locator("#client-secret")).ToHaveCountAsync(0);
        await Expect(created.Locator("[data-copy=client-secret]")).ToHaveCountAsync(0);
        await browser.CloseDialogAsync();

        // Later, Credentials says the same and offers nothing to reveal; the menu offers no rotation.
        await browser.FilterAsync(name);
        await Expect(browser.Rows).ToHaveCountAsync(1);
        await Expect(browser.Row(name).Locator("td").Nth(1)).ToHaveTextAsync("Public");
        await browser.ChooseActionAsync(name, "Credentials");
        await Expect(dialog.Locator("#client-secret-none")).ToBeVisibleAsync();
        await Expect(dialog.Locator("#reveal-secret")).ToHaveCountAsync(0);
        await browser.CloseDialogAsync();
        await Expect(browser.Row(name).Locator(".menu-items a")).ToHaveTextAsync(["Credentials", "Edit", "Tokens and grants", "Delete"]);
    });

    [Fact]
    public Task Implicit_cannot_be_selected() => site.RunAsync(async browser =>
    {
        await browser.OpenApplicationsAsync();
        await browser.OpenAddDialogAsync();
        var implicitGrant = browser.Dialog.Locator("#grant-type-implicit");
        var label = browser.Dialog.Locator("label.choice", new() { Has = browser.Page.Locator("#grant-type-implicit") });

        await Expect(implicitGrant).ToBeDisabledAsync();
        await Expect(implicitGrant).Not.ToBeCheckedAsync();
        await Expect(label).ToContainTextAsync("Implicit (deprecated, can no longer be selected)");
        await Expect(implicitGrant).ToHaveAccessibleDescriptionAsync(new Regex("deprecated, can no longer be selected"));

        // A user clicking its label anyway changes nothing (Force: Playwright itself
        // refuses to click a disabled control's label, which is the point).
        await label.ClickAsync(new() { Force = true });
        await Expect(implicitGrant).Not.ToBeCheckedAsync();
    });

    [Fact]
    public Task Validation_errors_show_next_to_their_fields_without_losing_what_was_typed() => site.RunAsync(async browser =>
    {
        await browser.OpenApplicationsAsync();
        await browser.OpenAddDialogAsync();
        var dialog = browser.Dialog;
        await dialog.Locator("#name").FillAsync("   ");
        await dialog.Locator("#redirect-url-0").FillAsync("https://payroll.example.com/oauth/callback");
        await dialog.Locator("#add-redirect-url").ClickAsync();
        await Expect(dialog.Locator("#redirect-url-1")).ToBeFocusedAsync();
        await dialog.Locator("#redirect-url-1").FillAsync("http://payroll.example.com/oauth/callback");
        await dialog.Locator("#grant-type-client-credentials").CheckAsync();
        await dialog.Locator("#grant-type-refresh-token").CheckAsync();
        await dialog.Locator("#save-application").ClickAsync();

        await Expect(dialog.Locator("#form-errors")).ToBeVisibleAsync();
        await Expect(dialog.Locator("#form-errors")).ToContainTextAsync("The application was not saved");
        await Expect(dialog.Locator("#name-error")).ToHaveTextAsync("Enter a name.");
        await Expect(dialog.Locator("#name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialog.Locator("#name")).ToHaveAccessibleDescriptionAsync("Enter a name.");
        await Expect(dialog.Locator("#redirect-url-1-error")).ToHaveTextAsync(
            "Use https. Plain http is allowed only for loopback addresses (127.0.0.1, [::1], localhost).");
        await Expect(dialog.Locator("#redirect-url-1")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialog.Locator("#redirect-url-1")).ToHaveAccessibleDescriptionAsync(new Regex("^Use https"));
        await Expect(dialog.Locator("#redirect-url-0-error")).ToHaveCountAsync(0);

        // Everything typed is still there; the dialog is still open, nothing was added.
        await Expect(dialog.Locator("#name")).ToHaveValueAsync("   ");
        await Expect(dialog.Locator("#redirect-url-0")).ToHaveValueAsync("https://payroll.example.com/oauth/callback");
        await Expect(dialog.Locator("#redirect-url-1")).ToHaveValueAsync("http://payroll.example.com/oauth/callback");
        await Expect(dialog.Locator("#client-type-confidential")).ToBeCheckedAsync();
        await Expect(dialog.Locator("#grant-type-authorization-code")).ToBeCheckedAsync();
        await Expect(dialog.Locator("#grant-type-client-credentials")).ToBeCheckedAsync();
        await Expect(dialog.Locator("#grant-type-refresh-token")).ToBeCheckedAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("section#created-panel")).ToHaveCountAsync(0);

        // Correcting the fields saves the application.
        var name = "Payroll export " + Guid.NewGuid().ToString("N")[..6];
        await dialog.Locator("#name").FillAsync(name);
        await dialog.Locator("#redirect-url-1").FillAsync("https://payroll.example.com/oauth/callback-2");
        await dialog.Locator("#save-application").ClickAsync();
        await Expect(dialog.Locator("section#created-panel")).ToContainTextAsync($"{name} is registered");
    });

    [Fact]
    public Task A_token_lifetime_is_an_amount_and_a_unit_refused_in_the_units_words_and_outlined() => site.RunAsync(async browser =>
    {
        await browser.OpenApplicationsAsync();
        await browser.OpenAddDialogAsync();
        var dialog = browser.Dialog;
        var name = "Lifetime units " + Guid.NewGuid().ToString("N")[..6];
        await dialog.Locator("#name").FillAsync(name);
        await dialog.Locator("#redirect-url-0").FillAsync("https://units.example.com/oauth/callback");
        await dialog.Locator("#advanced-settings > summary").ClickAsync();
        var amount = dialog.Locator("#access-token-lifetime");
        var unit = dialog.Locator("#access-token-lifetime-unit");
        await Expect(unit).ToHaveValueAsync("minutes");
        await Expect(dialog.Locator("#refresh-token-lifetime-unit")).ToHaveValueAsync("days");
        await Expect(dialog.Locator("#access-token-lifetime-hint")).ToHaveTextAsync("Server default: 1 hour.");
        await amount.FillAsync("1.5");
        await unit.SelectOptionAsync("hours");
        await dialog.Locator("#save-application").ClickAsync();

        await Expect(dialog.Locator("#access-token-lifetime-error")).ToHaveTextAsync("Enter a positive whole number of hours.");
        await Expect(amount).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(unit).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(amount).ToHaveAccessibleDescriptionAsync(new Regex("^Enter a positive whole number of hours\\."));
        await Expect(amount).ToBeFocusedAsync();
        await Expect(amount).ToHaveValueAsync("1.5");
        await Expect(unit).ToHaveValueAsync("hours");

        // Outlined: the invalid field's border is not the one a valid field has.
        var invalidBorder = await amount.EvaluateAsync<string>("e => getComputedStyle(e).borderTopColor + ' ' + getComputedStyle(e).boxShadow");
        var validBorder = await dialog.Locator("#refresh-token-lifetime").EvaluateAsync<string>("e => getComputedStyle(e).borderTopColor + ' ' + getComputedStyle(e).boxShadow");
        Assert.NotEqual(validBorder, invalidBorder);
        Assert.NotEqual("none", invalidBorder.Split(' ', 4)[^1]);

        await amount.FillAsync("2");
        await dialog.Locator("#save-application").ClickAsync();
        await Expect(dialog.Locator("section#created-panel")).ToContainTextAsync($"{name} is registered");
        await browser.CloseDialogAsync();

        // The edit form shows it back in hours.
        await browser.ChooseActionAsync(name, "Edit");
        await dialog.Locator("#advanced-settings > summary").ClickAsync();
        await Expect(dialog.Locator("#access-token-lifetime")).ToHaveValueAsync("2");
        await Expect(dialog.Locator("#access-token-lifetime-unit")).ToHaveValueAsync("hours");
    });
}
