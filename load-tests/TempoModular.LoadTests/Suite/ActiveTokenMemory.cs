using System.Globalization;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Suite;

/// <summary>The host's resident memory after a number of tokens had been issued and stayed active.</summary>
internal sealed record RssReading(long ActiveTokens, long RssBytes);

/// <summary>
/// How the host's resident memory grows with the tokens an application holds:
/// readings before and after each of several batches of client-credentials
/// tokens, all left active.
/// </summary>
internal sealed record ActiveTokenMemory(int HostPid, IReadOnlyList<RssReading> Readings)
{
    public const int Batches = 5;

    public long ActiveTokens => Readings.Count == 0 ? 0 : Readings[^1].ActiveTokens;

    /// <summary>
    /// The least-squares slope of RSS over active tokens. RSS moves in steps as
    /// the GC sizes its heaps; a fit over several readings is steadier than the
    /// difference of two.
    /// </summary>
    public double BytesPerActiveToken
    {
        get
        {
            if (Readings.Count < 2)
            {
                return 0;
            }

            var meanTokens = Readings.Average(r => (double)r.ActiveTokens);
            var meanRss = Readings.Average(r => (double)r.RssBytes);
            var covariance = Readings.Sum(r => (r.ActiveTokens - meanTokens) * (r.RssBytes - meanRss));
            var variance = Readings.Sum(r => (r.ActiveTokens - meanTokens) * (r.ActiveTokens - meanTokens));
            return variance == 0 ? 0 : covariance / variance;
        }
    }

    /// <summary>VmRSS of a process, from /proc/&lt;pid&gt;/status (Linux).</summary>
    public static long ResidentBytes(int pid) => ParseResidentBytes(File.ReadAllText($"/proc/{pid}/status"));

    internal static long ParseResidentBytes(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new FormatException("The process status has no VmRSS line.");
    }

    /// <summary>
    /// Issues <paramref name="tokens"/> client-credentials tokens to a fresh
    /// application in <see cref="Batches"/> batches, reading the host's RSS
    /// before the first and after each, once the host has had a moment to settle.
    /// </summary>
    public static async Task<ActiveTokenMemory> MeasureAsync(
        ScenarioSetup setup,
        HttpClient http,
        int hostPid,
        int tokens,
        int concurrency,
        TextWriter console,
        CancellationToken cancellationToken)
    {
        console.WriteLine($"== memory: host {hostPid}, RSS over {tokens:N0} active tokens in {Batches} batches");
        var application = await setup.RegisterApplicationAsync("memory", ["client_credentials"], cancellationToken);
        var fill = new TokenFill(http, setup, application);

        async Task<RssReading> ReadAsync(long activeTokens)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var reading = new RssReading(activeTokens, ResidentBytes(hostPid));
            console.WriteLine($"   {activeTokens,9:N0} active tokens: RSS {reading.RssBytes / 1048576.0:0.0} MiB");
            return reading;
        }

        var readings = new List<RssReading> { await ReadAsync(0) };
        for (var batch = 0; batch < Batches; batch++)
        {
            await fill.IssueAsync(tokens / Batches + (batch < tokens % Batches ? 1 : 0), concurrency, cancellationToken);
            readings.Add(await ReadAsync(fill.Issued));
        }

        var result = new ActiveTokenMemory(hostPid, readings);
        console.WriteLine($"   ≈ {result.BytesPerActiveToken:N0} bytes per active token");
        return result;
    }
}
