using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The list of applications: columns, actions menu, filter, pages.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class ListTests(AdministrationHostFixture fixture)
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
        Assert.Contains("<td data-label=\"Client type\">Confidential</td>", row);
        Assert.Contains("<td data-label=\"Grant types\">Authorization code, Refresh token</td>", row);
        Assert.Contains("<td class=\"number\" data-label=\"Redirect URLs\">1</td>", row);
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
}
