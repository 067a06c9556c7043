using System.Net;
using TempoModular.Identity.Pages.Account;
using TempoModular.Testing;

namespace TempoModular.Identity.Tests;

/// <summary>
/// A sign-in ends on the server, not only in the browser that held it: a copy of
/// the cookie stops working when its user signs out, gets a new password or is
/// deactivated, and permission changes apply to the next request.
/// </summary>
public sealed class SessionTests(SiteHostFixture fixture) : IClassFixture<SiteHostFixture>
{
    private const string SettingsPage = "/settings/data-access/oauth-applications";

    private TestHost<Program> Host => fixture.Host;

    private IUserDirectoryGrain Directory => Host.Grains.GetGrain<IUserDirectoryGrain>(0);

    [Fact]
    public async Task A_copied_cookie_stops_working_once_its_user_signs_out()
    {
        var (userName, client, copy) = await SignedInTwiceAsync(TempoPermissions.OAuthApplicationAdministrator);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(copy, SettingsPage)).StatusCode);

        var home = await client.GetStringAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("/account/sign-out", Browser.Form(home))).StatusCode);

        var after = await GetAsync(copy, SettingsPage);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/sign-in", after.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(copy, "/api/admin/applications")).StatusCode);

        // Signing in again works, with a cookie of its own.
        using var again = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await again.SignInAsync(userName, Browser.UserPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync(SettingsPage)).StatusCode);
    }

    [Fact]
    public async Task A_new_password_ends_every_sign_in_and_the_old_password_stops_working()
    {
        var (userName, client, copy) = await SignedInTwiceAsync(TempoPermissions.OAuthApplicationAdministrator);

        Assert.Empty(await Host.Grains.GetGrain<IUserGrain>(UserNames.Normalize(userName)).ResetPasswordAsync("a brand new long password"));

        Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(copy, SettingsPage)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(SettingsPage)).StatusCode);
        using var fresh = Host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await fresh.SignInAsync(userName, Browser.UserPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.SignInAsync(userName, "a brand new long password")).StatusCode);
    }

    [Fact]
    public async Task A_deactivated_user_is_out_on_the_next_request_and_cannot_sign_in()
    {
        var (userName, client, _) = await SignedInTwiceAsync(TempoPermissions.OAuthApplicationAdministrator);

        Assert.Empty(await Directory.DeactivateAsync(userName));

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(SettingsPage)).StatusCode);
        using var fresh = Host.CreateClient();
        var refused = await fresh.SignInAsync(userName, Browser.UserPassword);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(SignInModel.WrongCredentialsMessage, await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Taking_a_permission_away_refuses_the_very_next_request_and_giving_it_back_lets_them_in()
    {
        var (userName, client, _) = await SignedInTwiceAsync(TempoPermissions.OAuthApplicationAdministrator);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(SettingsPage)).StatusCode);

        Assert.Empty(await Directory.SetPermissionsAsync(userName, TempoPermissions.OAuthApplicationAdministrator & ~TempoPermissions.JiraAdministrator));
        var refused = await client.GetAsync(SettingsPage);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/access-denied", refused.Headers.Location?.AbsolutePath);

        Assert.Empty(await Directory.SetPermissionsAsync(userName, TempoPermissions.OAuthApplicationAdministrator));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(SettingsPage)).StatusCode);
    }

    // Signed in with one client; the copy sends the same cookie from elsewhere,
    // as a stolen or another tab's cookie would.
    private async Task<(string UserName, HttpClient Client, string Cookie)> SignedInTwiceAsync(TempoPermissions permissions)
    {
        var userName = await Host.CreateUserAsync(permissions);
        var client = Host.CreateClient();
        var signedIn = await client.SignInAsync(userName, Browser.UserPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = Assert.Single(Browser.SignInCookies(signedIn)).Split(';')[0];
        return (userName, client, cookie);
    }

    private async Task<HttpResponseMessage> GetAsync(string cookie, string path)
    {
        using var bare = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await bare.SendAsync(request);
    }
}
