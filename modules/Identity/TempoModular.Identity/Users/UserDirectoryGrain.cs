using TempoModular.Storage;

namespace TempoModular.Identity.Users;

/// <summary>The site's user names: a few hundred at most, so one small row is enough.</summary>
internal sealed class UserDirectoryGrain(
    [PersistentState("userDirectory", StorageRegistration.GrainStorage)] IPersistentState<UserDirectoryState> directory)
    : Grain, IUserDirectoryGrain
{
    public Task<IReadOnlyList<string>> ListUserNamesAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. directory.State.NormalizedUserNames.Order(StringComparer.Ordinal)]);

    public async Task AddAsync(string normalizedUserName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(normalizedUserName);
        if (normalizedUserName != UserNames.Normalize(normalizedUserName))
        {
            throw new ArgumentException("Expected a normalized user name.", nameof(normalizedUserName));
        }

        // Idempotent: a user grain re-adds itself to heal a registration lost to a crash.
        if (directory.State.NormalizedUserNames.Contains(normalizedUserName, StringComparer.Ordinal))
        {
            return;
        }

        directory.State.NormalizedUserNames.Add(normalizedUserName);

        try
        {
            await directory.WriteStateAsync();
        }
        catch
        {
            // What is in memory was not saved; the next activation reads what was.
            DeactivateOnIdle();
            throw;
        }
    }
}

/// <summary>Stored like <see cref="UserState"/>: the type and property names are part of the stored row.</summary>
[GenerateSerializer]
internal sealed class UserDirectoryState
{
    [Id(0)] public List<string> NormalizedUserNames { get; set; } = [];
}
