using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>Checkpoints leave the commit path: our connections never checkpoint, the background service does.</summary>
public sealed class WalCheckpointTests
{
    [Fact]
    public async Task Commits_do_not_checkpoint_and_the_background_checkpoint_catches_up()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var options = Options.Create(new StorageOptions { Provider = StorageProvider.Sqlite, DataFolder = test.DataFolder });
        await using var database = new TempoDatabase(options);
        // Held open throughout: SQLite checkpoints when the last connection to a
        // file closes, which other tests can cause by clearing the shared pool.
        await using var holder = await database.OpenAsync();
        await Execute(holder, "PRAGMA journal_mode = WAL; CREATE TABLE filler (body BLOB NOT NULL);");

        // About 3,000 pages in 1,500 commits: SQLite's default would have
        // checkpointed (and restarted the WAL) after the first 1,000 pages.
        var body = new byte[8000];
        for (var i = 0; i < 1500; i++)
        {
            await using var connection = await database.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO filler (body) VALUES (@body)";
            var parameter = insert.CreateParameter();
            parameter.ParameterName = "body";
            parameter.Value = body;
            insert.Parameters.Add(parameter);
            await insert.ExecuteNonQueryAsync();
        }

        var wal = new FileInfo(test.SqliteFile + "-wal");
        Assert.True(wal.Length > 2_000 * 4096, $"The WAL holds {wal.Length} bytes: something checkpointed during the commits.");

        await new WalCheckpoints(database, NullLogger<WalCheckpoints>.Instance, TimeProvider.System).CheckpointAsync(CancellationToken.None);

        await using var check = await database.OpenAsync();
        await using var status = check.CreateCommand();
        status.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await status.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (busy, frames, checkpointed) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        Assert.Equal(0, busy);
        Assert.True(frames > 2_000);
        Assert.Equal(frames, checkpointed);
    }

    [Fact]
    public async Task Every_connection_has_the_pragmas_new_pooled_or_reopened_after_the_pool_is_cleared()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var options = Options.Create(new StorageOptions { Provider = StorageProvider.Sqlite, DataFolder = test.DataFolder });
        await using var database = new TempoDatabase(options);

        await using var first = await database.OpenAsync();
        await using (var second = await database.OpenAsync())
        {
            await AssertPragmas(first);
            await AssertPragmas(second);
        }

        // From the pool: the handle the second connection had.
        await using (var pooled = await database.OpenAsync())
        {
            await AssertPragmas(pooled);
        }

        await first.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var reopened = await database.OpenAsync();
        await AssertPragmas(reopened);
    }

    private static async Task AssertPragmas(System.Data.Common.DbConnection connection)
    {
        foreach (var (pragma, expected) in new[] { ("synchronous", 1L), ("wal_autocheckpoint", 0L) })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {pragma};";
            Assert.Equal(expected, Convert.ToInt64(await command.ExecuteScalarAsync()));
        }
    }

    private static async Task Execute(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
