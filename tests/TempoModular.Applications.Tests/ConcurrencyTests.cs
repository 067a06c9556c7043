using static TempoModular.Applications.Tests.Registrations;

namespace TempoModular.Applications.Tests;

/// <summary>Racing administrators never lose an update nor end up with two applications of one name.</summary>
public abstract class ConcurrencyTests<TSilo>(TSilo silo) : IClassFixture<TSilo>
    where TSilo : ApplicationsSilo
{
    [Fact]
    public async Task Concurrent_updates_of_one_application_leave_exactly_one_of_them_in_place()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var tag = Guid.NewGuid().ToString("N");
        var updates = Enumerable.Range(0, 20)
            .Select(i => new ApplicationUpdate($"{tag} {i}", [$"https://app.example/cb/{i}"], [GrantTypes.AuthorizationCode]))
            .ToArray();

        var results = await Task.WhenAll(updates.Select(u => silo.Directory.UpdateAsync(credentials.ClientId, u, Actor)));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("; ", r.Errors)));
        await AssertIsOneOfAsync(credentials.ClientId, updates);
        await silo.RestartAsync();
        await AssertIsOneOfAsync(credentials.ClientId, updates);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_name_have_exactly_one_winner()
    {
        var name = UniqueName("Race");
        var stored = await silo.CountStoredApplicationsAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            silo.Directory.RegisterAsync(Confidential(i % 2 == 0 ? name : name.ToUpperInvariant()), Actor)));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("name", Assert.Single(r.Errors).Field));
        Assert.Equal(1, (await silo.Directory.ListAsync(1, 10, name)).TotalCount);
        Assert.Equal(stored + 1, await silo.CountStoredApplicationsAsync());
    }

    private async Task AssertIsOneOfAsync(string clientId, ApplicationUpdate[] updates)
    {
        var details = await silo.GetExistingAsync(clientId);
        var winner = Assert.Single(updates, u => u.Name == details.Name);
        Assert.Equal(winner.RedirectUrls, details.RedirectUrls);
        Assert.Equal(winner.Name, Assert.Single((await silo.Directory.ListAsync(1, 10, clientId)).Items).Name);
    }
}

public sealed class ConcurrencyOnSqlite(SqliteSilo silo) : ConcurrencyTests<SqliteSilo>(silo);

public sealed class ConcurrencyOnPostgreSql(PostgreSqlSilo silo) : ConcurrencyTests<PostgreSqlSilo>(silo);
