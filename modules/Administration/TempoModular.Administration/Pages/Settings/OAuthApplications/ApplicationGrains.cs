using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications;

/// <summary>How every application feature reaches the Applications module's grains.</summary>
internal static class ApplicationGrains
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    // Client ids are 22 characters; anything much longer is not one and must
    // not activate a grain.
    private const int MaxClientIdLength = 100;

    public static readonly FieldError NoSuchApplication = new("clientId", "No application with this client id.");

    public static IApplicationDirectoryGrain ApplicationDirectory(this IGrainFactory grains) => grains.GetGrain<IApplicationDirectoryGrain>(0);

    public static IOAuthApplicationGrain Application(this IGrainFactory grains, string clientId) => grains.GetGrain<IOAuthApplicationGrain>(clientId);

    public static IApplicationTokenSet TokenSet(this IGrainFactory grains, string clientId) => grains.GetGrain<IApplicationTokenSet>(clientId);

    /// <summary>The application, or null when there is none (or it was deleted).</summary>
    public static Task<ApplicationDetails?> FindApplicationAsync(this IGrainFactory grains, string? clientId) =>
        IsPlausibleClientId(clientId) ? grains.Application(clientId!).GetAsync() : Task.FromResult<ApplicationDetails?>(null);

    public static bool IsPlausibleClientId(string? clientId) =>
        !string.IsNullOrWhiteSpace(clientId) && clientId.Length <= MaxClientIdLength;
}
