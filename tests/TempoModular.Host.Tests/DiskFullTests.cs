using System.Diagnostics;
using System.Net;
using TempoModular.Storage;
using TempoModular.Testing;
using Xunit.Abstractions;

namespace TempoModular.Host.Tests;

/// <summary>
/// A real full disk under the SQLite data folder (a small tmpfs, so the test
/// needs root, as CI has): token requests get 503 + Retry-After with an OAuth
/// body, readiness turns unhealthy, both come back once space is freed, and
/// every token answered 200 survives a restart.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_full_disk_is_a_503_and_readiness_follows_it_until_space_is_freed()
    {
        var disk = Path.Combine(Path.GetTempPath(), "tempo-tests", "disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(disk);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m,mode=700", "tmpfs", disk);
        try
        {
            await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Storage:DataFolder"] = disk });
            using var client = host.CreateClient();
            var app = await Edge.RegisterMachineClientAsync(host.Grains);
            using (var first = await Edge.TokenAsync(client, app))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            }

            // Leave half a megabyte: a few dozen tokens' worth of WAL.
            var filler = Path.Combine(disk, "filler");
            await FillAsync(filler, new DriveInfo(disk).AvailableFreeSpace - (512 * 1024));

            var issued = 1;
            HttpResponseMessage? refused = null;
            for (var n = 0; n < 5000 && refused is null; n++)
            {
                var response = await Edge.TokenAsync(client, app);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    issued++;
                    response.Dispose();
                }
                else
                {
                    refused = response;
                }
            }

            output.WriteLine($"{issued} tokens before the disk was full");
            Assert.NotNull(refused);
            using (refused)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(StorageFaults.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
                Assert.Equal("temporarily_unavailable", (await Edge.JsonAsync(refused)).GetProperty("error").GetString());
            }

            using (var api = await Edge.RegisterThroughApiAsync(client))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
                Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            }

            using (var ready = await Edge.EventuallyAsync(() => client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10)))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            }

            File.Delete(filler);
            using (var recovered = await Edge.EventuallyAsync(() => client.GetAsync("/health/ready"), HttpStatusCode.OK, TimeSpan.FromSeconds(30)))
            {
                Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
            }

            using (var after = await Edge.EventuallyAsync(() => Edge.TokenAsync(client, app), HttpStatusCode.OK, TimeSpan.FromSeconds(30)))
            {
                Assert.Equal(HttpStatusCode.OK, after.StatusCode);
                issued++;
            }

            // Every token answered 200 is known, after a restart too.
            Assert.Equal(issued, await host.Grains.GetGrain<Applications.IApplicationTokenSet>(app.ClientId).CountActiveTokensAsync());
            await host.RestartAsync();
            Assert.Equal(issued, await host.Grains.GetGrain<Applications.IApplicationTokenSet>(app.ClientId).CountActiveTokensAsync());
        }
        finally
        {
            await RunAsync("umount", "--lazy", disk);
        }
    }

    private static async Task FillAsync(string path, long bytes)
    {
        var block = new byte[64 * 1024];
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        for (long written = 0; written < bytes; written += block.Length)
        {
            await file.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, bytes - written)));
        }
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} — this test needs root, as the README's test command has.");
    }
}
