using System.Net;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The tokens and grants page: who authorized the application, its active tokens, revoking them.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class TokensTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task The_tokens_page_lists_who_authorized_the_application_and_its_active_tokens()
    {
        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials]);
        await Grants.AuthorizeAsync(Host, application.ClientId, "GRACE", ["read", "write"]);
        using var client = await Host.SignedInClientAsync();

        var page = await client.GetStringAsync($"{Browser.ApplicationsPath}/{application.ClientId}/tokens");

        Assert.Contains("<tr data-subject=\"GRACE\">", page);
        Assert.Contains("<td>read write</td>", page);
        Assert.Contains("<th scope=\"row\">Refresh token</th>", page);
        Assert.Contains("id=\"revoke-all-tokens\"", page);
        Assert.Contains("hx-confirm=", page);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Revoking_a_users_access_on_the_tokens_page_revokes_their_grants_and_tokens(bool htmx)
    {
        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]);
        var (_, tokenId) = await Grants.AuthorizeAsync(Host, application.ClientId, "GRACE", ["read"]);
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/tokens";
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(path, path + "?handler=RevokeGrant", htmx, ("subject", "GRACE"));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("id=\"revocation-notice\"", page);
        Assert.Contains("Access of GRACE revoked", page);
        Assert.DoesNotContain("data-subject=\"GRACE\"", page);
        Assert.Equal(TokenStatuses.Revoked, (await Host.Grains.GetGrain<IApplicationTokenSet>(application.ClientId).FindTokenAsync(tokenId))!.Status);
    }

    [Fact]
    public async Task Revoking_one_token_then_all_on_the_tokens_page()
    {
        var application = await Host.RegisterAsync(grantTypes: [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]);
        var (_, first) = await Grants.AuthorizeAsync(Host, application.ClientId, "GRACE", ["read"]);
        var (_, second) = await Grants.AuthorizeAsync(Host, application.ClientId, "ALAN", ["read"]);
        var path = $"{Browser.ApplicationsPath}/{application.ClientId}/tokens";
        using var client = await Host.SignedInClientAsync();
        var tokens = Host.Grains.GetGrain<IApplicationTokenSet>(application.ClientId);

        var one = await (await client.SubmitAsync(path, path + "?handler=RevokeToken", htmx: true, ("tokenId", first))).Content.ReadAsStringAsync();
        Assert.Contains("The token is revoked.", one);
        Assert.DoesNotContain($"data-token-id=\"{first}\"", one);
        Assert.Contains($"data-token-id=\"{second}\"", one);
        Assert.Equal(TokenStatuses.Revoked, (await tokens.FindTokenAsync(first))!.Status);

        var all = await (await client.SubmitAsync(path, path + "?handler=RevokeAll", htmx: true)).Content.ReadAsStringAsync();
        Assert.Contains("1 active token revoked.", all);
        Assert.Contains("id=\"tokens-empty\"", all);
        Assert.Equal(0, await tokens.CountActiveTokensAsync());
    }
}
