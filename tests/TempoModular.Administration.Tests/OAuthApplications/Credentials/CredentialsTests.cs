using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The credentials dialog: the secret hidden until revealed.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class CredentialsTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

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
}
