using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;

namespace TempoModular.Storage;

/// <summary>
/// Optional encryption of the Data Protection key ring at rest with a
/// certificate (XML Encryption, RSA key transport): <c>DataProtection:Certificate</c>
/// encrypts new keys and decrypts them; <c>DataProtection:PreviousCertificates</c>
/// only decrypt, so keys written under an old certificate stay readable while
/// the ring moves to a new one. Without it, whoever reads the key ring (the data
/// folder, or a PostgreSQL backup, where it sits next to the client secrets)
/// can decrypt every secret.
/// </summary>
internal static class KeyRingEncryption
{
    public const string Section = "DataProtection";

    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var current = section.GetSection("Certificate").Get<CertificateFile>()?.Load();
        var previous = (section.GetSection("PreviousCertificates").Get<List<CertificateFile>>() ?? [])
            .Select(file => file.Load())
            .OfType<X509Certificate2>()
            .ToList();

        foreach (var certificate in previous.Prepend(current).OfType<X509Certificate2>())
        {
            // XML Encryption wraps the key with RSA (EncryptedXml has no ECDH key
            // agreement), and decrypting needs the private key.
            using var rsa = certificate.GetRSAPrivateKey();
            if (rsa is null)
            {
                throw new InvalidOperationException(
                    $"The key ring certificate {certificate.Subject} ({certificate.Thumbprint}) needs an RSA private key: XML Encryption of the Data Protection keys works with RSA certificates only.");
            }
        }

        if (current is not null)
        {
            builder.ProtectKeysWithCertificate(current);
        }

        if (current is not null || previous.Count > 0)
        {
            // Decryption looks certificates up here first (and only then in the
            // machine's certificate store, which on Linux holds none of them).
            builder.UnprotectKeysWithAnyCertificate([.. previous.Prepend(current).OfType<X509Certificate2>()]);
        }

        return builder;
    }
}
