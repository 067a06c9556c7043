using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>
/// With DataProtection:Certificate the key ring is written as XML Encryption
/// (no key in clear, in the data folder or the database) and read back by the
/// next start with the same certificate: client secrets stay viewable.
/// </summary>
public sealed class KeyRingEncryptionTests
{
    [Fact]
    public async Task The_file_key_ring_is_encrypted_with_the_certificate_and_read_back_after_a_restart()
    {
        using var certificate = new CertificateOnDisk();
        await using var host = await TestHost<Program>.StartAsync(StorageProvider.Sqlite, certificate.Settings);

        var (clientId, secret) = await RegisterAsync(host);
        var keys = Directory.GetFiles(Path.Combine(host.Database.DataFolder, "keys"), "*.xml").Select(File.ReadAllText).ToList();
        AssertEncrypted(keys);

        await host.RestartAsync();
        Assert.Equal(secret, await RevealAsync(host, clientId));
    }

    [Fact]
    public async Task The_database_key_ring_is_encrypted_with_the_certificate_and_the_unencrypted_warning_is_gone()
    {
        using var certificate = new CertificateOnDisk();
        var logs = new RecordedLogs(LogLevel.Warning);
        await using var host = await TestHost<Program>.StartAsync(StorageProvider.PostgreSql, certificate.Settings, s => s.AddSingleton<ILoggerProvider>(logs));

        var (clientId, secret) = await RegisterAsync(host);
        AssertEncrypted(await DatabaseKeysAsync(host.Database));
        Assert.DoesNotContain(logs.Entries, m => m.Contains("key ring is stored unencrypted", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, m => m.Contains("No XML encryptor configured", StringComparison.Ordinal));

        await host.RestartAsync();
        Assert.Equal(secret, await RevealAsync(host, clientId));

        // The control: a PostgreSQL host without the certificate warns.
        var unprotected = new RecordedLogs(LogLevel.Warning);
        await using var without = await TestHost<Program>.StartAsync(StorageProvider.PostgreSql, services: s => s.AddSingleton<ILoggerProvider>(unprotected));
        await RegisterAsync(without);
        Assert.Contains(unprotected.Entries, m => m.Contains("key ring is stored unencrypted", StringComparison.Ordinal));
    }

    private static void AssertEncrypted(IReadOnlyCollection<string> keys)
    {
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            Assert.Contains("EncryptedData", key, StringComparison.Ordinal);
            Assert.Contains("EncryptedXmlDecryptor", key, StringComparison.Ordinal);
            // An unencrypted key carries its secret as <masterKey><value>base64</value>.
            Assert.DoesNotContain("<value>", key, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", key, StringComparison.Ordinal);
        }
    }

    private static async Task<List<string>> DatabaseKeysAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xml FROM dataprotectionkeys", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task<(string ClientId, string Secret)> RegisterAsync(TestHost<Program> host)
    {
        using var client = host.CreateClient();
        using var created = await Edge.RegisterThroughApiAsync(client);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await Edge.JsonAsync(created);
        return (json.GetProperty("clientId").GetString()!, json.GetProperty("clientSecret").GetString()!);
    }

    private static async Task<string> RevealAsync(TestHost<Program> host, string clientId)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/applications/{clientId}/credentials");
        request.Headers.Authorization = Edge.AdminBasic();
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Edge.JsonAsync(response)).GetProperty("clientSecret").GetString()!;
    }

    /// <summary>A self-signed RSA certificate in a password-protected PKCS#12 file of its own folder.</summary>
    private sealed class CertificateOnDisk : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "tempo-tests", "keyring-cert-" + Guid.NewGuid().ToString("N"));

        public CertificateOnDisk()
        {
            Directory.CreateDirectory(_folder);
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=TempoModular key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(PfxPath, certificate.Export(X509ContentType.Pkcs12, Password));
        }

        private string PfxPath => Path.Combine(_folder, "keyring.pfx");

        private string Password { get; } = Guid.NewGuid().ToString("N");

        public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["DataProtection:Certificate:Path"] = PfxPath,
            ["DataProtection:Certificate:Password"] = Password,
        };

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
