using TempoModular.Storage;

namespace TempoModular.Worklogs.Worklog;

/// <summary>
/// One worklog: its record in grain state, its row in the listing table. The
/// state is written first and the row second, and a delete removes the row
/// before the record, so whatever a failure leaves behind is a worklog that
/// can still be read and deleted by id, never a listed one that cannot.
/// </summary>
internal sealed class WorklogGrain(
    [PersistentState("worklog", StorageRegistration.GrainStorage)] IPersistentState<WorklogState> worklog,
    WorklogTable table,
    TimeProvider time) : Grain, IWorklogGrain
{
    private long Id => this.GetPrimaryKeyLong();

    private bool IsLive => worklog.RecordExists && !worklog.State.Deleted;

    public Task<Worklog?> GetAsync() => Task.FromResult(IsLive ? ToWorklog() : null);

    public async Task<Worklog> CreateAsync(NewWorklog input)
    {
        if (worklog.RecordExists)
        {
            // Ids come from a database sequence; a second create is a bug, not a retry.
            throw new InvalidOperationException($"Worklog {Id} already exists.");
        }

        if (WorklogRules.FirstError(input) is { } error)
        {
            throw new ArgumentException(error, nameof(input));
        }

        // Milliseconds: what the listing row keeps, so both read the same.
        var now = time.GetUtcNow();
        worklog.State = new WorklogState
        {
            IssueKey = input.IssueKey,
            TimeSpentSeconds = input.TimeSpentSeconds,
            StartDate = input.StartDate,
            StartTime = input.StartTime,
            Description = input.Description,
            AuthorAccountId = input.Author.AccountId,
            AuthorDisplayName = input.Author.DisplayName,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()),
        };
        await worklog.WriteStateAsync();

        var created = ToWorklog();
        try
        {
            await table.UpsertAsync(created);
        }
        catch
        {
            // The caller gets an error, so the worklog must not exist either;
            // its id is simply never used.
            worklog.State = new WorklogState { Deleted = true };
            await worklog.WriteStateAsync();
            throw;
        }

        return created;
    }

    public async Task<bool> DeleteAsync()
    {
        if (!IsLive)
        {
            return false;
        }

        await table.DeleteAsync(Id);
        worklog.State = new WorklogState { Deleted = true };
        await worklog.WriteStateAsync();
        return true;
    }

    private Worklog ToWorklog()
    {
        var s = worklog.State;
        return new Worklog(Id, s.IssueKey, s.TimeSpentSeconds, s.StartDate, s.StartTime, s.Description,
            new WorklogAuthor(s.AuthorAccountId, s.AuthorDisplayName), s.CreatedAt);
    }
}
