using System.Collections.Frozen;
using Microsoft.AspNetCore;
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
/// <para>
/// It is a singleton, so the handlers that take it can be shared as well (see
/// <see cref="HandlerIndex{TOptions}"/>); the few handlers that stay per request
/// come from the request's own services.
/// </para>
/// </summary>
internal sealed class IndexedDispatcher(
    HandlerIndex<OpenIddictServerOptions> server,
    HandlerIndex<OpenIddictValidationOptions> validation) : IOpenIddictServerDispatcher, IOpenIddictValidationDispatcher
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

            await TEvent.HandleAsync(entry.Handler ?? index.Resolve(TEvent.Services(context), entry.HandlerType), context);
            if (TEvent.Stops(context))
            {
                return;
            }
        }
    }

    // Filters almost always answer synchronously: no state machine unless one
    // does not. The rest runs in a separate method: a local function capturing
    // the parameters would allocate their closure on every call (12 % of the
    // bytes a token request allocated).
    private ValueTask<bool> IsActive<TContext, TEvent>(IHandlerIndex index, HandlerEntry entry, TContext context) where TEvent : IEvent<TContext>
    {
        for (var i = 0; i < entry.Filters.Length; i++)
        {
            var active = TEvent.IsActiveAsync(entry.Filters[i] ?? index.Resolve(TEvent.Services(context), entry.FilterTypes[i]), context);
            if (!active.IsCompletedSuccessfully)
            {
                return RemainingAsync<TContext, TEvent>(index, entry, context, active, i);
            }

            if (!active.Result)
            {
                return ValueTask.FromResult(false);
            }
        }

        return ValueTask.FromResult(true);
    }

    private async ValueTask<bool> RemainingAsync<TContext, TEvent>(IHandlerIndex index, HandlerEntry entry, TContext context, ValueTask<bool> pending, int from)
        where TEvent : IEvent<TContext>
    {
        if (!await pending)
        {
            return false;
        }

        for (var i = from + 1; i < entry.Filters.Length; i++)
        {
            if (!await TEvent.IsActiveAsync(entry.Filters[i] ?? index.Resolve(TEvent.Services(context), entry.FilterTypes[i]), context))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What differs between a server and a validation event: the handler and filter interfaces, and the stop rules.</summary>
    private interface IEvent<TContext>
    {
        static abstract ValueTask HandleAsync(object handler, TContext context);

        static abstract ValueTask<bool> IsActiveAsync(object filter, TContext context);

        static abstract bool Stops(TContext context);

        /// <summary>The services of the HTTP request the event belongs to (every event of ours does).</summary>
        static abstract IServiceProvider Services(TContext context);
    }

    private readonly struct ServerEvent<TContext> : IEvent<TContext> where TContext : OpenIddictServerEvents.BaseContext
    {
        public static ValueTask HandleAsync(object handler, TContext context) => ((IOpenIddictServerHandler<TContext>)handler).HandleAsync(context);

        public static ValueTask<bool> IsActiveAsync(object filter, TContext context) => ((IOpenIddictServerHandlerFilter<TContext>)filter).IsActiveAsync(context);

        public static bool Stops(TContext context) =>
            context is OpenIddictServerEvents.BaseRequestContext { IsRequestHandled: true } or OpenIddictServerEvents.BaseRequestContext { IsRequestSkipped: true }
                or OpenIddictServerEvents.BaseValidatingContext { IsRejected: true };

        public static IServiceProvider Services(TContext context) =>
            context.Transaction.GetHttpRequest()?.HttpContext.RequestServices ?? throw OutsideRequest(typeof(TContext));
    }

    private readonly struct ValidationEvent<TContext> : IEvent<TContext> where TContext : OpenIddictValidationEvents.BaseContext
    {
        public static ValueTask HandleAsync(object handler, TContext context) => ((IOpenIddictValidationHandler<TContext>)handler).HandleAsync(context);

        public static ValueTask<bool> IsActiveAsync(object filter, TContext context) => ((IOpenIddictValidationHandlerFilter<TContext>)filter).IsActiveAsync(context);

        public static bool Stops(TContext context) =>
            context is OpenIddictValidationEvents.BaseRequestContext { IsRequestHandled: true } or OpenIddictValidationEvents.BaseRequestContext { IsRequestSkipped: true }
                or OpenIddictValidationEvents.BaseValidatingContext { IsRejected: true };

        public static IServiceProvider Services(TContext context) =>
            context.Transaction.GetHttpRequest()?.HttpContext.RequestServices ?? throw OutsideRequest(typeof(TContext));
    }

    private static InvalidOperationException OutsideRequest(Type context) =>
        new($"The OpenIddict event {context.Name} was raised outside an HTTP request, so there are no request services to resolve its scoped handlers from.");
}

/// <summary>A handler descriptor with its handler and filters resolved once when they can be shared (null: resolve per request).</summary>
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
            ?? (service.Lifetime == ServiceLifetime.Singleton ? Resolve(root, service.ServiceType) : Shared(service.ImplementationType));
        var filterTypes = descriptor.Filters.ToArray();
        var filters = filterTypes.Select(type => singletons.Contains(type) ? Resolve(root, type) : null).ToArray();
        return new HandlerEntry(service.ServiceType, handler, filterTypes, filters);
    }

    /// <summary>
    /// One instance for every request of a handler registered as scoped only
    /// because its dependencies were (the managers, now singletons): built once
    /// when its one constructor takes singletons alone. A handler that takes the
    /// dispatcher, or anything else scoped, stays per request. Resolving some
    /// thirty scoped handlers per token request cost a lock and a growing
    /// dictionary in the request's scope (5 % of the bytes it allocated).
    /// </summary>
    private object? Shared(Type? type)
    {
        // OpenIddict's handlers also have a parameterless constructor that only
        // throws; DI uses the longest one.
        var constructor = type?.GetConstructors().MaxBy(c => c.GetParameters().Length);
        var parameters = constructor?.GetParameters() ?? [];
        if (constructor is null || !parameters.All(p => singletons.Contains(p.ParameterType)
                || (p.ParameterType.IsGenericType && singletons.Contains(p.ParameterType.GetGenericTypeDefinition()))))
        {
            return null;
        }

        return constructor.Invoke(parameters.Select(p => Resolve(root, p.ParameterType)).ToArray());
    }
}