using System.Diagnostics;
using System.Net;
using TempoModular.Storage;
using TempoModular.Testing;
using Xunit.Abstractions;

namespace TempoModular.Host.Tests;

/// <summary>
/// Real file-system faults under the SQLite data folder: a full disk (a small
/// tmpfs) and read-only database files (the immutable attribute, which even
/// root cannot write through, on the file system the tests' temp folder is on).
/// Both need root, as CI has. In each: token requests get 503 + Retry-After
/// with an OAuth body, the admin API a 503 problem, readiness turns unhealthy,
/// all come back once the fault is lifted, and every token answered 200
/// survives a restart.
/// </summary>
public sealed class FileSystemFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_full_disk_is_a_503_and_readiness_follows_it_until_space_is_freed()
    {
        var disk = NewFolder("disk");
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m,mode=700", "tmpfs", disk);
        try
        {
            var filler = Path.Combine(disk, "filler");
            await DrillAsync(
                disk,
                // Leave half a megabyte: a few dozen tokens' worth of WAL.
                inject: () => FillAsync(filler, new DriveInfo(disk).AvailableFreeSpace - (512 * 1024)),
                lift: () =>
                {
                    File.Delete(filler);
                    return Task.CompletedTask;
                });
        }
        finally
        {
            await RunAsync("umount", "--lazy", disk);
        }
    }

    [Fact]
    public async Task Read_only_database_files_are_a_503_and_readiness_follows_them_until_writable_again()
    {
        var folder = NewFolder("readonly");
        // The database and its WAL; the shared-memory index is mapped, not written through.
        string[] files = [Path.Combine(folder, "tempo.db"), Path.Combine(folder, "tempo.db-wal")];
        try
        {
            await DrillAsync(
                folder,
                inject: () => RunAsync("chattr", ["+i", .. files]),
                lift: () => RunAsync("chattr", ["-i", .. files]));
        }
        finally
        {
            // Never leave undeletable files behind, whatever failed.
            await RunAsync("chattr", ["-i", .. files.Where(File.Exists)], mustSucceed: false);
        }
    }

    /// <summary>Issues tokens until the injected fault refuses one, checks every answer while it lasts, lifts it, checks recovery and that nothing answered 200 was lost.</summary>
    private async Task DrillAsync(string dataFolder, Func<Task> inject, Func<Task> lift)
    {
        await using var host = await TestHost<Program>.StartAsync(settings: new Dictionary<string, string?> { ["Storage:DataFolder"] = dataFolder });
        using var client = host.CreateClient();
        var app = await Edge.RegisterMachineClientAsync(host.Grains);
        using (var first = await Edge.TokenAsync(client, app))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await inject();

        var (issued, refused) = await Edge.IssueUntilRefusedAsync(client, app);
        issued++; // the first one
        output.WriteLine($"{issued} tokens before the fault refused one");
        await Edge.AssertStorageFaultAsync(refused);

        using (var api = await Edge.RegisterThroughApiAsync(client))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }

        using (var ready = await Edge.EventuallyAsync(() => client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await lift();
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

    private static string NewFolder(string kind)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tempo-tests", kind + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
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

    private static Task RunAsync(string command, params string[] arguments) => RunAsync(command, arguments, mustSucceed: true);

    private static async Task RunAsync(string command, string[] arguments, bool mustSucceed)
    {
        if (arguments.Length == 0)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(!mustSucceed || process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} — this test needs root, as the README's test command has.");
    }
}
