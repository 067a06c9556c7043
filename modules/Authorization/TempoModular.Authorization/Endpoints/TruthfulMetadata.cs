using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization.Endpoints;

/// <summary>
/// The metadata (RFC 8414) advertises only what works end to end. OpenIddict
/// lists private_key_jwt (refused here: applications register no keys, and
/// RFC 8414 §2 would require its algorithm list), the form_post and fragment
/// response modes (form_post's auto-submitting script is blocked by the site's
/// CSP; fragment is for the implicit flow, which is off) and OpenID Connect
/// fields (no ID tokens, userinfo or prompt=login/select_account here).
/// </summary>
internal sealed class TruthfulMetadata : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<TruthfulMetadata>()
            // After OpenIddict's handlers, which attach from int.MaxValue - 100_000 upwards.
            .SetOrder(int.MaxValue)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        context.TokenEndpointAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
        context.IntrospectionEndpointAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
        context.RevocationEndpointAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
        context.DeviceAuthorizationEndpointAuthenticationMethods.Clear();
        context.ResponseModes.IntersectWith([ResponseModes.Query]);
        // The authorize page honours prompt=consent and prompt=none only.
        context.PromptValues.IntersectWith([PromptValues.Consent, PromptValues.None]);
        context.Scopes.Remove(Scopes.OpenId);
        context.Claims.Clear();
        context.SubjectTypes.Clear();
        context.IdTokenSigningAlgorithms.Clear();
        foreach (var name in new[] { Metadata.ClaimsParameterSupported, Metadata.RequestParameterSupported, Metadata.RequestUriParameterSupported, Metadata.RequireRequestUriRegistration })
        {
            context.Metadata.Remove(name);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// OpenIddict points every error's error_uri at its own documentation, which
/// describes OpenIddict, not this server; error_description says what went
/// wrong, so error_uri is left out (RFC 6749 §5.2: OPTIONAL).
/// </summary>
internal sealed class NoForeignErrorUri : IOpenIddictServerHandler<ProcessErrorContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessErrorContext>()
            .UseSingletonHandler<NoForeignErrorUri>()
            .SetOrder(OpenIddictServerHandlers.AttachErrorParameters.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessErrorContext context)
    {
        context.Response.ErrorUri = null;
        return ValueTask.CompletedTask;
    }
}

/// <summary>RFC 7662 §4: an introspection answer says whether a token is live right now; no cache may keep it.</summary>
internal sealed class IntrospectionIsNotCached : IOpenIddictServerHandler<ApplyIntrospectionResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>()
            .UseSingletonHandler<IntrospectionIsNotCached>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyIntrospectionResponseContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyIntrospectionResponseContext context)
    {
        if (context.Transaction.GetHttpRequest()?.HttpContext.Response is { HasStarted: false } response)
        {
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
        }

        return ValueTask.CompletedTask;
    }
}
