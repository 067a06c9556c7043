using Microsoft.Extensions.Options;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>A query kept compiled on connections of its own still reads what is committed now, one call per connection at a time.</summary>
public sealed class PreparedQueryTests
{
    private const string Sql = "SELECT n FROM numbers ORDER BY n DESC LIMIT @limit + 0 OFFSET @offset + 0";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Each_call_reads_the_rows_committed_before_it_even_on_a_connection_kept_from_an_earlier_call(StorageProvider provider)
    {
        await using var numbers = await Numbers.CreateAsync(provider, 2);
        var (database, query) = (numbers.Database, numbers.Query);

        Assert.Equal([2, 1], await ReadAsync(query, 10, 0));
        for (var n = 3; n <= 6; n++)
        {
            await ExecuteAsync(database, $"INSERT INTO numbers (n) VALUES ({n})");

            Assert.Equal(Enumerable.Range(1, n).Reverse().ToList(), await ReadAsync(query, 10, 0));
            Assert.Equal([n - 1], await ReadAsync(query, 1, 1));
        }
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Calls_at_once_each_get_their_own_values_and_rows(StorageProvider provider)
    {
        await using var numbers = await Numbers.CreateAsync(provider, 10);
        var query = numbers.Query;

        for (var round = 0; round < 5; round++)
        {
            // The read yields between rows, so calls overlap while they hold their connections.
            var pages = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => ReadAsync(query, 1 + i % 10, i % 7, yieldPerRow: true)));

            for (var i = 0; i < pages.Length; i++)
            {
                var (limit, offset) = (1 + i % 10, i % 7);
                Assert.Equal(Enumerable.Range(1, 10).Reverse().Skip(offset).Take(limit).ToList(), pages[i]);
            }
        }
    }

    [Fact]
    public async Task A_read_that_fails_passes_its_error_on_and_the_next_call_reads_normally()
    {
        await using var numbers = await Numbers.CreateAsync(StorageProvider.Sqlite, 2);
        var query = numbers.Query;

        var failure = new InvalidOperationException("the reader gave up half way");
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => query.ReadAsync<int>([10, 0], async (reader, token) =>
        {
            await reader.ReadAsync(token);
            throw failure;
        }));
        Assert.Same(failure, thrown);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query.ReadAsync([10, 0], (reader, token) => reader.ReadAsync(token), new CancellationToken(canceled: true)));

        Assert.Equal([2, 1], await ReadAsync(query, 10, 0));
        await Assert.ThrowsAsync<ArgumentException>(() => query.ReadAsync([10], (reader, token) => reader.ReadAsync(token)));
    }

    /// <summary>A fresh database with the table numbers holding 1 to count, and the query over it.</summary>
    private sealed class Numbers(TestDatabase test, TempoDatabase database) : IAsyncDisposable
    {
        public TempoDatabase Database => database;

        public PreparedQuery Query { get; } = new(database, Sql, "@limit", "@offset");

        public static async Task<Numbers> CreateAsync(StorageProvider provider, int count)
        {
            var test = await TestDatabase.CreateAsync(provider);
            var database = new TempoDatabase(Options.Create(new StorageOptions
            {
                Provider = test.Provider,
                DataFolder = test.DataFolder,
                PostgreSql = test.PostgresConnectionString,
            }));
            var values = string.Join(", ", Enumerable.Range(1, count).Select(n => $"({n})"));
            await ExecuteAsync(database, $"CREATE TABLE numbers (n INTEGER NOT NULL PRIMARY KEY); INSERT INTO numbers (n) VALUES {values}");
            return new Numbers(test, database);
        }

        public async ValueTask DisposeAsync()
        {
            await Query.DisposeAsync();
            await database.DisposeAsync();
            await test.DisposeAsync();
        }
    }

    private static Task<List<int>> ReadAsync(PreparedQuery query, int limit, int offset, bool yieldPerRow = false) =>
        query.ReadAsync([limit, offset], async (reader, token) =>
        {
            var rows = new List<int>();
            while (await reader.ReadAsync(token))
            {
                rows.Add(Convert.ToInt32(reader.GetValue(0)));
                if (yieldPerRow)
                {
                    await Task.Yield();
                }
            }

            return rows;
        });

    private static async Task ExecuteAsync(TempoDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
