using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TempoModular.Worklogs.Worklog;

namespace TempoModular.Worklogs.List;

/// <summary><c>GET /4/worklogs?offset=&amp;limit=</c> (scope read): worklogs newest first, a page at a time, like Tempo's.</summary>
internal static class ListWorklogs
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public static async Task<IResult> HandleAsync(HttpRequest request, WorklogTable table, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        var offset = ReadNumber(request.Query["offset"], "offset", 0, 0, int.MaxValue, errors);
        var limit = ReadNumber(request.Query["limit"], "limit", DefaultLimit, 1, MaxLimit, errors);
        if (errors.Count > 0)
        {
            return WorklogRepresentation.BadRequest(errors);
        }

        // One more than asked tells whether a next page exists without counting.
        var rows = await table.ListAsync(offset, limit + 1, cancellationToken);
        var results = rows.Take(limit).Select(w => WorklogRepresentation.ToJson(w, request)).ToList();
        var metadata = new PageMetadata(
            results.Count,
            offset,
            limit,
            rows.Count > limit ? PageLink(request, offset + limit, limit) : null,
            offset > 0 ? PageLink(request, Math.Max(0, offset - limit), limit) : null);
        return WorklogRepresentation.Ok(new PageJson(PageLink(request, offset, limit), metadata, results));
    }

    private static int ReadNumber(StringValues values, string name, int fallback, int min, int max, List<ApiError> errors)
    {
        if (StringValues.IsNullOrEmpty(values))
        {
            return fallback;
        }

        if (values.Count == 1
            && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(new ApiError(name, $"{name} must be a whole number from {min} to {max}."));
        return fallback;
    }

    private static string PageLink(HttpRequest request, long offset, int limit) =>
        WorklogRepresentation.Link(request, WorklogRepresentation.BasePath, QueryString.Create(
        [
            new KeyValuePair<string, string?>("offset", offset.ToString(CultureInfo.InvariantCulture)),
            new KeyValuePair<string, string?>("limit", limit.ToString(CultureInfo.InvariantCulture)),
        ]));
}

internal sealed record PageJson(string Self, PageMetadata Metadata, IReadOnlyList<WorklogJson> Results);

/// <summary>Tempo's paging metadata: <see cref="Count"/> is the number of results on this page.</summary>
internal sealed record PageMetadata(int Count, long Offset, int Limit, string? Next, string? Previous);
