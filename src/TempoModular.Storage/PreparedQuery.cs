using System.Collections.Concurrent;
using System.Data.Common;

namespace TempoModular.Storage;

/// <summary>
/// A read that a hot path runs on every request, kept compiled. Microsoft.Data.Sqlite
/// compiles a command's SQL again on every new command and keeps no compiled
/// statement on a pooled connection, and for the REST API's worklog listing that
/// compiling was nearly all of its SQLite time (a tenth of the call's CPU), the
/// reading itself next to nothing. So on SQLite this keeps a few connections of its
/// own open, each with the query prepared on it, and lends one to one call at a
/// time; on PostgreSQL a call opens a pooled connection as any other query does.
/// It keeps compiled SQL, never rows: every call reads what is committed then.
/// </summary>
public sealed class PreparedQuery(TempoDatabase database, string sql, params string[] parameterNames) : IAsyncDisposable
{
    // Idle ones beyond the calls that can run at once would only hold file handles.
    private static readonly int MaxIdle = Math.Max(2, Environment.ProcessorCount * 2);

    private readonly ConcurrentBag<DbCommand> _idle = [];
    private volatile bool _disposed;

    /// <summary>Runs the query with these parameter values (in the order the names were given) and hands its rows to <paramref name="read"/>.</summary>
    public async Task<T> ReadAsync<T>(object?[] values, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (values.Length != parameterNames.Length)
        {
            throw new ArgumentException($"The query takes {parameterNames.Length} values; {values.Length} were given.", nameof(values));
        }

        var command = _idle.TryTake(out var idle) ? idle : await CreateAsync(cancellationToken);
        T result;
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            result = await read(reader, cancellationToken);
        }
        catch
        {
            // A command that failed (a storage fault, a cancelled read) is not lent again.
            await CloseAsync(command);
            throw;
        }

        await ReturnAsync(command);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var command))
        {
            await CloseAsync(command);
        }
    }

    private async Task<DbCommand> CreateAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.AddParameter(name, null);
        }

        if (database.Provider == StorageProvider.Sqlite)
        {
            try
            {
                await command.PrepareAsync(cancellationToken);
            }
            catch
            {
                // A query that does not compile (or a storage fault) leaves no connection open behind it.
                await CloseAsync(command);
                throw;
            }
        }

        return command;
    }

    private async ValueTask ReturnAsync(DbCommand command)
    {
        if (database.Provider != StorageProvider.Sqlite || _idle.Count >= MaxIdle)
        {
            await CloseAsync(command);
            return;
        }

        _idle.Add(command);
        if (_disposed)
        {
            // Disposed while this call ran: what it put back is closed with the rest.
            await DisposeAsync();
        }
    }

    private static async ValueTask CloseAsync(DbCommand command)
    {
        var connection = command.Connection;
        await command.DisposeAsync();
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
