using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TempoModular.Storage;
using TempoModular.Testing;
using Xunit.Abstractions;
using static TempoModular.Host.Tests.Cluster.ClusterAdmin;

namespace TempoModular.Host.Tests.Cluster;

/// <summary>
/// The embedded default killed with SIGKILL while 16 clients are being issued
/// tokens (group commits in flight): after a restart on the same data folder,
/// every token that was answered 200 is still active. A request the kill cut off
/// got no answer, so nothing was promised for it.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class KillDuringIssuanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_host_killed_during_issuance_keeps_every_token_it_answered_200()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var (port, silo) = (TestHost<Program>.FreeTcpPort(), TestHost<Program>.FreeTcpPort());
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Sqlite",
            ["Storage__DataFolder"] = database.DataFolder,
            ["RateLimits__OAuth__PerClientId__PermitsPerSecond"] = "1000000",
            ["RateLimits__OAuth__PerClientId__Burst"] = "1000000",
            ["RateLimits__OAuth__PerSource__PermitsPerSecond"] = "1000000",
            ["RateLimits__OAuth__PerSource__Burst"] = "1000000",
        };
        var log = Path.Combine(database.DataFolder, "host.log");

        var host = HostProcess.Start(port, silo, environment, log);
        var answered = new List<(Application Application, string Token)>();
        try
        {
            await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            using var client = host.CreateClient();
            var applications = new List<Application>();
            for (var i = 0; i < 4; i++)
            {
                applications.Add(await RegisterAsync(client, $"Killed during issuance {i}"));
            }

            // 16 clients issue without pause until the kill cuts them off.
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 16).Select(n => Task.Run(async () =>
            {
                var application = applications[n % applications.Count];
                while (!stop.IsCancellationRequested)
                {
                    HttpResponseMessage response;
                    try
                    {
                        response = await RequestTokenAsync(client, application.ClientId, application.ClientSecret);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the host is gone: no answer, no promise
                    }

                    using (response)
                    {
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
                        lock (answered)
                        {
                            answered.Add((application, token));
                        }
                    }
                }
            })).ToList();

            while (answered.Count < 500)
            {
                await Task.Delay(20);
            }

            host.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }
        finally
        {
            await host.DisposeAsync();
        }

        await using var restarted = HostProcess.Start(port, silo, environment, log);
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        using var after = restarted.CreateClient();
        output.WriteLine($"{answered.Count} tokens answered 200 before the kill");
        var lost = 0;
        foreach (var (_, token) in answered)
        {
            lost += await CallApiAsync(after, token) == HttpStatusCode.OK ? 0 : 1;
        }

        Assert.Equal(0, lost);
    }
}
