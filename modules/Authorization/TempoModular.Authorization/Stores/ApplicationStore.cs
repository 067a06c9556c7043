using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using TempoModular.Applications;
using static OpenIddict.Abstractions.OpenIddictConstants;
using TempoModular.Storage;

namespace TempoModular.Authorization.Stores;

/// <summary>
/// OpenIddict's application store over the application grains. Read-only: the
/// registry (its validation, name uniqueness, secret encryption) is the only way
/// to create, change or delete an application, so the write methods refuse.
/// </summary>
internal sealed class ApplicationStore(IGrainFactory grains, IHttpContextAccessor http, Optimizations.RequestAnswers answers, Optimizations.ApplicationSnapshots snapshots) : IOpenIddictApplicationStore<ApplicationEntity>
{
    private const string RegistryOnly = "Applications are registered, changed and deleted through the application registry (IApplicationDirectoryGrain), not through OpenIddict.";

    private static readonly object RequestCache = new();

    public async ValueTask<ApplicationEntity?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        // A client id that could not be a grain key of ours is simply unknown.
        if (string.IsNullOrEmpty(identifier) || identifier.Length > 100)
        {
            return null;
        }

        // OpenIddict looks the client up several times while handling one request
        // (client id, type, secret, permissions, token creation). One request sees
        // one answer from the grain (see RequestAnswers); the next request asks
        // again, so a deleted application is refused from the very next request on.
        var items = answers.Items;
        var cache = items?[RequestCache] as Dictionary<string, ApplicationEntity?>;
        if (cache is not null && cache.TryGetValue(identifier, out var known))
        {
            return known;
        }

        var application = await LookUpAsync(identifier, items);
        if (items is not null)
        {
            cache ??= new Dictionary<string, ApplicationEntity?>(StringComparer.Ordinal);
            cache[identifier] = application;
            items[RequestCache] = cache;
        }

        return application;
    }

    // A request that presents this client's secret (token, introspection,
    // revocation) has it checked by the same grain call that looks the client
    // up; RegistryApplicationManager then reads the verdict instead of asking
    // the grain again. The verdict lives in this entity, for this request only.
    // Introspection and revocation also present a token: when it is one of this
    // client's access tokens, the same call brings its entry, which TokenStore
    // then finds in the request's answers instead of calling the grain a second
    // time. The id is read from the token unverified; the token is validated as
    // before, and an id it does not carry is never looked up again from here.
    // A client-credentials token request for an application this host has served
    // before asks no grain here: the request is validated against this host's copy,
    // and the call that records its token checks the secret and everything else the
    // copy was trusted for (see Optimizations.OneCallIssuance).
    private async ValueTask<ApplicationEntity?> LookUpAsync(string clientId, IDictionary<object, object?>? items)
    {
        var grain = grains.Get<IOAuthApplicationGrain>(clientId);
        var context = http.HttpContext;
        var request = context?.GetOpenIddictServerRequest();
        if (request?.ClientSecret is not { Length: > 0 } secret || !string.Equals(request.ClientId, clientId, StringComparison.Ordinal))
        {
            return await grain.GetAsync() is { } details ? new ApplicationEntity(details) : null;
        }

        // Copies are read and refreshed by client-credentials token requests only:
        // nothing else pays for them.
        var defers = items is not null && Optimizations.DeferredClientSecret.Applies(context);
        if (defers && snapshots.Get(clientId) is { } snapshot && Optimizations.DeferredClientSecret.Allows(snapshot))
        {
            new Optimizations.DeferredClientSecret(clientId, secret, snapshot.TokenLifetimes?.AccessToken).AttachTo(items!);
            return new ApplicationEntity(snapshot) { DeferredSecret = secret };
        }

        var tokenId = items is not null && request.Token is { Length: > 0 } token ? Optimizations.AccessTokenFormat.PeekEntryId(token) : null;
        var authentication = tokenId is not null && string.Equals(TokenIds.ClientIdOf(tokenId), clientId, StringComparison.Ordinal)
            ? await grain.AuthenticateForTokenAsync(secret, tokenId)
            : await grain.AuthenticateAsync(secret);
        if (authentication?.Token is { } entry)
        {
            TokenStore.Remember(items!, entry);
        }

        if (defers)
        {
            snapshots.Keep(clientId, authentication?.Details);
        }

        return authentication is null
            ? null
            : new ApplicationEntity(authentication.Details) { CheckedSecret = (secret, authentication.SecretMatches) };
    }

    // The application id is its client id.
    public ValueTask<ApplicationEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindByClientIdAsync(identifier, cancellationToken);

    public async IAsyncEnumerable<ApplicationEntity> FindByRedirectUriAsync(string uri, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var application in ListAsync(null, null, cancellationToken))
        {
            if (application.Details.RedirectUrls.Contains(uri, StringComparer.Ordinal))
            {
                yield return application;
            }
        }
    }

    // No end-session endpoint: no application has post-logout redirect URLs.
    public IAsyncEnumerable<ApplicationEntity> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        AsyncEnumerable.Empty<ApplicationEntity>();

    public async IAsyncEnumerable<ApplicationEntity> ListAsync(int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int PageSize = 200;
        var directory = grains.GetGrain<IApplicationDirectoryGrain>(0);
        var skip = offset ?? 0;
        var remaining = count ?? int.MaxValue;
        for (var page = skip / PageSize + 1; remaining > 0; page++)
        {
            var result = await directory.ListAsync(page, PageSize, null);
            foreach (var summary in result.Items.Skip(skip % PageSize))
            {
                if (remaining-- <= 0)
                {
                    yield break;
                }

                if (await FindByClientIdAsync(summary.ClientId, cancellationToken) is { } application)
                {
                    yield return application;
                }
            }

            skip = 0;
            if (page * PageSize >= result.TotalCount)
            {
                yield break;
            }
        }
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        (await grains.GetGrain<IApplicationDirectoryGrain>(0).ListAsync(1, 1, null)).TotalCount;

    public ValueTask<string?> GetIdAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(application.ClientId);

    public ValueTask<string?> GetClientIdAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(application.ClientId);

    // The secret itself never leaves the registry; verification happens there
    // (see RegistryApplicationManager). A non-null marker tells OpenIddict the
    // application has a secret to check.
    public ValueTask<string?> GetClientSecretAsync(ApplicationEntity application, CancellationToken cancellationToken) =>
        new(application.Details.ClientType == ClientType.Confidential ? "registry" : null);

    public ValueTask<string?> GetClientTypeAsync(ApplicationEntity application, CancellationToken cancellationToken) =>
        new(application.Details.ClientType == ClientType.Confidential ? ClientTypes.Confidential : ClientTypes.Public);

    public ValueTask<string?> GetApplicationTypeAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(ApplicationTypes.Web);

    // Consent is asked for explicitly and remembered as a permanent grant.
    public ValueTask<string?> GetConsentTypeAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(ConsentTypes.Explicit);

    public ValueTask<string?> GetDisplayNameAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(application.Details.Name);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(ApplicationEntity application, CancellationToken cancellationToken) =>
        new(ImmutableDictionary<CultureInfo, string>.Empty);

    public ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(ApplicationEntity application, CancellationToken cancellationToken) => new((JsonWebKeySet?)null);

    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(application.Permissions_);

    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(ImmutableArray<string>.Empty);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(ApplicationEntity application, CancellationToken cancellationToken) =>
        new(ImmutableDictionary<string, JsonElement>.Empty);

    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(ApplicationEntity application, CancellationToken cancellationToken) =>
        new([.. application.Details.RedirectUrls]);

    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(ApplicationEntity application, CancellationToken cancellationToken) => new(application.Requirements_);

    // Per-application token lifetimes, in the settings OpenIddict reads them from.
    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(ApplicationEntity application, CancellationToken cancellationToken) =>
        new(application.Settings);

    public ValueTask<ApplicationEntity> InstantiateAsync(CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask CreateAsync(ApplicationEntity application, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask UpdateAsync(ApplicationEntity application, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask DeleteAsync(ApplicationEntity application, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetApplicationTypeAsync(ApplicationEntity application, string? type, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetClientIdAsync(ApplicationEntity application, string? identifier, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetClientSecretAsync(ApplicationEntity application, string? secret, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetClientTypeAsync(ApplicationEntity application, string? type, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetConsentTypeAsync(ApplicationEntity application, string? type, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetDisplayNameAsync(ApplicationEntity application, string? name, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetDisplayNamesAsync(ApplicationEntity application, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetJsonWebKeySetAsync(ApplicationEntity application, JsonWebKeySet? set, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetPermissionsAsync(ApplicationEntity application, ImmutableArray<string> permissions, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetPostLogoutRedirectUrisAsync(ApplicationEntity application, ImmutableArray<string> uris, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetPropertiesAsync(ApplicationEntity application, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetRedirectUrisAsync(ApplicationEntity application, ImmutableArray<string> uris, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetRequirementsAsync(ApplicationEntity application, ImmutableArray<string> requirements, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    public ValueTask SetSettingsAsync(ApplicationEntity application, ImmutableDictionary<string, string> settings, CancellationToken cancellationToken) => throw new NotSupportedException(RegistryOnly);

    // Grains are not IQueryable sources.
    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<ApplicationEntity>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<ApplicationEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<ApplicationEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");
}
