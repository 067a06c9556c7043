using TempoModular.Storage;

namespace TempoModular.Identity.Users;

/// <summary>The site's user names: a few hundred at most, so one small row is enough.</summary>
internal sealed class UserDirectoryGrain(
    [PersistentState("userDirectory", StorageRegistration.GrainStorage)] IPersistentState<UserDirectoryState> directory)
    : Grain, IUserDirectoryGrain, IUserDirectoryMembership
{
    public const string LastAdministrator = "This is the last active user holding all four permissions: give all four to another user first.";

    public Task<IReadOnlyList<string>> ListUserNamesAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. directory.State.NormalizedUserNames.Order(StringComparer.Ordinal)]);

    public async Task<IReadOnlyList<UserError>> SetPermissionsAsync(string userName, TempoPermissions permissions)
    {
        var key = UserNames.Normalize(userName ?? "");
        if (!Lists(key))
        {
            return [new UserError(NewUserRules.Fields.UserName, "There is no such user.")];
        }

        if (!NewUserRules.IsKnown(permissions))
        {
            return [new UserError(NewUserRules.Fields.Permissions, "Unknown permission.")];
        }

        if (!permissions.HasFlag(TempoPermissions.OAuthApplicationAdministrator) && await IsLastAdministratorAsync(key))
        {
            return [new UserError(NewUserRules.Fields.Permissions, LastAdministrator)];
        }

        return await GrainFactory.GetGrain<IUserAccount>(key).SetPermissionsAsync(permissions)
            ? []
            : [new UserError(NewUserRules.Fields.UserName, "There is no such user.")];
    }

    public async Task<IReadOnlyList<UserError>> DeactivateAsync(string userName)
    {
        var key = UserNames.Normalize(userName ?? "");
        if (!Lists(key))
        {
            return [new UserError(NewUserRules.Fields.UserName, "There is no such user.")];
        }

        if (await IsLastAdministratorAsync(key))
        {
            return [new UserError(NewUserRules.Fields.UserName, LastAdministrator)];
        }

        return await GrainFactory.GetGrain<IUserAccount>(key).DeactivateAsync()
            ? []
            : [new UserError(NewUserRules.Fields.UserName, "There is no such user.")];
    }

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

    private bool Lists(string key) => key.Length > 0 && directory.State.NormalizedUserNames.Contains(key, StringComparer.Ordinal);

    // Asked of every user, not remembered here: users are a few hundred at
    // most, these changes are rare, and the user grains stay the one truth.
    // Safe to call from this non-reentrant grain: GetAsync interleaves.
    private async Task<bool> IsLastAdministratorAsync(string key)
    {
        var others = await Task.WhenAll(directory.State.NormalizedUserNames
            .Where(name => name != key)
            .Select(name => GrainFactory.GetGrain<IUserGrain>(name).GetAsync()));
        var target = await GrainFactory.GetGrain<IUserGrain>(key).GetAsync();
        return IsAdministrator(target) && !others.Any(IsAdministrator);
    }

    private static bool IsAdministrator(UserProfile? user) =>
        user is { Active: true } && user.Permissions.HasFlag(TempoPermissions.OAuthApplicationAdministrator);
}

/// <summary>Stored like <see cref="UserState"/>: the type and property names are part of the stored row.</summary>
[GenerateSerializer]
internal sealed class UserDirectoryState
{
    [Id(0)] public List<string> NormalizedUserNames { get; set; } = [];
}
