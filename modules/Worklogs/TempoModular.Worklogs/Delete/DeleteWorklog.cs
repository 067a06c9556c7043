using Microsoft.AspNetCore.Http;
using TempoModular.Worklogs.Worklog;

namespace TempoModular.Worklogs.Delete;

/// <summary><c>DELETE /4/worklogs/{id}</c> (scope write): 204, or 404 when there is no such worklog.</summary>
internal static class DeleteWorklog
{
    public static async Task<IResult> HandleAsync(string id, IGrainFactory grains)
    {
        if (!WorklogIds.TryParse(id, out var worklogId))
        {
            return WorklogRepresentation.NotFound();
        }

        return await grains.GetGrain<IWorklogGrain>(worklogId).DeleteAsync()
            ? Results.NoContent()
            : WorklogRepresentation.NotFound();
    }
}
