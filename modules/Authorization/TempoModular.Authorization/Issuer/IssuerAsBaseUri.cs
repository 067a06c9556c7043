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

    // The issuer's parts as the request carries them, to see without building a
    // Uri whether the request already came in under the issuer.
    private readonly Lazy<(string Scheme, string Host, string PathBase)> _parts = new(() =>
        (issuer.Value.Scheme, issuer.Value.IsDefaultPort ? issuer.Value.Host : issuer.Value.Authority, issuer.Value.AbsolutePath.TrimEnd('/')));

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        if (context.Transaction.GetHttpRequest() is { } request)
        {
            var root = issuer.Value;
            var (scheme, host, pathBase) = _parts.Value;
            var underIssuer = context.RequestUri is not null
                && string.Equals(request.Scheme, scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(request.Host.Value, host, StringComparison.OrdinalIgnoreCase)
                && string.Equals(request.PathBase.Value ?? "", pathBase, StringComparison.Ordinal);

            // OpenIddict built the request URI from the same scheme, host and path
            // base: only a request under another name needs a new one.
            context.BaseUri = root;
            if (!underIssuer)
            {
                context.RequestUri = new Uri(root, request.Path.ToUriComponent().TrimStart('/') + request.QueryString.ToUriComponent());
            }
        }

        return ValueTask.CompletedTask;
    }
}
