namespace TempoModular.Applications;

/// <summary>
/// The application grain's half of register, update and delete. Only the
/// directory calls these, after it has checked that names stay unique; other
/// modules go through <see cref="IApplicationDirectoryGrain"/>.
/// </summary>
internal interface IApplicationLifecycle : IGrainWithStringKey
{
    /// <summary>Stores a validated registration and returns the application with its secret.</summary>
    Task<RegisteredApplication> CreateAsync(ApplicationRegistration registration, string actor);

    /// <summary>Stores a validated update.</summary>
    Task<RegistryResult<ApplicationDetails>> ApplyUpdateAsync(ApplicationUpdate update, string actor);

    /// <summary>Marks the application deleted.</summary>
    Task<RegistryResult<ApplicationDetails>> MarkDeletedAsync(string actor);
}
