using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using TempoModular.Applications;

namespace TempoModular.Administration.Api;

/// <summary>A page (1-based) of a list.</summary>
internal sealed record PageJson<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

/// <summary>The admin API's problem details (RFC 9457), the same for every feature.</summary>
internal static class ApiResults
{
    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ValidationProblem ValidationProblem(IEnumerable<FieldError> errors) => TypedResults.ValidationProblem(
        errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
        title: "The request has errors; nothing was changed.");
}
