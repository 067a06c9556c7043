using System.Globalization;
using System.Security.Claims;
using Htmx;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TempoModular.Identity.SignIn;

/// <summary>
/// The sign-in cookie: who the user is, which permissions they hold and the
/// security stamp it was issued with. Every request checks it against the user's
/// grain: a cookie whose stamp is no longer the user's (signed out, new password,
/// deactivated) or whose user is gone stops working on that request, and changed
/// permissions apply to the next request on every host.
/// </summary>
internal static class SignInCookie
{
    /// <summary>The user's security stamp when the cookie was issued.</summary>
    public const string SecurityStampClaim = "tempo_stamp";

    public const string SignOutPath = "/account/sign-out";

    public const string AccessDeniedPath = "/account/access-denied";

    public static IServiceCollection AddSignInCookie(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignInOptions>()
            .Bind(configuration.GetSection(SignInOptions.Section))
            .Validate(o => o.Lifetime > TimeSpan.Zero, $"{SignInOptions.Section}:Lifetime must be positive.")
            .ValidateOnStart();

        // The default scheme: pages see the signed-in user in HttpContext.User, and
        // [Authorize] on a page sends an anonymous user to sign in. The REST API
        // names its bearer scheme explicitly.
        services.AddAuthentication(TempoAuthentication.CookieScheme).AddCookie(TempoAuthentication.CookieScheme);
        services.AddOptions<CookieAuthenticationOptions>(TempoAuthentication.CookieScheme)
            .Configure<IHostEnvironment, IOptions<SignInOptions>>((cookie, environment, signIn) =>
            {
                cookie.Cookie.Name = "Tempo.SignIn";
                cookie.Cookie.HttpOnly = true;

                // Lax, not Strict: an integrator's site sends the user's browser to
                // /oauth/authorize with a top-level GET, and that request must carry
                // the cookie or every authorization would ask to sign in again.
                // Cross-site POSTs still go without it.
                cookie.Cookie.SameSite = SameSiteMode.Lax;

                // Plain HTTP only for local development; everywhere else the cookie
                // never travels unencrypted.
                cookie.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                cookie.LoginPath = TempoAuthentication.SignInPath;
                cookie.AccessDeniedPath = AccessDeniedPath;
                cookie.ExpireTimeSpan = signIn.Value.Lifetime;
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = ValidateSessionAsync;
                cookie.Events.OnRedirectToLogin = context => Redirect(context, context.Options.LoginPath, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => Redirect(context, context.Options.AccessDeniedPath, StatusCodes.Status403Forbidden);
            });
        return services;
    }

    /// <summary>The signed-in user as the cookie carries it.</summary>
    public static ClaimsPrincipal Principal(UserProfile user) => new(new ClaimsIdentity(
        [
            new Claim(TempoAuthentication.SubjectClaim, UserNames.Normalize(user.UserName)),
            new Claim(TempoAuthentication.NameClaim, user.DisplayName),
            new Claim(TempoAuthentication.PermissionsClaim, TempoPermissionNames.ClaimValue(user.Permissions)),
            new Claim(SecurityStampClaim, user.SecurityStamp),
        ],
        TempoAuthentication.CookieScheme,
        TempoAuthentication.NameClaim,
        "role"));

    // Every request, not once a minute: an administrator who removes a user's
    // permission or deactivates them must not see that user act once more. The
    // user grain is in memory and GetAsync interleaves, so this costs one local
    // grain call and never waits behind a password check.
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var subject = context.Principal?.FindFirst(TempoAuthentication.SubjectClaim)?.Value;
        var user = string.IsNullOrWhiteSpace(subject)
            ? null
            : await context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(subject).GetAsync();

        // Cookies issued before stamps existed carry none; their users' stamp is
        // "" until it first changes, which ends them too.
        var stamp = context.Principal?.FindFirst(SecurityStampClaim)?.Value ?? "";
        if (user is not { Active: true } || !string.Equals(stamp, user.SecurityStamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(TempoAuthentication.CookieScheme);
            return;
        }

        if (TempoPermissionNames.Of(context.Principal!) != user.Permissions
            || context.Principal!.FindFirst(TempoAuthentication.NameClaim)?.Value != user.DisplayName)
        {
            context.ReplacePrincipal(Principal(user));
            context.ShouldRenew = true;
        }
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context, PathString page, int statusCode)
    {
        var request = context.Request;
        if (request.IsHtmx())
        {
            // htmx would follow a 302 inside its request and swap the whole sign-in
            // page into the fragment's target. HX-Redirect makes it load the page in
            // the window instead, coming back afterwards to the page the user was on,
            // not to the fragment's URL.
            context.Response.StatusCode = statusCode;
            context.Response.Headers["HX-Redirect"] = (request.PathBase + page
                + QueryString.Create(context.Options.ReturnUrlParameter, PageOf(request))).ToString();
        }
        else if (request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            // Scripts get the status code, not an HTML sign-in page.
            context.Response.StatusCode = statusCode;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    // The page htmx sent the request from (HX-Current-URL), when it is on this
    // site; else the request's own URL.
    private static string PageOf(HttpRequest request) =>
        Uri.TryCreate(request.Headers["HX-Current-URL"].ToString(), UriKind.Absolute, out var page)
        && string.Equals(page.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? page.PathAndQuery
            : (request.PathBase + request.Path + request.QueryString).ToString();
}
