using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests.Cluster;

/// <summary>
/// The silo port is the way to every grain, and grains answer whatever reaches
/// them (client secrets included), so nothing without the cluster certificate
/// may get through it.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class SiloSecurityTests
{
    private const string DefaultIds = "tempo-modular";

    [Fact]
    public async Task A_rogue_silo_with_the_default_ids_and_no_certificate_cannot_join()
    {
        await using var host = await StartWithDefaultIdsAsync();

        var joined = await TryJoinAsync(SiloPort(host), silo => { });

        Assert.False(joined);
        Assert.Single(await host.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
    }

    [Fact]
    public async Task A_silo_with_the_cluster_certificate_does_join()
    {
        // The control for the two tests around it: the same rogue silo, given
        // the certificate, gets in, so their refusals are the certificate's doing.
        await using var host = await StartWithDefaultIdsAsync();
        using var cluster = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(host.Database.DataFolder, "cluster-certificate.pfx"), null);

        var joined = await TryJoinAsync(SiloPort(host), silo => silo.UseTls(cluster, tls =>
        {
            tls.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (remote, _, _) => remote.Thumbprint == cluster.Thumbprint;
            tls.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.AllowCertificate;
            tls.LocalClientCertificateSelector = (_, _, _, _, _) => cluster;
        }));

        Assert.True(joined);
    }

    [Fact]
    public async Task A_rogue_silo_with_a_certificate_of_its_own_cannot_join()
    {
        await using var host = await StartWithDefaultIdsAsync();
        using var own = SelfSigned();

        var joined = await TryJoinAsync(SiloPort(host), silo => silo.UseTls(own, tls =>
        {
            tls.AllowAnyRemoteCertificate();
            tls.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.AllowCertificate;
            tls.LocalClientCertificateSelector = (_, _, _, _, _) => own;
        }));

        Assert.False(joined);
        Assert.Single(await host.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
    }

    [Fact]
    public async Task Plain_bytes_on_the_silo_port_get_no_answer_but_the_end_of_the_connection()
    {
        await using var host = await StartWithDefaultIdsAsync();
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, SiloPort(host));
        var stream = socket.GetStream();
        stream.ReadTimeout = 10_000;

        // What an Orleans connection without TLS starts with: a preamble naming the sender.
        await stream.WriteAsync(new byte[] { 0, 0, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
        var received = new List<byte>();
        var buffer = new byte[1024];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
            {
                received.AddRange(buffer[..read]);
            }
        }
        catch (IOException)
        {
            // Reset by the silo: the connection ended, which is what is expected.
        }

        // Nothing, or a TLS alert record (content type 21), never an Orleans message.
        Assert.True(received.Count == 0 || received[0] == 21, $"The silo answered {received.Count} bytes, the first {received.FirstOrDefault()}.");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_generated_certificate_file_is_readable_by_its_owner_only()
    {
        await using var host = await StartWithDefaultIdsAsync();
        var file = Path.Combine(host.Database.DataFolder, "cluster-certificate.pfx");

        Assert.True(File.Exists(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    private static async Task<TestHost<Program>> StartWithDefaultIdsAsync() =>
        await TestHost<Program>.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Orleans:ServiceId"] = DefaultIds,
            ["Orleans:ClusterId"] = DefaultIds,
        });

    private static int SiloPort(TestHost<Program> host) =>
        int.Parse(host.Services.GetRequiredService<IConfiguration>()["Orleans:SiloPort"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Starts a silo that names the host's silo as its primary; true if it became a member.</summary>
    private static async Task<bool> TryJoinAsync(int hostSiloPort, Action<ISiloBuilder> configure)
    {
        using var rogue = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(TestHost<Program>.FreeTcpPort(), 0, new IPEndPoint(IPAddress.Loopback, hostSiloPort), DefaultIds, DefaultIds);
                silo.Configure<ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = TimeSpan.FromSeconds(10));
                configure(silo);
            })
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await rogue.StartAsync(timeout.Token);
        }
        catch (Exception)
        {
            // Refused: it could not reach the membership on the host's silo.
            return false;
        }

        try
        {
            // Started anyway: it must still not see the host as a fellow member.
            var hosts = await rogue.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)
                .WaitAsync(TimeSpan.FromSeconds(15));
            return hosts.Count > 1;
        }
        catch (Exception)
        {
            return false;
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await rogue.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // A silo that never joined may not stop cleanly; it is disposed next.
            }
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=rogue", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
