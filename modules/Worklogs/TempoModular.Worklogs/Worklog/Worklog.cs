namespace TempoModular.Worklogs.Worklog;

/// <summary>Time logged against a Jira issue, as the API returns it.</summary>
[GenerateSerializer, Immutable]
internal sealed record Worklog(
    [property: Id(0)] long Id,
    [property: Id(1)] string IssueKey,
    [property: Id(2)] int TimeSpentSeconds,
    [property: Id(3)] DateOnly StartDate,
    [property: Id(4)] TimeOnly StartTime,
    [property: Id(5)] string Description,
    [property: Id(6)] WorklogAuthor Author,
    [property: Id(7)] DateTimeOffset CreatedAt);

/// <summary>Who logged the time: a user (their user name and display name) or, for client-credentials tokens, the application (client id and name).</summary>
[GenerateSerializer, Immutable]
internal sealed record WorklogAuthor(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string DisplayName);

/// <summary>A validated request to log time; the grain adds its id and creation time.</summary>
[GenerateSerializer, Immutable]
internal sealed record NewWorklog(
    [property: Id(0)] string IssueKey,
    [property: Id(1)] int TimeSpentSeconds,
    [property: Id(2)] DateOnly StartDate,
    [property: Id(3)] TimeOnly StartTime,
    [property: Id(4)] string Description,
    [property: Id(5)] WorklogAuthor Author);
