using Microsoft.AspNetCore.Http;
using TempoModular.Worklogs.Access;
using TempoModular.Worklogs.Worklog;

namespace TempoModular.Worklogs.Create;

/// <summary><c>POST /4/worklogs</c> (scope write): logs time, authored by the caller; 201 with Location.</summary>
internal static class CreateWorklog
{
    public static async Task<IResult> HandleAsync(HttpContext context, IGrainFactory grains, WorklogTable table)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return WorklogRepresentation.Error(StatusCodes.Status415UnsupportedMediaType, "Content-Type", "The request body must be JSON (Content-Type: application/json).");
        }

        var body = await ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            return WorklogRepresentation.Error(StatusCodes.Status413PayloadTooLarge, "body", $"The request body can be at most {WorklogRequest.MaxBodyBytes} bytes.");
        }

        var author = await ApiCaller.AuthorAsync(context.User, grains);
        var (worklog, errors) = WorklogRequest.Parse(body.Value, author);
        if (worklog is null)
        {
            return WorklogRepresentation.BadRequest(errors);
        }

        // The id is taken only once the input is valid, so refused requests leave no trace.
        var id = await table.NextIdAsync(context.RequestAborted);
        var created = await grains.GetGrain<IWorklogGrain>(id).CreateAsync(worklog);

        var json = WorklogRepresentation.ToJson(created, request);
        context.Response.Headers.Location = json.Self;
        return Results.Json(json, WorklogRepresentation.Json, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The body, or null when it is larger than <see cref="WorklogRequest.MaxBodyBytes"/>; reading stops there.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > WorklogRequest.MaxBodyBytes)
        {
            return null;
        }

        var buffer = new byte[WorklogRequest.MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        // Not "? null : memory": null would convert to an empty Memory through byte[].
        if (length > WorklogRequest.MaxBodyBytes)
        {
            return null;
        }

        return buffer.AsMemory(0, length);
    }
}
