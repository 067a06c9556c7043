using System.Net;
using Microsoft.Data.Sqlite;
using TempoModular.Storage;
using TempoModular.Testing;
using Xunit.Abstractions;

namespace TempoModular.Host.Tests;

/// <summary>
/// The SQLite WAL never passes its cap: under sustained issuance the writers
/// start it over, and while a reader pins it the cap holds like a full disk
/// (503 + Retry-After) instead of growing; every token answered 200 stays known.
/// </summary>
public sealed class WalCapTests(ITestOutputHelper output)
{
    private const int CapMegabytes = 4;
    private const long Cap = CapMegabytes * 1024L * 1024L;

    [Fact]
    public async Task The_wal_stays_under_its_cap_while_tokens_are_issued_without_pause()
    {
        await using var host = await StartAsync();
        using var client = host.CreateClient();
        var apps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Edge.RegisterMachineClientAsync(host.Grains)));

        // A fixed amount of work, not a fixed time: about 2,400 tokens write
        // several times the cap to the WAL whatever the machine's speed, so
        // the file can only stay under the cap by starting over.
        using var sampling = new CancellationTokenSource();
        var largest = SampleLargestWalAsync(host, sampling.Token);
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var n = 0; n < 150; n++)
            {
                using var response = await Edge.TokenAsync(client, apps[i % apps.Length]);
                statuses.Add(response.StatusCode);
            }

            return statuses;
        })));
        await sampling.CancelAsync();

        var issued = answers.Sum(a => a.Count(s => s == HttpStatusCode.OK));
        output.WriteLine($"{issued} tokens, largest WAL {await largest} bytes, cap {Cap} bytes");
        Assert.Equal(16 * 150, issued);
        Assert.InRange(await largest, 1, Cap);
        Assert.Equal(issued, await CountTokensAsync(host, apps));
    }

    [Fact]
    public async Task A_reader_pinning_the_wal_makes_issuance_wait_and_then_refuse_at_the_cap_never_pass_it()
    {
        await using var host = await StartAsync();
        using var client = host.CreateClient();
        var app = await Edge.RegisterMachineClientAsync(host.Grains);

        var issued = 0;
        HttpResponseMessage? refused = null;
        using var sampling = new CancellationTokenSource();
        var largest = SampleLargestWalAsync(host, sampling.Token);
        await using (var reader = new SqliteConnection($"Data Source={host.Database.SqliteFile};Pooling=False"))
        {
            // A read transaction that has read keeps its snapshot, and with it
            // every WAL frame committed after it: SQLite cannot start the file over.
            await reader.OpenAsync();
            // Deferred: a plain BEGIN takes no lock until it reads (Microsoft.Data.Sqlite's default is IMMEDIATE, a writer).
            await using var transaction = reader.BeginTransaction(deferred: true);
            await using var read = reader.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT count(*) FROM oauth_tokens";
            await read.ExecuteScalarAsync();

            // About 300 tokens fill a 4 MB WAL; 5,000 is a bound, not the expectation.
            (issued, refused) = await Edge.IssueUntilRefusedAsync(client, app);
        }

        await Edge.AssertStorageFaultAsync(refused);

        // The reader is gone: the next writer empties the WAL and issuance goes on.
        using (var after = await Edge.EventuallyAsync(() => Edge.TokenAsync(client, app), HttpStatusCode.OK, TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            issued++;
        }

        await sampling.CancelAsync();
        output.WriteLine($"{issued} tokens before and after the refusal, largest WAL {await largest} bytes, cap {Cap} bytes");
        Assert.InRange(await largest, 1, Cap);
        Assert.Equal(issued, await CountTokensAsync(host, [app]));
    }

    private static Task<TestHost<Program>> StartAsync() => TestHost<Program>.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Storage:WalSizeLimitMegabytes"] = CapMegabytes.ToString(),
        // The pinned-WAL test waits this long at the cap before each refusal.
        ["Storage:LockTimeout"] = "00:00:01",
    });

    private static async Task<long> SampleLargestWalAsync(TestHost<Program> host, CancellationToken stop)
    {
        var wal = new FileInfo(host.Database.SqliteFile + "-wal");
        long largest = 0;
        while (!stop.IsCancellationRequested)
        {
            wal.Refresh();
            largest = Math.Max(largest, wal.Exists ? wal.Length : 0);
            await Task.Delay(2, CancellationToken.None);
        }

        return largest;
    }

    private static async Task<int> CountTokensAsync(TestHost<Program> host, IEnumerable<Applications.ApplicationCredentials> apps)
    {
        var total = 0;
        foreach (var app in apps)
        {
            total += await host.Grains.GetGrain<Applications.IApplicationTokenSet>(app.ClientId).CountActiveTokensAsync();
        }

        return total;
    }
}
