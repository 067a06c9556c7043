using TempoModular.LoadTests.Suite;

namespace TempoModular.LoadTests.Tests;

public sealed class TokenSetScaleTests
{
    [Fact]
    public void The_ratio_is_the_large_sets_issuance_rate_over_the_small_sets()
    {
        Assert.Equal(0.95, TokenSetScales.With(smallRate: 4000, largeRate: 3800).Ratio, 9);
    }

    [Fact]
    public void The_bytes_per_active_token_are_the_rss_growth_over_the_fill_per_token_it_issued()
    {
        Assert.Equal(500, TokenSetScales.With(rssBeforeFill: 300_000_000, rssAfterFill: 800_000_000).BytesPerActiveToken);
    }

    [Fact]
    public void Without_the_hosts_rss_there_is_no_memory_figure()
    {
        Assert.Null(TokenSetScales.With(rssBeforeFill: null, rssAfterFill: null).BytesPerActiveToken);
    }

    [Fact]
    public void The_fill_progress_line_shows_the_count_share_rate_time_left_refusals_and_rss()
    {
        var line = TokenSetScale.FillProgressLine(250_000, 1_000_000, 4012.4, 62.5, 3, 800L * 1048576);

        Assert.Equal("  62.5s fill     250,000 / 1,000,000 ( 25 %)    4,012/s  ETA 3m 07s  refused 3  RSS 800.0 MiB", line);
    }

    [Fact]
    public void A_finished_fill_has_no_time_left()
    {
        Assert.Contains("ETA 0m 00s", TokenSetScale.FillProgressLine(1_000, 1_000, 500, 2, 0, null));
    }
}
