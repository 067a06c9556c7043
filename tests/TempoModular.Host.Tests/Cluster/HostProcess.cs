using System.Diagnostics;
using TempoModular.Testing;

namespace TempoModular.Host.Tests.Cluster;

/// <summary>
/// The host as an operator runs it: its own process (TempoModular.Host.dll from
/// this test's build output), configured by environment variables, listening on
/// real ports, and killable with SIGKILL.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _closed;

    private HostProcess(Process process, StreamWriter log, Uri address, string logFile)
    {
        _process = process;
        _log = log;
        Address = address;
        Log = logFile;
    }

    public Uri Address { get; }

    /// <summary>The file the host's console output goes to, for a failing test's message.</summary>
    public string Log { get; }

    public static HostProcess Start(int httpPort, int siloPort, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "TempoModular.Host.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Orleans__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Bootstrap__AdminPassword"] = TestUsers.AdminPassword;
        start.Environment["Metrics__Enabled"] = "false";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var host = new HostProcess(process, new StreamWriter(logFile, append: true) { AutoFlush = true }, new Uri($"http://127.0.0.1:{httpPort}/"), logFile);
        process.OutputDataReceived += (_, line) => host.Write(line.Data);
        process.ErrorDataReceived += (_, line) => host.Write(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Write(string? line)
    {
        lock (_log)
        {
            if (line is not null && !_closed)
            {
                _log.WriteLine(line);
            }
        }
    }

    public HttpClient CreateClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = Address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host on {Address} exited with {_process.ExitCode}; see {Log}.");
            }

            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The host on {Address} was not ready within {within}; see {Log}.");
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }
    }
}
