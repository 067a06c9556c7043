using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;
using TempoModular.Authorization.Endpoints;
using TempoModular.Authorization.Issuer;
using TempoModular.Authorization.Keys;
using TempoModular.Authorization.Stores;
using TempoModular.Authorization.Optimizations;
using TempoModular.Identity;
using TempoModular.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization;

public static class AuthorizationModule
{
    /// <summary>The OpenIddict server over the application grains, and bearer-token validation for the API.</summary>
    public static IServiceCollection AddAuthorizationModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthorizationOptions>(configuration.GetSection(AuthorizationOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ServerKeys>();
        services.AddSingleton<PublicIssuer>();
        services.AddSingleton<IssuerAsBaseUri>();
        services.AddSingleton<IPostConfigureOptions<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>, PublicIssuer.DefaultAllowedHosts>();
        services.AddHostedService<PublicIssuer.Announcement>();
        services.AddSingleton<RequestAnswers>();
        services.AddSingleton<ApplicationSnapshots>();
        services.AddHttpContextAccessor();
        services.AddSchemaSource(typeof(AuthorizationModule).Assembly);

        var openIddict = services.AddOpenIddict();
        openIddict
            .AddCore(core =>
            {
                core.SetDefaultApplicationEntity<ApplicationEntity>()
                    .SetDefaultAuthorizationEntity<AuthorizationEntity>()
                    .SetDefaultScopeEntity<ScopeEntity>()
                    .SetDefaultTokenEntity<TokenEntity>();

                // Stores are thin singletons: every call goes to a grain.
                core.ReplaceApplicationStore<ApplicationEntity, ApplicationStore>(ServiceLifetime.Singleton)
                    .ReplaceAuthorizationStore<AuthorizationEntity, AuthorizationStore>(ServiceLifetime.Singleton)
                    .ReplaceScopeStore<ScopeEntity, ScopeStore>(ServiceLifetime.Singleton)
                    .ReplaceTokenStore<TokenEntity, TokenStore>(ServiceLifetime.Singleton)
                    .ReplaceApplicationManager<ApplicationEntity, RegistryApplicationManager>();
                core.ReplaceTokenManager<TokenEntity, ScopeRecordingTokenManager>();

                // A cached entity would keep a deleted application or a revoked
                // token alive on this host; the grains are the cache. (The one copy
                // a host keeps, Optimizations.ApplicationSnapshots, is checked by the
                // grain in the very call that records a token.)
                core.DisableEntityCaching();
            })
            .AddServer(server =>
            {
                // The RFC paths and Tempo's (see TempoAuthorizeAliases); Tempo's clients
                // use the token and revocation paths with and without the slash.
                server.SetAuthorizationEndpointUris(["oauth/authorize", .. TempoAuthorizeAliases.Paths])
                    .SetTokenEndpointUris("oauth/token", "oauth/token/")
                    .SetRevocationEndpointUris("oauth/revoke", "oauth/revoke_token", "oauth/revoke_token/")
                    .SetIntrospectionEndpointUris("oauth/introspect")
                    .SetConfigurationEndpointUris(".well-known/oauth-authorization-server", ".well-known/openid-configuration")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks");

                // Implicit and password grants are not enabled (RFC 9700 §2.1.2, §2.4).
                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();

                server.RegisterScopes([.. TempoScopes.All]);
                // RFC 9700 §4.14.2: codes and refresh tokens are single-use, redeemed
                // atomically in the grain; presenting a spent one to the token
                // endpoint, at any time, revokes the grant it belongs to (no leeway).
                server.RemoveEventHandler(OpenIddict.Server.OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor)
                    .RemoveEventHandler(OpenIddict.Server.OpenIddictServerHandlers.RedeemTokenEntry.Descriptor)
                    .AddEventHandler(JudgeTokenEntry.Descriptor)
                    .AddEventHandler(RedeemTokenOnce.Descriptor);

                // Access tokens are signed, not encrypted: they carry nothing a client
                // may not see, and the API verifies them on every call.
                server.DisableAccessTokenEncryption();

                // Our own HTTPS rule (see RequireHttps) exempts loopback development.
                // Refused authorization requests come to our page too: it redirects the
                // error to a registered redirect URL (RFC 6749 §4.1.2.1) and shows an
                // error page, never a redirect, when the client or URL is not trusted.
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableErrorPassthrough()
                    // Compact JSON: indentation only costs bytes and CPU on every token response.
                    .SuppressJsonResponseIndentation()
                    .DisableTransportSecurityRequirement();

                server.AddEventHandler(IssuerAsBaseUri.Descriptor)
                    .AddEventHandler(TempoAuthorizeAliases.Descriptor)
                    .AddEventHandler(ScopeInEveryTokenResponse.Descriptor)
                    .AddEventHandler(TruthfulMetadata.Descriptor)
                    .AddEventHandler(NoForeignErrorUri.Descriptor)
                    .AddEventHandler(IntrospectionIsNotCached.Descriptor)
                    .AddEventHandler(RefuseQueryStringParameters<ValidateTokenRequestContext>.Descriptor)
                    .AddEventHandler(RefuseQueryStringParameters<ValidateRevocationRequestContext>.Descriptor)
                    .AddEventHandler(RefuseQueryStringParameters<ValidateIntrospectionRequestContext>.Descriptor)
                    .AddEventHandler(IssueTokens.Descriptor)
                    .AddEventHandler(IssueRefreshTokensWhenAllowed.Descriptor)
                    .AddEventHandler(RevokeGrantOfRefreshToken.Descriptor)
                    .AddEventHandler(IntrospectScopes.Descriptor)
                    .AddEventHandler(OnlyOwnTokens<ValidateIntrospectionRequestContext>.Descriptor)
                    .AddEventHandler(OnlyOwnTokens<ValidateRevocationRequestContext>.Descriptor)
                    .AddEventHandler(PkceFormat<ValidateAuthorizationRequestContext>.Descriptor)
                    .AddEventHandler(PkceFormat<ValidateTokenRequestContext>.Descriptor)
                    .AddEventHandler(ClientCredentialsNeedASecret.Descriptor)
                    .AddEventHandler(IntrospectionNeedsASecret.Descriptor)
                    .AddEventHandler(OAuthMetrics.CountTokenResponses.Descriptor)
                    .AddEventHandler(OAuthMetrics.CountRevocationResponses.Descriptor)
                    .AddEventHandler(OAuthMetrics.CountIntrospectionResponses.Descriptor);
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();

                // Every API call asks the token's application whether the token is
                // still active: revocation and deletion take effect on the next call.
                validation.EnableTokenEntryValidation();
                // Bearer tokens only in the Authorization header: tokens in URLs and
                // form bodies end up in logs and caches (RFC 6750 §2.3, RFC 9700 §4.3).
                validation.UseAspNetCore()
                    .DisableAccessTokenExtractionFromQueryString()
                    .DisableAccessTokenExtractionFromBodyForm();
            });

        // Last: the optimizations re-register what OpenIddict registered above.
        if (configuration.GetSection(AuthorizationOptions.Section).GetValue(nameof(AuthorizationOptions.TokenPathOptimizations), true))
        {
            openIddict.AddTokenPathOptimizations();
        }
        else
        {
            // Stock: the API's bearer scheme is OpenIddict validation itself.
            services.AddAuthentication().AddPolicyScheme(TempoAuthentication.BearerScheme, null,
                scheme => scheme.ForwardDefault = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        }

        services.AddSingleton<IConfigureOptions<OpenIddict.Server.OpenIddictServerOptions>, ConfigureServer>();
        services.AddSingleton<IPostConfigureOptions<OpenIddict.Server.OpenIddictServerOptions>, AllowOnlyS256>();
        // The authorize page answers on Tempo's alias too ("/oauth/authorize/" is the page's own route).
        services.AddRazorPages(pages => pages.Conventions.AddPageRoute("/Authorize", "oauth/authorize/redirect"));
        return services;
    }

    /// <summary>Refuses plain-HTTP traffic from anywhere but loopback when HTTPS is required (RFC 6749 §1.6, RFC 9700 §2).</summary>
    public static IApplicationBuilder UseRequireHttps(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
        // Health probes stay reachable over plain HTTP inside a cluster network.
        if (options.RequireHttps && !context.Request.IsHttps && !IsLoopback(context) && !context.Request.Path.StartsWithSegments("/health"))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = Errors.InvalidRequest, error_description = "This server requires HTTPS." });
            return;
        }

        await next();
    });

    /// <summary>The most an OAuth request body may hold; real ones are a few hundred bytes.</summary>
    internal const long MaxOAuthRequestBody = 64 * 1024;

    /// <summary>
    /// Refuses oversized OAuth request bodies with 413 before anything reads
    /// them, so a client cannot make the server buffer megabytes of form data.
    /// </summary>
    public static IApplicationBuilder UseOAuthRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/oauth"))
        {
            if (context.Request.ContentLength > MaxOAuthRequestBody)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.Response.WriteAsJsonAsync(new { error = Errors.InvalidRequest, error_description = $"The request body exceeds {MaxOAuthRequestBody} bytes." });
                return;
            }

            // Bodies without a declared length are cut off by the server itself.
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxOAuthRequestBody;
            }

            if (await MalformedParametersAsync(context.Request) is ({ } status, { } description))
            {
                context.Response.StatusCode = status;
                context.Response.Headers.CacheControl = "no-store";
                await context.Response.WriteAsJsonAsync(new { error = Errors.InvalidRequest, error_description = description });
                return;
            }
        }

        await next();
    });

    // RFC 6749 Appendix A: every OAuth parameter value is printable text.
    private static readonly System.Buffers.SearchValues<char> NotPrintable = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '\x7f', '\ufffd']);

    /// <summary>
    /// Reads the form once, before OpenIddict does (it then reuses the parsed
    /// form), so that what the form reader refuses (more than 1,024 fields, a key
    /// over 2,048 characters, an unknown charset, a body cut off at the limit)
    /// is an OAuth error instead of an exception. Also refuses what parses but
    /// is malformed: a parameter sent twice (RFC 6749 §3.1: "MUST NOT be
    /// included more than once"; which copy would count is the attacker's
    /// choice) and a control character, NUL included, or bytes that are not
    /// UTF-8 (U+FFFD after decoding) in any name or value.
    /// </summary>
    private static async ValueTask<(int Status, string Description)?> MalformedParametersAsync(HttpRequest request)
    {
        if (Malformed(request.Query) is { } inQuery)
        {
            return (StatusCodes.Status400BadRequest, inQuery);
        }

        if (!request.HasFormContentType)
        {
            return null;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            return (e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request body exceeds {MaxOAuthRequestBody} bytes."
                : "The request body could not be read.");
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.DecoderFallbackException)
        {
            return (StatusCodes.Status400BadRequest, "The form body is malformed: " + e.Message);
        }

        return Malformed(form) is { } inForm ? (StatusCodes.Status400BadRequest, inForm) : null;
    }

    private static string? Malformed(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> parameters)
    {
        foreach (var (name, values) in parameters)
        {
            if (values.Count > 1)
            {
                return $"The parameter '{Printable(name)}' is sent more than once.";
            }

            if (name.AsSpan().ContainsAny(NotPrintable) || (values.Count == 1 && values[0].AsSpan().ContainsAny(NotPrintable)))
            {
                return $"The parameter '{Printable(name)}' contains a control character or bytes that are not UTF-8.";
            }
        }

        return null;
    }

    // A name echoed in an error is cut short and stripped of what could break a log line.
    private static string Printable(string name)
    {
        var shown = name.Length > 64 ? name[..64] : name;
        return shown.AsSpan().ContainsAny(NotPrintable) ? "(unprintable)" : shown;
    }

    private static bool IsLoopback(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        // In-process test servers have no remote address.
        return remote is null || IPAddress.IsLoopback(remote);
    }

    private sealed class ConfigureServer(ServerKeys keys, IOptions<AuthorizationOptions> authorization, PublicIssuer issuer) : IConfigureOptions<OpenIddict.Server.OpenIddictServerOptions>
    {
        public void Configure(OpenIddict.Server.OpenIddictServerOptions options)
        {
            options.Issuer = issuer.Value;

            // Lifetimes come from configuration when the options are built, not
            // when services are registered, so every configuration source counts.
            options.AccessTokenLifetime = authorization.Value.AccessTokenLifetime;
            options.RefreshTokenLifetime = authorization.Value.RefreshTokenLifetime;
            options.AuthorizationCodeLifetime = authorization.Value.AuthorizationCodeLifetime;

            // The first signing key signs access tokens, refresh tokens and codes
            // (see ServerKeys for why HMAC); the ECDSA key is for identity tokens
            // and the JWKS.
            options.SigningCredentials.Add(new Microsoft.IdentityModel.Tokens.SigningCredentials(keys.TokenSigningKey, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256));
            options.SigningCredentials.Add(new Microsoft.IdentityModel.Tokens.SigningCredentials(keys.PublishedSigningKey, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha256));
            options.EncryptionCredentials.Add(new Microsoft.IdentityModel.Tokens.EncryptingCredentials(
                keys.TokenEncryptionKey, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.Aes256KW, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    // RFC 9700 §2.1.1: only S256; "plain" gives no protection when the
    // authorization request leaks.
    private sealed class AllowOnlyS256 : IPostConfigureOptions<OpenIddict.Server.OpenIddictServerOptions>
    {
        public void PostConfigure(string? name, OpenIddict.Server.OpenIddictServerOptions options)
        {
            options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
            // What TruthfulMetadata no longer advertises is refused too: form_post
            // would leave the user on a page the CSP blanks, fragment belongs to the
            // implicit flow, and openid would issue ID tokens nobody asked this server for.
            options.ResponseModes.IntersectWith([ResponseModes.Query]);
            options.Scopes.Remove(Scopes.OpenId);
        }
    }
}
