using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;
using TempoModular.Applications;
using TempoModular.Authorization.Issuer;
using TempoModular.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// The REST API's bearer scheme when the token-path optimizations are on: the
/// checks OpenIddict validation makes of one of our access tokens, without its
/// event pipeline. Profiling put that pipeline (its dozen handlers, the nested
/// token event, the token manager's entity copies) at about 45 % of an API
/// call's CPU. A token is accepted here only when every check OpenIddict
/// would make passes:
/// <list type="bullet">
/// <item>it arrived as <c>Authorization: Bearer</c>, the only place the API reads one;</item>
/// <item><see cref="AccessTokenFormat"/> reads it: our HMAC signature, type at+jwt, our issuer;</item>
/// <item>its entry in its application's token set exists, is an access token, is
/// valid (not revoked, its application not deleted) and has not expired: one grain
/// call, on every request, so a revocation counts from the next call on any host.</item>
/// </list>
/// Anything else is left to OpenIddict's own handler, which then judges the token
/// and words the refusal exactly as without this class; challenges and refusals for
/// a missing scope always go to it.
/// </summary>
internal sealed class BearerTokenCheck(
    AccessTokenFormat format,
    IGrainFactory grains,
    PublicIssuer issuer,
    IOptionsMonitor<OpenIddictValidationOptions> validation,
    TimeProvider time)
{
    private readonly Lazy<TokenValidationParameters> _parameters = new(() => Resolve(issuer, validation));

    /// <summary>
    /// The ticket for the request's bearer token when it passes every check, or
    /// null to leave the token to OpenIddict. The ticket carries the principal
    /// OpenIddict would build (its claims restored from the token entry); unlike
    /// OpenIddict's, its properties keep no copy of the token, which nothing reads.
    /// </summary>
    public async Task<AuthenticateResult?> TryAcceptAsync(HttpContext context)
    {
        var headers = context.Request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header
            || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || format.TryRead(header.AsSpan(7), _parameters.Value) is not { } principal
            || principal.GetTokenId() is not { } entryId || TokenIds.ClientIdOf(entryId) is not { } clientId)
        {
            return null;
        }

        var entry = await grains.Get<IApplicationTokenSet>(clientId).FindTokenAsync(entryId);
        if (entry is null || entry.Type != TokenTypeIdentifiers.AccessToken || entry.Status != Statuses.Valid
            || entry.ExpiresAt < time.GetUtcNow())
        {
            return null;
        }

        MapInternalClaims(principal);
        // As OpenIddict restores them from the entry, which is the authority on
        // them (the entry id and type are the token's own, checked above); the
        // restored claims are issued by the local authority, as OpenIddict's are.
        principal.SetTokenId(entryId).SetAuthorizationId(entry.AuthorizationId)
            .SetCreationDate(entry.CreatedAt).SetExpirationDate(entry.ExpiresAt);

        return AuthenticateResult.Success(new AuthenticationTicket(principal, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme));
    }

    // The parameters OpenIddict's validation resolves for an access token of the
    // local server: its own, with the issuer (with and without a trailing slash
    // when it has no path) and the access token types.
    private static TokenValidationParameters Resolve(PublicIssuer issuer, IOptionsMonitor<OpenIddictValidationOptions> validation)
    {
        var parameters = validation.CurrentValue.TokenValidationParameters.Clone();
        var uri = issuer.Value;
        parameters.ValidIssuers = uri.AbsolutePath == "/" ? [uri.AbsoluteUri, uri.AbsoluteUri[..^1]] : [uri.AbsoluteUri];
        parameters.ValidateIssuer = true;
        parameters.ValidTypes = [JsonWebTokenTypes.AccessToken, JsonWebTokenTypes.Prefixes.Application + JsonWebTokenTypes.AccessToken];
        return parameters;
    }

    // What OpenIddict's MapInternalClaims adds back from the registered claims
    // (the dates come from the entry instead).
    private static void MapInternalClaims(ClaimsPrincipal principal)
    {
        if (!principal.HasClaim(Claims.Private.Audience) && principal.GetClaims(Claims.Audience) is { Length: > 0 } audiences)
        {
            principal.SetAudiences(audiences);
        }

        if (!principal.HasClaim(Claims.Private.Presenter)
            && (principal.GetClaim(Claims.AuthorizedParty) ?? principal.GetClaim(Claims.ClientId)) is { Length: > 0 } presenter)
        {
            principal.SetPresenters(presenter);
        }

        if (!principal.HasClaim(Claims.Private.Scope) && principal.GetClaim(Claims.Scope) is { Length: > 0 } scope)
        {
            principal.SetScopes(scope.Split(Separators.Space, StringSplitOptions.RemoveEmptyEntries));
        }
    }
}

/// <summary>
/// The scheme's handler, one per request: <see cref="BearerTokenCheck"/> first,
/// OpenIddict validation's own handler for every token it leaves, for every
/// challenge and for every refusal (a missing scope).
/// </summary>
internal sealed class BearerTokenScheme(BearerTokenCheck check) : IAuthenticationHandler
{
    private const string OpenIddictScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    private HttpContext _context = null!;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    public async Task<AuthenticateResult> AuthenticateAsync() =>
        await check.TryAcceptAsync(_context) ?? await _context.AuthenticateAsync(OpenIddictScheme);

    public Task ChallengeAsync(AuthenticationProperties? properties) => _context.ChallengeAsync(OpenIddictScheme, properties);

    public Task ForbidAsync(AuthenticationProperties? properties) => _context.ForbidAsync(OpenIddictScheme, properties);
}
