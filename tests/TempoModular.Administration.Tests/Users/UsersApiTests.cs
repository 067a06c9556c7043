using System.Net;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>/api/admin/users: adding users, their permissions, passwords, unlocking and deactivating, each audited.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class UsersApiTests(AdministrationHostFixture fixture)
{
    private const string Users = "/api/admin/users";
    private static readonly string[] AllFour = ["Tempo Administrator", "Jira Administrator", "Tempo Team Administrator", "Tempo Account Administrator"];

    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task An_added_user_gets_a_generated_password_once_and_is_listed_with_their_permissions()
    {
        using var client = Host.CreateClient();
        var userName = "api." + Guid.NewGuid().ToString("N")[..8];

        var added = await Api.AsAdministratorAsync(client, HttpMethod.Post, Users, new { userName, displayName = "Katherine Johnson", permissions = AllFour });
        var password = added.Json!.Value.GetProperty("generatedPassword").GetString()!;
        var list = await Api.AsAdministratorAsync(client, HttpMethod.Get, Users);
        var asThem = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(userName, password));

        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.True(password.Length >= 24);
        Assert.Equal(AllFour, added.Json.Value.GetProperty("user").GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains($"\"userName\":\"{userName}\"", list.Body);
        Assert.Equal(HttpStatusCode.OK, asThem.Status);
        Assert.DoesNotContain(password, (await Api.AsAdministratorAsync(client, HttpMethod.Get, "/api/admin/audit?pageSize=200")).Body);
    }

    [Fact]
    public async Task Bad_users_and_permissions_are_problems_naming_the_field()
    {
        using var client = Host.CreateClient();

        var badName = await Api.AsAdministratorAsync(client, HttpMethod.Post, Users, new { userName = "not valid!", displayName = "X", permissions = Array.Empty<string>() });
        var badDisplay = await Api.AsAdministratorAsync(client, HttpMethod.Post, Users, new { userName = "ok." + Guid.NewGuid().ToString("N")[..6], displayName = "Good\u202eevil" });
        var badPermission = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Users}/admin/permissions", new { permissions = new[] { "Root" } });
        var unknown = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Users}/nobody.{Guid.NewGuid():N}/permissions", new { permissions = AllFour });

        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
        Assert.NotEmpty(badName.ErrorsFor("userName"));
        Assert.Equal(["A display name cannot contain control or text-direction characters."], badDisplay.ErrorsFor("displayName"));
        Assert.NotEmpty(badPermission.ErrorsFor("permissions[0]"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    [Fact]
    public async Task Withdrawing_a_permission_refuses_the_users_next_call_and_granting_it_back_lets_them_in()
    {
        using var client = Host.CreateClient();
        var userName = await Host.CreateUserAsync(TempoPermissions.OAuthApplicationAdministrator);
        var them = Api.Basic(userName, Browser.UserPassword);

        var demoted = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Users}/{userName}/permissions", new { permissions = AllFour[..3] });
        var refused = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: them);
        var promoted = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Users}/{userName}/permissions", new { permissions = AllFour });
        var allowed = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: them);
        var audit = await Api.AsAdministratorAsync(client, HttpMethod.Get, "/api/admin/audit?pageSize=20");

        Assert.Equal(HttpStatusCode.OK, demoted.Status);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("Tempo Account Administrator", refused.Body);
        Assert.Equal(HttpStatusCode.OK, promoted.Status);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Contains("Tempo Administrator, Jira Administrator, Tempo Team Administrator → Tempo Administrator, Jira Administrator, Tempo Team Administrator, Tempo Account Administrator", audit.Body);
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one()
    {
        using var client = Host.CreateClient();
        var userName = await Host.CreateUserAsync(TempoPermissions.OAuthApplicationAdministrator);

        var tooShort = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Users}/{userName}/reset-password", new { password = "short" });
        var reset = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Users}/{userName}/reset-password", new { password = "an entirely new password" });

        Assert.NotEmpty(tooShort.ErrorsFor("password"));
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Null(reset.String("generatedPassword"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(userName, Browser.UserPassword))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(userName, "an entirely new password"))).Status);
    }

    [Fact]
    public async Task Unlocking_lets_a_throttled_user_in_again()
    {
        using var client = Host.CreateClient();
        var userName = await Host.CreateUserAsync(TempoPermissions.OAuthApplicationAdministrator);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(userName, "a wrong password here"));
        }

        var throttled = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(userName, Browser.UserPassword));
        var unlocked = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Users}/{userName}/unlock");
        var after = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(userName, Browser.UserPassword));

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal(HttpStatusCode.OK, unlocked.Status);
        Assert.Equal(HttpStatusCode.OK, after.Status);
    }

    [Fact]
    public async Task Deactivating_ends_the_users_access_and_the_grants_they_gave()
    {
        using var client = Host.CreateClient();
        var userName = await Host.CreateUserAsync(TempoPermissions.None);
        var application = await Host.RegisterAsync();
        var (_, tokenId) = await Grants.AuthorizeAsync(Host, application.ClientId, UserNames.Normalize(userName), ["read"]);

        var deactivated = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Users}/{userName}/deactivate");

        Assert.Equal(HttpStatusCode.OK, deactivated.Status);
        Assert.False(deactivated.Json!.Value.GetProperty("active").GetBoolean());
        var tokens = Host.Grains.GetGrain<IApplicationTokenSet>(application.ClientId);
        Assert.Empty(await tokens.FindGrantsAsync(UserNames.Normalize(userName), TokenStatuses.Valid, null));
        Assert.Equal(TokenStatuses.Revoked, (await tokens.FindTokenAsync(tokenId))!.Status);
        Assert.Contains("1 grant to applications and 1 token revoked", (await Api.AsAdministratorAsync(client, HttpMethod.Get, "/api/admin/audit?pageSize=20")).Body);
    }
}
