using System.Text.RegularExpressions;

namespace TempoModular.Worklogs.Worklog;

/// <summary>What a worklog's fields must look like; each check returns the message for a person, or null.</summary>
internal static partial class WorklogRules
{
    public const int MaxTimeSpentSeconds = 24 * 60 * 60;

    public const int MaxDescriptionLength = 4000;

    // Jira caps keys at 255 characters; the listing column is sized for it.
    public const int MaxIssueKeyLength = 255;

    public static string? IssueKey(string issueKey)
    {
        if (string.IsNullOrWhiteSpace(issueKey))
        {
            return "The issue key is required.";
        }

        return issueKey.Length <= MaxIssueKeyLength && IssueKeyPattern().IsMatch(issueKey)
            ? null
            : "The issue key must look like ABC-123: a project key in capitals, a hyphen and the issue number.";
    }

    public static string? TimeSpentSeconds(int seconds) =>
        seconds is >= 1 and <= MaxTimeSpentSeconds ? null : $"The time spent must be a whole number of seconds from 1 to {MaxTimeSpentSeconds} (24 hours).";

    public static string? Description(string description) =>
        description.Length <= MaxDescriptionLength ? null : $"The description can be at most {MaxDescriptionLength} characters long.";

    /// <summary>The first broken rule of an already parsed worklog, or null.</summary>
    public static string? FirstError(NewWorklog worklog) =>
        IssueKey(worklog.IssueKey)
        ?? TimeSpentSeconds(worklog.TimeSpentSeconds)
        ?? Description(worklog.Description)
        ?? (string.IsNullOrEmpty(worklog.Author.AccountId) ? "The author is required." : null);

    // \z, not $: $ also matches before a trailing newline.
    [GeneratedRegex(@"^[A-Z][A-Z0-9_]+-[1-9][0-9]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IssueKeyPattern();
}
