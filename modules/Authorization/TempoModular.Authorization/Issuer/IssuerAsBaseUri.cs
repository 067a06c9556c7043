using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization.Issuer;

/// <summary>
/// OpenIddict takes the base URI of every OAuth request from its Host header
/// and builds the metadata's endpoint URLs (token_endpoint, jwks_uri, ...) on
/// it, so a forged Host would still put another site's URLs into a document
/// clients cache. The request is placed under the configured issuer instead,
/// right after OpenIddict read it, so endpoints are matched by path alone and
/// every URL the server hands out starts with the issuer.
/// </summary>
internal sealed class IssuerAsBaseUri(PublicIssuer issuer) : IOpenIddictServerHandler<ProcessRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .UseSingletonHandler<IssuerAsBaseUri>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ResolveRequestUri.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        if (context.Transaction.GetHttpRequest() is { } request)
        {
            var root = issuer.Value;
            context.BaseUri = root;
            context.RequestUri = new Uri(root, request.Path.ToUriComponent().TrimStart('/') + request.QueryString.ToUriComponent());
        }

        return ValueTask.CompletedTask;
    }
}
