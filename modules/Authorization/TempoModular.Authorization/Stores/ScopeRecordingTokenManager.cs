using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace TempoModular.Authorization.Stores;

/// <summary>
/// Records what each token grants. OpenIddict keeps a token's scopes only in
/// the token itself (the descriptor's principal is not stored), so a
/// client-credentials token, which has no grant to carry them, would show
/// administrators no scopes at all.
/// </summary>
internal sealed class ScopeRecordingTokenManager(
    IOpenIddictTokenCache<TokenEntity> cache,
    ILogger<OpenIddictTokenManager<TokenEntity>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<TokenEntity> store) : OpenIddictTokenManager<TokenEntity>(cache, logger, options, store)
{
    public override async ValueTask PopulateAsync(TokenEntity token, OpenIddictTokenDescriptor descriptor, CancellationToken cancellationToken = default)
    {
        await base.PopulateAsync(token, descriptor, cancellationToken);
        if (descriptor.Principal is { } principal && principal.GetScopes() is { IsDefaultOrEmpty: false } scopes)
        {
            // Space-separated, as OAuth writes a scope (RFC 6749 §3.3).
            token.Scope = string.Join(' ', scopes);
        }
    }
}
