using System.Collections.Frozen;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// Replaces OpenIddict's endpoint inference, which on every request looks its
/// log message up in a resource file (under a lock, whether or not Information
/// is logged: 2.5 % of a token request's CPU in a profile, mostly waiting on
/// that lock) and builds a Uri per configured endpoint to compare. Since
/// <see cref="Issuer.IssuerAsBaseUri"/> puts every request under the issuer,
/// the endpoint follows from the path alone: the configured relative URIs are
/// read once into a table of paths, with OpenIddict's own leniency (paths
/// compared ignoring case; either side may have one more trailing slash) and
/// its precedence when two endpoints share a path.
/// </summary>
internal sealed partial class EndpointTypeByPath(ILogger<EndpointTypeByPath> logger) : IOpenIddictServerHandler<ProcessRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .UseSingletonHandler<EndpointTypeByPath>()
            .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private FrozenDictionary<string, OpenIddictServerEndpointType>? _byPath;

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        if (context is not { BaseUri.IsAbsoluteUri: true, RequestUri.IsAbsoluteUri: true } || context.Transaction.GetHttpRequest() is not { } request)
        {
            throw new InvalidOperationException("The request and base URIs must be absolute before the endpoint is inferred.");
        }

        var byPath = _byPath ??= Table(context.Options);
        context.EndpointType = byPath.GetValueOrDefault(request.Path.Value ?? "", OpenIddictServerEndpointType.Unknown);
        if (context.EndpointType is not OpenIddictServerEndpointType.Unknown)
        {
            LogMatched(logger, context.EndpointType);
        }

        return ValueTask.CompletedTask;
    }

    private static FrozenDictionary<string, OpenIddictServerEndpointType> Table(OpenIddictServerOptions options)
    {
        // OpenIddict's order of precedence.
        (IReadOnlyList<Uri> Uris, OpenIddictServerEndpointType Type)[] endpoints =
        [
            (options.AuthorizationEndpointUris, OpenIddictServerEndpointType.Authorization),
            (options.ConfigurationEndpointUris, OpenIddictServerEndpointType.Configuration),
            (options.JsonWebKeySetEndpointUris, OpenIddictServerEndpointType.JsonWebKeySet),
            (options.DeviceAuthorizationEndpointUris, OpenIddictServerEndpointType.DeviceAuthorization),
            (options.IntrospectionEndpointUris, OpenIddictServerEndpointType.Introspection),
            (options.EndSessionEndpointUris, OpenIddictServerEndpointType.EndSession),
            (options.EndUserVerificationEndpointUris, OpenIddictServerEndpointType.EndUserVerification),
            (options.PushedAuthorizationEndpointUris, OpenIddictServerEndpointType.PushedAuthorization),
            (options.RevocationEndpointUris, OpenIddictServerEndpointType.Revocation),
            (options.TokenEndpointUris, OpenIddictServerEndpointType.Token),
            (options.UserInfoEndpointUris, OpenIddictServerEndpointType.UserInfo),
        ];

        var table = new Dictionary<string, OpenIddictServerEndpointType>(StringComparer.OrdinalIgnoreCase);
        foreach (var (uris, type) in endpoints)
        {
            foreach (var uri in uris)
            {
                if (uri.IsAbsoluteUri)
                {
                    throw new InvalidOperationException($"Endpoint {uri} is absolute; {nameof(EndpointTypeByPath)} matches endpoints relative to the issuer only.");
                }

                var path = "/" + uri.OriginalString.TrimStart('/');
                table.TryAdd(path, type);
                table.TryAdd(path + "/", type);
                if (path.Length > 1 && path.EndsWith('/'))
                {
                    table.TryAdd(path[..^1], type);
                }
            }
        }

        return table.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The request URI matched a server endpoint: {Endpoint}.")]
    private static partial void LogMatched(ILogger logger, OpenIddictServerEndpointType endpoint);
}
