using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TempoModular.Identity.Tests;

/// <summary>
/// Tests that swap <see cref="Console.Out"/> (or the process environment) run
/// alone: both are process-wide, and a parallel test would write into the capture.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console output";
}

/// <summary>Everything written to the console until disposed.</summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _original = Console.Out;
    private readonly StringWriter _captured = new();

    public ConsoleCapture() => Console.SetOut(_captured);

    public string Text => _captured.ToString();

    public void Dispose() => Console.SetOut(_original);
}

/// <summary>Every log entry of a silo, rendered with its structured values and exceptions, to search for secrets.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public string Text => string.Join('\n', _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            logs._entries.Enqueue($"{formatter(state, exception)} | {values} | {exception}");
        }
    }
}
