using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TempoModular.Host.Tests;

/// <summary>
/// The log entries at <paramref name="minimum"/> and above that the host's
/// configured filters let through, as "Level Category: message". Added to a
/// test host with <c>services.AddSingleton&lt;ILoggerProvider&gt;(logs)</c>.
/// </summary>
internal sealed class RecordedLogs(LogLevel minimum) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    private readonly LogLevel _minimum = minimum;

    public IReadOnlyCollection<string> Entries => _entries;

    public void Clear() => _entries.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, RecordedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= logs._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs._entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
