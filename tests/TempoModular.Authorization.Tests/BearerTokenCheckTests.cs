using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Validation.AspNetCore;
using Orleans.TestingHost;
using TempoModular.Applications;
using TempoModular.Authorization.Optimizations;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// The REST API's bearer scheme. With the optimizations on it is
/// <see cref="BearerTokenCheck"/>, which must accept exactly what OpenIddict
/// validation accepts and build the same principal; the Worklogs tests refuse
/// revoked tokens and tokens of deleted applications through it. The expiry test
/// runs in both modes (scripts/test.sh runs this project twice).
/// </summary>
public sealed class BearerTokenCheckTests
{
    [Fact]
    public async Task An_access_token_is_accepted_until_it_expires_and_refused_from_then_on()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await TestHost<Program>.StartAsync(services: services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            // Orleans' own background loops (membership, messaging) keep real time.
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);
        var token = await OAuth.AccessTokenAsync(client, app);

        // The default lifetime is one hour; the clock stands still otherwise.
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await ListAsync(client, token)).Status);

        clock.Advance(TimeSpan.FromMinutes(2));
        var (status, challenge) = await ListAsync(client, token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Bearer error=\"invalid_token\"", challenge);
    }

    [Fact]
    public async Task The_check_builds_the_principal_OpenIddict_validation_builds()
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Authorization:TokenPathOptimizations"] = "true" });
        using var browser = host.CreateClient();
        using var backEnd = host.CreateClient();
        var machine = await OAuth.RegisterMachineClientAsync(host.Grains);
        var user = await OAuth.RegisterAsync(host.Grains, ClientType.Public, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        var flow = new Integrator(browser, backEnd, user);
        string[] tokens =
        [
            await OAuth.AccessTokenAsync(backEnd, machine),
            (await OAuth.ClientCredentialsAsync(backEnd, machine, "read")).String("access_token")!,
            (await flow.ExchangeAsync(await flow.CodeAsync())).String("access_token")!,
        ];

        foreach (var token in tokens)
        {
            using var scope = host.Services.CreateScope();
            // The check itself accepts the token (no fallback to OpenIddict hides a refusal here).
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<BearerTokenCheck>().TryAcceptAsync(await Request(scope, token)));

            var ours = await (await Request(scope, token)).AuthenticateAsync(TempoAuthentication.BearerScheme);
            var theirs = await (await Request(scope, token)).AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);

            Assert.True(ours.Succeeded, ours.Failure?.Message);
            Assert.True(theirs.Succeeded, theirs.Failure?.Message);
            Assert.Equal(theirs.Ticket!.AuthenticationScheme, ours.Ticket!.AuthenticationScheme);
            var (ourIdentity, theirIdentity) = (Assert.Single(ours.Principal!.Identities), Assert.Single(theirs.Principal!.Identities));
            Assert.Equal(
                (theirIdentity.AuthenticationType, theirIdentity.NameClaimType, theirIdentity.RoleClaimType),
                (ourIdentity.AuthenticationType, ourIdentity.NameClaimType, ourIdentity.RoleClaimType));
            var (expected, actual) = (Claims(theirs.Principal), Claims(ours.Principal));
            Assert.True(expected.SequenceEqual(actual),
                $"only OpenIddict's: {string.Join("; ", expected.Except(actual))}; only ours: {string.Join("; ", actual.Except(expected))}");
        }
    }

    [Fact]
    public async Task The_check_leaves_a_revoked_token_to_OpenIddict_which_refuses_it()
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Authorization:TokenPathOptimizations"] = "true" });
        using var client = host.CreateClient();
        var app = await OAuth.RegisterMachineClientAsync(host.Grains);
        var token = await OAuth.AccessTokenAsync(client, app);
        using var scope = host.Services.CreateScope();
        var check = scope.ServiceProvider.GetRequiredService<BearerTokenCheck>();
        Assert.NotNull(await check.TryAcceptAsync(await Request(scope, token)));

        Assert.Equal(HttpStatusCode.OK, (await OAuth.RevokeAsync(client, app, token)).Status);

        Assert.Null(await check.TryAcceptAsync(await Request(scope, token)));
        Assert.False((await (await Request(scope, token)).AuthenticateAsync(TempoAuthentication.BearerScheme)).Succeeded);
    }

    private static async Task<(HttpStatusCode Status, string Challenge)> ListAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString());
    }

    // A request as the authentication middleware hands it on: OpenIddict's
    // handler has begun its transaction (HandleRequestAsync) before anything authenticates.
    private static async Task<DefaultHttpContext> Request(IServiceScope scope, string token)
    {
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1");
        context.Request.Method = "GET";
        context.Request.Path = "/4/worklogs";
        context.Request.Headers.Authorization = "Bearer " + token;
        var handlers = scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>();
        var openIddict = (IAuthenticationRequestHandler)(await handlers.GetHandlerAsync(context, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme))!;
        Assert.False(await openIddict.HandleRequestAsync());
        return context;
    }

    // Every claim with what a reader of it sees; the order of claims is not part of the contract.
    private static string[] Claims(ClaimsPrincipal principal) =>
        principal.Claims.Select(c => $"{c.Type}|{c.Value}|{c.ValueType}|{c.Issuer}|{string.Join(",", c.Properties.Select(p => p.Key + "=" + p.Value))}")
            .Order(StringComparer.Ordinal).ToArray();
}
