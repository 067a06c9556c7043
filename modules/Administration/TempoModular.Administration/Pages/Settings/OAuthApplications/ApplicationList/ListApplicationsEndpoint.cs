using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Api;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.ApplicationList;

internal sealed record ApplicationSummaryJson(
    string ClientId,
    string Name,
    string ClientType,
    IReadOnlyList<string> GrantTypes,
    int RedirectUrlCount,
    int ActiveTokens,
    DateTimeOffset CreatedAt);

/// <summary><c>GET /api/admin/applications</c> and <c>GET /api/admin/applications/{clientId}</c>.</summary>
internal static class ListApplicationsEndpoint
{
    public static void Map(RouteGroupBuilder applications)
    {
        applications.MapGet("", ListAsync)
            .WithName("ListApplications").WithSummary("A page of applications, sorted by name; filter matches name or client id.")
            .Produces<PageJson<ApplicationSummaryJson>>();
        applications.MapGet("/{clientId}", GetAsync)
            .WithName("GetApplication").WithSummary("One application (without its secret).")
            .Produces<ApplicationJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(ListApplications list, int? page, int? pageSize, string? filter)
    {
        var listing = await list.ListAsync(page ?? 1, pageSize ?? ApplicationGrains.DefaultPageSize, filter);
        return TypedResults.Ok(new PageJson<ApplicationSummaryJson>([.. listing.Items.Select(ToJson)], listing.Page, listing.PageSize, listing.TotalCount));
    }

    private static async Task<IResult> GetAsync(string clientId, IGrainFactory grains) =>
        await grains.FindApplicationAsync(clientId) is { } application
            ? TypedResults.Ok(ApplicationJsonMapping.ToJson(application))
            : ApplicationJsonMapping.ApplicationNotFound();

    private static ApplicationSummaryJson ToJson(ApplicationRow row) => new(
        row.Application.ClientId, row.Application.Name, ApplicationJsonMapping.ClientTypeName(row.Application.ClientType), row.Application.GrantTypes,
        row.Application.RedirectUrlCount, row.ActiveTokens, row.Application.CreatedAt);
}
