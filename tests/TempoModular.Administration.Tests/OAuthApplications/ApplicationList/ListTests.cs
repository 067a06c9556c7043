using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The list, credentials, rotate, delete and tokens-and-grants pages, in their htmx and plain forms.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class ApplicationPagesTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task The_list_shows_each_applications_columns_and_an_actions_menu()
    {
        var name = Browser.UniqueName("Columns");
        var application = await Host.RegisterAsync(name, ClientType.Confidential, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        using var client = await Host.SignedInClientAsync();

        var page = await client.GetStringAsync(Browser.ApplicationsPath + "?filter=" + Uri.EscapeDataString(name));

        var row = page[page.IndexOf($"data-client-id=\"{application.ClientId}\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains($"<th scope=\"row\">{name}</th>", row);
        Assert.Contains($"<code>{application.ClientId}</code>", row);
        Assert.Contains("<td>Confidential</td>", row);
        Assert.Contains("<td>Authorization code, Refresh token</td>", row);
        Assert.Contains("<td class=\"number\">1</td>", row);
        Assert.Contains("<time datetime=", row);
        Assert.Contains($"<summary class=\"button subtle\">Actions<span class=\"visually-hidden\"> for {name}</span></summary>", row);
        foreach (var (label, action) in new[] { ("Credentials", "credentials"), ("Edit", "edit"), ("Tokens and grants", "tokens"), ("Rotate secret", "rotate-secret"), ("Delete", "delete") })
        {
            Assert.Contains($"href=\"{Browser.ApplicationsPath}/{application.ClientId}/{action}\"", row);
            Assert.Contains($">{label}</a>", row);
        }
    }

    [Fact]
    public async Task A_public_clients_menu_offers_no_rotate_secret()
    {
        var name = Browser.UniqueName("Public menu");
        var application = await Host.RegisterAsync(name, ClientType.Public);
        using var client = await Host.SignedInClientAsync();

        var page = await client.GetStringAsync(Browser.ApplicationsPath + "?filter=" + Uri.EscapeDataString(name));

        Assert.Contains($"{application.ClientId}/credentials", page);
        Assert.DoesNotContain($"{application.ClientId}/rotate-secret", page);
    }

    [Fact]
    public async Task The_filter_narrows_the_list_as_a_fragment_and_announces_what_it_found()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var wanted = await Host.RegisterAsync($"{tag} wanted");
        using var client = await Host.SignedInClientAsync();
        var full = await client.GetStringAsync(Browser.ApplicationsPath);

        var response = await client.GetAsync(Browser.ApplicationsPath + "?filter=" + tag, htmx: true);
        var fragment = await response.Content.ReadAsStringAsync();

        Assert.Contains("hx-trigger=\"input changed delay:300ms, search\"", full);
        Assert.Contains("<label for=\"filter\">Filter applications</label>", full);
        Assert.Contains($"data-client-id=\"{wanted.ClientId}\"", fragment);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(fragment, "data-client-id="));
        Assert.Contains("hx-swap-oob=\"true\"", fragment);
        Assert.Contains($"1 application match “{tag}”", WebUtility.HtmlDecode(fragment));
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_says_so_and_offers_to_clear_it()
    {
        using var client = await Host.SignedInClientAsync();

        var fragment = await (await client.GetAsync(Browser.ApplicationsPath + "?filter=zz-no-such-application", htmx: true)).Content.ReadAsStringAsync();

        Assert.Contains("id=\"applications-empty\"", fragment);
        Assert.Contains("No application matches “zz-no-such-application”", WebUtility.HtmlDecode(fragment));
        Assert.Contains("Clear the filter", fragment);
    }

    [Fact]
    public async Task The_list_pages_through_the_applications_with_links_that_keep_the_filter()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 21; i++)
        {
            await Host.RegisterAsync($"{tag} {i:D2}");
        }

        using var client = await Host.SignedInClientAsync();
        var first = await client.GetStringAsync(Browser.ApplicationsPath + "?filter=" + tag);
        var second = await (await client.GetAsync($"{Browser.ApplicationsPath}?page=2&filter={tag}", htmx: true)).Content.ReadAsStringAsync();

        Assert.Equal(20, System.Text.RegularExpressions.Regex.Matches(first, "data-client-id=").Count);
        Assert.Contains($"href=\"{Browser.ApplicationsPath}?page=2&amp;filter={tag}\"", first);
        Assert.Contains("21 applications", first);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(second, "data-client-id="));
        Assert.Contains($"{tag} 20", second);
        Assert.Contains("rel=\"prev\"", second);
    }

    [Fact]
    public async Task An_empty_list_tells_the_administrator_what_to_do()
    {
        await using var empty = await TestHost<Program>.StartAsync();
        using var client = await empty.SignedInClientAsync();

        var page = await client.GetStringAsync(Browser.ApplicationsPath);

        Assert.Contains("No OAuth 2.0 applications yet", page);
        Assert.Contains("Add your first application", page);
        Assert.DoesNotContain("id=\"applications-table\"", page);
    }

    [Fact]
    public async Task Credentials_hide_the_secret_until_revealed_and_revealing_shows_it_with_copy_buttons()
    {
        var application = await Host.RegisterAsync();
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/credentials";
        using var client = await Host.SignedInClientAsync();

        var masked = await (await client.GetAsync(path, htmx: true)).Content.ReadAsStringAsync();
        Assert.Equal(application.ClientId, Browser.ValueOf(masked, "client-id"));
        Assert.DoesNotContain(application.ClientSecret!, masked);
        Assert.Contains("type=\"password\"", Browser.Element(masked, "client-secret"));
        Assert.Contains("id=\"reveal-secret\"", masked);
        Assert.Contains("data-copy=\"client-id\"", masked);

        var revealed = await (await client.SubmitAsync(path, path, htmx: true)).Content.ReadAsStringAsync();
        Assert.Equal(application.ClientSecret, Browser.ValueOf(revealed, "client-secret"));
        Assert.Contains("data-copy=\"client-secret\"", revealed);
        Assert.Contains("id=\"client-secret-copied\" role=\"status\"", revealed);
    }

    [Fact]
    public async Task Credentials_of_a_public_client_say_it_has_no_secret()
    {
        var application = await Host.RegisterAsync(type: ClientType.Public);
        using var client = await Host.SignedInClientAsync();

        var page = await client.GetStringAsync($"{Browser.ApplicationsPath}/{application.ClientId}/credentials");

        Assert.Contains("id=\"client-secret-none\"", page);
        Assert.DoesNotContain("id=\"reveal-secret\"", page);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rotating_asks_first_then_shows_the_new_secret_and_until_when_the_previous_one_works(bool htmx)
    {
        var application = await Host.RegisterAsync();
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/rotate-secret";
        using var client = await Host.SignedInClientAsync();

        var confirm = await (await client.GetAsync(path, htmx)).Content.ReadAsStringAsync();
        Assert.Contains("id=\"rotate-secret\"", confirm);
        Assert.True(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).VerifySecretAsync(application.ClientSecret!));

        var result = await (await client.SubmitAsync(path, path, htmx)).Content.ReadAsStringAsync();

        var secret = Browser.ValueOf(result, "client-secret")!;
        Assert.NotEqual(application.ClientSecret, secret);
        Assert.True(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).VerifySecretAsync(secret));
        Assert.Contains("The previous secret keeps working until", result);
        Assert.Contains("id=\"previous-secret-valid-until\"", result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deleting_names_the_application_and_its_consequences_then_deletes_it(bool htmx)
    {
        var name = Browser.UniqueName("Doomed");
        var application = await Host.RegisterAsync(name);
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/delete";
        using var client = await Host.SignedInClientAsync();

        var confirm = await (await client.GetAsync(path, htmx)).Content.ReadAsStringAsync();
        Assert.Contains($"Delete {name}?", confirm);
        Assert.Contains("client credentials and all its tokens stop working at once", confirm);
        Assert.NotNull(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync());

        var response = await client.SubmitAsync(path, path, htmx);
        var result = await response.Content.ReadAsStringAsync();

        Assert.Contains("id=\"deleted-panel\"", result);
        Assert.Null(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync());
        if (htmx)
        {
            Assert.Equal("applications-changed", Assert.Single(response.Headers.GetValues("HX-Trigger")));
        }

        var list = await client.GetStringAsync(Browser.ApplicationsPath + "?filter=" + Uri.EscapeDataString(name));
        Assert.DoesNotContain(application.ClientId, list);
    }

    [Fact]
    public async Task The_tokens_page_lists_who_authorized_the_application_and_its_active_tokens()
    {
        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials]);
        await Grants.AuthorizeAsync(Host, application.ClientId, "GRACE", ["read", "write"]);
        using var client = await Host.SignedInClientAsync();

        var page = await client.GetStringAsync($"{Browser.ApplicationsPath}/{application.ClientId}/tokens");

        Assert.Contains("<tr data-subject=\"GRACE\">", page);
        Assert.Contains("<td>read write</td>", page);
        Assert.Contains("<th scope=\"row\">Refresh token</th>", page);
        Assert.Contains("id=\"revoke-all-tokens\"", page);
        Assert.Contains("hx-confirm=", page);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Revoking_a_users_access_on_the_tokens_page_revokes_their_grants_and_tokens(bool htmx)
    {
        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]);
        var (_, tokenId) = await Grants.AuthorizeAsync(Host, application.ClientId, "GRACE", ["read"]);
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/tokens";
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(path, path + "?handler=RevokeGrant", htmx, ("subject", "GRACE"));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("id=\"revocation-notice\"", page);
        Assert.Contains("Access of GRACE revoked", page);
        Assert.DoesNotContain("data-subject=\"GRACE\"", page);
        Assert.Equal(TokenStatuses.Revoked, (await Host.Grains.GetGrain<IApplicationTokenSet>(application.ClientId).FindTokenAsync(tokenId))!.Status);
    }

    [Fact]
    public async Task Revoking_one_token_then_all_on_the_tokens_page()
    {
        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]);
        var (_, first) = await Grants.AuthorizeAsync(Host, application.ClientId, "GRACE", ["read"]);
        var (_, second) = await Grants.AuthorizeAsync(Host, application.ClientId, "ALAN", ["read"]);
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/tokens";
        using var client = await Host.SignedInClientAsync();
        var tokens = Host.Grains.GetGrain<IApplicationTokenSet>(application.ClientId);

        var one = await (await client.SubmitAsync(path, path + "?handler=RevokeToken", htmx: true, ("tokenId", first))).Content.ReadAsStringAsync();
        Assert.Contains("The token is revoked.", one);
        Assert.DoesNotContain($"data-token-id=\"{first}\"", one);
        Assert.Contains($"data-token-id=\"{second}\"", one);
        Assert.Equal(TokenStatuses.Revoked, (await tokens.FindTokenAsync(first))!.Status);

        var all = await (await client.SubmitAsync(path, path + "?handler=RevokeAll", htmx: true)).Content.ReadAsStringAsync();
        Assert.Contains("1 active token revoked.", all);
        Assert.Contains("id=\"tokens-empty\"", all);
        Assert.Equal(0, await tokens.CountActiveTokensAsync());
    }
}
