using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using TempoModular.Applications;
using TempoModular.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using GrantTypes = TempoModular.Applications.GrantTypes;

namespace TempoModular.Authorization.Optimizations;

// One grain call per client-credentials token. OpenIddict needs the application
// (type, permissions, lifetimes) and the secret's verdict while it validates the
// request, and the token's entry only once the request is valid. Instead of
// asking the grain twice (authenticate, then record), a host validates against
// its own copy of the application and the record call checks, against the
// application as it is at that moment, everything the copy was trusted for
// (IApplicationTokenSet.RecordClientCredentialsTokenAsync). A stale copy
// therefore never issues a token the grain would refuse: deleted on another
// host, grant withdrawn, secret rotated, lifetime changed, all count from the
// very next request, on every host. A wrong secret is refused by that call, so
// nothing is recorded for it and it is answered invalid_client as before.

/// <summary>This host's copies of the applications it has served, for <see cref="DeferredClientSecret"/>; never trusted on their own.</summary>
internal sealed class ApplicationSnapshots
{
    private readonly ConcurrentDictionary<string, ApplicationDetails> _details = new(StringComparer.Ordinal);

    public ApplicationDetails? Get(string clientId) => _details.TryGetValue(clientId, out var details) ? details : null;

    /// <summary>What a grain just said: its details, or null when the application does not exist.</summary>
    public void Keep(string clientId, ApplicationDetails? details)
    {
        if (details is null)
        {
            _details.TryRemove(clientId, out _);
        }
        else
        {
            _details[clientId] = details;
        }
    }
}

/// <summary>
/// A client-credentials token request whose secret is checked by the call that
/// records its token (<see cref="RecordClientCredentialsToken"/>). Deferred only
/// when this host's copy says the application may have such a token at all, so
/// that every refusal OpenIddict makes from the copy would be made from the
/// application itself too (the scope, the form): a copy can only let a request
/// through to the record call, where the grain has the last word.
/// </summary>
internal sealed class DeferredClientSecret(string clientId, string secret, TimeSpan? accessTokenLifetime)
{
    private static readonly object Key = new();

    public string ClientId { get; } = clientId;

    public string Secret { get; } = secret;

    /// <summary>The application's access-token lifetime in the copy the request was validated against.</summary>
    public TimeSpan? AccessTokenLifetime { get; } = accessTokenLifetime;

    /// <summary>Whether the secret has been checked (or the request refused because of it).</summary>
    public bool Settled { get; set; }

    /// <summary>Only a client-credentials request at the token endpoint may defer: no other request issues the token that settles it.</summary>
    public static bool Applies(HttpContext? context) =>
        context?.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction is { EndpointType: OpenIddictServerEndpointType.Token, Request: { } request }
        && request.IsClientCredentialsGrantType();

    /// <summary>Whether an application may be issued client-credentials tokens: a copy that says no is not used.</summary>
    public static bool Allows(ApplicationDetails application) =>
        application.ClientType == ClientType.Confidential && application.GrantTypes.Contains(GrantTypes.ClientCredentials);

    public static DeferredClientSecret? Of(IDictionary<object, object?>? items) =>
        items is not null && items.TryGetValue(Key, out var value) ? value as DeferredClientSecret : null;

    public void AttachTo(IDictionary<object, object?> items) => items[Key] = this;
}

/// <summary>
/// Creates the entry of a client-credentials access token whose secret check was
/// deferred, in the call that checks it, in place of OpenIddict's CreateTokenEntry
/// (which then skips the token). A wrong secret or an application that no longer
/// allows the grant is refused here, before any token exists.
/// </summary>
internal sealed class RecordClientCredentialsToken(IGrainFactory grains, RequestAnswers answers, ApplicationSnapshots snapshots, IOpenIddictTokenManager tokens)
    : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseScopedHandler<RecordClientCredentialsToken>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType != TokenTypeIdentifiers.AccessToken || !context.CreateTokenEntry
            || DeferredClientSecret.Of(answers.Items) is not { Settled: false } deferred
            || !string.Equals(deferred.ClientId, context.ClientId, StringComparison.Ordinal))
        {
            return;
        }

        var principal = context.Principal;
        var entry = new Stores.TokenEntity();
        await tokens.PopulateAsync(entry, new OpenIddictTokenDescriptor
        {
            ApplicationId = deferred.ClientId,
            AuthorizationId = principal.GetAuthorizationId(),
            CreationDate = principal.GetCreationDate(),
            ExpirationDate = principal.GetExpirationDate(),
            Principal = principal,
            Status = Statuses.Valid,
            Subject = principal.GetClaim(Claims.Subject),
            Type = context.TokenType,
        });
        var record = Stores.TokenStore.NewRecord(entry);
        var lifetime = deferred.AccessTokenLifetime;
        var tokenSet = grains.Get<IApplicationTokenSet>(deferred.ClientId);

        // Each round that fails on the lifetime alone takes the application's
        // current one; a second change while one token is issued is a race with
        // an administrator, settled by one more round.
        for (var round = 1; ; round++)
        {
            var outcome = await tokenSet.RecordClientCredentialsTokenAsync(deferred.Secret, lifetime, record);
            if (outcome.Recorded)
            {
                break;
            }

            var current = outcome.Current;
            snapshots.Keep(deferred.ClientId, current?.Details);
            if (Refusal(current) is { } refusal)
            {
                deferred.Settled = true;
                context.Reject(refusal.Error, refusal.Description);
                return;
            }

            if (round == 3)
            {
                throw new InvalidOperationException($"Application {deferred.ClientId} changed three times while one token was being issued.");
            }

            lifetime = current!.Details.TokenLifetimes?.AccessToken;
            var expiresAt = (lifetime ?? context.Options.AccessTokenLifetime) is { } span ? record.CreatedAt + span : (DateTimeOffset?)null;
            principal.SetExpirationDate(expiresAt);
            record = record with { ExpiresAt = expiresAt };
        }

        deferred.Settled = true;
        principal.SetTokenId(record.Id);
        context.CreateTokenEntry = false;
    }

    // The refusals OpenIddict's own validation gives the same request (client id,
    // secret, grant type permission), for an application that changed since this
    // host's copy; null when it may still have the token.
    private static (string Error, string Description)? Refusal(ClientAuthentication? current) => current switch
    {
        null => (Errors.InvalidClient, "The specified 'client_id' is invalid."),
        { SecretMatches: false } => (Errors.InvalidClient, "The specified client credentials are invalid."),
        _ when !DeferredClientSecret.Allows(current.Details) =>
            (Errors.UnauthorizedClient, "This client application is not allowed to use the specified grant type."),
        _ => null,
    };
}
