using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>GET /api/admin/applications and /{clientId}: the list, sorted, paged and filtered, and one application.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class ListApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task What_the_API_registers_the_list_page_shows()
    {
        using var script = Host.CreateClient();
        var name = Browser.UniqueName("From a script");
        var created = await Api.RegisterAsync(script, name);
        using var browser = await Host.SignedInClientAsync();

        var page = await browser.GetStringAsync(Browser.ApplicationsPath + "?filter=" + Uri.EscapeDataString(name));

        Assert.Contains($"data-client-id=\"{created.GetProperty("clientId").GetString()}\"", page);
        Assert.Contains($"<th scope=\"row\">{name}</th>", page);
        Assert.Contains("<td data-label=\"Grant types\">Client credentials</td>", page);
    }

    [Fact]
    public async Task The_list_is_sorted_by_name_paged_and_filtered_by_name_or_client_id()
    {
        using var client = Host.CreateClient();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var c = await Api.RegisterAsync(client, $"{tag} Charlie");
        await Api.RegisterAsync(client, $"{tag} alpha");
        await Api.RegisterAsync(client, $"{tag} Bravo");

        var first = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}?filter={tag}&pageSize=2&page=1");
        var second = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}?filter={tag}&pageSize=2&page=2");
        var byClientId = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}?filter={c.GetProperty("clientId").GetString()}");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(3, first.Json!.Value.GetProperty("totalCount").GetInt32());
        Assert.Equal([$"{tag} alpha", $"{tag} Bravo"], Names(first));
        Assert.Equal([$"{tag} Charlie"], Names(second));
        Assert.Equal(2, second.Json!.Value.GetProperty("page").GetInt32());
        Assert.Equal([$"{tag} Charlie"], Names(byClientId));
        var item = first.Json!.Value.GetProperty("items")[0];
        Assert.Equal("confidential", item.GetProperty("clientType").GetString());
        Assert.Equal(1, item.GetProperty("redirectUrlCount").GetInt32());
        Assert.Equal(0, item.GetProperty("activeTokens").GetInt32());
    }

    [Fact]
    public async Task Get_returns_the_application_without_its_secret()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(clientId, response.String("clientId"));
        Assert.DoesNotContain(created.GetProperty("clientSecret").GetString()!, response.Body);
        Assert.False(response.Json!.Value.TryGetProperty("clientSecret", out _));
    }

    private static List<string?> Names(ApiResponse response) =>
        [.. response.Json!.Value.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString())];
}
