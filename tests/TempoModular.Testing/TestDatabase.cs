using Microsoft.Data.Sqlite;
using Npgsql;
using TempoModular.Storage;

namespace TempoModular.Testing;

/// <summary>
/// A database of its own for one test or fixture: a SQLite file in a fresh
/// folder, or a fresh PostgreSQL database on the test server. PostgreSQL is
/// always expected: when the server cannot be reached the test fails, it does
/// not skip (the README's test command installs and starts the server).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>Connection string of a role that may create databases; override with TEMPO_TEST_POSTGRES.</summary>
    public static string PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable("TEMPO_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=tempo;Password=tempo;Database=postgres;Timeout=15";

    private TestDatabase(StorageProvider provider, string dataFolder, string? postgresDatabase)
    {
        Provider = provider;
        DataFolder = dataFolder;
        PostgresDatabase = postgresDatabase;
    }

    public StorageProvider Provider { get; }

    /// <summary>Data folder of this test (SQLite file and key ring, or just the key ring for PostgreSQL).</summary>
    public string DataFolder { get; }

    public string? PostgresDatabase { get; }

    public string? PostgresConnectionString => PostgresDatabase is null
        ? null
        : new NpgsqlConnectionStringBuilder(PostgresAdminConnectionString) { Database = PostgresDatabase }.ToString();

    public string SqliteFile => Path.Combine(DataFolder, "tempo.db");

    /// <summary>Configuration keys that point the product at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = Provider.ToString(),
        ["Storage:DataFolder"] = DataFolder,
        ["Storage:PostgreSql"] = PostgresConnectionString,
    };

    public static async Task<TestDatabase> CreateAsync(StorageProvider provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tempo-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (provider == StorageProvider.Sqlite)
        {
            return new TestDatabase(provider, folder, null);
        }

        var name = "tempo_test_" + Guid.NewGuid().ToString("N");
        await using var admin = new NpgsqlConnection(PostgresAdminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
        return new TestDatabase(provider, folder, name);
    }

    /// <summary>Every byte the database holds, as text: the SQLite file with its WAL, or every row of every table.</summary>
    public async Task<string> DumpAsync()
    {
        if (Provider == StorageProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var parts = new List<byte>();
            foreach (var file in Directory.GetFiles(DataFolder, "tempo.db*"))
            {
                parts.AddRange(await ReadSharedAsync(file));
            }

            return System.Text.Encoding.Latin1.GetString(parts.ToArray());
        }

        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            // Whole rows as text; bytea comes out hex-encoded, so decode it too.
            await using var rows = new NpgsqlCommand($"SELECT t::text FROM {table} t", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dump.AppendLine(reader.GetString(0));
            }
        }

        await using var blobs = new NpgsqlCommand("SELECT payloadbinary FROM orleansstorage WHERE payloadbinary IS NOT NULL", connection);
        await using var blobReader = await blobs.ExecuteReaderAsync();
        while (await blobReader.ReadAsync())
        {
            dump.AppendLine(System.Text.Encoding.Latin1.GetString((byte[])blobReader[0]));
        }

        return dump.ToString();
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Drops the PostgreSQL database, even while the product holds connections to it.</summary>
    public async Task DropAsync()
    {
        if (PostgresDatabase is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresAdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {PostgresDatabase} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DropAsync();

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pool that outlived the test; the OS temp cleaner takes it.
        }
    }
}
