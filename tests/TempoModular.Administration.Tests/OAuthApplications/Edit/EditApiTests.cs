using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>PUT /api/admin/applications/{clientId}.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class EditApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Put_replaces_name_redirect_urls_and_grant_types()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;
        var name = Browser.UniqueName("Renamed");

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Api.Applications}/{clientId}", new
        {
            name,
            redirectUrls = new[] { "https://a.example/cb", "http://[::1]:9000/cb" },
            grantTypes = new[] { "authorization_code", "refresh_token", "client_credentials" },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(name, response.String("name"));
        var stored = await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync();
        Assert.Equal(["https://a.example/cb", "http://[::1]:9000/cb"], stored!.RedirectUrls);
        Assert.Equal([GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials], stored.GrantTypes);
    }

    [Fact]
    public async Task Put_cannot_change_the_client_type()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Api.Applications}/{clientId}", new
        {
            name = "Whatever",
            redirectUrls = new[] { "https://a.example/cb" },
            clientType = "public",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Single(response.ErrorsFor("clientType"));
        Assert.Equal(ClientType.Confidential, (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.ClientType);
    }
}
