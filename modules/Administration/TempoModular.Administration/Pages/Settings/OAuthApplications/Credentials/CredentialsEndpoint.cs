using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Credentials;

/// <summary><c>GET /api/admin/applications/{clientId}/credentials</c>.</summary>
internal static class CredentialsEndpoint
{
    public static void Map(RouteGroupBuilder applications) =>
        applications.MapGet("/{clientId}/credentials", RevealAsync)
            .WithName("GetCredentials").WithSummary("Client id and client secret (audited).")
            .Produces<CredentialsJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> RevealAsync(string clientId, ClaimsPrincipal user, IGrainFactory grains, RevealCredentials reveal) =>
        await grains.FindApplicationAsync(clientId) is { } application
        && await reveal.RevealAsync(application, Administrators.From(user, Administrator.ViaApi)) is { } credentials
            ? TypedResults.Ok(ApplicationJsonMapping.ToJson(credentials))
            : ApplicationJsonMapping.ApplicationNotFound();
}
