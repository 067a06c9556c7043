using Xunit.Abstractions;
using System.Net;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>Sustained issuance keeps the SQLite WAL under its cap; every token answered 200 stays known.</summary>
public sealed class WalCapTests(ITestOutputHelper output)
{
    [Fact(Skip = "Flaky: depends on machine load (too few tokens on a busy machine; on a quiet one the WAL outgrows a small cap). Issue 11 open: the cap is not a bound yet.")]
    public async Task The_wal_stays_under_its_cap_while_tokens_are_issued_without_pause()
    {
        const int capMegabytes = 8;
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Storage:WalSizeLimitMegabytes"] = capMegabytes.ToString() });
        using var client = host.CreateClient();
        var apps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Edge.RegisterMachineClientAsync(host.Grains)));
        var wal = new FileInfo(host.Database.SqliteFile + "-wal");
        var cap = capMegabytes * 1024L * 1024L;

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var issued = 0;
        var refused = 0;
        var senders = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await Edge.TokenAsync(client, apps[i % apps.Length]);
                Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref issued : ref refused);
            }
        })).ToList();

        long largest = 0;
        var truncations = 0;
        var previous = 0L;
        while (!stop.IsCancellationRequested)
        {
            wal.Refresh();
            var size = wal.Exists ? wal.Length : 0;
            largest = Math.Max(largest, size);
            if (size < previous / 2)
            {
                truncations++;
            }

            previous = size;
            await Task.Delay(5);
        }

        await Task.WhenAll(senders);
        output.WriteLine($"{issued} tokens in 10 s, largest WAL {largest} bytes, emptied {truncations} times, cap {cap} bytes");
        Assert.Equal(0, refused);
        Assert.True(truncations > 0, $"The WAL was never emptied ({issued} tokens, largest {largest} bytes): the load did not reach the threshold, so the test shows nothing.");
        Assert.True(largest <= cap, $"The WAL reached {largest} bytes, over the {cap}-byte cap ({issued} tokens).");
        Assert.Equal(issued, await CountTokensAsync(host, apps));
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
