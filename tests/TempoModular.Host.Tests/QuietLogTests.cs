using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TempoModular.Testing;
using Xunit.Abstractions;

namespace TempoModular.Host.Tests;

/// <summary>
/// With the shipped logging levels, the token path writes nothing per request:
/// a line per token went through the console logger's lock and cost about
/// 40 % of the host's CPU under load (a path-matching handler that logged at
/// Information did exactly that).
/// </summary>
public sealed class QuietLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Tokens_introspection_and_api_calls_log_nothing_at_the_shipped_levels()
    {
        var logs = new RecordedLogs(LogLevel.Information);
        await using var host = await TestHost<Program>.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = host.CreateClient();
        var app = await Edge.RegisterMachineClientAsync(host.Grains);
        await SendAsync(client, app, 5); // first requests may log once (keys loaded, grains activated)

        logs.Clear();
        await SendAsync(client, app, 50);

        foreach (var entry in logs.Entries)
        {
            output.WriteLine(entry);
        }

        Assert.Empty(logs.Entries);
    }

    [Fact]
    public async Task Requests_start_no_activity_at_the_shipped_levels()
    {
        // ASP.NET Core starts an Activity and a log scope per request while its
        // hosting category logs at any level: CPU and bytes on every token.
        var seen = new System.Collections.Concurrent.ConcurrentBag<bool>();
        await using var host = await TestHost<Program>.StartAsync(services: s => s.AddSingleton<IStartupFilter>(new ObserveActivity(seen)));
        using var client = host.CreateClient();
        var app = await Edge.RegisterMachineClientAsync(host.Grains);
        await SendAsync(client, app, 3);

        Assert.NotEmpty(seen);
        Assert.All(seen, started => Assert.False(started, "a request ran inside an Activity"));
    }

    private sealed class ObserveActivity(System.Collections.Concurrent.ConcurrentBag<bool> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                seen.Add(System.Diagnostics.Activity.Current is not null);
                return following(context);
            });
            next(app);
        };
    }

    private static async Task SendAsync(HttpClient client, Applications.ApplicationCredentials app, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var token = await Edge.TokenAsync(client, app);
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            var accessToken = (await Edge.JsonAsync(token)).GetProperty("access_token").GetString()!;
            using var introspection = await Edge.IntrospectAsync(client, app, accessToken);
            Assert.Equal(HttpStatusCode.OK, introspection.StatusCode);
            using var api = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
            api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var worklogs = await client.SendAsync(api);
            Assert.Equal(HttpStatusCode.OK, worklogs.StatusCode);
        }
    }
}
