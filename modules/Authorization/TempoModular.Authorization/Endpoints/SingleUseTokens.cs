using System.Security.Claims;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using TempoModular.Applications;
using TempoModular.Authorization.Stores;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlerFilters;
using TempoModular.Storage;

namespace TempoModular.Authorization.Endpoints;

/// <summary>
/// Replaces OpenIddict's ValidateTokenEntry. A token whose entry is no longer
/// valid is refused, as before; what changes is when a spent code or refresh
/// token revokes its grant: only when it is presented to be redeemed again (at
/// the token endpoint, RFC 9700 §4.14.2). Introspecting or revoking a spent
/// token answers "inactive" or 200 and changes nothing (RFC 7662 §2.2: an
/// introspection has no side effects).
/// </summary>
internal sealed class JudgeTokenEntry(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .AddFilter<RequireDegradedModeDisabled>()
            .AddFilter<RequireTokenStorageEnabled>()
            .AddFilter<RequireTokenIdResolved>()
            .UseScopedHandler<JudgeTokenEntry>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        // With the token-path optimizations the store answers from the request's
        // answers (RequestAnswers): this asks no grain.
        var token = await tokens.FindByIdAsync(context.TokenId!)
            ?? throw new InvalidOperationException("The entry of a token being validated vanished.");
        var status = await tokens.GetStatusAsync(token);
        if (status == Statuses.Valid)
        {
            return;
        }

        var redeemedAgain = status == Statuses.Redeemed
            && context.EndpointType == OpenIddictServerEndpointType.Token
            && context.Principal is { } principal
            && (principal.HasTokenType(TokenTypeIdentifiers.Private.AuthorizationCode) || principal.HasTokenType(TokenTypeIdentifiers.RefreshToken));
        if (redeemedAgain && !string.IsNullOrEmpty(context.AuthorizationId))
        {
            await tokens.RevokeByAuthorizationIdAsync(context.AuthorizationId);
        }

        context.Reject(
            error: Errors.InvalidToken,
            description: status == Statuses.Redeemed
                ? "The token has already been used; every token of its grant is revoked."
                : "The token is no longer valid.");
    }
}

/// <summary>
/// Replaces OpenIddict's RedeemTokenEntry, which ignores a failed redemption of
/// a refresh token (two concurrent refreshes both got new tokens). The grain
/// redeems with a compare-and-set: one request wins; every other is reuse, and
/// by then the grain has revoked the grant, the winner's new tokens included
/// (they belong to the same grant).
/// </summary>
/// <remarks>
/// No retry window: answering a retry with the same new pair would mean
/// keeping that pair's values, and would hand them to whoever presents the old
/// refresh token first, a thief racing the client included. A client that lost
/// the response starts a new authorization.
/// </remarks>
internal sealed class RedeemTokenOnce(IGrainFactory grains) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .AddFilter<RequireDegradedModeDisabled>()
            .AddFilter<RequireTokenStorageEnabled>()
            .UseSingletonHandler<RedeemTokenOnce>()
            // Where OpenIddict redeems: before any new token is generated.
            .SetOrder(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType != OpenIddictServerEndpointType.Token
            || !(context.Request.IsAuthorizationCodeGrantType() || context.Request.IsRefreshTokenGrantType()))
        {
            return;
        }

        var authentication = context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!)
            ?? throw new InvalidOperationException("The token request was not authenticated before sign-in.");
        var principal = context.Request.IsAuthorizationCodeGrantType() ? authentication.AuthorizationCodePrincipal : authentication.RefreshTokenPrincipal;
        if (principal?.GetTokenId() is not { } id || TokenIds.ClientIdOf(id) is not { } clientId)
        {
            return;
        }

        TokenStore.ForgetRequestCache(context.Transaction.GetHttpRequest()?.HttpContext);
        var redemption = await grains.Get<IApplicationTokenSet>(clientId).RedeemTokenAsync(id);
        if (redemption != TokenRedemption.Redeemed)
        {
            context.Reject(
                error: Errors.InvalidGrant,
                description: redemption == TokenRedemption.Reused
                    ? "The token has already been used; every token of its grant is revoked."
                    : "The token is no longer valid.");
        }
    }
}
