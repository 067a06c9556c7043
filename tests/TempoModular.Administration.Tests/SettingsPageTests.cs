using System.Net;
using System.Text.RegularExpressions;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>Every Settings page: whole page or htmx fragment, who gets in, antiforgery.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class SettingsPageTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    /// <summary>Each page, and the element its fragment is (the root htmx swaps in).</summary>
    public static TheoryData<string, string> Pages() => new()
    {
        { "list", "id=\"applications\"" },
        { "new", "id=\"application-form-panel\"" },
        { "edit", "id=\"application-form-panel\"" },
        { "credentials", "id=\"credentials-panel\"" },
        { "rotate-secret", "id=\"rotate-panel\"" },
        { "delete", "id=\"delete-panel\"" },
        { "tokens", "id=\"tokens-and-grants\"" },
        { "audit-log", "id=\"audit-log\"" },
        { "users", "id=\"users\"" },
    };

    [Fact]
    public async Task Settings_is_an_entry_of_the_sidebar_with_its_own_page_and_breadcrumbs_are_links()
    {
        using var client = await Host.SignedInClientAsync();

        var settings = await client.GetStringAsync("/settings");
        var list = await client.GetStringAsync(Browser.ApplicationsPath);

        Assert.Contains("<a href=\"/settings\" id=\"sidebar-settings\" aria-current=\"page\">Settings</a>", settings);
        Assert.Contains("href=\"/settings/users\"", settings);
        Assert.Contains("<li><a href=\"/settings\">Settings</a></li>", list);
        Assert.Contains($"<li><a href=\"{Browser.ApplicationsPath}\">Data Access</a></li>", list);
        Assert.Contains("<li aria-current=\"page\">OAuth 2.0 Applications</li>", list);
    }

    [Fact]
    public async Task The_home_page_offers_to_sign_in_until_signed_in()
    {
        using var anonymous = Host.CreateClient();
        using var signedIn = await Host.SignedInClientAsync();

        Assert.Contains("<a href=\"/account/sign-in\" id=\"sign-in\">Sign in</a>", await anonymous.GetStringAsync("/"));
        Assert.DoesNotContain("id=\"sign-in\"", await signedIn.GetStringAsync("/"));
    }

    [Theory, MemberData(nameof(Pages))]
    public async Task A_plain_request_gets_the_whole_page_with_the_settings_sidebar_and_varies_on_HX_Request(string page, string fragmentRoot)
    {
        using var client = await Host.SignedInClientAsync();
        var path = await PathOfAsync(page);

        var response = await client.GetAsync(path, htmx: false);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HX-Request", response.Headers.Vary);
        Assert.Contains("<!DOCTYPE html>", html);
        Assert.Contains("<main id=\"main\"", html);
        Assert.Contains("<nav aria-label=\"Settings\">", html);
        Assert.Contains("href=\"/settings/data-access/oauth-applications\"", html);
        Assert.Contains("href=\"/settings/audit-log\"", html);
        Assert.Contains("<span class=\"user-name\">Administrator</span>", html);
        Assert.Contains("action=\"/account/sign-out\"", html);
        Assert.Contains(fragmentRoot, html);
    }

    [Theory, MemberData(nameof(Pages))]
    public async Task An_htmx_request_gets_only_the_fragment_and_varies_on_HX_Request(string page, string fragmentRoot)
    {
        using var client = await Host.SignedInClientAsync();
        var path = await PathOfAsync(page);

        var response = await client.GetAsync(path, htmx: true);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HX-Request", response.Headers.Vary);
        Assert.DoesNotContain("<html", html);
        Assert.DoesNotContain("<main", html);
        Assert.DoesNotContain("<nav aria-label=\"Settings\">", html);
        Assert.StartsWith("<", html.TrimStart());
        Assert.Contains(fragmentRoot, html[..Math.Min(html.Length, 400)]);
    }

    [Theory, MemberData(nameof(Pages))]
    public async Task Pages_and_fragments_carry_no_inline_script_style_or_event_handler_and_are_not_cached(string page, string fragmentRoot)
    {
        _ = fragmentRoot;
        using var client = await Host.SignedInClientAsync();
        var path = await PathOfAsync(page);

        foreach (var htmx in new[] { false, true })
        {
            var response = await client.GetAsync(path, htmx);
            var html = await response.Content.ReadAsStringAsync();

            Assert.DoesNotMatch(new Regex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase), html);
            Assert.DoesNotMatch(new Regex("\\sstyle\\s*=", RegexOptions.IgnoreCase), html);
            Assert.DoesNotMatch(new Regex("\\son[a-z]+\\s*=", RegexOptions.IgnoreCase), html);
            Assert.DoesNotMatch(new Regex("\\shx-on", RegexOptions.IgnoreCase), html);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path} may be cached.");
        }
    }

    [Fact]
    public async Task The_layout_loads_the_site_script_from_this_site()
    {
        using var client = await Host.SignedInClientAsync();

        var page = await client.GetStringAsync(Browser.ApplicationsPath);
        var script = await client.GetAsync("/js/site.js");

        Assert.Contains("<script src=\"/js/site.js\" defer></script>", page);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("showModal", await script.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(Browser.ApplicationsPath)]
    [InlineData(Browser.ApplicationsPath + "/new")]
    [InlineData(Browser.AuditLogPath)]
    public async Task An_anonymous_user_is_sent_to_sign_in_and_back(string path)
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("/account/sign-in", location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0]);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), location.OriginalString);
    }

    [Fact]
    public async Task Signing_in_from_the_redirect_comes_back_to_the_applications()
    {
        using var client = Host.CreateClient();
        var refused = await client.GetAsync(Browser.ApplicationsPath + "?page=1");
        var signIn = refused.Headers.Location!.PathAndQuery();

        var page = await client.GetStringAsync(signIn);
        var response = await client.PostAsync(signIn, Browser.Form(page, ("UserName", TestUsers.AdminUser), ("Password", TestUsers.AdminPassword)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Browser.ApplicationsPath + "?page=1", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Browser.ApplicationsPath)).StatusCode);
    }

    [Fact]
    public async Task An_anonymous_htmx_request_is_told_to_load_the_sign_in_page()
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync(Browser.ApplicationsPath + "?filter=x", htmx: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("/account/sign-in?ReturnUrl=", response.Headers.GetValues("HX-Redirect").Single());
    }

    [Fact]
    public async Task A_signed_in_user_without_all_four_permissions_gets_the_403_page_naming_the_missing_ones()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.TempoAdministrator | TempoPermissions.TempoTeamAdministrator);
        using var client = await Host.SignedInClientAsync(userName, Browser.UserPassword);

        var response = await client.GetAsync(Browser.ApplicationsPath);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/access-denied", response.Headers.Location!.PathAndQuery());

        var denied = await client.GetAsync(response.Headers.Location!.PathAndQuery());
        var page = await denied.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("<li>Jira Administrator</li>", page);
        Assert.Contains("<li>Tempo Account Administrator</li>", page);
        Assert.DoesNotContain("<li>Tempo Administrator</li>", page);
        Assert.DoesNotContain("<li>Tempo Team Administrator</li>", page);
    }

    [Fact]
    public async Task A_user_without_the_permissions_cannot_post_to_a_settings_page_either()
    {
        var victim = await Host.RegisterAsync();
        var userName = await Host.CreateUserAsync(TempoPermissions.OAuthApplicationAdministrator & ~TempoPermissions.JiraAdministrator);
        using var client = await Host.SignedInClientAsync(userName, Browser.UserPassword);
        var anyPage = await client.GetStringAsync("/");

        var response = await client.PostFormAsync(anyPage, $"{Browser.ApplicationsPath}/{victim.ClientId}/delete", htmx: false);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/access-denied", response.Headers.Location!.PathAndQuery());
        Assert.NotNull(await Host.Grains.GetGrain<IOAuthApplicationGrain>(victim.ClientId).GetAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing(bool htmx)
    {
        var application = await Host.RegisterAsync();
        using var client = await Host.SignedInClientAsync();
        await client.GetStringAsync(Browser.ApplicationsPath); // the antiforgery cookie alone is not enough
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Browser.ApplicationsPath}/{application.ClientId}/delete")
        {
            Content = new FormUrlEncodedContent([]),
        };
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync());
    }

    [Fact]
    public async Task A_post_with_another_users_antiforgery_token_is_refused()
    {
        var application = await Host.RegisterAsync();
        var otherUser = await Host.CreateUserAsync(TempoPermissions.OAuthApplicationAdministrator);
        using var other = await Host.SignedInClientAsync(otherUser, Browser.UserPassword);
        var othersPage = await other.GetStringAsync(Browser.ApplicationsPath);
        using var admin = await Host.SignedInClientAsync();

        var response = await admin.PostFormAsync(othersPage, $"{Browser.ApplicationsPath}/{application.ClientId}/delete", htmx: true);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync());
    }

    [Theory]
    [InlineData("edit")]
    [InlineData("credentials")]
    [InlineData("rotate-secret")]
    [InlineData("delete")]
    [InlineData("tokens")]
    public async Task An_unknown_application_is_404_as_a_page_and_a_message_in_the_dialog(string action)
    {
        using var client = await Host.SignedInClientAsync();
        var path = $"{Browser.ApplicationsPath}/no-such-client/{action}";

        var page = await client.GetAsync(path, htmx: false);
        var fragment = await client.GetAsync(path, htmx: true);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Application not found", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
        Assert.Contains("id=\"not-found-panel\"", await fragment.Content.ReadAsStringAsync());
    }

    private async Task<string> PathOfAsync(string page)
    {
        if (page == "list")
        {
            return Browser.ApplicationsPath;
        }

        if (page == "audit-log")
        {
            return Browser.AuditLogPath;
        }

        if (page == "users")
        {
            return "/settings/users";
        }

        if (page == "new")
        {
            return Browser.ApplicationsPath + "/new";
        }

        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials]);
        return $"{Browser.ApplicationsPath}/{application.ClientId}/{page}";
    }
}

internal static class UriExtensions
{
    /// <summary>The path and query of a Location header, whether it is absolute or not.</summary>
    public static string PathAndQuery(this Uri location) => location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
}
