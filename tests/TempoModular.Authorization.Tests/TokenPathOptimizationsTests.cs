using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using TempoModular.Applications;
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
    public async Task Token_introspection_and_revocation_answers_are_the_bytes_stock_OpenIddict_writes()
    {
        await using var optimized = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Authorization:TokenPathOptimizations"] = "true" });
        await using var stock = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Authorization:TokenPathOptimizations"] = "false" });
        var hosts = new[] { optimized, stock };
        var apps = new List<ApplicationCredentials>();
        foreach (var host in hosts)
        {
            apps.Add(await OAuth.RegisterMachineClientAsync(host.Grains));
        }

        // Answers that hold nothing host-specific must match byte for byte, headers included.
        (string Path, Func<ApplicationCredentials, KeyValuePair<string, string>[]> Form)[] requests =
        [
            ("/oauth/token", app => [new("grant_type", "client_credentials"), new("client_id", app.ClientId), new("client_secret", "wrong")]),
            ("/oauth/token", app => [new("client_id", app.ClientId), new("client_secret", app.ClientSecret!)]),
            ("/oauth/token", app => [new("grant_type", "urn:example:unknown"), new("client_id", app.ClientId), new("client_secret", app.ClientSecret!)]),
            ("/oauth/introspect", app => [new("token", "not-a-token"), new("client_id", app.ClientId), new("client_secret", app.ClientSecret!)]),
            ("/oauth/revoke", app => [new("token", "not-a-token"), new("client_id", app.ClientId), new("client_secret", app.ClientSecret!)]),
        ];
        foreach (var (path, form) in requests)
        {
            var answers = new List<string>();
            for (var h = 0; h < hosts.Length; h++)
            {
                using var client = hosts[h].CreateClient();
                using var response = await client.PostAsync(path, new FormUrlEncodedContent(form(apps[h])));
                var body = await response.Content.ReadAsByteArrayAsync();
                Assert.Equal(body.Length, response.Content.Headers.ContentLength);
                answers.Add($"{(int)response.StatusCode} {response.Content.Headers.ContentType} {response.Headers.CacheControl} {response.Headers.WwwAuthenticate} {System.Text.Encoding.UTF8.GetString(body)}");
            }

            Assert.Equal(answers[1], answers[0]);
        }

        // A token answer differs in its token only: same fields, in the same order, and an exact length.
        var shapes = new List<string>();
        for (var h = 0; h < hosts.Length; h++)
        {
            using var client = hosts[h].CreateClient();
            using var response = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(
                [new("grant_type", "client_credentials"), new("client_id", apps[h].ClientId), new("client_secret", apps[h].ClientSecret!)]));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(body), response.Content.Headers.ContentLength);
            using var json = System.Text.Json.JsonDocument.Parse(body);
            shapes.Add($"{(int)response.StatusCode} {response.Content.Headers.ContentType} {string.Join(",", json.RootElement.EnumerateObject().Select(p => p.Name))}");
        }

        Assert.Equal(shapes[1], shapes[0]);
    }

    [Fact]
    public async Task Concurrent_token_answers_each_carry_their_own_token()
    {
        // The answer writer keeps one buffer per thread; concurrent requests must
        // never see each other's bytes.
        await using var host = await TestHost<Program>.StartAsync();
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => OAuth.ClientCredentialsAsync(client, app)));
            foreach (var answer in answers)
            {
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                Assert.True(tokens.Add(answer.String("access_token")!), "two answers carried the same token");
            }
        }

        foreach (var token in tokens.Take(16))
        {
            var introspection = await OAuth.IntrospectAsync(client, app, token);
            Assert.Equal("True", introspection.Json?.GetProperty("active").ToString());
        }
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
