using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace TempoModular.Storage;

/// <summary>An assembly whose embedded <c>*.{dialect}.sql</c> scripts belong in the database.</summary>
public sealed record SchemaSource(Assembly Assembly);

/// <summary>
/// Applies every registered SQL script, in name order, at start-up. Scripts are
/// written to be idempotent (CREATE ... IF NOT EXISTS, upserts), so running them
/// on every start is how a new or upgraded deployment gets its schema.
/// </summary>
public sealed partial class SchemaBootstrap(TempoDatabase database, IEnumerable<SchemaSource> sources, ILogger<SchemaBootstrap> logger)
{
    /// <summary>The PostgreSQL advisory lock held while the scripts run (an arbitrary number of our own).</summary>
    private const long SchemaLockKey = 7_245_901_0017;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _applied;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_applied)
            {
                return;
            }

            var scripts = sources
                .Select(s => s.Assembly)
                .Distinct()
                .SelectMany(a => a.GetManifestResourceNames()
                    .Where(n => n.EndsWith($".{database.Dialect}.sql", StringComparison.Ordinal))
                    .Select(n => (Assembly: a, Name: n)))
                .OrderBy(s => ScriptFileName(s.Name), StringComparer.Ordinal)
                .ToList();

            await using var connection = await database.OpenAsync(cancellationToken);
            await using (var prepare = connection.CreateCommand())
            {
                // SQLite: WAL is a property of the file. PostgreSQL: hosts of a
                // cluster starting together would race on CREATE ... IF NOT EXISTS
                // (which is not safe against a concurrent create), so they take
                // turns; the lock ends with this connection.
                prepare.CommandText = connection is SqliteConnection
                    ? "PRAGMA journal_mode = WAL;"
                    : $"SELECT pg_advisory_lock({SchemaLockKey});";
                await prepare.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var (assembly, name) in scripts)
            {
                await using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                var sql = await reader.ReadToEndAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogApplied(ScriptFileName(name));
            }

            _applied = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Scripts are embedded as "sql/<file>" (see the .csproj files); ordering by
    // the file name lets the numbering (010-, 020-) decide, not the module name.
    private static string ScriptFileName(string resourceName) => resourceName[(resourceName.LastIndexOf('/') + 1)..];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Applied schema script {Script}")]
    private partial void LogApplied(string script);
}
