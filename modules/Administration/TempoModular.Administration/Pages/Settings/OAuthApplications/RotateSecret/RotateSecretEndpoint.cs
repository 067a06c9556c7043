using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.RotateSecret;

/// <summary><c>POST /api/admin/applications/{clientId}/rotate-secret</c>.</summary>
internal static class RotateSecretEndpoint
{
    public static void Map(RouteGroupBuilder applications) =>
        applications.MapPost("/{clientId}/rotate-secret", RotateAsync)
            .WithName("RotateClientSecret").WithSummary("Issues a new client secret; the previous one keeps working until previousSecretValidUntil.")
            .Produces<CredentialsJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> RotateAsync(string clientId, ClaimsPrincipal user, IGrainFactory grains, RotateClientSecret rotate)
    {
        if (await grains.FindApplicationAsync(clientId) is not { } application)
        {
            return ApplicationJsonMapping.ApplicationNotFound();
        }

        var result = await rotate.RotateAsync(application, Administrators.From(user, Administrator.ViaApi));
        return result.Succeeded ? TypedResults.Ok(ApplicationJsonMapping.ToJson(result.Value!)) : ApplicationJsonMapping.Refusal(result.Errors);
    }
}
