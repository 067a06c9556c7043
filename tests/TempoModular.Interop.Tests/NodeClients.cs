using System.Diagnostics;
using System.Text.Json;

namespace TempoModular.Interop.Tests;

/// <summary>Runs one step of a client script in clients/ with node and reads its JSON answer.</summary>
internal static class NodeClients
{
    private static readonly string Clients = Path.Combine(RepositoryRoot(), "tests", "TempoModular.Interop.Tests", "clients");

    public static async Task<JsonElement> RunAsync(string script, object input)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Clients, script));
        start.ArgumentList.Add(JsonSerializer.Serialize(input));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}: {await errors}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }

    // The packages are installed at the repository root (package.json), which node finds from the scripts.
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TempoModular.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with TempoModular.sln) was not found above " + AppContext.BaseDirectory);
    }
}
