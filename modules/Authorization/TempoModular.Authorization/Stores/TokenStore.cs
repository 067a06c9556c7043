using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using TempoModular.Applications;
using TempoModular.Storage;

namespace TempoModular.Authorization.Stores;

/// <summary>
/// OpenIddict's token store over the applications' token sets. A token id names
/// its application ("{clientId}.{key}"), so every lookup on the request path is
/// one call to one grain, on whichever host the request lands.
/// </summary>
internal sealed class TokenStore(IGrainFactory grains, IHttpContextAccessor http, Optimizations.RequestAnswers answers) : IOpenIddictTokenStore<TokenEntity>
{
    public ValueTask<TokenEntity> InstantiateAsync(CancellationToken cancellationToken) => new(new TokenEntity());

    public async ValueTask CreateAsync(TokenEntity token, CancellationToken cancellationToken)
    {
        if (Optimizations.DeferredClientSecret.Of(answers.Items) is { Settled: false })
        {
            throw new InvalidOperationException("A token was about to be recorded before the request's client secret was checked.");
        }

        // Completes once the row is committed: the token cannot reach the client
        // before the server can recognise it (and revoke it) after a crash.
        var record = NewRecord(token);
        await TokenSet(TokenIds.ClientIdOf(record.Id)!).RecordTokenAsync(record);
    }

    /// <summary>Gives a new entry its id (which names its application) and first version.</summary>
    internal static TokenRecord NewRecord(TokenEntity token)
    {
        var clientId = token.ApplicationId
            ?? throw new InvalidOperationException("Every token is issued to an application; this one has no application id.");
        token.Id = TokenIds.New(clientId);
        token.Version = 0;
        return token.ToRecord();
    }

    public async ValueTask<TokenEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        if (TokenIds.ClientIdOf(identifier) is not { } clientId)
        {
            return null;
        }

        // OpenIddict reads the entry of the token being validated twice (its status,
        // then its properties): one request asks the grain once (see RequestAnswers).
        // Any write through this store forgets the answer, so a request sees its own changes.
        var items = answers.Items;
        if (items?[RequestCache] is TokenRecord known && known.Id == identifier)
        {
            return TokenEntity.From(known);
        }

        var record = await TokenSet(clientId).FindTokenAsync(identifier);
        if (items is not null && record is not null)
        {
            Remember(items, record);
        }

        return record is null ? null : TokenEntity.From(record);
    }

    private static readonly object RequestCache = new();

    /// <summary>For an entry another call brought (see ApplicationStore): this request's next lookup of it asks no grain.</summary>
    internal static void Remember(IDictionary<object, object?> items, TokenRecord entry) => items[RequestCache] = entry;

    private void ForgetRequestCache() => ForgetRequestCache(http.HttpContext);

    /// <summary>For a write that bypasses this store (see RedeemTokenOnce): the request must not read its old answer.</summary>
    internal static void ForgetRequestCache(HttpContext? context) => context?.Items.Remove(RequestCache);

    public async ValueTask UpdateAsync(TokenEntity token, CancellationToken cancellationToken)
    {
        var clientId = TokenIds.ClientIdOf(token.Id!) ?? throw new InvalidOperationException($"Token id {token.Id} names no application.");
        ForgetRequestCache();
        if (!await TokenSet(clientId).UpdateTokenAsync(token.ToRecord()))
        {
            // Two requests raced on the same token (e.g. a code redeemed twice at
            // once): OpenIddict turns this into a refusal of the later one.
            throw new OpenIddictExceptions.ConcurrencyException("The token was changed by another request.");
        }

        token.Version++;
    }

    // A deleted token can never be used again; the row goes with the next prune.
    public async ValueTask DeleteAsync(TokenEntity token, CancellationToken cancellationToken)
    {
        token.Status = OpenIddictConstants.Statuses.Inactive;
        await UpdateAsync(token, cancellationToken);
    }

    // OpenIddict issues authorization codes as reference tokens: an opaque value
    // whose hash is the reference id, which names no application. Whoever
    // presents one (to redeem, introspect or revoke it) is a client that has
    // identified itself, and only that client's own tokens can match, so the
    // lookup goes to the presenting client's token set; a code presented by
    // another client is simply not found (invalid_grant).
    public async ValueTask<TokenEntity?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        var clientId = http.HttpContext?.GetOpenIddictServerRequest()?.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            return null;
        }

        var record = await TokenSet(clientId).FindTokenByReferenceAsync(identifier);
        return record is null ? null : TokenEntity.From(record);
    }

    public async IAsyncEnumerable<TokenEntity> FindByAuthorizationIdAsync(string identifier, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (TokenIds.ClientIdOf(identifier) is not { } clientId)
        {
            yield break;
        }

        foreach (var record in await TokenSet(clientId).FindTokensByGrantAsync(identifier))
        {
            yield return TokenEntity.From(record);
        }
    }

    public async IAsyncEnumerable<TokenEntity> FindByApplicationIdAsync(string identifier, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var set = TokenSet(identifier);
        for (var page = 1; ; page++)
        {
            var result = await set.ListTokensAsync(page, 200);
            foreach (var record in result.Items)
            {
                yield return TokenEntity.From(record);
            }

            if (page * result.PageSize >= result.TotalCount)
            {
                yield break;
            }
        }
    }

    public async IAsyncEnumerable<TokenEntity> FindAsync(string? subject, string? client, string? status, string? type, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = client is null ? AllTokensAsync(cancellationToken) : FindByApplicationIdAsync(client, cancellationToken);
        await foreach (var token in source)
        {
            if ((subject is null || token.Subject == subject) && (status is null || token.Status == status) && (type is null || token.Type == type))
            {
                yield return token;
            }
        }
    }

    public IAsyncEnumerable<TokenEntity> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        FindAsync(subject, null, null, null, cancellationToken);

    public IAsyncEnumerable<TokenEntity> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        AllTokensAsync(cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue);

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        await foreach (var clientId in ClientIdsAsync())
        {
            total += await TokenSet(clientId).CountActiveTokensAsync();
        }

        return total;
    }

    public ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ForgetRequestCache();
        return TokenIds.ClientIdOf(identifier) is { } clientId ? new(TokenSet(clientId).RevokeGrantAsync(identifier)) : new(0L);
    }

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ForgetRequestCache();
        return new(TokenSet(identifier).RevokeAllTokensAsync());
    }

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
    {
        long revoked = 0;
        await foreach (var token in FindAsync(subject, client, status, type, cancellationToken))
        {
            if (token.Status != OpenIddictConstants.Statuses.Revoked)
            {
                token.Status = OpenIddictConstants.Statuses.Revoked;
                await UpdateAsync(token, cancellationToken);
                revoked++;
            }
        }

        return revoked;
    }

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        RevokeAsync(subject, null, null, null, cancellationToken);

    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        long pruned = 0;
        await foreach (var clientId in ClientIdsAsync())
        {
            pruned += await TokenSet(clientId).PruneAsync(threshold);
        }

        return pruned;
    }

    public ValueTask<string?> GetApplicationIdAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.ApplicationId);
    public ValueTask<string?> GetAuthorizationIdAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.AuthorizationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.CreationDate);
    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.ExpirationDate);
    public ValueTask<string?> GetIdAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.Id);
    public ValueTask<string?> GetPayloadAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.Payload);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(TokenEntity token, CancellationToken cancellationToken) => new(EntityProperties.Read(token.Properties));
    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.RedemptionDate);
    public ValueTask<string?> GetReferenceIdAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.ReferenceId);
    public ValueTask<string?> GetStatusAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.Status);
    public ValueTask<string?> GetSubjectAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.Subject);
    public ValueTask<string?> GetTypeAsync(TokenEntity token, CancellationToken cancellationToken) => new(token.Type);

    public ValueTask SetApplicationIdAsync(TokenEntity token, string? identifier, CancellationToken cancellationToken) => Set(() => token.ApplicationId = identifier);
    public ValueTask SetAuthorizationIdAsync(TokenEntity token, string? identifier, CancellationToken cancellationToken) => Set(() => token.AuthorizationId = identifier);
    public ValueTask SetCreationDateAsync(TokenEntity token, DateTimeOffset? date, CancellationToken cancellationToken) => Set(() => token.CreationDate = date);
    public ValueTask SetExpirationDateAsync(TokenEntity token, DateTimeOffset? date, CancellationToken cancellationToken) => Set(() => token.ExpirationDate = date);
    public ValueTask SetPayloadAsync(TokenEntity token, string? payload, CancellationToken cancellationToken) => Set(() => token.Payload = payload);
    public ValueTask SetPropertiesAsync(TokenEntity token, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) => Set(() => token.Properties = EntityProperties.Write(properties));
    public ValueTask SetRedemptionDateAsync(TokenEntity token, DateTimeOffset? date, CancellationToken cancellationToken) => Set(() => token.RedemptionDate = date);
    public ValueTask SetReferenceIdAsync(TokenEntity token, string? identifier, CancellationToken cancellationToken) => Set(() => token.ReferenceId = identifier);
    public ValueTask SetStatusAsync(TokenEntity token, string? status, CancellationToken cancellationToken) => Set(() => token.Status = status);
    public ValueTask SetSubjectAsync(TokenEntity token, string? subject, CancellationToken cancellationToken) => Set(() => token.Subject = subject);
    public ValueTask SetTypeAsync(TokenEntity token, string? type, CancellationToken cancellationToken) => Set(() => token.Type = type);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<TokenEntity>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<TokenEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<TokenEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    private IApplicationTokenSet TokenSet(string clientId) => grains.Get<IApplicationTokenSet>(clientId);

    private async IAsyncEnumerable<TokenEntity> AllTokensAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var clientId in ClientIdsAsync())
        {
            await foreach (var token in FindByApplicationIdAsync(clientId, cancellationToken))
            {
                yield return token;
            }
        }
    }

    private IAsyncEnumerable<string> ClientIdsAsync() => AllApplications.ClientIdsAsync(grains);

    private static ValueTask Set(Action assign)
    {
        assign();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Walks the application directory for the rare queries that span applications.</summary>
internal static class AllApplications
{
    public static async IAsyncEnumerable<string> ClientIdsAsync(IGrainFactory grains)
    {
        var directory = grains.GetGrain<IApplicationDirectoryGrain>(0);
        for (var page = 1; ; page++)
        {
            var result = await directory.ListAsync(page, 200, null);
            foreach (var summary in result.Items)
            {
                yield return summary.ClientId;
            }

            if (page * result.PageSize >= result.TotalCount)
            {
                yield break;
            }
        }
    }
}
