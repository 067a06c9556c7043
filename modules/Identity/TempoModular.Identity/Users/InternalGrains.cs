namespace TempoModular.Identity.Users;

/// <summary>What only the user directory asks of a user grain: the changes it must serialize (see <see cref="IUserDirectoryGrain"/>).</summary>
internal interface IUserAccount : IGrainWithStringKey
{
    /// <summary>Replaces the permissions; false when there is no such user.</summary>
    Task<bool> SetPermissionsAsync(TempoPermissions permissions);

    /// <summary>Deactivates the user and ends their sign-ins; false when there is no such user.</summary>
    Task<bool> DeactivateAsync();
}

/// <summary>What only user grains ask of the directory.</summary>
internal interface IUserDirectoryMembership : IGrainWithIntegerKey
{
    /// <summary>Called by the user grain when a user is created (idempotent).</summary>
    Task AddAsync(string normalizedUserName);
}
