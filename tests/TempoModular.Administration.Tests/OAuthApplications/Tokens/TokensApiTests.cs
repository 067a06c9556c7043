using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The grants and tokens of an application in the admin API: listed and revoked.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class TokensApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Tokens_are_listed_and_revoked_one_at_a_time_or_all_at_once()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;
        var first = await AccessTokenAsync(client, created);
        await AccessTokenAsync(client, created);
        await AccessTokenAsync(client, created);

        var listed = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens?pageSize=2");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal(3, listed.Json!.Value.GetProperty("totalCount").GetInt32());
        var items = listed.Json!.Value.GetProperty("items");
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal("access_token", items[0].GetProperty("type").GetString());
        var tokenId = items[0].GetProperty("id").GetString()!;

        var revoked = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/tokens/{tokenId}");
        var again = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/tokens/{tokenId}");
        var left = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");
        Assert.Equal(HttpStatusCode.NoContent, revoked.Status);
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal(2, left.Json!.Value.GetProperty("totalCount").GetInt32());

        var all = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/tokens");
        var none = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(2, all.Json!.Value.GetProperty("revokedTokens").GetInt64());
        Assert.Equal(0, none.Json!.Value.GetProperty("totalCount").GetInt32());

        // Revoked means refused by the API on the next call.
        using var call = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", first);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(call)).StatusCode);
    }

    [Fact]
    public async Task Client_credentials_tokens_are_listed_with_the_scopes_they_were_granted_in_the_api_and_on_the_tokens_page()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;
        await AccessTokenAsync(client, created, "read write");
        await AccessTokenAsync(client, created, "read");

        var listed = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");

        // Issued within the same second, so in either order.
        var scopes = listed.Json!.Value.GetProperty("items").EnumerateArray()
            .Select(t => string.Join(' ', t.GetProperty("scopes").EnumerateArray().Select(s => s.GetString())))
            .Order(StringComparer.Ordinal);
        Assert.Equal(["read", "read write"], scopes);

        using var admin = await Host.SignedInClientAsync();
        var page = await admin.GetStringAsync($"{Browser.ApplicationsPath}/{clientId}/tokens");
        Assert.Contains("<td>read write</td>", page);
        Assert.Contains("<td>read</td>", page);
    }

    [Fact]
    public async Task A_token_of_another_application_is_not_found_and_not_revoked()
    {
        using var client = Host.CreateClient();
        var mine = await Api.RegisterAsync(client);
        var theirs = await Api.RegisterAsync(client);
        await AccessTokenAsync(client, theirs);
        var theirsId = theirs.GetProperty("clientId").GetString()!;
        var tokenId = (await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{theirsId}/tokens")).Json!.Value.GetProperty("items")[0].GetProperty("id").GetString()!;

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{mine.GetProperty("clientId").GetString()}/tokens/{tokenId}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(1, (await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{theirsId}/tokens")).Json!.Value.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Grants_are_listed_and_revoking_a_users_grants_revokes_their_tokens()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client, grantTypes: ["authorization_code", "refresh_token"])).GetProperty("clientId").GetString()!;
        var (grantId, tokenId) = await Grants.AuthorizeAsync(Host, clientId, "GRACE", ["read", "write"]);
        await Grants.AuthorizeAsync(Host, clientId, "ALAN", ["read"]);

        var listed = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/grants");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        var grace = listed.Json!.Value.GetProperty("items").EnumerateArray().Single(g => g.GetProperty("subject").GetString() == "GRACE");
        Assert.Equal(grantId, grace.GetProperty("id").GetString());
        Assert.Equal(["read", "write"], grace.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var tokens = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");
        var token = tokens.Json!.Value.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetString() == tokenId);
        Assert.Equal(["read", "write"], token.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var revoked = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/grants/GRACE");
        var again = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/grants/GRACE");
        var after = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/grants");

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal(1, revoked.Json!.Value.GetProperty("revokedGrants").GetInt64());
        Assert.Equal(1, revoked.Json!.Value.GetProperty("revokedTokens").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal(["ALAN"], after.Json!.Value.GetProperty("items").EnumerateArray().Select(g => g.GetProperty("subject").GetString()));
        Assert.Equal(TokenStatuses.Revoked, (await Host.Grains.GetGrain<IApplicationTokenSet>(clientId).FindTokenAsync(tokenId))!.Status);
    }

    private static async Task<string> AccessTokenAsync(HttpClient client, JsonElement created, string? scope = null)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("grant_type", "client_credentials"),
            new("client_id", created.GetProperty("clientId").GetString()!),
            new("client_secret", created.GetProperty("clientSecret").GetString()!),
        ];
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        using var response = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }
}
