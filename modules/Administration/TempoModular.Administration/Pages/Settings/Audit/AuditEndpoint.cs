using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Api;

namespace TempoModular.Administration.Pages.Settings.Audit;

internal sealed record AuditEntryJson(
    long Id,
    DateTimeOffset OccurredAt,
    string Actor,
    string ActorName,
    string Via,
    string Action,
    string ClientId,
    string ApplicationName,
    string? Details);

/// <summary><c>GET /api/admin/audit</c>.</summary>
internal static class AuditEndpoint
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", ReadAsync)
            .WithTags("Audit log").WithName("ReadAuditLog").WithSummary("Who did what to which application, newest first; clientId narrows it to one application.")
            .Produces<PageJson<AuditEntryJson>>();

    private static async Task<IResult> ReadAsync(AuditLog audit, int? page, int? pageSize, string? clientId)
    {
        var entries = await audit.ReadAsync(page ?? 1, Math.Min(pageSize ?? 50, AuditLog.MaxPageSize), clientId);
        return TypedResults.Ok(new PageJson<AuditEntryJson>(
            [.. entries.Items.Select(e => new AuditEntryJson(e.Id, e.OccurredAt, Display.UserName(e.Actor), e.ActorName, e.Via, e.Action, e.ClientId, e.ApplicationName, e.Details))],
            entries.Page, entries.PageSize, entries.TotalCount));
    }
}
