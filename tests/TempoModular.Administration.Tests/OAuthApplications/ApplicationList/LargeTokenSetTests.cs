using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Applications;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The list's active-token counts cost no token-set load, however many tokens an application holds.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class LargeTokenSetTests(AdministrationHostFixture fixture)
{
    private const int LargeSet = 100_000;

    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task The_list_counts_a_large_token_set_without_loading_it()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;
        await InsertTokensAsync(clientId, LargeSet);

        Assert.Equal(LargeSet, await ListedActiveTokensAsync(client, clientId));

        // A row written behind the grain's back: a count taken from a loaded
        // token set would not see it, so seeing it proves the list never loaded
        // the set (twice, so the first listing did not load it either).
        await InsertTokensAsync(clientId, 1);
        Assert.Equal(LargeSet + 1, await ListedActiveTokensAsync(client, clientId));

        // The control: once the tokens page has loaded the set, the count comes
        // from memory, which does not see a row written behind its back.
        var tokens = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens?pageSize=1");
        Assert.Equal(LargeSet + 1, tokens.Json!.Value.GetProperty("totalCount").GetInt32());
        await InsertTokensAsync(clientId, 1);
        Assert.Equal(LargeSet + 1, await ListedActiveTokensAsync(client, clientId));
    }

    [Fact]
    public async Task Counted_in_storage_expired_revoked_and_revoked_all_tokens_are_left_out_as_in_memory()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;
        await InsertTokensAsync(clientId, 3);
        await InsertTokensAsync(clientId, 2, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        await InsertTokensAsync(clientId, 2, status: TokenStatuses.Revoked);
        var revokedGrant = TokenIds.New(clientId);
        await ExecuteAsync(
            $"INSERT INTO oauth_grants (id, client_id, subject, type, status, scopes, created_at, version) VALUES ('{revokedGrant}', '{clientId}', 'GRACE', 'ad-hoc', 'revoked', 'read', 0, 0)");
        await InsertTokensAsync(clientId, 2, grantId: revokedGrant);

        Assert.Equal(3, await ListedActiveTokensAsync(client, clientId));

        // Revoking all moves the application's watermark (and loads the set);
        // after a restart the set is not loaded, and storage judges by the same
        // watermark: only the token issued after it counts.
        var revoked = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/tokens");
        Assert.Equal(3, revoked.Json!.Value.GetProperty("revokedTokens").GetInt64());
        await Task.Delay(5);
        await InsertTokensAsync(clientId, 1);
        await Host.RestartAsync();
        using var restarted = Host.CreateClient();

        Assert.Equal(1, await ListedActiveTokensAsync(restarted, clientId));
        var tokens = await Api.AsAdministratorAsync(restarted, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");
        Assert.Equal(1, tokens.Json!.Value.GetProperty("totalCount").GetInt32());
    }

    private async Task<int> ListedActiveTokensAsync(HttpClient client, string clientId)
    {
        var listed = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}?filter={clientId}");
        return listed.Json!.Value.GetProperty("items")[0].GetProperty("activeTokens").GetInt32();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await Host.Services.GetRequiredService<TempoDatabase>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task InsertTokensAsync(string clientId, int count, DateTimeOffset? expiresAt = null, string status = TokenStatuses.Valid, string? grantId = null)
    {
        var database = Host.Services.GetRequiredService<TempoDatabase>();
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO oauth_tokens (id, client_id, grant_id, type, status, created_at, expires_at, version, scope)
            VALUES (@id, @client, @grant, 'urn:ietf:params:oauth:token-type:access_token', @status, @created, @expires, 0, 'read write')
            """;
        var id = Parameter(command, "id");
        Parameter(command, "client").Value = clientId;
        Parameter(command, "status").Value = status;
        Parameter(command, "grant").Value = (object?)grantId ?? DBNull.Value;
        var created = Parameter(command, "created");
        Parameter(command, "expires").Value = (expiresAt ?? DateTimeOffset.UtcNow.AddHours(1)).ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            id.Value = TokenIds.New(clientId);
            created.Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
