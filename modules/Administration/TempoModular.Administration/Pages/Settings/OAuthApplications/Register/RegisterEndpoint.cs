using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;
using TempoModular.Administration.Api;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Register;

/// <summary>A newly registered application with its credentials: the one response that carries the secret without a separate request.</summary>
internal sealed record CreatedApplicationJson(
    string ClientId,
    string? ClientSecret,
    string Name,
    IReadOnlyList<string> RedirectUrls,
    string ClientType,
    IReadOnlyList<string> GrantTypes,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    TokenLifetimesJson TokenLifetimes,
    bool RequirePkce);

/// <summary><c>POST /api/admin/applications</c>.</summary>
internal static class RegisterEndpoint
{
    public static void Map(RouteGroupBuilder applications) =>
        applications.MapPost("", RegisterAsync)
            .WithName("RegisterApplication").WithSummary("Registers an application; the response holds its client id and, for confidential clients, its client secret.")
            .WithMetadata(new JsonRequestBody(typeof(ApplicationRequest)))
            .Produces<CreatedApplicationJson>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> RegisterAsync(HttpRequest request, ClaimsPrincipal user, RegisterApplication register)
    {
        var (body, problem) = await ApplicationJsonMapping.ReadAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var (lifetimes, unknownLifetimes) = ApplicationJsonMapping.ReadLifetimes(body!.TokenLifetimes);
        if (unknownLifetimes.Count > 0)
        {
            return ApiResults.ValidationProblem(unknownLifetimes);
        }

        var registration = new ApplicationRegistration(
            body.Name!, ApplicationJsonMapping.Values(body.RedirectUrls), ApplicationJsonMapping.ParseClientType(body.ClientType), ApplicationJsonMapping.Values(body.GrantTypes), lifetimes, body.RequirePkce);
        var result = await register.RegisterAsync(registration, Administrators.From(user, Administrator.ViaApi));
        if (!result.Succeeded)
        {
            return ApplicationJsonMapping.Refusal(result.Errors);
        }

        var created = result.Value!.Application;
        return TypedResults.Created(
            $"{AdminApi.BasePath}/applications/{Uri.EscapeDataString(created.ClientId)}",
            new CreatedApplicationJson(created.ClientId, result.Value.ClientSecret, created.Name, created.RedirectUrls,
                ApplicationJsonMapping.ClientTypeName(created.ClientType), created.GrantTypes, created.CreatedAt, Display.UserName(created.CreatedBy), ApplicationJsonMapping.ToJson(created.TokenLifetimes), created.RequirePkce));
    }
}
