namespace TempoModular.Worklogs.Worklog;

/// <summary>One worklog, keyed by its numeric id (from <see cref="WorklogTable.NextIdAsync"/>).</summary>
internal interface IWorklogGrain : IGrainWithIntegerKey
{
    /// <summary>The worklog, or null when it was never created or is deleted.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<Worklog?> GetAsync();

    /// <summary>Stores the worklog and its listing row; the id must be fresh.</summary>
    Task<Worklog> CreateAsync(NewWorklog worklog);

    /// <summary>Removes the worklog from the listing and from storage; false when there is none.</summary>
    Task<bool> DeleteAsync();
}
