using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Delete;

/// <summary><c>DELETE /api/admin/applications/{clientId}</c>.</summary>
internal static class DeleteEndpoint
{
    public static void Map(RouteGroupBuilder applications) =>
        applications.MapDelete("/{clientId}", DeleteAsync)
            .WithName("DeleteApplication").WithSummary("Deletes the application: its credentials and every token issued to it stop working at once.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> DeleteAsync(string clientId, ClaimsPrincipal user, DeleteApplication delete)
    {
        var result = await delete.DeleteAsync(clientId, Administrators.From(user, Administrator.ViaApi));
        return result.Succeeded ? TypedResults.NoContent() : ApplicationJsonMapping.Refusal(result.Errors);
    }
}
