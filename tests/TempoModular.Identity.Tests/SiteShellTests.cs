using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Testing;

namespace TempoModular.Identity.Tests;

/// <summary>The host's shell around every page: layout, htmx from our own origin, security headers.</summary>
public sealed class SiteShellTests(SiteHostFixture fixture) : IClassFixture<SiteHostFixture>
{
    private const string FullPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Htmx_is_served_from_this_site_with_a_javascript_content_type()
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync("/lib/htmx/htmx.min.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("htmx", await response.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public void The_site_serves_its_assets_as_built_without_a_file_check_on_every_request()
    {
        // MapStaticAssets' development support adds this catch-all for files put in
        // wwwroot after the build; its constraint stats the disk for every GET the
        // other routes match, the REST API's included.
        var routes = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.Contains(routes, route => route.RoutePattern.RawText == "lib/htmx/htmx.min.js");
        Assert.DoesNotContain(routes, route => route.RoutePattern.RawText == "{**path:file}");
    }

    [Fact]
    public async Task The_stylesheet_is_served_as_css()
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".htmx-indicator", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/", false)]
    [InlineData("/account/sign-in", false)]
    [InlineData("/", true)]
    [InlineData("/account/access-denied", true)]
    [InlineData("/account/sign-out", true)]
    public async Task Pages_have_no_inline_script_and_no_style_attribute(string path, bool signedIn)
    {
        using var client = Host.CreateClient();
        if (signedIn)
        {
            await client.SignInAsAdministratorAsync();
        }

        var page = await (await client.GetAsync(path)).Content.ReadAsStringAsync();

        Assert.Contains("<main id=\"main\"", page);
        Assert.DoesNotMatch(new Regex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase), page);
        Assert.DoesNotMatch(new Regex("\\sstyle\\s*=", RegexOptions.IgnoreCase), page);
        Assert.DoesNotMatch(new Regex("\\son[a-z]+\\s*=", RegexOptions.IgnoreCase), page);
        Assert.DoesNotContain("<style", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_layout_loads_htmx_from_this_site_configured_for_the_content_security_policy()
    {
        using var client = Host.CreateClient();

        var page = await client.GetStringAsync("/");

        Assert.Contains("<script src=\"/lib/htmx/htmx.min.js\" defer></script>", page);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/css/site.css\">", page);
        var config = Regex.Match(page, "<meta name=\"htmx-config\" content='([^']*)'>");
        Assert.True(config.Success, "The layout has no htmx-config meta tag.");
        using var json = System.Text.Json.JsonDocument.Parse(config.Groups[1].Value);
        Assert.False(json.RootElement.GetProperty("includeIndicatorStyles").GetBoolean());
        Assert.False(json.RootElement.GetProperty("allowEval").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("historyCacheSize").GetInt32());
        Assert.Contains("<a class=\"skip-link\" href=\"#main\">", page);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var client = Host.CreateClient();

        foreach (var path in new[] { "/", "/health/live", "/css/site.css", "/no/such/page" })
        {
            var response = await client.GetAsync(path);

            Assert.Equal(FullPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }
    }

    [Theory]
    [InlineData("/oauth/authorize")]
    [InlineData("/account/sign-in")]
    public async Task Pages_whose_forms_end_at_a_client_redirect_url_leave_out_form_action(string path)
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync(path);

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(FullPolicy.Replace("; form-action 'self'", ""), policy);
    }

    [Fact]
    public async Task The_landing_page_links_to_the_oauth_applications_settings_and_the_metadata()
    {
        using var client = Host.CreateClient();

        var page = await client.GetStringAsync("/");

        Assert.Contains("href=\"/settings/data-access/oauth-applications\"", page);
        Assert.Contains("href=\"/.well-known/oauth-authorization-server\"", page);
        Assert.DoesNotContain("action=\"/account/sign-out\"", page);
    }
}
