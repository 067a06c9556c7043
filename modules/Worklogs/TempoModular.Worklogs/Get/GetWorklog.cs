using Microsoft.AspNetCore.Http;
using TempoModular.Worklogs.Worklog;

namespace TempoModular.Worklogs.Get;

/// <summary><c>GET /4/worklogs/{id}</c> (scope read): one worklog, from its grain.</summary>
internal static class GetWorklog
{
    public static async Task<IResult> HandleAsync(string id, HttpRequest request, IGrainFactory grains)
    {
        // Ids are positive; anything else cannot name a worklog, and must not
        // activate a grain either.
        if (!WorklogIds.TryParse(id, out var worklogId))
        {
            return WorklogRepresentation.NotFound();
        }

        var worklog = await grains.GetGrain<IWorklogGrain>(worklogId).GetAsync();
        return worklog is null ? WorklogRepresentation.NotFound() : WorklogRepresentation.Ok(WorklogRepresentation.ToJson(worklog, request));
    }
}
