using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using TempoModular.Applications;
using TempoModular.Identity;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>
/// The screenshots in docs/screenshots, taken from a site of their own holding
/// believable data. They go to docs/screenshots only with TEMPO_WRITE_SCREENSHOTS=1
/// (run it that way after changing a page, and look at them before committing);
/// otherwise to the test output folder, so an ordinary run checks the pages still
/// render and leaves the repository alone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DocumentationScreenshots(BrowserSite site)
{
    private const string UserPassword = "a long enough password";

    [Fact]
    public async Task Screenshots_for_the_documentation_are_produced()
    {
        await using var host = await KestrelHost.StartAsync();
        var folder = ScreenshotFolder();
        Directory.CreateDirectory(folder);

        var jira = await RegisterAsync(host, "Jira Cloud sync", ClientType.Confidential,
            ["https://jira-sync.example.com/oauth/callback", "https://jira-sync.example.com/oauth/callback-eu"],
            GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var payroll = await RegisterAsync(host, "Payroll export", ClientType.Confidential,
            ["https://payroll.example.com/tempo/callback"], GrantTypes.ClientCredentials);
        await RegisterAsync(host, "Mobile timesheet app", ClientType.Public,
            ["http://127.0.0.1:8765/callback"], GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var powerBi = await RegisterAsync(host, "Power BI reports", ClientType.Confidential,
            ["https://reports.example.com/oauth/tempo"], GrantTypes.ClientCredentials);
        await RegisterAsync(host, "Slack time reminders", ClientType.Confidential,
            ["https://slack-reminders.example.com/oauth/callback"], GrantTypes.AuthorizationCode);

        using var http = host.CreateHttpClient();
        await Integrator.AccessTokenAsync(http, payroll.ClientId, payroll.ClientSecret!);
        await Integrator.AccessTokenAsync(http, payroll.ClientId, payroll.ClientSecret!);
        await Integrator.AccessTokenAsync(http, powerBi.ClientId, powerBi.ClientSecret!);

        // Two people authorize Jira Cloud sync in their browsers: grants, and access and refresh tokens.
        await AuthorizeInBrowserAsync(host, http, jira, "ada.lovelace", "Ada Lovelace");
        await AuthorizeInBrowserAsync(host, http, jira, "grace.hopper", "Grace Hopper");

        await site.RunAsync(async browser =>
        {
            var page = browser.Page;
            await browser.OpenApplicationsAsync();
            await Expect(browser.Rows).ToHaveCountAsync(5);
            await page.Mouse.MoveAsync(0, 0);
            await SaveAsync(page, folder, "applications-list.png");

            await browser.OpenAddDialogAsync();
            await browser.Dialog.Locator("#redirect-url-0").FillAsync("http://payroll.example.com/callback");
            await browser.Dialog.Locator("#grant-type-client-credentials").CheckAsync();
            await browser.Dialog.Locator("#save-application").ClickAsync();
            await Expect(browser.Dialog.Locator("#form-errors")).ToBeVisibleAsync();
            await Expect(browser.Dialog.Locator("#name-error")).ToBeVisibleAsync();
            await SaveAsync(page, folder, "add-application-errors.png");
            await page.Keyboard.PressAsync("Escape");
            await Expect(browser.Dialog).ToBeHiddenAsync();

            await browser.ChooseActionAsync("Payroll export", "Credentials");
            await browser.Dialog.Locator("#reveal-secret").ClickAsync();
            await Expect(browser.Dialog.Locator("#client-secret")).ToHaveValueAsync(payroll.ClientSecret!);
            await Expect(browser.Dialog.Locator("[data-copy=client-secret]")).ToBeVisibleAsync();
            await SaveAsync(page, folder, "credentials.png");
            await browser.CloseDialogAsync();

            await browser.ChooseActionAsync("Jira Cloud sync", "Tokens and grants");
            await Expect(page.Locator("table#grants tbody tr")).ToHaveCountAsync(2);
            await Expect(page.Locator("table#tokens tr[data-token-id]")).ToHaveCountAsync(4);
            // People, not normalized keys: "Ada Lovelace (ada.lovelace)".
            await Expect(page.Locator("table#grants tbody th").First).ToHaveTextAsync("Ada Lovelace (ada.lovelace)");
            await SaveAsync(page, folder, "tokens-and-grants.png");
        }, host);
    }

    /// <summary>docs/screenshots of the repository when asked to write them, else the test output folder.</summary>
    private static string ScreenshotFolder()
    {
        if (Environment.GetEnvironmentVariable("TEMPO_WRITE_SCREENSHOTS") != "1")
        {
            return Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", "docs");
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TempoModular.sln")))
        {
            directory = directory.Parent;
        }

        return directory is null
            ? throw new InvalidOperationException($"No TempoModular.sln above {AppContext.BaseDirectory}: cannot find docs/screenshots.")
            : Path.Combine(directory.FullName, "docs", "screenshots");
    }

    private static async Task SaveAsync(IPage page, string folder, string file)
    {
        var path = Path.Combine(folder, file);
        var png = await page.ScreenshotAsync(new() { Path = path, Animations = ScreenshotAnimations.Disabled, Caret = ScreenshotCaret.Hide });

        // PNG: the IHDR chunk's width and height follow the 8-byte signature and 8 bytes of chunk header.
        Assert.Equal((1280, 800), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
    }

    private static async Task<ApplicationCredentials> RegisterAsync(KestrelHost host, string name, ClientType type, string[] redirectUrls, params string[] grantTypes)
    {
        var result = await host.Grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, redirectUrls, type, grantTypes), "admin");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Value!;
    }

    /// <summary>
    /// A user signs in and consents in a browser (authorization code with PKCE), and
    /// the application's back end exchanges the code.
    /// </summary>
    private async Task AuthorizeInBrowserAsync(KestrelHost host, HttpClient http, ApplicationCredentials app, string userName, string displayName)
    {
        var errors = await host.Grains.GetGrain<IUserGrain>(UserNames.Normalize(userName))
            .CreateAsync(new NewUser(userName, displayName, UserPassword, TempoPermissions.None));
        Assert.Empty(errors);

        var redirectUri = "https://jira-sync.example.com/oauth/callback";
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var authorize = QueryHelpers.AddQueryString("/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = "read write",
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

        string? code = null;
        await site.RunAsync(async browser =>
        {
            var page = browser.Page;

            // The consent's answer is a redirect to the application, another site:
            // the browser must not go there (nothing but 127.0.0.1 may be reached).
            // The answer is fetched here instead, without following the redirect,
            // and the browser is shown where it would have gone.
            string? location = null;
            await page.RouteAsync("**/oauth/authorize", async route =>
            {
                if (route.Request.Method != "POST")
                {
                    await route.ContinueAsync();
                    return;
                }

                var answer = await route.FetchAsync(new() { MaxRedirects = 0 });
                location = answer.Headers.GetValueOrDefault("location");
                await route.FulfillAsync(new()
                {
                    Status = 200,
                    ContentType = "text/html",
                    Body = $"<!DOCTYPE html><title>Back to the application</title><p id=\"redirect\">{WebUtility.HtmlEncode(location)}</p>",
                });
            });
            await page.GotoAsync(authorize);
            await browser.SignInAsync(userName, UserPassword);
            await Expect(page.Locator("h1#consent-title")).ToHaveTextAsync("Authorize Jira Cloud sync");
            await page.GetByRole(AriaRole.Button, new() { Name = "Authorize", Exact = true }).ClickAsync();
            await Expect(page.Locator("#redirect")).ToHaveTextAsync(new Regex("^" + Regex.Escape(redirectUri + "?")));
            var query = QueryHelpers.ParseQuery(new Uri(location!).Query);
            Assert.Equal(state, query["state"].ToString());
            code = query["code"].ToString();
        }, host, $"{nameof(Screenshots_for_the_documentation_are_produced)}_{userName}");

        using var response = await http.PostAsync("/oauth/token", new FormUrlEncodedContent(
        [
            new("grant_type", "authorization_code"),
            new("code", code!),
            new("redirect_uri", redirectUri),
            new("client_id", app.ClientId),
            new("client_secret", app.ClientSecret!),
            new("code_verifier", verifier),
        ]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.TryGetProperty("refresh_token", out _), body);
    }
}
