using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using TempoModular.Storage;

namespace TempoModular.Applications.Tokens;

/// <summary>
/// The token journal's group commit (how many rows one transaction carries and
/// how long it takes) and each application's active tokens.
/// </summary>
internal static class TokenMetrics
{
    public static readonly Histogram<int> JournalBatchSize = TempoMeter.Meter.CreateHistogram(
        "tempo.journal.batch_size", unit: "{row}", description: "Token and grant rows committed together by one token journal transaction.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });

    public static readonly Histogram<double> JournalCommitDuration = TempoMeter.Meter.CreateHistogram(
        "tempo.journal.commit.duration", unit: "s", description: "Time one token journal transaction took to commit (every token waits for its own).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly KeyValuePair<string, object?> Committed = new("outcome", "committed");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");

    // Per client id, what the application's activation on this host last counted.
    private static readonly ConcurrentDictionary<string, int> ActiveTokenCounts = new(StringComparer.Ordinal);

    /// <summary>
    /// Active tokens (valid, unexpired, not revoked) per application, as the
    /// application's grain last counted them (see <see cref="PublishActiveTokens"/>).
    /// Read from memory at each scrape: no grain call, no storage read. Only
    /// applications whose token set is loaded on this host appear; in a cluster
    /// each application is active on one host, so the series add up.
    /// </summary>
    public static readonly ObservableGauge<int> ActiveTokens = TempoMeter.Meter.CreateObservableGauge(
        "tempo.tokens.active", ObserveActiveTokens, unit: "{token}", description: "Active tokens per application (client_id), as counted by the application's grain on this host.");

    public static void RecordCommit(int rows, long startedAt, bool committed)
    {
        var outcome = committed ? Committed : Failed;
        JournalBatchSize.Record(rows, outcome);
        JournalCommitDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, outcome);
    }

    public static void PublishActiveTokens(string clientId, int count) => ActiveTokenCounts[clientId] = count;

    public static void ForgetActiveTokens(string clientId) => ActiveTokenCounts.TryRemove(clientId, out _);

    private static IEnumerable<Measurement<int>> ObserveActiveTokens()
    {
        foreach (var (clientId, count) in ActiveTokenCounts)
        {
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>("client_id", clientId));
        }
    }
}
