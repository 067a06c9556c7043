using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The rotate-secret dialog.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class RotateSecretTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

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
}
