using static TempoModular.Applications.Tests.Registrations;

namespace TempoModular.Applications.Tests;

/// <summary>What the registry holds is in the database, not in memory, and never a secret in clear.</summary>
public abstract class PersistenceTests<TSilo>(TSilo silo) : IClassFixture<TSilo>
    where TSilo : ApplicationsSilo
{
    [Fact]
    public async Task Applications_survive_a_silo_restart()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var update = new ApplicationUpdate(UniqueName("Updated"), ["https://updated.example/cb", "http://[::1]:7000/cb"], [GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials]);
        await silo.Directory.UpdateAsync(credentials.ClientId, update, "updater");
        var rotated = (await silo.Application(credentials.ClientId).RotateSecretAsync(Actor)).Value!;
        var publicClient = await silo.RegisterAsync(Public());
        var before = await silo.GetExistingAsync(credentials.ClientId);

        await silo.RestartAsync();

        var after = await silo.GetExistingAsync(credentials.ClientId);
        Assert.Equal(
            (before.Name, before.ClientType, before.CreatedAt, before.CreatedBy, before.UpdatedAt, before.UpdatedBy, before.PreviousSecretValidUntil),
            (after.Name, after.ClientType, after.CreatedAt, after.CreatedBy, after.UpdatedAt, after.UpdatedBy, after.PreviousSecretValidUntil));
        Assert.Equal(update.RedirectUrls, after.RedirectUrls);
        Assert.Equal(update.GrantTypes, after.GrantTypes);
        Assert.Equal(rotated, await silo.Application(credentials.ClientId).RevealCredentialsAsync(Actor));
        Assert.True(await silo.Application(credentials.ClientId).VerifySecretAsync(rotated.ClientSecret!));
        Assert.True(await silo.Application(credentials.ClientId).VerifySecretAsync(credentials.ClientSecret!));
        Assert.Equal(update.Name, Assert.Single((await silo.Directory.ListAsync(1, 10, credentials.ClientId)).Items).Name);
        Assert.Equal(ClientType.Public, (await silo.GetExistingAsync(publicClient.ClientId)).ClientType);
    }

    [Fact]
    public async Task Names_stay_unique_after_a_silo_restart()
    {
        var name = UniqueName("Kept");
        await silo.RegisterAsync(Confidential(name));

        await silo.RestartAsync();

        var again = await silo.Directory.RegisterAsync(Public(name.ToLowerInvariant()), Actor);
        Assert.Equal("name", Assert.Single(again.Errors).Field);
    }

    [Fact]
    public async Task Deleted_application_stays_deleted_after_a_silo_restart()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var name = (await silo.GetExistingAsync(credentials.ClientId)).Name;
        await silo.Directory.DeleteAsync(credentials.ClientId, Actor);

        await silo.RestartAsync();

        Assert.Null(await silo.Application(credentials.ClientId).GetAsync());
        Assert.False(await silo.Application(credentials.ClientId).VerifySecretAsync(credentials.ClientSecret!));
        Assert.Empty((await silo.Directory.ListAsync(1, 10, credentials.ClientId)).Items);
        Assert.Contains("already deleted", Assert.Single((await silo.Directory.DeleteAsync(credentials.ClientId, Actor)).Errors).Message, StringComparison.Ordinal);
        await silo.RegisterAsync(Public(name));
    }

    [Fact]
    public async Task Client_secrets_are_never_stored_in_clear()
    {
        var credentials = await silo.RegisterAsync(Confidential());
        var rotated = (await silo.Application(credentials.ClientId).RotateSecretAsync(Actor)).Value!;
        var revealed = await silo.Application(credentials.ClientId).RevealCredentialsAsync(Actor);
        Assert.Equal(rotated.ClientSecret, revealed!.ClientSecret);

        await silo.RestartAsync();
        var dump = await silo.Silo.Database.DumpAsync();

        // The dump must hold the application, or not finding the secret proves nothing.
        Assert.Contains(credentials.ClientId, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.ClientSecret!, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated.ClientSecret!, dump, StringComparison.Ordinal);
        Assert.True(await silo.Application(credentials.ClientId).VerifySecretAsync(rotated.ClientSecret!));
    }
}

public sealed class PersistenceOnSqlite(SqliteSilo silo) : PersistenceTests<SqliteSilo>(silo);

public sealed class PersistenceOnPostgreSql(PostgreSqlSilo silo) : PersistenceTests<PostgreSqlSilo>(silo);
