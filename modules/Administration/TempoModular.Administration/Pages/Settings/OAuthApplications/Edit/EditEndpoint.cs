using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;
using TempoModular.Administration.Api;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Edit;

/// <summary><c>PUT /api/admin/applications/{clientId}</c>.</summary>
internal static class EditEndpoint
{
    public static void Map(RouteGroupBuilder applications) =>
        applications.MapPut("/{clientId}", UpdateAsync)
            .WithName("UpdateApplication").WithSummary("Replaces name, redirect URLs, grant types and, when given, token lifetimes; the client type is fixed at registration.")
            .WithMetadata(new JsonRequestBody(typeof(ApplicationRequest)))
            .Produces<ApplicationJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> UpdateAsync(string clientId, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, EditApplication edit)
    {
        var (body, problem) = await ApplicationJsonMapping.ReadAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        if (await grains.FindApplicationAsync(clientId) is not { } current)
        {
            return ApplicationJsonMapping.ApplicationNotFound();
        }

        // The registry's update has no client type; saying nothing about a
        // different one would let a script believe it had changed it.
        if (body!.ClientType is not null && ApplicationJsonMapping.ParseClientType(body.ClientType) != current.ClientType)
        {
            return ApiResults.ValidationProblem([new FieldError("clientType", "The client type is fixed at registration; register a new application to change it.")]);
        }

        var (lifetimes, unknownLifetimes) = ApplicationJsonMapping.ReadLifetimes(body.TokenLifetimes);
        if (unknownLifetimes.Count > 0)
        {
            return ApiResults.ValidationProblem(unknownLifetimes);
        }

        // Null lifetimes (none in the body) keep the application's current ones.
        var result = await edit.UpdateAsync(
            current,
            new ApplicationUpdate(body.Name!, ApplicationJsonMapping.Values(body.RedirectUrls), ApplicationJsonMapping.Values(body.GrantTypes), lifetimes, body.RequirePkce),
            Administrators.From(user, Administrator.ViaApi));
        return result.Succeeded ? TypedResults.Ok(ApplicationJsonMapping.ToJson(result.Value!)) : ApplicationJsonMapping.Refusal(result.Errors);
    }
}
