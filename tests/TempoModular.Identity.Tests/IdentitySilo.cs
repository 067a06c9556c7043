using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using TempoModular.Identity.Users;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Identity.Tests;

/// <summary>A real silo on real storage with the Identity module registered as the host registers it.</summary>
internal static class IdentitySilo
{
    /// <summary>Set on silos whose tests are not about the bootstrap, so no generated password is printed.</summary>
    public const string AdminPassword = "bootstrap-admin-password";

    public static Task<TestSilo> StartAsync(
        StorageProvider provider,
        ManualTimeProvider? clock = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null) =>
        TestSilo.StartAsync(
            provider,
            (s, configuration) =>
            {
                if (clock is not null)
                {
                    s.AddSingleton<TimeProvider>(clock);
                    // Orleans' own background loops (membership, messaging) keep real time.
                    s.UseTimeProviderForBackgroundAreas(TimeProvider.System);
                }

                s.AddIdentityModule(configuration);
                services?.Invoke(s);
            },
            settings ?? new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = AdminPassword });

    public static IUserGrain User(this TestSilo silo, string userName) =>
        silo.Grains.GetGrain<IUserGrain>(UserNames.Normalize(userName));

    public static IUserDirectoryGrain Directory(this TestSilo silo) =>
        silo.Grains.GetGrain<IUserDirectoryGrain>(0);

    /// <summary>The user's row exactly as storage holds it, read past the grain.</summary>
    public static async Task<StoredUser> StoredUserAsync(this TestSilo silo, string userName)
    {
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageRegistration.GrainStorage);
        var state = new GrainState<UserState>();
        await storage.ReadStateAsync("user", silo.User(userName).GetGrainId(), state);
        return new StoredUser(state.RecordExists, state.ETag, state.State ?? new UserState());
    }

    /// <summary>The iteration count inside an ASP.NET Core Identity V3 hash (format marker 0x01).</summary>
    public static int V3IterationCount(string passwordHash)
    {
        var bytes = Convert.FromBase64String(passwordHash);
        Assert.Equal(0x01, bytes[0]);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(5, 4));
    }

    public static string NewUserName() => "user." + Guid.NewGuid().ToString("N")[..12];
}

internal sealed record StoredUser(bool RecordExists, string? ETag, UserState State);

/// <summary>One silo per test class and storage provider; the tests of a class run one after another on it.</summary>
public abstract class IdentitySiloFixture(StorageProvider provider) : IAsyncLifetime
{
    internal ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public TestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await IdentitySilo.StartAsync(provider, Clock);

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

public sealed class SqliteSiloFixture() : IdentitySiloFixture(StorageProvider.Sqlite);

public sealed class PostgreSqlSiloFixture() : IdentitySiloFixture(StorageProvider.PostgreSql);
