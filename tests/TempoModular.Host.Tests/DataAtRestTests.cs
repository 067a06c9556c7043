using System.Net;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>The database files and the key ring are readable by the host's account only.</summary>
public sealed class DataAtRestTests : HostedTest<Program>
{
    [Fact]
    public async Task Database_files_and_key_ring_files_are_created_mode_600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var app = await Edge.RegisterMachineClientAsync(Host.Grains);
        using var token = await Edge.TokenAsync(Client, app);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        var folder = Host.Database.DataFolder;
        var files = new[] { "tempo.db", "tempo.db-wal", "tempo.db-shm" }.Select(f => Path.Combine(folder, f))
            .Concat(Directory.GetFiles(Path.Combine(folder, "keys"), "*.xml"))
            .ToList();
        Assert.True(files.Count >= 4, "The key ring holds no key file.");
        foreach (var file in files)
        {
            Assert.True(File.Exists(file), file + " is missing");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, "keys")));
    }
}

