using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests.Cluster;

public sealed class DataFolderLockTests
{
    [Fact]
    public async Task A_second_host_on_the_same_sqlite_data_folder_refuses_to_start_and_says_why()
    {
        await using var first = await TestHost<Program>.StartAsync(StorageProvider.Sqlite);

        var refused = Assert.ThrowsAny<Exception>(() => TestHost<Program>.StartOn(first.Database));

        var messages = string.Join(" | ", Chain(refused).Select(e => e.Message));
        Assert.Contains($"The data folder {first.Database.DataFolder} is in use by another TempoModular host (process {Environment.ProcessId})", messages);
        Assert.Contains("PostgreSql", messages);
    }

    [Fact]
    public async Task The_folder_is_free_again_once_its_host_has_stopped()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using (TestHost<Program>.StartOn(database))
        {
        }

        await using var second = TestHost<Program>.StartOn(database);
        using var client = second.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
