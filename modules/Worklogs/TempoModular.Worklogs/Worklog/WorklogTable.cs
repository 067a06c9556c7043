using System.Data.Common;
using System.Globalization;
using TempoModular.Storage;

namespace TempoModular.Worklogs.Worklog;

/// <summary>
/// The module's own rows (see Sql/050-worklogs.*.sql): the id sequence and the
/// listing, one row per live worklog, written only by its grain. Paging reads
/// the rows, never the grains, so listing costs one query whatever the count.
/// </summary>
internal sealed class WorklogTable(TempoDatabase database) : IAsyncDisposable
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string TimeFormat = "HH:mm:ss";

    // Every GET /4/worklogs runs it: kept compiled (see PreparedQuery). SQLite
    // (3.53) plans with the value bound to a bare LIMIT or OFFSET parameter, so
    // binding one again discards the compiled statement and compiles it anew on
    // the next step; as an expression ("+ 0") it is read when the query runs,
    // and the plan, a backwards walk of the primary key, is the same.
    private readonly PreparedQuery _page = new(database, """
        SELECT id, issue_key, time_spent_seconds, start_date, start_time, description,
               author_account_id, author_display_name, created_at
        FROM worklogs
        ORDER BY id DESC
        LIMIT @limit + 0 OFFSET @offset + 0
        """, "@limit", "@offset");

    /// <summary>A fresh worklog id: never handed out before, on any host, across restarts.</summary>
    public async Task<long> NextIdAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = database.Provider == StorageProvider.PostgreSql
            ? "SELECT nextval('worklog_ids')"
            : "UPDATE worklog_ids SET last_id = last_id + 1 WHERE name = 'worklog' RETURNING last_id";
        var id = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(id ?? throw new InvalidOperationException("The worklog id sequence is missing."), CultureInfo.InvariantCulture);
    }

    /// <summary>Inserts (or rewrites, with the same values) the listing row of a worklog.</summary>
    public async Task UpsertAsync(Worklog worklog)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO worklogs (id, issue_key, time_spent_seconds, start_date, start_time, description,
                                  author_account_id, author_display_name, created_at)
            VALUES (@id, @issue_key, @time_spent_seconds, @start_date, @start_time, @description,
                    @author_account_id, @author_display_name, @created_at)
            ON CONFLICT (id) DO UPDATE SET
                issue_key = excluded.issue_key, time_spent_seconds = excluded.time_spent_seconds,
                start_date = excluded.start_date, start_time = excluded.start_time,
                description = excluded.description, author_account_id = excluded.author_account_id,
                author_display_name = excluded.author_display_name, created_at = excluded.created_at
            """;
        command.AddParameter("@id", worklog.Id);
        command.AddParameter("@issue_key", worklog.IssueKey);
        command.AddParameter("@time_spent_seconds", worklog.TimeSpentSeconds);
        command.AddParameter("@start_date", worklog.StartDate.ToString(DateFormat, CultureInfo.InvariantCulture));
        command.AddParameter("@start_time", worklog.StartTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        command.AddParameter("@description", worklog.Description);
        command.AddParameter("@author_account_id", worklog.Author.AccountId);
        command.AddParameter("@author_display_name", worklog.Author.DisplayName);
        command.AddParameter("@created_at", worklog.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync();
    }

    public async Task DeleteAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM worklogs WHERE id = @id";
        command.AddParameter("@id", id);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Up to <paramref name="limit"/> worklogs, newest first, skipping <paramref name="offset"/>.</summary>
    /// <remarks>
    /// Newest is highest id: ids are handed out in the order worklogs are
    /// created, the primary key is the index, and the order is total, so pages
    /// never repeat or skip a row when two worklogs share a millisecond.
    /// </remarks>
    public Task<IReadOnlyList<Worklog>> ListAsync(long offset, int limit, CancellationToken cancellationToken = default) =>
        _page.ReadAsync<IReadOnlyList<Worklog>>([limit, offset], async (reader, token) =>
        {
            var page = new List<Worklog>(Math.Min(limit, 1024));
            while (await reader.ReadAsync(token))
            {
                page.Add(new Worklog(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetInt32(2),
                    DateOnly.ParseExact(reader.GetString(3), DateFormat, CultureInfo.InvariantCulture),
                    TimeOnly.ParseExact(reader.GetString(4), TimeFormat, CultureInfo.InvariantCulture),
                    reader.GetString(5),
                    new WorklogAuthor(reader.GetString(6), reader.GetString(7)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
            }

            return page;
        }, cancellationToken);

    public ValueTask DisposeAsync() => _page.DisposeAsync();
}
