using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Npgsql;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>
/// A database that cannot commit is answered with 503 + Retry-After (OAuth:
/// temporarily_unavailable), readiness turns unhealthy within seconds and back
/// on recovery, and every token answered 200 survives.
/// </summary>
public sealed class StorageFaultTests
{
    [Fact]
    public async Task A_sqlite_write_lock_held_too_long_is_a_503_and_readiness_follows_it()
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Storage:LockTimeout"] = "00:00:01" });
        using var client = host.CreateClient();
        var app = await Edge.RegisterMachineClientAsync(host.Grains);
        using var before = await Edge.TokenAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var token = (await Edge.JsonAsync(before)).GetProperty("access_token").GetString()!;

        // Another process holding the write lock, as a backup tool or a stuck
        // writer would.
        await using (var holder = new SqliteConnection($"Data Source={host.Database.SqliteFile};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var transaction = (SqliteTransaction)await holder.BeginTransactionAsync();

            using var refused = await Edge.TokenAsync(client, app);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(StorageFaults.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("temporarily_unavailable", (await Edge.JsonAsync(refused)).GetProperty("error").GetString());
            Assert.True(refused.Headers.CacheControl?.NoStore);

            using var api = await Edge.RegisterThroughApiAsync(client);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(api.Headers.RetryAfter);

            var probe = Stopwatch.StartNew();
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.InRange(probe.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        }

        using var recovered = await Edge.EventuallyAsync(() => client.GetAsync("/health/ready"), HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        using var after = await Edge.TokenAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);

        // The token answered 200 before the fault is still known, after a restart too.
        await host.RestartAsync();
        using var restarted = host.CreateClient();
        using var introspected = await Edge.IntrospectAsync(restarted, app, token);
        Assert.True((await Edge.JsonAsync(introspected)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Postgresql_refusing_connections_is_a_503_and_readiness_follows_it()
    {
        await using var host = await TestHost<Program>.StartAsync(StorageProvider.PostgreSql);
        using var client = host.CreateClient();
        var app = await Edge.RegisterMachineClientAsync(host.Grains);
        using var before = await Edge.TokenAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var token = (await Edge.JsonAsync(before)).GetProperty("access_token").GetString()!;

        // As if this database's server went away: no new connections, and the
        // open ones are cut. Only this test's database; the shared server runs on.
        await AllowConnectionsAsync(host.Database, false);
        try
        {
            using var refused = await Edge.TokenAsync(client, app);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("temporarily_unavailable", (await Edge.JsonAsync(refused)).GetProperty("error").GetString());

            using var api = await Edge.RegisterThroughApiAsync(client);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            await AllowConnectionsAsync(host.Database, true);
        }

        // Back once the server lets connections in again; how soon depends on the
        // pool's back-off and the machine, so the window is generous.
        using var recovered = await Edge.EventuallyAsync(() => client.GetAsync("/health/ready"), HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        using var after = await Edge.EventuallyAsync(() => Edge.TokenAsync(client, app), HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        using var introspected = await Edge.IntrospectAsync(client, app, token);
        Assert.True((await Edge.JsonAsync(introspected)).GetProperty("active").GetBoolean());
    }

    private static async Task AllowConnectionsAsync(TestDatabase database, bool allow)
    {
        await using var admin = new NpgsqlConnection(TestDatabase.PostgresAdminConnectionString);
        await admin.OpenAsync();
        await using var alter = new NpgsqlCommand($"ALTER DATABASE {database.PostgresDatabase} ALLOW_CONNECTIONS {(allow ? "true" : "false")}", admin);
        await alter.ExecuteNonQueryAsync();
        if (!allow)
        {
            await using var terminate = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", admin);
            terminate.Parameters.AddWithValue("name", database.PostgresDatabase!);
            await terminate.ExecuteNonQueryAsync();
        }
    }
}
