using System.Runtime.CompilerServices;

namespace TempoModular.Testing;

/// <summary>Settings of the test process itself, applied when this assembly loads.</summary>
internal static class TestProcess
{
    /// <summary>
    /// One test process runs many hosts at once (two silos per cluster test,
    /// rogue silos, several xunit classes side by side). The thread pool
    /// starts with one thread per core (two here) and adds about one a second,
    /// so the synchronous parts of those servers (Data Protection's key ring
    /// reads, TLS handshakes, PBKDF2) stalled it for seconds ("Thread Pool
    /// execution stalled for 2.4 s" in Orleans' log), which then timed out grain
    /// calls of unrelated tests. A production host runs one server per process.
    /// </summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Test infrastructure: the setting must be in place before the first host starts, whichever test starts it.")]
    internal static void GiveTheThreadPoolRoom()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(completionPorts, 64));
    }
}
