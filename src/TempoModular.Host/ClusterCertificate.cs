using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;
using TempoModular.Storage;

namespace TempoModular.Host;

/// <summary>
/// The certificate every host presents on the silo port, and the only one it
/// accepts from the other side: silo connections are mutual TLS, so a process
/// without it can neither join the cluster nor call a grain (the grains answer
/// anything that reaches them, client secrets included).
/// <list type="bullet">
/// <item>Configured: <c>Orleans:Certificate:Path</c> (PKCS#12, with <c>Password</c>)
/// or <c>PemPath</c> + <c>PemKeyPath</c>; the same certificate on every host.</item>
/// <item>Otherwise created once where the hosts already share trust: a file of
/// mode 600 under the data folder (embedded default), or a row of the database
/// protected with the shared Data Protection key ring (PostgreSQL).</item>
/// </list>
/// <c>Orleans:Certificate:TrustedThumbprints</c> (SHA-256, hex) lists further
/// certificates to accept, so a cluster can move to a new one host by host.
/// </summary>
internal sealed class ClusterCertificate
{
    private const string Purpose = "TempoModular.Host.ClusterCertificate.v1";
    private const string FileName = "cluster-certificate.pfx";

    private Lazy<(X509Certificate2 Certificate, HashSet<string> Trusted)>? _loaded;

    /// <summary>The certificate this host presents; loaded at silo start.</summary>
    public X509Certificate2 Current => Loaded.Certificate;

    private (X509Certificate2 Certificate, HashSet<string> Trusted) Loaded =>
        (_loaded ?? throw new InvalidOperationException("The cluster certificate is read when the silo starts.")).Value;

    /// <summary>Accepts exactly the cluster certificate (and any configured successor), whatever chain errors a self-signed certificate has.</summary>
    public bool IsTrusted(X509Certificate2 remote) =>
        Loaded.Trusted.Contains(remote.GetCertHashString(HashAlgorithmName.SHA256));

    internal void Attach(IServiceProvider services) =>
        _loaded ??= new Lazy<(X509Certificate2, HashSet<string>)>(() => Load(services));

    private static (X509Certificate2, HashSet<string>) Load(IServiceProvider services)
    {
        var options = services.GetRequiredService<IConfiguration>().GetSection(CertificateOptions.Section).Get<CertificateOptions>() ?? new CertificateOptions();
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var certificate = options.Load()
            ?? (storage.Provider == StorageProvider.PostgreSql
                ? FromDatabase(services)
                : FromDataFolder(storage.DataFolderFullPath));

        var trusted = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { certificate.GetCertHashString(HashAlgorithmName.SHA256) };
        trusted.UnionWith(options.TrustedThumbprints.Select(t => t.Replace(":", "", StringComparison.Ordinal).Trim()));
        return (certificate, trusted);
    }

    private static X509Certificate2 FromDataFolder(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(folder);
            // Readable by the host's user only, like an SSH private key. CreateNew:
            // never overwrite a certificate that exists.
            using var file = new FileStream(path, PrivateFiles.OpenOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None));
            file.Write(Create());
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
    }

    private static X509Certificate2 FromDatabase(IServiceProvider services)
    {
        var database = services.GetRequiredService<TempoDatabase>();
        services.GetRequiredService<SchemaBootstrap>().ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        var pkcs12 = database.GetOrAddAsync("cluster_certificate", "silo", protector, Create, now).GetAwaiter().GetResult();
        return X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
    }

    /// <summary>A self-signed ECDSA P-256 certificate for both ends of a TLS connection, as PKCS#12 bytes.</summary>
    private static byte[] Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=TempoModular cluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // Pinned by thumbprint rather than checked against a CA, so its age is
        // not what protects it; rotation is by TrustedThumbprints (docs/operations.md).
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
        return certificate.Export(X509ContentType.Pkcs12);
    }


    /// <summary>The "Orleans:Certificate" configuration section.</summary>
    private sealed class CertificateOptions : CertificateFile
    {
        public const string Section = "Orleans:Certificate";

        public List<string> TrustedThumbprints { get; set; } = [];
    }
}

internal static class ClusterTls
{
    /// <summary>Mutual TLS on every silo connection, in and out, single host included.</summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        var certificate = new ClusterCertificate();
        silo.Services.AddSingleton(certificate);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, LoadBeforeListening>();
        silo.UseTls(tls =>
        {
            // Selectors instead of a fixed certificate: the certificate may live in
            // the database, which is only reachable once the services exist.
            tls.LocalServerCertificateSelector = (_, _) => certificate.Current;
            tls.LocalClientCertificateSelector = (_, _, _, _, _) => certificate.Current;
            // Both ends must present the certificate. (On the outgoing side "Allow"
            // because the client middleware checks for a fixed certificate when
            // it is built; the selector above always presents one, and the other
            // host's RequireCertificate refuses a connection without it.)
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.AllowCertificate;
            tls.RemoteCertificateValidation = (remote, _, _) => certificate.IsTrusted(remote);
            tls.HandshakeTimeout = TimeSpan.FromSeconds(5);
        });
        return silo;
    }

    /// <summary>Reads (or creates) the certificate before the silo opens its port, so a bad one stops the start with its own error.</summary>
    private sealed class LoadBeforeListening(ClusterCertificate certificate, IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(ClusterCertificate), ServiceLifecycleStage.RuntimeInitialize - 1, _ =>
            {
                certificate.Attach(services);
                return Task.FromResult(certificate.Current);
            });
    }
}
