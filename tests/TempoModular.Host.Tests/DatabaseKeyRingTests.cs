using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>
/// Data Protection reads the key ring synchronously on whichever thread needs a
/// key it has not cached, which can be a grain's: a secret protected by a key
/// another host made, unprotected on this one. A grain's scheduler runs one work
/// item at a time, so the read must not need that scheduler to finish.
/// </summary>
public sealed class DatabaseKeyRingTests
{
    // The database key ring is PostgreSQL's (SQLite keeps it in the data folder).
    [Fact]
    public async Task The_key_ring_is_read_and_written_from_a_one_at_a_time_scheduler_without_deadlock()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        var options = Options.Create(new StorageOptions { Provider = StorageProvider.PostgreSql, DataFolder = test.DataFolder, PostgreSql = test.PostgresConnectionString });
        // A new database: its pool is empty, so the first open really is
        // asynchronous and the schema is applied on the way.
        await using var database = new TempoDatabase(options);
        var schema = new SchemaBootstrap(database, [new SchemaSource(typeof(TempoDatabase).Assembly)], NullLogger<SchemaBootstrap>.Instance);
        var ring = new DatabaseKeyRing(database, schema);

        // Like a grain activation's: the exclusive scheduler runs one task at a time.
        var oneAtATime = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var work = Task.Factory.StartNew(
            () =>
            {
                ring.StoreElement(new XElement("key", new XAttribute("id", "k1")), "k1");
                return ring.GetAllElements();
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            oneAtATime);

        var finished = await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == work, "Reading the key ring from a one-at-a-time scheduler did not finish in 30 s (deadlock).");
        var element = Assert.Single(await work);
        Assert.Equal("k1", element.Attribute("id")?.Value);
    }
}
