using TempoModular.Testing;

namespace TempoModular.Identity.Tests;

/// <summary>
/// The site always keeps an active user holding all four permissions. Its own
/// silo: the rule counts every user, and the only administrator at the start is
/// the bootstrap one.
/// </summary>
public sealed class LastAdministratorTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    private const string Password = "a long enough password";
    private const TempoPermissions AllFour = TempoPermissions.OAuthApplicationAdministrator;

    private TestSilo Silo => fixture.Silo;

    private IUserDirectoryGrain Directory => Silo.Directory();

    [Fact]
    public async Task The_last_administrator_cannot_be_demoted_or_deactivated_until_another_one_exists()
    {
        await DemoteEveryAdministratorButBootstrapAsync();

        var demotion = Assert.Single(await Directory.SetPermissionsAsync("admin", AllFour & ~TempoPermissions.TempoTeamAdministrator));
        Assert.Equal(("permissions", "This is the last active user holding all four permissions: give all four to another user first."), (demotion.Field, demotion.Message));
        Assert.Equal("userName", Assert.Single(await Directory.DeactivateAsync("admin")).Field);
        Assert.Equal(AllFour, (await Silo.User("admin").GetAsync())!.Permissions);

        // Another administrator: now the first may go.
        var second = await CreateAsync(AllFour);
        Assert.Empty(await Directory.SetPermissionsAsync("admin", TempoPermissions.TempoAdministrator));
        Assert.Single(await Directory.DeactivateAsync(second));
        Assert.Empty(await Directory.SetPermissionsAsync("admin", AllFour));
    }

    [Fact]
    public async Task A_deactivated_administrator_does_not_count()
    {
        await DemoteEveryAdministratorButBootstrapAsync();
        var other = await CreateAsync(AllFour);
        Assert.Empty(await Directory.DeactivateAsync(other));

        Assert.Single(await Directory.SetPermissionsAsync("admin", TempoPermissions.None));
        Assert.False((await Silo.User(other).GetAsync())!.Active);
    }

    [Fact]
    public async Task Two_administrators_demoting_each_other_at_once_leave_exactly_one()
    {
        await DemoteEveryAdministratorButBootstrapAsync();
        for (var round = 0; round < 10; round++)
        {
            var other = await CreateAsync(AllFour);

            var results = await Task.WhenAll(
                Directory.SetPermissionsAsync("admin", TempoPermissions.None),
                Directory.SetPermissionsAsync(other, TempoPermissions.None));

            Assert.Equal(1, results.Count(r => r.Count == 0));
            var remaining = new[] { (await Silo.User("admin").GetAsync())!, (await Silo.User(other).GetAsync())! };
            Assert.Single(remaining, u => u.Permissions == AllFour);

            // Back to one administrator, the bootstrap one, for the next round.
            Assert.Empty(await Directory.SetPermissionsAsync("admin", AllFour));
            Assert.Empty(await Directory.DeactivateAsync(other));
        }
    }

    private async Task<string> CreateAsync(TempoPermissions permissions)
    {
        var userName = IdentitySilo.NewUserName();
        Assert.Empty(await Silo.User(userName).CreateAsync(new NewUser(userName, "Second Administrator", Password, permissions)));
        return userName;
    }

    // Tests of this class share the silo: each starts from the bootstrap administrator alone.
    private async Task DemoteEveryAdministratorButBootstrapAsync()
    {
        Assert.Empty(await Directory.SetPermissionsAsync("admin", AllFour));
        foreach (var name in await Directory.ListUserNamesAsync())
        {
            if (name != "ADMIN" && (await Silo.User(name).GetAsync())!.Active)
            {
                Assert.Empty(await Directory.DeactivateAsync(name));
            }
        }
    }
}
