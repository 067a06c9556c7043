using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using TempoModular.Authorization.Optimizations;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// Authorization:TokenPathOptimizations switches every replacement of an
/// OpenIddict internal at once. scripts/test.sh runs this project a second time
/// with Authorization__TokenPathOptimizations=false, so every other test here
/// also holds on stock OpenIddict.
/// </summary>
public sealed class TokenPathOptimizationsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_switch_puts_every_replacement_in_or_leaves_stock_OpenIddict(bool enabled)
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Authorization:TokenPathOptimizations"] = enabled ? "true" : "false",
        });
        using var scope = host.Services.CreateScope();
        var services = scope.ServiceProvider;

        var server = services.GetRequiredService<IOpenIddictServerDispatcher>();
        var validation = services.GetRequiredService<IOpenIddictValidationDispatcher>();
        Assert.Equal(enabled, server is IndexedDispatcher);
        Assert.Equal(enabled, validation is IndexedDispatcher);
        // One dispatcher for both kinds of events.
        Assert.Equal(enabled, ReferenceEquals(server, validation));
        Assert.Equal(enabled, host.Services.GetService<AccessTokenFormat>() is not null);
        using (var other = host.Services.CreateScope())
        {
            Assert.Equal(enabled, ReferenceEquals(services.GetRequiredService<IOpenIddictTokenManager>(), other.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()));
        }

        // Either way the server issues a token the API accepts.
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);
        var token = await OAuth.ClientCredentialsAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        using var call = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        call.Headers.Authorization = new("Bearer", token.String("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(call)).StatusCode);
    }

    [Fact]
    public void A_scoped_handler_is_shared_only_when_everything_it_takes_is_a_singleton()
    {
        var services = new ServiceCollection();
        services.AddSingleton<SingletonDependency>();
        services.AddScoped<ScopedDependency>();
        services.AddScoped<TakesSingletons>();
        services.AddScoped<TakesAScopedService>();
        using var root = services.BuildServiceProvider(validateScopes: true);
        var singletons = services.Where(s => s.Lifetime == ServiceLifetime.Singleton).Select(s => s.ServiceType).ToHashSet();
        var options = new Microsoft.Extensions.Options.OptionsMonitor<List<ServiceDescriptor>>(
            new Microsoft.Extensions.Options.OptionsFactory<List<ServiceDescriptor>>([], []), [], new Microsoft.Extensions.Options.OptionsCache<List<ServiceDescriptor>>());
        options.CurrentValue.AddRange(services.Where(s => s.ServiceType.Name.StartsWith("Takes", StringComparison.Ordinal)));
        var index = new HandlerIndex<List<ServiceDescriptor>>(root, singletons, options, o => o.Select(d => (typeof(object), d, Enumerable.Empty<Type>())));

        var entries = index.Of(typeof(object)).ToDictionary(e => e.HandlerType);
        Assert.IsType<TakesSingletons>(entries[typeof(TakesSingletons)].Handler);
        Assert.Same(entries[typeof(TakesSingletons)].Handler, index.Of(typeof(object))[0].Handler);
        // Built once from the root, it would hold one ScopedDependency for every request.
        Assert.Null(entries[typeof(TakesAScopedService)].Handler);
    }

    private sealed class SingletonDependency;

    private sealed class ScopedDependency;

    private sealed class TakesSingletons
    {
        public TakesSingletons() => throw new InvalidOperationException("OpenIddict's handlers have a constructor like this one; DI uses the longest.");

        public TakesSingletons(SingletonDependency dependency) => Dependency = dependency;

        public SingletonDependency Dependency { get; }
    }

    private sealed class TakesAScopedService(ScopedDependency dependency)
    {
        public ScopedDependency Dependency { get; } = dependency;
    }

    [Fact]
    public async Task This_run_uses_the_mode_the_environment_names()
    {
        // The stock-OpenIddict run of scripts/test.sh is only worth something if
        // the hosts of every other test really run without the replacements.
        var named = Environment.GetEnvironmentVariable("Authorization__TokenPathOptimizations");
        var expected = named is null || bool.Parse(named);

        await using var host = await TestHost<Program>.StartAsync();
        using var scope = host.Services.CreateScope();
        Assert.Equal(expected, scope.ServiceProvider.GetRequiredService<IOpenIddictServerDispatcher>() is IndexedDispatcher);
    }
}
