using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// OpenIddict's dispatchers walk the whole list of registered handlers (several
/// hundred) for every event and keep those of the event's type; one token
/// request raises dozens of events. Profiling the token endpoint showed that
/// walk at about a sixth of the CPU. This dispatcher, for the server and the
/// validation (every API call) alike, does the same work, in the same order and
/// with the same stop rules, from handler lists grouped by event type once,
/// when the options are built.
/// </summary>
internal sealed class IndexedDispatcher(
    HandlerIndex<OpenIddictServerOptions> server,
    HandlerIndex<OpenIddictValidationOptions> validation,
    IServiceProvider provider) : IOpenIddictServerDispatcher, IOpenIddictValidationDispatcher
{
    ValueTask IOpenIddictServerDispatcher.DispatchAsync<TContext>(TContext context) =>
        DispatchAsync<TContext, ServerEvent<TContext>>(server, context);

    ValueTask IOpenIddictValidationDispatcher.DispatchAsync<TContext>(TContext context) =>
        DispatchAsync<TContext, ValidationEvent<TContext>>(validation, context);

    private async ValueTask DispatchAsync<TContext, TEvent>(IHandlerIndex index, TContext context) where TEvent : IEvent<TContext>
    {
        foreach (var entry in index.Of(typeof(TContext)))
        {
            var active = IsActive<TContext, TEvent>(index, entry, context);
            if (!(active.IsCompletedSuccessfully ? active.Result : await active))
            {
                continue;
            }

            await TEvent.HandleAsync(entry.Handler ?? index.Resolve(provider, entry.HandlerType), context);
            if (TEvent.Stops(context))
            {
                return;
            }
        }
    }

    // Filters almost always answer synchronously: no state machine unless one does not.
    private ValueTask<bool> IsActive<TContext, TEvent>(IHandlerIndex index, HandlerEntry entry, TContext context) where TEvent : IEvent<TContext>
    {
        for (var i = 0; i < entry.Filters.Length; i++)
        {
            var active = TEvent.IsActiveAsync(entry.Filters[i] ?? index.Resolve(provider, entry.FilterTypes[i]), context);
            if (!active.IsCompletedSuccessfully)
            {
                return RemainingAsync(active, i);
            }

            if (!active.Result)
            {
                return ValueTask.FromResult(false);
            }
        }

        return ValueTask.FromResult(true);

        async ValueTask<bool> RemainingAsync(ValueTask<bool> pending, int from)
        {
            if (!await pending)
            {
                return false;
            }

            for (var i = from + 1; i < entry.Filters.Length; i++)
            {
                if (!await TEvent.IsActiveAsync(entry.Filters[i] ?? index.Resolve(provider, entry.FilterTypes[i]), context))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>What differs between a server and a validation event: the handler and filter interfaces, and the stop rules.</summary>
    private interface IEvent<TContext>
    {
        static abstract ValueTask HandleAsync(object handler, TContext context);

        static abstract ValueTask<bool> IsActiveAsync(object filter, TContext context);

        static abstract bool Stops(TContext context);
    }

    private readonly struct ServerEvent<TContext> : IEvent<TContext> where TContext : OpenIddictServerEvents.BaseContext
    {
        public static ValueTask HandleAsync(object handler, TContext context) => ((IOpenIddictServerHandler<TContext>)handler).HandleAsync(context);

        public static ValueTask<bool> IsActiveAsync(object filter, TContext context) => ((IOpenIddictServerHandlerFilter<TContext>)filter).IsActiveAsync(context);

        public static bool Stops(TContext context) =>
            context is OpenIddictServerEvents.BaseRequestContext { IsRequestHandled: true } or OpenIddictServerEvents.BaseRequestContext { IsRequestSkipped: true }
                or OpenIddictServerEvents.BaseValidatingContext { IsRejected: true };
    }

    private readonly struct ValidationEvent<TContext> : IEvent<TContext> where TContext : OpenIddictValidationEvents.BaseContext
    {
        public static ValueTask HandleAsync(object handler, TContext context) => ((IOpenIddictValidationHandler<TContext>)handler).HandleAsync(context);

        public static ValueTask<bool> IsActiveAsync(object filter, TContext context) => ((IOpenIddictValidationHandlerFilter<TContext>)filter).IsActiveAsync(context);

        public static bool Stops(TContext context) =>
            context is OpenIddictValidationEvents.BaseRequestContext { IsRequestHandled: true } or OpenIddictValidationEvents.BaseRequestContext { IsRequestSkipped: true }
                or OpenIddictValidationEvents.BaseValidatingContext { IsRejected: true };
    }
}

/// <summary>A handler descriptor with its handler and filters resolved once when they are singletons (null: resolve per request).</summary>
internal sealed record HandlerEntry(Type HandlerType, object? Handler, Type[] FilterTypes, object?[] Filters);

internal interface IHandlerIndex
{
    HandlerEntry[] Of(Type contextType);

    object Resolve(IServiceProvider scope, Type type);
}

/// <summary>
/// One host's handler descriptors grouped by event type, in OpenIddict's order
/// (the list is sorted when the options are built); regrouped if the options
/// are rebuilt. Singleton handlers and filters (OpenIddict registers all its
/// filters as singletons) are resolved here once instead of per event.
/// </summary>
internal sealed class HandlerIndex<TOptions>(
    IServiceProvider root,
    IReadOnlySet<Type> singletons,
    IOptionsMonitor<TOptions> options,
    Func<TOptions, IEnumerable<(Type Context, ServiceDescriptor Service, IEnumerable<Type> Filters)>> descriptorsOf) : IHandlerIndex
    where TOptions : class
{
    private (TOptions Options, FrozenDictionary<Type, HandlerEntry[]> ByContext)? _index;

    public HandlerEntry[] Of(Type contextType)
    {
        var current = options.CurrentValue;
        var index = _index;
        if (index is null || !ReferenceEquals(index.Value.Options, current))
        {
            index = (current, descriptorsOf(current).GroupBy(d => d.Context).ToFrozenDictionary(g => g.Key, g => g.Select(Entry).ToArray()));
            _index = index;
        }

        return index.Value.ByContext.TryGetValue(contextType, out var entries) ? entries : [];
    }

    public object Resolve(IServiceProvider scope, Type type) =>
        scope.GetService(type) ?? throw new InvalidOperationException($"The OpenIddict handler or filter {type} is not registered.");

    private HandlerEntry Entry((Type Context, ServiceDescriptor Service, IEnumerable<Type> Filters) descriptor)
    {
        var service = descriptor.Service;
        var handler = service.ImplementationInstance
            ?? (service.Lifetime == ServiceLifetime.Singleton ? Resolve(root, service.ServiceType) : null);
        var filterTypes = descriptor.Filters.ToArray();
        var filters = filterTypes.Select(type => singletons.Contains(type) ? Resolve(root, type) : null).ToArray();
        return new HandlerEntry(service.ServiceType, handler, filterTypes, filters);
    }
}
