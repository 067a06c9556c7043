using System.Globalization;
using System.Text.Json;
using TempoModular.Worklogs.Worklog;

namespace TempoModular.Worklogs.Create;

/// <summary>
/// Reads the body of <c>POST /4/worklogs</c> by hand rather than through model
/// binding: every refused field gets its own error naming it, a wrong type is a
/// 400 like any other mistake (never a 500), and unknown properties are ignored.
/// </summary>
internal static class WorklogRequest
{
    /// <summary>A worklog is a few hundred bytes; 64 KiB leaves room for a 4000-character description in any script.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const string IssueKey = "issueKey";
    public const string TimeSpentSeconds = "timeSpentSeconds";
    public const string StartDate = "startDate";
    public const string StartTime = "startTime";
    public const string Description = "description";

    /// <summary>The fields of a new worklog, or the errors; the author comes from the token, not the body.</summary>
    public static (NewWorklog? Worklog, IReadOnlyList<ApiError> Errors) Parse(ReadOnlyMemory<byte> body, WorklogAuthor author)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return (null, [new ApiError("body", "The request body is not valid JSON: " + ex.Message)]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, [new ApiError("body", "The request body must be a JSON object.")]);
            }

            // Property names match ignoring case, like ASP.NET Core's own JSON binding;
            // a repeated property counts with its last value.
            var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }

            var errors = new List<ApiError>();
            var issueKey = ReadIssueKey(fields, errors);
            var seconds = ReadTimeSpentSeconds(fields, errors);
            var startDate = ReadStartDate(fields, errors);
            var startTime = ReadStartTime(fields, errors);
            var description = ReadDescription(fields, errors);
            return errors.Count > 0
                ? (null, errors)
                : (new NewWorklog(issueKey!, seconds, startDate, startTime, description!, author), errors);
        }
    }

    private static string? ReadIssueKey(Dictionary<string, JsonElement> fields, List<ApiError> errors)
    {
        if (!TryGetString(fields, IssueKey, errors, required: true, out var value))
        {
            return null;
        }

        var issueKey = value!.Trim();
        return Refuse(errors, IssueKey, WorklogRules.IssueKey(issueKey)) ? null : issueKey;
    }

    private static int ReadTimeSpentSeconds(Dictionary<string, JsonElement> fields, List<ApiError> errors)
    {
        if (!fields.TryGetValue(TimeSpentSeconds, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new ApiError(TimeSpentSeconds, "The time spent (in seconds) is required."));
            return 0;
        }

        // TryGetInt32 refuses fractions, exponents and anything beyond int, which
        // all are outside 1..86400 anyway.
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var seconds))
        {
            errors.Add(new ApiError(TimeSpentSeconds, WorklogRules.TimeSpentSeconds(0)!));
            return 0;
        }

        Refuse(errors, TimeSpentSeconds, WorklogRules.TimeSpentSeconds(seconds));
        return seconds;
    }

    private static DateOnly ReadStartDate(Dictionary<string, JsonElement> fields, List<ApiError> errors)
    {
        if (!TryGetString(fields, StartDate, errors, required: true, out var value))
        {
            return default;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(new ApiError(StartDate, "The start date must be a date in the form yyyy-MM-dd, e.g. 2026-11-30."));
        return default;
    }

    private static TimeOnly ReadStartTime(Dictionary<string, JsonElement> fields, List<ApiError> errors)
    {
        if (!TryGetString(fields, StartTime, errors, required: false, out var value) || value is null)
        {
            return TimeOnly.MinValue;
        }

        if (TimeOnly.TryParseExact(value, "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors.Add(new ApiError(StartTime, "The start time must be a time of day in the form HH:mm:ss, e.g. 09:30:00."));
        return default;
    }

    private static string? ReadDescription(Dictionary<string, JsonElement> fields, List<ApiError> errors)
    {
        if (!TryGetString(fields, Description, errors, required: false, out var value))
        {
            return null;
        }

        var description = value ?? "";
        return Refuse(errors, Description, WorklogRules.Description(description)) ? null : description;
    }

    /// <summary>
    /// The field as a string: false (with an error) when it is required and
    /// missing, or not a string; true with null when it is optional and absent.
    /// </summary>
    private static bool TryGetString(Dictionary<string, JsonElement> fields, string field, List<ApiError> errors, bool required, out string? value)
    {
        value = null;
        if (!fields.TryGetValue(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new ApiError(field, $"The field {field} is required."));
                return false;
            }

            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ApiError(field, $"The field {field} must be a string."));
            return false;
        }

        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 inside the string: the reader accepts it, decoding does not.
            errors.Add(new ApiError(field, $"The field {field} is not valid UTF-8 text."));
            return false;
        }
    }

    private static bool Refuse(List<ApiError> errors, string field, string? message)
    {
        if (message is null)
        {
            return false;
        }

        errors.Add(new ApiError(field, message));
        return true;
    }
}
