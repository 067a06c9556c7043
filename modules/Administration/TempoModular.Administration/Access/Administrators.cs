using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using TempoModular.Identity;

namespace TempoModular.Administration.Access;

/// <summary>
/// Who may administer OAuth 2.0 applications: a user holding all four Tempo and
/// Jira administrator permissions, signed in with the site cookie (pages) or
/// with the cookie or HTTP Basic (admin API).
/// </summary>
internal static class Administrators
{
    /// <summary>The settings pages: the sign-in cookie only; anonymous users are sent to sign in, others to the 403 page.</summary>
    public const string PagePolicy = "administration:pages";

    /// <summary>The admin API: the sign-in cookie or HTTP Basic; refusals are problem details.</summary>
    public const string ApiPolicy = "administration:api";

    // The Identity module's vocabulary, under the names this module's code uses.
    public const string SubjectClaim = TempoAuthentication.SubjectClaim;

    public const string NameClaim = TempoAuthentication.NameClaim;

    /// <summary>The permissions a principal carries; none when it carries no readable claim.</summary>
    public static TempoPermissions PermissionsOf(ClaimsPrincipal user) => TempoPermissionNames.Of(user);

    /// <summary>Display names of the four permissions the principal lacks, in the order the product lists them.</summary>
    public static IReadOnlyList<string> MissingPermissions(ClaimsPrincipal user) => TempoPermissionNames.Missing(PermissionsOf(user));

    /// <summary>The signed-in administrator as the audit log records them.</summary>
    public static Administrator From(ClaimsPrincipal user, string via)
    {
        var userName = user.FindFirst(SubjectClaim)?.Value;
        if (string.IsNullOrWhiteSpace(userName))
        {
            throw new InvalidOperationException("An authorized administrator has no subject claim.");
        }

        return new Administrator(userName, user.FindFirst(NameClaim)?.Value ?? userName, via);
    }

    public static AuthorizationBuilder AddAdministratorPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(PagePolicy, policy => policy.RequireAuthenticatedUser().AddRequirements(new AdministratorRequirement()))
        .AddPolicy(ApiPolicy, policy => policy
            .AddAuthenticationSchemes(BasicAuthentication.ApiScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new AdministratorRequirement()));
}

/// <summary>An authenticated administrator: the user name (the user grain's key), the display name, and where they acted from.</summary>
internal sealed record Administrator(string UserName, string DisplayName, string Via)
{
    /// <summary>The user name as the registry stores it for who created or changed an application (see <see cref="Display.UserName"/>).</summary>
    public string Actor => Display.UserName(UserName);

    public const string ViaPages = "pages";
    public const string ViaApi = "api";
}

/// <summary>The user holds all four permissions (<see cref="TempoPermissions.OAuthApplicationAdministrator"/>).</summary>
internal sealed class AdministratorRequirement : AuthorizationHandler<AdministratorRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdministratorRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && Administrators.PermissionsOf(context.User).HasFlag(TempoPermissions.OAuthApplicationAdministrator))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
