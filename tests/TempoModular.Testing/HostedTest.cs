using Xunit;

namespace TempoModular.Testing;

/// <summary>
/// A test class with the real host (on a fresh SQLite database) and one HTTP
/// client into it, started before its tests and disposed after them.
/// </summary>
public abstract class HostedTest<TEntryPoint> : IAsyncLifetime where TEntryPoint : class
{
    protected TestHost<TEntryPoint> Host { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await TestHost<TEntryPoint>.StartAsync();
        Client = Host.CreateClient();
        await StartedAsync();
    }

    /// <summary>Set-up that needs the running host (registering an application, issuing a token).</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
