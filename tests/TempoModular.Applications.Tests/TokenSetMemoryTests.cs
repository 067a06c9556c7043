using TempoModular.Applications.Tokens;

namespace TempoModular.Applications.Tests;

/// <summary>Tests that measure the whole process's heap, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

/// <summary>
/// An application may hold a million active tokens in one grain; the silo's
/// budget is 500 bytes per token in all, of which the token set gets the least.
/// </summary>
[Collection(nameof(HeapMeasurement))]
public sealed class TokenSetMemoryTests
{
    private const string ClientId = "Yx3kq0H9cTsoQ2b7mNw4Vg";

    [Fact]
    public void An_access_token_costs_the_set_under_150_bytes()
    {
        // An entry of the set's dictionary is 56 bytes (hash and chain 8, key 16,
        // entry 32) and a bucket 4; the dictionary doubles as it grows, so it
        // holds between one and two slots per token: 60 to 120 bytes. Keeping
        // anything per token on the heap (the id string alone is 112 bytes)
        // breaks the bound; records keyed by id string took about 300.
        const int count = 100_000;
        var now = DateTimeOffset.UtcNow;

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var set = new TokenSet(ClientId);
        for (var i = 0; i < count; i++)
        {
            set.TryAdd(new TokenRecord(
                TokenIds.New(ClientId), null, ClientId, "urn:ietf:params:oauth:token-type:access_token", TokenStatuses.Valid,
                now, now.AddHours(1), null, null, null, null, 0));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(set);

        Assert.Equal(count, set.Count);
        var perToken = (after - before) / (double)count;
        Assert.True(perToken < 150, $"The set holds {perToken:F1} bytes per access token.");
    }
}
