using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace TempoModular.Browser.Tests;

/// <summary>
/// One site on Kestrel and one headless Chromium, shared by the tests of the
/// <see cref="BrowserCollection"/>. Each test gets a browser context of its own
/// (its own cookies and clipboard permission), so tests do not sign each other in.
/// </summary>
public sealed class BrowserSite : IAsyncLifetime
{
    /// <summary>Debian's Chromium (scripts/test.sh installs it). Playwright never downloads a browser here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public KestrelHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Playwright's assertions wait 5 s by default; the 2-core CI machine runs a
        // silo, Kestrel and Chromium side by side.
        Assertions.SetDefaultExpectTimeout(15_000);
        Host = await KestrelHost.StartAsync();
        (_playwright, Browser) = await LaunchChromiumAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }

    /// <summary>
    /// Starts Playwright's driver (node and its package, copied from the NuGet package
    /// into .playwright/ of the build output) and launches Debian's Chromium by path.
    /// A missing Chromium fails the test: these tests never skip.
    /// </summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchChromiumAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: install Debian's chromium package (scripts/test.sh does). The browser tests never download a browser.");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                ],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a test's steps in a fresh browser context on <paramref name="host"/> (this
    /// site by default). When a step fails, a screenshot of the page is saved and the
    /// failure names it; when the steps pass, no console error, uncaught exception or
    /// Content-Security-Policy violation may have occurred on any page visited.
    /// </summary>
    public async Task RunAsync(Func<BrowserSession, Task> steps, KestrelHost? host = null, [CallerMemberName] string test = "")
    {
        await using var session = await BrowserSession.OpenAsync(Browser, host ?? Host);
        try
        {
            await steps(session);
        }
        catch (Exception failure)
        {
            var screenshot = await session.SaveFailureScreenshotAsync(test);
            throw new BrowserTestFailure($"{failure.Message}{Environment.NewLine}Page: {session.Page.Url}{Environment.NewLine}Screenshot: {screenshot}", failure);
        }

        session.AssertNoPageProblems(test);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserSite>
{
    public const string Name = "Browser";
}

/// <summary>A browser test's step failed; the message says where its screenshot is.</summary>
public sealed class BrowserTestFailure(string message, Exception inner) : Exception(message, inner);
