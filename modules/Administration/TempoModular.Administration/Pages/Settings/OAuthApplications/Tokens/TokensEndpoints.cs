using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;
using TempoModular.Administration.Api;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Tokens;

/// <summary>What a user authorized the application to do.</summary>
internal sealed record GrantJson(string Id, string? Subject, string Type, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt);

/// <summary>An active token and what it grants; scopes are empty only for a token recorded before tokens recorded them, outside a grant.</summary>
internal sealed record TokenJson(string Id, string Type, string? Subject, IReadOnlyList<string> Scopes, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);

internal sealed record RevocationJson(long RevokedGrants, long RevokedTokens);

/// <summary>The grants and tokens of an application under <c>/api/admin/applications/{clientId}/</c>.</summary>
internal static class TokensEndpoints
{
    public static void Map(RouteGroupBuilder applications)
    {
        var tokens = applications.MapGroup("/{clientId}").WithTags("Grants and tokens");
        tokens.MapGet("/grants", ListGrantsAsync)
            .WithName("ListGrants").WithSummary("What users authorized the application to do, newest first.")
            .Produces<PageJson<GrantJson>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapDelete("/grants/{subject}", RevokeGrantsAsync)
            .WithName("RevokeGrants").WithSummary("Revokes every grant the user gave the application, and the tokens issued under them.")
            .Produces<RevocationJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapGet("/tokens", ListTokensAsync)
            .WithName("ListTokens").WithSummary("The application's active tokens, newest first.")
            .Produces<PageJson<TokenJson>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapDelete("/tokens/{tokenId}", RevokeTokenAsync)
            .WithName("RevokeToken").WithSummary("Revokes one active token.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapDelete("/tokens", RevokeAllTokensAsync)
            .WithName("RevokeAllTokens").WithSummary("Revokes every token issued to the application so far.")
            .Produces<RevocationJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListGrantsAsync(string clientId, IGrainFactory grains, ApplicationTokens tokens, int? page, int? pageSize)
    {
        if (await grains.FindApplicationAsync(clientId) is null)
        {
            return ApplicationJsonMapping.ApplicationNotFound();
        }

        var all = await tokens.ListGrantsAsync(clientId);
        var (p, size) = (Math.Max(page ?? 1, 1), Math.Clamp(pageSize ?? ApplicationGrains.DefaultPageSize, 1, ApplicationGrains.MaxPageSize));
        return TypedResults.Ok(new PageJson<GrantJson>([.. all.Skip((p - 1) * size).Take(size).Select(g => new GrantJson(g.Id, g.Subject, g.Type, g.Scopes, g.CreatedAt))], p, size, all.Count));
    }

    private static async Task<IResult> RevokeGrantsAsync(string clientId, string subject, ClaimsPrincipal user, IGrainFactory grains, ApplicationTokens tokens)
    {
        if (await grains.FindApplicationAsync(clientId) is not { } application)
        {
            return ApplicationJsonMapping.ApplicationNotFound();
        }

        var revocation = await tokens.RevokeGrantsAsync(application, subject, Administrators.From(user, Administrator.ViaApi));
        return revocation.Outcome == RevocationOutcome.Revoked
            ? TypedResults.Ok(new RevocationJson(revocation.Grants, revocation.Tokens))
            : ApiResults.Problem(StatusCodes.Status404NotFound, "Grant not found", "This user has no valid grant for the application.");
    }

    private static async Task<IResult> ListTokensAsync(string clientId, IGrainFactory grains, ApplicationTokens tokens, int? page, int? pageSize)
    {
        if (await grains.FindApplicationAsync(clientId) is null)
        {
            return ApplicationJsonMapping.ApplicationNotFound();
        }

        var listing = await tokens.ListTokensAsync(clientId, page ?? 1, pageSize ?? ApplicationGrains.DefaultPageSize);
        return TypedResults.Ok(new PageJson<TokenJson>(
            [.. listing.Items.Select(t => new TokenJson(t.Id, t.Type, t.Subject, t.Scopes, t.IssuedAt, t.ExpiresAt))], listing.Page, listing.PageSize, listing.TotalCount));
    }

    private static async Task<IResult> RevokeTokenAsync(string clientId, string tokenId, ClaimsPrincipal user, IGrainFactory grains, ApplicationTokens tokens)
    {
        if (await grains.FindApplicationAsync(clientId) is not { } application)
        {
            return ApplicationJsonMapping.ApplicationNotFound();
        }

        var revocation = await tokens.RevokeTokenAsync(application, tokenId, Administrators.From(user, Administrator.ViaApi));
        return revocation.Outcome == RevocationOutcome.Revoked
            ? TypedResults.NoContent()
            : ApiResults.Problem(StatusCodes.Status404NotFound, "Token not found", "The application has no active token with this id.");
    }

    private static async Task<IResult> RevokeAllTokensAsync(string clientId, ClaimsPrincipal user, IGrainFactory grains, ApplicationTokens tokens)
    {
        if (await grains.FindApplicationAsync(clientId) is not { } application)
        {
            return ApplicationJsonMapping.ApplicationNotFound();
        }

        var revocation = await tokens.RevokeAllTokensAsync(application, Administrators.From(user, Administrator.ViaApi));
        return TypedResults.Ok(new RevocationJson(revocation.Grants, revocation.Tokens));
    }
}
