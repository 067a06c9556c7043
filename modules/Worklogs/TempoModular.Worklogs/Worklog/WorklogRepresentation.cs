using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace TempoModular.Worklogs.Worklog;

/// <summary>The JSON of the worklog API, shaped like Tempo's REST API v4 (camelCase, absolute "self" links).</summary>
internal static class WorklogRepresentation
{
    public const string BasePath = "/4/worklogs";

    // Our own options rather than the host's: the API's wire format must not
    // change because another module tunes the site-wide JSON settings.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static WorklogJson ToJson(Worklog worklog, HttpRequest request) => new(
        Link(request, $"{BasePath}/{worklog.Id.ToString(CultureInfo.InvariantCulture)}"),
        worklog.Id,
        worklog.IssueKey,
        worklog.TimeSpentSeconds,
        worklog.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        worklog.StartTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        worklog.Description,
        new AuthorJson(worklog.Author.AccountId, worklog.Author.DisplayName),
        // Tempo's format: UTC, whole seconds.
        worklog.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    /// <summary>An absolute link on the host the client called.</summary>
    public static string Link(HttpRequest request, string path, QueryString query = default) =>
        UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, path, query);

    public static IResult Ok(object body) => Results.Json(body, Json);

    /// <summary>400 with every refused field: <c>{ "errors": [ { "field", "message" } ] }</c>.</summary>
    public static IResult BadRequest(IReadOnlyList<ApiError> errors) => Results.Json(new ErrorsJson(errors), Json, statusCode: StatusCodes.Status400BadRequest);

    public static IResult Error(int status, string? field, string message) => Results.Json(new ErrorsJson([new ApiError(field, message)]), Json, statusCode: status);

    public static IResult NotFound() => Error(StatusCodes.Status404NotFound, "id", "No worklog has this id.");
}

internal sealed record WorklogJson(
    string Self,
    long Id,
    string IssueKey,
    int TimeSpentSeconds,
    string StartDate,
    string StartTime,
    string Description,
    AuthorJson Author,
    string CreatedAt);

internal sealed record AuthorJson(string AccountId, string DisplayName);

/// <summary>Why a request was refused; <see cref="Field"/> names the body field or query parameter, when there is one.</summary>
internal sealed record ApiError(string? Field, string Message);

internal sealed record ErrorsJson(IReadOnlyList<ApiError> Errors);
