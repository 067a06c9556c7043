using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>GET .../credentials and POST .../rotate-secret.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class RotateSecretApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Credentials_return_the_secret_and_rotating_issues_a_new_one_while_the_old_one_keeps_working()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;
        var original = created.GetProperty("clientSecret").GetString()!;

        var credentials = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/credentials");
        var rotated = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Api.Applications}/{clientId}/rotate-secret");

        Assert.Equal(original, credentials.String("clientSecret"));
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var fresh = rotated.String("clientSecret")!;
        Assert.NotEqual(original, fresh);
        var until = rotated.Json!.Value.GetProperty("previousSecretValidUntil").GetDateTimeOffset();
        Assert.InRange(until, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        var application = Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId);
        Assert.True(await application.VerifySecretAsync(original));
        Assert.True(await application.VerifySecretAsync(fresh));
        Assert.True(rotated.Message.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_public_client_has_no_secret_to_show_or_rotate()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client, clientType: "public", grantTypes: ["authorization_code"]);
        var clientId = created.GetProperty("clientId").GetString()!;

        var credentials = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/credentials");
        var rotated = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Api.Applications}/{clientId}/rotate-secret");

        Assert.Equal(JsonValueKind.Null, created.GetProperty("clientSecret").ValueKind);
        Assert.Equal(JsonValueKind.Null, credentials.Json!.Value.GetProperty("clientSecret").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, rotated.Status);
        Assert.Single(rotated.ErrorsFor("clientType"));
    }
}
