using System.Security.Cryptography.X509Certificates;

namespace TempoModular.Storage;

/// <summary>
/// A certificate with its private key named in configuration: <c>Path</c>
/// (PKCS#12) with <c>Password</c>, or <c>PemPath</c> with <c>PemKeyPath</c>.
/// </summary>
public class CertificateFile
{
    public string? Path { get; set; }

    public string? Password { get; set; }

    public string? PemPath { get; set; }

    public string? PemKeyPath { get; set; }

    /// <summary>The certificate, or null when none is configured.</summary>
    public X509Certificate2? Load()
    {
        if (!string.IsNullOrEmpty(Path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(Path, Password);
        }

        if (!string.IsNullOrEmpty(PemPath))
        {
            // Round-trip through PKCS#12: a PEM key is ephemeral, and not every
            // TLS back end accepts an ephemeral key.
            using var pem = X509Certificate2.CreateFromPemFile(PemPath, PemKeyPath);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }

        return null;
    }
}
