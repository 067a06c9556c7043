using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;
using TempoModular.Storage;

namespace TempoModular.Authorization.Keys;

/// <summary>
/// The server's keys, created on first start and kept in the database as Data
/// Protection ciphertext so that tokens stay valid across restarts and hosts.
/// <list type="bullet">
/// <item>Access tokens, refresh tokens and codes are signed with HMAC-SHA256: only
/// this server (every host of it) validates them, and a MAC costs about a
/// microsecond where an ECDSA signature costs ~33 µs and a verification more.</item>
/// <item>An ECDSA P-256 key is published in the JWKS for tokens meant for others
/// (identity tokens), which must be signed asymmetrically.</item>
/// <item>Refresh tokens and codes are also encrypted (AES-256), so a client cannot
/// read the grant details they carry.</item>
/// </list>
/// </summary>
internal sealed class ServerKeys
{
    private const string Purpose = "TempoModular.Authorization.ServerKeys.v1";

    private readonly TempoDatabase database;
    private readonly SchemaBootstrap schema;
    private readonly IDataProtectionProvider dataProtection;
    private readonly TimeProvider time;
    private readonly Lazy<(SymmetricSecurityKey Signing, ECDsaSecurityKey Published, SymmetricSecurityKey Encryption)> _keys;

    public ServerKeys(TempoDatabase database, SchemaBootstrap schema, IDataProtectionProvider dataProtection, TimeProvider time)
    {
        this.database = database;
        this.schema = schema;
        this.dataProtection = dataProtection;
        this.time = time;
        _keys = new(Load);
    }

    public SymmetricSecurityKey TokenSigningKey => _keys.Value.Signing;

    public ECDsaSecurityKey PublishedSigningKey => _keys.Value.Published;

    public SymmetricSecurityKey TokenEncryptionKey => _keys.Value.Encryption;

    private (SymmetricSecurityKey, ECDsaSecurityKey, SymmetricSecurityKey) Load()
    {
        // Called while OpenIddict builds its options (once, at the first request);
        // the schema may not have been applied yet if that happens early.
        schema.ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
        var protector = dataProtection.CreateProtector(Purpose);

        var signing = GetOrCreate("access-token-hmac-sha256", protector, () => RandomNumberGenerator.GetBytes(32));
        var encryption = GetOrCreate("token-encryption-aes256", protector, () => RandomNumberGenerator.GetBytes(32));
        var ecdsaBytes = GetOrCreate("published-ecdsa-p256", protector, () =>
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return created.ExportPkcs8PrivateKey();
        });
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(ecdsaBytes, out _);

        return (
            new SymmetricSecurityKey(signing) { KeyId = KeyId("hs", signing) },
            new ECDsaSecurityKey(ecdsa) { KeyId = KeyId("es", ecdsa.ExportSubjectPublicKeyInfo()) },
            new SymmetricSecurityKey(encryption) { KeyId = KeyId("enc", encryption) });
    }

    // A key id that names the key without revealing it: a truncated hash.
    private static string KeyId(string kind, byte[] material) =>
        kind + "-" + Convert.ToHexStringLower(SHA256.HashData(material))[..16];

    private byte[] GetOrCreate(string name, IDataProtector protector, Func<byte[]> create) =>
        // At start-up, from OpenIddict's synchronous options configuration.
        database.GetOrAddAsync("oauth_server_keys", name, protector, create, time.GetUtcNow()).GetAwaiter().GetResult();

}
