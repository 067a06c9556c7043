using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization.Endpoints;

/// <summary>
/// Tempo's authorize URLs, side by side with the RFC one. Tempo documents
/// <c>/oauth/authorize/redirect?client_id=…&amp;redirect_uri=…</c> (optionally
/// <c>access_type=tenant_user</c>, <c>jira_url</c>, <c>state</c>) without a
/// response_type, which there means "code". Only these aliases are lenient:
/// <c>/oauth/authorize</c> keeps requiring response_type (RFC 6749 §4.1.1).
/// access_type and jira_url are accepted and ignored: this server is the one
/// site, and every user grant comes with a refresh token when the application
/// allows the refresh_token grant.
/// </summary>
internal sealed class TempoAuthorizeAliases : IOpenIddictServerHandler<ExtractAuthorizationRequestContext>
{
    public static readonly string[] Paths = ["oauth/authorize/", "oauth/authorize/redirect", "oauth/authorize/redirect/"];

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractAuthorizationRequestContext>()
            .UseSingletonHandler<TempoAuthorizeAliases>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<ExtractAuthorizationRequestContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ExtractAuthorizationRequestContext context)
    {
        if (context.Request is { ResponseType: null } request && IsAlias(context.Transaction.GetHttpRequest()?.Path ?? default))
        {
            request.ResponseType = ResponseTypes.Code;
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsAlias(PathString path) =>
        path.StartsWithSegments("/oauth/authorize", out var rest) && rest.HasValue && (rest == "/" || rest.StartsWithSegments("/redirect"));
}

/// <summary>
/// Tempo answers every token request with the same five fields, scope
/// included; OpenIddict leaves scope out when it equals what was asked for
/// (which RFC 6749 §5.1 allows), and strict Tempo clients then break.
/// </summary>
internal sealed class ScopeInEveryTokenResponse : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<ScopeInEveryTokenResponse>()
            .SetOrder(OpenIddictServerHandlers.AttachSignInParameters.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType == OpenIddictServerEndpointType.Token && context.Response.AccessToken is not null
            && context.Response.Scope is null && context.AccessTokenPrincipal is { } principal)
        {
            context.Response.Scope = string.Join(' ', principal.GetScopes());
        }

        return ValueTask.CompletedTask;
    }
}
