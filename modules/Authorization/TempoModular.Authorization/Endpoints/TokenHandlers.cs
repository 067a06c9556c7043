using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using TempoModular.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using TempoModular.Storage;

namespace TempoModular.Authorization.Endpoints;

/// <summary>
/// RFC 6749 §3.2 and Tempo's own rule since 2019: token, revocation and
/// introspection parameters travel in the form body. Parameters in the query
/// string end up in access logs and proxies, so such a request is refused
/// outright rather than silently ignored.
/// </summary>
internal sealed class RefuseQueryStringParameters<TContext> : IOpenIddictServerHandler<TContext>
    where TContext : OpenIddictServerEvents.BaseValidatingContext
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<RefuseQueryStringParameters<TContext>>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        var request = context.Transaction.GetHttpRequest();
        if (request is not null && request.QueryString.HasValue && request.Query.Count > 0)
        {
            context.Reject(
                error: Errors.InvalidRequest,
                description: "Parameters must be sent in the request body (application/x-www-form-urlencoded), not in the query string.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Decides who a token is for. Client credentials: the application itself, with
/// the scopes it asked for or, when it asked for none, all it may have.
/// Authorization code and refresh token: the user of the original grant, as long
/// as that user still exists.
/// </summary>
internal sealed class IssueTokens(IGrainFactory grains, IOptions<AuthorizationOptions> options) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    private readonly bool _listedClaims = options.Value.TokenPathOptimizations;

    private static readonly ImmutableArray<string> AllScopes = [.. TempoScopes.All];

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseSingletonHandler<IssueTokens>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        var request = context.Request;
        if (request.IsClientCredentialsGrantType())
        {
            // Only the subject: OpenIddict always keeps it in access tokens and adds
            // the client id itself, so no claim needs a destination (setting one
            // serializes JSON per claim, a measurable cost on this hot path).
            var identity = _listedClaims
                ? new Optimizations.ListedClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role)
                : new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId);

            // The token's presenter is its client: introspection and revocation by
            // any other client then learn nothing (RFC 7662 §4, RFC 7009 §2.1).
            identity.SetPresenters(request.ClientId!);
            var requested = request.GetScopes();
            identity.SetScopes(requested.IsDefaultOrEmpty ? AllScopes : requested);
            context.SignIn(new ClaimsPrincipal(identity));
            return;
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var principal = context.AuthorizationCodePrincipal ?? context.RefreshTokenPrincipal;
            var subject = principal?.GetClaim(Claims.Subject);
            if (principal is null || subject is null || await grains.Get<IUserGrain>(subject).GetAsync() is null)
            {
                context.Reject(Errors.InvalidGrant, "The user who granted this access no longer exists.");
                return;
            }

            var identity = new ClaimsIdentity(principal.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetPresenters(request.ClientId!);
            identity.SetDestinations(static _ => [Destinations.AccessToken]);
            context.SignIn(new ClaimsPrincipal(identity));
        }
    }
}

/// <summary>
/// OpenIddict issues refresh tokens only for the offline_access scope; Tempo's
/// applications get one whenever their registration allows the refresh_token
/// grant, as Tempo's own OAuth applications do.
/// </summary>
internal sealed class IssueRefreshTokensWhenAllowed(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<IssueRefreshTokensWhenAllowed>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType != OpenIddictServerEndpointType.Token || context.GenerateRefreshToken)
        {
            return;
        }

        if (!context.Request.IsAuthorizationCodeGrantType() && !context.Request.IsRefreshTokenGrantType())
        {
            return;
        }

        var application = await applications.FindByClientIdAsync(context.Request.ClientId!);
        if (application is not null && await applications.HasPermissionAsync(application, Permissions.GrantTypes.RefreshToken))
        {
            context.GenerateRefreshToken = true;
            context.IncludeRefreshToken = true;
        }
    }
}

/// <summary>
/// RFC 7009 §2.1: revoking a refresh token should also invalidate the access
/// tokens of the same grant. The grant is the flow's ad-hoc authorization, so
/// revoking it revokes exactly the tokens that flow produced.
/// </summary>
internal sealed class RevokeGrantOfRefreshToken(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevokeGrantOfRefreshToken>()
            // Between OpenIddict's handler that attaches the token's principal and
            // the one that revokes the token and ends the request.
            .SetOrder(OpenIddictServerHandlers.Revocation.AttachPrincipal.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        var principal = context.GenericTokenPrincipal;
        if (principal is null || context.IsRejected || !principal.HasTokenType(TokenTypeIdentifiers.RefreshToken))
        {
            return;
        }

        if (principal.GetAuthorizationId() is { } grantId)
        {
            await tokens.RevokeByAuthorizationIdAsync(grantId);
        }
    }
}

/// <summary>
/// RFC 7662 §2.2: the introspection answer includes the token's scope, which
/// OpenIddict only reveals to callers listed as audiences. Here the only callers
/// who get an active answer are the token's own client, so it may know them.
/// </summary>
internal sealed class IntrospectScopes : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectScopes>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        if (context.GenericTokenPrincipal is { } principal && context.Scopes.Count == 0)
        {
            context.Scopes.UnionWith(principal.GetScopes());
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A client may introspect or revoke only the tokens issued to it (RFC 7662 §4,
/// RFC 7009 §2.1). The token's entry id names its application, so the check
/// does not depend on which claims a token happens to carry. A foreign token is
/// reported exactly like an unknown one: inactive, or silently not revoked.
/// </summary>
internal sealed class OnlyOwnTokens<TContext> : IOpenIddictServerHandler<TContext>
    where TContext : OpenIddictServerEvents.BaseValidatingContext
{
    private static readonly Func<TContext, ClaimsPrincipal?> Principal = context => context switch
    {
        ValidateIntrospectionRequestContext introspection => introspection.GenericTokenPrincipal,
        ValidateRevocationRequestContext revocation => revocation.GenericTokenPrincipal,
        _ => null,
    };

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<OnlyOwnTokens<TContext>>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        if (Principal(context) is not { } principal)
        {
            return ValueTask.CompletedTask;
        }

        var owner = principal.GetTokenId() is { } id ? Applications.TokenIds.ClientIdOf(id) : null;
        if (!string.Equals(owner, context.Transaction.Request?.ClientId, StringComparison.Ordinal))
        {
            context.Reject(Errors.InvalidToken, "The token was not issued to this client.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The client credentials grant is for confidential clients only (RFC 6749
/// §4.4). Without a secret, say precisely why: a public client is not allowed
/// this grant (unauthorized_client); a confidential one sent no authentication
/// (invalid_client, RFC 6749 §5.2). The lookup happens only on this error path.
/// </summary>
internal sealed class ClientCredentialsNeedASecret(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<ClientCredentialsNeedASecret>()
            .SetOrder(int.MinValue + 100_001)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        var request = context.Request;
        if (!request.IsClientCredentialsGrantType() || !string.IsNullOrEmpty(request.ClientSecret) || string.IsNullOrEmpty(request.ClientId))
        {
            return;
        }

        var application = await applications.FindByClientIdAsync(request.ClientId);
        if (application is not null && await applications.HasClientTypeAsync(application, ClientTypes.Public))
        {
            context.Reject(Errors.UnauthorizedClient, "Public clients cannot use the client credentials grant.");
            return;
        }

        context.Reject(Errors.InvalidClient, "Client authentication is required: send client_secret or use HTTP Basic authentication.");
    }
}

/// <summary>
/// RFC 7662 §2.1: the introspection endpoint requires client authentication, or
/// anyone could probe which tokens are live. Public clients have nothing to
/// authenticate with, so they are refused before any token is looked at.
/// </summary>
internal sealed class IntrospectionNeedsASecret : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectionNeedsASecret>()
            .SetOrder(int.MinValue + 100_001)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
    {
        if (string.IsNullOrEmpty(context.Request.ClientSecret))
        {
            context.Reject(Errors.InvalidClient, "Introspection requires client authentication; public clients cannot introspect tokens.");
        }

        return ValueTask.CompletedTask;
    }
}
