using TempoModular.LoadTests.Suite;

namespace TempoModular.LoadTests.Tests;

/// <summary>Token set scale steps with chosen figures, for judging and reporting them.</summary>
internal static class TokenSetScales
{
    public static TokenSetScale With(
        double smallRate = 4000,
        double largeRate = 3800,
        long largeActiveBefore = 1_000_000,
        long? rssBeforeFill = 300_000_000,
        long? rssAfterFill = 800_000_000) => new(
        Tokens: 1_000_000,
        Small: new TokenSetRun("token with 10 active, closed, 32 users", 10, 140_010, smallRate, 11.5),
        Large: new TokenSetRun("token with 1,000,000 active, closed, 32 users", largeActiveBefore, largeActiveBefore + 133_000, largeRate, 12.25),
        FillIssued: 1_000_000,
        FillRefused: 0,
        FillSeconds: 250,
        HostPid: rssBeforeFill is null ? null : 4242,
        RssBeforeFill: rssBeforeFill,
        RssAfterFill: rssAfterFill);
}
