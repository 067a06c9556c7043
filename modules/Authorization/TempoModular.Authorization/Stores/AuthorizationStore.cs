using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenIddict.Abstractions;
using TempoModular.Applications;
using TempoModular.Storage;

namespace TempoModular.Authorization.Stores;

/// <summary>
/// OpenIddict's authorization store over the applications' grants. Permanent
/// grants remember a user's consent; ad-hoc ones group the tokens of one flow.
/// </summary>
internal sealed class AuthorizationStore(IGrainFactory grains) : IOpenIddictAuthorizationStore<AuthorizationEntity>
{
    public ValueTask<AuthorizationEntity> InstantiateAsync(CancellationToken cancellationToken) => new(new AuthorizationEntity());

    public async ValueTask CreateAsync(AuthorizationEntity authorization, CancellationToken cancellationToken)
    {
        var clientId = authorization.ApplicationId
            ?? throw new InvalidOperationException("Every grant is given to an application; this one has no application id.");
        authorization.Id = TokenIds.New(clientId);
        authorization.Version = 0;
        await Grants(clientId).RecordGrantAsync(authorization.ToRecord());
    }

    public async ValueTask<AuthorizationEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        if (TokenIds.ClientIdOf(identifier) is not { } clientId)
        {
            return null;
        }

        var record = await Grants(clientId).FindGrantAsync(identifier);
        return record is null ? null : AuthorizationEntity.From(record);
    }

    public async ValueTask UpdateAsync(AuthorizationEntity authorization, CancellationToken cancellationToken)
    {
        var clientId = TokenIds.ClientIdOf(authorization.Id!) ?? throw new InvalidOperationException($"Grant id {authorization.Id} names no application.");
        if (!await Grants(clientId).UpdateGrantAsync(authorization.ToRecord()))
        {
            throw new OpenIddictExceptions.ConcurrencyException("The grant was changed by another request.");
        }

        authorization.Version++;
    }

    // Deleting a grant revokes it and its tokens; the row goes with the next prune.
    public async ValueTask DeleteAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) =>
        await RevokeAsync(authorization);

    public async IAsyncEnumerable<AuthorizationEntity> FindAsync(string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var clients = client is null ? AllApplications.ClientIdsAsync(grains) : One(client);
        await foreach (var clientId in clients)
        {
            foreach (var record in await Grants(clientId).FindGrantsAsync(subject, status, type))
            {
                if (scopes is not { } wanted || wanted.All(record.Scopes.Contains))
                {
                    yield return AuthorizationEntity.From(record);
                }
            }
        }
    }

    public IAsyncEnumerable<AuthorizationEntity> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync(null, identifier, null, null, null, cancellationToken);

    public IAsyncEnumerable<AuthorizationEntity> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        FindAsync(subject, null, null, null, null, cancellationToken);

    public IAsyncEnumerable<AuthorizationEntity> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        FindAsync(null, null, null, null, null, cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue);

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await FindAsync(null, null, null, null, null, cancellationToken).CountAsync(cancellationToken);

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
    {
        long revoked = 0;
        await foreach (var authorization in FindAsync(subject, client, status, type, null, cancellationToken))
        {
            if (authorization.Status != OpenIddictConstants.Statuses.Revoked)
            {
                await RevokeAsync(authorization);
                revoked++;
            }
        }

        return revoked;
    }

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        RevokeAsync(null, identifier, null, null, cancellationToken);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        RevokeAsync(subject, null, null, null, cancellationToken);

    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        long pruned = 0;
        await foreach (var clientId in AllApplications.ClientIdsAsync(grains))
        {
            pruned += await Grants(clientId).PruneAsync(threshold);
        }

        return pruned;
    }

    public ValueTask<string?> GetApplicationIdAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.ApplicationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.CreationDate);
    public ValueTask<string?> GetIdAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Id);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(EntityProperties.Read(authorization.Properties));
    public ValueTask<ImmutableArray<string>> GetScopesAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Scopes);
    public ValueTask<string?> GetStatusAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Status);
    public ValueTask<string?> GetSubjectAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Subject);
    public ValueTask<string?> GetTypeAsync(AuthorizationEntity authorization, CancellationToken cancellationToken) => new(authorization.Type);

    public ValueTask SetApplicationIdAsync(AuthorizationEntity authorization, string? identifier, CancellationToken cancellationToken) => Set(() => authorization.ApplicationId = identifier);
    public ValueTask SetCreationDateAsync(AuthorizationEntity authorization, DateTimeOffset? date, CancellationToken cancellationToken) => Set(() => authorization.CreationDate = date);
    public ValueTask SetPropertiesAsync(AuthorizationEntity authorization, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) => Set(() => authorization.Properties = EntityProperties.Write(properties));
    public ValueTask SetScopesAsync(AuthorizationEntity authorization, ImmutableArray<string> scopes, CancellationToken cancellationToken) => Set(() => authorization.Scopes = scopes);
    public ValueTask SetStatusAsync(AuthorizationEntity authorization, string? status, CancellationToken cancellationToken) => Set(() => authorization.Status = status);
    public ValueTask SetSubjectAsync(AuthorizationEntity authorization, string? subject, CancellationToken cancellationToken) => Set(() => authorization.Subject = subject);
    public ValueTask SetTypeAsync(AuthorizationEntity authorization, string? type, CancellationToken cancellationToken) => Set(() => authorization.Type = type);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<AuthorizationEntity>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<AuthorizationEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<AuthorizationEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Queries over grains are not supported.");

    private IApplicationTokenSet Grants(string clientId) => grains.Get<IApplicationTokenSet>(clientId);

    // Revoking a grant makes every token of it invalid in the same write.
    private async Task RevokeAsync(AuthorizationEntity authorization)
    {
        await Grants(authorization.ApplicationId!).RevokeGrantAsync(authorization.Id!);
        authorization.Status = OpenIddictConstants.Statuses.Revoked;
        authorization.Version++;
    }

    private static async IAsyncEnumerable<string> One(string clientId)
    {
        await Task.CompletedTask;
        yield return clientId;
    }

    private static ValueTask Set(Action assign)
    {
        assign();
        return ValueTask.CompletedTask;
    }
}
