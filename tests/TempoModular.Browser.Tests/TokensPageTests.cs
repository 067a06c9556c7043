using System.Net;
using Microsoft.Playwright;
using TempoModular.Applications;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>Tokens and grants: revoking every token of an application behind the browser's own confirmation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TokensPageTests(BrowserSite site)
{
    [Fact]
    public Task Revoke_all_tokens_asks_first_and_then_every_token_is_refused() => site.RunAsync(async browser =>
    {
        var page = browser.Page;
        var name = "Power BI reports " + Guid.NewGuid().ToString("N")[..6];
        var registered = await site.Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, ["https://powerbi.example.com/oauth/callback"], ClientType.Confidential, [GrantTypes.ClientCredentials]),
            "browser-tests");
        Assert.True(registered.Succeeded, string.Join("; ", registered.Errors));
        var app = registered.Value!;
        using var http = site.Host.CreateHttpClient();
        string[] tokens = [
            await Integrator.AccessTokenAsync(http, app.ClientId, app.ClientSecret!),
            await Integrator.AccessTokenAsync(http, app.ClientId, app.ClientSecret!),
            await Integrator.AccessTokenAsync(http, app.ClientId, app.ClientSecret!),
        ];

        await browser.OpenApplicationsAsync(name);
        await browser.ChooseActionAsync(name, "Tokens and grants");
        var rows = page.Locator("table#tokens tr[data-token-id]");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.Locator("#grants-empty")).ToBeVisibleAsync();

        // Dismissing the browser's confirmation revokes nothing.
        string? question = null;
        var dismiss = true;
        page.Dialog += Answer;
        await page.Locator("#revoke-all-tokens").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        Assert.Equal($"Revoke all 3 active tokens of {name}? The application must obtain new ones; users keep their grants.", question);
        Assert.Equal(HttpStatusCode.OK, await Integrator.CallApiAsync(http, tokens[0]));

        // Accepting it revokes them all, and the API refuses each on its next call.
        dismiss = false;
        await page.Locator("#revoke-all-tokens").ClickAsync();
        await Expect(page.Locator("#revocation-notice")).ToHaveTextAsync("3 active tokens revoked.");
        await Expect(page.Locator("#tokens-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#revoke-all-tokens")).ToHaveCountAsync(0);
        page.Dialog -= Answer;
        foreach (var token in tokens)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await Integrator.CallApiAsync(http, token));
        }

        async void Answer(object? sender, IDialog dialog)
        {
            question = dialog.Message;
            await (dismiss ? dialog.DismissAsync() : dialog.AcceptAsync());
        }
    });
}
