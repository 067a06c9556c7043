using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using TempoModular.Applications;

namespace TempoModular.Authorization.Stores;

/// <summary>
/// Checks client secrets against the registry instead of OpenIddict's PBKDF2
/// hashes: secrets are kept as Data Protection ciphertext (administrators must be
/// able to view them again) and are 256-bit random values, for which a slow hash
/// adds nothing but milliseconds of CPU on every token request. The registry
/// compares in fixed time and honours the rotation grace period.
/// </summary>
internal sealed class RegistryApplicationManager(
    IOpenIddictApplicationCache<ApplicationEntity> cache,
    ILogger<OpenIddictApplicationManager<ApplicationEntity>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<ApplicationEntity> store,
    IGrainFactory grains) : OpenIddictApplicationManager<ApplicationEntity>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateClientSecretAsync(ApplicationEntity application, string secret, CancellationToken cancellationToken = default)
    {
        if (application.Details.ClientType != ClientType.Confidential || string.IsNullOrEmpty(secret))
        {
            return false;
        }

        return await grains.GetGrain<IOAuthApplicationGrain>(application.ClientId).VerifySecretAsync(secret);
    }
}
