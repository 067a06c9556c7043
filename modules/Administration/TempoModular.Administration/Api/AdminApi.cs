using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Administration.Pages.Settings.OAuthApplications.ApplicationList;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Credentials;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Delete;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Edit;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Register;
using TempoModular.Administration.Pages.Settings.OAuthApplications.RotateSecret;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Tokens;
using TempoModular.Administration.Pages.Settings.Users;

namespace TempoModular.Administration.Api;

/// <summary>
/// The JSON admin API under <c>/api/admin/</c>: what the settings pages do, for
/// scripts and automation, through the same operations (each feature maps its own endpoints).
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
        ListApplicationsEndpoint.Map(applications);
        RegisterEndpoint.Map(applications);
        EditEndpoint.Map(applications);
        DeleteEndpoint.Map(applications);
        RotateSecretEndpoint.Map(applications);
        CredentialsEndpoint.Map(applications);
        TokensEndpoints.Map(applications);
        AuditEndpoint.Map(api);
        UsersEndpoints.Map(api);
        return endpoints;
    }
}
