using System.Net;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task Live_and_ready_answer_healthy_once_the_silo_is_up()
    {
        await using var host = await TestHost<Program>.StartAsync();
        using var client = host.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_sqlite_database_runs_in_wal_mode()
    {
        await using var host = await TestHost<Program>.StartAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={host.Database.SqliteFile}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
