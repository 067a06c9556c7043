using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;
using TempoModular.Administration.Applications;
using TempoModular.Administration.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Api;

/// <summary>
/// The JSON admin API under <c>/api/admin/</c>: what the settings pages do, for
/// scripts and automation, through the same <see cref="ApplicationAdministration"/>.
/// </summary>
internal static class AdminApi
{
    public const string BasePath = "/api/admin";

    /// <summary>Bodies are a name and a few URLs; nothing legitimate comes near this.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(BasePath)
            .RequireAuthorization(Administrators.ApiPolicy)
            .AddEndpointFilter<RequestForgeryFilter>()
            .AddEndpointFilter(static (context, next) =>
            {
                // Responses carry client secrets; no cache keeps a copy.
                context.HttpContext.Response.Headers.CacheControl = "no-store";
                return next(context);
            })
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var applications = api.MapGroup("/applications").WithTags("Applications");
        applications.MapGet("", ListAsync)
            .WithName("ListApplications").WithSummary("A page of applications, sorted by name; filter matches name or client id.")
            .Produces<PageJson<ApplicationSummaryJson>>();
        applications.MapPost("", RegisterAsync)
            .WithName("RegisterApplication").WithSummary("Registers an application; the response holds its client id and, for confidential clients, its client secret.")
            .WithMetadata(new JsonRequestBody(typeof(ApplicationRequest)))
            .Produces<CreatedApplicationJson>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        applications.MapGet("/{clientId}", GetAsync)
            .WithName("GetApplication").WithSummary("One application (without its secret).")
            .Produces<ApplicationJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapPut("/{clientId}", UpdateAsync)
            .WithName("UpdateApplication").WithSummary("Replaces name, redirect URLs, grant types and, when given, token lifetimes; the client type is fixed at registration.")
            .WithMetadata(new JsonRequestBody(typeof(ApplicationRequest)))
            .Produces<ApplicationJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        applications.MapDelete("/{clientId}", DeleteAsync)
            .WithName("DeleteApplication").WithSummary("Deletes the application: its credentials and every token issued to it stop working at once.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapPost("/{clientId}/rotate-secret", RotateSecretAsync)
            .WithName("RotateClientSecret").WithSummary("Issues a new client secret; the previous one keeps working until previousSecretValidUntil.")
            .Produces<CredentialsJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapGet("/{clientId}/credentials", RevealCredentialsAsync)
            .WithName("GetCredentials").WithSummary("Client id and client secret (audited).")
            .Produces<CredentialsJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        applications.MapGet("/{clientId}/grants", ListGrantsAsync)
            .WithTags("Grants and tokens").WithName("ListGrants").WithSummary("What users authorized the application to do, newest first.")
            .Produces<PageJson<GrantJson>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapDelete("/{clientId}/grants/{subject}", RevokeGrantsAsync)
            .WithTags("Grants and tokens").WithName("RevokeGrants").WithSummary("Revokes every grant the user gave the application, and the tokens issued under them.")
            .Produces<RevocationJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapGet("/{clientId}/tokens", ListTokensAsync)
            .WithTags("Grants and tokens").WithName("ListTokens").WithSummary("The application's active tokens, newest first.")
            .Produces<PageJson<TokenJson>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapDelete("/{clientId}/tokens/{tokenId}", RevokeTokenAsync)
            .WithTags("Grants and tokens").WithName("RevokeToken").WithSummary("Revokes one active token.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapDelete("/{clientId}/tokens", RevokeAllTokensAsync)
            .WithTags("Grants and tokens").WithName("RevokeAllTokens").WithSummary("Revokes every token issued to the application so far.")
            .Produces<RevocationJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/audit", ReadAuditAsync)
            .WithTags("Audit log").WithName("ReadAuditLog").WithSummary("Who did what to which application, newest first; clientId narrows it to one application.")
            .Produces<PageJson<AuditEntryJson>>();
        return endpoints;
    }

    private static async Task<IResult> ListAsync(ApplicationAdministration administration, int? page, int? pageSize, string? filter)
    {
        var listing = await administration.ListAsync(page ?? 1, pageSize ?? ApplicationAdministration.DefaultPageSize, filter);
        return TypedResults.Ok(new PageJson<ApplicationSummaryJson>([.. listing.Items.Select(ApiResults.ToJson)], listing.Page, listing.PageSize, listing.TotalCount));
    }

    private static async Task<IResult> RegisterAsync(HttpRequest request, ClaimsPrincipal user, ApplicationAdministration administration)
    {
        var (body, problem) = await ApiResults.ReadAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var (lifetimes, unknownLifetimes) = ApiResults.ReadLifetimes(body!.TokenLifetimes);
        if (unknownLifetimes.Count > 0)
        {
            return ApiResults.ValidationProblem(unknownLifetimes);
        }

        var registration = new ApplicationRegistration(
            body.Name!, ApiResults.Values(body.RedirectUrls), ApiResults.ParseClientType(body.ClientType), ApiResults.Values(body.GrantTypes), lifetimes, body.RequirePkce);
        var result = await administration.RegisterAsync(registration, Administrators.From(user, Administrator.ViaApi));
        if (!result.Succeeded)
        {
            return ApiResults.Refusal(result.Errors);
        }

        var credentials = result.Value!;
        var created = await administration.GetAsync(credentials.ClientId)
            ?? throw new InvalidOperationException($"Application {credentials.ClientId} vanished right after it was registered.");
        return TypedResults.Created(
            $"{BasePath}/applications/{Uri.EscapeDataString(created.ClientId)}",
            new CreatedApplicationJson(created.ClientId, credentials.ClientSecret, created.Name, created.RedirectUrls,
                ApiResults.ClientTypeName(created.ClientType), created.GrantTypes, created.CreatedAt, created.CreatedBy, ApiResults.ToJson(created.TokenLifetimes), created.RequirePkce));
    }

    private static async Task<IResult> GetAsync(string clientId, ApplicationAdministration administration) =>
        await administration.GetAsync(clientId) is { } application
            ? TypedResults.Ok(ApiResults.ToJson(application))
            : ApiResults.ApplicationNotFound();

    private static async Task<IResult> UpdateAsync(string clientId, HttpRequest request, ClaimsPrincipal user, ApplicationAdministration administration)
    {
        var (body, problem) = await ApiResults.ReadAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        if (await administration.GetAsync(clientId) is not { } current)
        {
            return ApiResults.ApplicationNotFound();
        }

        // The registry's update has no client type; saying nothing about a
        // different one would let a script believe it had changed it.
        if (body!.ClientType is not null && ApiResults.ParseClientType(body.ClientType) != current.ClientType)
        {
            return ApiResults.ValidationProblem([new FieldError("clientType", "The client type is fixed at registration; register a new application to change it.")]);
        }

        var (lifetimes, unknownLifetimes) = ApiResults.ReadLifetimes(body.TokenLifetimes);
        if (unknownLifetimes.Count > 0)
        {
            return ApiResults.ValidationProblem(unknownLifetimes);
        }

        // Null lifetimes (none in the body) keep the application's current ones.
        var result = await administration.UpdateAsync(
            clientId, new ApplicationUpdate(body.Name!, ApiResults.Values(body.RedirectUrls), ApiResults.Values(body.GrantTypes), lifetimes, body.RequirePkce),
            Administrators.From(user, Administrator.ViaApi));
        return result.Succeeded ? TypedResults.Ok(ApiResults.ToJson(result.Value!)) : ApiResults.Refusal(result.Errors);
    }

    private static async Task<IResult> DeleteAsync(string clientId, ClaimsPrincipal user, ApplicationAdministration administration)
    {
        var result = await administration.DeleteAsync(clientId, Administrators.From(user, Administrator.ViaApi));
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.Refusal(result.Errors);
    }

    private static async Task<IResult> RotateSecretAsync(string clientId, ClaimsPrincipal user, ApplicationAdministration administration)
    {
        var result = await administration.RotateSecretAsync(clientId, Administrators.From(user, Administrator.ViaApi));
        return result.Succeeded ? TypedResults.Ok(ApiResults.ToJson(result.Value!)) : ApiResults.Refusal(result.Errors);
    }

    private static async Task<IResult> RevealCredentialsAsync(string clientId, ClaimsPrincipal user, ApplicationAdministration administration) =>
        await administration.RevealCredentialsAsync(clientId, Administrators.From(user, Administrator.ViaApi)) is { } credentials
            ? TypedResults.Ok(ApiResults.ToJson(credentials))
            : ApiResults.ApplicationNotFound();

    private static async Task<IResult> ListGrantsAsync(string clientId, ApplicationAdministration administration, int? page, int? pageSize)
    {
        if (await administration.ListGrantsAsync(clientId) is not { } grants)
        {
            return ApiResults.ApplicationNotFound();
        }

        var (p, size) = (Math.Max(page ?? 1, 1), Math.Clamp(pageSize ?? ApplicationAdministration.DefaultPageSize, 1, ApplicationAdministration.MaxPageSize));
        return TypedResults.Ok(new PageJson<GrantJson>([.. grants.Skip((p - 1) * size).Take(size).Select(ApiResults.ToJson)], p, size, grants.Count));
    }

    private static async Task<IResult> RevokeGrantsAsync(string clientId, string subject, ClaimsPrincipal user, ApplicationAdministration administration)
    {
        var revocation = await administration.RevokeGrantsAsync(clientId, subject, Administrators.From(user, Administrator.ViaApi));
        return revocation.Outcome switch
        {
            RevocationOutcome.Revoked => TypedResults.Ok(new RevocationJson(revocation.Grants, revocation.Tokens)),
            RevocationOutcome.NoSuchApplication => ApiResults.ApplicationNotFound(),
            _ => ApiResults.Problem(StatusCodes.Status404NotFound, "Grant not found", "This user has no valid grant for the application."),
        };
    }

    private static async Task<IResult> ListTokensAsync(string clientId, ApplicationAdministration administration, int? page, int? pageSize) =>
        await administration.ListTokensAsync(clientId, page ?? 1, pageSize ?? ApplicationAdministration.DefaultPageSize) is { } tokens
            ? TypedResults.Ok(new PageJson<TokenJson>([.. tokens.Items.Select(ApiResults.ToJson)], tokens.Page, tokens.PageSize, tokens.TotalCount))
            : ApiResults.ApplicationNotFound();

    private static async Task<IResult> RevokeTokenAsync(string clientId, string tokenId, ClaimsPrincipal user, ApplicationAdministration administration)
    {
        var revocation = await administration.RevokeTokenAsync(clientId, tokenId, Administrators.From(user, Administrator.ViaApi));
        return revocation.Outcome switch
        {
            RevocationOutcome.Revoked => TypedResults.NoContent(),
            RevocationOutcome.NoSuchApplication => ApiResults.ApplicationNotFound(),
            _ => ApiResults.Problem(StatusCodes.Status404NotFound, "Token not found", "The application has no active token with this id."),
        };
    }

    private static async Task<IResult> RevokeAllTokensAsync(string clientId, ClaimsPrincipal user, ApplicationAdministration administration)
    {
        var revocation = await administration.RevokeAllTokensAsync(clientId, Administrators.From(user, Administrator.ViaApi));
        return revocation.Outcome == RevocationOutcome.Revoked
            ? TypedResults.Ok(new RevocationJson(revocation.Grants, revocation.Tokens))
            : ApiResults.ApplicationNotFound();
    }

    private static async Task<IResult> ReadAuditAsync(AuditLog audit, int? page, int? pageSize, string? clientId)
    {
        var entries = await audit.ReadAsync(page ?? 1, Math.Min(pageSize ?? 50, AuditLog.MaxPageSize), clientId);
        return TypedResults.Ok(new PageJson<AuditEntryJson>([.. entries.Items.Select(ApiResults.ToJson)], entries.Page, entries.PageSize, entries.TotalCount));
    }
}
