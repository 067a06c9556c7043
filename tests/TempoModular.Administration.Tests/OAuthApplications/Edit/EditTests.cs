using System.Net;
using System.Text.RegularExpressions;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The edit form: prefilled, the client type read-only, refusals keep what was typed.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class EditTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Theory]
    [InlineData(Posted.Plain)]
    [InlineData(Posted.FromListDialog)]
    [InlineData(Posted.OnItsOwnPage)]
    public async Task The_edit_form_is_prefilled_with_the_client_type_read_only_and_saving_says_so_above_the_list(Posted posted)
    {
        var htmx = posted != Posted.Plain;
        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]);
        var editPath = $"{Browser.ApplicationsPath}/{application.ClientId}/edit";
        using var client = await Host.SignedInClientAsync();
        var before = await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync();

        var form = await (await client.GetAsync(editPath, htmx)).Content.ReadAsStringAsync();
        Assert.Equal(before!.Name, Browser.ValueOf(form, "name"));
        Assert.Equal("https://client.example/callback", Browser.ValueOf(form, "redirect-url-0"));
        Assert.Contains("readonly", Browser.Element(form, "client-type"));
        Assert.Equal("Confidential", Browser.ValueOf(form, "client-type"));
        Assert.DoesNotContain("name=\"ClientType\"", form);
        Assert.Contains("checked", Browser.Element(form, "grant-type-refresh-token"));
        Assert.Contains(">Edit Application</button>", form);

        var renamed = Browser.UniqueName("Renamed");
        var response = await client.SubmitAsync(editPath, editPath, posted,
            ("Name", renamed), ("RedirectUrls", "https://client.example/callback"), ("RedirectUrls", "https://client.example/second"),
            ("GrantTypes", GrantTypes.AuthorizationCode), ("GrantTypes", GrantTypes.ClientCredentials));

        await Browser.AssertNoticeOnListAsync(client, response, posted, $"Saved “{renamed}”.");
        var after = await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync();
        Assert.Equal(renamed, after!.Name);
        Assert.Equal(["https://client.example/callback", "https://client.example/second"], after.RedirectUrls);
        Assert.Equal([GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials], after.GrantTypes);
    }

    [Fact]
    public async Task A_refused_edit_keeps_what_was_typed_and_changes_nothing()
    {
        var application = await Host.RegisterAsync(type: ClientType.Public);
        var editPath = $"{Browser.ApplicationsPath}/{application.ClientId}/edit";
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(editPath, editPath, htmx: true,
            ("Name", "Still typed"), ("RedirectUrls", "https://ok.example/cb"), ("RedirectUrls", "ftp://bad.example/cb"),
            ("GrantTypes", GrantTypes.ClientCredentials));
        var page = await response.Content.ReadAsStringAsync();

        Assert.NotNull(Browser.FieldError(page, "redirect-url-1"));
        Assert.Contains("public client", Browser.FieldError(page, "grant-types"));
        Assert.Equal("Still typed", Browser.ValueOf(page, "name"));
        Assert.Equal("ftp://bad.example/cb", Browser.ValueOf(page, "redirect-url-1"));
        Assert.Equal("Public", Browser.ValueOf(page, "client-type"));
        Assert.NotEqual("Still typed", (await Host.Grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).GetAsync())!.Name);
    }
}
