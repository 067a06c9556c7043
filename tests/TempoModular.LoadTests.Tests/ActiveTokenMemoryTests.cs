using TempoModular.LoadTests.Suite;

namespace TempoModular.LoadTests.Tests;

public sealed class ActiveTokenMemoryTests
{
    [Fact]
    public void The_bytes_per_active_token_are_the_least_squares_slope_of_rss_over_tokens()
    {
        // 400 bytes per token, with the GC's steps as noise around the line.
        var memory = new ActiveTokenMemory(1, [new(0, 50_500_000), new(10_000, 53_500_000), new(20_000, 57_500_000), new(30_000, 62_500_000)]);

        Assert.Equal(400, memory.BytesPerActiveToken, 9);
        Assert.Equal(30_000, memory.ActiveTokens);
    }

    [Fact]
    public void Fewer_than_two_readings_give_no_figure()
    {
        Assert.Equal(0, new ActiveTokenMemory(1, [new(0, 50_000_000)]).BytesPerActiveToken);
    }

    [Fact]
    public void The_resident_set_size_is_read_from_the_process_status_in_bytes()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t 3000 kB\nVmRSS:\t  167144 kB\nRssAnon:\t 100 kB\n";

        Assert.Equal(167_144L * 1024, ActiveTokenMemory.ParseResidentBytes(status));
    }

    [Fact]
    public void The_resident_set_size_of_this_very_process_can_be_read()
    {
        Assert.True(ActiveTokenMemory.ResidentBytes(Environment.ProcessId) > 0);
    }
}
