using System.Net;
using System.Text.RegularExpressions;
using TempoModular.Testing;

namespace TempoModular.Identity.Tests;

/// <summary>The real host (every module, the silo, SQLite) for the tests of one class.</summary>
public sealed class SiteHostFixture : IAsyncLifetime
{
    public TestHost<Program> Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHost<Program>.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>What the tests do in a browser's place: read pages, post forms with their antiforgery token, create users.</summary>
internal static partial class Browser
{
    public const string SignInCookie = "Tempo.SignIn";
    public const string UserPassword = "a long enough password";

    public static async Task<string> CreateUserAsync(this TestHost<Program> host, TempoPermissions permissions, string displayName = "Grace Hopper")
    {
        var userName = IdentitySilo.NewUserName();
        var errors = await host.Grains.GetGrain<IUserGrain>(UserNames.Normalize(userName))
            .CreateAsync(new NewUser(userName, displayName, UserPassword, permissions));
        Assert.Empty(errors);
        return userName;
    }

    /// <summary>Opens the sign-in page (with the return URL, if any) and posts the form as a browser would.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string? userName, string? password, string? returnUrl = null)
    {
        var path = returnUrl is null ? "/account/sign-in" : "/account/sign-in?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        var page = await client.GetStringAsync(path);
        return await client.PostAsync(FormAction(page), Form(page, ("UserName", userName), ("Password", password)));
    }

    public static async Task SignInAsAdministratorAsync(this HttpClient client)
    {
        var response = await client.SignInAsync(TestUsers.AdminUser, TestUsers.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The page's form fields plus the antiforgery token the page carries.</summary>
    public static FormUrlEncodedContent Form(string page, params (string Name, string? Value)[] fields) =>
        new([
            .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value ?? "")),
            new KeyValuePair<string, string>("__RequestVerificationToken", AntiforgeryToken(page)),
        ]);

    public static string AntiforgeryToken(string page)
    {
        var input = HiddenTokenInput().Match(page);
        Assert.True(input.Success, "The page has no antiforgery token field.");
        return WebUtility.HtmlDecode(ValueAttribute().Match(input.Value).Groups[1].Value);
    }

    /// <summary>Where the page's first form posts (as a browser resolves it, HTML-decoded).</summary>
    public static string FormAction(string page) =>
        WebUtility.HtmlDecode(SignInFormAction().Match(page) is { Success: true } match ? match.Groups[1].Value : "/account/sign-in");

    /// <summary>The sign-in cookies a response sets (the whole Set-Cookie header of each).</summary>
    public static List<string> SignInCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Where(v => v.StartsWith(SignInCookie + "=", StringComparison.Ordinal)).ToList()
            : [];

    /// <summary>The message under a field (the span its input's aria-describedby names).</summary>
    public static string? FieldError(string page, string id) =>
        Regex.Match(page, $"<span class=\"field-error\" id=\"{id}-error\">([^<]*)</span>") is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : null;

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex HiddenTokenInput();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();

    [GeneratedRegex("<form method=\"post\" action=\"(/account/sign-in[^\"]*)\"")]
    private static partial Regex SignInFormAction();
}
