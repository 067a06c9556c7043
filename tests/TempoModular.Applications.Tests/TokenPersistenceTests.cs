using Microsoft.Extensions.DependencyInjection;
using TempoModular.Storage;
using static TempoModular.Applications.Tests.Registrations;

namespace TempoModular.Applications.Tests;

/// <summary>An application's tokens and grants are read back from storage as they were recorded.</summary>
public abstract class TokenPersistenceTests<TSilo>(TSilo silo) : IClassFixture<TSilo>
    where TSilo : ApplicationsSilo
{
    [Fact]
    public async Task Tokens_and_grants_read_back_the_same_after_a_silo_restart()
    {
        var clientId = (await silo.RegisterAsync(Confidential())).ClientId;

        // Storage keeps milliseconds.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(silo.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        var grant = new GrantRecord(TokenIds.New(clientId), "alice", "ad-hoc", TokenStatuses.Valid, ["worklogs", "offline_access"], now, "{\"a\":1}", 0);
        var code = new TokenRecord(
            TokenIds.New(clientId), grant.Id, "alice", "urn:openiddict:params:oauth:token-type:authorization_code", TokenStatuses.Valid,
            now, now.AddMinutes(5), null, "ref-" + Guid.NewGuid(), "payload", "{\"pkce\":true}", 0);
        var access = new TokenRecord(
            TokenIds.New(clientId), null, clientId, "urn:ietf:params:oauth:token-type:access_token", TokenStatuses.Valid,
            now, now.AddHours(1), null, null, null, null, 0, "read write");
        var forever = access with { Id = TokenIds.New(clientId), ExpiresAt = null, Subject = null };
        var tokens = silo.Silo.Grains.GetGrain<IApplicationTokenSet>(clientId);
        await tokens.RecordGrantAsync(grant);
        await tokens.RecordTokenAsync(code);
        await tokens.RecordTokenAsync(access);
        await tokens.RecordTokenAsync(forever);
        var redeemed = code with { Status = TokenStatuses.Redeemed, RedeemedAt = now.AddSeconds(1) };
        Assert.True(await tokens.UpdateTokenAsync(redeemed));

        await silo.RestartAsync();
        tokens = silo.Silo.Grains.GetGrain<IApplicationTokenSet>(clientId);

        Assert.Equal(redeemed with { Version = 1 }, await tokens.FindTokenAsync(code.Id));
        Assert.Equal(redeemed with { Version = 1 }, await tokens.FindTokenByReferenceAsync(code.ReferenceId!));
        Assert.Equal(access, await tokens.FindTokenAsync(access.Id));
        Assert.Equal(forever, await tokens.FindTokenAsync(forever.Id));
        Assert.Equal(code.Id, Assert.Single(await tokens.FindTokensByGrantAsync(grant.Id)).Id);
        var storedGrant = await tokens.FindGrantAsync(grant.Id);
        Assert.Equal(grant.Scopes, storedGrant!.Scopes);
        Assert.Equal(grant with { Scopes = storedGrant.Scopes }, storedGrant);
        Assert.Equal(2, await tokens.CountActiveTokensAsync());
        Assert.Equal(new[] { forever.Id, access.Id }.Order(), (await tokens.ListTokensAsync(1, 10)).Items.Select(t => t.Id).Order());
    }

    [Fact]
    public async Task A_database_made_before_tokens_recorded_their_scope_gets_the_column_at_start_and_keeps_its_tokens()
    {
        var clientId = (await silo.RegisterAsync(Confidential())).ClientId;
        var now = DateTimeOffset.FromUnixTimeMilliseconds(silo.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        var old = new TokenRecord(
            TokenIds.New(clientId), null, clientId, "urn:ietf:params:oauth:token-type:access_token", TokenStatuses.Valid,
            now, now.AddHours(1), null, null, null, null, 0);
        await silo.Silo.Grains.GetGrain<IApplicationTokenSet>(clientId).RecordTokenAsync(old);
        await ExecuteAsync("ALTER TABLE oauth_tokens DROP COLUMN scope");

        await silo.RestartAsync();
        var tokens = silo.Silo.Grains.GetGrain<IApplicationTokenSet>(clientId);

        Assert.Equal(old, await tokens.FindTokenAsync(old.Id));
        var scoped = old with { Id = TokenIds.New(clientId), Scope = "read" };
        await tokens.RecordTokenAsync(scoped);
        await silo.RestartAsync();
        Assert.Equal("read", (await silo.Silo.Grains.GetGrain<IApplicationTokenSet>(clientId).FindTokenAsync(scoped.Id))!.Scope);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await silo.Silo.Services.GetRequiredService<TempoDatabase>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class TokenPersistenceOnSqlite(SqliteSilo silo) : TokenPersistenceTests<SqliteSilo>(silo);

public sealed class TokenPersistenceOnPostgreSql(PostgreSqlSilo silo) : TokenPersistenceTests<PostgreSqlSilo>(silo);
