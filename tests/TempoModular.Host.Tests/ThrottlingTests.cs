using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>
/// Wrong passwords are throttled per source and user name (sign-in page and
/// HTTP Basic alike) instead of locking the account: an attacker slows only
/// himself down; the administrator from another address still gets in.
/// </summary>
public sealed partial class ThrottlingTests : IAsyncLifetime
{
    // Loopback addresses: plain HTTP with a password is only accepted from loopback.
    private const string Attacker = "127.0.0.7";
    private const string Administrator = "127.0.0.20";

    private TestHost<Program> _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost<Program>.StartAsync(services: s => s.AddSingleton<IStartupFilter, SourceAddressFromHeader>());
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Basic_failures_from_one_address_get_429_while_the_administrator_elsewhere_still_gets_in()
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await BasicAsync(Attacker, TestUsers.AdminUser, "wrong " + attempt);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await BasicAsync(Attacker, TestUsers.AdminUser, TestUsers.AdminPassword);
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);

        using var administrator = await BasicAsync(Administrator, TestUsers.AdminUser, TestUsers.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, administrator.StatusCode);
        using var signIn = await SignInAsync(Administrator, TestUsers.AdminUser, TestUsers.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    [Fact]
    public async Task Unknown_users_and_wrong_passwords_are_throttled_with_the_same_answer()
    {
        var unknown = "nobody-" + Guid.NewGuid().ToString("N")[..8];
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            (await SignInAsync(Attacker, unknown, "wrong " + attempt)).Dispose();
            (await SignInAsync(Attacker, TestUsers.AdminUser, "wrong " + attempt)).Dispose();
        }

        using var forUnknown = await SignInAsync(Attacker, unknown, "again");
        using var forAdmin = await SignInAsync(Attacker, TestUsers.AdminUser, "again");

        Assert.Equal((HttpStatusCode)429, forUnknown.StatusCode);
        Assert.Equal((HttpStatusCode)429, forAdmin.StatusCode);
        // The same words; the seconds left may differ by one between the two answers.
        Assert.Equal(WithoutNumbers(Message(await forUnknown.Content.ReadAsStringAsync())), WithoutNumbers(Message(await forAdmin.Content.ReadAsStringAsync())));
        Assert.Contains("Too many failed sign-in attempts", Message(await forAdmin.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task One_address_spraying_many_user_names_is_throttled_before_any_hashing()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            (await BasicAsync(Attacker, "spray-" + attempt, "password")).Dispose();
        }

        using var throttled = await BasicAsync(Attacker, "spray-new", "password");
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        using var administrator = await BasicAsync(Administrator, TestUsers.AdminUser, TestUsers.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, administrator.StatusCode);
    }

    [Fact]
    public async Task Clearing_a_user_name_lets_the_throttled_address_try_again()
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            (await BasicAsync(Attacker, TestUsers.AdminUser, "wrong " + attempt)).Dispose();
        }

        Assert.Equal(1, _host.Services.GetRequiredService<SignInThrottle>().ClearUserName("Admin"));

        using var again = await BasicAsync(Attacker, TestUsers.AdminUser, TestUsers.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Concurrent_guesses_of_one_unknown_user_name_are_refused_never_a_server_error()
    {
        // The unknown name's grain must serve them all, not bounce them between
        // dying activations (which Orleans gives up on with a 503).
        for (var round = 0; round < 5; round++)
        {
            var unknown = "nobody-" + Guid.NewGuid().ToString("N")[..8];
            var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async n =>
            {
                using var response = await BasicAsync($"127.0.1.{(round * 16) + n + 1}", unknown, "guess");
                return response.StatusCode;
            }));

            Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        }
    }

    private async Task<HttpResponseMessage> BasicAsync(string source, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/applications");
        request.Headers.Authorization = Edge.AdminBasic(user, password);
        request.Headers.Add(SourceAddressFromHeader.Header, source);
        return await _client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SignInAsync(string source, string user, string password)
    {
        // A fresh client per attempt: its own antiforgery cookie, no session.
        using var browser = _host.CreateClient();
        browser.DefaultRequestHeaders.Add(SourceAddressFromHeader.Header, source);
        var page = await browser.GetStringAsync("/account/sign-in");
        var input = AntiforgeryInput().Match(page).Value;
        var token = WebUtility.HtmlDecode(ValueAttribute().Match(input).Groups[1].Value);
        return await browser.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    private static string Message(string page) => AlertMessage().Match(page).Groups[1].Value;

    private static string WithoutNumbers(string message) => Number().Replace(message, "N");

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Number();

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();

    [GeneratedRegex("<div class=\"alert error\" role=\"alert\">([^<]*)</div>")]
    private static partial Regex AlertMessage();

    /// <summary>The in-process test server has no remote address; the tests name one per request.</summary>
    private sealed class SourceAddressFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Source-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate rest) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return rest(context);
            });
            next(app);
        };
    }
}

/// <summary>Token requests naming client ids that do not exist leave no application grains behind.</summary>
public sealed class UnknownClientTests : HostedTest<Program>
{
    [Fact]
    public async Task Token_requests_with_made_up_client_ids_leave_no_activations()
    {
        var app = await Edge.RegisterMachineClientAsync(Host.Grains);
        var before = await ApplicationActivationsAsync();

        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var response = await Edge.TokenAsync(Client, app with { ClientId = Guid.NewGuid().ToString("N") });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        var after = await ApplicationActivationsAsync();
        while (after > before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            after = await ApplicationActivationsAsync();
        }

        Assert.InRange(after, 0, before);
    }

    private async Task<int> ApplicationActivationsAsync()
    {
        var statistics = await Host.Grains.GetGrain<Orleans.Runtime.IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("OAuthApplicationGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
