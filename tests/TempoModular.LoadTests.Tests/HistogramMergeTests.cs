using HdrHistogram;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Tests;

public sealed class HistogramMergeTests
{
    private static readonly double[] Percentiles = [0, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

    private static List<TimeSpan> Latencies(int count, int seed)
    {
        var random = new Random(seed);
        // A long-tailed mix: mostly sub-millisecond, some tens of milliseconds, a few seconds.
        return Enumerable.Range(0, count).Select(_ => TimeSpan.FromTicks((long)(Math.Exp(random.NextDouble() * 16) * 10))).ToList();
    }

    [Fact]
    public void Merging_per_worker_recorders_equals_recording_everything_into_one_histogram()
    {
        var workers = Enumerable.Range(0, 4).Select(_ => new WorkerStats(1)).ToArray();
        var single = LatencyHistogram.Create();
        var latencies = Latencies(50_000, seed: 7);
        for (var i = 0; i < latencies.Count; i++)
        {
            workers[i % workers.Length].RecordRequest(0, latencies[i], measured: true);
            single.RecordValue(LatencyHistogram.ToMicroseconds(latencies[i]));
        }

        var merged = new RunCollector(workers, TimeSpan.Zero).MergeSteps(0);

        Assert.Equal(single.TotalCount, merged.TotalCount);
        Assert.All(Percentiles, p => Assert.Equal(single.GetValueAtPercentile(p), merged.GetValueAtPercentile(p)));
        Assert.Equal(LatencySummary.Of(single), LatencySummary.Of(merged));
    }

    [Fact]
    public void Each_interval_merges_only_what_the_workers_recorded_since_the_last_one()
    {
        var workers = Enumerable.Range(0, 3).Select(_ => new WorkerStats(1)).ToArray();
        var collector = new RunCollector(workers, TimeSpan.Zero);
        var first = Latencies(3_000, seed: 1);
        var second = Latencies(1_200, seed: 2);
        var secondAlone = LatencyHistogram.Create();

        for (var i = 0; i < first.Count; i++)
        {
            workers[i % 3].RecordRequest(0, first[i], measured: true);
        }

        var one = collector.Sample(TimeSpan.FromSeconds(1));
        for (var i = 0; i < second.Count; i++)
        {
            workers[i % 3].RecordRequest(0, second[i], measured: true);
            secondAlone.RecordValue(LatencyHistogram.ToMicroseconds(second[i]));
        }

        var two = collector.Sample(TimeSpan.FromSeconds(2));

        Assert.Equal(3_000, one.Requests);
        Assert.Equal(1_200, two.Requests);
        Assert.Equal(secondAlone.GetValueAtPercentile(99) / 1000.0, two.P99Ms);
        Assert.Equal(1_200, two.RequestsPerSecond);
        Assert.Equal(first.Count + second.Count, collector.MergeSteps(0).TotalCount);
    }

    [Fact]
    public void Warm_up_requests_show_in_the_live_intervals_but_not_in_the_totals()
    {
        var worker = new WorkerStats(1);
        var collector = new RunCollector([worker], TimeSpan.FromSeconds(5));

        worker.RecordRequest(0, TimeSpan.FromMilliseconds(1), measured: false);
        worker.RecordRequest(0, TimeSpan.FromMilliseconds(2), measured: true);

        Assert.Equal(2, collector.Sample(TimeSpan.FromSeconds(6)).Requests);
        Assert.Equal(1, collector.MergeSteps(0).TotalCount);
    }

    [Fact]
    public void A_latency_beyond_the_tracked_range_is_recorded_at_its_top_instead_of_failing()
    {
        var worker = new WorkerStats(1);

        worker.RecordRequest(0, TimeSpan.FromMinutes(5), measured: true);

        Assert.Equal(1, worker.Steps[0].TotalCount);
        Assert.True(worker.Steps[0].GetMaxValue() >= LatencyHistogram.HighestMicroseconds);
    }
}
