using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>DELETE /api/admin/applications/{clientId}.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class DeleteApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Delete_answers_204_then_404_and_the_credentials_stop_working()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;

        var deleted = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}");
        var again = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}");
        var get = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}");
        using var token = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", created.GetProperty("clientSecret").GetString()!)]));

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal("application/problem+json", again.ContentType);
        Assert.Contains("already deleted", again.String("detail"));
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.NotEqual(HttpStatusCode.OK, token.StatusCode);
    }
}
