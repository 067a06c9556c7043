using System.Diagnostics.Metrics;
using OpenIddict.Server;
using TempoModular.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization.Endpoints;

/// <summary>
/// What the token, revocation and introspection endpoints answered, counted as
/// each response is applied (before it is written, so a client that has its
/// answer finds it counted). Tag values are the server's own constants (grant
/// types the server accepted, OAuth error codes), never free text from the
/// request, so a client cannot grow the number of series.
/// </summary>
internal static class OAuthMetrics
{
    public static readonly Counter<long> TokensIssued = TempoMeter.Meter.CreateCounter<long>(
        "tempo.oauth.tokens_issued", unit: "{response}", description: "Successful token responses, by grant type.");

    public static readonly Counter<long> Refusals = TempoMeter.Meter.CreateCounter<long>(
        "tempo.oauth.refusals", unit: "{response}", description: "OAuth error responses of the token, revocation and introspection endpoints, by endpoint and OAuth error.");

    public static readonly Counter<long> Revocations = TempoMeter.Meter.CreateCounter<long>(
        "tempo.oauth.revocations", unit: "{request}", description: "Revocation requests answered 200 (RFC 7009: also for a token that was unknown or already revoked).");

    private static readonly KeyValuePair<string, object?> TokenEndpoint = new("endpoint", "token");
    private static readonly KeyValuePair<string, object?> RevocationEndpoint = new("endpoint", "revocation");
    private static readonly KeyValuePair<string, object?> IntrospectionEndpoint = new("endpoint", "introspection");

    // One tag per grant type the server issues for; anything else (none is
    // expected on a success) is counted as "other" rather than as its text.
    private static readonly KeyValuePair<string, object?> AuthorizationCode = new("grant_type", GrantTypes.AuthorizationCode);
    private static readonly KeyValuePair<string, object?> ClientCredentials = new("grant_type", GrantTypes.ClientCredentials);
    private static readonly KeyValuePair<string, object?> RefreshToken = new("grant_type", GrantTypes.RefreshToken);
    private static readonly KeyValuePair<string, object?> OtherGrant = new("grant_type", "other");

    private static readonly string[] KnownErrors =
    [
        Errors.InvalidRequest, Errors.InvalidClient, Errors.InvalidGrant, Errors.UnauthorizedClient,
        Errors.UnsupportedGrantType, Errors.InvalidScope, Errors.InvalidToken, Errors.UnsupportedTokenType,
        Errors.AccessDenied, Errors.ServerError, Errors.TemporarilyUnavailable,
    ];

    internal static void CountToken(string? error, string? grantType)
    {
        if (error is not null)
        {
            Refusals.Add(1, TokenEndpoint, ErrorTag(error));
            return;
        }

        TokensIssued.Add(1, grantType switch
        {
            GrantTypes.ClientCredentials => ClientCredentials,
            GrantTypes.AuthorizationCode => AuthorizationCode,
            GrantTypes.RefreshToken => RefreshToken,
            _ => OtherGrant,
        });
    }

    internal static void CountRevocation(string? error)
    {
        if (error is not null)
        {
            Refusals.Add(1, RevocationEndpoint, ErrorTag(error));
            return;
        }

        Revocations.Add(1);
    }

    internal static void CountIntrospection(string? error)
    {
        if (error is not null)
        {
            Refusals.Add(1, IntrospectionEndpoint, ErrorTag(error));
        }
    }

    private static KeyValuePair<string, object?> ErrorTag(string error)
    {
        foreach (var known in KnownErrors)
        {
            if (string.Equals(known, error, StringComparison.Ordinal))
            {
                return new KeyValuePair<string, object?>("error", known);
            }
        }

        return new KeyValuePair<string, object?>("error", "other");
    }

    /// <summary>Counts token responses: issued by grant type, or refused by error.</summary>
    internal sealed class CountTokenResponses : IOpenIddictServerHandler<ApplyTokenResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
                .UseSingletonHandler<CountTokenResponses>()
                .SetOrder(int.MinValue + 100_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ApplyTokenResponseContext context)
        {
            CountToken(context.Response.Error, context.Request?.GrantType);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Counts revocation responses.</summary>
    internal sealed class CountRevocationResponses : IOpenIddictServerHandler<ApplyRevocationResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyRevocationResponseContext>()
                .UseSingletonHandler<CountRevocationResponses>()
                .SetOrder(int.MinValue + 100_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ApplyRevocationResponseContext context)
        {
            CountRevocation(context.Response.Error);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Counts introspection refusals.</summary>
    internal sealed class CountIntrospectionResponses : IOpenIddictServerHandler<ApplyIntrospectionResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>()
                .UseSingletonHandler<CountIntrospectionResponses>()
                .SetOrder(int.MinValue + 100_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ApplyIntrospectionResponseContext context)
        {
            CountIntrospection(context.Response.Error);
            return ValueTask.CompletedTask;
        }
    }
}
