namespace TempoModular.Applications;

/// <summary>
/// The site's registry of OAuth applications (one activation, key 0): registers,
/// renames and deletes applications, keeps names unique ignoring case and lists
/// them sorted by name. Operations that touch the name go through here.
/// </summary>
public interface IApplicationDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Validates, creates the application with a fresh client id (and secret for confidential clients) and returns it with its credentials.</summary>
    Task<RegistryResult<RegisteredApplication>> RegisterAsync(ApplicationRegistration registration, string actor);

    /// <summary>Replaces name, redirect URLs and grant types of an existing application.</summary>
    Task<RegistryResult<ApplicationDetails>> UpdateAsync(string clientId, ApplicationUpdate update, string actor);

    /// <summary>Deletes an application: its credentials and every token issued to it stop working at once.</summary>
    Task<RegistryResult<ApplicationDetails>> DeleteAsync(string clientId, string actor);

    /// <summary>A page (1-based) of applications sorted by name; <paramref name="filter"/> matches name or client id, ignoring case.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<ApplicationPage> ListAsync(int page, int pageSize, string? filter);
}

/// <summary>
/// One registered application, keyed by its client id. Holds its settings and its
/// client secret, encrypted with ASP.NET Core Data Protection.
/// </summary>
public interface IOAuthApplicationGrain : IGrainWithStringKey
{
    /// <summary>The application, or null when it does not exist or was deleted.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<ApplicationDetails?> GetAsync();

    /// <summary>Decrypts the current secret for an administrator; null when the application does not exist.</summary>
    Task<ApplicationCredentials?> RevealCredentialsAsync(string actor);

    /// <summary>Issues a new secret; the previous one keeps working until the grace period ends.</summary>
    Task<RegistryResult<ApplicationCredentials>> RotateSecretAsync(string actor);

    /// <summary>Fixed-time check of a presented secret against the current one and, within grace, the previous one.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<bool> VerifySecretAsync(string clientSecret);

    /// <summary>
    /// <see cref="GetAsync"/> and, when a secret is presented, <see cref="VerifySecretAsync"/>
    /// in one call, for a token request that needs both; null when the application does not exist.
    /// </summary>
    [Orleans.Concurrency.ReadOnly]
    Task<ClientAuthentication?> AuthenticateAsync(string? clientSecret);

    /// <summary>
    /// <see cref="AuthenticateAsync"/> and, when the secret matches, the entry of
    /// one of this application's tokens as <see cref="IApplicationTokenSet.FindTokenAsync"/>
    /// judges it: introspection and revocation need both, and get them in one call.
    /// </summary>
    [Orleans.Concurrency.ReadOnly]
    Task<ClientAuthentication?> AuthenticateForTokenAsync(string clientSecret, string tokenId);
}

/// <summary>
/// An application as a token request sees it, whether the secret it presented
/// matched (false when it presented none) and, from <see cref="IOAuthApplicationGrain.AuthenticateForTokenAsync"/>
/// after a match, the token entry asked for (null when there is none).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClientAuthentication(
    [property: Id(0)] ApplicationDetails Details,
    [property: Id(1)] bool SecretMatches,
    [property: Id(2)] TokenRecord? Token = null);
