using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace TempoModular.Authorization.Stores;

/// <summary>
/// The scopes of the Tempo API are part of the product, not data an
/// administrator edits: this store serves them from <see cref="TempoScopes"/>
/// and refuses writes.
/// </summary>
internal sealed class ScopeStore : IOpenIddictScopeStore<ScopeEntity>
{
    private const string Fixed = "The Tempo API's scopes are fixed by the product.";

    private static readonly ImmutableArray<ScopeEntity> Scopes = [.. TempoScopes.All.Select(s => new ScopeEntity(s, TempoScopes.Describe(s)))];

    public ValueTask<ScopeEntity?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => FindByNameAsync(identifier, cancellationToken);

    public ValueTask<ScopeEntity?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        new(Scopes.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal)));

    public async IAsyncEnumerable<ScopeEntity> FindByNamesAsync(ImmutableArray<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var scope in Scopes.Where(s => names.Contains(s.Name, StringComparer.Ordinal)))
        {
            yield return scope;
        }
    }

    // The API is its own single resource: scopes name no separate resource servers.
    public IAsyncEnumerable<ScopeEntity> FindByResourceAsync(string resource, CancellationToken cancellationToken) => AsyncEnumerable.Empty<ScopeEntity>();

    public IAsyncEnumerable<ScopeEntity> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        Scopes.Skip(offset ?? 0).Take(count ?? int.MaxValue).ToAsyncEnumerable();

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => new(Scopes.Length);

    public ValueTask<string?> GetDescriptionAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(scope.Description);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDescriptionsAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(ImmutableDictionary<CultureInfo, string>.Empty);
    public ValueTask<string?> GetDisplayNameAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(scope.Name);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(ImmutableDictionary<CultureInfo, string>.Empty);
    public ValueTask<string?> GetIdAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(scope.Name);
    public ValueTask<string?> GetNameAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(scope.Name);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(ImmutableDictionary<string, JsonElement>.Empty);
    public ValueTask<ImmutableArray<string>> GetResourcesAsync(ScopeEntity scope, CancellationToken cancellationToken) => new(ImmutableArray<string>.Empty);

    public ValueTask<ScopeEntity> InstantiateAsync(CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask CreateAsync(ScopeEntity scope, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask UpdateAsync(ScopeEntity scope, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask DeleteAsync(ScopeEntity scope, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask SetDescriptionAsync(ScopeEntity scope, string? description, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask SetDescriptionsAsync(ScopeEntity scope, ImmutableDictionary<CultureInfo, string> descriptions, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask SetDisplayNameAsync(ScopeEntity scope, string? name, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask SetDisplayNamesAsync(ScopeEntity scope, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask SetNameAsync(ScopeEntity scope, string? name, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask SetPropertiesAsync(ScopeEntity scope, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);
    public ValueTask SetResourcesAsync(ScopeEntity scope, ImmutableArray<string> resources, CancellationToken cancellationToken) => throw new NotSupportedException(Fixed);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<ScopeEntity>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        new(query(Scopes.AsQueryable()).LongCount());

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<ScopeEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        new(query(Scopes.AsQueryable(), state).FirstOrDefault());

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<ScopeEntity>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        query(Scopes.AsQueryable(), state).ToAsyncEnumerable();
}
