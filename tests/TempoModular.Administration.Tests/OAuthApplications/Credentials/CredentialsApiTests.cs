using System.Net;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>Revealing credentials through the admin API: a POST with the antiforgery token for the sign-in cookie, as on the pages; HTTP Basic scripts keep their GET.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class CredentialsApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task With_the_cookie_a_GET_reveals_nothing_and_records_nothing_and_a_POST_needs_the_antiforgery_token()
    {
        using var client = await Host.SignedInClientAsync();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;
        var path = $"{Api.Applications}/{clientId}/credentials";
        var page = await client.GetStringAsync(Browser.ApplicationsPath);

        var get = await Api.SendAsync(client, HttpMethod.Get, path);
        var postWithoutToken = await Api.SendAsync(client, HttpMethod.Post, path);
        var audited = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"/api/admin/audit?clientId={clientId}");
        var post = await Api.SendAsync(client, HttpMethod.Post, path, configure: r => r.Headers.Add("X-CSRF-TOKEN", Browser.AntiforgeryToken(page)));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.Status);
        Assert.Equal("application/problem+json", get.ContentType);
        Assert.Null(get.String("clientSecret"));
        Assert.Equal(HttpStatusCode.BadRequest, postWithoutToken.Status);
        Assert.DoesNotContain("credentials.revealed", audited.Body);
        Assert.Equal(HttpStatusCode.OK, post.Status);
        Assert.Equal(created.GetProperty("clientSecret").GetString(), post.String("clientSecret"));
    }

    [Fact]
    public async Task HTTP_Basic_reveals_with_GET_or_POST()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var path = $"{Api.Applications}/{created.GetProperty("clientId").GetString()}/credentials";

        var get = await Api.AsAdministratorAsync(client, HttpMethod.Get, path);
        var post = await Api.AsAdministratorAsync(client, HttpMethod.Post, path);

        Assert.Equal(created.GetProperty("clientSecret").GetString(), get.String("clientSecret"));
        Assert.Equal(created.GetProperty("clientSecret").GetString(), post.String("clientSecret"));
    }
}
