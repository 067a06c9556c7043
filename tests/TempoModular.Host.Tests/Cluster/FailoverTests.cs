using System.Diagnostics;
using System.Net;
using TempoModular.Storage;
using TempoModular.Testing;
using Xunit.Abstractions;
using static TempoModular.Host.Tests.Cluster.ClusterAdmin;

namespace TempoModular.Host.Tests.Cluster;

/// <summary>
/// Two host processes on one PostgreSQL database; one is killed with SIGKILL.
/// Nothing it answered 200 may be lost, nothing may be answered 500, and the
/// survivor must serve every application again within seconds.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_host_killed_with_sigkill_loses_no_token_and_its_applications_move_to_the_survivor()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        var (portA, portB) = (TestHost<Program>.FreeTcpPort(), TestHost<Program>.FreeTcpPort());
        var (siloA, siloB) = (TestHost<Program>.FreeTcpPort(), TestHost<Program>.FreeTcpPort());
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "PostgreSql",
            ["Storage__PostgreSql"] = database.PostgresConnectionString!,
            ["Storage__DataFolder"] = database.DataFolder,
            ["Orleans__ServiceId"] = "tempo-failover-" + Guid.NewGuid().ToString("N"),
            ["Authorization__Issuer"] = $"http://127.0.0.1:{portA}/",
        };
        var logA = Path.Combine(database.DataFolder, "a.log");
        var logB = Path.Combine(database.DataFolder, "b.log");

        var a = HostProcess.Start(portA, siloA, environment, logA);
        await using var b = HostProcess.Start(portB, siloB, environment, logB);
        try
        {
            await Task.WhenAll(a.WaitUntilReadyAsync(TimeSpan.FromSeconds(90)), b.WaitUntilReadyAsync(TimeSpan.FromSeconds(90)));
            using var toA = a.CreateClient();
            using var toB = b.CreateClient();

            // Enough applications that some of their grains live on A.
            var applications = new List<Application>();
            for (var i = 0; i < 8; i++)
            {
                applications.Add(await RegisterAsync(toA, $"Failover {i}"));
            }

            var tokens = new List<(Application Application, string Token)>();
            foreach (var application in applications)
            {
                for (var i = 0; i < 6; i++)
                {
                    tokens.Add((application, await IssueTokenAsync(i % 2 == 0 ? toA : toB, application)));
                }
            }

            var revoked = tokens[0];
            Assert.Equal(HttpStatusCode.OK, await RevokeAsync(toA, revoked.Application, revoked.Token));

            a.Kill();
            var clock = Stopwatch.StartNew();

            // Every application through the survivor until each has answered 200.
            var statuses = new Dictionary<HttpStatusCode, int>();
            var pending = new HashSet<Application>(applications);
            var served = new Dictionary<Application, TimeSpan>();
            while (pending.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                foreach (var application in pending.ToList())
                {
                    using var response = await RequestTokenAsync(toB, application.ClientId, application.ClientSecret);
                    statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        pending.Remove(application);
                        served[application] = clock.Elapsed;
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                        Assert.NotNull(response.Headers.RetryAfter);
                    }
                }

                await Task.Delay(100);
            }

            output.WriteLine($"All applications served through the survivor {clock.Elapsed.TotalSeconds:0.0} s after the kill; " +
                $"slowest {served.Values.DefaultIfEmpty().Max().TotalSeconds:0.0} s; statuses meanwhile: " +
                string.Join(", ", statuses.Select(s => $"{(int)s.Key} x {s.Value}")));
            Assert.Empty(pending);

            foreach (var (application, token) in tokens)
            {
                var expected = token == revoked.Token ? HttpStatusCode.Unauthorized : HttpStatusCode.OK;
                Assert.Equal(expected, await CallApiAsync(toB, token));
            }

            // The killed host comes back on the same ports and rejoins.
            await a.DisposeAsync();
            await using var restarted = HostProcess.Start(portA, siloA, environment, logA);
            await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            using var toRestarted = restarted.CreateClient();
            foreach (var application in applications)
            {
                var token = await IssueTokenAsync(toRestarted, application);
                Assert.Equal(HttpStatusCode.OK, await CallApiAsync(toB, token));
            }
        }
        catch (Exception)
        {
            output.WriteLine("--- host A ---");
            output.WriteLine(Tail(logA));
            output.WriteLine("--- host B ---");
            output.WriteLine(Tail(logB));
            throw;
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    private static string Tail(string file) =>
        File.Exists(file) ? string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(60)) : "(no log)";
}
