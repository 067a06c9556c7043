using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>An administrator's whole life of one application, in the browser, checked against what an integration sees.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdministratorJourneyTests(BrowserSite site)
{
    [Fact]
    public Task An_administrator_adds_copies_views_edits_rotates_revokes_and_deletes_an_application() => site.RunAsync(async browser =>
    {
        var page = browser.Page;
        var name = "Jira Cloud sync " + Guid.NewGuid().ToString("N")[..6];
        using var http = site.Host.CreateHttpClient();

        // Sign in on the way to the list.
        await browser.OpenApplicationsAsync();

        // Add a confidential application with client credentials, in the dialog.
        await browser.OpenAddDialogAsync();
        var dialog = browser.Dialog;
        await dialog.Locator("#name").FillAsync(name);
        await dialog.Locator("#redirect-url-0").FillAsync("https://jira-sync.example.com/oauth/callback");
        await dialog.Locator("#client-type-confidential").CheckAsync();
        await dialog.Locator("#grant-type-client-credentials").CheckAsync();
        await dialog.Locator("#save-application").ClickAsync();
        var created = dialog.Locator("section#created-panel");
        await Expect(created).ToBeVisibleAsync();
        await Expect(created).ToContainTextAsync($"{name} is registered");

        // Copy both credentials with the copy buttons: the clipboard holds them and "Copied" shows.
        var clientId = await created.Locator("input#client-id").InputValueAsync();
        var clientSecret = await created.Locator("input#client-secret").InputValueAsync();
        Assert.False(string.IsNullOrWhiteSpace(clientId));
        Assert.False(string.IsNullOrWhiteSpace(clientSecret));
        await created.Locator("[data-copy=client-id]").ClickAsync();
        await Expect(created.Locator("#client-id-copied")).ToHaveTextAsync("Copied");
        Assert.Equal(clientId, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await created.Locator("[data-copy=client-secret]").ClickAsync();
        await Expect(created.Locator("#client-secret-copied")).ToHaveTextAsync("Copied");
        var copiedSecret = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Equal(clientSecret, copiedSecret);

        // The integration gets a token with what was copied and calls the API.
        var firstToken = await Integrator.AccessTokenAsync(http, clientId, copiedSecret);
        Assert.Equal(HttpStatusCode.OK, await Integrator.CallApiAsync(http, firstToken));

        // Done closes the dialog; the list has reloaded itself with the new row.
        await created.Locator("a#done").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await browser.FilterAsync(name);
        await Expect(browser.Rows).ToHaveCountAsync(1);
        var row = browser.Row(name);
        await Expect(row).ToHaveAttributeAsync("data-client-id", clientId);

        // Later: Credentials shows the secret masked until revealed, and it is the same secret.
        await browser.ChooseActionAsync(name, "Credentials");
        var secretField = dialog.Locator("#client-secret");
        await Expect(secretField).ToHaveAttributeAsync("type", "password");
        await Expect(secretField).ToHaveValueAsync("");
        await dialog.Locator("#reveal-secret").ClickAsync();
        await Expect(secretField).ToHaveAttributeAsync("type", "text");
        await Expect(secretField).ToHaveValueAsync(clientSecret);
        await Expect(dialog.Locator("#client-id")).ToHaveValueAsync(clientId);
        await browser.CloseDialogAsync();

        // Edit: add a second redirect URL and save.
        await browser.ChooseActionAsync(name, "Edit");
        await Expect(dialog.Locator("#client-type")).ToHaveValueAsync("Confidential");
        await Expect(dialog.Locator("#client-type")).Not.ToBeEditableAsync();
        await Expect(dialog.Locator("#save-application")).ToHaveTextAsync("Edit Application");
        await dialog.Locator("#add-redirect-url").ClickAsync();
        await Expect(dialog.Locator("#redirect-url-1")).ToBeFocusedAsync();
        await dialog.Locator("#redirect-url-1").FillAsync("https://jira-sync.example.com/oauth/callback-eu");
        await dialog.Locator("#save-application").ClickAsync();

        // Saved: no result to dismiss; the dialog closes, a notice above the list says so and the row shows the change.
        await Expect(dialog).ToBeHiddenAsync();
        var notice = page.Locator("#application-notice[role=status]");
        await Expect(notice).ToHaveTextAsync($"Saved “{name}”.");
        await Expect(row.Locator("td.number").First).ToHaveTextAsync("2");
        Assert.True(await notice.EvaluateAsync<bool>("n => !!(n.compareDocumentPosition(document.querySelector('#applications')) & Node.DOCUMENT_POSITION_FOLLOWING)"),
            "The notice is above the list.");

        // Rotate the secret: a new one, and until when the previous one keeps working.
        await browser.ChooseActionAsync(name, "Rotate secret");
        var rotatedAt = DateTimeOffset.UtcNow;
        await dialog.Locator("#rotate-secret").ClickAsync();
        var rotated = dialog.Locator("section#rotated-panel");
        await Expect(rotated).ToBeVisibleAsync();
        var newSecret = await rotated.Locator("input#client-secret").InputValueAsync();
        Assert.False(string.IsNullOrWhiteSpace(newSecret));
        Assert.NotEqual(clientSecret, newSecret);
        var validUntil = DateTimeOffset.Parse(
            (await rotated.Locator("time#previous-secret-valid-until").GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        Assert.InRange(validUntil, rotatedAt.AddDays(1).AddMinutes(-2), rotatedAt.AddDays(1).AddMinutes(2));
        await browser.CloseDialogAsync();

        // Tokens and grants lists the first token; a second one appears after the integration asks again.
        await browser.ChooseActionAsync(name, "Tokens and grants");
        await Expect(page.Locator("h1#page-title")).ToHaveTextAsync($"Tokens and grants of {name}");
        var tokenRows = page.Locator("table#tokens tr[data-token-id]");
        await Expect(tokenRows).ToHaveCountAsync(1);
        var firstTokenId = await tokenRows.First.GetAttributeAsync("data-token-id");
        var secondToken = await Integrator.AccessTokenAsync(http, clientId, newSecret);
        Assert.Equal(HttpStatusCode.OK, await Integrator.CallApiAsync(http, secondToken));
        await page.ReloadAsync();
        await Expect(tokenRows).ToHaveCountAsync(2);

        // Revoke the second token: the API refuses it at once and still takes the first.
        var secondRow = tokenRows.Filter(new() { HasNot = page.Locator($"[value='{firstTokenId}']") });
        await secondRow.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.Locator("#revocation-notice")).ToHaveTextAsync("The token is revoked.");
        await Expect(tokenRows).ToHaveCountAsync(1);
        await Expect(tokenRows.First).ToHaveAttributeAsync("data-token-id", firstTokenId!);
        Assert.Equal(HttpStatusCode.Unauthorized, await Integrator.CallApiAsync(http, secondToken));
        Assert.Equal(HttpStatusCode.OK, await Integrator.CallApiAsync(http, firstToken));

        // Delete the application: its first token and its credentials stop working.
        await browser.OpenApplicationsAsync(name);
        await browser.ChooseActionAsync(name, "Delete");
        await Expect(dialog.Locator("#delete-consequences")).ToContainTextAsync(clientId);
        await dialog.Locator("#delete-application").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(notice).ToHaveTextAsync(new Regex($"^Deleted “{Regex.Escape(name)}”: [0-9]+ active tokens? and [0-9]+ authorized users? lost access\\.\\s*$"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Integrator.CallApiAsync(http, firstToken));
        var (status, _, _) = await Integrator.ClientCredentialsAsync(http, clientId, newSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        await Expect(browser.Rows).ToHaveCountAsync(0);
        await Expect(page.Locator("#applications-empty")).ToBeVisibleAsync();

        // The audit log tells the whole story of that application, newest first.
        await page.GotoAsync(BrowserSession.AuditLogPath);
        await browser.ScriptsReadyAsync();
        await page.Locator("select#audit-application").SelectOptionAsync(clientId);
        await Expect(page).ToHaveURLAsync(new Regex($"clientId={clientId}"));
        await Expect(page.Locator("table#audit-entries tr[data-action]")).ToHaveCountAsync(6);
        var actions = await page.Locator("table#audit-entries tr[data-action]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)");
        Assert.Equal(
            ["application.deleted", "token.revoked", "secret.rotated", "application.updated", "credentials.revealed", "application.created"],
            actions);
    });
}
