using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>A grain of the tests' own, to check the storage contract independently of any module.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<int> GetAsync();

    Task ClearAsync();
}

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)] public int Value { get; set; }
}

public sealed class CounterGrain([PersistentState("test-counter", StorageRegistration.GrainStorage)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<int> IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task ClearAsync() => state.ClearStateAsync();
}

/// <summary>The SQL the project owns for Orleans' ADO.NET grain storage, on both databases.</summary>
public sealed class GrainStorageTests
{
    public static TheoryData<StorageProvider> Providers => new() { StorageProvider.Sqlite, StorageProvider.PostgreSql };

    private static Task<TestSilo> StartAsync(StorageProvider provider) => TestSilo.StartAsync(provider, (_, _) => { });

    [Theory, MemberData(nameof(Providers))]
    public async Task Grain_state_survives_a_silo_restart(StorageProvider provider)
    {
        await using var silo = await StartAsync(provider);
        var counter = silo.Grains.GetGrain<ICounterGrain>("a");
        await counter.IncrementAsync();
        await counter.IncrementAsync();

        await silo.RestartAsync();

        Assert.Equal(2, await silo.Grains.GetGrain<ICounterGrain>("a").GetAsync());
        Assert.Equal(0, await silo.Grains.GetGrain<ICounterGrain>("b").GetAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Cleared_state_reads_as_new_and_can_be_written_again(StorageProvider provider)
    {
        await using var silo = await StartAsync(provider);
        var counter = silo.Grains.GetGrain<ICounterGrain>("c");
        await counter.IncrementAsync();
        await counter.ClearAsync();
        Assert.Equal(1, await counter.IncrementAsync());

        await silo.RestartAsync();

        Assert.Equal(1, await silo.Grains.GetGrain<ICounterGrain>("c").GetAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_write_with_a_stale_version_is_refused_not_lost(StorageProvider provider)
    {
        await using var silo = await StartAsync(provider);
        await silo.Grains.GetGrain<ICounterGrain>("d").IncrementAsync();

        // Two readers of the same row: the second writer holds a stale version
        // (what a duplicate activation would hold) and must be told so.
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageRegistration.GrainStorage);
        var grainId = GrainId.Create("countergrain", "d");
        var first = new GrainState<CounterState>(new CounterState());
        var second = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("test-counter", grainId, first);
        await storage.ReadStateAsync("test-counter", grainId, second);

        first.State!.Value = 10;
        await storage.WriteStateAsync("test-counter", grainId, first);
        second.State!.Value = 20;

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("test-counter", grainId, second));
        var reread = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("test-counter", grainId, reread);
        Assert.Equal(10, reread.State!.Value);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_first_write_over_an_existing_row_is_refused(StorageProvider provider)
    {
        await using var silo = await StartAsync(provider);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageRegistration.GrainStorage);
        var grainId = GrainId.Create("countergrain", "e");
        await storage.WriteStateAsync("test-counter", grainId, new GrainState<CounterState>(new CounterState { Value = 1 }));

        // No version: the writer believes nothing is stored yet.
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("test-counter", grainId, new GrainState<CounterState>(new CounterState { Value = 2 })));
    }
}
