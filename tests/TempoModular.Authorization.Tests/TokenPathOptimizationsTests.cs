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
