using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TempoModular.Storage;

/// <summary>
/// Tells a database that cannot commit right now (disk full, read-only, locked
/// too long, server down) from a bug. The edge answers the first with 503 and
/// Retry-After, the second with 500.
/// </summary>
public static class StorageFaults
{
    /// <summary>Seconds a client is asked to wait before retrying after a storage fault.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>True when the exception, or one it wraps, says the database is unavailable rather than the request wrong.</summary>
    public static bool IsStorageFault(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            if (exception is AggregateException { InnerExceptions.Count: > 1 } aggregate)
            {
                return aggregate.InnerExceptions.Any(IsStorageFault);
            }

            if (IsFault(exception))
            {
                return true;
            }

            exception = exception.InnerException;
        }

        return false;
    }

    private static bool IsFault(Exception exception) => exception switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is
            5 /* BUSY: the write lock was held past the lock timeout */ or
            6 /* LOCKED */ or
            7 /* NOMEM */ or
            8 /* READONLY */ or
            10 /* IOERR */ or
            13 /* FULL: disk (or the WAL cap's file system) full */ or
            14 /* CANTOPEN */,
        // Server-side refusals that say "not now" rather than "not this":
        // 08 connection exceptions, 53 insufficient resources (53100 disk full),
        // 57P operator intervention (shutdown, cannot connect now), 3D000 the
        // database is gone, 25006 read-only transaction (a standby).
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState is "3D000" or "25006",
        // Without a server error: the connection could not be made or broke.
        NpgsqlException => true,
        DbException { IsTransient: true } => true,
        _ => false,
    };
}
