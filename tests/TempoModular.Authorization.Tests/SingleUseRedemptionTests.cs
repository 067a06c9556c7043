using System.Net;
using System.Net.Http.Headers;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Authorization.Tests;

/// <summary>
/// Codes and refresh tokens are single-use under races: of many simultaneous
/// redemptions exactly one succeeds, and the rest count as reuse (RFC 9700 §4.14.2).
/// A race that shows up in half the tries is caught by repeating it.
/// </summary>
public sealed class SingleUseRedemptionTests : IAsyncLifetime
{
    private const int Rounds = 30;
    private const int Concurrent = 16;

    private TestHost<Program> _host = null!;
    private HttpClient _browser = null!;
    private HttpClient _backEnd = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost<Program>.StartAsync();
        _browser = _host.CreateClient();
        _backEnd = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        _backEnd.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<(ApplicationCredentials App, Integrator Flow)> ConfidentialAppAsync()
    {
        var app = await OAuth.RegisterAsync(_host.Grains, ClientType.Confidential, GrantTypes.AuthorizationCode, GrantTypes.RefreshToken);
        return (app, new Integrator(_browser, _backEnd, app));
    }

    [Fact]
    public async Task Of_many_simultaneous_refreshes_exactly_one_succeeds_and_no_chain_survives()
    {
        var (app, flow) = await ConfidentialAppAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var tokens = await flow.ExchangeAsync(await flow.CodeAsync());
            Assert.Equal(HttpStatusCode.OK, tokens.Status);
            var refreshToken = tokens.String("refresh_token")!;

            var responses = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => Task.Run(() => flow.RefreshAsync(refreshToken))));

            var winners = responses.Where(r => r.Status == HttpStatusCode.OK).ToList();
            Assert.True(winners.Count == 1, $"Round {round}: {winners.Count} of {Concurrent} refreshes succeeded.");
            Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (r.Status, r.Error)));
            // The losers were reuse: the winner's new pair is dead too.
            Assert.False(await ActiveAsync(app, winners[0].String("access_token")!));
            Assert.False(await ActiveAsync(app, winners[0].String("refresh_token")!));
            Assert.Equal("invalid_grant", (await flow.RefreshAsync(winners[0].String("refresh_token")!)).Error);
        }
    }

    [Fact]
    public async Task Of_many_simultaneous_code_exchanges_exactly_one_succeeds_and_its_tokens_are_revoked()
    {
        var (app, flow) = await ConfidentialAppAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var code = await flow.CodeAsync();

            var responses = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => Task.Run(() => flow.ExchangeAsync(code))));

            var winners = responses.Where(r => r.Status == HttpStatusCode.OK).ToList();
            Assert.True(winners.Count == 1, $"Round {round}: {winners.Count} of {Concurrent} exchanges succeeded.");
            Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (r.Status, r.Error)));
            Assert.False(await ActiveAsync(app, winners[0].String("access_token")!));
            Assert.Equal("invalid_grant", (await flow.RefreshAsync(winners[0].String("refresh_token")!)).Error);
        }
    }

    [Fact]
    public async Task Introspecting_a_spent_refresh_token_changes_nothing()
    {
        var (app, flow) = await ConfidentialAppAsync();
        var first = await flow.ExchangeAsync(await flow.CodeAsync());
        var second = await flow.RefreshAsync(first.String("refresh_token")!);
        Assert.Equal(HttpStatusCode.OK, second.Status);

        var introspected = await OAuth.IntrospectAsync(_backEnd, app, first.String("refresh_token")!);
        var revoked = await OAuth.RevokeAsync(_backEnd, app, first.String("refresh_token")!);

        Assert.False(introspected.Json!.Value.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.True(await ActiveAsync(app, second.String("access_token")!));
        Assert.Equal(HttpStatusCode.OK, (await flow.RefreshAsync(second.String("refresh_token")!)).Status);
    }

    [Fact]
    public async Task A_refresh_ends_the_previous_pair_and_the_new_one_works()
    {
        var (app, flow) = await ConfidentialAppAsync();
        var first = await flow.ExchangeAsync(await flow.CodeAsync());
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(first.String("access_token")!));

        var second = await flow.RefreshAsync(first.String("refresh_token")!);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(first.String("access_token")!));
        Assert.False(await ActiveAsync(app, first.String("access_token")!));
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(second.String("access_token")!));
        Assert.True(await ActiveAsync(app, second.String("refresh_token")!));
    }

    private async Task<bool> ActiveAsync(ApplicationCredentials app, string token) =>
        (await OAuth.IntrospectAsync(_backEnd, app, token)).Json!.Value.GetProperty("active").GetBoolean();

    private async Task<HttpStatusCode> ApiStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _backEnd.SendAsync(request);
        return response.StatusCode;
    }
}
