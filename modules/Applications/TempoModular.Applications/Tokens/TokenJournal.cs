using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using TempoModular.Storage;

namespace TempoModular.Applications.Tokens;

/// <summary>
/// The durable side of every application's token set: one row per token and per
/// grant. Writes from all grains of the silo are queued and committed together
/// (group commit), so a burst of token requests costs one transaction, not one
/// each; every writer still waits for its own row to be committed.
/// </summary>
internal sealed partial class TokenJournal : IAsyncDisposable
{
    private const int MaxBatch = 2048;

    private readonly TempoDatabase _database;
    private readonly ILogger<TokenJournal> _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly int _maxBatch;

    public TokenJournal(TempoDatabase database, ILogger<TokenJournal> logger)
    {
        _database = database;
        _logger = logger;
        _maxBatch = Math.Min(MaxBatch, database.MaxRowsPerCommit);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Inserts or replaces a token row; completes once it is committed.</summary>
    public Task WriteAsync(string clientId, TokenRecord token) => Enqueue(new PendingWrite(clientId, token, null));

    /// <summary>Inserts or replaces a grant row; completes once it is committed.</summary>
    public Task WriteAsync(string clientId, GrantRecord grant) => Enqueue(new PendingWrite(clientId, null, grant));

    private Task Enqueue(PendingWrite write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            throw new InvalidOperationException("The token journal is shut down.");
        }

        return write.Committed.Task;
    }

    /// <summary>
    /// The application's unexpired tokens, as stored, one row at a time: the
    /// caller keeps them compactly, so a million rows are never all held as
    /// records (and their strings) at once.
    /// </summary>
    public async IAsyncEnumerable<TokenRecord> LoadTokensAsync(string clientId, DateTimeOffset now)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, grant_id, subject, type, status, created_at, expires_at, redeemed_at,
                   reference_id, payload, properties, version, scope
            FROM oauth_tokens
            WHERE client_id = @client AND (expires_at IS NULL OR expires_at > @now)
            """;
        command.AddParameter("@client", clientId);
        command.AddParameter("@now", now.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return new TokenRecord(
                reader.GetString(0),
                NullableString(reader, 1),
                NullableString(reader, 2),
                reader.GetString(3),
                reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                NullableTime(reader, 6),
                NullableTime(reader, 7),
                NullableString(reader, 8),
                NullableString(reader, 9),
                NullableString(reader, 10),
                reader.GetInt32(11),
                NullableString(reader, 12));
        }
    }

    /// <summary>
    /// How many of the application's tokens are active, judged by the rules of
    /// <see cref="TokenSet.CountActive"/> (valid, unexpired, issued after the
    /// revoke-all watermark, grant not revoked), counted by the database without
    /// reading the rows out.
    /// </summary>
    public async Task<int> CountActiveAsync(string clientId, DateTimeOffset now, DateTimeOffset? revokedBefore)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*)
            FROM oauth_tokens t LEFT JOIN oauth_grants g ON g.id = t.grant_id
            WHERE t.client_id = @client AND t.status = @valid
              AND (t.expires_at IS NULL OR t.expires_at > @now)
              AND t.created_at > @revokedBefore
              AND (g.status IS NULL OR g.status <> @revoked)
            """;
        command.AddParameter("@client", clientId);
        command.AddParameter("@valid", TokenStatuses.Valid);
        command.AddParameter("@now", now.ToUnixTimeMilliseconds());
        command.AddParameter("@revokedBefore", revokedBefore?.ToUnixTimeMilliseconds() ?? long.MinValue);
        command.AddParameter("@revoked", TokenStatuses.Revoked);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    /// <summary>The application's grants, as stored.</summary>
    public async Task<List<GrantRecord>> LoadGrantsAsync(string clientId)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, subject, type, status, scopes, created_at, properties, version
            FROM oauth_grants
            WHERE client_id = @client
            """;
        command.AddParameter("@client", clientId);
        await using var reader = await command.ExecuteReaderAsync();
        var grants = new List<GrantRecord>();
        while (await reader.ReadAsync())
        {
            grants.Add(new GrantRecord(
                reader.GetString(0),
                NullableString(reader, 1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4).Split(' ', StringSplitOptions.RemoveEmptyEntries),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                NullableString(reader, 6),
                reader.GetInt32(7)));
        }

        return grants;
    }

    /// <summary>Deletes the application's tokens that expired before the threshold and the given grants.</summary>
    public async Task<long> DeleteAsync(string clientId, DateTimeOffset expiredBefore, IReadOnlyCollection<string> grantIds)
    {
        await using var connection = await _database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        long removed;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM oauth_tokens WHERE client_id = @client AND expires_at IS NOT NULL AND expires_at <= @threshold";
            command.AddParameter("@client", clientId);
            command.AddParameter("@threshold", expiredBefore.ToUnixTimeMilliseconds());
            removed = await command.ExecuteNonQueryAsync();
        }

        foreach (var grantId in grantIds)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM oauth_grants WHERE id = @id AND client_id = @client";
            command.AddParameter("@id", grantId);
            command.AddParameter("@client", clientId);
            removed += await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return removed;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        DbConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var write))
                {
                    batch.Add(write);
                }

                var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    connection ??= await _database.OpenAsync();
                    await CommitAsync(connection, batch);
                    TokenMetrics.RecordCommit(batch.Count, startedAt, committed: true);
                    foreach (var write in batch)
                    {
                        write.Committed.TrySetResult();
                    }
                }
                catch (Exception ex) when (ex is DbException or IOException or InvalidOperationException or TimeoutException)
                {
                    // The callers learn their write failed (and their grain reloads
                    // from storage); the next batch starts on a fresh connection.
                    LogBatchFailed(ex, batch.Count);
                    TokenMetrics.RecordCommit(batch.Count, startedAt, committed: false);
                    foreach (var write in batch)
                    {
                        write.Committed.TrySetException(ex);
                    }

                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task CommitAsync(DbConnection connection, List<PendingWrite> batch)
    {
        if (connection is NpgsqlConnection postgres)
        {
            // One round trip: the batch runs as one implicit transaction.
            await using var npgsqlBatch = new NpgsqlBatch(postgres);
            foreach (var write in batch)
            {
                var command = new NpgsqlBatchCommand(write.Token is not null ? UpsertTokenPostgres : UpsertGrantPostgres);
                foreach (var value in Values(write))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = value });
                }

                npgsqlBatch.BatchCommands.Add(command);
            }

            await npgsqlBatch.ExecuteNonQueryAsync();
            return;
        }

        await _database.KeepWalUnderCapAsync(connection, batch.Count);
        await using var transaction = await connection.BeginTransactionAsync();
        await using var tokenCommand = Prepare(connection, transaction, UpsertTokenSqlite, 14);
        await using var grantCommand = Prepare(connection, transaction, UpsertGrantSqlite, 9);
        foreach (var write in batch)
        {
            var command = write.Token is not null ? tokenCommand : grantCommand;
            var i = 0;
            foreach (var value in Values(write))
            {
                command.Parameters[i++].Value = value;
            }

            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static object[] Values(PendingWrite write)
    {
        if (write.Token is { } t)
        {
            return
            [
                t.Id, write.ClientId, Db(t.AuthorizationId), Db(t.Subject), t.Type, t.Status,
                t.CreatedAt.ToUnixTimeMilliseconds(), Db(t.ExpiresAt), Db(t.RedeemedAt),
                Db(t.ReferenceId), Db(t.Payload), Db(t.Properties), t.Version, Db(t.Scope),
            ];
        }

        var g = write.Grant!;
        return
        [
            g.Id, write.ClientId, Db(g.Subject), g.Type, g.Status, string.Join(' ', g.Scopes),
            g.CreatedAt.ToUnixTimeMilliseconds(), Db(g.Properties), g.Version,
        ];
    }

    private static object Db(string? value) => value is null ? DBNull.Value : value;

    private static object Db(DateTimeOffset? value) => value is null ? DBNull.Value : value.Value.ToUnixTimeMilliseconds();

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));


    private const string TokenColumns = "id, client_id, grant_id, subject, type, status, created_at, expires_at, redeemed_at, reference_id, payload, properties, version, scope";

    private const string TokenUpdate = """
        ON CONFLICT (id) DO UPDATE SET
            grant_id = excluded.grant_id, subject = excluded.subject, status = excluded.status,
            expires_at = excluded.expires_at, redeemed_at = excluded.redeemed_at,
            reference_id = excluded.reference_id, payload = excluded.payload,
            properties = excluded.properties, version = excluded.version, scope = excluded.scope
        """;

    private const string GrantColumns = "id, client_id, subject, type, status, scopes, created_at, properties, version";

    private const string GrantUpdate = """
        ON CONFLICT (id) DO UPDATE SET
            subject = excluded.subject, type = excluded.type, status = excluded.status,
            scopes = excluded.scopes, properties = excluded.properties, version = excluded.version
        """;

    private static readonly string UpsertTokenSqlite = $"INSERT INTO oauth_tokens ({TokenColumns}) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14) {TokenUpdate}";

    private static readonly string UpsertTokenPostgres = $"INSERT INTO oauth_tokens ({TokenColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) {TokenUpdate}";

    private static readonly string UpsertGrantSqlite = $"INSERT INTO oauth_grants ({GrantColumns}) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9) {GrantUpdate}";

    private static readonly string UpsertGrantPostgres = $"INSERT INTO oauth_grants ({GrantColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) {GrantUpdate}";

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing a batch of {Count} token journal entries failed")]
    private partial void LogBatchFailed(Exception exception, int count);

    private sealed record PendingWrite(string ClientId, TokenRecord? Token, GrantRecord? Grant)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
