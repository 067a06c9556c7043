using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TempoModular.Testing;
using static Microsoft.Playwright.Assertions;

namespace TempoModular.Browser.Tests;

/// <summary>
/// One browser context and its page, signed in or not, with the steps the tests
/// repeat: sign in, open the list, choose a row's action. It records every console
/// error, uncaught exception, Content-Security-Policy violation and request to
/// another site of its pages.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ApplicationsPath = "/settings/data-access/oauth-applications";
    public const string AuditLogPath = "/settings/audit-log";

    // The browser reports every securitypolicyviolation on the console, whatever
    // the page does; the init script runs outside the page's policy.
    private const string ReportPolicyViolations =
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));";

    private readonly List<string> _problems = [];
    private readonly List<Regex> _expected = [];

    private BrowserSession(KestrelHost host, IBrowserContext context, IPage page)
    {
        Host = host;
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console error on {message.Location}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record($"uncaught exception on {page.Url}: {error}");

        // Nothing but the site on 127.0.0.1 may be reached: no CDN, no other site.
        // The event comes for redirects too, which a route cannot intercept.
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Authority != host.Address.Authority)
            {
                Record($"request to another site: {request.Method} {request.Url}");
            }
        };
    }

    public KestrelHost Host { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>The site's origin, e.g. http://127.0.0.1:41234.</summary>
    public string Origin => Host.Address.GetLeftPart(UriPartial.Authority);

    public static async Task<BrowserSession> OpenAsync(IBrowser browser, KestrelHost host)
    {
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = host.Address.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        await context.AddInitScriptAsync(ReportPolicyViolations);

        // The copy buttons write to the clipboard and the tests read it back.
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = host.Address.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        return new BrowserSession(host, context, page);
    }

    /// <summary>A console error the test provokes on purpose (e.g. the 403 page's own status).</summary>
    public void ExpectConsoleError(Regex pattern) => _expected.Add(pattern);

    public async Task SignInAsync(string userName = TestUsers.AdminUser, string password = TestUsers.AdminPassword)
    {
        if (!Page.Url.Contains("/account/sign-in", StringComparison.Ordinal))
        {
            await Page.GotoAsync("/account/sign-in");
        }

        await Page.Locator("#user-name").FillAsync(userName);
        await Page.Locator("#password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(Page).Not.ToHaveURLAsync(new Regex("/account/sign-in"));
    }

    /// <summary>Opens Settings > Data Access > OAuth 2.0 Applications, signing in as the administrator when asked to.</summary>
    public async Task OpenApplicationsAsync(string? filter = null)
    {
        var path = filter is null ? ApplicationsPath : $"{ApplicationsPath}?filter={Uri.EscapeDataString(filter)}";
        await Page.GotoAsync(path);
        if (Page.Url.Contains("/account/sign-in", StringComparison.Ordinal))
        {
            await SignInAsync();
        }

        await Expect(Page.Locator("h1#page-title")).ToHaveTextAsync("OAuth 2.0 Applications");
        await ScriptsReadyAsync();
    }

    /// <summary>
    /// Waits until htmx and site.js have run (both are deferred scripts): the copy
    /// buttons are shown by site.js and htmx marks processed elements.
    /// </summary>
    public Task ScriptsReadyAsync() => Page.WaitForFunctionAsync("() => window.htmx !== undefined && document.readyState === 'complete'");

    public ILocator Dialog => Page.Locator("dialog#application-dialog");

    public ILocator Rows => Page.Locator("#applications-table tr[data-client-id]");

    /// <summary>The list's row of the application with this (unique) name.</summary>
    public ILocator Row(string name) =>
        Rows.Filter(new() { Has = Page.Locator("th[scope=row]", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });

    /// <summary>Opens the row's Actions menu and chooses an item; a dialog item opens the dialog.</summary>
    public async Task ChooseActionAsync(string applicationName, string action)
    {
        var row = Row(applicationName);
        await row.Locator("details.menu > summary").ClickAsync();
        await row.Locator(".menu-items").GetByRole(AriaRole.Link, new() { Name = action, Exact = true }).ClickAsync();
        if (action != "Tokens and grants")
        {
            await Expect(Dialog).ToBeVisibleAsync();
        }
    }

    /// <summary>Closes the dialog with its Done, Close or Cancel link.</summary>
    public async Task CloseDialogAsync()
    {
        await Dialog.Locator("[data-close-dialog]").First.ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
    }

    /// <summary>Opens the Add application dialog from the list.</summary>
    public async Task OpenAddDialogAsync()
    {
        await Page.Locator("a#add-application").ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
        await Expect(Dialog.Locator("#save-application")).ToHaveTextAsync("Add Application");
    }

    /// <summary>Types into the filter box key by key, as a user does (the list follows after a 300 ms pause).</summary>
    public async Task FilterAsync(string text)
    {
        var filter = Page.Locator("input#filter");
        await filter.FillAsync("");
        await filter.PressSequentiallyAsync(text);
    }

    /// <summary>Saves a screenshot under the test output folder's TestResults/screenshots and returns its path.</summary>
    public async Task<string> SaveFailureScreenshotAsync(string test)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", test + ".png");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await Page.ScreenshotAsync(new() { Path = path, FullPage = true, Timeout = 10_000 });
            return path;
        }
        catch (Exception e)
        {
            return $"(none: {e.Message})";
        }
    }

    public void AssertNoPageProblems(string test)
    {
        string[] unexpected;
        lock (_problems)
        {
            unexpected = [.. _problems.Where(p => !_expected.Any(e => e.IsMatch(p)))];
        }

        Assert.True(unexpected.Length == 0, $"{test}: the pages reported problems:{Environment.NewLine}{string.Join(Environment.NewLine, unexpected)}");
    }

    /// <summary>
    /// Proves on the current page that a policy violation would be caught: sets an
    /// inline style attribute (which style-src 'self' forbids), waits for the report,
    /// and takes that one report back.
    /// </summary>
    public async Task AssertPolicyViolationsAreCaughtAsync()
    {
        int before;
        lock (_problems)
        {
            before = _problems.Count;
        }

        await Page.EvaluateAsync("() => { const probe = document.createElement('span'); probe.setAttribute('style', 'color: red'); document.body.append(probe); probe.remove(); }");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            lock (_problems)
            {
                // Two reports: the event's (from the init script) and Chromium's own console message.
                var reports = Enumerable.Range(before, _problems.Count - before)
                    .Where(i => _problems[i].Contains("CSP violation: style-src-attr", StringComparison.Ordinal) || _problems[i].Contains("Applying inline style violates", StringComparison.Ordinal))
                    .ToList();
                if (reports.Count == 2)
                {
                    _problems.RemoveAt(reports[1]);
                    _problems.RemoveAt(reports[0]);
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"A forbidden inline style on {Page.Url} was not reported: the check for policy violations sees nothing.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
