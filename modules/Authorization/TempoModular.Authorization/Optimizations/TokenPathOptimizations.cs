using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation;
using TempoModular.Identity;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// Every replacement of an OpenIddict internal that exists for speed alone, in
/// one place, behind <c>Authorization:TokenPathOptimizations</c> (default true).
/// With it off the server runs stock OpenIddict over our stores and our
/// protocol handlers, so an OpenIddict upgrade can be checked against its own
/// behaviour: the Authorization tests run once in each mode (scripts/test.sh).
/// What is here changes no answer, only what it costs:
/// <list type="bullet">
/// <item>one dispatcher for server and validation events, over handler lists
/// indexed by event type, and one instance of every handler whose dependencies
/// are all singletons (<see cref="IndexedDispatcher"/>);</item>
/// <item>OpenIddict's managers and entity caches as singletons instead of per request;</item>
/// <item>access tokens written and read by <see cref="AccessTokenFormat"/> instead of
/// IdentityModel's JsonWebTokenHandler (server and API validation);</item>
/// <item>the REST API's bearer tokens checked without OpenIddict validation's event
/// pipeline, every refusal still left to it (<see cref="BearerTokenCheck"/>);</item>
/// <item>the token, introspection and revocation answers written through one
/// writer per thread instead of a new stream and writer each (<see cref="WriteJsonResponse{TContext}"/>);</item>
/// <item>no endpoint inference for requests outside /oauth and /.well-known
/// (<see cref="SkipNonOAuthRequests"/>), and the endpoint of the others found
/// by path in a table (<see cref="EndpointTypeByPath"/>);</item>
/// <item>one grain answer per application and token entry per request
/// (<see cref="RequestAnswers"/>, read by the stores);</item>
/// <item>one grain call per client-credentials token: the secret checked by the
/// call that records the token (<see cref="RecordClientCredentialsToken"/>).</item>
/// </list>
/// Behaviour (single-use redemption, issuer as base URI, Tempo's protocol, the
/// refusals) is registered by <see cref="AuthorizationModule"/> in both modes.
/// </summary>
internal static class TokenPathOptimizations
{
    /// <summary>Registers the replacements; call after every other OpenIddict registration (the re-registration as singletons reads them).</summary>
    public static OpenIddictBuilder AddTokenPathOptimizations(this OpenIddictBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => new AccessTokenFormat(sp.GetRequiredService<Keys.ServerKeys>().TokenSigningKey));
        builder.AddServer(server => server
            .AddEventHandler(SkipNonOAuthRequests.Descriptor)
            .RemoveEventHandler(OpenIddictServerHandlers.InferEndpointType.Descriptor)
            .AddEventHandler(EndpointTypeByPath.Descriptor)
            .AddEventHandler(WriteAccessTokens.Descriptor)
            .AddEventHandler(ReadAccessTokens.Descriptor)
            .AddEventHandler(RecordClientCredentialsToken.Descriptor)
            .RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyTokenResponseContext>.Descriptor)
            .AddEventHandler(WriteJsonResponse<ApplyTokenResponseContext>.Descriptor)
            .RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyIntrospectionResponseContext>.Descriptor)
            .AddEventHandler(WriteJsonResponse<ApplyIntrospectionResponseContext>.Descriptor)
            .RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyRevocationResponseContext>.Descriptor)
            .AddEventHandler(WriteJsonResponse<ApplyRevocationResponseContext>.Descriptor));
        builder.AddValidation(validation => validation.AddEventHandler(ReadBearerAccessTokens.Descriptor));
        services.AddSingleton<BearerTokenCheck>();
        services.AddTransient<BearerTokenScheme>();
        services.Configure<AuthenticationOptions>(options => options.AddScheme<BearerTokenScheme>(TempoAuthentication.BearerScheme, null));

        MakeManagersAndCachesSingletons(services);

        // Read when the first request builds the index, after every registration.
        var singletons = new Lazy<IReadOnlySet<Type>>(() => services.Where(s => s.Lifetime == ServiceLifetime.Singleton && !s.IsKeyedService).Select(s => s.ServiceType).ToHashSet());
        services.AddSingleton(sp => new HandlerIndex<OpenIddictServerOptions>(
            sp, singletons.Value, sp.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>(),
            o => o.Handlers.Select(d => (d.ContextType, d.ServiceDescriptor, d.FilterTypes.AsEnumerable()))));
        services.AddSingleton(sp => new HandlerIndex<OpenIddictValidationOptions>(
            sp, singletons.Value, sp.GetRequiredService<IOptionsMonitor<OpenIddictValidationOptions>>(),
            o => o.Handlers.Select(d => (d.ContextType, d.ServiceDescriptor, d.FilterTypes.AsEnumerable()))));
        services.AddSingleton<IndexedDispatcher>();
        services.Replace(ServiceDescriptor.Singleton<IOpenIddictServerDispatcher>(sp => sp.GetRequiredService<IndexedDispatcher>()));
        services.Replace(ServiceDescriptor.Singleton<IOpenIddictValidationDispatcher>(sp => sp.GetRequiredService<IndexedDispatcher>()));
        return builder;
    }

    /// <summary>
    /// OpenIddict registers its managers and entity caches as scoped services, so
    /// every request builds them, including four MemoryCache-backed caches that
    /// are never read (entity caching is off). Managers hold no per-request state
    /// and, over our singleton stores, have no scoped dependency, so one instance
    /// of each serves every request. (Handlers stay scoped: many take the scoped
    /// dispatcher to raise nested events.) Matched by name: OpenIddict has a
    /// manager and a cache per entity, generic and not, and lists them nowhere.
    /// </summary>
    private static void MakeManagersAndCachesSingletons(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            var name = service.ServiceType.Name;
            var isManagerOrCache = (service.ServiceType.Namespace ?? "").StartsWith("OpenIddict", StringComparison.Ordinal)
                && (name.Contains("Manager", StringComparison.Ordinal) || name.Contains("Cache", StringComparison.Ordinal));
            if (service.Lifetime != ServiceLifetime.Scoped || service.IsKeyedService || !isManagerOrCache)
            {
                continue;
            }

            services[i] = service.ImplementationType is { } type
                ? ServiceDescriptor.Singleton(service.ServiceType, type)
                : ServiceDescriptor.Singleton(service.ServiceType, service.ImplementationFactory!);
        }
    }
}
