using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The delete dialog.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class DeleteTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Theory]
    [InlineData(Posted.Plain)]
    [InlineData(Posted.FromListDialog)]
    [InlineData(Posted.OnItsOwnPage)]
    public async Task Deleting_names_the_application_and_its_consequences_then_deletes_it_and_says_what_was_cut_off_above_the_list(Posted posted)
    {
        var htmx = posted != Posted.Plain;
        var name = Browser.UniqueName("Doomed");
        var application = await Host.RegisterAsync(name, grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]);
        await Grants.AuthorizeAsync(Host, application.ClientId, "GRACE", ["read"]);
        await Grants.AuthorizeAsync(Host, application.ClientId, "ALAN", ["read"]);
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/delete";
        using var client = await Host.SignedInClientAsync();

        var confirm = await (await client.GetAsync(path, htmx)).Content.ReadAsStringAsync();
        Assert.Contains($"Delete {name}?", confirm);
        Assert.Contains("client credentials and all its tokens stop working at once", confirm);

        // Each authorization left a refresh token: what deleting cuts off is counted.
        Assert.Contains("<p id=\"delete-reach\"><strong>2 active tokens and 2 authorized users lose access.</strong></p>", confirm);
        Assert.NotNull(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync());

        var response = await client.SubmitAsync(path, path, posted);

        await Browser.AssertNoticeOnListAsync(client, response, posted, $"Deleted “{name}”: 2 active tokens and 2 authorized users lost access.");
        Assert.Null(await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync());

        var list = await client.GetStringAsync(Browser.ApplicationsPath + "?filter=" + Uri.EscapeDataString(name));
        Assert.DoesNotContain(application.ClientId, list);
    }
}
