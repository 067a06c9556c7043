using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;
using TempoModular.Administration.Api;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Credentials;

/// <summary><c>POST</c> (and, for HTTP Basic, <c>GET</c>) <c>/api/admin/applications/{clientId}/credentials</c>.</summary>
internal static class CredentialsEndpoint
{
    public static void Map(RouteGroupBuilder applications)
    {
        // A POST, like the page's "Reveal": with the sign-in cookie it needs the
        // antiforgery token (RequestForgeryFilter), so a link or image on another
        // site cannot make an administrator's browser fetch the secret and write
        // an audit entry in their name.
        applications.MapPost("/{clientId}/credentials", RevealAsync)
            .WithName("RevealCredentials").WithSummary("Client id and client secret (audited). With the sign-in cookie, send the X-CSRF-TOKEN antiforgery header.")
            .Produces<CredentialsJson>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapGet("/{clientId}/credentials", RevealWithBasicAsync)
            .WithName("GetCredentials").WithSummary("Client id and client secret (audited), for HTTP Basic only; with the sign-in cookie use POST.")
            .Produces<CredentialsJson>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status405MethodNotAllowed);
    }

    // Scripts with HTTP Basic keep their GET: a browser sends Basic credentials
    // another site's page makes it use only after a prompt, and a GET from there
    // cannot read the response.
    private static Task<IResult> RevealWithBasicAsync(string clientId, ClaimsPrincipal user, IGrainFactory grains, RevealCredentials reveal, HttpResponse response)
    {
        if (user.Identity?.AuthenticationType == BasicAuthentication.Scheme)
        {
            return RevealAsync(clientId, user, grains, reveal);
        }

        response.Headers.Allow = "POST";
        return Task.FromResult<IResult>(ApiResults.Problem(StatusCodes.Status405MethodNotAllowed, "Use POST",
            "With the sign-in cookie, credentials are revealed by POST with the page's antiforgery token in the X-CSRF-TOKEN header; scripts can use HTTP Basic."));
    }

    private static async Task<IResult> RevealAsync(string clientId, ClaimsPrincipal user, IGrainFactory grains, RevealCredentials reveal) =>
        await grains.FindApplicationAsync(clientId) is { } application
        && await reveal.RevealAsync(application, Administrators.From(user, Administrator.ViaApi)) is { } credentials
            ? TypedResults.Ok(ApplicationJsonMapping.ToJson(credentials))
            : ApplicationJsonMapping.ApplicationNotFound();
}
