using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using TempoModular.Applications;
using TempoModular.Storage;

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

        // Checked by the grain call that looked the application up, for this very secret.
        if (application.CheckedSecret is { } checkedSecret && string.Equals(checkedSecret.Secret, secret, StringComparison.Ordinal))
        {
            return checkedSecret.Matches;
        }

        // Checked by the call that records the token; the request is refused there if it does not match.
        if (string.Equals(application.DeferredSecret, secret, StringComparison.Ordinal))
        {
            return true;
        }

        return await grains.Get<IOAuthApplicationGrain>(application.ClientId).VerifySecretAsync(secret);
    }

    public override ValueTask<bool> ValidateRedirectUriAsync(ApplicationEntity application, string uri, CancellationToken cancellationToken = default) =>
        new(RedirectUrlMatch.IsRegistered(application.Details.RedirectUrls, uri));
}

/// <summary>
/// A redirect URL is accepted when it is registered exactly (RFC 9700 §4.1.3),
/// with one exception: RFC 8252 §7.3 has native apps listen on a loopback IP
/// literal (127.0.0.1 or [::1], not "localhost", §8.3) on whatever port is free
/// at the time, so there the port may differ from the registered one.
/// </summary>
internal static class RedirectUrlMatch
{
    public static bool IsRegistered(IEnumerable<string> registered, string? requested)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return false;
        }

        Uri? loopback = null;
        foreach (var url in registered)
        {
            if (string.Equals(url, requested, StringComparison.Ordinal))
            {
                return true;
            }

            loopback ??= IsLoopbackLiteral(requested, out var parsed) ? parsed : null;
            if (loopback is not null && IsLoopbackLiteral(url, out var candidate) && SameButPort(candidate, loopback, url, requested))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoopbackLiteral(string url, out Uri parsed) =>
        Uri.TryCreate(url, UriKind.Absolute, out parsed!) && parsed.Scheme == Uri.UriSchemeHttp && parsed.Host is "127.0.0.1" or "[::1]";

    // Everything but the port exactly as registered: compared on the text after
    // the authority, so that no normalisation by Uri can make two paths equal.
    private static bool SameButPort(Uri registered, Uri requested, string registeredText, string requestedText) =>
        registered.Host == requested.Host
        && string.Equals(AfterAuthority(registeredText), AfterAuthority(requestedText), StringComparison.Ordinal)
        && string.Equals(registered.UserInfo, requested.UserInfo, StringComparison.Ordinal) && registered.UserInfo.Length == 0;

    private static string AfterAuthority(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        return end < 0 ? "" : url[end..];
    }
}
