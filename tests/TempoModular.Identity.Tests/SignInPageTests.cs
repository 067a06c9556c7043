using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TempoModular.Identity.Pages.Account;
using TempoModular.Identity.SignIn;
using TempoModular.Testing;

namespace TempoModular.Identity.Tests;

/// <summary>/account/sign-in, /account/sign-out and /account/access-denied through the real host.</summary>
public sealed class SignInPageTests(SiteHostFixture fixture) : IClassFixture<SiteHostFixture>
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task The_sign_in_page_renders_a_form_with_an_antiforgery_token_under_the_content_security_policy()
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync("/account/sign-in");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<form method=\"post\" action=\"/account/sign-in\"", page);
        Assert.Contains("name=\"UserName\"", page);
        Assert.Contains("type=\"password\"", page);
        Assert.NotEmpty(Browser.AntiforgeryToken(page));
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("style-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
    }

    [Fact]
    public async Task A_sign_in_post_without_an_antiforgery_token_is_refused()
    {
        using var client = Host.CreateClient();
        await client.GetAsync("/account/sign-in"); // the antiforgery cookie alone is not enough

        var response = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = TestUsers.AdminUser,
            ["Password"] = TestUsers.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Browser.SignInCookies(response));
    }

    [Fact]
    public async Task A_wrong_password_shows_the_message_and_sets_no_cookie()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.None);
        using var client = Host.CreateClient();

        var response = await client.SignInAsync(userName, "not the password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(SignInModel.WrongCredentialsMessage, await response.Content.ReadAsStringAsync());
        Assert.Empty(Browser.SignInCookies(response));
    }

    [Fact]
    public async Task An_unknown_user_gets_the_same_message_as_a_wrong_password()
    {
        using var client = Host.CreateClient();

        var response = await client.SignInAsync("nobody." + Guid.NewGuid().ToString("N")[..8], "whatever password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(SignInModel.WrongCredentialsMessage, await response.Content.ReadAsStringAsync());
        Assert.Empty(Browser.SignInCookies(response));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_blank_user_name_shows_a_message_next_to_the_field(string userName)
    {
        using var client = Host.CreateClient();

        var response = await client.SignInAsync(userName, "some password");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Enter your user name.", Browser.FieldError(page, "user-name"));
        Assert.Contains("aria-describedby=\"user-name-error\"", page);
        Assert.DoesNotContain(SignInModel.WrongCredentialsMessage, page);
        Assert.Empty(Browser.SignInCookies(response));
    }

    [Fact]
    public async Task A_blank_password_shows_a_message_next_to_the_field_and_keeps_the_user_name()
    {
        using var client = Host.CreateClient();

        var response = await client.SignInAsync("someone", "");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal("Enter your password.", Browser.FieldError(page, "password"));
        Assert.Null(Browser.FieldError(page, "user-name"));
        Assert.Contains("value=\"someone\"", page);
    }

    [Fact]
    public async Task Signing_in_sets_an_http_only_same_site_lax_cookie_and_goes_to_the_local_return_url()
    {
        using var client = Host.CreateClient();
        const string returnUrl = "/settings/data-access/oauth-applications?page=2";

        var response = await client.SignInAsync(TestUsers.AdminUser, TestUsers.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(returnUrl, response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(Browser.SignInCookies(response));
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/", cookie, StringComparison.OrdinalIgnoreCase);

        // The layout now names the user and offers to sign out.
        var home = await client.GetStringAsync("/");
        Assert.Contains("<span class=\"user-name\">Administrator</span>", home);
        Assert.Contains("<form method=\"post\" action=\"/account/sign-out\">", home);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("http:/evil.example")]
    public async Task A_return_url_off_this_site_goes_home_instead(string returnUrl)
    {
        using var client = Host.CreateClient();

        var response = await client.SignInAsync(TestUsers.AdminUser, TestUsers.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Signing_out_clears_the_cookie_and_goes_to_the_sign_in_page()
    {
        using var client = Host.CreateClient();
        await client.SignInAsAdministratorAsync();
        var home = await client.GetStringAsync("/");

        var response = await client.PostAsync("/account/sign-out", Browser.Form(home));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/sign-in", response.Headers.Location?.OriginalString);
        var cleared = Assert.Single(Browser.SignInCookies(response));
        Assert.StartsWith(Browser.SignInCookie + "=;", cleared);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("action=\"/account/sign-out\"", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Signing_out_without_an_antiforgery_token_is_refused_and_the_user_stays_signed_in()
    {
        using var client = Host.CreateClient();
        await client.SignInAsAdministratorAsync();

        var response = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(Browser.SignInCookies(response), cookie => cookie.StartsWith(Browser.SignInCookie + "=;", StringComparison.Ordinal));
        Assert.Contains("action=\"/account/sign-out\"", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task An_htmx_request_passes_antiforgery_with_the_token_in_the_header_the_layout_configures()
    {
        using var client = Host.CreateClient();
        await client.SignInAsAdministratorAsync();
        var home = await client.GetStringAsync("/");
        var headers = System.Text.RegularExpressions.Regex.Match(home, "<body hx-headers=\"([^\"]*)\"");
        Assert.True(headers.Success, "The body carries no hx-headers.");
        var token = System.Text.Json.JsonDocument.Parse(WebUtility.HtmlDecode(headers.Groups[1].Value)).RootElement.GetProperty("X-CSRF-TOKEN").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/sign-out") { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("X-CSRF-TOKEN", token);
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Single(Browser.SignInCookies(response));
    }

    [Fact]
    public async Task The_access_denied_page_answers_403_and_names_the_permissions_the_user_lacks()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.TempoAdministrator | TempoPermissions.TempoAccountAdministrator);
        using var client = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(userName, Browser.UserPassword)).StatusCode);

        var response = await client.GetAsync("/account/access-denied");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<li>Jira Administrator</li>", page);
        Assert.Contains("<li>Tempo Team Administrator</li>", page);
        Assert.DoesNotContain("<li>Tempo Administrator</li>", page);
        Assert.DoesNotContain("<li>Tempo Account Administrator</li>", page);
    }

    [Fact]
    public async Task A_permission_change_reaches_a_signed_in_user_without_signing_in_again()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.None);
        using var client = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(userName, Browser.UserPassword)).StatusCode);
        Assert.Contains("<li>Jira Administrator</li>", await (await client.GetAsync("/account/access-denied")).Content.ReadAsStringAsync());

        Assert.Empty(await Host.Grains.GetGrain<IUserDirectoryGrain>(0).SetPermissionsAsync(userName, TempoPermissions.OAuthApplicationAdministrator));
        var page = await (await client.GetAsync("/account/access-denied")).Content.ReadAsStringAsync();

        Assert.DoesNotContain("<li>", page);
        Assert.Contains("You hold all four permissions", page);
    }

    [Fact]
    public async Task The_cookie_of_a_user_that_no_longer_exists_is_refused_and_cleared()
    {
        // A genuine cookie (protected with the host's own keys) whose user is not in storage.
        var ghost = new UserProfile("ghost." + Guid.NewGuid().ToString("N")[..8], "Ghost", TempoPermissions.OAuthApplicationAdministrator, DateTimeOffset.UtcNow);
        var options = Host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(TempoAuthentication.CookieScheme);
        var ticket = new AuthenticationTicket(SignInCookie.Principal(ghost), new AuthenticationProperties
        {
            IssuedUtc = DateTimeOffset.UtcNow.AddMinutes(-2),
            ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1),
        }, TempoAuthentication.CookieScheme);
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", Browser.SignInCookie + "=" + options.TicketDataFormat.Protect(ticket));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("action=\"/account/sign-out\"", await response.Content.ReadAsStringAsync());
        Assert.StartsWith(Browser.SignInCookie + "=;", Assert.Single(Browser.SignInCookies(response)));
    }
}
