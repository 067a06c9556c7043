namespace TempoModular.Worklogs.Worklog;

/// <summary>
/// What is stored for one worklog. The ids and the alias are the stored format:
/// add members with new ids; never reuse an id, change a member's type or drop
/// the alias (it is what lets the class be renamed or moved).
/// </summary>
[GenerateSerializer, Alias("tempo.worklogs.worklog-state.v1")]
internal sealed class WorklogState
{
    [Id(0)] public string IssueKey { get; set; } = "";

    [Id(1)] public int TimeSpentSeconds { get; set; }

    [Id(2)] public DateOnly StartDate { get; set; }

    [Id(3)] public TimeOnly StartTime { get; set; }

    [Id(4)] public string Description { get; set; } = "";

    [Id(5)] public string AuthorAccountId { get; set; } = "";

    [Id(6)] public string AuthorDisplayName { get; set; } = "";

    [Id(7)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// A deleted worklog stays as a tombstone without its data: a second delete
    /// answers 404, and the state says so on its own, whatever the storage
    /// provider does with cleared records.
    /// </summary>
    [Id(8)] public bool Deleted { get; set; }
}
